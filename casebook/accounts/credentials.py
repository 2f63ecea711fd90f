"""The one place a login secret is checked against an account.

An account has up to two login secrets: the login secret proper (the password until the
account enrols its keys, then the credential the client derives from password and Secret Key)
and, once enrolled, the recovery credential derived from the recovery code. Both are checked
here, behind the same throttle, with the same answer for every way of failing.

Failures are committed in their own transaction so that throttling and the audit trail
survive the error response that follows."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from casebook.accounts.models import AccountKeys, User
from casebook.accounts.throttle import LoginAttempt, check_throttle, record_failure
from casebook.audit.log import record
from casebook.db import transaction
from casebook.errors import InvalidCredentials
from casebook.runtime import Runtime

SecretKind = Literal["login", "recovery"]
LOGIN: tuple[SecretKind, ...] = ("login",)
RECOVERY: tuple[SecretKind, ...] = ("recovery",)


def normalize_email(email: str) -> str:
    return email.strip().lower()


@dataclass(frozen=True)
class _Account:
    user: User | None
    keys: AccountKeys | None

    def stored_hash(self, kind: SecretKind) -> str | None:
        if kind == "login":
            return self.user.password_hash if self.user else None
        return self.keys.recovery_hash if self.keys else None

    def replace_hash(self, kind: SecretKind, value: str) -> None:
        if kind == "login" and self.user is not None:
            self.user.password_hash = value
        elif self.keys is not None:
            self.keys.recovery_hash = value


async def check_credentials(
    runtime: Runtime,
    email: str,
    secret: str,
    address: str,
    *,
    kinds: tuple[SecretKind, ...] = LOGIN,
) -> User:
    """Return the account if `secret` is one of its secrets of the given kinds; otherwise
    raise InvalidCredentials (the same answer for an unknown account, a wrong secret, a
    disabled account and an account without a secret of that kind: the same query and the
    same number of hash checks run on every path) or TooManyAttempts."""
    attempt = LoginAttempt.of(runtime.secret, email, address)
    async with transaction(runtime.sessions) as session:
        await check_throttle(session, attempt, runtime.policies.sessions)
        account = await _find(session, email)
        for kind in kinds:
            stored = account.stored_hash(kind)
            valid = await runtime.hasher.verify(stored, secret)
            user = account.user
            if valid and stored is not None and user is not None and user.disabled_at is None:
                if runtime.hasher.needs_rehash(stored):
                    account.replace_hash(kind, await runtime.hasher.hash(secret))
                return user
    async with transaction(runtime.sessions) as session:
        await record_failure(session, attempt)
        await record(
            session,
            actor_id=account.user.id if account.user else None,
            action="auth.login",
            outcome="failed",
            details={"known_account": account.user is not None, "secret": "+".join(kinds)},
        )
    raise InvalidCredentials()


async def _find(session: AsyncSession, email: str) -> _Account:
    row = (
        await session.execute(
            select(User, AccountKeys)
            .outerjoin(AccountKeys, AccountKeys.user_id == User.id)
            .where(User.email == normalize_email(email))
        )
    ).one_or_none()
    return _Account(None, None) if row is None else _Account(row[0], row[1])
