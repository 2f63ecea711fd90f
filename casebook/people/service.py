"""People: created and edited by organizers of their groups, read within scope."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from casebook.access.actor import Actor
from casebook.access.scope import (
    RecordScope,
    check_version,
    linked_to_any,
    require_member_groups,
)
from casebook.audit.log import record
from casebook.db import utcnow
from casebook.links import insert_links, linked_values, replace_links
from casebook.people.models import Person, person_groups
from casebook.queries import contains


@dataclass(frozen=True)
class PersonView:
    person: Person
    group_ids: list[uuid.UUID]


@dataclass
class PersonChanges:
    alias: str | None = None
    legal_name: str | None = None
    notes: str | None = None
    group_ids: list[uuid.UUID] | None = None


PEOPLE = RecordScope(
    Person, Person.id, lambda groups: linked_to_any(person_groups, Person.id, groups), "person"
)


async def _views(session: AsyncSession, people: list[Person]) -> list[PersonView]:
    groups = await linked_values(session, person_groups, "group_id", [p.id for p in people])
    return [PersonView(p, groups[p.id]) for p in people]


async def list_people(
    session: AsyncSession,
    actor: Actor,
    *,
    group_id: uuid.UUID | None,
    text: str | None,
    after: tuple[str, uuid.UUID] | None,
    limit: int,
) -> list[PersonView]:
    query = (
        select(Person)
        .where(PEOPLE.visible_to(actor))
        .order_by(Person.alias, Person.id)
        .limit(limit)
    )
    if group_id is not None:
        query = query.where(linked_to_any(person_groups, Person.id, [group_id]))
    if text:
        query = query.where(contains(Person.alias, text))
    if after is not None:
        query = query.where(tuple_(Person.alias, Person.id) > tuple_(*after))
    views = await _views(session, list(await session.scalars(query)))
    await record(
        session, actor_id=actor.user_id, action="person.list", details={"count": len(views)}
    )
    return views


async def get_person(session: AsyncSession, actor: Actor, person_id: uuid.UUID) -> PersonView:
    person = await PEOPLE.load(session, actor, person_id)
    await record(
        session,
        actor_id=actor.user_id,
        action="person.read",
        target_type="person",
        target_id=person_id,
    )
    return (await _views(session, [person]))[0]


async def create_person(
    session: AsyncSession,
    actor: Actor,
    *,
    alias: str,
    legal_name: str | None,
    notes: str,
    group_ids: list[uuid.UUID],
) -> PersonView:
    require_member_groups(actor, group_ids)
    person = Person(
        alias=alias.strip(), legal_name=legal_name, notes=notes, created_by=actor.user_id
    )
    session.add(person)
    await session.flush()
    await insert_links(session, person_groups, "group_id", person.id, group_ids)
    await record(
        session,
        actor_id=actor.user_id,
        action="person.create",
        target_type="person",
        target_id=person.id,
    )
    return (await _views(session, [person]))[0]


async def update_person(
    session: AsyncSession, actor: Actor, person_id: uuid.UUID, version: int, changes: PersonChanges
) -> PersonView:
    person = await PEOPLE.load(session, actor, person_id, for_edit=True)
    check_version("person", person.version, version)
    if changes.group_ids is not None:
        require_member_groups(actor, changes.group_ids)
        await replace_links(
            session,
            person_groups,
            "group_id",
            person_id,
            changes.group_ids,
            replaceable=list(actor.member_groups),
        )
    if changes.alias is not None:
        person.alias = changes.alias.strip()
    if changes.legal_name is not None:
        person.legal_name = changes.legal_name or None
    if changes.notes is not None:
        person.notes = changes.notes
    person.updated_at = utcnow()
    await session.flush()
    await record(
        session,
        actor_id=actor.user_id,
        action="person.update",
        target_type="person",
        target_id=person_id,
        details={"fields": [name for name, value in vars(changes).items() if value is not None]},
    )
    return (await _views(session, [person]))[0]
