"""The SQL a pattern report needs: grouped counts computed by the database, and the few
per-incident facts the retaliation-timing test needs (dates and targets).

Every function takes `where`, the conditions on `incidents` that say which incidents the report
covers (the actor's scope, the group and the period asked for)."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Table, extract, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from casebook.activities.models import ProtectedActivity, activity_groups, activity_people
from casebook.incidents.models import (
    Incident,
    incident_agencies,
    incident_groups,
    incident_people,
    incident_tactics,
)

Where = Sequence[ColumnElement[bool]]


@dataclass(frozen=True)
class CubeCell:
    """Incidents of one group, place and month (or year, for incidents dated to the year)."""

    group_id: uuid.UUID
    region: str
    country: str
    month: str
    """`YYYY-MM`, or `YYYY` for incidents dated only to the year."""
    dated_to_the_day: int
    incidents: int


def period(since: date | None, until: date | None) -> list[ColumnElement[bool]]:
    """Incidents from `since` to `until`, both included (either may be open)."""
    conditions = []
    if since is not None:
        conditions.append(Incident.occurred_on >= since)
    if until is not None:
        conditions.append(Incident.occurred_on <= until)
    return conditions


def month_key(year: int, month: int | None) -> str:
    return f"{year:04d}" if month is None else f"{year:04d}-{month:02d}"


async def incident_cube(session: AsyncSession, where: Where) -> list[CubeCell]:
    year = extract("year", Incident.occurred_on)
    month = extract("month", Incident.occurred_on)
    columns = (Incident.group_id, Incident.region, Incident.country, Incident.date_precision)
    rows = await session.execute(
        select(*columns, year, month, func.count()).where(*where).group_by(*columns, year, month)
    )
    cells: dict[tuple[uuid.UUID, str, str, str], list[int]] = defaultdict(lambda: [0, 0])
    for group_id, region, country, precision, in_year, in_month, count in rows:
        key = month_key(int(in_year), None if precision == "year" else int(in_month))
        totals = cells[(group_id, region, country, key)]
        totals[0] += count if precision == "day" else 0
        totals[1] += count
    return [
        CubeCell(group_id, region, country, key, day, total)
        for (group_id, region, country, key), (day, total) in cells.items()
    ]


def place_column(place: str) -> Any:
    """The incident column a report's place dimension counts by."""
    columns: dict[str, Any] = {
        "group": Incident.group_id,
        "region": Incident.region,
        "country": Incident.country,
    }
    return columns[place]


async def linked_counts(
    session: AsyncSession,
    link: Table,
    column: str,
    place: str,
    where: Where,
    per_incident: int | None = None,
) -> dict[tuple[str, str], int]:
    """(linked value, place) -> incidents, for a link table such as incident_tactics. With
    `per_incident`, each incident counts only under its first `per_incident` values (in id
    order): the contribution bound differentially private counts need."""
    value: Any = link.c[column]
    source: Any = link
    if per_incident is not None:
        rank = func.row_number().over(partition_by=link.c.incident_id, order_by=value)
        ranked = select(link.c.incident_id, value, rank.label("rank")).subquery()
        link_incident, value = ranked.c.incident_id, ranked.c[column]
        bound = [ranked.c.rank <= per_incident]
        source = ranked
    else:
        link_incident, bound = link.c.incident_id, []
    place_value = place_column(place)
    rows = await session.execute(
        select(value, place_value, func.count())
        .select_from(source)
        .join(Incident, Incident.id == link_incident)
        .where(*where, *bound)
        .group_by(value, place_value)
    )
    return {(str(linked), str(at)): count for linked, at, count in rows}


async def tactic_counts(
    session: AsyncSession, place: str, where: Where, per_incident: int | None = None
) -> dict[tuple[str, str], int]:
    return await linked_counts(session, incident_tactics, "tactic_id", place, where, per_incident)


async def agency_counts(
    session: AsyncSession, place: str, where: Where, per_incident: int | None = None
) -> dict[tuple[str, str], int]:
    return await linked_counts(session, incident_agencies, "agency_id", place, where, per_incident)


@dataclass(frozen=True)
class PersonTactic:
    person_id: uuid.UUID
    tactic_id: str
    first_on: date
    incidents: int


async def person_tactics(session: AsyncSession, where: Where) -> list[PersonTactic]:
    """For each person and tactic: the first date and the number of incidents."""
    first_on = func.min(Incident.occurred_on)
    rows = await session.execute(
        select(incident_people.c.person_id, incident_tactics.c.tactic_id, first_on, func.count())
        .join(Incident, Incident.id == incident_people.c.incident_id)
        .join(incident_tactics, incident_tactics.c.incident_id == incident_people.c.incident_id)
        .where(*where)
        .group_by(incident_people.c.person_id, incident_tactics.c.tactic_id)
    )
    return [PersonTactic(*row) for row in rows]


async def person_incident_counts(session: AsyncSession, where: Where) -> dict[uuid.UUID, int]:
    rows = await session.execute(
        select(incident_people.c.person_id, func.count())
        .join(Incident, Incident.id == incident_people.c.incident_id)
        .where(*where)
        .group_by(incident_people.c.person_id)
    )
    return dict(rows.all())


@dataclass(frozen=True)
class Activity:
    id: uuid.UUID
    occurred_on: date
    kind: str
    title: str
    group_ids: tuple[uuid.UUID, ...]
    person_ids: tuple[uuid.UUID, ...]


async def activities(session: AsyncSession, where: Where) -> list[Activity]:
    """Protected activities (oldest first) with their groups and people. Activities are few
    next to incidents, so they are loaded whole."""
    rows = (
        await session.execute(
            select(
                ProtectedActivity.id,
                ProtectedActivity.occurred_on,
                ProtectedActivity.kind,
                ProtectedActivity.title,
            )
            .where(*where)
            .order_by(ProtectedActivity.occurred_on, ProtectedActivity.id)
        )
    ).all()
    ids = [row.id for row in rows]
    groups = await _links(session, activity_groups, "group_id", ids)
    people = await _links(session, activity_people, "person_id", ids)
    return [
        Activity(row.id, row.occurred_on, row.kind, row.title, groups[row.id], people[row.id])
        for row in rows
    ]


async def _links(
    session: AsyncSession, link: Table, column: str, ids: list[uuid.UUID]
) -> dict[uuid.UUID, tuple[uuid.UUID, ...]]:
    linked: dict[uuid.UUID, list[uuid.UUID]] = defaultdict(list)
    owner = link.c.activity_id
    for chunk in _chunks(ids):
        for activity_id, value in await session.execute(
            select(owner, link.c[column]).where(owner.in_(chunk))
        ):
            linked[activity_id].append(value)
    return {activity_id: tuple(linked[activity_id]) for activity_id in ids}


def _chunks(ids: list[uuid.UUID], size: int = 5000) -> list[list[uuid.UUID]]:
    return [ids[start : start + size] for start in range(0, len(ids), size)]


async def dated_incident_targets(
    session: AsyncSession, where: Where
) -> dict[uuid.UUID, tuple[date, list[str]]]:
    """Incidents dated to the day, each with its date and its targets: `group:<id>` for every
    group it is linked to and `person:<id>` for every person involved."""
    dated = [*where, Incident.date_precision == "day"]
    incidents: dict[uuid.UUID, tuple[date, list[str]]] = {
        incident_id: (occurred_on, [])
        for incident_id, occurred_on in await session.execute(
            select(Incident.id, Incident.occurred_on).where(*dated)
        )
    }
    for link, column, kind in (
        (incident_groups, "group_id", "group"),
        (incident_people, "person_id", "person"),
    ):
        rows = await session.execute(
            select(link.c.incident_id, link.c[column])
            .join(Incident, Incident.id == link.c.incident_id)
            .where(*dated)
        )
        for incident_id, target in rows:
            incidents[incident_id][1].append(f"{kind}:{target}")
    return incidents
