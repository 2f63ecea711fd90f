"""Retaliation timing: for each incident, the gap in days since the latest earlier protected
activity of its people and groups; the distribution of those gaps; and a permutation test of
whether incidents follow activity more closely than chance would have them.

Incidents are grouped into profiles: incidents whose targets' protected activities fall on the
same days share a profile. Gaps are one vectorised binary search; the test's random re-datings
are drawn per profile, not per incident, so they cost the same for a million incidents as for
a hundred."""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Generic, TypeVar

import numpy as np
from numpy.typing import NDArray

from casebook.reports.report import GAP_BUCKETS, TEST_WINDOW, TIMING_WINDOWS, PermutationTest

NONE_EARLIER = -1
"""The gap of an incident with no protected activity of its targets on or before its day."""

_BUCKET_LAST_DAYS = (7, 30, 90, 180, 365)
"""The last day of each bounded bucket of GAP_BUCKETS, in order; larger gaps are `over-365`."""

Target = TypeVar("Target", bound=Hashable)

Days = NDArray[np.int32]


@dataclass(frozen=True, eq=False)
class TimingData:
    """Incidents dated to the day, as day offsets from `window_start`, each with its profile:
    the sorted, distinct days (offsets from `window_start`, negative before it) on which one of
    its people or groups took a protected activity."""

    window_start: date
    window_end: date
    """The observation window, both days included; every incident lies in it."""
    incident_days: Days
    incident_profiles: Days
    profile_activities: tuple[Days, ...]

    def __post_init__(self) -> None:
        days, profiles = self.incident_days, self.incident_profiles
        if days.shape != profiles.shape or days.ndim != 1:
            raise ValueError("incident days and profiles must be 1-d arrays of one length")
        if days.size and (days.min() < 0 or days.max() > self.span):
            raise ValueError("an incident lies outside the observation window")
        if profiles.size and (profiles.min() < 0 or profiles.max() >= len(self.profile_activities)):
            raise ValueError("an incident refers to a profile that does not exist")
        if any(np.any(np.diff(activity) <= 0) for activity in self.profile_activities):
            raise ValueError("a profile's activity days must be sorted and distinct")

    @property
    def span(self) -> int:
        """The offset of `window_end`."""
        return (self.window_end - self.window_start).days

    @classmethod
    def build(
        cls,
        window_start: date,
        window_end: date,
        incidents: Iterable[tuple[date, Iterable[Target]]],
        activity_dates: Mapping[Target, Iterable[date]],
    ) -> TimingData:
        """From (day, targets) per incident and the protected-activity days of each target.
        Activities after the window are left out: no incident in it can follow them."""
        origin = window_start.toordinal()
        profiles = _Profiles(window_start, window_end, activity_dates)
        profile_of_targets: dict[tuple[Target, ...], int] = {}
        incident_days: list[int] = []
        incident_profiles: list[int] = []
        for day, targets in incidents:
            key = tuple(targets)
            profile = profile_of_targets.get(key)
            if profile is None:
                profile = profile_of_targets[key] = profiles.of(key)
            incident_days.append(day.toordinal() - origin)
            incident_profiles.append(profile)
        return cls(
            window_start,
            window_end,
            np.array(incident_days, dtype=np.int32),
            np.array(incident_profiles, dtype=np.int32),
            profiles.activities(),
        )

    @classmethod
    def from_days(
        cls,
        window_start: date,
        window_end: date,
        incidents: Iterable[tuple[Iterable[Target], NDArray[np.datetime64]]],
        activity_dates: Mapping[Target, Iterable[date]],
    ) -> TimingData:
        """As `build`, from incidents grouped by their targets: (targets, the day of each of
        their incidents). Incidents come group after group; profiles are numbered in the order
        of the groups."""
        start = np.datetime64(window_start, "D")
        profiles = _Profiles(window_start, window_end, activity_dates)
        incident_days: list[Days] = [np.zeros(0, dtype=np.int32)]
        incident_profiles: list[Days] = [np.zeros(0, dtype=np.int32)]
        for targets, days in incidents:
            profile = profiles.of(targets)
            incident_days.append((days - start).astype(np.int32))
            incident_profiles.append(np.full(days.shape, profile, dtype=np.int32))
        return cls(
            window_start,
            window_end,
            np.concatenate(incident_days),
            np.concatenate(incident_profiles),
            profiles.activities(),
        )


class _Profiles(Generic[Target]):
    """Profiles numbered as they are first asked for: the distinct sets of activity days (in
    the window or before it) of the targets of incidents."""

    def __init__(
        self, window_start: date, window_end: date, activity_dates: Mapping[Target, Iterable[date]]
    ) -> None:
        self.origin = window_start.toordinal()
        self.last = (window_end - window_start).days
        self.activity_dates = activity_dates
        self.days_of: dict[Target, frozenset[int]] = {}
        self.profile_of_days: dict[tuple[int, ...], int] = {}

    def of(self, targets: Iterable[Target]) -> int:
        """The profile of an incident with these targets."""
        union: set[int] = set()
        for target in targets:
            if target not in self.days_of:
                dates = self.activity_dates.get(target, ())
                offsets = (d.toordinal() - self.origin for d in dates)
                self.days_of[target] = frozenset(o for o in offsets if o <= self.last)
            union |= self.days_of[target]
        return self.profile_of_days.setdefault(tuple(sorted(union)), len(self.profile_of_days))

    def activities(self) -> tuple[Days, ...]:
        """Each profile's activity days, by profile number."""
        return tuple(np.array(days, dtype=np.int32) for days in self.profile_of_days)


def gaps(data: TimingData) -> NDArray[np.int64]:
    """Per incident, days since the latest protected activity of its targets on or before its
    day (the same day counts as 0); NONE_EARLIER when there is none."""
    return _gaps(data.incident_days, data.incident_profiles, data.profile_activities)


def _gaps(
    days: NDArray[np.integer], profiles: NDArray[np.integer], activities: tuple[Days, ...]
) -> NDArray[np.int64]:
    # One binary search for all profiles: (profile, day) pairs flattened into sorted int64 keys.
    sizes = [len(a) for a in activities]
    activity_days = np.concatenate([np.zeros(0, np.int64), *activities]).astype(np.int64)
    activity_profiles = np.repeat(np.arange(len(activities), dtype=np.int64), sizes)
    if activity_days.size == 0:
        return np.full(days.shape, NONE_EARLIER, dtype=np.int64)
    low = min(int(activity_days.min()), int(days.min(initial=0)))
    stride = max(int(activity_days.max()), int(days.max(initial=0))) - low + 1
    keys = activity_profiles * stride + (activity_days - low)
    wanted = profiles.astype(np.int64) * stride + (days.astype(np.int64) - low)
    latest = np.searchsorted(keys, wanted, side="right") - 1
    found = latest >= 0
    latest[~found] = 0
    found &= activity_profiles[latest] == profiles
    return np.where(found, days - activity_days[latest], NONE_EARLIER)


def gap_distribution(gaps: NDArray[np.int64]) -> dict[str, int]:
    """Incidents per GAP_BUCKETS key."""
    bucket = np.searchsorted(np.array(_BUCKET_LAST_DAYS), gaps, side="left")
    bucket[gaps == NONE_EARLIER] = len(GAP_BUCKETS) - 1
    counts = np.bincount(bucket, minlength=len(GAP_BUCKETS))
    return {key: int(count) for key, count in zip(GAP_BUCKETS, counts, strict=True)}


def window_shares(gaps: NDArray[np.int64]) -> dict[int, float | None]:
    """TIMING_WINDOWS -> the share of all incidents (those with no earlier activity included)
    that came within that many days of an activity; None when there are no incidents."""
    return {
        window: float(np.count_nonzero((gaps >= 0) & (gaps <= window)) / gaps.size)
        if gaps.size
        else None
        for window in TIMING_WINDOWS
    }


def median_gap(gaps: NDArray[np.int64]) -> int | None:
    """The median gap of the incidents with an earlier activity; of an even number of them, the
    lower of the two middle gaps, so that it stays a whole number of days. None if there are
    none."""
    measured = gaps[gaps >= 0]
    if measured.size == 0:
        return None
    middle = (measured.size - 1) // 2
    return int(np.partition(measured, middle)[middle])


def within_test_window(gaps: NDArray[np.int64]) -> NDArray[np.bool_]:
    """Which incidents came within TEST_WINDOW days after an activity of their targets."""
    return (gaps >= 0) & (gaps <= TEST_WINDOW)


def chance_within(data: TimingData) -> NDArray[np.float64]:
    """Per profile, the share of the window's days that lie within TEST_WINDOW days after one
    of its activities: the chance that an incident of that profile on a random day of the
    window falls within the test window."""
    days = data.span + 1
    shares = np.empty(len(data.profile_activities))
    for profile, activities in enumerate(data.profile_activities):
        first = np.maximum(activities, 0)
        last = np.minimum(activities.astype(np.int64) + TEST_WINDOW, data.span)
        # Stretches of equal length in order of their starts: a day already covered by an
        # earlier stretch is not counted again.
        covered_until = np.concatenate(([-1], np.maximum.accumulate(last)[:-1]))
        new_days = last - np.maximum(first, covered_until + 1) + 1
        shares[profile] = np.clip(new_days, 0, None).sum() / days
    return shares


def null_counts(data: TimingData, permutations: int, rng: np.random.Generator) -> NDArray[np.int64]:
    """The number of incidents within the test window, once for each of `permutations` random
    re-datings that move every incident to a uniformly random day of the window (each keeps its
    targets). An incident then falls within the window independently of the others with its
    profile's `chance_within`, so the incidents of one profile add up to one binomial draw."""
    chances = chance_within(data)
    incidents = np.bincount(data.incident_profiles, minlength=len(chances))
    totals = np.zeros(permutations, dtype=np.int64)
    for start in range(0, len(chances), _PROFILES_PER_DRAW):
        part = slice(start, start + _PROFILES_PER_DRAW)
        sizes, odds = incidents[part], chances[part]
        totals += rng.binomial(sizes, odds, (permutations, len(sizes))).sum(axis=1)
    return totals


_PROFILES_PER_DRAW = 4096
"""Profiles drawn for at once: bounds the memory of a draw to permutations x this many."""


def permutation_test(
    data: TimingData, *, seed: int, permutations: int = 1000
) -> PermutationTest | None:
    """Whether incidents come within TEST_WINDOW days after their targets' activities more
    often than they would if their days had nothing to do with those activities. Under that
    null every incident's day is a random day of the observation window: the test re-dates all
    incidents at random `permutations` times, and the p-value is the share of re-datings
    (counting the observed days as one) with at least as many incidents within the window.
    None when there are fewer than two incidents or no activity."""
    if permutations < 1:
        raise ValueError("the permutation test needs at least one permutation")
    if data.incident_days.size < 2 or not any(a.size for a in data.profile_activities):
        return None
    observed = int(np.count_nonzero(within_test_window(gaps(data))))
    counts = null_counts(data, permutations, np.random.default_rng(seed))
    incidents = np.bincount(data.incident_profiles, minlength=len(data.profile_activities))
    return PermutationTest(
        window_days=TEST_WINDOW,
        observed=observed,
        expected=float(incidents @ chance_within(data)),
        permutations=permutations,
        seed=seed,
        p_value=float((1 + np.count_nonzero(counts >= observed)) / (1 + permutations)),
        window_start=data.window_start,
        window_end=data.window_end,
    )
