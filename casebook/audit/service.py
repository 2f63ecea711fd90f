"""Reading the audit log: for admins, and itself audited."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from casebook.access.actor import Actor
from casebook.audit.log import record
from casebook.audit.models import AuditEvent
from casebook.audit.verify import ChainReport, verify_chain


async def list_events(
    session: AsyncSession, actor: Actor, *, before: int | None, limit: int
) -> list[AuditEvent]:
    """The newest entries first; `before` is the number of the last entry already seen."""
    query = select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(limit)
    if before is not None:
        query = query.where(AuditEvent.seq < before)
    events = list(await session.scalars(query))
    await record(
        session, actor_id=actor.user_id, action="audit.list", details={"count": len(events)}
    )
    return events


async def check_chain(session: AsyncSession, actor: Actor) -> ChainReport:
    report = await verify_chain(session)
    await record(
        session,
        actor_id=actor.user_id,
        action="audit.verify",
        outcome="ok" if report.intact else "failed",
        details={"checked": report.checked, "broken_seq": report.broken_seq},
    )
    return report
