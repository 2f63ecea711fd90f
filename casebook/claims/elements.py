"""The element matrix: what the attorney records about each adverse action of a claim."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from casebook.access.actor import Actor
from casebook.access.scope import check_version
from casebook.audit.log import record
from casebook.claims.access import load_claim
from casebook.claims.models import LAWFUL_BASIS, SEVERITIES, Claim, ClaimAction, claim_activities
from casebook.claims.service import touch
from casebook.errors import FieldError, NotFound, ValidationFailed
from casebook.incidents.service import INCIDENTS


@dataclass(frozen=True)
class Quote:
    """Words showing animus, and where they were said or written."""

    quote: str
    source: str


@dataclass
class ElementChanges:
    """Fields left as None stay as they are. `answers_activity_id` None with
    `answers_latest` True goes back to the latest activity before the action."""

    answers_activity_id: uuid.UUID | None = None
    answers_latest: bool = False
    severity: str | None = None
    animus: list[Quote] | None = None
    departures: list[str] | None = None
    comparators: list[str] | None = None
    lawful_basis: str | None = None
    lawful_basis_notes: str | None = None


async def update_elements(
    session: AsyncSession,
    actor: Actor,
    claim_id: uuid.UUID,
    incident_id: uuid.UUID,
    version: int,
    changes: ElementChanges,
) -> Claim:
    claim = await load_claim(session, actor, claim_id, for_edit=True)
    action = await session.scalar(
        select(ClaimAction).where(
            ClaimAction.claim_id == claim_id,
            ClaimAction.incident_id == incident_id,
            ClaimAction.incident_id.in_(select(INCIDENTS.key).where(INCIDENTS.visible_to(actor))),
        )
    )
    if action is None:
        raise NotFound("adverse action", incident_id)
    check_version("claim", claim.version, version)
    await _validate(session, claim_id, changes)
    _apply(action, changes)
    await touch(session, claim)
    await record(
        session,
        actor_id=actor.user_id,
        action="claim.elements",
        target_type="claim",
        target_id=claim_id,
        details={"incident": str(incident_id)},
    )
    return claim


def _apply(action: ClaimAction, changes: ElementChanges) -> None:
    if changes.answers_activity_id is not None or changes.answers_latest:
        action.answers_activity_id = changes.answers_activity_id
    if changes.severity is not None:
        action.severity = changes.severity
    if changes.animus is not None:
        action.animus = [
            {"quote": q.quote.strip(), "source": q.source.strip()} for q in changes.animus
        ]
    if changes.departures is not None:
        action.departures = _items(changes.departures)
    if changes.comparators is not None:
        action.comparators = _items(changes.comparators)
    if changes.lawful_basis is not None:
        action.lawful_basis = changes.lawful_basis
    if changes.lawful_basis_notes is not None:
        action.lawful_basis_notes = changes.lawful_basis_notes


def _items(texts: list[str]) -> list[str]:
    return [text.strip() for text in texts if text.strip()]


async def _validate(session: AsyncSession, claim_id: uuid.UUID, changes: ElementChanges) -> None:
    problems = []
    if changes.severity is not None and changes.severity not in SEVERITIES:
        problems.append(FieldError("severity", f"must be one of {', '.join(SEVERITIES)}"))
    if changes.lawful_basis is not None and changes.lawful_basis not in LAWFUL_BASIS:
        problems.append(FieldError("lawful_basis", "must be unknown, yes or no"))
    for quote in changes.animus or []:
        if not quote.quote.strip() or not quote.source.strip():
            problems.append(FieldError("animus", "each quote needs its words and its source"))
            break
    if changes.answers_activity_id is not None and not await session.scalar(
        select(claim_activities.c.activity_id).where(
            claim_activities.c.claim_id == claim_id,
            claim_activities.c.activity_id == changes.answers_activity_id,
        )
    ):
        problems.append(
            FieldError("answers_activity_id", "choose one of the claim's protected activities")
        )
    if problems:
        raise ValidationFailed(problems)
