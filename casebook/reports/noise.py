"""Differentially private counts: discrete Laplace noise on a table's cells, through OpenDP.

The unit of privacy is one incident (or one protected activity, for tables counting those).
Adding or removing it changes a table's cells by at most `sensitivity` in total (L1 distance):
1 for a table over single-valued dimensions, up to the policy's `max_values_per_incident` for a
table over a multi-valued one such as tactics (the queries count an incident towards no more
values than that). One OpenDP measurement adds noise to the whole vector of cells, with its
scale chosen so that the measurement's privacy loss for that change is at most epsilon.

Margins are not measured: they are recomputed as the sums of the noisy cells. That is
post-processing, so it costs no further privacy loss, and the released table stays consistent
(its totals add up). Raising negative noisy counts to 0 is post-processing too. The row and
column labels are treated as public: they must come from vocabularies and the report's period,
never from which values happen to occur in the records."""

from __future__ import annotations

import math

import opendp.prelude as dp

from casebook.reports.tables import CountTable, exact_table


def laplace_measurement(epsilon: float, sensitivity: int) -> dp.Measurement:
    """The OpenDP measurement adding discrete Laplace noise to each count of a vector, with a
    privacy loss of at most `epsilon` (pure DP) when the vector changes by `sensitivity` in L1
    distance."""
    if not epsilon > 0 or sensitivity < 1:
        raise ValueError("epsilon must be positive and sensitivity at least 1")
    dp.enable_features("contrib")
    space = dp.vector_domain(dp.atom_domain(T="i64")), dp.l1_distance(T="i64")
    scale = dp.binary_search_param(
        lambda scale: dp.m.make_laplace(*space, scale=scale), d_in=sensitivity, d_out=epsilon
    )
    measurement = dp.m.make_laplace(*space, scale=scale)
    if not measurement.check(sensitivity, epsilon):
        raise RuntimeError(f"noise scale {scale} does not keep the privacy loss within {epsilon}")
    return measurement


def noisy_table(table: CountTable, epsilon: float, sensitivity: int) -> CountTable:
    """`table` (which must hold every count) with noisy cells, at a privacy loss of at most
    `epsilon` for one incident changing the cells by up to `sensitivity` in total. Noisy counts
    are whole numbers, at least 0; margins are the sums of the noisy cells."""
    if not table.is_published():
        raise ValueError(f"table {table.name} has withheld counts")
    width = len(table.columns)
    exact = [value for row in table.cells for value in row]
    noisy = [max(0, value) for value in laplace_measurement(epsilon, sensitivity)(exact)]
    cells = tuple(tuple(noisy[start : start + width]) for start in range(0, len(noisy), width))
    return exact_table(
        table.name, table.row_dimension, table.column_dimension, table.rows, table.columns, cells
    )


def split_epsilon(total: float, parts: int) -> float:
    """The privacy loss to give each of `parts` releases so that together (by sequential
    composition, losses add up) they spend no more than `total`."""
    if parts < 1:
        raise ValueError("parts must be at least 1")
    share = total / parts
    while math.fsum([share] * parts) > total:
        share = math.nextafter(share, 0.0)
    return share
