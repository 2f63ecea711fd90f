"""Building a pattern report from the record: counts by tactic, agency, place and month,
escalation per person, each group's protected activities, and retaliation timing."""

from __future__ import annotations

import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from anyio import to_thread
from sqlalchemy.ext.asyncio import AsyncSession

from casebook.reports import queries, timing
from casebook.reports.queries import Activity, CubeCell, DatedIncidents, PersonTactic, Where
from casebook.reports.report import (
    GAP_BUCKETS,
    STAGES,
    ActivityLine,
    GroupSection,
    Overview,
    PersonEscalation,
    Timing,
)
from casebook.reports.tables import CountTable, count_table
from casebook.vocabulary import vocabularies

EPOCH = date(1970, 1, 1)
DEFAULT_SEED = 20210601
"""The permutation test's seed unless one is asked for: fixed, so a report can be re-run and
give the same p-value."""


@dataclass(frozen=True)
class Counts:
    """What the database returned for one report, before any table is built."""

    cube: list[CubeCell]
    tactics: dict[tuple[str, str], int]
    agencies: dict[tuple[str, str], int]
    person_tactics: list[PersonTactic]
    person_incidents: dict[uuid.UUID, int]
    activities: list[Activity]
    """Every activity the timing may refer to, whatever its date."""


async def gather_counts(
    session: AsyncSession,
    place: str,
    incidents: Where,
    activities: Where,
    per_incident: int | None = None,
) -> Counts:
    links = await queries.link_counts(session, incidents)
    return Counts(
        cube=await queries.incident_cube(session, incidents),
        tactics=queries.linked_counts(links, "tactics", place, per_incident),
        agencies=queries.linked_counts(links, "agencies", place, per_incident),
        person_tactics=links.person_tactics,
        person_incidents=links.person_incidents,
        activities=await queries.activities(session, activities),
    )


def stage_of(tactic_id: str) -> str:
    term = vocabularies()["tactics"].terms.get(tactic_id)
    stage = str(term.attributes.get("stage", STAGES[0])) if term is not None else STAGES[0]
    return stage if stage in STAGES else STAGES[0]


def escalation(
    rows: Iterable[PersonTactic],
    incidents: Mapping[uuid.UUID, int],
    aliases: Mapping[uuid.UUID, str],
) -> tuple[PersonEscalation, ...]:
    """Per person, the first date each stage was reached; people without an alias (outside
    the actor's scope) are left out."""
    first: dict[uuid.UUID, dict[str, date]] = defaultdict(dict)
    for row in rows:
        stages = first[row.person_id]
        stage = stage_of(row.tactic_id)
        if stage not in stages or row.first_on < stages[stage]:
            stages[stage] = row.first_on
    people = [
        PersonEscalation(
            person_id,
            aliases[person_id],
            {stage: stages[stage] for stage in STAGES if stage in stages},
            incidents.get(person_id, 0),
        )
        for person_id, stages in first.items()
        if person_id in aliases
    ]
    return tuple(sorted(people, key=lambda p: (p.alias.casefold(), str(p.person_id))))


def furthest_stages(rows: Iterable[PersonTactic]) -> CountTable:
    """People by the furthest escalation stage any of their incidents reached."""
    furthest: dict[uuid.UUID, int] = {}
    for row in rows:
        reached = STAGES.index(stage_of(row.tactic_id))
        furthest[row.person_id] = max(furthest.get(row.person_id, 0), reached)
    counts = Counter(STAGES[index] for index in furthest.values())
    return count_table("people_by_furthest_stage", "stage", STAGES, counts)


def vocabulary_rows(vocabulary: str, counts: Mapping[tuple[str, str], int]) -> tuple[str, ...]:
    """The vocabulary's terms that occur in `counts`, in vocabulary order (then unknown ids)."""
    present = {value for value, _ in counts}
    known = vocabularies()[vocabulary].ids()
    return (*[term for term in known if term in present], *sorted(present - set(known)))


def linked_table(
    name: str,
    dimension: str,
    place: str,
    rows: Sequence[str],
    places: Sequence[str],
    counts: Mapping[tuple[str, str], int],
) -> CountTable:
    return count_table(name, dimension, rows, counts, column_dimension=place, columns=places)


def incidents_by_place_month(
    cube: Iterable[CubeCell],
    place: str,
    places: Sequence[str],
    months: Sequence[str],
    place_of: Callable[[CubeCell], str],
    month_of: Callable[[str], str] = str,
) -> CountTable:
    """Incidents by place (`place_of` a cube cell) and month (`month_of` its month key)."""
    counts: Counter[tuple[str, str]] = Counter()
    for cell in cube:
        counts[(place_of(cell), month_of(cell.month))] += cell.incidents
    return count_table(
        f"incidents_by_{place}_month",
        place,
        places,
        counts,
        column_dimension="month",
        columns=months,
    )


def activity_months(
    activities: Iterable[Activity], since: date | None, until: date | None
) -> list[Activity]:
    return [
        a
        for a in activities
        if (since is None or a.occurred_on >= since) and (until is None or a.occurred_on <= until)
    ]


def activities_by_group_month(
    activities: Iterable[Activity], groups: Sequence[str], months: Sequence[str]
) -> CountTable:
    counts: Counter[tuple[str, str]] = Counter()
    for activity in activities:
        for group_id in activity.group_ids:
            counts[(str(group_id), f"{activity.occurred_on:%Y-%m}")] += 1
    return count_table(
        "activities_by_group_month",
        "group",
        groups,
        counts,
        column_dimension="month",
        columns=months,
    )


def group_sections(
    activities: Iterable[Activity], groups: Sequence[tuple[str, str]]
) -> tuple[GroupSection, ...]:
    by_group: dict[str, list[ActivityLine]] = defaultdict(list)
    for activity in activities:
        line = ActivityLine(activity.occurred_on, activity.kind, activity.title)
        for group_id in activity.group_ids:
            by_group[str(group_id)].append(line)
    return tuple(
        GroupSection(uuid.UUID(group_id), name, tuple(by_group[group_id]))
        for group_id, name in groups
    )


def overview(cube: Sequence[CubeCell], people: int, activities: int) -> Overview:
    months = sorted({cell.month for cell in cube})
    return Overview(
        incidents=sum(cell.incidents for cell in cube),
        incidents_dated_to_the_day=sum(cell.dated_to_the_day for cell in cube),
        people=people,
        groups=len({cell.group_id for cell in cube}),
        activities=activities,
        first_month=months[0] if months else None,
        last_month=months[-1] if months else None,
    )


async def retaliation_timing(
    session: AsyncSession,
    incidents: Where,
    activities: Iterable[Activity],
    since: date | None,
    until: date | None,
    seed: int = DEFAULT_SEED,
) -> Timing:
    """Gaps from the latest earlier protected activity of the same person or group, for the
    incidents dated to the day, and the permutation test on them."""
    dated = await queries.dated_incidents(session, incidents)
    activity_dates: dict[str, list[date]] = defaultdict(list)
    for activity in activities:
        for group_id in activity.group_ids:
            activity_dates[f"group:{group_id}"].append(activity.occurred_on)
        for person_id in activity.person_ids:
            activity_dates[f"person:{person_id}"].append(activity.occurred_on)
    firsts = [row.days.min() for row in dated]
    lasts = [row.days.max() for row in dated]
    start = since or (min(firsts).item() if firsts else until or EPOCH)
    end = until or (max(lasts).item() if lasts else start)
    # The permutation test is seconds of CPU on a large record: off the event loop.
    return await to_thread.run_sync(timing_summary, start, end, dated, activity_dates, seed)


def timing_summary(
    start: date,
    end: date,
    incidents: Sequence[DatedIncidents],
    activity_dates: Mapping[str, list[date]],
    seed: int,
) -> Timing:
    grouped = ((row.targets, row.days) for row in incidents)
    data = timing.TimingData.from_days(start, end, grouped, activity_dates)
    gaps = timing.gaps(data)
    return Timing(
        incidents=int(data.incident_days.size),
        gaps=count_table("gaps", "gap", GAP_BUCKETS, timing.gap_distribution(gaps)),
        shares=timing.window_shares(gaps),
        median_gap=timing.median_gap(gaps),
        test=timing.permutation_test(data, seed=seed),
    )


def incidents_by_region(cube: Iterable[CubeCell]) -> CountTable:
    counts: Counter[str] = Counter()
    for cell in cube:
        counts[cell.region] += cell.incidents
    return count_table("incidents_by_region", "region", sorted(counts), counts)
