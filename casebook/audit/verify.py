"""Walks the audit chain and names the first entry that does not fit."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from casebook.audit.log import GENESIS_HASH, hash_of
from casebook.audit.models import AuditEvent

BATCH = 5000


@dataclass(frozen=True)
class ChainReport:
    intact: bool
    checked: int
    broken_seq: int | None = None
    reason: str | None = None

    def describe(self) -> str:
        if self.intact:
            return f"audit log intact: {self.checked} entries verified"
        return f"audit log BROKEN at entry {self.broken_seq}: {self.reason}"


async def verify_chain(session: AsyncSession) -> ChainReport:
    expected_seq, prev_hash, checked = 1, GENESIS_HASH, 0
    while True:
        rows = (
            await session.scalars(
                select(AuditEvent)
                .where(AuditEvent.seq >= expected_seq)
                .order_by(AuditEvent.seq)
                .limit(BATCH)
            )
        ).all()
        if not rows:
            return ChainReport(True, checked)
        for event in rows:
            problem = _problem(event, expected_seq, prev_hash)
            if problem:
                return ChainReport(False, checked, event.seq, problem)
            expected_seq, prev_hash, checked = event.seq + 1, event.hash, checked + 1


def _problem(event: AuditEvent, expected_seq: int, prev_hash: str) -> str | None:
    if event.seq != expected_seq:
        return f"entries {expected_seq}..{event.seq - 1} are missing"
    if event.prev_hash != prev_hash:
        return "does not follow the entry before it (removed or reordered entries)"
    if hash_of(event) != event.hash:
        return "its content was modified after it was written"
    return None
