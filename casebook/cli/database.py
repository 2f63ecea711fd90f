"""`casebook db`: bring the database schema up to date, check it against the models, and sweep
away what interrupted evidence uploads left behind."""

from __future__ import annotations

import click
from alembic.util.exc import CommandError

from casebook import migrate
from casebook.cli.context import DATABASE_UNREACHABLE, load_settings, run, safe_url, unreachable
from casebook.config import Settings
from casebook.evidence.sweep import sweep


def upgrade_database(settings: Settings) -> None:
    """Apply the migrations the configured database lacks; a failure becomes a message.
    A missing data directory is created first, readable by this user only."""
    settings.data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        migrate.upgrade(settings.database_url)
    except CommandError as error:
        raise click.ClickException(f"Migrating the database failed: {error}") from error
    except DATABASE_UNREACHABLE as error:
        raise unreachable(settings, error) from error


@click.group("db")
def db() -> None:
    """Create, upgrade and check the database schema (server side).

    Uses the database named by CASEBOOK_DATABASE_URL, or the SQLite file in CASEBOOK_DATA_DIR.
    """


@db.command("upgrade")
def upgrade_command() -> None:
    """Create the database schema, or bring it up to the newest version.

    Safe to run at any time: migrations already applied are skipped. `casebook serve` does
    this by itself on start-up. Back up the database before upgrading a server in use.
    """
    settings = load_settings()
    upgrade_database(settings)
    click.echo(
        f"The database {safe_url(settings.database_url)} is at the newest schema "
        f"(revision {migrate.head_revision()})."
    )


@db.command("check")
def check_command() -> None:
    """Check that the database is fully migrated and that the migrations match the models.

    Exits with status 1 and names the differences when a model changed without a migration
    (for developers: write one with `alembic revision --autogenerate`), or when the database
    needs `casebook db upgrade`.
    """
    settings = load_settings()
    try:
        migrate.check(settings.database_url)
    except migrate.SchemaCheckFailed as error:
        raise click.ClickException(f"Schema check failed: {error}") from error
    except DATABASE_UNREACHABLE as error:
        raise unreachable(settings, error) from error
    click.echo("The database is at the newest migration and the models match the migrations.")


@db.command("sweep")
def sweep_command() -> None:
    """Remove abandoned evidence uploads and blobs no attachment names.

    Deletes attachments still pending a day after they were started, with their blobs, and
    blobs (or unfinished uploads) older than a day that no attachment refers to. The server
    also does this each time it starts. Safe to run while the server is serving.
    """
    result = run(sweep)
    click.echo(
        f"Removed {result.pending_attachments} abandoned upload(s) and {result.blobs} blob(s)."
    )
