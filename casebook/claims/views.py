"""A claim as its attorneys see it: claimants, chronology, element matrix and exhibit list,
limited to the records the attorney may still read."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from casebook.access.actor import Actor
from casebook.accounts.models import User
from casebook.activities.models import ProtectedActivity
from casebook.activities.service import ACTIVITIES
from casebook.audit.log import record
from casebook.claims.access import load_claim
from casebook.claims.chronology import Dated, Entry, chronology, gap_to
from casebook.claims.labels import exhibit_labels
from casebook.claims.models import (
    Claim,
    ClaimAction,
    ClaimExhibit,
    claim_activities,
    claim_attorneys,
)
from casebook.claims.service import Claimants, claimants
from casebook.evidence.models import Attachment
from casebook.groups.models import Group
from casebook.incidents.models import Incident, incident_tactics
from casebook.incidents.service import INCIDENTS
from casebook.links import linked_values
from casebook.people.models import Person


@dataclass(frozen=True)
class MatrixRow:
    """One adverse action with the elements of the claim it supports."""

    action: ClaimAction
    incident: Incident
    tactics: list[str]
    answers: ProtectedActivity | None
    # True when the attorney chose the activity; False when it is the latest one before.
    answers_chosen: bool
    gap_days: int | None


@dataclass(frozen=True)
class ExhibitRow:
    label: str
    exhibit: ClaimExhibit
    attachment: Attachment
    uploader_email: str | None


@dataclass(frozen=True)
class ClaimView:
    claim: Claim
    attorneys: list[User]
    people: list[Person]
    groups: list[Group]
    activities: dict[uuid.UUID, ProtectedActivity]
    incidents: dict[uuid.UUID, Incident]
    chronology: list[Entry]
    matrix: list[MatrixRow]
    exhibits: list[ExhibitRow]


async def get_claim(session: AsyncSession, actor: Actor, claim_id: uuid.UUID) -> ClaimView:
    claim = await load_claim(session, actor, claim_id)
    await record(
        session,
        actor_id=actor.user_id,
        action="claim.read",
        target_type="claim",
        target_id=claim_id,
    )
    return await claim_view(session, actor, claim)


async def claim_view(session: AsyncSession, actor: Actor, claim: Claim) -> ClaimView:
    who = await claimants(session, actor, claim.id)
    activities = await _activities(session, actor, claim.id)
    actions = await _actions(session, actor, claim.id)
    incidents = {incident.id: incident for _, incident in actions}
    entries = chronology(
        [_dated(a) for a in activities.values()], [_dated(i) for i in incidents.values()]
    )
    return ClaimView(
        claim=claim,
        attorneys=list(
            await session.scalars(
                select(User)
                .join(claim_attorneys, claim_attorneys.c.user_id == User.id)
                .where(claim_attorneys.c.claim_id == claim.id)
                .order_by(User.email)
            )
        ),
        people=await _people(session, who),
        groups=await _groups(session, who),
        activities=activities,
        incidents=incidents,
        chronology=entries,
        matrix=await _matrix(session, entries, actions, activities),
        exhibits=await _exhibits(session, claim, list(incidents)),
    )


def _dated(record: ProtectedActivity | Incident) -> Dated:
    precision = record.date_precision if isinstance(record, Incident) else "day"
    return Dated(record.id, record.occurred_on, precision)


async def _people(session: AsyncSession, who: Claimants) -> list[Person]:
    query = select(Person).where(Person.id.in_(who.person_ids)).order_by(Person.alias, Person.id)
    return list(await session.scalars(query))


async def _groups(session: AsyncSession, who: Claimants) -> list[Group]:
    query = select(Group).where(Group.id.in_(who.group_ids)).order_by(Group.name)
    return list(await session.scalars(query))


async def _activities(
    session: AsyncSession, actor: Actor, claim_id: uuid.UUID
) -> dict[uuid.UUID, ProtectedActivity]:
    query = (
        select(ProtectedActivity)
        .join(claim_activities, claim_activities.c.activity_id == ProtectedActivity.id)
        .where(claim_activities.c.claim_id == claim_id, ACTIVITIES.visible_to(actor))
    )
    return {a.id: a for a in await session.scalars(query)}


async def _actions(
    session: AsyncSession, actor: Actor, claim_id: uuid.UUID
) -> list[tuple[ClaimAction, Incident]]:
    query = (
        select(ClaimAction, Incident)
        .join(Incident, Incident.id == ClaimAction.incident_id)
        .where(ClaimAction.claim_id == claim_id, INCIDENTS.visible_to(actor))
    )
    return [(action, incident) for action, incident in (await session.execute(query)).all()]


async def _matrix(
    session: AsyncSession,
    entries: list[Entry],
    actions: list[tuple[ClaimAction, Incident]],
    activities: dict[uuid.UUID, ProtectedActivity],
) -> list[MatrixRow]:
    by_incident = {action.incident_id: (action, incident) for action, incident in actions}
    tactics = await linked_values(session, incident_tactics, "tactic_id", list(by_incident))
    rows = []
    for entry in entries:
        if entry.kind != "action":
            continue
        action, incident = by_incident[entry.item.id]
        chosen = activities.get(action.answers_activity_id) if action.answers_activity_id else None
        answers = chosen or (activities[entry.after.id] if entry.after else None)
        gap = None if answers is None else gap_to(entry.item, _dated(answers))
        rows.append(
            MatrixRow(action, incident, tactics[incident.id], answers, chosen is not None, gap)
        )
    return rows


async def _exhibits(
    session: AsyncSession, claim: Claim, incident_ids: list[uuid.UUID]
) -> list[ExhibitRow]:
    rows = (
        await session.execute(
            select(ClaimExhibit, Attachment, User.email)
            .join(Attachment, Attachment.id == ClaimExhibit.attachment_id)
            .outerjoin(User, User.id == Attachment.uploader_id)
            .where(ClaimExhibit.claim_id == claim.id, Attachment.incident_id.in_(incident_ids))
            .order_by(ClaimExhibit.position)
        )
    ).all()
    labels = exhibit_labels(claim.label_style, claim.bates_prefix, claim.bates_start, len(rows))
    return [
        ExhibitRow(label, exhibit, attachment, email)
        for label, (exhibit, attachment, email) in zip(labels, rows, strict=True)
    ]
