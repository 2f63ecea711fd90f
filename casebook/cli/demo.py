"""`casebook demo`: synthetic demo data for trying Casebook out, never for real use."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from casebook.cli.context import FieldProblems, run
from casebook.errors import ValidationFailed
from casebook.runtime import Runtime

if TYPE_CHECKING:
    from casebook.demo import DemoSummary


async def seed_if_empty(runtime: Runtime, **options: int) -> DemoSummary | None:
    """Fill the database with demo data unless it already holds a group, an account or an
    incident; None when it does. The demo generator is imported only when needed."""
    from casebook.demo import DemoConflict, has_records, seed_demo

    if await has_records(runtime):
        return None
    try:
        return await seed_demo(runtime, **options)
    except DemoConflict as error:
        raise click.ClickException(f"No demo data was added: {error}.") from error
    except ValidationFailed as error:
        raise FieldProblems(error.errors) from error


def echo_summary(summary: DemoSummary) -> None:
    click.echo(
        f"Demo data: {summary.groups} groups, {summary.people} people, "
        f"{summary.activities} protected activities, {summary.incidents} incidents."
    )
    click.echo(f"Demo logins (synthetic accounts; the password of each is {summary.password}):")
    width = max((len(email) for email, _, _ in summary.accounts), default=0)
    for email, role, groups in summary.accounts:
        click.echo(f"  {email.ljust(width)}  {role:<10}  {groups}".rstrip())


@click.command()
@click.option(
    "--seed",
    type=int,
    help="Seed for the random generator: the same seed gives the same data. Default: a fixed seed.",
)
@click.option(
    "--incidents",
    type=click.IntRange(min=0),
    help="How many incidents to generate (default 500).",
)
def demo(seed: int | None, incidents: int | None) -> None:
    """Fill an empty database with synthetic demo data, and print the demo logins.

    The demo accounts share one printed password: never add demo data to a server meant for
    real records. Nothing is added when the database already holds a group, an account or an
    incident. Run `casebook db upgrade` first (or use `casebook serve --demo`, which does
    both).
    """
    given = {"seed": seed, "incidents": incidents}
    options = {name: value for name, value in given.items() if value is not None}

    async def work(runtime: Runtime) -> DemoSummary | None:
        return await seed_if_empty(runtime, **options)

    summary = run(work)
    if summary is None:
        raise click.ClickException(
            "The database already holds accounts or records: no demo data was added."
        )
    echo_summary(summary)
