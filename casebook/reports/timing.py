"""Retaliation timing: for each incident, the gap in days since the latest earlier protected
activity of its people and groups; the distribution of those gaps; and a permutation test of
whether incidents follow activity more closely than chance would have them.

Incidents are grouped into profiles: incidents whose targets' protected activities fall on the
same days share a profile. Gaps are one vectorised binary search; the permutation test draws
counts per profile and day rather than shuffling incidents one by one whenever that is cheaper,
which it is for many incidents over few profiles."""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Literal, TypeVar

import numpy as np
from numpy.typing import NDArray

from casebook.reports.report import GAP_BUCKETS, TEST_WINDOW, TIMING_WINDOWS, PermutationTest

NONE_EARLIER = -1
"""The gap of an incident with no protected activity of its targets on or before its day."""

_BUCKET_LAST_DAYS = (7, 30, 90, 180, 365)
"""The last day of each bounded bucket of GAP_BUCKETS, in order; larger gaps are `over-365`."""

Sampler = Literal["shuffle", "grouped"]

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
        last = (window_end - window_start).days
        days_of: dict[Target, frozenset[int]] = {}
        profile_of_targets: dict[tuple[Target, ...], int] = {}
        profile_of_days: dict[tuple[int, ...], int] = {}
        incident_days: list[int] = []
        incident_profiles: list[int] = []
        for day, targets in incidents:
            key = tuple(targets)
            profile = profile_of_targets.get(key)
            if profile is None:
                union: set[int] = set()
                for target in key:
                    if target not in days_of:
                        offsets = (d.toordinal() - origin for d in activity_dates.get(target, ()))
                        days_of[target] = frozenset(o for o in offsets if o <= last)
                    union |= days_of[target]
                profile = profile_of_days.setdefault(tuple(sorted(union)), len(profile_of_days))
                profile_of_targets[key] = profile
            incident_days.append(day.toordinal() - origin)
            incident_profiles.append(profile)
        return cls(
            window_start,
            window_end,
            np.array(incident_days, dtype=np.int32),
            np.array(incident_profiles, dtype=np.int32),
            tuple(np.array(days, dtype=np.int32) for days in profile_of_days),
        )


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


@dataclass(frozen=True, eq=False)
class PermutationNull:
    """What the permutation test needs of the data, lumped: incidents fall into classes of
    profiles and of days such that whether an incident counts depends only on its two classes.
    `within[r, c]` says whether an incident of profile class r on a day of class c falls within
    TEST_WINDOW days after an activity of its targets."""

    within: NDArray[np.bool_]
    incident_rows: NDArray[np.intp]
    incident_columns: NDArray[np.intp]
    row_sizes: NDArray[np.int64]
    column_sizes: NDArray[np.int64]
    tree: Mapping[tuple[int, int], NDArray[np.intp]]
    """The grouped sampler's halving tree over the profile classes: for each node (its first
    and stop row), the class of each column among the day classes its rows tell apart."""

    @classmethod
    def of(cls, data: TimingData) -> PermutationNull:
        days, day_index = np.unique(data.incident_days, return_inverse=True)
        profiles = len(data.profile_activities)
        grid = _gaps(
            np.tile(days, profiles),
            np.repeat(np.arange(profiles), days.size),
            data.profile_activities,
        )
        within = ((grid >= 0) & (grid <= TEST_WINDOW)).reshape(profiles, days.size)
        # Lumping identical rows (and columns) keeps the test exact: shuffling days among
        # incidents moves the same number of incidents between classes as it would between the
        # profiles (days) they lump, and whether an incident counts is the same across a class.
        # Sorted rows put alike profile classes side by side, in the same nodes of the tree.
        rows, row_of_profile = np.unique(within, axis=0, return_inverse=True)
        columns, column_of_day = np.unique(rows.T, axis=0, return_inverse=True)
        incident_rows = row_of_profile[data.incident_profiles]
        incident_columns = column_of_day[day_index]
        return cls(
            within=np.ascontiguousarray(columns.T),
            incident_rows=incident_rows,
            incident_columns=incident_columns,
            row_sizes=np.bincount(incident_rows, minlength=len(rows)).astype(np.int64),
            column_sizes=np.bincount(incident_columns, minlength=len(columns)).astype(np.int64),
            tree=_halving_tree(columns.T),
        )

    def observed(self) -> int:
        """Incidents within TEST_WINDOW days after an activity of their targets."""
        return int(np.count_nonzero(self.within[self.incident_rows, self.incident_columns]))

    def sampler(self) -> Sampler:
        """The cheaper of the two samplers for this data, by costs measured per permutation:
        about 20 ns per incident shuffled, 250 ns per hypergeometric draw of the grouped one."""
        draws = sum(
            int(classes.max()) for (first, stop), classes in self.tree.items() if stop - first > 1
        )
        return "grouped" if 250 * draws < 20 * self.incident_rows.size else "shuffle"

    def sample(
        self, permutations: int, rng: np.random.Generator, sampler: Sampler
    ) -> NDArray[np.int64]:
        """The count of incidents within the window, once per random shuffle of the incident
        days among the incidents. Both samplers draw from exactly this distribution: `shuffle`
        permutes the days itself; `grouped` draws only how many incidents of each day class go
        to each half of the profile classes, then to each half of that half, and so on, which
        is the multivariate hypergeometric law a shuffle gives those counts."""
        if sampler == "shuffle":
            return np.array([self._shuffled(rng) for _ in range(permutations)], dtype=np.int64)
        received = np.repeat(self.column_sizes[:, np.newaxis], permutations, axis=1)
        return self._allot(rng, 0, len(self.within), received)

    def _shuffled(self, rng: np.random.Generator) -> int:
        cells = self.incident_rows * self.within.shape[1] + rng.permutation(self.incident_columns)
        return int(np.count_nonzero(self.within.ravel()[cells]))

    def _allot(
        self, rng: np.random.Generator, first: int, stop: int, received: NDArray[np.int64]
    ) -> NDArray[np.int64]:
        """Per permutation, the incidents within the window among profile classes `first` to
        `stop` (excluded), given how many incidents of each of the node's day classes they
        received (a row per class, a column per permutation)."""
        classes = self.tree[first, stop]
        if stop - first == 1:
            within = np.zeros(len(received), dtype=np.int64)
            within[classes] = self.within[first]
            return within @ received
        middle = (first + stop) // 2
        to_first = _hypergeometric_split(rng, received, int(self.row_sizes[first:middle].sum()))
        return self._allot(
            rng, first, middle, self._lump(to_first, classes, first, middle)
        ) + self._allot(rng, middle, stop, self._lump(received - to_first, classes, middle, stop))

    def _lump(
        self, received: NDArray[np.int64], classes: NDArray[np.intp], first: int, stop: int
    ) -> NDArray[np.int64]:
        """`received`, by the day classes of a node, summed into those of its child."""
        coarse_of_class = np.empty(len(received), dtype=np.intp)
        coarse_of_class[classes] = self.tree[first, stop]
        order = np.argsort(coarse_of_class, kind="stable")
        starts = np.flatnonzero(np.diff(coarse_of_class[order], prepend=-1))
        return np.add.reduceat(received[order], starts, axis=0)


def _halving_tree(within: NDArray[np.bool_]) -> dict[tuple[int, int], NDArray[np.intp]]:
    """For rows `first` to `stop` of `within`, and then each half of them down to single rows,
    the class of each column among the distinct columns of those rows."""
    tree: dict[tuple[int, int], NDArray[np.intp]] = {}
    spans = [(0, len(within))]
    while spans:
        first, stop = spans.pop()
        tree[first, stop] = np.unique(within[first:stop].T, axis=0, return_inverse=True)[1]
        if stop - first > 1:
            middle = (first + stop) // 2
            spans += [(first, middle), (middle, stop)]
    return tree


def _hypergeometric_split(
    rng: np.random.Generator, counts: NDArray[np.int64], size: int
) -> NDArray[np.int64]:
    """Per column of `counts` (items per class, a row per class), how many of each class a
    uniformly random subset of `size` items holds: class after class, hypergeometric draws."""
    taken = np.empty_like(counts)
    wanted = np.full(counts.shape[1], size, dtype=np.int64)
    rest = counts.sum(axis=0)
    for row in range(len(counts) - 1):
        rest -= counts[row]
        taken[row] = rng.hypergeometric(counts[row], rest, wanted)
        wanted -= taken[row]
    taken[-1] = wanted
    return taken


def permutation_test(
    data: TimingData, *, seed: int, permutations: int = 1000
) -> PermutationTest | None:
    """Whether incidents come within TEST_WINDOW days after their targets' activities more
    often than they would if their days had nothing to do with those activities: the observed
    days are shuffled among the incidents (each keeps its targets) `permutations` times, and the
    p-value is the share of shuffles (counting the observed days as one) with at least as many
    incidents within the window. None when there are fewer than two incidents or no activity."""
    if permutations < 1:
        raise ValueError("the permutation test needs at least one permutation")
    if data.incident_days.size < 2 or not any(a.size for a in data.profile_activities):
        return None
    null = PermutationNull.of(data)
    observed = null.observed()
    counts = null.sample(permutations, np.random.default_rng(seed), null.sampler())
    return PermutationTest(
        window_days=TEST_WINDOW,
        observed=observed,
        expected=float(counts.mean()),
        permutations=permutations,
        seed=seed,
        p_value=float((1 + np.count_nonzero(counts >= observed)) / (1 + permutations)),
        window_start=data.window_start,
        window_end=data.window_end,
    )
