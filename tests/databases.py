"""Test databases: migrated once per run with Alembic, then copied for each test.

SQLite by default; PostgreSQL when CASEBOOK_TEST_DATABASE_URL names a server database
(e.g. postgresql+asyncpg://postgres@127.0.0.1:5432/test)."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from casebook.config import REPO_ROOT

POSTGRES_URL = os.environ.get("CASEBOOK_TEST_DATABASE_URL")


def alembic_config(database_url: str) -> Config:
    config = Config(str(REPO_ROOT / "alembic.ini"))
    config.attributes["database_url"] = database_url
    config.attributes["configure_logger"] = False
    return config


def migrate(database_url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(database_url), revision)


def _admin_url(url: str) -> str:
    return make_url(url).set(drivername="postgresql+psycopg").render_as_string(hide_password=False)


class DatabaseFactory:
    """Hands out empty, migrated databases: a copy of a template migrated once."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.created: list[str] = []
        self.template = self._new_name()
        self.template_url = self.create_empty(self.template)
        migrate(self.template_url)

    def _new_name(self) -> str:
        return f"casebook_test_{uuid.uuid4().hex[:12]}"

    def url_for(self, name: str) -> str:
        if POSTGRES_URL:
            return make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
        return f"sqlite+aiosqlite:///{self.workdir / name}.sqlite3"

    def create_empty(self, name: str) -> str:
        if POSTGRES_URL:
            self._postgres(f'CREATE DATABASE "{name}"')
            self.created.append(name)
        return self.url_for(name)

    def fresh(self) -> str:
        name = self._new_name()
        if POSTGRES_URL:
            self._postgres(f'CREATE DATABASE "{name}" TEMPLATE "{self.template}"')
            self.created.append(name)
        else:
            shutil.copyfile(
                self.workdir / f"{self.template}.sqlite3", self.workdir / f"{name}.sqlite3"
            )
        return self.url_for(name)

    def drop_all(self) -> None:
        for name in reversed(self.created):
            self._postgres(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def _postgres(self, statement: str) -> None:
        assert POSTGRES_URL
        engine = create_engine(_admin_url(POSTGRES_URL), isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            connection.execute(text(statement))
        engine.dispose()


def database_factory(workdir: Path) -> Iterator[DatabaseFactory]:
    factory = DatabaseFactory(workdir)
    try:
        yield factory
    finally:
        if POSTGRES_URL:
            factory.drop_all()
