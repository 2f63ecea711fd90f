"""A SQLite database of bulk-loaded demo data for the benchmarks, and what they print about it."""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, select

from casebook.config import REPO_ROOT, Settings
from casebook.demo import seed_bulk
from casebook.groups.models import Group


def add_data_options(parser: argparse.ArgumentParser) -> None:
    """The options every benchmark over bulk-loaded demo data takes."""
    parser.add_argument("--incidents", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keep", action="store_true", help="keep the data directory")
    parser.add_argument("--data-dir", type=Path, help="use (and keep) this data directory")


@dataclass(frozen=True)
class BenchData:
    settings: Settings
    database: Path
    kept: bool


@contextmanager
def bench_data(args: argparse.Namespace) -> Iterator[BenchData]:
    """A data directory (--data-dir, or a temporary one removed afterwards unless --keep) whose
    SQLite database holds the demo data."""
    data_dir = args.data_dir or Path(tempfile.mkdtemp(prefix="casebook-bench-"))
    data_dir.mkdir(parents=True, exist_ok=True)
    database = data_dir / "casebook.sqlite3"
    settings = Settings(
        data_dir=data_dir,
        database_url=f"sqlite+aiosqlite:///{database}",
        secret_key_hex=secrets.token_hex(32),
    )
    kept = bool(args.keep or args.data_dir)
    print(f"data directory: {data_dir}")
    print(f"load average:   {load_average()}")
    try:
        yield BenchData(settings, database, kept)
    finally:
        if kept:
            print(f"kept: {data_dir}")
        else:
            shutil.rmtree(data_dir, ignore_errors=True)


def load_demo(settings: Settings, database: Path, incidents: int, seed: int) -> float | None:
    """Migrate `database` and bulk-load `incidents` demo incidents into it; the seconds the load
    took, or None when the database was there already (loading skipped)."""
    if database.exists():
        print("database exists: loading skipped")
        print_size(database)
        return None
    config = Config(str(REPO_ROOT / "alembic.ini"))
    config.attributes["database_url"] = settings.database_url
    config.attributes["configure_logger"] = False
    command.upgrade(config, "head")
    started = time.perf_counter()

    def progress(done: int) -> None:
        elapsed = time.perf_counter() - started
        print(f"  {done:>9,} incidents  {elapsed:6.1f} s", flush=True)

    summary = seed_bulk(settings.database_url, incidents=incidents, seed=seed, progress=progress)
    seconds = time.perf_counter() - started
    print(
        f"loaded {summary.incidents:,} incidents ({summary.rows:,} rows in all tables) "
        f"in {seconds:.1f} s: {summary.incidents / seconds:,.0f} incidents/s, "
        f"{summary.rows / seconds:,.0f} rows/s"
    )
    print_size(database)
    return seconds


def print_size(database: Path) -> None:
    sizes = {p.name: p.stat().st_size for p in database.parent.glob(database.name + "*")}
    total = sum(sizes.values())
    print(f"SQLite size: {total / 2**20:,.0f} MiB ({', '.join(sorted(sizes))})")


def group_ids(database: Path) -> list[uuid.UUID]:
    engine = create_engine(f"sqlite:///{database}")
    with engine.connect() as connection:
        ids = list(connection.scalars(select(Group.id).order_by(Group.name)))
    engine.dispose()
    return ids


def load_average() -> str:
    try:
        return " ".join(f"{v:.2f}" for v in os.getloadavg())
    except OSError:
        return "unknown"
