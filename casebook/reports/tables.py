"""Count tables: what a pattern report publishes, and what suppression and noise work on.

A table counts over one dimension (a column of counts with its total) or two (rows by columns,
with row totals, column totals and a grand total). Margins are always the sums of the exact
cells, so that published margins and cells obey the same arithmetic a reader can do. A cell or
margin of `None` is suppressed: withheld from the release."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

Count = int | None
"""A published count, or None where it is withheld."""

ONE_WAY_COLUMN = "count"


@dataclass(frozen=True)
class CountTable:
    name: str
    """Stable identifier, used in exports (e.g. `tactics_by_group`)."""
    row_dimension: str
    column_dimension: str | None
    """None for a one-way table: it then has the single column `count` and no row totals."""
    rows: tuple[str, ...]
    columns: tuple[str, ...]
    cells: tuple[tuple[Count, ...], ...]
    """cells[row][column]"""
    row_totals: tuple[Count, ...]
    """One per row; for a one-way table each equals its single cell."""
    column_totals: tuple[Count, ...]
    total: Count

    @property
    def one_way(self) -> bool:
        return self.column_dimension is None

    def cell(self, row: str, column: str = ONE_WAY_COLUMN) -> Count:
        return self.cells[self.rows.index(row)][self.columns.index(column)]

    def is_published(self) -> bool:
        """Nothing in the table is withheld."""
        return all(
            value is not None for value in (*self.row_totals, *self.column_totals, self.total)
        ) and all(value is not None for row in self.cells for value in row)


def count_table(
    name: str,
    row_dimension: str,
    rows: Iterable[str],
    counts: Mapping[Any, int],
    *,
    column_dimension: str | None = None,
    columns: Iterable[str] = (),
) -> CountTable:
    """A table of exact counts with its margins. `counts` maps (row, column) to a count for a
    two-way table, row to a count for a one-way one; missing keys count 0."""
    row_keys = tuple(rows)
    cells: tuple[tuple[int, ...], ...]
    if column_dimension is None:
        column_keys: tuple[str, ...] = (ONE_WAY_COLUMN,)
        cells = tuple((int(counts.get(row, 0)),) for row in row_keys)
    else:
        column_keys = tuple(columns)
        cells = tuple(
            tuple(int(counts.get((row, column), 0)) for column in column_keys) for row in row_keys
        )
    return exact_table(name, row_dimension, column_dimension, row_keys, column_keys, cells)


def exact_table(
    name: str,
    row_dimension: str,
    column_dimension: str | None,
    rows: tuple[str, ...],
    columns: tuple[str, ...],
    cells: tuple[tuple[int, ...], ...],
) -> CountTable:
    """A table whose margins are the sums of `cells`."""
    row_totals = tuple(sum(row) for row in cells)
    column_totals = tuple(sum(row[j] for row in cells) for j in range(len(columns)))
    return CountTable(
        name=name,
        row_dimension=row_dimension,
        column_dimension=column_dimension,
        rows=rows,
        columns=columns,
        cells=cells,
        row_totals=row_totals,
        column_totals=column_totals,
        total=sum(row_totals),
    )
