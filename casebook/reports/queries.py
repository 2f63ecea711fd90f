"""The SQL a pattern report needs: incidents counted by the database, by group, place and
day, by their links (tactics, agencies, people), and by day and targets for retaliation timing.

Every function takes `where`, the conditions on `incidents` that say which incidents the report
covers (the actor's scope, the group and the period asked for)."""

from __future__ import annotations

import functools
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import ColumnElement, Date, String, Table, cast, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from casebook.activities.models import ProtectedActivity, activity_groups, activity_people
from casebook.incidents.models import LINK_LIST_SEPARATOR, Incident

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


# The conditions below wrap their column in a function so that the database does not read the
# incidents through an index on that column: each report query reads them through an index that
# holds every column it needs, in the order it groups by, where another index would cost a
# table lookup per incident (seconds on a large record).


def in_groups(groups: Collection[uuid.UUID]) -> ColumnElement[bool]:
    """Incidents kept by one of `groups`."""
    return func.coalesce(Incident.group_id, Incident.group_id).in_(groups)


def period(since: date | None, until: date | None) -> list[ColumnElement[bool]]:
    """Incidents from `since` to `until`, both included (either may be open)."""
    day = func.date(Incident.occurred_on, type_=Date)
    conditions = []
    if since is not None:
        conditions.append(day >= since)
    if until is not None:
        conditions.append(day <= until)
    return conditions


def month_key(year: int, month: int | None) -> str:
    return f"{year:04d}" if month is None else f"{year:04d}-{month:02d}"


async def incident_cube(session: AsyncSession, where: Where) -> list[CubeCell]:
    # Grouped by the raw date rather than by year and month: the groups then come in the order
    # of ix_incidents_report_cube, without a sort; days are folded into months here.
    columns = (
        Incident.region,
        Incident.group_id,
        Incident.country,
        Incident.date_precision,
        Incident.occurred_on,
    )
    rows = await session.execute(select(*columns, func.count()).where(*where).group_by(*columns))
    cells: dict[tuple[uuid.UUID, str, str, str], list[int]] = defaultdict(lambda: [0, 0])
    for region, group_id, country, precision, occurred_on, count in rows:
        month = None if precision == "year" else occurred_on.month
        totals = cells[(group_id, region, country, month_key(occurred_on.year, month))]
        totals[0] += count if precision == "day" else 0
        totals[1] += count
    return [
        CubeCell(group_id, region, country, key, day, total)
        for (group_id, region, country, key), (day, total) in cells.items()
    ]


LIST_SEPARATOR = LINK_LIST_SEPARATOR
"""Between the values of an incident's link list and of the lists the database aggregates."""


def split(values: str) -> tuple[str, ...]:
    """The values of one list, sorted."""
    return tuple(sorted(values.split(LIST_SEPARATOR))) if values else ()


def uuid_text(value: str) -> str:
    """An id as the database lists it, written as `str(uuid.UUID)` writes it."""
    return str(uuid.UUID(value))


def split_ids(values: str) -> tuple[str, ...]:
    return tuple(sorted(uuid_text(value) for value in split(values)))


Values = tuple[str, ...]


@dataclass(frozen=True)
class PersonTactic:
    person_id: uuid.UUID
    tactic_id: str
    first_on: date
    incidents: int


@dataclass(frozen=True)
class LinkCounts:
    """Incidents counted by their links: what the tactic, agency and escalation tables are
    built from."""

    by_place: dict[tuple[str, str, Values, Values], int]
    """(group id as `str(uuid.UUID)` writes it, region, tactics, agencies) -> incidents; the
    values sorted."""
    person_tactics: list[PersonTactic]
    """For each person and tactic: the first date and the number of incidents."""
    person_incidents: dict[uuid.UUID, int]


async def link_counts(session: AsyncSession, where: Where) -> LinkCounts:
    """Incidents counted by the database by their link lists (on SQLite in the order of the
    report indexes, without a sort); the rows, many on a large record, are summed here."""
    # Core rows: the ORM's per-row processing would cost more than the queries on many rows.
    connection = await session.connection()
    by_place = await connection.execute(
        select(
            cast(Incident.group_id, String),
            Incident.region,
            Incident.linked_tactics,
            Incident.linked_agencies,
            func.count(),
        )
        .where(*where)
        .group_by(
            Incident.region, Incident.group_id, Incident.linked_tactics, Incident.linked_agencies
        )
    )
    # The texts are parsed once each: a few hundred distinct texts recur over many rows.
    group, values = functools.cache(uuid_text), functools.cache(split)
    places = {
        (group(group_id), region, values(tactics), values(agencies)): count
        for group_id, region, tactics, agencies, count in by_place
    }
    by_people = await connection.execute(
        select(
            Incident.linked_people,
            Incident.linked_tactics,
            # The first day as ISO text (YYYY-MM-DD), which sorts as the days do.
            cast(func.min(Incident.occurred_on), String),
            func.count(),
        )
        .where(*where, Incident.linked_people != "")
        .group_by(Incident.linked_people, Incident.linked_tactics)
    )
    return LinkCounts(places, *_per_person(by_people.all(), values))


def _per_person(
    rows: Sequence[Any], values: Callable[[str], Values]
) -> tuple[list[PersonTactic], dict[uuid.UUID, int]]:
    """Person tactics and incidents per person, from the incidents counted by their people and
    tactics (each incident in one row)."""
    pairs: dict[tuple[str, str], list[Any]] = {}
    people: Counter[str] = Counter()
    ids = functools.cache(split_ids)
    # Loops over many rows: written out, without a function call per value.
    for persons, tactics, first_on, count in rows:
        tactic_ids = values(tactics)
        for person_id in ids(persons):
            people[person_id] += count
            for tactic_id in tactic_ids:
                known = pairs.get((person_id, tactic_id))
                if known is None:
                    pairs[(person_id, tactic_id)] = [first_on, count]
                else:
                    if first_on < known[0]:
                        known[0] = first_on
                    known[1] += count
    return (
        [
            PersonTactic(uuid.UUID(person_id), tactic_id, date.fromisoformat(first_on), count)
            for (person_id, tactic_id), (first_on, count) in pairs.items()
        ],
        {uuid.UUID(person_id): count for person_id, count in people.items()},
    )


def linked_counts(
    counts: LinkCounts, link: str, place: str, per_incident: int | None = None
) -> dict[tuple[str, str], int]:
    """(linked value, place) -> incidents, for `link` `tactics` or `agencies` and `place`
    `group` or `region`. With `per_incident`, each incident counts only under its first
    `per_incident` values: the contribution bound differentially private counts need."""
    totals: Counter[tuple[str, str]] = Counter()
    for (group_id, region, tactics, agencies), incidents in counts.by_place.items():
        at = group_id if place == "group" else region
        for value in (tactics if link == "tactics" else agencies)[:per_incident]:
            totals[(value, at)] += incidents
    return dict(totals)


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


@dataclass(frozen=True)
class DatedIncidents:
    """The incidents dated to the day that have the same targets: `group:<id>` for every group
    they are linked to and `person:<id>` for every person involved."""

    targets: tuple[str, ...]
    days: NDArray[np.datetime64]
    """The day of each incident, in no particular order."""


async def dated_incidents(session: AsyncSession, where: Where) -> list[DatedIncidents]:
    """The incidents dated to the day, grouped by their targets (on SQLite in the order of
    ix_incidents_report_dated); the database lists each group's days (a few thousand rows,
    where a row per incident would be hundreds of thousands to read)."""
    keys = (Incident.linked_groups, Incident.linked_people)
    days = func.aggregate_strings(cast(Incident.occurred_on, String), LIST_SEPARATOR)
    rows = await session.execute(
        select(*keys, days)
        .where(*where, Incident.date_precision == "day")
        .group_by(*keys)
        .order_by(*keys)
    )
    return [
        DatedIncidents(
            (
                *(f"group:{group_id}" for group_id in split_ids(groups)),
                *(f"person:{person_id}" for person_id in split_ids(people)),
            ),
            # ISO dates (YYYY-MM-DD), which numpy reads as days.
            np.array(listed.split(LIST_SEPARATOR), dtype="datetime64[D]"),
        )
        for groups, people, listed in rows
    ]
