"""Retaliation timing: gaps with known answers, their distribution, and the permutation test's
behaviour with a planted association, under the null, and against its exact distribution."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from casebook.reports.timing import (
    NONE_EARLIER,
    TimingData,
    chance_within,
    gap_distribution,
    gaps,
    median_gap,
    null_counts,
    permutation_test,
    window_shares,
)

START, END = date(2024, 1, 1), date(2024, 12, 31)


def day(month: int, day_of_month: int, year: int = 2024) -> date:
    return date(year, month, day_of_month)


ACTIVITIES = {
    "p1": [day(3, 1)],
    "g1": [day(4, 10)],
    "g2": [day(5, 1)],
    "p2": [day(11, 1)],
    "g3": [day(7, 4)],
    "p3": [day(1, 20), day(8, 20)],
    "g4": [day(2, 1)],
    "p4": [day(2, 20)],
    "g5": [day(6, 1, 2022)],
}
INCIDENTS = [
    (day(3, 2), ["p1"]),  # 1 day after
    (day(4, 15), ["g1"]),  # 5 days after
    (day(6, 10), ["g2"]),  # 40 days after
    (day(10, 1), ["p2"]),  # the only activity comes later
    (day(7, 4), ["g3"]),  # the same day
    (day(8, 10), ["p3"]),  # the later activity is ignored: 203 days after the earlier one
    (day(3, 1), ["g4", "p4"]),  # the person's activity is the later: 10 days
    (day(6, 5), ["g5"]),  # an activity before the window: 735 days
]
EXPECTED_GAPS = [1, 5, 40, NONE_EARLIER, 0, 203, 10, 735]


def constructed() -> TimingData:
    return TimingData.build(START, END, INCIDENTS, ACTIVITIES)


def test_gaps_of_a_constructed_set_are_exact() -> None:
    assert gaps(constructed()).tolist() == EXPECTED_GAPS


def test_distribution_shares_and_median_of_a_constructed_set() -> None:
    measured = gaps(constructed())
    assert gap_distribution(measured) == {
        "0-7": 3,
        "8-30": 1,
        "31-90": 1,
        "91-180": 0,
        "181-365": 1,
        "over-365": 1,
        "none-earlier": 1,
    }
    assert window_shares(measured) == {7: 3 / 8, 30: 4 / 8, 90: 5 / 8}
    assert median_gap(measured) == 10


def test_bucket_edges() -> None:
    edges = np.array([7, 8, 30, 31, 90, 91, 180, 181, 365, 366, NONE_EARLIER])
    assert list(gap_distribution(edges).values()) == [1, 2, 2, 2, 2, 1, 1]


def test_median_of_an_even_count_is_the_lower_middle_and_none_without_activity() -> None:
    assert median_gap(np.array([9, NONE_EARLIER, 3])) == 3
    assert median_gap(np.array([NONE_EARLIER, NONE_EARLIER])) is None
    assert median_gap(np.array([], dtype=np.int64)) is None


def test_no_incidents_have_no_shares() -> None:
    assert window_shares(np.array([], dtype=np.int64)) == {7: None, 30: None, 90: None}


@pytest.mark.parametrize(
    ("person_day", "group_day", "gap"),
    [(day(5, 20), day(5, 1), 11), (day(5, 1), day(5, 20), 11), (day(6, 2), day(5, 1), 30)],
)
def test_the_latest_earlier_activity_across_targets_wins(
    person_day: date, group_day: date, gap: int
) -> None:
    data = TimingData.build(
        START,
        END,
        [(day(5, 31), ["person", "group"])],
        {"person": [person_day], "group": [group_day]},
    )
    assert gaps(data).tolist() == [gap]


def test_incidents_outside_the_window_are_refused() -> None:
    with pytest.raises(ValueError, match="outside the observation window"):
        TimingData.build(START, END, [(day(1, 1, 2025), ["g1"])], ACTIVITIES)


def planted(seed: int, incidents: int = 300) -> TimingData:
    """Three groups with an activity every four months or so over four years; each incident
    follows one of its group's activities by 0 to 10 days."""
    rng = np.random.default_rng(seed)
    start, end = date(2020, 1, 1), date(2023, 12, 31)
    span = (end - start).days
    activities = {g: sorted(rng.choice(span - 10, 12, replace=False).tolist()) for g in range(3)}
    dated = []
    for _ in range(incidents):
        group = int(rng.integers(3))
        after = int(rng.choice(activities[group])) + int(rng.integers(0, 11))
        dated.append((start + timedelta(days=after), [group]))
    return TimingData.build(
        start,
        end,
        dated,
        {g: [start + timedelta(days=d) for d in days] for g, days in activities.items()},
    )


def unrelated(seed: int, incidents: int = 200) -> TimingData:
    """Incident days drawn uniformly over the window, whatever the groups' activities."""
    rng = np.random.default_rng(seed)
    start, end = date(2020, 1, 1), date(2022, 12, 31)
    span = (end - start).days
    activities = {g: rng.choice(span, 15, replace=False).tolist() for g in range(4)}
    dated = [
        (start + timedelta(days=int(rng.integers(span + 1))), [int(rng.integers(4))])
        for _ in range(incidents)
    ]
    return TimingData.build(
        start,
        end,
        dated,
        {g: [start + timedelta(days=d) for d in days] for g, days in activities.items()},
    )


def test_a_planted_association_gives_a_small_p_value() -> None:
    test = permutation_test(planted(seed=1), seed=7)
    assert test is not None
    assert test.observed == 300
    assert test.observed - test.expected > 100
    assert test.p_value < 0.01
    assert test.permutations == 1000
    assert test.window_days == 30
    assert (test.window_start, test.window_end) == (date(2020, 1, 1), date(2023, 12, 31))


def test_p_values_are_roughly_uniform_under_the_null() -> None:
    p_values = []
    for seed in range(30):
        test = permutation_test(unrelated(seed), seed=seed, permutations=200)
        assert test is not None
        p_values.append(test.p_value)
    ordered = np.sort(p_values)
    below = np.arange(1, 31) / 30
    ks_distance = max(np.max(below - ordered), np.max(ordered - (below - 1 / 30)))
    # The 0.1% critical value of the Kolmogorov-Smirnov distance for 30 values is about 0.35.
    assert ks_distance < 0.35
    assert sum(p < 0.1 for p in p_values) <= 9


def test_same_seed_same_p_value_and_other_seeds_valid() -> None:
    data = unrelated(seed=3)
    first, again = permutation_test(data, seed=11), permutation_test(data, seed=11)
    assert first is not None
    assert again is not None
    assert (first.p_value, first.expected) == (again.p_value, again.expected)
    for seed in range(5):
        other = permutation_test(data, seed=seed, permutations=50)
        assert other is not None
        assert 0 < other.p_value <= 1
        assert other.p_value * 51 == pytest.approx(round(other.p_value * 51))


def test_re_datings_that_tie_the_observed_count_count_against_it() -> None:
    # An activity every day: wherever an incident is moved, it is within the window.
    daily = {"g1": [START + timedelta(days=n) for n in range((END - START).days + 1)]}
    same = [(on, ["g1"]) for on, _ in INCIDENTS]
    test = permutation_test(TimingData.build(START, END, same, daily), seed=1)
    assert test is not None
    assert test.observed == len(INCIDENTS)
    assert test.expected == len(INCIDENTS)
    assert test.p_value == 1


def test_nothing_to_test_and_too_few_permutations() -> None:
    one = TimingData.build(START, END, INCIDENTS[:1], ACTIVITIES)
    assert permutation_test(one, seed=1) is None
    quiet = TimingData.build(START, END, INCIDENTS, {})
    assert permutation_test(quiet, seed=1) is None
    with pytest.raises(ValueError, match="at least one permutation"):
        permutation_test(constructed(), seed=1, permutations=0)


def test_the_chance_of_a_random_day_counts_each_covered_day_once() -> None:
    # A 100-day window; activities on days -5, 10, 20 and 95 cover days 0-50 and 95-99 with
    # their 30 days after (overlaps counted once, days outside the window not at all).
    window_end = START + timedelta(days=99)
    activities = {"g": [START + timedelta(days=n) for n in (-5, 10, 20, 95)], "h": []}
    data = TimingData.build(START, window_end, [(START, ["g"]), (START, ["h"])], activities)
    assert chance_within(data).tolist() == [56 / 100, 0.0]


def test_re_datings_draw_the_exact_null_distribution() -> None:
    """Moved to random days, the count is a sum of independent draws: its exact distribution
    is the convolution of one Bernoulli per incident."""
    data = TimingData.build(
        START,
        END,
        [
            (day(3, 2), ["a"]),
            (day(3, 20), ["a"]),
            (day(3, 20), ["b"]),
            (day(6, 1), ["b"]),
            (day(6, 15), ["c"]),
            (day(9, 1), ["a", "c"]),
        ],
        {"a": [day(3, 1)], "b": [day(6, 1)], "c": [day(8, 20), day(2, 25)]},
    )
    exact = np.array([1.0])
    chances = chance_within(data)
    for profile in data.incident_profiles:
        exact = np.convolve(exact, [1 - chances[profile], chances[profile]])
    draws = null_counts(data, 20_000, np.random.default_rng(5))
    seen = np.bincount(draws, minlength=len(exact)) / 20_000
    assert seen.shape == exact.shape
    assert seen == pytest.approx(exact, abs=0.015)


def test_the_expected_count_is_the_mean_of_the_re_datings() -> None:
    data = unrelated(seed=4, incidents=3000)
    test = permutation_test(data, seed=9, permutations=2000)
    assert test is not None
    draws = null_counts(data, 2000, np.random.default_rng(9))
    assert abs(draws.mean() - test.expected) < 5 * draws.std() / np.sqrt(2000)


def test_a_million_incidents_cost_no_more_draws_than_their_profiles() -> None:
    big = planted(seed=2, incidents=200_000)
    assert len(big.profile_activities) == 3
    test = permutation_test(big, seed=3)
    assert test is not None
    assert test.p_value == 1 / 1001


targets = st.lists(st.sampled_from("abcdef"), min_size=1, max_size=3, unique=True)


@settings(max_examples=200, deadline=None)
@given(
    activity_days=st.dictionaries(
        st.sampled_from("abcdef"), st.lists(st.integers(-60, 120), max_size=5), max_size=6
    ),
    incidents=st.lists(st.tuples(st.integers(0, 100), targets), max_size=12),
)
def test_vectorised_gaps_equal_a_brute_force(
    activity_days: dict[str, list[int]], incidents: list[tuple[int, list[str]]]
) -> None:
    start, end = date(2024, 1, 1), date(2024, 4, 10)
    data = TimingData.build(
        start,
        end,
        [(start + timedelta(days=d), who) for d, who in incidents],
        {t: [start + timedelta(days=d) for d in days] for t, days in activity_days.items()},
    )
    expected = []
    for d, who in incidents:
        earlier = [a for t in who for a in activity_days.get(t, []) if a <= d]
        expected.append(d - max(earlier) if earlier else NONE_EARLIER)
    assert gaps(data).tolist() == expected
