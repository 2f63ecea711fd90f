"""Cell suppression: small counts withheld, and none recoverable from what is published."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from casebook.reports.suppression import suppress
from casebook.reports.tables import Count, CountTable, count_table, exact_table

N = None


def two_way(cells: tuple[tuple[int, ...], ...]) -> CountTable:
    rows = tuple(f"r{index}" for index in range(len(cells)))
    columns = tuple(f"c{index}" for index in range(len(cells[0])))
    return exact_table("t", "agency", "tactic", rows, columns, cells)


def one_way(counts: list[int]) -> CountTable:
    rows = [f"r{index}" for index in range(len(counts))]
    return count_table("t", "tactic", rows, dict(zip(rows, counts, strict=True)))


def values(table: CountTable) -> list[Count]:
    """Every published or withheld value: cells, row totals, column totals, grand total."""
    cells = [value for row in table.cells for value in row]
    return [*cells, *table.row_totals, *table.column_totals, table.total]


def constraints(table: CountTable) -> np.ndarray:
    """The equations a reader knows hold between the values (in the order of `values`): each
    row total and column total is the sum of its cells, the grand total the sum of either."""
    height, width = len(table.rows), len(table.columns)
    cells, row_totals = 0, height * width
    column_totals, total = row_totals + height, row_totals + height + width
    equations = []
    for row in range(height):
        equation = np.zeros(total + 1)
        equation[[cells + row * width + column for column in range(width)]] = 1
        equation[row_totals + row] = -1
        equations.append(equation)
    for column in range(width):
        equation = np.zeros(total + 1)
        equation[[cells + row * width + column for row in range(height)]] = 1
        equation[column_totals + column] = -1
        equations.append(equation)
    for first, count in ((row_totals, height), (column_totals, width)):
        equation = np.zeros(total + 1)
        equation[first : first + count] = 1
        equation[total] = -1
        equations.append(equation)
    return np.array(equations)


def determined(published: CountTable) -> list[int]:
    """Indexes (in `values`) of withheld values that the published ones fix exactly. Substituting
    the published values leaves A x = b over the withheld ones; x_k is fixed iff no solution of
    A x = 0 moves it, i.e. iff dropping column k lowers the rank of A."""
    unknown = [index for index, value in enumerate(values(published)) if value is None]
    matrix = constraints(published)[:, unknown]
    rank = np.linalg.matrix_rank(matrix) if unknown else 0
    return [
        index
        for position, index in enumerate(unknown)
        if np.linalg.matrix_rank(np.delete(matrix, position, axis=1)) < rank
    ]


def check_release(table: CountTable, min_count: int) -> CountTable:
    """The properties every suppressed table must have; returns it for further checks."""
    published = suppress(table, min_count)
    exact, shown = values(table), values(published)
    assert all(value is None or value == exact[index] for index, value in enumerate(shown))
    assert all(
        shown[index] is None
        for index, value in enumerate(exact)
        if value is not None and 1 <= value < min_count
    )
    assert determined(published) == []
    if table.one_way:
        assert published.row_totals == tuple(row[0] for row in published.cells)
        assert published.column_totals == (published.total,)
    return published


def test_a_single_small_cell_gets_three_complements_forming_a_cycle() -> None:
    table = two_way(((5, 20, 30), (40, 50, 60), (70, 80, 90)))
    published = check_release(table, 11)
    assert published.cells == ((N, N, 30), (N, N, 60), (70, 80, 90))
    assert published.row_totals == table.row_totals
    assert published.column_totals == table.column_totals
    assert published.total == table.total


def test_a_small_row_total_is_hidden_with_another_row_total() -> None:
    table = two_way(((4, 3, 2), (20, 30, 40), (50, 60, 70)))
    published = check_release(table, 11)
    assert published.cells == ((N, N, N), (N, N, N), (50, 60, 70))
    assert published.row_totals == (N, N, 180)
    assert published.column_totals == (74, 93, 112)
    assert published.total == 279


def test_a_small_cell_is_hidden_by_the_smallest_other_cell_of_a_one_way_table() -> None:
    published = check_release(one_way([3, 40, 20, 0]), 11)
    assert published.cells == ((N,), (40,), (N,), (0,))
    assert published.total == 63


def test_two_small_cells_of_a_one_way_table_need_no_complement() -> None:
    published = check_release(one_way([3, 4, 40]), 11)
    assert published.cells == ((N,), (N,), (40,))
    assert published.total == 47


def test_a_small_one_way_total_is_withheld_with_its_cell() -> None:
    published = check_release(one_way([0, 3, 0]), 11)
    assert published.cells == ((0,), (N,), (0,))
    assert published.total is None
    assert published.column_totals == (N,)


@pytest.mark.parametrize(
    "table",
    [
        two_way(((0, 20, 0), (40, 0, 60), (0, 0, 11))),
        one_way([0, 0, 12, 0]),
        one_way([0, 0, 0]),
    ],
)
def test_zeros_are_shown(table: CountTable) -> None:
    assert suppress(table, 11) == table


def test_a_table_with_withheld_counts_is_refused() -> None:
    with pytest.raises(ValueError, match="withheld"):
        suppress(suppress(one_way([3, 40]), 11), 11)


counts = st.one_of(st.just(0), st.integers(1, 12), st.integers(13, 300))


@st.composite
def two_way_tables(draw: st.DrawFn) -> CountTable:
    height, width = draw(st.integers(1, 6)), draw(st.integers(1, 6))
    row = st.tuples(*[counts] * width)
    return two_way(draw(st.tuples(*[row] * height)))


@st.composite
def one_way_tables(draw: st.DrawFn) -> CountTable:
    return one_way(draw(st.lists(counts, min_size=1, max_size=6)))


@settings(max_examples=400, deadline=None)
@given(table=st.one_of(two_way_tables(), one_way_tables()), min_count=st.integers(2, 15))
def test_no_withheld_count_can_be_recomputed_from_what_is_published(
    table: CountTable, min_count: int
) -> None:
    published = check_release(table, min_count)
    if all(not 1 <= value < min_count for value in values(table) if value is not None):
        assert published == table


def test_the_oracle_sees_a_lone_withheld_cell_as_determined() -> None:
    table = two_way(((5, 20), (40, 50)))
    lone = CountTable(**{**table.__dict__, "cells": ((None, 20), (40, 50))})
    assert determined(lone) == [0]
    assert determined(suppress(table, 11)) == []
