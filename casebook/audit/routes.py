"""HTTP routes for reading and verifying the audit log."""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from typing import Annotated, Any

from litestar import get
from litestar.params import QueryParameter

from casebook.audit import service
from casebook.audit.models import AuditEvent
from casebook.http.dependencies import CurrentActor, Db
from casebook.http.schemas import Output, PageSize


class AuditEventOut(Output, kw_only=True):
    seq: int
    occurred_at: datetime
    actor_id: uuid.UUID | None
    action: str
    outcome: str
    target_type: str | None
    target_id: str | None
    details: dict[str, Any]
    hash: str

    @classmethod
    def of(cls, event: AuditEvent) -> AuditEventOut:
        return cls(
            seq=event.seq,
            occurred_at=event.occurred_at,
            actor_id=event.actor_id,
            action=event.action,
            outcome=event.outcome,
            target_type=event.target_type,
            target_id=event.target_id,
            details=json.loads(event.details),
            hash=event.hash,
        )


class AuditPage(Output, kw_only=True):
    items: list[AuditEventOut]
    next_before: int | None


class ChainReportOut(Output, kw_only=True):
    intact: bool
    checked: int
    broken_seq: int | None
    message: str


Before = Annotated[int | None, QueryParameter(ge=1, description="next_before of the previous page")]


@get("/api/v1/audit", tags=["audit"], opt={"permission": "audit.read"})
async def list_audit_events(
    db: Db, actor: CurrentActor, before: Before = None, limit: PageSize = 50
) -> AuditPage:
    events = await service.list_events(db, actor, before=before, limit=limit)
    more = len(events) == limit and events[-1].seq > 1
    return AuditPage(
        items=[AuditEventOut.of(e) for e in events],
        next_before=events[-1].seq if more else None,
    )


@get("/api/v1/audit/verify", tags=["audit"], opt={"permission": "audit.read"})
async def verify_audit_chain(db: Db, actor: CurrentActor) -> ChainReportOut:
    report = await service.check_chain(db, actor)
    return ChainReportOut(
        intact=report.intact,
        checked=report.checked,
        broken_seq=report.broken_seq,
        message=report.describe(),
    )


ROUTES = [list_audit_events, verify_audit_chain]
