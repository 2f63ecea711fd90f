"""Notes on a claim: the attorneys' working notes, seen by the attorneys on the claim only."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from casebook.access.actor import Actor
from casebook.audit.log import record
from casebook.claims.access import load_claim
from casebook.claims.models import ClaimNote
from casebook.errors import ValidationFailed


async def list_notes(session: AsyncSession, actor: Actor, claim_id: uuid.UUID) -> list[ClaimNote]:
    await load_claim(session, actor, claim_id)
    notes = await session.scalars(
        select(ClaimNote)
        .where(ClaimNote.claim_id == claim_id)
        .order_by(ClaimNote.created_at, ClaimNote.id)
    )
    return list(notes)


async def add_note(
    session: AsyncSession, actor: Actor, claim_id: uuid.UUID, body: str
) -> ClaimNote:
    await load_claim(session, actor, claim_id)
    if not body.strip():
        raise ValidationFailed.single("body", "cannot be blank")
    note = ClaimNote(claim_id=claim_id, author_id=actor.user_id, body=body.strip())
    session.add(note)
    await session.flush()
    await record(
        session,
        actor_id=actor.user_id,
        action="claim.note",
        target_type="claim",
        target_id=claim_id,
    )
    return note
