"""What a pattern report holds, whoever it is for and however it is rendered.

A report built for someone with access to the records (an organizer for their groups, an
attorney for the groups that granted them) holds every count exactly, plus the per-person
escalation and each group's protected activities. A disclosed report (a researcher's) holds
only count tables that passed the disclosure policy: no names, no record ids, no narratives,
dates by month, places by region, small counts withheld."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from casebook.reports.tables import Count, CountTable

STAGES = ("surveillance", "contact", "arrest", "detention", "proceedings")
"""Escalation stages, in order; each tactic names its stage in the tactics vocabulary."""

TIMING_WINDOWS = (7, 30, 90)
"""Days after a protected activity for which the report gives the share of incidents."""

TEST_WINDOW = 30
"""The permutation test counts incidents within this many days after a protected activity."""

GAP_BUCKETS = ("0-7", "8-30", "31-90", "91-180", "181-365", "over-365", "none-earlier")
"""Keys of the gap distribution: days from the latest earlier protected activity of the same
person or group to the incident (same day counts as 0); `none-earlier` when there is none."""


@dataclass(frozen=True)
class ReportRequest:
    group_id: uuid.UUID | None = None
    since: date | None = None
    """First day included (`--from`)."""
    until: date | None = None
    """Last day included (`--to`)."""
    epsilon: float | None = None
    """Privacy loss to spend on differentially private counts (disclosed reports only)."""


@dataclass(frozen=True)
class Overview:
    incidents: Count
    incidents_dated_to_the_day: Count
    people: Count
    """People involved in at least one of the incidents."""
    groups: Count
    activities: Count
    """Protected activities of the groups and people in the report, in the period."""
    first_month: str | None
    last_month: str | None


@dataclass(frozen=True)
class PermutationTest:
    window_days: int
    observed: int
    """Incidents within `window_days` after a protected activity of the same person or group."""
    expected: float
    """That count expected if every incident fell on a random day of the window."""
    permutations: int
    seed: int
    p_value: float
    """(1 + random re-datings with a count >= observed) / (1 + permutations)."""
    window_start: date
    window_end: date


@dataclass(frozen=True)
class Timing:
    incidents: Count
    """Incidents dated to the day in the period: the ones timing is measured on."""
    gaps: CountTable
    """One-way table over GAP_BUCKETS."""
    shares: Mapping[int, float | None]
    """TIMING_WINDOWS -> share of `incidents` within that many days; None when withheld."""
    median_gap: int | None
    test: PermutationTest | None
    """None when there is nothing to test, or when withheld (a noisy release)."""
    test_withheld_reason: str | None = None


@dataclass(frozen=True)
class PersonEscalation:
    person_id: uuid.UUID
    alias: str
    first_reached: Mapping[str, date]
    """Stage -> the date of the first incident at that stage."""
    incidents: int


@dataclass(frozen=True)
class ActivityLine:
    occurred_on: date
    kind: str
    title: str


@dataclass(frozen=True)
class GroupSection:
    group_id: uuid.UUID
    name: str
    activities: tuple[ActivityLine, ...]
    """Protected activities of the group in the period, oldest first."""


@dataclass(frozen=True)
class PatternReport:
    request: ReportRequest
    generated_at: datetime
    disclosed: bool
    """True when the report passed the disclosure policy (a researcher's release)."""
    overview: Overview
    tables: Mapping[str, CountTable]
    """By name. A scoped report: tactics_by_group, agencies_by_group, incidents_by_group_month,
    activities_by_group_month, incidents_by_region (one-way), people_by_furthest_stage (one-way).
    A disclosed report: tactics_by_region, agencies_by_region, incidents_by_region_month,
    activities_by_month (one-way), people_by_furthest_stage. Month keys are `YYYY-MM`; an
    incident dated only to the year counts under the key `YYYY`."""
    timing: Timing
    escalation: tuple[PersonEscalation, ...] = ()
    groups: tuple[GroupSection, ...] = ()
    group_names: Mapping[str, str] = field(default_factory=dict)
    """Group id (as in table keys) -> name; empty in a disclosed report."""
    epsilon_spent: float | None = None
    min_count: int | None = None
    """For a disclosed report: the smallest count published (smaller ones but 0 are withheld)."""
    release_id: uuid.UUID | None = None
