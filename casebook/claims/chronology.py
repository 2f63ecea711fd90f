"""The chronology of a claim: protected activities and adverse actions in date order, each
action with its gap in days to the latest protected activity on or before it."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal


@dataclass(frozen=True)
class Dated:
    id: uuid.UUID
    on: date
    # "day", "month" or "year": a month- or year-precise date is the first day of its period.
    precision: str = "day"


@dataclass(frozen=True)
class Entry:
    kind: Literal["activity", "action"]
    item: Dated
    # Actions only: the latest activity on or before the action (the same day counts, as 0).
    after: Dated | None = None

    @property
    def gap_days(self) -> int | None:
        return None if self.after is None else gap_to(self.item, self.after)

    @property
    def approximate(self) -> bool:
        """The gap counts from the first day of a period: the action's exact day is unknown."""
        return self.after is not None and self.item.precision != "day"


def chronology(activities: Sequence[Dated], actions: Sequence[Dated]) -> list[Entry]:
    """On one day, activities come before actions, so an arrest at a protest answers it."""
    events = sorted(
        [(a.on, 0, str(a.id), a) for a in activities] + [(a.on, 1, str(a.id), a) for a in actions]
    )
    entries: list[Entry] = []
    latest: Dated | None = None
    for _, order, _, item in events:
        if order == 0:
            latest = item
            entries.append(Entry("activity", item))
        else:
            entries.append(Entry("action", item, latest))
    return entries


def gap_to(action: Dated, activity: Dated) -> int:
    return (action.on - activity.on).days
