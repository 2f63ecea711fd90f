"""The attorneys on a claim: whoever is on it may bring in a colleague, or step off it."""

from __future__ import annotations

import uuid

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from casebook.access.actor import Actor
from casebook.accounts.models import User
from casebook.audit.log import record
from casebook.claims.access import load_claim
from casebook.claims.models import Claim, ClaimAction, claim_attorneys, claim_groups
from casebook.errors import ValidationFailed
from casebook.groups.models import Grant
from casebook.incidents.models import Incident
from casebook.links import insert_links


async def add_attorney(
    session: AsyncSession, actor: Actor, claim_id: uuid.UUID, email: str
) -> Claim:
    """The colleague must be an attorney whom every group of the claim has granted access,
    so that the claim means the same to them."""
    claim = await load_claim(session, actor, claim_id, for_edit=True)
    colleague = await session.scalar(
        select(User).where(
            func.lower(User.email) == email.strip().lower(),
            User.role == "attorney",
            User.disabled_at.is_(None),
        )
    )
    if colleague is None or not await _granted_all(session, claim_id, colleague.id):
        raise ValidationFailed.single(
            "email", "no attorney with access to every group of this claim has that email address"
        )
    on_it = await session.scalar(
        select(claim_attorneys.c.user_id).where(
            claim_attorneys.c.claim_id == claim_id, claim_attorneys.c.user_id == colleague.id
        )
    )
    if on_it is None:
        await insert_links(session, claim_attorneys, "user_id", claim_id, [colleague.id])
        await record(
            session,
            actor_id=actor.user_id,
            action="claim.attorney.add",
            target_type="claim",
            target_id=claim_id,
            details={"attorney": str(colleague.id)},
        )
    return claim


async def leave_claim(session: AsyncSession, actor: Actor, claim_id: uuid.UUID) -> None:
    await load_claim(session, actor, claim_id, for_edit=True)
    others = await session.scalar(
        select(func.count()).where(
            claim_attorneys.c.claim_id == claim_id, claim_attorneys.c.user_id != actor.user_id
        )
    )
    if not others:
        raise ValidationFailed.single(
            "attorney", "the last attorney on a claim cannot leave it; add a colleague first"
        )
    await session.execute(
        delete(claim_attorneys).where(
            claim_attorneys.c.claim_id == claim_id, claim_attorneys.c.user_id == actor.user_id
        )
    )
    await record(
        session,
        actor_id=actor.user_id,
        action="claim.attorney.leave",
        target_type="claim",
        target_id=claim_id,
    )


async def _granted_all(session: AsyncSession, claim_id: uuid.UUID, attorney: uuid.UUID) -> bool:
    groups = set(
        await session.scalars(
            select(claim_groups.c.group_id).where(claim_groups.c.claim_id == claim_id)
        )
    ) | set(
        await session.scalars(
            select(Incident.group_id)
            .join(ClaimAction, ClaimAction.incident_id == Incident.id)
            .where(ClaimAction.claim_id == claim_id)
        )
    )
    granted = set(
        await session.scalars(
            select(Grant.group_id).where(
                Grant.attorney_id == attorney,
                Grant.revoked_at.is_(None),
                Grant.group_id.in_(groups),
            )
        )
    )
    return groups <= granted
