"""Synthetic demo data: fictional groups, people, protected activities and incidents, the same
for the same seed.

`seed_demo` fills a database through the application's runtime, with demo accounts; `seed_bulk`
loads millions of incidents fast for benchmarks. Both draw on one generator."""

from casebook.demo.bulk import BulkConflict, BulkSummary, seed_bulk, sync_url
from casebook.demo.seed import (
    DEMO_PASSWORD,
    DemoConflict,
    DemoSummary,
    has_records,
    plan_accounts,
    seed_demo,
)

__all__ = [
    "DEMO_PASSWORD",
    "BulkConflict",
    "BulkSummary",
    "DemoConflict",
    "DemoSummary",
    "has_records",
    "plan_accounts",
    "seed_bulk",
    "seed_demo",
    "sync_url",
]
