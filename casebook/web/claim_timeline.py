"""The claim page's visual timeline: protected activities above a date axis, adverse actions
below it, each placed by its date, with the gap in days on every action. Positions are worked
out here so that the template only draws."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from casebook.claims.chronology import Entry

WIDTH = 1000  # SVG user units; the drawing scales to the page's width
MARGIN = 70  # room for a date written around the first and last marks
# How far apart (in SVG units) two written labels of one row must be; marks closer than that
# carry their date and gap in a tooltip only (the chronology table lists them all).
LABEL_SPACING = {"activity": 120, "action": 75}


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
    labelled: bool = True


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

    last_label: dict[str, float] = {"activity": -WIDTH, "action": -WIDTH}
    marks = []
    for entry in entries:
        at = x(entry.item.on)
        labelled = at - last_label[entry.kind] >= LABEL_SPACING[entry.kind]
        if labelled:
            last_label[entry.kind] = at
        marks.append(
            Mark(
                x=at,
                on=entry.item.on,
                precision=entry.item.precision,
                kind=entry.kind,
                gap_days=entry.gap_days,
                approximate=entry.approximate,
                after_x=None if entry.after is None else x(entry.after.on),
                labelled=labelled,
            )
        )
    return Axis(marks, start, end)
