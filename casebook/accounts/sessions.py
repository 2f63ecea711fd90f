"""Browser login sessions: a fresh random token at every login, stored only as its hash."""

from __future__ import annotations

from litestar.datastructures import Cookie
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from casebook.access.policy import SessionPolicy
from casebook.accounts.models import LoginSession, User
from casebook.accounts.tokens import digest, keyed_digest, new_secret
from casebook.db import utcnow

SESSION_COOKIE = "__Host-casebook-session"
CSRF_HEADER = "X-CSRF-Token"
_TOUCH_INTERVAL_SECONDS = 60


async def open_session(session: AsyncSession, user: User, policy: SessionPolicy) -> str:
    """Mint a new session for `user` and return its token (never a client-chosen id)."""
    token = new_secret("cbs")
    now = utcnow()
    session.add(
        LoginSession(
            token_hash=digest(token),
            user_id=user.id,
            created_at=now,
            last_seen_at=now,
            expires_at=now + policy.absolute_timeout,
        )
    )
    await session.flush()
    return token


async def resolve_session(session: AsyncSession, token: str, policy: SessionPolicy) -> User | None:
    """The session's user if the session is open, not idle too long and not past its end."""
    now = utcnow()
    row = (
        await session.execute(
            select(LoginSession, User)
            .join(User, User.id == LoginSession.user_id)
            .where(LoginSession.token_hash == digest(token), LoginSession.revoked_at.is_(None))
        )
    ).first()
    if row is None:
        return None
    login, user = row
    if login.expires_at <= now or login.last_seen_at + policy.idle_timeout <= now:
        return None
    if user.disabled_at is not None:
        return None
    if (now - login.last_seen_at).total_seconds() > _TOUCH_INTERVAL_SECONDS:
        login.last_seen_at = now
    return user


async def close_session(session: AsyncSession, token: str) -> None:
    await session.execute(
        update(LoginSession)
        .where(LoginSession.token_hash == digest(token), LoginSession.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )


def csrf_token(secret: bytes, session_token: str) -> str:
    """Bound to one session: useless to anyone who cannot read that session's cookie."""
    return keyed_digest(secret, "csrf", session_token)


def session_cookie(value: str, *, max_age: int) -> Cookie:
    """`__Host-` cookie: HTTPS only, whole site, no Domain; invisible to scripts and to
    requests from other sites."""
    return Cookie(
        key=SESSION_COOKIE,
        value=value,
        path="/",
        secure=True,
        httponly=True,
        samesite="strict",
        max_age=max_age,
    )
