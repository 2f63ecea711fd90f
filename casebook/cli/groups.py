"""`casebook group list`: the groups you may see, with the ids other commands take."""

from __future__ import annotations

import click

from casebook.cli.connection import logged_in
from casebook.cli.output import echo_table, printable


@click.group(help="The groups you belong to or were granted (needs `casebook login` first).")
def group() -> None:
    pass


@group.command("list")
def list_groups() -> None:
    """List your groups (and, for attorneys, the groups that granted you access) with their
    ids, for `casebook vault` and `casebook incident add --group`."""
    with logged_in() as api:
        found = api.get("/api/v1/groups")
    rows = [
        (str(g["id"]), printable(str(g["name"])), printable(f"{g['city']}, {g['region']}"))
        for g in sorted(found, key=lambda g: str(g["name"]))
    ]
    echo_table(("ID", "NAME", "PLACE"), rows)
