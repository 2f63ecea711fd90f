"""`casebook activity`: the protected activity (protests, press, testimony, ...) that incidents
may be retaliation for, on the server you logged in to."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

from casebook.cli import records
from casebook.cli.output import shorten
from casebook.cli.params import Day
from casebook.cli.records import F, Kind, Record

KINDS = (
    "protest, press, petition-or-testimony, litigation-or-foia, organizing, detainee-protest, "
    "sanctuary, documenting-enforcement, art, online-speech, mutual-aid, civil-disobedience"
)
REVIEW = "yes (set because of its kind; only a reviewer can clear it)"


COLUMNS = ("DATE", "KIND", "TITLE", "REVIEW", "ID")


def _row(item: Record) -> tuple[str, ...]:
    return (
        item["occurred_on"],
        item["kind"],
        shorten(item["title"], 50),
        "yes" if item["needs_review"] else "-",
        item["id"],
    )


def _details(item: Record) -> list[tuple[str, str]]:
    return [
        ("Id", item["id"]),
        ("Date", item["occurred_on"]),
        ("Kind", item["kind"]),
        ("Needs review", REVIEW if item["needs_review"] else "no"),
        ("Title", item["title"]),
        ("Link", item["public_url"] or ""),
        ("Groups", ", ".join(item["group_ids"])),
        ("People", ", ".join(item["person_ids"])),
    ]


ACTIVITIES = Kind("activity", "activities", COLUMNS, _row, _details, "description")


@click.group()
def activity() -> None:
    """Record, list, show and edit protected activity (needs `casebook login` first).

    Protected activity is what the First Amendment protects and what an incident may be
    retaliation for: a protest, a press interview, testimony, a lawsuit or FOIA request, and so
    on. Link incidents to it with `casebook incident add/edit --activity ID`. Civil
    disobedience is recorded like the rest but marked as needing review.
    """


def _field_options(*, editing: bool) -> Callable[[F], F]:
    replaces = " Replaces the ones recorded so far." if editing else ""
    return records.stacked(
        records.your_groups_option("that took part", editing=editing),
        click.option(
            "--kind", required=not editing, metavar="ID", help=f"What kind of activity: {KINDS}."
        ),
        click.option(
            "--date",
            "occurred_on",
            type=Day(),
            required=not editing,
            metavar="YYYY-MM-DD",
            help="When it took place.",
        ),
        click.option(
            "--title",
            required=not editing,
            help="A short name, e.g. 'Vigil outside the detention center'.",
        ),
        records.text_options(
            "description",
            "What took place, in a few sentences.",
            "the description",
            editing=editing,
        ),
        click.option(
            "--url",
            "public_url",
            metavar="URL",
            help="A public link about it (news story, video, court docket)."
            + (" An empty value ('') removes it." if editing else ""),
        ),
        click.option(
            "--person",
            "person_ids",
            type=click.UUID,
            multiple=True,
            metavar="PERSON_ID",
            help="Id of a person who took part. Repeat for several." + replaces,
        ),
    )


def _fields(options: dict[str, Any]) -> dict[str, Any]:
    return records.given(records.with_text(options, "description"))


def _review_note(created: Record) -> None:
    if created["needs_review"]:
        click.echo(f"Note: {created['kind']} is marked as needing review.", err=True)


activity.add_command(
    records.add_command(
        ACTIVITIES,
        _field_options(editing=False),
        _fields,
        help="""Record a protected activity and print its id.

        Example: casebook activity add --group GROUP_ID --kind press --date 2024-03-01
        --title "Interview on KUOW" --url https://example.org/story --person PERSON_ID
        """,
        then=_review_note,
    )
)
activity.add_command(
    records.edit_command(
        ACTIVITIES,
        _field_options(editing=True),
        _fields,
        help="""Change some fields of a protected activity; the others stay as they are.

        Example: casebook activity edit ID --version 2 --title "Vigil and march"
        """,
    )
)


@activity.command("list")
@click.option("--group", "group_id", type=click.UUID, metavar="GROUP_ID", help="Only this group.")
@click.option(
    "--person",
    "person_id",
    type=click.UUID,
    metavar="PERSON_ID",
    help="Only activity this person took part in.",
)
@click.option("--kind", metavar="ID", help=f"Only this kind: {KINDS}.")
@click.option(
    "--from",
    "date_from",
    type=Day(),
    metavar="YYYY-MM-DD",
    help="Only activity on or after this date.",
)
@click.option(
    "--to",
    "date_to",
    type=Day(),
    metavar="YYYY-MM-DD",
    help="Only activity on or before this date.",
)
@click.option("--text", "q", help="Only activity whose title or description contains this text.")
@records.listing_options(ACTIVITIES)
def list_(limit: int, everything: bool, as_json: bool, **filters: Any) -> None:
    """List the protected activity you may see, newest first.

    Shows date, kind, title, whether it needs review, and the id (for `casebook activity
    show ID`).
    """
    records.list_records(ACTIVITIES, filters, limit, everything, as_json)


activity.add_command(
    records.show_command(
        ACTIVITIES, "date, kind, whether it needs review, title, link, people, groups"
    )
)
