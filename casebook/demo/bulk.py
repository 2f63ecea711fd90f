"""Loading a large amount of demo data fast, for benchmarks: a sync engine and SQLAlchemy Core
`insert()` executemany in large batches, fed by the same generator as the demo seeder.

On SQLite a large load runs in two processes: a producer process generates incidents and turns
them into rows ready for the driver, while this process only runs the inserts. On a 2-core
machine that roughly halves the time, since generating and inserting cost about the same."""

from __future__ import annotations

import gc
import operator
import os
import pickle
import subprocess
import sys
import uuid
from collections.abc import Callable, Generator
from contextlib import closing
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Table, create_engine, event, func, insert, select
from sqlalchemy.engine import Dialect, make_url

from casebook.audit.log import append
from casebook.db import Base
from casebook.demo.generate import (
    GROUPS,
    RowSet,
    batched,
    build_world,
    end_date,
    generate_incidents,
    incident_rows,
    world_rows,
)
from casebook.groups.models import Group

BATCH_SIZE = 50_000
# Each commit writes every index page the batches touched to the WAL, and random ids touch most
# of them: committing less often saved a quarter of the load's CPU time at a million incidents.
COMMIT_EVERY = 250_000
# Below this many incidents a producer process costs more (start-up, imports) than it saves.
PRODUCER_THRESHOLD = 100_000
# Only for the load: durability is traded for speed (a crash mid-load means loading again).
BULK_PRAGMAS = (
    "foreign_keys=ON",
    "journal_mode=WAL",
    "synchronous=OFF",
    "cache_size=-2097152",  # 2 GiB: most of a million incidents' indexes stay in memory
    "temp_store=MEMORY",
)


class BulkConflict(Exception):
    """The database already holds the demo groups."""


class ProducerFailed(Exception):
    """The process generating incidents failed (its traceback went to stderr)."""


@dataclass(frozen=True)
class BulkSummary:
    groups: int
    people: int
    activities: int
    incidents: int
    rows: int
    """Rows inserted into all tables together."""
    group_ids: tuple[uuid.UUID, ...]


def sync_url(database_url: str) -> str:
    """The sync-driver twin of an application URL: sqlite3 for SQLite, psycopg for
    PostgreSQL."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        url = url.set(drivername="sqlite")
    elif url.get_backend_name() == "postgresql":
        url = url.set(drivername="postgresql+psycopg")
    return url.render_as_string(hide_password=False)


def seed_bulk(
    database_url: str,
    *,
    incidents: int,
    seed: int = 7,
    progress: Callable[[int], None] | None = None,
    batch_size: int = BATCH_SIZE,
    producer: bool | None = None,
) -> BulkSummary:
    """Insert the demo world (groups, people, protected activities) and `incidents` demo
    incidents with their link rows into a migrated database without the demo groups. No
    accounts are created; incidents have no author. A transaction per COMMIT_EVERY incidents,
    one audit entry at the end. `producer`: generate in a separate process (SQLite only; by
    default for loads of PRODUCER_THRESHOLD incidents or more)."""
    url = sync_url(database_url)
    end = end_date()
    world = build_world(seed, end)
    engine = create_engine(url)
    sqlite = engine.dialect.name == "sqlite"
    if sqlite:
        event.listen(engine, "connect", _bulk_pragmas)
    if producer is None:
        producer = sqlite and incidents >= PRODUCER_THRESHOLD
    writer = Writer(engine.dialect)
    rows = 0
    # Millions of short-lived tuples make the cyclic GC rescan the heap again and again; none of
    # them form cycles, so it is paused for the load.
    collecting = gc.isenabled()
    gc.disable()
    try:
        with engine.begin() as connection:
            existing = connection.scalar(
                select(func.count())
                .select_from(GROUPS)
                .where(Group.name.in_([g.name for g in world.groups]))
            )
            if existing:
                raise BulkConflict("this database already holds the demo groups")
            for row_set in world_rows(world):
                rows += writer.write(connection, writer.prepare(row_set))
        batches = (
            _from_producer(url, seed, end, incidents, batch_size)
            if producer and sqlite
            else prepared_batches(writer, seed, end, incidents, batch_size)
        )
        done = committed = 0
        with closing(batches), engine.connect() as connection:
            transaction = connection.begin()
            for count, prepared in batches:
                for statement in prepared:
                    rows += writer.write(connection, statement)
                done += count
                if done - committed >= COMMIT_EVERY:
                    transaction.commit()
                    transaction = connection.begin()
                    committed = done
                if progress is not None:
                    progress(done)
            transaction.commit()
        with engine.begin() as connection:
            append(
                connection,
                actor_id=None,
                action="demo.seed",
                details={
                    "mode": "bulk",
                    "seed": seed,
                    "groups": len(world.groups),
                    "people": len(world.people),
                    "activities": len(world.activities),
                    "incidents": incidents,
                },
            )
        if sqlite:
            with engine.connect() as connection:
                connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        engine.dispose()
        if collecting:
            gc.enable()
    return BulkSummary(
        groups=len(world.groups),
        people=len(world.people),
        activities=len(world.activities),
        incidents=incidents,
        rows=rows,
        group_ids=tuple(g.id for g in world.groups),
    )


# A table's rows ready to write: ("sql", statement, tuples for the driver) or, where the fast
# path does not apply, ("core", table name, dicts for a Core insert). Picklable on purpose.
Prepared = tuple[str, str, list[Any]]
Batch = tuple[int, list[Prepared]]


def prepared_batches(
    writer: Writer, seed: int, end: date, incidents: int, size: int
) -> Generator[Batch]:
    """Incidents generated, turned into rows and prepared for the driver, batch by batch."""
    world = build_world(seed, end)
    for batch in batched(generate_incidents(world, incidents), size):
        yield len(batch), [writer.prepare(row_set) for row_set in incident_rows(batch)]


def _from_producer(url: str, seed: int, end: date, incidents: int, size: int) -> Generator[Batch]:
    """The same batches as `prepared_batches`, made by `python -m casebook.demo.producer` and
    read from its stdout: it generates the next batch while this process inserts one."""
    package_root = str(Path(__file__).resolve().parents[2])
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(p for p in (package_root, os.environ.get("PYTHONPATH")) if p),
    }
    command = [
        sys.executable,
        "-m",
        "casebook.demo.producer",
        url,
        str(seed),
        end.isoformat(),
        str(incidents),
        str(size),
    ]
    with subprocess.Popen(command, stdout=subprocess.PIPE, env=env) as process:  # noqa: S603
        assert process.stdout is not None
        try:
            while True:
                try:
                    # Our own child process, started just now: its pickles are trusted.
                    item = pickle.load(process.stdout)  # noqa: S301
                except EOFError:
                    process.wait()
                    raise ProducerFailed(
                        f"the producer process exited with code {process.returncode}"
                    ) from None
                if item is None:
                    break
                yield item
        finally:
            if process.poll() is None:
                process.kill()


class _Memo(dict[object, object]):
    """A bind processor that converts each distinct value once (days, times, timestamps)."""

    def __init__(self, process: Callable[[Any], Any]) -> None:
        super().__init__()
        self.process = process

    def __missing__(self, value: object) -> object:
        converted = self[value] = self.process(value)
        return converted


@dataclass(frozen=True)
class _Plan:
    statement: str
    converters: list[_Memo | Callable[[Any], Any] | None]
    key: int


class Writer:
    """Writes row sets. On SQLite: the Core `insert()` compiled once per table, values converted
    column by column with the column types' own SQLAlchemy bind processors (so stored values
    are exactly what the application would write), rows sorted by primary key (far fewer
    scattered B-tree pages per batch), then one DBAPI executemany. That skips SQLAlchemy's
    per-row parameter handling, which costs about as much as SQLite's own work. Elsewhere, or
    if a table does not compile to plain positional parameters: ordinary Core executemany."""

    MEMO_LIMIT = 500_000

    def __init__(self, dialect: Dialect) -> None:
        self.dialect = dialect
        self.plans: dict[tuple[str, tuple[str, ...]], _Plan | None] = {}

    def prepare(self, row_set: RowSet) -> Prepared:
        plan = self._plan(row_set)
        if plan is None:
            return ("core", row_set.table.name, row_set.as_dicts())
        if not row_set.rows:
            return ("sql", plan.statement, [])
        columns = list(zip(*row_set.rows, strict=True))
        for index, convert in enumerate(plan.converters):
            if isinstance(convert, _Memo):
                if len(convert) > self.MEMO_LIMIT:
                    convert.clear()
                columns[index] = tuple(map(convert.__getitem__, columns[index]))
            elif convert is not None:
                columns[index] = tuple(map(convert, columns[index]))
        rows = list(zip(*columns, strict=True))
        rows.sort(key=operator.itemgetter(plan.key))
        return ("sql", plan.statement, rows)

    def write(self, connection: Connection, prepared: Prepared) -> int:
        kind, target, rows = prepared
        if not rows:
            return 0
        if kind == "sql":
            connection.exec_driver_sql(target, rows)
        else:
            table: Table = Base.metadata.tables[target]
            connection.execute(insert(table), rows)
        return len(rows)

    def _plan(self, row_set: RowSet) -> _Plan | None:
        signature = (row_set.table.name, row_set.columns)
        if signature not in self.plans:
            self.plans[signature] = None
            first_key = next(iter(row_set.table.primary_key.columns)).name
            if self.dialect.name == "sqlite" and first_key in row_set.columns:
                compiled = insert(row_set.table).compile(
                    dialect=self.dialect, column_keys=list(row_set.columns)
                )
                if compiled.positional and tuple(compiled.positiontup or ()) == row_set.columns:
                    converters: list[_Memo | Callable[[Any], Any] | None] = []
                    for name in row_set.columns:
                        column_type = row_set.table.c[name].type
                        process = column_type.dialect_impl(self.dialect).bind_processor(
                            self.dialect
                        )
                        # Ids are mostly distinct and hash slowly: convert them directly.
                        if process is not None and column_type.python_type is not uuid.UUID:
                            converters.append(_Memo(process))
                        else:
                            converters.append(process)
                    self.plans[signature] = _Plan(
                        str(compiled), converters, row_set.columns.index(first_key)
                    )
        return self.plans[signature]


def _bulk_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    for pragma in BULK_PRAGMAS:
        cursor.execute(f"PRAGMA {pragma}")
    cursor.close()
