"""Alembic environment: one history for SQLite and PostgreSQL, run over the async engine."""

import asyncio
from collections.abc import Callable
from logging.config import fileConfig

from alembic import context
from sqlalchemy.engine import Connection
from sqlalchemy.schema import CreateIndex, Index

from casebook.config import Settings
from casebook.db import UTCDateTime, create_engine
from casebook.models import Base

config = context.config
if config.config_file_name is not None and config.attributes.get("configure_logger", True):
    fileConfig(config.config_file_name, disable_existing_loggers=False)


def database_url() -> str:
    return config.attributes.get("database_url") or Settings.from_env().database_url


def render_item(type_: str, obj: object, autogen_context: object) -> str | bool:
    """Migrations must not import application code: UTC timestamps render as plain columns."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def created_here(connection: Connection) -> Callable[..., bool]:
    """Alembic's include_object: an index the models declare for one database only
    (`Index.ddl_if`), which Alembic does not know of, is compared only on that database."""

    def include(obj: object, _name: str, _type: str, reflected: bool, _other: object) -> bool:
        condition = getattr(obj, "_ddl_if", None)
        if not isinstance(obj, Index) or reflected or condition is None:
            return True
        return bool(condition._should_execute(CreateIndex(obj), obj, connection))

    return include


def run_migrations(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        render_item=render_item,
        include_object=created_here(connection),
    )
    with context.begin_transaction():
        context.run_migrations()


async def run_async_migrations() -> None:
    engine = create_engine(database_url())
    try:
        async with engine.connect() as connection:
            await connection.run_sync(run_migrations)
            await connection.commit()
    finally:
        await engine.dispose()


if context.is_offline_mode():
    raise SystemExit("Casebook migrations run online only: `casebook db upgrade`.")
asyncio.run(run_async_migrations())
