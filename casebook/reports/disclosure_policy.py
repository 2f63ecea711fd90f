"""The disclosure policy (policies/disclosure.toml): what researchers' releases may contain.

A release for a role under this policy holds aggregate counts only, over allowed dimensions,
with dates coarsened and places given by region, small counts withheld, and optionally noisy
counts paid for from a privacy-loss budget per calendar period."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from casebook.access.policy_files import PolicyError, read_policy
from casebook.accounts.models import ROLES

DIMENSIONS = ("tactic", "agency", "region", "month", "stage", "gap", "activity")
"""Dimensions a count table can be over; `activity` counts protected activities."""

DATE_COARSENINGS = ("month", "quarter", "year")
PERIODS = ("month", "year")

ALWAYS_DISCLOSED_ROLE = "researcher"
"""Researchers never see a record, so the policy must cover them whatever the file says."""

_KEYS = {
    "cells": ("min_count",),
    "dimensions": ("allowed",),
    "coarsening": ("date",),
    "privacy": ("budget", "period", "max_values_per_incident"),
}
_MONTH_KEY = re.compile(r"(\d{4})(?:-(0[1-9]|1[0-2]))?")


@dataclass(frozen=True)
class DisclosurePolicy:
    roles: frozenset[str]
    """Roles whose reports and exports are released only through this policy."""
    min_count: int
    """Counts from 1 to min_count - 1 are withheld; 0 is shown."""
    allowed_dimensions: frozenset[str]
    date_coarsening: str
    """One of DATE_COARSENINGS."""
    budget: float
    """Privacy loss (epsilon) each person may spend per period."""
    period: str
    """One of PERIODS: the calendar month or year, in UTC."""
    max_values_per_incident: int
    """How many values of a multi-valued dimension one incident may count towards."""

    def applies_to(self, role: str) -> bool:
        """Whether releases to someone with `role` go through this policy."""
        return role in self.roles

    def period_bounds(self, now: datetime) -> tuple[datetime, datetime]:
        """The budget period holding `now`: start inclusive, end exclusive, both in UTC. A naive
        `now` is taken to be in UTC."""
        moment = now.astimezone(UTC) if now.tzinfo is not None else now.replace(tzinfo=UTC)
        if self.period == "year":
            start = datetime(moment.year, 1, 1, tzinfo=UTC)
            return start, start.replace(year=moment.year + 1)
        start = datetime(moment.year, moment.month, 1, tzinfo=UTC)
        if moment.month == 12:
            return start, start.replace(year=moment.year + 1, month=1)
        return start, start.replace(month=moment.month + 1)

    def coarsen_month(self, key: str) -> str:
        """The release key of a month key `YYYY-MM`: itself, `YYYY-Qn` or `YYYY` depending on
        the date coarsening. A year key `YYYY` stays as it is."""
        match = _MONTH_KEY.fullmatch(key)
        if match is None:
            raise ValueError(f"not a month key (YYYY-MM) or a year key (YYYY): {key!r}")
        year, month = match.group(1), match.group(2)
        if month is None or self.date_coarsening == "year":
            return year
        if self.date_coarsening == "quarter":
            return f"{year}-Q{(int(month) - 1) // 3 + 1}"
        return key


def load_disclosure_policy(path: Path) -> DisclosurePolicy:
    """Reads and checks the disclosure policy file; any mistake raises PolicyError naming the
    file and the key."""
    document = read_policy(path)
    _check_keys(path, document)
    roles = _names(path, document.get("roles"), "roles", ROLES)
    if ALWAYS_DISCLOSED_ROLE not in roles:
        raise PolicyError(f"{path}: roles must include {ALWAYS_DISCLOSED_ROLE!r}")
    return DisclosurePolicy(
        roles=roles,
        min_count=_integer(path, document, "cells", "min_count", minimum=2),
        allowed_dimensions=_names(
            path, document["dimensions"].get("allowed"), "[dimensions] allowed", DIMENSIONS
        ),
        date_coarsening=_choice(path, document, "coarsening", "date", DATE_COARSENINGS),
        budget=_budget(path, document),
        period=_choice(path, document, "privacy", "period", PERIODS),
        max_values_per_incident=_integer(
            path, document, "privacy", "max_values_per_incident", minimum=1
        ),
    )


def _check_keys(path: Path, document: dict[str, Any]) -> None:
    unknown = sorted(set(document) - {"version", "roles", *_KEYS})
    if unknown:
        raise PolicyError(f"{path}: unknown key(s) {', '.join(unknown)}")
    for table, keys in _KEYS.items():
        entries = document.get(table)
        if not isinstance(entries, dict):
            raise PolicyError(f"{path}: missing table [{table}]")
        unknown = sorted(set(entries) - set(keys))
        if unknown:
            raise PolicyError(f"{path}: unknown key(s) in [{table}]: {', '.join(unknown)}")


def _names(path: Path, value: object, where: str, known: tuple[str, ...]) -> frozenset[str]:
    if not isinstance(value, list) or not all(isinstance(name, str) for name in value):
        raise PolicyError(f"{path}: {where} must be a list of names")
    unknown = sorted(set(value) - set(known))
    if unknown:
        raise PolicyError(
            f"{path}: {where} names unknown {', '.join(unknown)} (known: {', '.join(known)})"
        )
    return frozenset(value)


def _integer(path: Path, document: dict[str, Any], table: str, key: str, *, minimum: int) -> int:
    value = document[table].get(key)
    if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
        raise PolicyError(f"{path}: [{table}] {key} must be a whole number >= {minimum}")
    return value


def _choice(
    path: Path, document: dict[str, Any], table: str, key: str, choices: tuple[str, ...]
) -> str:
    value = document[table].get(key)
    if value not in choices:
        raise PolicyError(f"{path}: [{table}] {key} must be one of {', '.join(choices)}")
    return str(value)


def _budget(path: Path, document: dict[str, Any]) -> float:
    value = document["privacy"].get("budget")
    if (
        not isinstance(value, int | float)
        or isinstance(value, bool)
        or not math.isfinite(value)
        or value <= 0
    ):
        raise PolicyError(f"{path}: [privacy] budget must be a number greater than 0")
    return float(value)
