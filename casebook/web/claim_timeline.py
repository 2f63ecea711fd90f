"""The claim page's visual timeline: protected activities above a date axis, adverse actions
below it, each placed by its date, with the gap in days on every action. Positions are worked
out here so that the template only draws."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from casebook.claims.chronology import Entry

WIDTH = 1000  # SVG user units; the drawing scales to the page's width
MARGIN = 40


@dataclass(frozen=True)
class Mark:
    x: float
    on: date
    precision: str
    kind: str
    gap_days: int | None
    approximate: bool
    # An action drawn back to the activity it follows: that activity's x.
    after_x: float | None


@dataclass(frozen=True)
class Axis:
    marks: list[Mark]
    start: date
    end: date
    width: int = WIDTH


def axis(entries: list[Entry]) -> Axis | None:
    if not entries:
        return None
    start, end = entries[0].item.on, entries[-1].item.on
    span = max((end - start).days, 1)

    def x(on: date) -> float:
        return round(MARGIN + (on - start).days / span * (WIDTH - 2 * MARGIN), 1)

    marks = [
        Mark(
            x=x(entry.item.on),
            on=entry.item.on,
            precision=entry.item.precision,
            kind=entry.kind,
            gap_days=entry.gap_days,
            approximate=entry.approximate,
            after_x=None if entry.after is None else x(entry.after.on),
        )
        for entry in entries
    ]
    return Axis(marks, start, end)
