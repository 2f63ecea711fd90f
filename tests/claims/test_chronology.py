"""The chronology and its gap arithmetic, on a constructed case and on generated ones."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from casebook.claims.chronology import Dated, chronology

PROTEST = Dated(uuid.UUID(int=1), date(2024, 3, 1))
TESTIMONY = Dated(uuid.UUID(int=2), date(2024, 4, 10))
EARLY_VISIT = Dated(uuid.UUID(int=10), date(2024, 2, 1))
FOLLOWED = Dated(uuid.UUID(int=11), date(2024, 3, 14))
ARRESTED_AT_HEARING = Dated(uuid.UUID(int=12), date(2024, 4, 10))
NOTICE_IN_MAY = Dated(uuid.UUID(int=13), date(2024, 5, 1), "month")
YEAR_LATER = Dated(uuid.UUID(int=14), date(2025, 4, 9))


def test_a_constructed_case_interleaves_and_counts_days() -> None:
    entries = chronology(
        [TESTIMONY, PROTEST],
        [YEAR_LATER, NOTICE_IN_MAY, ARRESTED_AT_HEARING, FOLLOWED, EARLY_VISIT],
    )
    assert [(e.kind, e.item, e.after, e.gap_days, e.approximate) for e in entries] == [
        ("action", EARLY_VISIT, None, None, False),  # nothing protected came before it
        ("activity", PROTEST, None, None, False),
        ("action", FOLLOWED, PROTEST, 13, False),
        ("activity", TESTIMONY, None, None, False),  # on the same day, before the arrest
        ("action", ARRESTED_AT_HEARING, TESTIMONY, 0, False),
        ("action", NOTICE_IN_MAY, TESTIMONY, 21, True),  # counted from 1 May
        ("action", YEAR_LATER, TESTIMONY, 364, False),
    ]


def test_no_activities_means_no_gaps() -> None:
    entries = chronology([], [FOLLOWED, EARLY_VISIT])
    assert [e.item for e in entries] == [EARLY_VISIT, FOLLOWED]
    assert all(e.gap_days is None for e in entries)


days = st.integers(min_value=0, max_value=3000)


@given(
    activity_days=st.lists(days, max_size=20),
    action_days=st.lists(days, max_size=20),
)
def test_gaps_are_days_since_the_latest_activity_on_or_before(
    activity_days: list[int], action_days: list[int]
) -> None:
    start = date(2020, 1, 1)
    activities = [Dated(uuid.uuid4(), start + timedelta(d)) for d in activity_days]
    actions = [Dated(uuid.uuid4(), start + timedelta(d)) for d in action_days]
    entries = chronology(activities, actions)
    assert sorted(e.item.id for e in entries) == sorted(a.id for a in activities + actions)
    assert [e.item.on for e in entries] == sorted(e.item.on for e in entries)
    for entry in entries:
        if entry.kind == "activity":
            continue
        earlier = [(entry.item.on - a.on).days for a in activities if a.on <= entry.item.on]
        assert entry.gap_days == (min(earlier) if earlier else None)
