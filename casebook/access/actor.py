"""The acting user with their permissions and the groups their permissions reach."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from casebook.access.policy import Policies
from casebook.accounts.models import User
from casebook.groups.models import Grant, Membership


@dataclass(frozen=True)
class Actor:
    user_id: uuid.UUID
    role: str
    email: str
    permissions: frozenset[str]
    memberships: Mapping[uuid.UUID, str]
    granted_groups: frozenset[uuid.UUID]
    locale: str = "en"

    def can(self, permission: str) -> bool:
        return permission in self.permissions

    @property
    def member_groups(self) -> frozenset[uuid.UUID]:
        return frozenset(self.memberships)

    @property
    def readable_groups(self) -> frozenset[uuid.UUID]:
        """Groups whose records this actor may read: their own, plus those that granted them."""
        return self.member_groups | self.granted_groups

    def may_write_for(self, group_id: uuid.UUID) -> bool:
        return group_id in self.memberships


async def load_actor(session: AsyncSession, user: User, policies: Policies) -> Actor:
    memberships = (
        await session.execute(
            select(Membership.group_id, Membership.role).where(Membership.user_id == user.id)
        )
    ).all()
    granted: frozenset[uuid.UUID] = frozenset()
    if user.role == "attorney":
        granted = frozenset(
            await session.scalars(
                select(Grant.group_id).where(
                    Grant.attorney_id == user.id, Grant.revoked_at.is_(None)
                )
            )
        )
    return Actor(
        user_id=user.id,
        role=user.role,
        email=user.email,
        permissions=policies.permissions_of(user.role),
        memberships=dict(memberships),
        granted_groups=granted,
        locale=user.locale,
    )
