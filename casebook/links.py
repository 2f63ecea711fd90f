"""Link tables: two-column tables whose first key column is the owning record (a person, an
activity, an incident) and whose second is what it is linked to."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from typing import Any, TypeVar

from sqlalchemy import Column, ColumnElement, Select, Table, delete, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

Linked = TypeVar("Linked", str, uuid.UUID)


def owner_column(link: Table) -> Column[Any]:
    return next(iter(link.primary_key.columns))


def group_by_owner(
    owners: Iterable[uuid.UUID], pairs: Iterable[tuple[uuid.UUID, Linked]]
) -> dict[uuid.UUID, list[Linked]]:
    """(owner, linked) pairs as each owner's sorted linked values; owners without links get []."""
    grouped: dict[uuid.UUID, list[Linked]] = {owner: [] for owner in owners}
    for owner, linked in pairs:
        grouped[owner].append(linked)
    return {owner: sorted(values) for owner, values in grouped.items()}


async def linked_values(
    session: AsyncSession,
    link: Table,
    column: str,
    owners: Sequence[uuid.UUID],
    *where: ColumnElement[bool],
) -> dict[uuid.UUID, list[Any]]:
    """What each owner links to, in one query."""
    owner = owner_column(link)
    rows = await session.execute(select(owner, link.c[column]).where(owner.in_(owners), *where))
    return group_by_owner(owners, ((owner_id, value) for owner_id, value in rows))


async def insert_links(
    session: AsyncSession, link: Table, column: str, owner: uuid.UUID, values: Iterable[object]
) -> None:
    rows = [{owner_column(link).name: owner, column: value} for value in dict.fromkeys(values)]
    if rows:
        await session.execute(insert(link), rows)


async def replace_links(
    session: AsyncSession,
    link: Table,
    column: str,
    owner: uuid.UUID,
    values: Iterable[object],
    *,
    replaceable: Sequence[object] | Select[Any] | None = None,
) -> None:
    """Set the owner's links to `values`. With `replaceable`, links outside it (groups the actor
    is not in, people they cannot see) are not theirs to remove and stay."""
    condition = owner_column(link) == owner
    if replaceable is not None:
        condition = condition & link.c[column].in_(replaceable)
    await session.execute(delete(link).where(condition))
    await insert_links(session, link, column, owner, values)
