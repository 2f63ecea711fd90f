"""Who may see a claim: the attorneys on it, and nobody else (not even an admin)."""

from __future__ import annotations

import uuid

from sqlalchemy import ColumnElement, exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from casebook.access.actor import Actor
from casebook.claims.models import Claim, claim_attorneys
from casebook.errors import NotFound


def on_claim(actor: Actor) -> ColumnElement[bool]:
    return exists(
        select(1).where(
            claim_attorneys.c.claim_id == Claim.id, claim_attorneys.c.user_id == actor.user_id
        )
    )


async def load_claim(
    session: AsyncSession, actor: Actor, claim_id: uuid.UUID, *, for_edit: bool = False
) -> Claim:
    """The claim if the actor is one of its attorneys, else NotFound. `for_edit` locks the row
    so that concurrent edits queue and the version check sees the latest version."""
    query = select(Claim).where(Claim.id == claim_id, on_claim(actor))
    claim = await session.scalar(query.with_for_update() if for_edit else query)
    if claim is None:
        raise NotFound("claim", claim_id)
    return claim
