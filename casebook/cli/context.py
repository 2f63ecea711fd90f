"""What every server-side command needs: settings from the environment, a Runtime for the
length of one command, and the command line's way of reporting problems."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable, Mapping
from pathlib import Path
from typing import IO, Any, TypeVar

import click
from sqlalchemy.engine import make_url
from sqlalchemy.exc import InterfaceError, OperationalError

from casebook.access.policy_files import PolicyError
from casebook.config import ConfigError, Settings
from casebook.errors import FieldError
from casebook.migrate import schema_is_current
from casebook.runtime import Runtime

T = TypeVar("T")

# Failures to reach or open the database, as the drivers raise them.
DATABASE_UNREACHABLE = (OSError, OperationalError, InterfaceError)


class FieldProblems(click.ClickException):
    """Input the services refused: one `field: message` line each on stderr, exit status 2."""

    exit_code = 2

    def __init__(self, errors: Iterable[FieldError], labels: Mapping[str, str] | None = None):
        self.lines = [f"{(labels or {}).get(e.field, e.field)}: {e.message}" for e in errors]
        super().__init__("; ".join(self.lines))

    def show(self, file: IO[Any] | None = None) -> None:
        for line in self.lines:
            click.echo(line, err=True)


def load_settings() -> Settings:
    try:
        return Settings.from_env()
    except ConfigError as error:
        raise click.ClickException(f"Configuration: {error}") from error


def safe_url(database_url: str) -> str:
    """The database URL without its password, for messages."""
    return make_url(database_url).render_as_string(hide_password=True)


def unreachable(settings: Settings, error: Exception) -> click.ClickException:
    reason = str(getattr(error, "orig", None) or error).splitlines()[0]
    return click.ClickException(
        f"Could not open the database {safe_url(settings.database_url)}: {reason}"
    )


def run(work: Callable[[Runtime], Awaitable[T]], settings: Settings | None = None) -> T:
    """Run `work` with a Runtime on a migrated database, then close the Runtime."""
    return asyncio.run(_run(work, settings or load_settings()))


def sqlite_file(database_url: str) -> Path | None:
    """The file of a SQLite database URL (None for other databases and in-memory SQLite)."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    return Path(url.database)


async def _run(work: Callable[[Runtime], Awaitable[T]], settings: Settings) -> T:
    # A missing SQLite file would be created empty by connecting to it.
    path = sqlite_file(settings.database_url)
    if path is not None and not path.exists():
        raise click.ClickException(
            f"There is no database at {path}: check CASEBOOK_DATA_DIR and "
            "CASEBOOK_DATABASE_URL, or create it with `casebook db upgrade`."
        )
    try:
        runtime = Runtime.start(settings)
    except (ConfigError, PolicyError) as error:
        raise click.ClickException(f"Configuration: {error}") from error
    try:
        try:
            current = await schema_is_current(runtime.engine)
        except DATABASE_UNREACHABLE as error:
            raise unreachable(settings, error) from error
        if not current:
            raise click.ClickException(
                "The database schema is not up to date: run `casebook db upgrade` first."
            )
        return await work(runtime)
    finally:
        await runtime.close()
