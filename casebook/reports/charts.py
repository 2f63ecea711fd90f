"""Bar charts of a pattern report as inline SVG, for the web page, the HTML document and the PDF.

A chart is a fixed viewBox scaled to the width of its container, drawn with presentation
attributes only (no `style`), so it needs no stylesheet, passes the pages' Content-Security-
Policy and prints the same in WeasyPrint. Text is sized to stay readable on a 360 px phone. It
is an image with a title and a description for screen readers; the numbers it draws are also
given as a table next to it."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

from casebook.reports.tables import ONE_WAY_COLUMN, Count, CountTable

WIDTH = 480
PLOT_HEIGHT = 160
TOP = 12
LEFT = 44
RIGHT = 8
AXIS_LABELS = 30
"""Room under the plot for the markers and the bar labels."""
LEGEND = 26
FONT_SIZE = 14
CHARACTER_WIDTH = 0.6 * FONT_SIZE
"""An upper estimate of one character's advance, to keep labels from overlapping."""
MAX_VALUE_LABELS = 16
"""Bars are labelled with their count when there are at most this many."""

CHART_ID = re.compile(r"[a-z][a-z0-9-]*")

BAR_COLOUR = "#1d4f91"
MARK_COLOUR = "#b35c00"
WITHHELD_COLOUR = "#6b6b76"
TEXT_COLOUR = "#1b1b1f"
GRID_COLOUR = "#c8c8d0"


@dataclass(frozen=True)
class Bar:
    label: str
    value: Count
    """None when the count is withheld."""
    marked: bool = False
    """Drawn with a marker under the bar (a month with protected activity)."""


def column_total_bars(table: CountTable, marks: Mapping[str, Count] | None = None) -> list[Bar]:
    """One bar per column of a two-way table (months, for a timeline), of its column total.
    `marks` maps a column to a count: the bar is marked when it is more than 0."""
    return [
        Bar(column, total, _is_marked(marks, column))
        for column, total in zip(table.columns, table.column_totals, strict=True)
    ]


def row_bars(table: CountTable, row: str, marks: Mapping[str, Count] | None = None) -> list[Bar]:
    """One bar per column of one row of a two-way table (a group's or region's months)."""
    cells = table.cells[table.rows.index(row)]
    return [
        Bar(column, value, _is_marked(marks, column))
        for column, value in zip(table.columns, cells, strict=True)
    ]


def one_way_bars(table: CountTable, labels: Mapping[str, str]) -> list[Bar]:
    """One bar per row of a one-way table, labelled through `labels` (the key if missing)."""
    return [Bar(labels.get(row, row), table.cell(row)) for row in table.rows]


def row_counts(table: CountTable, row: str) -> dict[str, Count]:
    """Column -> count of one row of a two-way table (empty if the table lacks the row)."""
    if row not in table.rows:
        return {}
    return dict(zip(table.columns, table.cells[table.rows.index(row)], strict=True))


def column_totals(table: CountTable) -> dict[str, Count]:
    """Column -> column total of a two-way table, or row -> count of a one-way one."""
    if table.one_way:
        return {row: table.cell(row, ONE_WAY_COLUMN) for row in table.rows}
    return dict(zip(table.columns, table.column_totals, strict=True))


def bar_chart(
    chart_id: str,
    bars: Sequence[Bar],
    *,
    title: str,
    description: str,
    withheld: str,
    marked: str = "",
) -> Markup:
    """An SVG bar chart; `chart_id` (letters, digits and dashes) must be unique in the page,
    since it names the chart's parts. The texts are in the reader's language: the chart's
    title and description, and the legends of a withheld bar and of a marked one (needed only
    when a bar is marked)."""
    if not CHART_ID.fullmatch(chart_id):
        raise ValueError(f"not a chart id: {chart_id!r}")
    legend = _legend(chart_id, bars, withheld, marked)
    height = TOP + PLOT_HEIGHT + AXIS_LABELS + (LEGEND if legend else 0)
    top = _axis_top(max((bar.value or 0 for bar in bars), default=0))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {WIDTH} {height}"'
        f' width="100%" role="img" aria-labelledby="{chart_id}-title {chart_id}-desc"'
        f' font-family="sans-serif" font-size="{FONT_SIZE}" fill="{TEXT_COLOUR}">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>',
        _hatch(chart_id),
        *_grid(top),
        *_bars(chart_id, bars, top),
        *legend,
        "</svg>",
    ]
    # Every text in `parts` went through escape(); the rest is numbers and the checked id.
    return Markup("".join(parts))  # noqa: S704


def _is_marked(marks: Mapping[str, Count] | None, key: str) -> bool:
    return marks is not None and (marks.get(key) or 0) > 0


def _axis_top(largest: int) -> int:
    """The value at the top of the axis: `largest` rounded up to 1, 2 or 5 times a power of 10
    (at least 1, so an empty chart still has an axis)."""
    if largest <= 1:
        return 1
    magnitude = int(10 ** math.floor(math.log10(largest)))
    return next(step * magnitude for step in (1, 2, 5, 10) if step * magnitude >= largest)


def _y(value: float, top: int) -> float:
    return TOP + PLOT_HEIGHT * (1 - value / top)


def _grid(top: int) -> list[str]:
    """Horizontal lines at 0, half and the top of the axis, with their values."""
    lines = []
    for value in sorted({0, top // 2, top}):
        y = _y(value, top)
        lines.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}"'
            f' stroke="{GRID_COLOUR if value else TEXT_COLOUR}" stroke-width="1"/>'
            f'<text x="{LEFT - 6}" y="{y + FONT_SIZE / 3:.1f}" text-anchor="end">{value}</text>'
        )
    return lines


def _bars(chart_id: str, bars: Sequence[Bar], top: int) -> list[str]:
    if not bars:
        return []
    slot = (WIDTH - LEFT - RIGHT) / len(bars)
    label_every = max(1, math.ceil(max(len(bar.label) for bar in bars) * CHARACTER_WIDTH / slot))
    baseline = TOP + PLOT_HEIGHT
    parts = []
    for index, bar in enumerate(bars):
        x = LEFT + index * slot + slot * 0.15
        width = slot * 0.7
        centre = x + width / 2
        if bar.value is None:
            parts.append(_withheld_bar(chart_id, x, width))
        elif bar.value > 0:
            y = _y(bar.value, top)
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{width:.1f}" height="{baseline - y:.1f}"'
                f' fill="{BAR_COLOUR}"/>'
            )
        if bar.value is not None and len(bars) <= MAX_VALUE_LABELS:
            parts.append(
                f'<text x="{centre:.1f}" y="{_y(bar.value, top) - 3:.1f}"'
                f' text-anchor="middle">{bar.value}</text>'
            )
        if bar.marked:
            parts.append(_marker(centre, baseline + 2))
        if index % label_every == 0:
            parts.append(
                f'<text x="{centre:.1f}" y="{baseline + AXIS_LABELS - 6}"'
                f' text-anchor="middle">{escape(bar.label)}</text>'
            )
    return parts


def _withheld_bar(
    chart_id: str, x: float, width: float, y: float = TOP, height: float = PLOT_HEIGHT
) -> str:
    """A withheld count: by default a hatched outline the height of the plot, so that its
    height says nothing about the count."""
    return (
        f'<rect x="{x:.1f}" y="{y:.1f}" width="{width:.1f}" height="{height:.1f}"'
        f' fill="url(#{chart_id}-hatch)" stroke="{WITHHELD_COLOUR}" stroke-dasharray="3 2"/>'
    )


def _marker(centre: float, y: float) -> str:
    """A small triangle pointing up at the bar it marks."""
    return f'<path d="M{centre:.1f} {y:.1f} l5 8 h-10 z" fill="{MARK_COLOUR}"/>'


def _hatch(chart_id: str) -> str:
    return (
        f'<defs><pattern id="{chart_id}-hatch" width="6" height="6"'
        f' patternUnits="userSpaceOnUse" patternTransform="rotate(45)">'
        f'<line x1="0" y1="0" x2="0" y2="6" stroke="{WITHHELD_COLOUR}" stroke-width="2"/>'
        f"</pattern></defs>"
    )


def _legend(chart_id: str, bars: Sequence[Bar], withheld: str, marked: str) -> list[str]:
    """Keys for the withheld hatching and the marker, when the chart shows them."""
    y = TOP + PLOT_HEIGHT + AXIS_LABELS + 6
    x = float(LEFT)
    parts = []
    if any(bar.value is None for bar in bars):
        parts.append(_withheld_bar(chart_id, x, 14, y, 14))
        parts.append(_legend_text(x, y, withheld))
        x += _legend_width(withheld)
    if any(bar.marked for bar in bars):
        parts.append(_marker(x + 7, y + 3))
        parts.append(_legend_text(x, y, marked))
    return parts


def _legend_text(x: float, y: float, words: str) -> str:
    return f'<text x="{x + 20:.1f}" y="{y + 12}">{escape(words)}</text>'


def _legend_width(words: str) -> float:
    return 20 + len(words) * CHARACTER_WIDTH + 16
