"""API tokens for the CLI: shown once at creation, stored only as their hash."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from casebook.access.policy import SessionPolicy
from casebook.accounts.models import ApiToken, User
from casebook.accounts.tokens import digest, new_secret
from casebook.db import utcnow
from casebook.errors import NotFound

_TOUCH_INTERVAL_SECONDS = 300


async def issue_token(
    session: AsyncSession, user: User, label: str, policy: SessionPolicy
) -> tuple[ApiToken, str]:
    secret = new_secret("cbt")
    token = ApiToken(
        token_hash=digest(secret),
        user_id=user.id,
        label=label,
        expires_at=utcnow() + policy.api_token_lifetime,
    )
    session.add(token)
    await session.flush()
    return token, secret


async def resolve_token(session: AsyncSession, secret: str) -> User | None:
    now = utcnow()
    row = (
        await session.execute(
            select(ApiToken, User)
            .join(User, User.id == ApiToken.user_id)
            .where(
                ApiToken.token_hash == digest(secret),
                ApiToken.revoked_at.is_(None),
                ApiToken.expires_at > now,
                User.disabled_at.is_(None),
            )
        )
    ).first()
    if row is None:
        return None
    token, user = row
    if token.last_used_at is None or _older_than(token.last_used_at, now):
        token.last_used_at = now
    return user


def _older_than(moment: datetime, now: datetime) -> bool:
    return (now - moment).total_seconds() > _TOUCH_INTERVAL_SECONDS


async def list_tokens(session: AsyncSession, user_id: uuid.UUID) -> list[ApiToken]:
    result = await session.scalars(
        select(ApiToken)
        .where(ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None))
        .order_by(ApiToken.created_at)
    )
    return list(result)


async def revoke_token(session: AsyncSession, user_id: uuid.UUID, token_id: uuid.UUID) -> None:
    token = await session.get(ApiToken, token_id)
    if token is None or token.user_id != user_id or token.revoked_at is not None:
        raise NotFound("api_token", token_id)
    token.revoked_at = utcnow()
