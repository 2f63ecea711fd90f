"""Appending to the audit log: each entry commits to the hash of the one before it."""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from casebook.audit.models import AuditEvent
from casebook.db import utcnow

GENESIS_HASH = "0" * 64
WRITER_LOCK = 7061626173
Details = Mapping[str, str | int | bool | list[str] | None]


def entry_hash(
    *,
    seq: int,
    occurred_at: datetime,
    actor_id: uuid.UUID | None,
    action: str,
    outcome: str,
    target_type: str | None,
    target_id: str | None,
    details: str,
    prev_hash: str,
) -> str:
    content = json.dumps(
        [
            seq,
            occurred_at.isoformat(timespec="microseconds"),
            None if actor_id is None else str(actor_id),
            action,
            outcome,
            target_type,
            target_id,
            details,
            prev_hash,
        ],
        separators=(",", ":"),
        ensure_ascii=True,
    )
    return hashlib.sha256(content.encode()).hexdigest()


def hash_of(event: AuditEvent) -> str:
    return entry_hash(
        seq=event.seq,
        occurred_at=event.occurred_at,
        actor_id=event.actor_id,
        action=event.action,
        outcome=event.outcome,
        target_type=event.target_type,
        target_id=event.target_id,
        details=event.details,
        prev_hash=event.prev_hash,
    )


def append(
    connection: Connection,
    *,
    actor_id: uuid.UUID | None,
    action: str,
    outcome: str = "ok",
    target_type: str | None = None,
    target_id: object = None,
    details: Details | None = None,
) -> int:
    """Append one entry within the connection's transaction and return its number. Details
    must never hold secrets or narratives: ids, counts, field names and vocabulary ids only."""
    if connection.dialect.name == "postgresql":
        # SQLite transactions already begin IMMEDIATE; PostgreSQL needs a lock so that two
        # transactions never chain onto the same head.
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": WRITER_LOCK})
    head = connection.execute(
        select(AuditEvent.seq, AuditEvent.hash).order_by(AuditEvent.seq.desc()).limit(1)
    ).first()
    seq, prev_hash = (head.seq + 1, head.hash) if head else (1, GENESIS_HASH)
    values: dict[str, Any] = {
        "seq": seq,
        "occurred_at": utcnow(),
        "actor_id": actor_id,
        "action": action,
        "outcome": outcome,
        "target_type": target_type,
        "target_id": None if target_id is None else str(target_id),
        "details": json.dumps(dict(details or {}), sort_keys=True, separators=(",", ":")),
        "prev_hash": prev_hash,
    }
    connection.execute(insert(AuditEvent), [{**values, "hash": entry_hash(**values)}])
    return seq


async def record(
    session: AsyncSession,
    *,
    actor_id: uuid.UUID | None,
    action: str,
    outcome: str = "ok",
    target_type: str | None = None,
    target_id: object = None,
    details: Details | None = None,
) -> int:
    """`append` within an async session's transaction."""
    return await session.run_sync(
        lambda sync_session: append(
            sync_session.connection(),
            actor_id=actor_id,
            action=action,
            outcome=outcome,
            target_type=target_type,
            target_id=target_id,
            details=details,
        )
    )
