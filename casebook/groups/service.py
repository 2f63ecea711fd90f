"""Groups, their members and the grants that let attorneys read a group's records."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from casebook.access.actor import Actor
from casebook.accounts.credentials import normalize_email
from casebook.accounts.models import User
from casebook.audit.log import record
from casebook.db import utcnow
from casebook.errors import NotFound, ValidationFailed
from casebook.groups.models import Grant, Group, Membership


def _sees_all_groups(actor: Actor) -> bool:
    return actor.can("group.manage")


async def list_groups(session: AsyncSession, actor: Actor) -> list[Group]:
    query = select(Group).order_by(Group.name)
    if not _sees_all_groups(actor):
        query = query.where(Group.id.in_(actor.readable_groups))
    return list(await session.scalars(query))


async def get_group(session: AsyncSession, actor: Actor, group_id: uuid.UUID) -> Group:
    group = await session.get(Group, group_id)
    if group is None or not (_sees_all_groups(actor) or group_id in actor.readable_groups):
        raise NotFound("group", group_id)
    await record(
        session,
        actor_id=actor.user_id,
        action="group.read",
        target_type="group",
        target_id=group_id,
    )
    return group


async def create_group(
    session: AsyncSession, actor: Actor, *, name: str, city: str, region: str
) -> Group:
    if await session.scalar(select(Group.id).where(Group.name == name.strip())):
        raise ValidationFailed.single("name", "a group with this name already exists")
    group = Group(name=name.strip(), city=city.strip(), region=region.strip())
    session.add(group)
    await session.flush()
    await record(
        session,
        actor_id=actor.user_id,
        action="group.create",
        target_type="group",
        target_id=group.id,
    )
    return group


async def members(
    session: AsyncSession, actor: Actor, group_id: uuid.UUID
) -> list[tuple[User, str]]:
    await get_group(session, actor, group_id)
    rows = await session.execute(
        select(User, Membership.role)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.group_id == group_id)
        .order_by(User.display_name)
    )
    return [(user, role) for user, role in rows]


async def add_member(
    session: AsyncSession, actor: Actor, group_id: uuid.UUID, user_id: uuid.UUID, role: str
) -> Membership:
    await get_group(session, actor, group_id)
    user = await session.get(User, user_id)
    if user is None or user.role != "organizer":
        raise ValidationFailed.single("user_id", "no organizer account with this id")
    membership = await session.get(Membership, (group_id, user_id))
    if membership is None:
        membership = Membership(group_id=group_id, user_id=user_id, role=role)
        session.add(membership)
    else:
        membership.role = role
    await session.flush()
    await record(
        session,
        actor_id=actor.user_id,
        action="membership.set",
        target_type="group",
        target_id=group_id,
        details={"user_id": str(user_id), "role": role},
    )
    return membership


async def remove_member(
    session: AsyncSession, actor: Actor, group_id: uuid.UUID, user_id: uuid.UUID
) -> None:
    await get_group(session, actor, group_id)
    membership = await session.get(Membership, (group_id, user_id))
    if membership is None:
        raise NotFound("membership", user_id)
    await session.delete(membership)
    await record(
        session,
        actor_id=actor.user_id,
        action="membership.remove",
        target_type="group",
        target_id=group_id,
        details={"user_id": str(user_id)},
    )


def _manages_grants_of(actor: Actor, group_id: uuid.UUID) -> bool:
    """Admins, and organizers of the group itself."""
    return actor.can("grant.manage") and (
        _sees_all_groups(actor) or group_id in actor.member_groups
    )


async def list_grants(session: AsyncSession, actor: Actor, group_id: uuid.UUID) -> list[Grant]:
    if not _manages_grants_of(actor, group_id):
        raise NotFound("group", group_id)
    return list(
        await session.scalars(
            select(Grant).where(Grant.group_id == group_id).order_by(Grant.created_at)
        )
    )


async def grant_access(
    session: AsyncSession, actor: Actor, group_id: uuid.UUID, attorney_email: str
) -> Grant:
    if not _manages_grants_of(actor, group_id) or await session.get(Group, group_id) is None:
        raise NotFound("group", group_id)
    attorney = await session.scalar(
        select(User).where(User.email == normalize_email(attorney_email), User.role == "attorney")
    )
    if attorney is None:
        raise ValidationFailed.single("attorney_email", "no attorney account with this email")
    existing = await session.scalar(
        select(Grant).where(
            Grant.group_id == group_id,
            Grant.attorney_id == attorney.id,
            Grant.revoked_at.is_(None),
        )
    )
    if existing is not None:
        return existing
    grant = Grant(group_id=group_id, attorney_id=attorney.id, granted_by=actor.user_id)
    session.add(grant)
    try:
        await session.flush()
    except IntegrityError as error:
        raise NotFound("group", group_id) from error
    await record(
        session,
        actor_id=actor.user_id,
        action="grant.create",
        target_type="grant",
        target_id=grant.id,
        details={"group_id": str(group_id), "attorney_id": str(attorney.id)},
    )
    return grant


async def revoke_grant(session: AsyncSession, actor: Actor, grant_id: uuid.UUID) -> Grant:
    grant = await session.get(Grant, grant_id)
    if grant is None or not _manages_grants_of(actor, grant.group_id):
        raise NotFound("grant", grant_id)
    if grant.revoked_at is None:
        grant.revoked_at = utcnow()
        grant.revoked_by = actor.user_id
        await record(
            session,
            actor_id=actor.user_id,
            action="grant.revoke",
            target_type="grant",
            target_id=grant.id,
        )
    return grant


async def attorneys_of(session: AsyncSession, grants: Sequence[Grant]) -> dict[uuid.UUID, User]:
    """The attorney accounts named by grants the actor was already allowed to list."""
    ids = {grant.attorney_id for grant in grants}
    if not ids:
        return {}
    return {user.id: user for user in await session.scalars(select(User).where(User.id.in_(ids)))}
