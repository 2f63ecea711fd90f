"""Pattern reports built by hand, as the report service would build them: a scoped one (an
organizer's two groups, with escalation and protected activities) and a disclosed one (a
researcher's release, with withheld cells and noisy counts)."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, date, datetime

from casebook.reports.report import (
    GAP_BUCKETS,
    STAGES,
    TIMING_WINDOWS,
    ActivityLine,
    GroupSection,
    Overview,
    PatternReport,
    PermutationTest,
    PersonEscalation,
    ReportRequest,
    Timing,
)
from casebook.reports.tables import CountTable, count_table

TENANTS = uuid.UUID("6f1c2a4e-8d1b-4c55-9a3e-1f2b3c4d5e6f")
RESPONSE = uuid.UUID("0a9b8c7d-6e5f-4a3b-8c2d-1e0f9a8b7c6d")
GROUP_NAMES = {str(TENANTS): "Southside Tenants Union", str(RESPONSE): "Rapid Response Network"}
MONTHS = tuple(f"2025-{month:02d}" for month in range(1, 13))
TACTICS = ("physical-following", "photographing-or-filming", "arrest-at-home", "notice-to-appear")
AGENCIES = ("ice-ero", "local-police-287g", "unknown")
REGIONS = ("Cook County", "Lake County", "Will County")
GENERATED_AT = datetime(2026, 1, 15, 9, 30, tzinfo=UTC)

_TENANT_MONTHS = (2, 1, 0, 4, 6, 3, 0, 1, 5, 2, 0, 3)
_RESPONSE_MONTHS = (0, 1, 1, 0, 2, 7, 4, 1, 0, 0, 1, 2)
_TENANT_ACTIVITY_MONTHS = (0, 0, 1, 1, 0, 0, 0, 1, 0, 0, 0, 1)
_RESPONSE_ACTIVITY_MONTHS = (0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0)


def scoped_report() -> PatternReport:
    """An organizer's report over their two groups in 2025: 46 incidents."""
    groups = (str(TENANTS), str(RESPONSE))
    tables = (
        count_table(
            "tactics_by_group",
            "tactic",
            TACTICS,
            _grid(TACTICS, groups, ((12, 5), (9, 7), (4, 3), (2, 4))),
            column_dimension="group",
            columns=groups,
        ),
        count_table(
            "agencies_by_group",
            "agency",
            AGENCIES,
            _grid(AGENCIES, groups, ((19, 12), (6, 4), (2, 3))),
            column_dimension="group",
            columns=groups,
        ),
        count_table(
            "incidents_by_group_month",
            "group",
            groups,
            _grid(groups, MONTHS, (_TENANT_MONTHS, _RESPONSE_MONTHS)),
            column_dimension="month",
            columns=MONTHS,
        ),
        count_table(
            "activities_by_group_month",
            "group",
            groups,
            _grid(groups, MONTHS, (_TENANT_ACTIVITY_MONTHS, _RESPONSE_ACTIVITY_MONTHS)),
            column_dimension="month",
            columns=MONTHS,
        ),
        count_table("incidents_by_region", "region", REGIONS, _counts(REGIONS, (31, 15, 0))),
        count_table("people_by_furthest_stage", "stage", STAGES, _counts(STAGES, (9, 4, 2, 1, 1))),
    )
    return PatternReport(
        request=ReportRequest(since=date(2025, 1, 1), until=date(2025, 12, 31)),
        generated_at=GENERATED_AT,
        disclosed=False,
        overview=Overview(
            incidents=46,
            incidents_dated_to_the_day=44,
            people=17,
            groups=2,
            activities=6,
            first_month="2025-01",
            last_month="2025-12",
        ),
        tables={table.name: table for table in tables},
        timing=Timing(
            incidents=44,
            gaps=count_table(
                "gaps", "gap", GAP_BUCKETS, _counts(GAP_BUCKETS, (13, 9, 8, 5, 2, 0, 7))
            ),
            shares={7: 13 / 44, 30: 22 / 44, 90: 30 / 44},
            median_gap=24,
            test=PermutationTest(
                window_days=30,
                observed=22,
                expected=11.4,
                permutations=2000,
                seed=20250101,
                p_value=0.0035,
                window_start=date(2025, 1, 1),
                window_end=date(2025, 12, 31),
            ),
        ),
        escalation=(
            _person("Rosa M.", 6, surveillance=date(2025, 2, 3), arrest=date(2025, 5, 20)),
            _person(
                "El Güero",
                4,
                surveillance=date(2025, 4, 11),
                contact=date(2025, 5, 2),
                arrest=date(2025, 6, 9),
                detention=date(2025, 6, 10),
                proceedings=date(2025, 7, 1),
            ),
            _person("J. <Doe> & Co", 1, contact=date(2025, 9, 14)),
        ),
        groups=(
            GroupSection(
                TENANTS,
                GROUP_NAMES[str(TENANTS)],
                (
                    ActivityLine(date(2025, 3, 8), "protest", "Rent strike rally at City Hall"),
                    ActivityLine(date(2025, 4, 2), "press", "Interview on Radio Arte"),
                    ActivityLine(date(2025, 8, 19), "petition-or-testimony", "Zoning testimony"),
                    ActivityLine(date(2025, 12, 1), "organizing", "Know-your-rights training"),
                ),
            ),
            GroupSection(
                RESPONSE,
                GROUP_NAMES[str(RESPONSE)],
                (
                    ActivityLine(date(2025, 5, 30), "documenting-enforcement", "Filmed a raid"),
                    ActivityLine(date(2025, 6, 4), "litigation-or-foia", "FOIA request to ICE"),
                ),
            ),
        ),
        group_names=GROUP_NAMES,
    )


def disclosed_report() -> PatternReport:
    """A researcher's release by region and month, small counts withheld, noise at epsilon 1."""
    tactics = _withhold(
        count_table(
            "tactics_by_region",
            "tactic",
            TACTICS,
            _grid(TACTICS, REGIONS, ((41, 23, 12), (37, 4, 19), (15, 0, 6), (22, 14, 0))),
            column_dimension="region",
            columns=REGIONS,
        ),
        {(1, 1), (1, 2), (2, 0), (2, 2), (3, 0), (3, 1)},
        column_totals={1},
        row_totals={1, 2, 3},
    )
    agencies = count_table(
        "agencies_by_region",
        "agency",
        AGENCIES,
        _grid(AGENCIES, REGIONS, ((64, 31, 22), (27, 0, 12), (13, 11, 0))),
        column_dimension="region",
        columns=REGIONS,
    )
    months = _withhold(
        count_table(
            "incidents_by_region_month",
            "region",
            REGIONS,
            _grid(REGIONS, MONTHS[:6], ((14, 22, 18, 0, 25, 21), (12, 0, 15, 0, 11, 3), (0,) * 6)),
            column_dimension="month",
            columns=MONTHS[:6],
        ),
        {(1, 5), (0, 5)},
        column_totals={5},
        row_totals={0, 1},
    )
    tables = (
        tactics,
        agencies,
        months,
        count_table(
            "activities_by_month", "month", MONTHS[:6], _counts(MONTHS[:6], (0, 12, 0, 0, 14, 0))
        ),
        _withhold(
            count_table(
                "people_by_furthest_stage", "stage", STAGES, _counts(STAGES, (61, 24, 15, 3, 2))
            ),
            {(3, 0), (4, 0)},
            column_totals=set(),
            row_totals={3, 4},
        ),
    )
    return PatternReport(
        request=ReportRequest(since=date(2025, 1, 1), until=date(2025, 6, 30), epsilon=1.0),
        generated_at=GENERATED_AT,
        disclosed=True,
        overview=Overview(
            incidents=141,
            incidents_dated_to_the_day=128,
            people=105,
            groups=None,
            activities=26,
            first_month="2025-01",
            last_month="2025-06",
        ),
        tables={table.name: table for table in tables},
        timing=Timing(
            incidents=128,
            gaps=_withhold(
                count_table(
                    "gaps", "gap", GAP_BUCKETS, _counts(GAP_BUCKETS, (31, 28, 22, 12, 4, 0, 31))
                ),
                {(4, 0), (3, 0)},
                column_totals=set(),
                row_totals={3, 4},
            ),
            shares={7: 0.24, 30: None, 90: 0.63},
            median_gap=None,
            test=None,
            test_withheld_reason=(
                "a release with noise gives no statistic computed from exact counts"
            ),
        ),
        epsilon_spent=1.0,
        min_count=11,
    )


def empty_report() -> PatternReport:
    """An organizer's report over a period without incidents or activities."""
    tables = (
        count_table("tactics_by_group", "tactic", (), {}, column_dimension="group", columns=()),
        count_table("incidents_by_group_month", "group", (), {}, column_dimension="month"),
        count_table("people_by_furthest_stage", "stage", STAGES, {}),
    )
    return PatternReport(
        request=ReportRequest(since=date(2026, 1, 1)),
        generated_at=GENERATED_AT,
        disclosed=False,
        overview=Overview(0, 0, 0, 0, 0, None, None),
        tables={table.name: table for table in tables},
        timing=Timing(
            incidents=0,
            gaps=count_table("gaps", "gap", GAP_BUCKETS, {}),
            shares=dict.fromkeys(TIMING_WINDOWS),
            median_gap=None,
            test=None,
        ),
    )


def _grid(
    rows: tuple[str, ...], columns: tuple[str, ...], values: tuple[tuple[int, ...], ...]
) -> dict[tuple[str, str], int]:
    return {
        (row, column): value
        for row, line in zip(rows, values, strict=True)
        for column, value in zip(columns, line, strict=True)
    }


def _counts(keys: tuple[str, ...], values: tuple[int, ...]) -> dict[str, int]:
    return dict(zip(keys, values, strict=True))


def _withhold(
    table: CountTable,
    cells: set[tuple[int, int]],
    *,
    column_totals: set[int],
    row_totals: set[int],
) -> CountTable:
    """`table` with the cells at (row index, column index) and the listed margins withheld."""
    return replace(
        table,
        cells=tuple(
            tuple(None if (i, j) in cells else value for j, value in enumerate(row))
            for i, row in enumerate(table.cells)
        ),
        column_totals=tuple(
            None if j in column_totals else value for j, value in enumerate(table.column_totals)
        ),
        row_totals=tuple(
            None if i in row_totals else value for i, value in enumerate(table.row_totals)
        ),
    )


def _person(alias: str, incidents: int, **first_reached: date) -> PersonEscalation:
    return PersonEscalation(
        person_id=uuid.uuid5(TENANTS, alias),
        alias=alias,
        first_reached=first_reached,
        incidents=incidents,
    )
