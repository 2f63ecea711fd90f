"""Scope checks shared by every record type: which groups an actor may read or write for."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Generic, TypeVar

from sqlalchemy import ColumnElement, Table, exists, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from casebook.access.actor import Actor
from casebook.errors import Conflict, FieldError, NotFound, ValidationFailed
from casebook.links import owner_column


def linked_to_any(
    link: Table, key: InstrumentedAttribute[uuid.UUID], groups: Iterable[uuid.UUID]
) -> ColumnElement[bool]:
    """SQL: the record at `key` is linked through `link` to one of `groups`."""
    return exists(select(1).where(owner_column(link) == key, link.c.group_id.in_(list(groups))))


def member_group_problems(
    actor: Actor, group_ids: Iterable[uuid.UUID], field: str = "group_ids"
) -> list[FieldError]:
    ids = list(group_ids)
    if not ids:
        return [FieldError(field, "name at least one of your groups")]
    foreign = [str(g) for g in ids if not actor.may_write_for(g)]
    if foreign:
        return [FieldError(field, f"you are not an organizer of group(s) {', '.join(foreign)}")]
    return []


def require_member_groups(
    actor: Actor, group_ids: Iterable[uuid.UUID], field: str = "group_ids"
) -> None:
    problems = member_group_problems(actor, group_ids, field)
    if problems:
        raise ValidationFailed(problems)


def check_version(target_type: str, current: int, expected: int) -> None:
    """Optimistic locking: an edit must say which version it was made from."""
    if current != expected:
        raise Conflict(target_type, current)


Record = TypeVar("Record")


@dataclass(frozen=True)
class RecordScope(Generic[Record]):
    """How one kind of record belongs to groups, and so who may see or edit it."""

    model: type[Record]
    key: InstrumentedAttribute[uuid.UUID]
    in_groups: Callable[[Iterable[uuid.UUID]], ColumnElement[bool]]
    name: str

    def visible_to(self, actor: Actor) -> ColumnElement[bool]:
        return self.in_groups(actor.readable_groups)

    async def load(
        self, session: AsyncSession, actor: Actor, record_id: uuid.UUID, *, for_edit: bool = False
    ) -> Record:
        """The record if the actor may see it, else NotFound. `for_edit` narrows the scope to
        the actor's own groups and locks the row, so that concurrent edits queue and the
        version check sees the latest version."""
        groups = actor.member_groups if for_edit else actor.readable_groups
        query = select(self.model).where(self.key == record_id, self.in_groups(groups))
        record = await session.scalar(query.with_for_update() if for_edit else query)
        if record is None:
            raise NotFound(self.name, record_id)
        return record
