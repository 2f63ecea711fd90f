"""`casebook incident`: record, list and show incidents on the server you logged in to."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import date, datetime
from typing import IO, Any

import click

from casebook.cli.api_client import Api
from casebook.cli.connection import logged_in
from casebook.cli.output import echo_table, printable, shorten
from casebook.cli.params import DATE_EXAMPLES, PRECISIONS, IncidentDate, Involvement

MAX_PAGE = 200


@click.group()
def incident() -> None:
    """Record, list and show incidents (needs `casebook login` first).

    Tactic, agency, role and source ids come from the server's vocabularies, listed at
    /api/v1/vocabularies (e.g. physical-following, ice-ero, target, first-hand).
    """


@incident.command("add")
@click.option(
    "--group",
    "group_id",
    type=click.UUID,
    required=True,
    metavar="GROUP_ID",
    help="Id of your group the incident is recorded for.",
)
@click.option(
    "--date",
    "when",
    type=IncidentDate(),
    required=True,
    metavar="DATE",
    help="When it happened: YYYY-MM-DD, or YYYY-MM / YYYY when only the month or year is known.",
)
@click.option(
    "--precision",
    type=click.Choice(PRECISIONS),
    help="How exact --date is (default: as exact as --date is written). Month and "
    "year dates are kept as the first day of the month or year.",
)
@click.option(
    "--time",
    "at",
    type=click.DateTime(formats=["%H:%M"]),
    metavar="HH:MM",
    help="Local time of day, for day-exact dates only.",
)
@click.option(
    "--tactic",
    "tactics",
    multiple=True,
    required=True,
    metavar="ID",
    help="What was done, e.g. physical-following or arrest-at-home. Repeat for several.",
)
@click.option(
    "--agency",
    "agencies",
    multiple=True,
    metavar="ID",
    help="Agency involved, e.g. ice-ero, cbp, unknown. Repeat for several.",
)
@click.option(
    "--person",
    "people",
    type=Involvement(),
    multiple=True,
    metavar="PERSON_ID:ROLE",
    help="A person involved and their role (target, family-member, witness, "
    "bystander). Repeat for several.",
)
@click.option(
    "--activity",
    "activities",
    type=click.UUID,
    multiple=True,
    metavar="ID",
    help="Id of a protected activity this may be retaliation for. Repeat for several.",
)
@click.option("--city", help="City or town. Leave out exact addresses.")
@click.option("--region", help="State or region, e.g. Washington.")
@click.option(
    "--source-kind",
    metavar="ID",
    help="How this is known: first-hand (default), witness, government-record, "
    "court-filing or press.",
)
@click.option("--narrative", help="What happened, in your own words.")
@click.option(
    "--narrative-file",
    type=click.File("r", encoding="utf-8"),
    metavar="PATH",
    help="Read the narrative from a file, or from standard input with '-'.",
)
def add(
    group_id: uuid.UUID,
    when: tuple[date, str],
    precision: str | None,
    at: datetime | None,
    tactics: tuple[str, ...],
    agencies: tuple[str, ...],
    people: tuple[dict[str, str], ...],
    activities: tuple[uuid.UUID, ...],
    city: str | None,
    region: str | None,
    source_kind: str | None,
    narrative: str | None,
    narrative_file: IO[str] | None,
) -> None:
    """Record an incident and print its id.

    Example: casebook incident add --group GROUP_ID --date 2024-03-14 --tactic
    physical-following --agency ice-ero --region Washington --narrative-file notes.txt
    """
    if narrative is not None and narrative_file is not None:
        raise click.UsageError("Give --narrative or --narrative-file, not both.")
    occurred_on, written_precision = when
    precision = precision or written_precision
    if PRECISIONS.index(precision) < PRECISIONS.index(written_precision):
        raise click.BadParameter(
            f"a {precision}-exact date needs the form {DATE_EXAMPLES[precision]}",
            param_hint="--date",
        )
    body: dict[str, Any] = {
        "group_id": str(group_id),
        "occurred_on": occurred_on.isoformat(),
        "date_precision": precision,
        "tactics": list(tactics),
        "agencies": list(agencies),
        "people": list(people),
        "activity_ids": [str(a) for a in activities],
    }
    optional = {
        "occurred_time": at.time().isoformat() if at else None,
        "city": city,
        "region": region,
        "source_kind": source_kind,
        "narrative": narrative_file.read() if narrative_file else narrative,
    }
    body.update({name: value for name, value in optional.items() if value is not None})
    with logged_in() as api:
        created = api.post("/api/v1/incidents", body)
    click.echo(created["id"])


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
    type=click.DateTime(formats=["%Y-%m-%d"]),
    metavar="YYYY-MM-DD",
    help="Only incidents on or after this date.",
)
@click.option(
    "--to",
    "date_to",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    metavar="YYYY-MM-DD",
    help="Only incidents on or before this date.",
)
@click.option("--region", help="Only incidents in this state or region.")
@click.option(
    "--status",
    metavar="ID",
    help="Only incidents in this workflow status: draft, submitted, in-review, closed.",
)
@click.option("--text", help="Only incidents whose narrative contains this text.")
@click.option(
    "--limit",
    type=click.IntRange(1, MAX_PAGE),
    default=50,
    show_default=True,
    help="How many incidents to show (per request with --all).",
)
@click.option("--all", "everything", is_flag=True, help="Show every matching incident.")
@click.option(
    "--json", "as_json", is_flag=True, help="Print one JSON object per line instead of a table."
)
def list_(
    group_id: uuid.UUID | None,
    tactic: str | None,
    agency: str | None,
    person_id: uuid.UUID | None,
    date_from: datetime | None,
    date_to: datetime | None,
    region: str | None,
    status: str | None,
    text: str | None,
    limit: int,
    everything: bool,
    as_json: bool,
) -> None:
    """List the incidents you may see, newest first.

    Shows date, region, tactics, the start of the narrative and the id (for
    `casebook incident show ID`).
    """
    filters = {
        "group_id": group_id,
        "tactic": tactic,
        "agency": agency,
        "person_id": person_id,
        "date_from": date_from.date() if date_from else None,
        "date_to": date_to.date() if date_to else None,
        "region": region,
        "workflow_status": status,
        "q": text,
    }
    params = {name: str(value) for name, value in filters.items() if value is not None}
    rows: list[tuple[str, ...]] = []
    more, count = False, 0
    with logged_in() as api:
        for item, more_match in _pages(api, params, limit, everything):
            count, more = count + 1, more_match
            if as_json:
                click.echo(json.dumps(item, sort_keys=True))
            else:
                rows.append(_row(item))
    if rows:
        echo_table(("DATE", "REGION", "TACTICS", "NARRATIVE", "ID"), rows)
    if count == 0:
        click.echo("No incidents match.", err=True)
    if more:
        click.echo("More incidents match: use --all, a larger --limit, or filters.", err=True)


@incident.command("show")
@click.argument("incident_id", metavar="ID", type=click.UUID)
@click.option("--json", "as_json", is_flag=True, help="Print the incident as JSON.")
def show(incident_id: uuid.UUID, as_json: bool) -> None:
    """Show one incident in full."""
    with logged_in() as api:
        item = api.get(f"/api/v1/incidents/{incident_id}")
    if as_json:
        click.echo(json.dumps(item, indent=2, sort_keys=True))
        return
    people = [f"{p['person_id']} ({p['role']})" for p in item["people"]]
    fields = [
        ("Id", item["id"]),
        ("Date", _date(item) + (f" {item['occurred_time'][:5]}" if item["occurred_time"] else "")),
        ("Place", ", ".join(v for v in (item["city"], item["region"], item["country"]) if v)),
        ("Group", item["group_id"]),
        ("Other groups", ", ".join(g for g in item["group_ids"] if g != item["group_id"])),
        ("Tactics", ", ".join(item["tactics"])),
        ("Agencies", ", ".join(item["agencies"])),
        ("People", ", ".join(people)),
        ("Activities", ", ".join(item["activity_ids"])),
        ("Source", item["source_kind"]),
        ("Verification", item["verification_status"]),
        ("Status", item["workflow_status"]),
        ("Version", str(item["version"])),
        ("Updated", item["updated_at"]),
    ]
    for label, value in fields:
        if value:
            click.echo(f"{label + ':':<14}{printable(str(value))}")
    if item["narrative"]:
        click.echo("")
        for line in item["narrative"].splitlines():
            click.echo(printable(line))


def _pages(
    api: Api, params: dict[str, str], limit: int, everything: bool
) -> Iterator[tuple[dict[str, Any], bool]]:
    """Each incident, and whether more match than were fetched (known at the last one)."""
    cursor: str | None = None
    while True:
        extra = {"limit": str(limit)} | ({} if cursor is None else {"cursor": cursor})
        page = api.get("/api/v1/incidents", params | extra)
        items, cursor = page["items"], page["next_cursor"]
        for index, item in enumerate(items):
            yield item, not everything and cursor is not None and index == len(items) - 1
        if not everything or cursor is None:
            return


def _date(item: dict[str, Any]) -> str:
    on: str = item["occurred_on"]
    return {"day": on, "month": on[:7], "year": on[:4]}.get(item["date_precision"], on)


def _row(item: dict[str, Any]) -> tuple[str, ...]:
    return (
        _date(item),
        shorten(item["region"], 30) or "-",
        shorten(",".join(item["tactics"]), 60),
        shorten(item["narrative"], 60),
        item["id"],
    )
