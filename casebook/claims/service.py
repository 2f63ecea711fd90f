"""Opening a claim, changing what it rests on, and gathering a claimant's records into it."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, Table, delete, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from casebook.access.actor import Actor
from casebook.access.scope import check_version
from casebook.activities.models import ProtectedActivity, activity_groups, activity_people
from casebook.activities.service import ACTIVITIES
from casebook.audit.log import record
from casebook.claims.access import load_claim, on_claim
from casebook.claims.labels import BATES_PREFIX
from casebook.claims.models import (
    LABEL_STYLES,
    Claim,
    ClaimAction,
    ClaimExhibit,
    claim_activities,
    claim_attorneys,
    claim_groups,
    claim_people,
)
from casebook.db import utcnow
from casebook.errors import FieldError, ValidationFailed
from casebook.evidence.models import Attachment
from casebook.incidents.models import Incident, incident_groups, incident_people
from casebook.incidents.service import INCIDENTS
from casebook.links import insert_links, linked_values, owner_column, replace_links
from casebook.people.models import Person
from casebook.people.service import PEOPLE


@dataclass
class ClaimFields:
    """What a claim is made of; on an edit, fields left as None stay as they are."""

    title: str | None = None
    label_style: str | None = None
    bates_prefix: str | None = None
    bates_start: int | None = None
    person_ids: list[uuid.UUID] | None = None
    group_ids: list[uuid.UUID] | None = None
    incident_ids: list[uuid.UUID] | None = None
    activity_ids: list[uuid.UUID] | None = None


@dataclass(frozen=True)
class Period:
    """Gather every incident and protected activity of the claimants from `since` to `until`."""

    since: date | None
    until: date | None


@dataclass(frozen=True)
class Claimants:
    person_ids: list[uuid.UUID]
    group_ids: list[uuid.UUID]


async def list_claims(session: AsyncSession, actor: Actor) -> list[Claim]:
    claims = list(
        await session.scalars(
            select(Claim).where(on_claim(actor)).order_by(Claim.updated_at.desc(), Claim.id)
        )
    )
    await record(
        session, actor_id=actor.user_id, action="claim.list", details={"count": len(claims)}
    )
    return claims


async def create_claim(
    session: AsyncSession, actor: Actor, fields: ClaimFields, gather: Period | None = None
) -> Claim:
    fields.person_ids = fields.person_ids or []
    fields.group_ids = fields.group_ids or []
    await _validate(session, actor, fields, creating=True)
    if gather is not None:
        _check_period(gather)
    claim = Claim(
        title=(fields.title or "").strip(),
        label_style=fields.label_style or "letters",
        bates_prefix=fields.bates_prefix or "",
        bates_start=fields.bates_start or 1,
        created_by=actor.user_id,
    )
    _check_labels(claim)
    session.add(claim)
    await session.flush()
    await insert_links(session, claim_attorneys, "user_id", claim.id, [actor.user_id])
    await _write_records(session, actor, claim.id, fields)
    if gather is not None:
        await _gather(session, actor, claim.id, gather)
    await record(
        session,
        actor_id=actor.user_id,
        action="claim.create",
        target_type="claim",
        target_id=claim.id,
    )
    return claim


async def update_claim(
    session: AsyncSession, actor: Actor, claim_id: uuid.UUID, version: int, fields: ClaimFields
) -> Claim:
    claim = await load_claim(session, actor, claim_id, for_edit=True)
    check_version("claim", claim.version, version)
    await _validate(session, actor, fields, creating=False)
    for name in ("title", "label_style", "bates_prefix", "bates_start"):
        value = getattr(fields, name)
        if value is not None:
            setattr(claim, name, value.strip() if name == "title" else value)
    _check_labels(claim)
    await _write_records(session, actor, claim_id, fields)
    await touch(session, claim)
    await record(
        session,
        actor_id=actor.user_id,
        action="claim.update",
        target_type="claim",
        target_id=claim_id,
        details={"fields": [name for name, value in vars(fields).items() if value is not None]},
    )
    return claim


async def gather_records(
    session: AsyncSession, actor: Actor, claim_id: uuid.UUID, version: int, period: Period
) -> tuple[Claim, int, int]:
    """Adds the claimants' incidents and activities of the period; says how many were new."""
    claim = await load_claim(session, actor, claim_id, for_edit=True)
    check_version("claim", claim.version, version)
    _check_period(period)
    added = await _gather(session, actor, claim_id, period)
    await touch(session, claim)
    await record(
        session,
        actor_id=actor.user_id,
        action="claim.gather",
        target_type="claim",
        target_id=claim_id,
        details={"incidents": added[0], "activities": added[1]},
    )
    return claim, *added


async def touch(session: AsyncSession, claim: Claim) -> None:
    """Every change to a claim or its parts moves its version on."""
    claim.updated_at = utcnow()
    await session.flush()


async def claimants(session: AsyncSession, actor: Actor, claim_id: uuid.UUID) -> Claimants:
    """The claim's people and groups that the actor may still see."""
    people = await linked_values(
        session,
        claim_people,
        "person_id",
        [claim_id],
        claim_people.c.person_id.in_(select(Person.id).where(PEOPLE.visible_to(actor))),
    )
    groups = await linked_values(
        session,
        claim_groups,
        "group_id",
        [claim_id],
        claim_groups.c.group_id.in_(actor.readable_groups),
    )
    return Claimants(people[claim_id], groups[claim_id])


async def _write_records(
    session: AsyncSession, actor: Actor, claim_id: uuid.UUID, fields: ClaimFields
) -> None:
    """Records the actor can no longer see (a grant was revoked) are not theirs to remove:
    they stay in the claim, out of sight, should the grant come back."""
    if fields.person_ids is not None:
        await replace_links(
            session,
            claim_people,
            "person_id",
            claim_id,
            fields.person_ids,
            replaceable=select(Person.id).where(PEOPLE.visible_to(actor)),
        )
    if fields.group_ids is not None:
        await replace_links(
            session,
            claim_groups,
            "group_id",
            claim_id,
            fields.group_ids,
            replaceable=list(actor.readable_groups),
        )
    if fields.activity_ids is not None:
        await replace_links(
            session,
            claim_activities,
            "activity_id",
            claim_id,
            fields.activity_ids,
            replaceable=select(ProtectedActivity.id).where(ACTIVITIES.visible_to(actor)),
        )
        await session.execute(
            update(ClaimAction)
            .where(
                ClaimAction.claim_id == claim_id,
                ClaimAction.answers_activity_id.not_in(fields.activity_ids),
            )
            .values(answers_activity_id=None)
        )
    if fields.incident_ids is not None:
        await _write_actions(session, actor, claim_id, fields.incident_ids)


async def _write_actions(
    session: AsyncSession, actor: Actor, claim_id: uuid.UUID, incident_ids: list[uuid.UUID]
) -> None:
    """Keeps the element notes of actions that stay; drops the exhibits of those that go."""
    wanted = set(incident_ids)
    present = set(
        await session.scalars(
            select(ClaimAction.incident_id).where(
                ClaimAction.claim_id == claim_id,
                ClaimAction.incident_id.in_(select(Incident.id).where(INCIDENTS.visible_to(actor))),
            )
        )
    )
    gone = present - wanted
    if gone:
        await session.execute(
            delete(ClaimAction).where(
                ClaimAction.claim_id == claim_id, ClaimAction.incident_id.in_(gone)
            )
        )
        await session.execute(
            delete(ClaimExhibit).where(
                ClaimExhibit.claim_id == claim_id,
                ClaimExhibit.attachment_id.in_(
                    select(Attachment.id).where(Attachment.incident_id.in_(gone))
                ),
            )
        )
    await _add_actions(session, claim_id, wanted - present)


async def _add_actions(
    session: AsyncSession, claim_id: uuid.UUID, incident_ids: set[uuid.UUID]
) -> None:
    if incident_ids:
        await session.execute(
            insert(ClaimAction),
            [{"claim_id": claim_id, "incident_id": i} for i in sorted(incident_ids)],
        )


async def _gather(
    session: AsyncSession, actor: Actor, claim_id: uuid.UUID, period: Period
) -> tuple[int, int]:
    who = await claimants(session, actor, claim_id)
    incidents = set(
        await session.scalars(
            select(Incident.id).where(
                INCIDENTS.visible_to(actor),
                _between(Incident.occurred_on, period),
                _of_claimants(Incident.id, incident_people, incident_groups, who),
            )
        )
    )
    activities = set(
        await session.scalars(
            select(ProtectedActivity.id).where(
                ACTIVITIES.visible_to(actor),
                _between(ProtectedActivity.occurred_on, period),
                _of_claimants(ProtectedActivity.id, activity_people, activity_groups, who),
            )
        )
    )
    new_incidents = incidents - set(
        await session.scalars(
            select(ClaimAction.incident_id).where(ClaimAction.claim_id == claim_id)
        )
    )
    new_activities = activities - set(
        await session.scalars(
            select(claim_activities.c.activity_id).where(claim_activities.c.claim_id == claim_id)
        )
    )
    await _add_actions(session, claim_id, new_incidents)
    await insert_links(session, claim_activities, "activity_id", claim_id, sorted(new_activities))
    return len(new_incidents), len(new_activities)


def _of_claimants(
    key: InstrumentedAttribute[uuid.UUID], people: Table, groups: Table, who: Claimants
) -> ColumnElement[bool]:
    """SQL: the record at `key` names one of the claimant people or groups."""
    return or_(
        key.in_(select(owner_column(people)).where(people.c.person_id.in_(who.person_ids))),
        key.in_(select(owner_column(groups)).where(groups.c.group_id.in_(who.group_ids))),
    )


def _between(column: InstrumentedAttribute[date], period: Period) -> ColumnElement[bool]:
    condition: ColumnElement[bool] = column.is_not(None)
    if period.since is not None:
        condition &= column >= period.since
    if period.until is not None:
        condition &= column <= period.until
    return condition


def _check_labels(claim: Claim) -> None:
    if claim.label_style == "bates" and not claim.bates_prefix:
        raise ValidationFailed.single("bates_prefix", "Bates labels need a prefix")


def _check_period(period: Period) -> None:
    if period.since and period.until and period.since > period.until:
        raise ValidationFailed.single("gather_to", "must not be before the start date")


async def _validate(
    session: AsyncSession, actor: Actor, fields: ClaimFields, *, creating: bool
) -> None:
    """Every problem with the given fields at once; fields left as None are not checked."""
    problems = _field_problems(fields)
    if creating and not (fields.person_ids or fields.group_ids):
        problems.append(FieldError("person_ids", "name at least one claimant, a person or a group"))
    if fields.group_ids:
        unknown = [str(g) for g in fields.group_ids if g not in actor.readable_groups]
        if unknown:
            problems.append(FieldError("group_ids", f"unknown group(s) {', '.join(unknown)}"))
    for name, scope_ids in (
        ("person_ids", (Person.id, PEOPLE.visible_to(actor))),
        ("incident_ids", (Incident.id, INCIDENTS.visible_to(actor))),
        ("activity_ids", (ProtectedActivity.id, ACTIVITIES.visible_to(actor))),
    ):
        wanted = getattr(fields, name)
        if wanted:
            problems += await _unknown(session, name, wanted, *scope_ids)
    if problems:
        raise ValidationFailed(problems)


def _field_problems(fields: ClaimFields) -> list[FieldError]:
    problems = []
    if fields.title is not None and not fields.title.strip():
        problems.append(FieldError("title", "cannot be blank"))
    if fields.label_style is not None and fields.label_style not in LABEL_STYLES:
        problems.append(FieldError("label_style", "must be letters or bates"))
    if fields.bates_prefix and not BATES_PREFIX.fullmatch(fields.bates_prefix):
        problems.append(
            FieldError("bates_prefix", "letters, digits, dots, dashes and underscores only")
        )
    if fields.bates_start is not None and not 1 <= fields.bates_start <= 999_999:
        problems.append(FieldError("bates_start", "must be between 1 and 999999"))
    return problems


async def _unknown(
    session: AsyncSession,
    field: str,
    wanted: list[uuid.UUID],
    key: InstrumentedAttribute[uuid.UUID],
    visible: ColumnElement[bool],
) -> list[FieldError]:
    found = set(await session.scalars(select(key).where(key.in_(set(wanted)), visible)))
    unknown = sorted(str(i) for i in set(wanted) - found)
    return [FieldError(field, f"unknown record(s) {', '.join(unknown)}")] if unknown else []
