"""A pattern report as data for analysis: one long CSV table of counts and figures, and a JSON
document of the whole report. docs/reports.md gives both schemas field by field.

Both carry keys (vocabulary ids, group ids, regions, month keys), never labels, so that they
read the same whatever the reader's language. Neither holds anything a disclosed report lacks:
for a disclosed report the request's group is left out, and so are escalation and groups."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import Any

from casebook.reports.report import TIMING_WINDOWS, PatternReport, PermutationTest, Timing
from casebook.reports.tables import ONE_WAY_COLUMN, CountTable

JSON_SCHEMA = "casebook.pattern-report/1"
CSV_HEADER = ("table", "row_dimension", "row", "column_dimension", "column", "value", "withheld")
TOTAL = "total"
"""The row or column key of a margin in the CSV."""
FIGURE_DIMENSION = "measure"
FIGURE_COLUMN = "value"
OVERVIEW_COUNTS = ("incidents", "incidents_dated_to_the_day", "people", "groups", "activities")
TEST_FIGURES = ("window_days", "observed", "expected", "permutations", "seed", "p_value")

Row = tuple[str, str, str, str, str, str, str]
Number = int | float | None


def render_csv(report: PatternReport) -> str:
    """Every count table with its margins, then the overview, timing and release figures, one
    value a line, under CSV_HEADER."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    writer.writerows(_csv_rows(report))
    return out.getvalue()


def render_json(report: PatternReport) -> str:
    return json.dumps(report_document(report), ensure_ascii=False, indent=2) + "\n"


def report_document(report: PatternReport) -> dict[str, Any]:
    """The JSON document of `report` as Python values."""
    request = report.request
    document: dict[str, Any] = {
        "schema": JSON_SCHEMA,
        "generated_at": report.generated_at.isoformat(),
        "disclosed": report.disclosed,
        "epsilon_spent": report.epsilon_spent,
        "request": {
            "group_id": None
            if report.disclosed or request.group_id is None
            else str(request.group_id),
            "since": _iso(request.since),
            "until": _iso(request.until),
            "epsilon": request.epsilon,
        },
        "overview": {
            **{name: getattr(report.overview, name) for name in OVERVIEW_COUNTS},
            "first_month": report.overview.first_month,
            "last_month": report.overview.last_month,
        },
        "tables": {name: table_document(table) for name, table in sorted(report.tables.items())},
        "timing": _timing_document(report.timing),
    }
    if not report.disclosed:
        document["group_names"] = dict(report.group_names)
        document["escalation"] = [
            {
                "person_id": str(person.person_id),
                "alias": person.alias,
                "first_reached": {
                    stage: reached.isoformat() for stage, reached in person.first_reached.items()
                },
                "incidents": person.incidents,
            }
            for person in report.escalation
        ]
        document["groups"] = [
            {
                "group_id": str(group.group_id),
                "name": group.name,
                "activities": [
                    {
                        "occurred_on": line.occurred_on.isoformat(),
                        "kind": line.kind,
                        "title": line.title,
                    }
                    for line in group.activities
                ],
            }
            for group in report.groups
        ]
    return document


def table_document(table: CountTable) -> dict[str, Any]:
    return {
        "row_dimension": table.row_dimension,
        "column_dimension": table.column_dimension,
        "rows": list(table.rows),
        "columns": list(table.columns),
        "cells": [list(row) for row in table.cells],
        "row_totals": list(table.row_totals),
        "column_totals": list(table.column_totals),
        "total": table.total,
    }


def _timing_document(timing: Timing) -> dict[str, Any]:
    test = timing.test
    return {
        "incidents": timing.incidents,
        "gaps": table_document(timing.gaps),
        "shares": {str(days): timing.shares.get(days) for days in TIMING_WINDOWS},
        "median_gap_days": timing.median_gap,
        "test": None
        if test is None
        else {
            **{name: getattr(test, name) for name in TEST_FIGURES},
            "window_start": test.window_start.isoformat(),
            "window_end": test.window_end.isoformat(),
        },
        "test_withheld_reason": timing.test_withheld_reason,
    }


def _iso(value: Any) -> str | None:
    return None if value is None else str(value.isoformat())


def _csv_rows(report: PatternReport) -> Iterator[Row]:
    for table in (*(report.tables[name] for name in sorted(report.tables)), report.timing.gaps):
        yield from _table_rows(table)
    overview = report.overview
    for name in OVERVIEW_COUNTS:
        yield _figure("overview", name, getattr(overview, name), withheld=True)
    yield from _timing_rows(report.timing, report.disclosed)
    yield _figure("release", "epsilon_spent", report.epsilon_spent, withheld=False)


def _table_rows(table: CountTable) -> Iterator[Row]:
    """Cells, then row totals, column totals and the grand total (a one-way table's row totals
    are its cells, so it has the grand total only)."""
    column_dimension = table.column_dimension or ""

    def row(row_key: str, column_key: str, value: int | None) -> Row:
        return (
            table.name,
            table.row_dimension,
            row_key,
            column_dimension,
            column_key,
            *_value(value, withheld=True),
        )

    for row_key, cells in zip(table.rows, table.cells, strict=True):
        for column_key, value in zip(table.columns, cells, strict=True):
            yield row(row_key, column_key, value)
    if table.one_way:
        yield row(TOTAL, ONE_WAY_COLUMN, table.total)
        return
    for row_key, value in zip(table.rows, table.row_totals, strict=True):
        yield row(row_key, TOTAL, value)
    for column_key, value in zip(table.columns, table.column_totals, strict=True):
        yield row(TOTAL, column_key, value)
    yield row(TOTAL, TOTAL, table.total)


def _timing_rows(timing: Timing, disclosed: bool) -> Iterator[Row]:
    """A missing share or median is withheld in a disclosed report; in another, there was
    nothing to measure it on."""
    yield _figure("timing", "incidents", timing.incidents, withheld=True)
    for days in TIMING_WINDOWS:
        yield _figure("timing", f"share_within_{days}", timing.shares.get(days), withheld=disclosed)
    yield _figure("timing", "median_gap_days", timing.median_gap, withheld=disclosed)
    yield from _test_rows(timing.test, withheld=timing.test_withheld_reason is not None)


def _test_rows(test: PermutationTest | None, *, withheld: bool) -> Iterator[Row]:
    for name in TEST_FIGURES:
        value = None if test is None else getattr(test, name)
        yield _figure("permutation_test", name, value, withheld=withheld)


def _figure(table: str, name: str, value: Number, *, withheld: bool) -> Row:
    """A single figure; `withheld` says what a missing value means."""
    return (table, FIGURE_DIMENSION, name, "", FIGURE_COLUMN, *_value(value, withheld=withheld))


def _value(value: Number, *, withheld: bool) -> tuple[str, str]:
    if value is None:
        return "", "true" if withheld else "false"
    return repr(value), "false"
