"""A claim's exhibits: evidence of its adverse actions, in the order the attorney chose."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import Select, delete, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from casebook.access.actor import Actor
from casebook.access.scope import check_version
from casebook.accounts.models import User
from casebook.audit.log import record
from casebook.claims.access import load_claim
from casebook.claims.models import Claim, ClaimAction, ClaimExhibit
from casebook.claims.service import touch
from casebook.errors import ValidationFailed
from casebook.evidence.models import Attachment
from casebook.incidents.service import INCIDENTS

MAX_EXHIBITS = 2000


@dataclass(frozen=True)
class ExhibitItem:
    attachment_id: uuid.UUID
    description: str = ""


async def set_exhibits(
    session: AsyncSession,
    actor: Actor,
    claim_id: uuid.UUID,
    version: int,
    items: list[ExhibitItem],
) -> Claim:
    """The claim's exhibits become `items`, in that order: adding, removing and reordering
    are all one list sent back."""
    claim = await load_claim(session, actor, claim_id, for_edit=True)
    check_version("claim", claim.version, version)
    await _validate(session, actor, claim_id, items)
    await session.execute(delete(ClaimExhibit).where(ClaimExhibit.claim_id == claim_id))
    if items:
        await session.execute(
            insert(ClaimExhibit),
            [
                {
                    "claim_id": claim_id,
                    "attachment_id": item.attachment_id,
                    "position": position,
                    "description": item.description.strip(),
                }
                for position, item in enumerate(items, start=1)
            ],
        )
    await touch(session, claim)
    await record(
        session,
        actor_id=actor.user_id,
        action="claim.exhibits",
        target_type="claim",
        target_id=claim_id,
        details={"count": len(items)},
    )
    return claim


def evidence_of_claim(actor: Actor, claim_id: uuid.UUID) -> Select[Attachment]:
    """SQL: complete attachments of the claim's adverse actions that the actor may read."""
    return select(Attachment).where(
        Attachment.state == "complete",
        Attachment.incident_id.in_(
            select(ClaimAction.incident_id).where(ClaimAction.claim_id == claim_id)
        ),
        Attachment.incident_id.in_(select(INCIDENTS.key).where(INCIDENTS.visible_to(actor))),
    )


async def usable_evidence(
    session: AsyncSession, actor: Actor, claim_id: uuid.UUID
) -> list[tuple[Attachment, str | None]]:
    """What may become an exhibit, with its uploader's email, oldest upload first."""
    query = (
        evidence_of_claim(actor, claim_id)
        .outerjoin(User, User.id == Attachment.uploader_id)
        .add_columns(User.email)
        .order_by(Attachment.completed_at, Attachment.id)
    )
    return [(attachment, email) for attachment, email in (await session.execute(query)).all()]


async def _validate(
    session: AsyncSession, actor: Actor, claim_id: uuid.UUID, items: list[ExhibitItem]
) -> None:
    ids = [item.attachment_id for item in items]
    if len(ids) > MAX_EXHIBITS:
        raise ValidationFailed.single("exhibits", f"at most {MAX_EXHIBITS} exhibits")
    if len(set(ids)) != len(ids):
        raise ValidationFailed.single("exhibits", "each attachment can be one exhibit only")
    usable = evidence_of_claim(actor, claim_id).where(Attachment.id.in_(ids))
    found = {attachment.id for attachment in await session.scalars(usable)}
    unknown = [str(i) for i in ids if i not in found]
    if unknown:
        raise ValidationFailed.single(
            "exhibits", f"not evidence of the claim's adverse actions: {', '.join(unknown)}"
        )
