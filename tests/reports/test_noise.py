"""Differentially private counts: noisy, consistent, and within the privacy loss asked for."""

from __future__ import annotations

import math

import pytest

from casebook.reports.noise import laplace_measurement, noisy_table, split_epsilon
from casebook.reports.suppression import suppress
from casebook.reports.tables import CountTable, count_table, exact_table


def grid(height: int, width: int, count: int) -> CountTable:
    rows = tuple(f"r{index}" for index in range(height))
    columns = tuple(f"c{index}" for index in range(width))
    cells = tuple(tuple(count for _ in columns) for _ in rows)
    return exact_table("t", "agency", "tactic", rows, columns, cells)


def mean_error(exact: CountTable, noisy: CountTable) -> float:
    pairs = [
        (a, b)
        for exact_row, noisy_row in zip(exact.cells, noisy.cells, strict=True)
        for a, b in zip(exact_row, noisy_row, strict=True)
    ]
    return sum(abs(a - b) for a, b in pairs if a is not None and b is not None) / len(pairs)


SMALL = exact_table(
    "tactics_by_month", "month", "tactic", ("2024-01", "2024-02", "2024-03"),
    ("arrest", "contact", "surveillance"), ((0, 1, 2), (30, 0, 5), (12, 7, 0)),
)  # fmt: skip
ONE_WAY = count_table("tactics", "tactic", ["arrest", "contact", "raid"], {"arrest": 4, "raid": 9})


@pytest.mark.parametrize("table", [SMALL, ONE_WAY])
def test_noisy_table_keeps_the_shape_and_adds_up(table: CountTable) -> None:
    noisy = noisy_table(table, 0.5, 3)
    assert (noisy.name, noisy.rows, noisy.columns) == (table.name, table.rows, table.columns)
    assert (noisy.row_dimension, noisy.column_dimension) == (
        table.row_dimension,
        table.column_dimension,
    )
    cells = [value for row in noisy.cells for value in row]
    assert all(isinstance(value, int) and value >= 0 for value in cells)
    assert noisy.row_totals == tuple(sum(row) for row in noisy.cells)  # type: ignore[arg-type]
    assert noisy.column_totals == tuple(
        sum(row[column] for row in noisy.cells)  # type: ignore[misc]
        for column in range(len(table.columns))
    )
    assert noisy.total == sum(cells)  # type: ignore[arg-type]


def test_noise_is_really_added() -> None:
    assert any(noisy_table(SMALL, 1.0, 3).cells != SMALL.cells for _ in range(5))


def test_smaller_epsilon_spreads_the_counts_more() -> None:
    table = grid(4, 5, 1000)
    loose = [mean_error(table, noisy_table(table, 50.0, 1)) for _ in range(10)]
    tight = [mean_error(table, noisy_table(table, 0.1, 1)) for _ in range(10)]
    assert sum(loose) / len(loose) < 0.5
    assert sum(tight) / len(tight) > 3
    assert min(tight) > max(loose)


@pytest.mark.parametrize(("epsilon", "sensitivity"), [(1.0, 1), (0.5, 2), (1.0, 3)])
def test_noise_scale_is_sensitivity_over_epsilon(epsilon: float, sensitivity: int) -> None:
    """Discrete Laplace noise of scale b has mean absolute value 2q / (1 - q^2), q = e^(-1/b)."""
    q = math.exp(-epsilon / sensitivity)
    expected = 2 * q / (1 - q * q)
    table = grid(40, 50, 1000)
    assert mean_error(table, noisy_table(table, epsilon, sensitivity)) == pytest.approx(
        expected, rel=0.2
    )


@pytest.mark.parametrize(
    ("epsilon", "sensitivity"), [(3.0, 1), (0.7, 3), (1 / 3, 2), (0.01, 3), (0.1, 1), (2.5, 5)]
)
def test_the_measurement_spends_at_most_epsilon(epsilon: float, sensitivity: int) -> None:
    measurement = laplace_measurement(epsilon, sensitivity)
    spent = measurement.map(sensitivity)  # type: ignore[no-untyped-call]
    assert epsilon * 0.99 < spent <= epsilon


def test_withheld_counts_are_refused() -> None:
    with pytest.raises(ValueError, match="withheld"):
        noisy_table(suppress(SMALL, 11), 1.0, 1)


@pytest.mark.parametrize(("total", "parts"), [(3.0, 1), (3.0, 7), (1.0, 3), (0.7, 10)])
def test_split_epsilon_stays_within_the_total(total: float, parts: int) -> None:
    share = split_epsilon(total, parts)
    assert math.fsum([share] * parts) <= total
    assert share == pytest.approx(total / parts)
