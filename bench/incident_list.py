"""Benchmark: the incident list API over a large SQLite database, through a real server.

    python bench/incident_list.py [--incidents 1000000] [--requests 200] [--keep]

Migrates a fresh SQLite database in a temporary data directory, bulk-loads demo incidents
(casebook.demo.seed_bulk), creates an organizer of every demo group with an API token through
the account services, starts `uvicorn casebook.app:create_app --factory` in its own process,
then sends sequential, filtered `GET /api/v1/incidents?limit=50` requests (some following the
previous page's cursor) and reports latency against the targets. It is a measurement: the exit
status is 0 whatever the verdicts (1 only if the benchmark itself could not run).

--data-dir DIR keeps the data in DIR; if DIR already holds a loaded database, loading is skipped
(for re-running the requests, e.g. after a schema experiment). The server's output goes to
server.log in the data directory. Needs Casebook installed (scripts/test, or pip install -e .)."""

from __future__ import annotations

import argparse
import asyncio
import random
import secrets
import statistics
import sys
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import server_process
from demo_database import add_data_options, bench_data, load_average, load_demo
from demo_database import group_ids as demo_group_ids

from casebook.accounts.api_tokens import issue_token
from casebook.accounts.service import create_user
from casebook.config import Settings
from casebook.db import transaction
from casebook.demo.generate import end_date
from casebook.groups.models import Membership
from casebook.runtime import Runtime
from casebook.vocabulary import vocabularies

TARGET_MEDIAN_MS = 50.0
TARGET_P95_MS = 150.0
TARGET_SEED_SECONDS = 180.0
WARM_UP_REQUESTS = 10
PAGE = 50


@dataclass(frozen=True)
class Sample:
    kind: str
    milliseconds: float
    items: int


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_data_options(parser)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    with bench_data(args) as data:
        seconds = load_demo(data.settings, data.database, args.incidents, args.seed)
        group_ids = demo_group_ids(data.database)
        token = asyncio.run(_organizer_token(data.settings, group_ids))
        samples = _measure(data.settings, token, group_ids, args.requests, args.seed)
    _report(samples, seconds, data.database if data.kept else None)
    return 0


async def _organizer_token(settings: Settings, group_ids: list[uuid.UUID]) -> str:
    """An organizer of every demo group, made through the services, and an API token."""
    runtime = Runtime.start(settings)
    try:
        async with transaction(runtime.sessions) as session:
            user = await create_user(
                session,
                runtime,
                email=f"bench-{secrets.token_hex(4)}@demo.casebook.invalid",
                display_name="Benchmark organizer",
                role="organizer",
                password=secrets.token_urlsafe(24),
            )
            for group_id in group_ids:
                session.add(Membership(group_id=group_id, user_id=user.id, role="member"))
            _, token = await issue_token(session, user, "benchmark", runtime.policies.sessions)
        return token
    finally:
        await runtime.close()


def _measure(
    settings: Settings, token: str, group_ids: list[uuid.UUID], requests: int, seed: int
) -> list[Sample]:
    with server_process.running(settings, settings.data_dir / "server.log") as server:
        headers = {"Authorization": f"Bearer {token}"}
        with httpx.Client(base_url=server.url, headers=headers, timeout=60) as client:
            queries = _Queries(random.Random(seed), group_ids)
            print(f"warming up with {WARM_UP_REQUESTS} requests ...")
            for _ in range(WARM_UP_REQUESTS):
                _request(client, queries)
            print(f"measuring {requests} sequential requests ...")
            return [_request(client, queries) for _ in range(requests)]


class _Queries:
    """Realistic list requests: a group's recent incidents, by tactic, by agency, in a date
    window; a quarter of the requests fetch the next page of the previous one."""

    def __init__(self, rng: random.Random, group_ids: list[uuid.UUID]) -> None:
        self.rng = rng
        self.group_ids = [str(g) for g in group_ids]
        vocab = vocabularies()
        self.tactics = list(vocab["tactics"].ids())
        self.agencies = list(vocab["agencies"].ids())
        self.workflow = list(vocab["workflow_statuses"].ids())
        self.end = end_date()
        self.start = self.end - timedelta(days=5 * 365)
        self.next: tuple[str, dict[str, str]] | None = None

    def window(self, params: dict[str, str]) -> None:
        days = self.rng.choice((30, 90, 365))
        first = self.start + timedelta(days=self.rng.randrange((self.end - self.start).days))
        params["date_from"] = first.isoformat()
        params["date_to"] = min(first + timedelta(days=days), self.end).isoformat()

    def make(self) -> tuple[str, dict[str, str]]:
        if self.next is not None and self.rng.random() < 0.25:
            return self.next
        rng = self.rng
        kind = rng.choice(
            (
                "group",
                "group+tactic",
                "group+window",
                "group+tactic+window",
                "tactic",
                "agency+window",
                "all",
                "group+workflow",
            )
        )
        params = {"limit": str(PAGE)}
        if kind.startswith("group"):
            params["group_id"] = rng.choice(self.group_ids)
        if "tactic" in kind:
            params["tactic"] = rng.choice(self.tactics)
        if kind.startswith("agency"):
            params["agency"] = rng.choice(self.agencies)
        if "window" in kind:
            self.window(params)
        if "workflow" in kind:
            params["workflow_status"] = rng.choice(self.workflow)
        return kind, params

    def remember(self, kind: str, params: dict[str, str], body: dict[str, Any]) -> None:
        cursor = body.get("next_cursor")
        base_kind = kind.removesuffix(" (next page)")
        self.next = (f"{base_kind} (next page)", {**params, "cursor": cursor}) if cursor else None


def _request(client: httpx.Client, queries: _Queries) -> Sample:
    kind, params = queries.make()
    started = time.perf_counter()
    response = client.get("/api/v1/incidents", params=params)
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != 200:
        raise SystemExit(f"{response.status_code} for {params}: {response.text[:500]}")
    body = response.json()
    queries.remember(kind, params, body)
    return Sample(kind, elapsed, len(body["items"]))


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def _report(samples: list[Sample], seed_seconds: float | None, kept: Path | None) -> None:
    times = [s.milliseconds for s in samples]
    median, p95, worst = statistics.median(times), _percentile(times, 0.95), max(times)
    print()
    print(f"{'request kind':32} {'n':>4} {'median':>8} {'p95':>8} {'max':>8} {'items':>6}")
    by_kind: dict[str, list[Sample]] = defaultdict(list)
    for sample in samples:
        by_kind[sample.kind].append(sample)
    for kind, group in sorted(by_kind.items()):
        values = [s.milliseconds for s in group]
        print(
            f"{kind:32} {len(group):>4} {statistics.median(values):>7.1f}  "
            f"{_percentile(values, 0.95):>7.1f}  {max(values):>7.1f}  "
            f"{statistics.mean(s.items for s in group):>6.1f}"
        )
    print(f"{'all':32} {len(times):>4} {median:>7.1f}  {p95:>7.1f}  {worst:>7.1f}")
    print()
    if seed_seconds is not None:
        print(f"loading: {seed_seconds:.1f} s")
    print(f"latency: median {median:.1f} ms, p95 {p95:.1f} ms, max {worst:.1f} ms")
    print(f"load average: {load_average()}")
    print()
    verdicts = [
        ("median latency", median, TARGET_MEDIAN_MS, "ms"),
        ("p95 latency", p95, TARGET_P95_MS, "ms"),
    ]
    if seed_seconds is not None:
        verdicts.append(("loading time", seed_seconds, TARGET_SEED_SECONDS, "s"))
    for name, value, target, unit in verdicts:
        verdict = "PASS" if value < target else "FAIL"
        print(f"{verdict}  {name}: {value:.1f} {unit} (target < {target:.0f} {unit})")
    if kept is not None:
        print(f"\ndatabase kept at {kept}")


if __name__ == "__main__":
    sys.exit(main())
