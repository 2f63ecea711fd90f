"""People: created and edited by organizers of their groups, read within scope."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import ColumnElement, delete, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from casebook.access.actor import Actor
from casebook.access.scope import check_version, linked_to_any, require_member_groups
from casebook.audit.log import record
from casebook.db import utcnow
from casebook.errors import NotFound
from casebook.people.models import Person, person_groups


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


def visible_to(actor: Actor) -> ColumnElement[bool]:
    return linked_to_any(person_groups, Person.id, actor.readable_groups)


async def _groups_of(
    session: AsyncSession, person_ids: list[uuid.UUID]
) -> dict[uuid.UUID, list[uuid.UUID]]:
    rows = await session.execute(
        select(person_groups.c.person_id, person_groups.c.group_id).where(
            person_groups.c.person_id.in_(person_ids)
        )
    )
    grouped: dict[uuid.UUID, list[uuid.UUID]] = {pid: [] for pid in person_ids}
    for person_id, group_id in rows:
        grouped[person_id].append(group_id)
    return grouped


async def list_people(
    session: AsyncSession,
    actor: Actor,
    *,
    group_id: uuid.UUID | None,
    text: str | None,
    after: tuple[str, str] | None,
    limit: int,
) -> list[PersonView]:
    query = select(Person).where(visible_to(actor)).order_by(Person.alias, Person.id).limit(limit)
    if group_id is not None:
        query = query.where(linked_to_any(person_groups, Person.id, [group_id]))
    if text:
        query = query.where(Person.alias.ilike(f"%{_escape_like(text)}%", escape="\\"))
    if after is not None:
        alias, person_id = after
        query = query.where(
            (Person.alias > alias) | ((Person.alias == alias) & (Person.id > uuid.UUID(person_id)))
        )
    people = list(await session.scalars(query))
    groups = await _groups_of(session, [p.id for p in people])
    await record(
        session, actor_id=actor.user_id, action="person.list", details={"count": len(people)}
    )
    return [PersonView(p, groups[p.id]) for p in people]


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


async def load_visible(session: AsyncSession, actor: Actor, person_id: uuid.UUID) -> Person:
    person = await session.scalar(select(Person).where(Person.id == person_id, visible_to(actor)))
    if person is None:
        raise NotFound("person", person_id)
    return person


async def get_person(session: AsyncSession, actor: Actor, person_id: uuid.UUID) -> PersonView:
    person = await load_visible(session, actor, person_id)
    await record(
        session,
        actor_id=actor.user_id,
        action="person.read",
        target_type="person",
        target_id=person_id,
    )
    return PersonView(person, (await _groups_of(session, [person.id]))[person.id])


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
    await _link_groups(session, person.id, set(group_ids))
    await record(
        session,
        actor_id=actor.user_id,
        action="person.create",
        target_type="person",
        target_id=person.id,
    )
    return PersonView(person, sorted(set(group_ids)))


async def update_person(
    session: AsyncSession, actor: Actor, person_id: uuid.UUID, version: int, changes: PersonChanges
) -> PersonView:
    person = await load_visible(session, actor, person_id)
    current_groups = set((await _groups_of(session, [person_id]))[person_id])
    check_version("person", person.version, version)
    changed = [name for name, value in vars(changes).items() if value is not None]
    if changes.alias is not None:
        person.alias = changes.alias.strip()
    if changes.legal_name is not None:
        person.legal_name = changes.legal_name or None
    if changes.notes is not None:
        person.notes = changes.notes
    if changes.group_ids is not None:
        require_member_groups(actor, changes.group_ids)
        # Links to groups the actor does not belong to are not theirs to remove.
        kept = current_groups - actor.member_groups
        await session.execute(delete(person_groups).where(person_groups.c.person_id == person_id))
        current_groups = kept | set(changes.group_ids)
        await _link_groups(session, person_id, current_groups)
    person.updated_at = utcnow()
    await session.flush()
    await record(
        session,
        actor_id=actor.user_id,
        action="person.update",
        target_type="person",
        target_id=person_id,
        details={"fields": changed},
    )
    return PersonView(person, sorted(current_groups))


async def _link_groups(
    session: AsyncSession, person_id: uuid.UUID, group_ids: set[uuid.UUID]
) -> None:
    if group_ids:
        await session.execute(
            insert(person_groups), [{"person_id": person_id, "group_id": g} for g in group_ids]
        )
