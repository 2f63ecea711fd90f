"""Benchmark: the pattern report over a large SQLite database, against the bare SQL it runs.

    python bench/pattern_report.py [--incidents 1000000] [--runs 3] [--data-dir DIR]

Migrates a fresh SQLite database in a temporary data directory and bulk-loads demo incidents
(casebook.demo.seed_bulk), then, in one process and one run:

1. builds the report through the service (`casebook.reports.service.pattern_report`) and renders
   it as JSON, as an organizer of every demo group (the exact report) and as a researcher (the
   release under the disclosure policy), recording every SELECT the report sends;
2. replays exactly those SELECTs on a plain sqlite3 connection, fetching every row and doing
   nothing else: the bare SQL aggregations the report needs.

It prints both times (the best of --runs) and their ratio against the targets: the report
under 10 s, and within 3 times the bare SQL. It is a measurement: the exit status is 0 whatever
the verdicts (1 only if the benchmark itself could not run).

--data-dir DIR keeps the data in DIR; if DIR already holds a loaded database, loading is
skipped. Needs Casebook installed (scripts/test, or pip install -e .)."""

from __future__ import annotations

import argparse
import asyncio
import secrets
import sqlite3
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from demo_database import add_data_options, bench_data, load_average, load_demo
from demo_database import group_ids as demo_group_ids
from sqlalchemy import event

from casebook.access.actor import Actor, load_actor
from casebook.accounts.service import create_user
from casebook.config import Settings
from casebook.db import SQLITE_PRAGMAS, transaction
from casebook.groups.models import Membership
from casebook.reports import exports
from casebook.reports.report import ReportRequest
from casebook.reports.service import pattern_report
from casebook.runtime import Runtime

TARGET_SECONDS = 10.0
TARGET_RATIO = 3.0


@dataclass
class Measurement:
    who: str
    report_seconds: list[float] = field(default_factory=list)
    sql_seconds: list[float] = field(default_factory=list)
    statements: list[tuple[str, Any]] = field(default_factory=list)
    statement_seconds: list[float] = field(default_factory=list)
    """Per statement, the best of --runs bare SQL times."""
    statement_rows: list[int] = field(default_factory=list)
    incidents: int | None = None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_data_options(parser)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--per-select", action="store_true", help="also print each SELECT's bare SQL time"
    )
    args = parser.parse_args()
    with bench_data(args) as data:
        load_demo(data.settings, data.database, args.incidents, args.seed)
        group_ids = demo_group_ids(data.database)
        measurements = asyncio.run(_measure(data.settings, group_ids, args.runs))
        for measurement in measurements:
            _replay(data.database, measurement, args.runs)
    _print(measurements)
    if args.per_select:
        _print_statements(measurements)
    return 0


async def _measure(settings: Settings, group_ids: list[uuid.UUID], runs: int) -> list[Measurement]:
    runtime = Runtime.start(settings)
    try:
        organizer = await _actor(runtime, "organizer", group_ids)
        researcher = await _actor(runtime, "researcher", [])
        measurements = []
        for who, actor in (("organizer of every group", organizer), ("researcher", researcher)):
            measurement = Measurement(who)
            for run in range(runs):
                with _recording(runtime, measurement if run == 0 else None):
                    started = time.perf_counter()
                    async with transaction(runtime.sessions) as session:
                        report = await pattern_report(
                            session, runtime, actor, ReportRequest(), "json"
                        )
                    exports.render_json(report)
                    measurement.report_seconds.append(time.perf_counter() - started)
                measurement.incidents = report.overview.incidents
                print(f"  {who}: report {measurement.report_seconds[-1]:.2f} s", flush=True)
            measurements.append(measurement)
        return measurements
    finally:
        await runtime.close()


async def _actor(runtime: Runtime, role: str, group_ids: list[uuid.UUID]) -> Actor:
    """An account made through the services (an organizer belongs to every demo group)."""
    async with transaction(runtime.sessions) as session:
        user = await create_user(
            session,
            runtime,
            email=f"bench-{role}-{secrets.token_hex(4)}@demo.casebook.invalid",
            display_name=f"Benchmark {role}",
            role=role,
            password=secrets.token_urlsafe(24),
        )
        for group_id in group_ids:
            session.add(Membership(group_id=group_id, user_id=user.id, role="member"))
        await session.flush()
        return await load_actor(session, user, runtime.policies)


@contextmanager
def _recording(runtime: Runtime, measurement: Measurement | None) -> Iterator[None]:
    """Record the SELECTs sent while the block runs, with their parameters."""
    engine = runtime.engine.sync_engine

    def remember(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if measurement is not None and statement.lstrip().upper().startswith(("SELECT", "WITH")):
            measurement.statements.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", remember)
    try:
        yield
    finally:
        event.remove(engine, "before_cursor_execute", remember)


def _replay(database: Path, measurement: Measurement, runs: int) -> None:
    """The report's SELECTs on a plain sqlite3 connection (with the pragmas Casebook sets on
    its own): every row fetched, nothing else."""
    connection = sqlite3.connect(database)
    for pragma in SQLITE_PRAGMAS:
        connection.execute(f"PRAGMA {pragma}")
    count = len(measurement.statements)
    measurement.statement_seconds = [float("inf")] * count
    measurement.statement_rows = [0] * count
    try:
        for _ in range(runs):
            started = time.perf_counter()
            for index, (statement, parameters) in enumerate(measurement.statements):
                before = time.perf_counter()
                rows = connection.execute(statement, parameters).fetchall()
                seconds = time.perf_counter() - before
                measurement.statement_seconds[index] = min(
                    measurement.statement_seconds[index], seconds
                )
                measurement.statement_rows[index] = len(rows)
            measurement.sql_seconds.append(time.perf_counter() - started)
    finally:
        connection.close()


def _print(measurements: list[Measurement]) -> None:
    print()
    print(
        f"{'report for':28} {'incidents':>10} {'SELECTs':>8} {'bare SQL':>9} {'report':>8} "
        f"{'ratio':>6}"
    )
    verdicts = []
    for m in measurements:
        sql, report = min(m.sql_seconds), min(m.report_seconds)
        ratio = report / sql
        print(
            f"{m.who:28} {m.incidents or 0:>10,} {len(m.statements):>8} {sql:>8.2f}s "
            f"{report:>7.2f}s {ratio:>6.2f}"
        )
        verdicts.append((f"{m.who}: report time", report, TARGET_SECONDS, "s"))
        verdicts.append((f"{m.who}: report / bare SQL", ratio, TARGET_RATIO, "x"))
    print(f"\nload average: {load_average()}\n")
    for name, value, target, unit in verdicts:
        verdict = "PASS" if value < target else "FAIL"
        print(f"{verdict}  {name}: {value:.2f} {unit} (target < {target:g} {unit})")


def _print_statements(measurements: list[Measurement]) -> None:
    """Each SELECT's bare SQL time (best of --runs), rows fetched and opening words."""
    for m in measurements:
        print(f"\n{m.who}: bare SQL per SELECT")
        for statement, seconds, rows in zip(
            m.statements, m.statement_seconds, m.statement_rows, strict=True
        ):
            text = " ".join(statement[0].split())
            print(f"  {seconds:6.2f}s {rows:>9,} rows  {text[:110]}")


if __name__ == "__main__":
    sys.exit(main())
