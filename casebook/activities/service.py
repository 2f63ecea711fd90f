"""Protected activities: created and edited by organizers of their groups, read within scope."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from casebook.access.actor import Actor
from casebook.access.scope import (
    RecordScope,
    check_version,
    linked_to_any,
    member_group_problems,
)
from casebook.activities.models import ProtectedActivity, activity_groups, activity_people
from casebook.audit.log import record
from casebook.db import utcnow
from casebook.errors import FieldError, ValidationFailed
from casebook.links import insert_links, linked_values, replace_links
from casebook.people.models import Person
from casebook.people.service import PEOPLE
from casebook.queries import contains, newest_first_after
from casebook.validation import date_problems, is_web_url
from casebook.vocabulary import vocabularies

KINDS = "activity_kinds"


@dataclass(frozen=True)
class ActivityView:
    activity: ProtectedActivity
    group_ids: list[uuid.UUID]
    person_ids: list[uuid.UUID]


@dataclass
class ActivityChanges:
    kind: str | None = None
    occurred_on: date | None = None
    title: str | None = None
    description: str | None = None
    public_url: str | None = None
    group_ids: list[uuid.UUID] | None = None
    person_ids: list[uuid.UUID] | None = None


ACTIVITIES = RecordScope(
    ProtectedActivity,
    ProtectedActivity.id,
    lambda groups: linked_to_any(activity_groups, ProtectedActivity.id, groups),
    "activity",
)


def _visible_people(actor: Actor) -> Select[uuid.UUID]:
    return select(Person.id).where(PEOPLE.visible_to(actor))


async def list_activities(
    session: AsyncSession,
    actor: Actor,
    *,
    group_id: uuid.UUID | None,
    person_id: uuid.UUID | None,
    kind: str | None,
    date_from: date | None,
    date_to: date | None,
    text: str | None,
    after: tuple[date, uuid.UUID] | None,
    limit: int,
) -> list[ActivityView]:
    query = (
        select(ProtectedActivity)
        .where(ACTIVITIES.visible_to(actor))
        .order_by(ProtectedActivity.occurred_on.desc(), ProtectedActivity.id.desc())
        .limit(limit)
    )
    if group_id is not None:
        query = query.where(linked_to_any(activity_groups, ProtectedActivity.id, [group_id]))
    if person_id is not None:
        query = query.where(_linked_to_person(actor, person_id))
    if kind is not None:
        query = query.where(ProtectedActivity.kind == kind)
    if date_from is not None:
        query = query.where(ProtectedActivity.occurred_on >= date_from)
    if date_to is not None:
        query = query.where(ProtectedActivity.occurred_on <= date_to)
    if text:
        query = query.where(
            contains(ProtectedActivity.title, text) | contains(ProtectedActivity.description, text)
        )
    if after is not None:
        query = query.where(
            newest_first_after(ProtectedActivity.occurred_on, ProtectedActivity.id, after)
        )
    views = await _views(session, actor, list(await session.scalars(query)))
    await record(
        session, actor_id=actor.user_id, action="activity.list", details={"count": len(views)}
    )
    return views


def _linked_to_person(actor: Actor, person_id: uuid.UUID) -> ColumnElement[bool]:
    return ProtectedActivity.id.in_(
        select(activity_people.c.activity_id).where(
            activity_people.c.person_id == person_id,
            activity_people.c.person_id.in_(_visible_people(actor)),
        )
    )


async def get_activity(session: AsyncSession, actor: Actor, activity_id: uuid.UUID) -> ActivityView:
    activity = await ACTIVITIES.load(session, actor, activity_id)
    await record(
        session,
        actor_id=actor.user_id,
        action="activity.read",
        target_type="activity",
        target_id=activity_id,
    )
    return (await _views(session, actor, [activity]))[0]


async def create_activity(
    session: AsyncSession,
    actor: Actor,
    *,
    kind: str,
    occurred_on: date,
    title: str,
    description: str,
    public_url: str | None,
    group_ids: list[uuid.UUID],
    person_ids: list[uuid.UUID],
) -> ActivityView:
    await _validate(
        session,
        actor,
        ActivityChanges(
            kind=kind,
            occurred_on=occurred_on,
            title=title,
            description=description,
            public_url=public_url,
            group_ids=group_ids,
            person_ids=person_ids,
        ),
    )
    activity = ProtectedActivity(
        kind=kind,
        occurred_on=occurred_on,
        title=title.strip(),
        description=description,
        public_url=public_url or None,
        needs_review=_needs_review(kind),
        created_by=actor.user_id,
    )
    session.add(activity)
    await session.flush()
    await insert_links(session, activity_groups, "group_id", activity.id, group_ids)
    await insert_links(session, activity_people, "person_id", activity.id, person_ids)
    await record(
        session,
        actor_id=actor.user_id,
        action="activity.create",
        target_type="activity",
        target_id=activity.id,
    )
    return ActivityView(activity, sorted(set(group_ids)), sorted(set(person_ids)))


async def update_activity(
    session: AsyncSession,
    actor: Actor,
    activity_id: uuid.UUID,
    version: int,
    changes: ActivityChanges,
) -> ActivityView:
    activity = await ACTIVITIES.load(session, actor, activity_id, for_edit=True)
    check_version("activity", activity.version, version)
    await _validate(session, actor, changes)
    _apply(activity, changes)
    if changes.group_ids is not None:
        await replace_links(
            session,
            activity_groups,
            "group_id",
            activity_id,
            changes.group_ids,
            replaceable=list(actor.member_groups),
        )
    if changes.person_ids is not None:
        await replace_links(
            session,
            activity_people,
            "person_id",
            activity_id,
            changes.person_ids,
            replaceable=_visible_people(actor),
        )
    activity.updated_at = utcnow()
    await session.flush()
    await record(
        session,
        actor_id=actor.user_id,
        action="activity.update",
        target_type="activity",
        target_id=activity_id,
        details={"fields": [name for name, value in vars(changes).items() if value is not None]},
    )
    return (await _views(session, actor, [activity]))[0]


def _apply(activity: ProtectedActivity, changes: ActivityChanges) -> None:
    """Review is flagged automatically and only cleared by a reviewer, never by a kind change."""
    if changes.kind is not None:
        activity.kind = changes.kind
        activity.needs_review = activity.needs_review or _needs_review(changes.kind)
    if changes.occurred_on is not None:
        activity.occurred_on = changes.occurred_on
    if changes.title is not None:
        activity.title = changes.title.strip()
    if changes.description is not None:
        activity.description = changes.description
    if changes.public_url is not None:
        activity.public_url = changes.public_url or None


def _needs_review(kind: str) -> bool:
    return vocabularies()[KINDS].terms[kind].attributes.get("review") is True


async def _validate(session: AsyncSession, actor: Actor, changes: ActivityChanges) -> None:
    """Every problem with the given fields at once; fields left as None are not checked."""
    problems = _field_problems(changes)
    if changes.group_ids is not None:
        problems += member_group_problems(actor, changes.group_ids)
    if changes.person_ids:
        problems += await _person_problems(session, actor, changes.person_ids)
    if problems:
        raise ValidationFailed(problems)


def _field_problems(changes: ActivityChanges) -> list[FieldError]:
    problems = []
    if changes.kind is not None and changes.kind not in vocabularies()[KINDS]:
        problems.append(FieldError("kind", f"unknown activity kind {changes.kind!r}"))
    if changes.occurred_on is not None:
        problems += date_problems("occurred_on", changes.occurred_on)
    if changes.title is not None and not changes.title.strip():
        problems.append(FieldError("title", "cannot be blank"))
    if changes.public_url and not is_web_url(changes.public_url):
        problems.append(FieldError("public_url", "must be an http:// or https:// address"))
    return problems


async def _person_problems(
    session: AsyncSession, actor: Actor, person_ids: Iterable[uuid.UUID]
) -> list[FieldError]:
    wanted = set(person_ids)
    found = set(await session.scalars(_visible_people(actor).where(Person.id.in_(wanted))))
    unknown = sorted(str(p) for p in wanted - found)
    return [FieldError("person_ids", f"unknown person(s) {', '.join(unknown)}")] if unknown else []


async def _views(
    session: AsyncSession, actor: Actor, activities: Sequence[ProtectedActivity]
) -> list[ActivityView]:
    ids = [a.id for a in activities]
    groups = await linked_values(session, activity_groups, "group_id", ids)
    people = await linked_values(
        session,
        activity_people,
        "person_id",
        ids,
        activity_people.c.person_id.in_(_visible_people(actor)),
    )
    return [ActivityView(a, groups[a.id], people[a.id]) for a in activities]
