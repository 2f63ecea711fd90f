"""Login throttling: failed logins counted per account and per network address."""

from __future__ import annotations

import math
from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from casebook.access.policy import SessionPolicy
from casebook.accounts.models import LoginFailure
from casebook.accounts.tokens import keyed_digest
from casebook.db import utcnow
from casebook.errors import TooManyAttempts


@dataclass(frozen=True)
class LoginAttempt:
    account_key: str
    address_key: str

    @classmethod
    def of(cls, secret: bytes, email: str, address: str) -> LoginAttempt:
        return cls(
            keyed_digest(secret, "throttle-account", email.strip().lower()),
            keyed_digest(secret, "throttle-address", address),
        )


async def check_throttle(
    session: AsyncSession, attempt: LoginAttempt, policy: SessionPolicy
) -> None:
    """Raise TooManyAttempts while either counter is at its limit."""
    since = utcnow() - policy.throttle_window
    await session.execute(delete(LoginFailure).where(LoginFailure.failed_at < since))
    for column, key, limit in (
        (LoginFailure.account_key, attempt.account_key, policy.max_failures_per_account),
        (LoginFailure.address_key, attempt.address_key, policy.max_failures_per_address),
    ):
        count, oldest = (
            await session.execute(
                select(func.count(), func.min(LoginFailure.failed_at)).where(
                    column == key, LoginFailure.failed_at >= since
                )
            )
        ).one()
        if count >= limit:
            wait = (oldest + policy.throttle_window - utcnow()).total_seconds()
            raise TooManyAttempts(max(1, math.ceil(wait)))


async def record_failure(session: AsyncSession, attempt: LoginAttempt) -> None:
    session.add(LoginFailure(account_key=attempt.account_key, address_key=attempt.address_key))
    await session.flush()
