"""A disclosed release: the pattern report as the disclosure policy lets it out to those who
may never see a record. Counts only, by month and region; no names, narratives or record
ids; small counts withheld with their complements; optionally noisy counts (differential
privacy) paid for from the requester's privacy-loss budget."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from casebook.access.actor import Actor
from casebook.db import utcnow
from casebook.errors import FieldError, ValidationFailed
from casebook.groups.models import Group
from casebook.reports import patterns, queries, releases
from casebook.reports.disclosure_policy import DisclosurePolicy
from casebook.reports.noise import noisy_table, split_epsilon
from casebook.reports.queries import Activity, CubeCell
from casebook.reports.report import (
    GAP_BUCKETS,
    TIMING_WINDOWS,
    Overview,
    PatternReport,
    ReportRequest,
    Timing,
)
from casebook.reports.suppression import suppress
from casebook.reports.tables import CountTable, count_table
from casebook.vocabulary import vocabularies

OTHER_PLACE = "other"
"""In a noisy release, incidents whose place is not the region of a known group."""

TABLE_DIMENSIONS: Mapping[str, tuple[str, ...]] = {
    "tactics_by_region": ("tactic", "region"),
    "agencies_by_region": ("agency", "region"),
    "incidents_by_region_month": ("region", "month"),
    "activities_by_month": ("activity", "month"),
    "people_by_furthest_stage": ("stage",),
    "gaps": ("gap",),
}


async def disclosed_report(
    session: AsyncSession, actor: Actor, request: ReportRequest, policy: DisclosurePolicy
) -> PatternReport:
    check_request(request)
    noisy = request.epsilon is not None
    if request.epsilon is not None:
        # Refused before the work; the release is paid for once recorded (service.py).
        await releases.check_budget(session, actor, policy, request.epsilon)
    incidents = queries.period(request.since, request.until)
    per_incident = policy.max_values_per_incident if noisy else None
    counts = await patterns.gather_counts(session, "region", incidents, [], per_incident)
    places = await place_keys(session, counts.cube, noisy)
    months = month_keys(request, counts.cube, policy, noisy)
    place_of = region_or_other(places)
    in_period = patterns.activity_months(counts.activities, request.since, request.until)
    timing = await patterns.retaliation_timing(
        session, incidents, counts.activities, request.since, request.until
    )
    exact = allowed(
        policy,
        [
            region_table("tactics_by_region", "tactic", "tactics", counts.tactics, places, noisy),
            region_table(
                "agencies_by_region", "agency", "agencies", counts.agencies, places, noisy
            ),
            patterns.incidents_by_place_month(
                counts.cube,
                "region",
                places,
                months,
                lambda cell: place_of(cell.region),
                policy.coarsen_month,
            ),
            activities_by_month(in_period, months, policy),
            *([] if noisy else [patterns.furthest_stages(counts.person_tactics)]),
            timing.gaps,
        ],
    )
    if request.epsilon is not None:
        exact = with_noise(exact, request.epsilon, policy)
    published = {table.name: suppress(table, policy.min_count) for table in exact}
    gaps = published.pop("gaps", None)
    return PatternReport(
        request=request,
        generated_at=utcnow(),
        disclosed=True,
        overview=published_overview(published, gaps),
        tables=published,
        timing=published_timing(timing, gaps, policy, noisy),
        epsilon_spent=request.epsilon,
        min_count=policy.min_count,
    )


def check_request(request: ReportRequest) -> None:
    problems = []
    if request.group_id is not None:
        problems.append(
            FieldError("group", "a release under the disclosure policy covers every group")
        )
    if request.epsilon is not None:
        problems += [
            FieldError(name, "a release with noise needs both a start and an end date")
            for name, day in (("from", request.since), ("to", request.until))
            if day is None
        ]
    if problems:
        raise ValidationFailed(problems)


async def place_keys(session: AsyncSession, cube: Iterable[CubeCell], noisy: bool) -> list[str]:
    """The regions a release counts by. A noisy release must not let the presence of a
    region give anything away, so it uses the regions of the groups (known without looking
    at incidents) plus `other`."""
    if not noisy:
        return sorted({cell.region for cell in cube})
    regions = await session.scalars(select(Group.region).distinct())
    return [*sorted(set(regions)), OTHER_PLACE]


def month_keys(
    request: ReportRequest, cube: Iterable[CubeCell], policy: DisclosurePolicy, noisy: bool
) -> list[str]:
    """Coarsened period keys: those with incidents, or for a noisy release every period
    between the dates asked for (again, so that the shape of the table is not data)."""
    if noisy and request.since and request.until:
        keys = {
            policy.coarsen_month(f"{day:%Y-%m}")
            for day in months_between(request.since, request.until)
        }
    else:
        keys = {policy.coarsen_month(cell.month) for cell in cube}
    return sorted(keys)


def months_between(since: date, until: date) -> list[date]:
    months, current = [], since.replace(day=1)
    while current <= until:
        months.append(current)
        current = date(current.year + current.month // 12, current.month % 12 + 1, 1)
    return months


def region_table(
    name: str,
    dimension: str,
    vocabulary: str,
    counts: Mapping[tuple[str, str], int],
    places: Sequence[str],
    noisy: bool,
) -> CountTable:
    rows = (
        vocabularies()[vocabulary].ids() if noisy else patterns.vocabulary_rows(vocabulary, counts)
    )
    place_of = region_or_other(places)
    placed: Counter[tuple[str, str]] = Counter()
    for (value, region), count in counts.items():
        placed[(value, place_of(region))] += count
    return count_table(name, dimension, rows, placed, column_dimension="region", columns=places)


def region_or_other(places: Sequence[str]) -> Callable[[str], str]:
    """A region as a release counts it: itself if it is one of `places`, else `other`."""
    known = set(places)
    return lambda region: region if region in known else OTHER_PLACE


def activities_by_month(
    activities: Iterable[Activity], months: Sequence[str], policy: DisclosurePolicy
) -> CountTable:
    counts = Counter(policy.coarsen_month(f"{a.occurred_on:%Y-%m}") for a in activities)
    keys = sorted(set(months) | set(counts))
    return count_table("activities_by_month", "month", keys, counts)


def allowed(policy: DisclosurePolicy, tables: Iterable[CountTable]) -> list[CountTable]:
    """The tables whose every dimension the policy allows."""
    return [
        table
        for table in tables
        if all(d in policy.allowed_dimensions for d in TABLE_DIMENSIONS[table.name])
    ]


def with_noise(
    tables: list[CountTable], epsilon: float, policy: DisclosurePolicy
) -> list[CountTable]:
    """Noisy counts for every table, the privacy loss split evenly between them. One incident
    adds 1 to the one-value tables and up to `max_values_per_incident` to the tactic and agency
    tables (the queries count no more values per incident than that)."""
    share = split_epsilon(epsilon, len(tables))
    multi_valued = {"tactics_by_region", "agencies_by_region"}
    return [
        noisy_table(
            table, share, policy.max_values_per_incident if table.name in multi_valued else 1
        )
        for table in tables
    ]


def published_overview(tables: Mapping[str, CountTable], gaps: CountTable | None) -> Overview:
    """Overview figures read off the published tables, so they withhold what those withhold."""
    incidents = tables.get("incidents_by_region_month")
    people = tables.get("people_by_furthest_stage")
    activities = tables.get("activities_by_month")
    months = [] if incidents is None else [m for m in incidents.columns if m]
    return Overview(
        incidents=None if incidents is None else incidents.total,
        incidents_dated_to_the_day=None if gaps is None else gaps.total,
        people=None if people is None else people.total,
        groups=None,
        activities=None if activities is None else activities.total,
        first_month=months[0] if months else None,
        last_month=months[-1] if months else None,
    )


def published_timing(
    exact: Timing, gaps: CountTable | None, policy: DisclosurePolicy, noisy: bool
) -> Timing:
    """Shares are recomputed from the published distribution (a share of exact counts would
    give a withheld cell away); the median and the test are exact statistics, released only
    without noise and over enough incidents."""
    if gaps is None:
        return replace(
            exact,
            incidents=None,
            shares=dict.fromkeys(TIMING_WINDOWS),
            median_gap=None,
            test=None,
            test_withheld_reason="the disclosure policy does not allow gap counts",
        )
    reason = None
    if noisy:
        reason = "a release with noise gives no statistic computed from exact counts"
    elif (exact.incidents or 0) < policy.min_count:
        reason = "too few incidents dated to the day"
    return Timing(
        incidents=gaps.total,
        gaps=gaps,
        shares={days: published_share(gaps, days) for days in TIMING_WINDOWS},
        median_gap=None if reason else exact.median_gap,
        test=None if reason else exact.test,
        test_withheld_reason=reason,
    )


WITHIN: Mapping[int, tuple[str, ...]] = {
    7: GAP_BUCKETS[:1],
    30: GAP_BUCKETS[:2],
    90: GAP_BUCKETS[:3],
}


def published_share(gaps: CountTable, days: int) -> float | None:
    """The share within `days`, if the published cells determine it (directly or through the
    total and the other cells)."""
    total = gaps.total
    if not total:
        return None if total is None else 0.0
    inside = [gaps.cell(bucket) for bucket in WITHIN[days]]
    outside = [gaps.cell(bucket) for bucket in GAP_BUCKETS if bucket not in WITHIN[days]]
    if all(value is not None for value in inside):
        return sum(v for v in inside if v is not None) / total
    if all(value is not None for value in outside):
        return (total - sum(v for v in outside if v is not None)) / total
    return None
