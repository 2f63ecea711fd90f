"""`casebook person`: the people your group documents incidents about, on the server you
logged in to."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

from casebook.cli import records
from casebook.cli.output import shorten
from casebook.cli.records import F, Kind, Record

COLUMNS = ("ALIAS", "NOTES", "ID")


def _row(item: Record) -> tuple[str, ...]:
    return (shorten(item["alias"], 40), shorten(item["notes"], 60), item["id"])


def _details(item: Record) -> list[tuple[str, str]]:
    return [
        ("Id", item["id"]),
        ("Alias", item["alias"]),
        ("Legal name", item["legal_name"] or ""),
        ("Groups", ", ".join(item["group_ids"])),
    ]


PEOPLE = Kind("person", "people", COLUMNS, _row, _details, "notes")


@click.group()
def person() -> None:
    """Record, list, show and edit the people your group documents (needs `casebook login`
    first).

    A person is known by an alias; a legal name is optional and best left out unless it is
    needed. A person need not have a Casebook account. Link people to incidents with
    `casebook incident add/edit --person PERSON_ID:ROLE`.
    """


def _field_options(*, editing: bool) -> Callable[[F], F]:
    return records.stacked(
        records.your_groups_option("this person belongs with", editing=editing),
        click.option(
            "--alias",
            required=not editing,
            help="The name to show for this person, e.g. a first name or a nickname.",
        ),
        click.option(
            "--legal-name",
            help="Legal name, only if your group needs it (e.g. for a court filing)."
            + (" An empty value ('') removes it." if editing else ""),
        ),
        records.text_options("notes", "Notes about this person.", "the notes", editing=editing),
    )


def _fields(options: dict[str, Any]) -> dict[str, Any]:
    return records.given(records.with_text(options, "notes"))


person.add_command(
    records.add_command(
        PEOPLE,
        _field_options(editing=False),
        _fields,
        help="""Record a person and print their id.

        Example: casebook person add --group GROUP_ID --alias Rosa --notes-file rosa.txt
        """,
    )
)
person.add_command(
    records.edit_command(
        PEOPLE,
        _field_options(editing=True),
        _fields,
        help="""Change some fields of a person; the others stay as they are.

        Example: casebook person edit ID --version 2 --alias "Rosa M."
        """,
    )
)


@person.command("list")
@click.option("--group", "group_id", type=click.UUID, metavar="GROUP_ID", help="Only this group.")
@click.option("--text", "q", help="Only people whose alias contains this text.")
@records.listing_options(PEOPLE)
def list_(limit: int, everything: bool, as_json: bool, **filters: Any) -> None:
    """List the people you may see, by alias.

    Shows the alias, the start of the notes and the id (for `casebook person show ID`).
    """
    records.list_records(PEOPLE, filters, limit, everything, as_json)


person.add_command(records.show_command(PEOPLE, "alias, legal name, groups and notes"))
