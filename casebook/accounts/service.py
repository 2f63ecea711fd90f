"""Account management: admins created from the CLI, everyone else invited."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from casebook.access.actor import Actor
from casebook.accounts.credentials import normalize_email
from casebook.accounts.models import ROLES, Invitation, User
from casebook.accounts.passwords import password_problems
from casebook.accounts.tokens import digest, new_secret
from casebook.audit.log import record
from casebook.db import utcnow
from casebook.errors import FieldError, NotFound, ValidationFailed
from casebook.groups.models import Group, Membership
from casebook.runtime import Runtime
from casebook.vocabulary import LOCALES


async def create_user(
    session: AsyncSession,
    runtime: Runtime,
    *,
    email: str,
    display_name: str,
    role: str,
    password: str,
    created_by: uuid.UUID | None = None,
) -> User:
    email = normalize_email(email)
    problems = password_problems(password, runtime.policies.passwords, email)
    if role not in ROLES:
        problems.append(FieldError("role", f"must be one of {', '.join(ROLES)}"))
    if await session.scalar(select(User.id).where(User.email == email)):
        problems.append(FieldError("email", "an account with this email already exists"))
    if problems:
        raise ValidationFailed(problems)
    user = User(
        email=email,
        display_name=display_name.strip(),
        role=role,
        password_hash=await runtime.hasher.hash(password),
    )
    session.add(user)
    await session.flush()
    await record(
        session,
        actor_id=created_by,
        action="user.create",
        target_type="user",
        target_id=user.id,
        details={"role": role},
    )
    return user


async def invite(
    session: AsyncSession,
    runtime: Runtime,
    actor: Actor,
    *,
    email: str,
    role: str,
    group_id: uuid.UUID | None = None,
    group_role: str | None = None,
) -> tuple[Invitation, str]:
    email = normalize_email(email)
    problems = []
    if role not in ROLES:
        problems.append(FieldError("role", f"must be one of {', '.join(ROLES)}"))
    if await session.scalar(select(User.id).where(User.email == email)):
        problems.append(FieldError("email", "an account with this email already exists"))
    if group_id is not None and await session.get(Group, group_id) is None:
        problems.append(FieldError("group_id", "no such group"))
    if (group_id is None) != (group_role is None):
        problems.append(FieldError("group_role", "give group_id and group_role together"))
    if group_id is not None and role != "organizer":
        problems.append(FieldError("group_id", "only organizers join a group by invitation"))
    if problems:
        raise ValidationFailed(problems)
    token = new_secret("cbi")
    invitation = Invitation(
        token_hash=digest(token),
        email=email,
        role=role,
        group_id=group_id,
        group_role=group_role,
        created_by=actor.user_id,
        expires_at=utcnow() + runtime.policies.sessions.invitation_lifetime,
    )
    session.add(invitation)
    await session.flush()
    await record(
        session,
        actor_id=actor.user_id,
        action="invitation.create",
        target_type="invitation",
        target_id=invitation.id,
        details={"role": role, "group_id": None if group_id is None else str(group_id)},
    )
    return invitation, token


async def accept_invitation(
    session: AsyncSession, runtime: Runtime, *, token: str, display_name: str, password: str
) -> User:
    invitation = await session.scalar(
        select(Invitation).where(Invitation.token_hash == digest(token))
    )
    if (
        invitation is None
        or invitation.accepted_at is not None
        or invitation.revoked_at is not None
        or invitation.expires_at <= utcnow()
    ):
        raise ValidationFailed.single("token", "this invitation is invalid, used or expired")
    user = await create_user(
        session,
        runtime,
        email=invitation.email,
        display_name=display_name,
        role=invitation.role,
        password=password,
        created_by=invitation.created_by,
    )
    invitation.accepted_at = utcnow()
    if invitation.group_id is not None and invitation.group_role is not None:
        session.add(
            Membership(group_id=invitation.group_id, user_id=user.id, role=invitation.group_role)
        )
    await record(
        session,
        actor_id=user.id,
        action="invitation.accept",
        target_type="invitation",
        target_id=invitation.id,
    )
    return user


async def list_invitations(session: AsyncSession) -> list[Invitation]:
    return list(await session.scalars(select(Invitation).order_by(Invitation.created_at.desc())))


async def list_users(session: AsyncSession) -> list[User]:
    return list(await session.scalars(select(User).order_by(User.email)))


async def disable_user(session: AsyncSession, actor: Actor, user_id: uuid.UUID) -> User:
    user = await session.get(User, user_id)
    if user is None:
        raise NotFound("user", user_id)
    if user.id == actor.user_id:
        raise ValidationFailed.single("user_id", "you cannot disable your own account")
    if user.disabled_at is None:
        user.disabled_at = utcnow()
        await record(
            session,
            actor_id=actor.user_id,
            action="user.disable",
            target_type="user",
            target_id=user.id,
        )
    return user


async def set_locale(session: AsyncSession, actor: Actor, locale: str) -> None:
    """The language one's pages are shown in."""
    if locale not in LOCALES:
        raise ValidationFailed.single("locale", "choose one of the languages offered")
    user = await session.get(User, actor.user_id)
    if user is None:
        raise NotFound("user", actor.user_id)
    if user.locale != locale:
        user.locale = locale
        await record(session, actor_id=actor.user_id, action="account.locale")
