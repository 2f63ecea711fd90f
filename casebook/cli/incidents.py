"""`casebook incident`: record, list, show and edit incidents on the server you logged in to."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from functools import partial
from typing import Any

import click

from casebook.cli import records
from casebook.cli.output import shorten
from casebook.cli.params import DATE_EXAMPLES, PRECISIONS, Day, IncidentDate, Involvement
from casebook.cli.records import F, Kind, Record


def _date(item: Record) -> str:
    on: str = item["occurred_on"]
    return {"day": on, "month": on[:7], "year": on[:4]}.get(item["date_precision"], on)


COLUMNS = ("DATE", "REGION", "TACTICS", "NARRATIVE", "ID")


def _row(item: Record) -> tuple[str, ...]:
    return (
        _date(item),
        shorten(item["region"], 30) or "-",
        shorten(",".join(item["tactics"]), 60),
        shorten(item["narrative"], 60),
        item["id"],
    )


def _other_groups(item: Record) -> list[str]:
    return [g for g in item["group_ids"] if g != item["group_id"]]


def _details(item: Record) -> list[tuple[str, str]]:
    people = [f"{p['person_id']} ({p['role']})" for p in item["people"]]
    return [
        ("Id", item["id"]),
        ("Date", _date(item) + (f" {item['occurred_time'][:5]}" if item["occurred_time"] else "")),
        ("Place", ", ".join(v for v in (item["city"], item["region"], item["country"]) if v)),
        ("Group", item["group_id"]),
        ("Other groups", ", ".join(_other_groups(item))),
        ("Tactics", ", ".join(item["tactics"])),
        ("Agencies", ", ".join(item["agencies"])),
        ("People", ", ".join(people)),
        ("Activities", ", ".join(item["activity_ids"])),
        ("Source", item["source_kind"]),
        ("Verification", item["verification_status"]),
        ("Status", item["workflow_status"]),
        ("Updated", item["updated_at"]),
    ]


def _as_sent(name: str, item: Record) -> Any:
    """The server lists the owning group among `group_ids`; an edit sends only the others."""
    return _other_groups(item) if name == "group_ids" else item.get(name)


INCIDENTS = Kind("incident", "incidents", COLUMNS, _row, _details, "narrative", as_sent=_as_sent)


@click.group()
def incident() -> None:
    """Record, list, show and edit incidents (needs `casebook login` first).

    Tactic, agency, role and source ids come from the server's vocabularies, listed at
    /api/v1/vocabularies (e.g. physical-following, ice-ero, target, first-hand).
    """


def _field_options(*, editing: bool) -> Callable[[F], F]:
    """The options that set an incident's fields, for `add` and for `edit`."""
    replaces = " Replaces the ones recorded so far." if editing else ""
    blank = " An empty value ('') removes it." if editing else ""
    default = "" if editing else " (default)"
    return records.stacked(
        records.groups_option(
            "Another group involved, besides the one the incident is recorded for. Repeat "
            "for several; replaces the other groups recorded so far.",
            editing=True,
        )
        if editing
        else click.option(
            "--group",
            "group_id",
            type=click.UUID,
            required=True,
            metavar="GROUP_ID",
            help="Id of your group the incident is recorded for.",
        ),
        click.option(
            "--date",
            "occurred_on",
            type=IncidentDate(),
            required=not editing,
            metavar="DATE",
            help="When it happened: YYYY-MM-DD, or YYYY-MM / YYYY when only the month or year "
            "is known."
            + (" A month or year date also removes the time of day." if editing else ""),
        ),
        click.option(
            "--precision",
            "date_precision",
            type=click.Choice(PRECISIONS),
            help="How exact --date is (default: as exact as --date is written). Month and "
            "year dates are kept as the first day of the month or year.",
        ),
        click.option(
            "--time",
            "occurred_time",
            type=click.DateTime(formats=["%H:%M"]),
            metavar="HH:MM",
            help="Local time of day, for day-exact dates only.",
        ),
        _editing_only(
            editing,
            click.option(
                "--clear-time",
                is_flag=True,
                help="Remove the time of day (when it is not really known).",
            ),
        ),
        click.option(
            "--tactic",
            "tactics",
            multiple=True,
            required=not editing,
            metavar="ID",
            help="What was done, e.g. physical-following or arrest-at-home. Repeat for "
            "several." + replaces,
        ),
        click.option(
            "--agency",
            "agencies",
            multiple=True,
            metavar="ID",
            help="Agency involved, e.g. ice-ero, cbp, unknown. Repeat for several." + replaces,
        ),
        click.option(
            "--person",
            "people",
            type=Involvement(),
            multiple=True,
            metavar="PERSON_ID:ROLE",
            help="A person involved and their role (target, family-member, witness, "
            "bystander). Repeat for several." + replaces,
        ),
        click.option(
            "--activity",
            "activity_ids",
            type=click.UUID,
            multiple=True,
            metavar="ID",
            help="Id of a protected activity this may be retaliation for. Repeat for "
            "several." + replaces,
        ),
        click.option("--city", help="City or town. Leave out exact addresses." + blank),
        click.option("--region", help="State or region, e.g. Washington." + blank),
        click.option(
            "--source-kind",
            metavar="ID",
            help="How this is known: first-hand"
            + default
            + ", witness, government-record, court-filing or press.",
        ),
        click.option(
            "--verification",
            "verification_status",
            metavar="ID",
            help="How well it is confirmed: unverified"
            + default
            + ", corroborated, verified or disputed.",
        ),
        click.option(
            "--status",
            "workflow_status",
            metavar="ID",
            help="Where it is in your group's work: draft"
            + default
            + ", submitted, in-review or closed.",
        ),
        records.text_options(
            "narrative", "What happened, in your own words.", "the narrative", editing=editing
        ),
    )


def _editing_only(editing: bool, option: Callable[[F], F]) -> Callable[[F], F]:
    return option if editing else lambda function: function


def _fields(options: dict[str, Any], *, editing: bool) -> dict[str, Any]:
    """The API fields the options set, and only those."""
    values = records.with_text(options, "narrative")
    when: tuple[date, str] | None = values.pop("occurred_on")
    precision: str | None = values.pop("date_precision")
    at: datetime | None = values.pop("occurred_time")
    clear_time: bool = values.pop("clear_time", False)
    fields = records.given(values)
    if at is not None:
        fields["occurred_time"] = at.time().isoformat()
    if clear_time:
        if at is not None:
            raise click.UsageError("Give --time or --clear-time, not both.")
        fields["occurred_time"] = None
    if when is None:
        if precision is not None:
            raise click.UsageError("Give --date with --precision.")
        return fields
    occurred_on, written_precision = when
    precision = precision or written_precision
    if PRECISIONS.index(precision) < PRECISIONS.index(written_precision):
        raise click.BadParameter(
            f"a {precision}-exact date needs the form {DATE_EXAMPLES[precision]}",
            param_hint="--date",
        )
    fields |= {"occurred_on": occurred_on.isoformat(), "date_precision": precision}
    if editing and precision != "day":
        fields.setdefault("occurred_time", None)
    return fields


incident.add_command(
    records.add_command(
        INCIDENTS,
        _field_options(editing=False),
        partial(_fields, editing=False),
        help="""Record an incident and print its id.

        Example: casebook incident add --group GROUP_ID --date 2024-03-14 --tactic
        physical-following --agency ice-ero --region Washington --narrative-file notes.txt
        """,
    )
)
incident.add_command(
    records.edit_command(
        INCIDENTS,
        _field_options(editing=True),
        partial(_fields, editing=True),
        help="""Change some fields of an incident; the others stay as they are.

        Give only what changes. Repeatable options (--tactic, --agency, --person, --activity,
        --group) replace the whole list: give every item that should remain.

        Example: casebook incident edit ID --version 3 --status submitted --agency ice-ero
        --agency cbp
        """,
    )
)


@incident.command("list")
@click.option("--group", "group_id", type=click.UUID, metavar="GROUP_ID", help="Only this group.")
@click.option("--tactic", metavar="ID", help="Only incidents with this tactic.")
@click.option("--agency", metavar="ID", help="Only incidents involving this agency.")
@click.option(
    "--person",
    "person_id",
    type=click.UUID,
    metavar="PERSON_ID",
    help="Only incidents involving this person.",
)
@click.option(
    "--from",
    "date_from",
    type=Day(),
    metavar="YYYY-MM-DD",
    help="Only incidents on or after this date.",
)
@click.option(
    "--to",
    "date_to",
    type=Day(),
    metavar="YYYY-MM-DD",
    help="Only incidents on or before this date.",
)
@click.option("--region", help="Only incidents in this state or region.")
@click.option(
    "--status",
    "workflow_status",
    metavar="ID",
    help="Only incidents in this workflow status: draft, submitted, in-review, closed.",
)
@click.option(
    "--verification",
    "verification_status",
    metavar="ID",
    help="Only incidents this well confirmed: unverified, corroborated, verified, disputed.",
)
@click.option("--text", "q", help="Only incidents whose narrative contains this text.")
@records.listing_options(INCIDENTS)
def list_(limit: int, everything: bool, as_json: bool, **filters: Any) -> None:
    """List the incidents you may see, newest first.

    Shows date, region, tactics, the start of the narrative and the id (for
    `casebook incident show ID`).
    """
    records.list_records(INCIDENTS, filters, limit, everything, as_json)


incident.add_command(
    records.show_command(INCIDENTS, "date, place, tactics, agencies, people, status and narrative")
)
