"""The database schema under Alembic: upgrade to the newest migration, check the models agree.

`upgrade` and `check` start their own event loop (as Alembic's env.py does): call them from
synchronous code, never from inside a running loop. `schema_is_current` is the async probe
for code that already holds an engine."""

from __future__ import annotations

import asyncio
import io

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from casebook.config import REPO_ROOT
from casebook.db import create_engine

ALEMBIC_INI = REPO_ROOT / "alembic.ini"


class SchemaCheckFailed(Exception):
    """The database is behind the migrations, or the models changed without a migration."""


def alembic_config(database_url: str) -> Config:
    """Alembic configuration for `database_url`. Logging is left to the caller (Alembic's
    ini would otherwise reconfigure the root logger)."""
    config = Config(str(ALEMBIC_INI), stdout=io.StringIO())
    config.attributes["database_url"] = database_url
    config.attributes["configure_logger"] = False
    return config


def head_revision() -> str | None:
    """The newest migration in the source tree."""
    return _scripts().get_current_head()


def upgrade(database_url: str, revision: str = "head") -> None:
    """Apply every migration the database lacks (creating the SQLite file if needed)."""
    command.upgrade(alembic_config(database_url), revision)


def check(database_url: str) -> None:
    """Raise SchemaCheckFailed when the database is not at the newest migration or when the
    models describe a schema the migrations do not produce."""
    # Checked here first: Alembic raises "not up to date" from inside env.py, which then
    # leaves its engine undisposed.
    if not asyncio.run(_is_current(database_url)):
        raise SchemaCheckFailed(
            "the database is not at the newest migration: run `casebook db upgrade`"
        )
    try:
        command.check(alembic_config(database_url))
    except CommandError as error:
        raise SchemaCheckFailed(str(error)) from error


async def schema_is_current(engine: AsyncEngine) -> bool:
    """Whether the database behind `engine` is at the newest migration."""

    def current(connection: Connection) -> set[str]:
        return set(MigrationContext.configure(connection).get_current_heads())

    async with engine.connect() as connection:
        heads = await connection.run_sync(current)
    return heads == set(_scripts().get_heads())


async def _is_current(database_url: str) -> bool:
    engine = create_engine(database_url)
    try:
        return await schema_is_current(engine)
    finally:
        await engine.dispose()


def _scripts() -> ScriptDirectory:
    return ScriptDirectory.from_config(Config(str(ALEMBIC_INI)))
