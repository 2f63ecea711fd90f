"""Password rules and argon2id hashing (RFC 9106 parameters from policy)."""

from __future__ import annotations

import functools
import secrets
import unicodedata
from pathlib import Path

import argon2
import argon2.profiles
from anyio import to_thread

from casebook.access.policy import PasswordPolicy
from casebook.errors import FieldError

COMMON_PASSWORDS_FILE = Path(__file__).with_name("common_passwords.txt")


@functools.cache
def common_passwords() -> frozenset[str]:
    lines = COMMON_PASSWORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line for line in lines if line and not line.startswith("#"))


def password_problems(password: str, policy: PasswordPolicy, email: str = "") -> list[FieldError]:
    """What is wrong with a new password, as messages for the `password` field."""
    length = len(unicodedata.normalize("NFC", password))
    if length < policy.min_length:
        return [_problem(f"must be at least {policy.min_length} characters long")]
    if length > policy.max_length:
        return [_problem(f"must be at most {policy.max_length} characters long")]
    lowered = password.lower()
    if lowered in common_passwords() or _is_repetition(lowered):
        return [_problem("is too common or too easy to guess; try a few unrelated words")]
    if email and email.split("@")[0].lower() in lowered and len(email.split("@")[0]) >= 4:
        return [_problem("must not contain your email address")]
    return []


def _problem(message: str) -> FieldError:
    return FieldError("password", message)


def _is_repetition(text: str) -> bool:
    """'aaaaaaaaaaaaaaa', 'abcabcabcabcabc', 'passwordpassword': one short unit repeated."""
    for size in range(1, len(text) // 2 + 1):
        if len(text) % size == 0 and text[:size] * (len(text) // size) == text:
            return size <= 8 or text[:size] in common_passwords()
    return False


class PasswordHasher:
    """argon2id with the policy's profile; hashing runs off the event loop."""

    def __init__(self, policy: PasswordPolicy) -> None:
        profile = getattr(argon2.profiles, policy.hash_profile)
        self._hasher = argon2.PasswordHasher.from_parameters(profile)
        self._dummy_hash: str | None = None

    async def hash(self, password: str) -> str:
        return await to_thread.run_sync(self._hasher.hash, _normalize(password))

    async def verify(self, password_hash: str | None, password: str) -> bool:
        """With no hash (unknown account) the work is still done against a dummy hash, so that
        timing does not tell whether an account exists."""
        if password_hash is None:
            if self._dummy_hash is None:
                self._dummy_hash = await self.hash(secrets.token_urlsafe(16))
            await to_thread.run_sync(self._verify, self._dummy_hash, _normalize(password))
            return False
        return await to_thread.run_sync(self._verify, password_hash, _normalize(password))

    def needs_rehash(self, password_hash: str) -> bool:
        return self._hasher.check_needs_rehash(password_hash)

    def _verify(self, password_hash: str, password: str) -> bool:
        try:
            return self._hasher.verify(password_hash, password)
        except (argon2.exceptions.VerificationError, argon2.exceptions.InvalidHashError):
            return False


def _normalize(password: str) -> str:
    return unicodedata.normalize("NFC", password)
