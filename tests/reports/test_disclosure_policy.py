"""The disclosure policy file: the shipped values, every mistake refused, periods, coarsening."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from casebook.access.policy import PolicyError
from casebook.config import REPO_ROOT
from casebook.reports.disclosure_policy import DisclosurePolicy, load_disclosure_policy

SHIPPED = REPO_ROOT / "policies" / "disclosure.toml"


@pytest.fixture(scope="module")
def policy() -> DisclosurePolicy:
    return load_disclosure_policy(SHIPPED)


def test_shipped_policy_holds_the_documented_values(policy: DisclosurePolicy) -> None:
    assert policy.roles == {"researcher"}
    assert policy.min_count == 11
    assert policy.allowed_dimensions == {"tactic", "agency", "region", "month", "stage", "gap"}
    assert policy.date_coarsening == "month"
    assert (policy.budget, policy.period) == (3.0, "month")
    assert policy.max_values_per_incident == 3
    assert policy.applies_to("researcher")
    assert not policy.applies_to("attorney")


def edited(tmp_path: Path, old: str, new: str) -> Path:
    text = SHIPPED.read_text()
    assert old in text
    path = tmp_path / "disclosure.toml"
    path.write_text(text.replace(old, new, 1))
    return path


@pytest.mark.parametrize(
    ("old", "new", "named"),
    [
        ("min_count = 11", 'min_count = "11"', "[cells] min_count"),
        ("min_count = 11", "min_count = 1", "[cells] min_count"),
        ("min_count = 11", "min_count = 11.5", "[cells] min_count"),
        ('roles = ["researcher"]', 'roles = ["researcher", "auditor"]', "auditor"),
        ('roles = ["researcher"]', 'roles = "researcher"', "roles must be a list"),
        ('roles = ["researcher"]', 'roles = ["attorney"]', "roles must include 'researcher'"),
        ('"stage", "gap"]', '"stage", "gap", "name"]', "[dimensions] allowed names unknown name"),
        ("version = 1\n", "version = 1\nexports = true\n", "unknown key(s) exports"),
        ("min_count = 11", "min_count = 11\nmax_count = 50", "[cells]: max_count"),
        ('date = "month"', 'date = "week"', "[coarsening] date"),
        ('date = "month"', 'date = "month"\nplace = "city"', "place"),
        ("budget = 3.0", "budget = 0.0", "[privacy] budget"),
        ("budget = 3.0", "budget = -1", "[privacy] budget"),
        ("budget = 3.0", 'budget = "3"', "[privacy] budget"),
        ("budget = 3.0", "budget = inf", "[privacy] budget"),
        ("budget = 3.0\n", "", "[privacy] budget"),
        ('period = "month"', 'period = "week"', "[privacy] period"),
        ("max_values_per_incident = 3", "max_values_per_incident = 0", "max_values_per_incident"),
        ("version = 1\n", "", "version = 1"),
        ("[coarsening]", "[coarsen]", "unknown key(s) coarsen"),
    ],
)
def test_each_mistake_is_refused_naming_file_and_key(
    tmp_path: Path, old: str, new: str, named: str
) -> None:
    path = edited(tmp_path, old, new)
    with pytest.raises(PolicyError) as refused:
        load_disclosure_policy(path)
    assert str(path) in str(refused.value)
    assert named in str(refused.value)


def test_a_missing_table_is_refused(tmp_path: Path) -> None:
    text = SHIPPED.read_text()
    path = tmp_path / "disclosure.toml"
    path.write_text(text[: text.index("[privacy]")])
    with pytest.raises(PolicyError, match=r"missing table \[privacy\]"):
        load_disclosure_policy(path)


def test_a_whole_number_budget_is_accepted(tmp_path: Path) -> None:
    assert load_disclosure_policy(edited(tmp_path, "budget = 3.0", "budget = 2")).budget == 2.0


def test_a_missing_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(PolicyError, match=r"disclosure\.toml"):
        load_disclosure_policy(tmp_path / "disclosure.toml")


def at(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


@pytest.mark.parametrize(
    ("now", "bounds"),
    [
        (at(2024, 3, 15, 12), (at(2024, 3, 1), at(2024, 4, 1))),
        (at(2024, 3, 1), (at(2024, 3, 1), at(2024, 4, 1))),
        (at(2024, 3, 31, 23, 59, 59), (at(2024, 3, 1), at(2024, 4, 1))),
        (at(2024, 12, 31, 23, 59, 59), (at(2024, 12, 1), at(2025, 1, 1))),
        (at(2025, 1, 1), (at(2025, 1, 1), at(2025, 2, 1))),
        # 23:30 on 31 March five hours west of UTC is already April in UTC.
        (
            datetime(2024, 3, 31, 23, 30, tzinfo=timezone(timedelta(hours=-5))),
            (at(2024, 4, 1), at(2024, 5, 1)),
        ),
        (datetime(2024, 2, 29, 10), (at(2024, 2, 1), at(2024, 3, 1))),
    ],
)
def test_monthly_budget_periods_are_utc_calendar_months(
    policy: DisclosurePolicy, now: datetime, bounds: tuple[datetime, datetime]
) -> None:
    assert policy.period_bounds(now) == bounds


@pytest.mark.parametrize(
    ("now", "bounds"),
    [
        (at(2024, 7, 4), (at(2024, 1, 1), at(2025, 1, 1))),
        (at(2024, 1, 1), (at(2024, 1, 1), at(2025, 1, 1))),
        (at(2024, 12, 31, 23, 59, 59), (at(2024, 1, 1), at(2025, 1, 1))),
    ],
)
def test_yearly_budget_periods_are_utc_calendar_years(
    policy: DisclosurePolicy, now: datetime, bounds: tuple[datetime, datetime]
) -> None:
    assert replace(policy, period="year").period_bounds(now) == bounds


@pytest.mark.parametrize(
    ("coarsening", "key", "coarsened"),
    [
        ("month", "2024-03", "2024-03"),
        ("quarter", "2024-01", "2024-Q1"),
        ("quarter", "2024-03", "2024-Q1"),
        ("quarter", "2024-04", "2024-Q2"),
        ("quarter", "2024-09", "2024-Q3"),
        ("quarter", "2024-12", "2024-Q4"),
        ("year", "2024-03", "2024"),
        ("month", "2024", "2024"),
        ("quarter", "2024", "2024"),
        ("year", "2024", "2024"),
    ],
)
def test_coarsen_month(policy: DisclosurePolicy, coarsening: str, key: str, coarsened: str) -> None:
    assert replace(policy, date_coarsening=coarsening).coarsen_month(key) == coarsened


@pytest.mark.parametrize("key", ["2024-13", "2024-3", "24-03", "2024-03-01", "March"])
def test_coarsen_month_refuses_what_is_not_a_month(policy: DisclosurePolicy, key: str) -> None:
    with pytest.raises(ValueError, match="not a month key"):
        policy.coarsen_month(key)
