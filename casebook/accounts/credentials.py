"""The one place a login secret is checked against an account.

Failures are committed in their own transaction so that throttling and the audit trail
survive the error response that follows."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from casebook.accounts.models import User
from casebook.accounts.throttle import LoginAttempt, check_throttle, record_failure
from casebook.audit.log import record
from casebook.db import transaction
from casebook.errors import InvalidCredentials
from casebook.runtime import Runtime


def normalize_email(email: str) -> str:
    return email.strip().lower()


async def check_credentials(runtime: Runtime, email: str, secret: str, address: str) -> User:
    """Return the account if `secret` opens it; otherwise raise InvalidCredentials (the same
    answer for an unknown account, a wrong secret and a disabled account) or TooManyAttempts."""
    attempt = LoginAttempt.of(runtime.secret, email, address)
    async with transaction(runtime.sessions) as session:
        await check_throttle(session, attempt, runtime.policies.sessions)
        user = await _find(session, email)
        stored = user.password_hash if user else None
        valid = await runtime.hasher.verify(stored, secret)
        if valid and user is not None and user.disabled_at is None:
            if runtime.hasher.needs_rehash(user.password_hash):
                user.password_hash = await runtime.hasher.hash(secret)
            return user
    async with transaction(runtime.sessions) as session:
        await record_failure(session, attempt)
        await record(
            session,
            actor_id=user.id if user else None,
            action="auth.login",
            outcome="failed",
            details={"known_account": user is not None},
        )
    raise InvalidCredentials()


async def _find(session: AsyncSession, email: str) -> User | None:
    return await session.scalar(select(User).where(User.email == normalize_email(email)))
