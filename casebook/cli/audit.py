"""`casebook audit`: check the audit log's hash chain."""

from __future__ import annotations

import click

from casebook.audit.verify import ChainReport, verify_chain
from casebook.cli.context import run
from casebook.runtime import Runtime


@click.group()
def audit() -> None:
    """Check the audit log (server side)."""


@audit.command("verify")
def verify() -> None:
    """Check that no audit log entry was altered, removed or reordered.

    Prints how many entries were verified and exits 0, or names the first entry that does
    not fit and exits 1, so it can run from cron or monitoring. A hash chain alone cannot show
    that the newest entries were cut off: note the count from time to time somewhere off the
    server and compare.
    """

    async def work(runtime: Runtime) -> ChainReport:
        async with runtime.sessions() as session:
            return await verify_chain(session)

    report = run(work)
    click.echo(report.describe())
    if not report.intact:
        raise SystemExit(1)
