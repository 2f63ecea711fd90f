"""Bearer secrets (session cookies, API tokens, invitations): random, shown once, stored hashed."""

from __future__ import annotations

import hashlib
import hmac
import secrets


def new_secret(prefix: str) -> str:
    return f"{prefix}_{secrets.token_urlsafe(32)}"


def digest(secret: str) -> str:
    """Secrets carry 256 random bits: a plain SHA-256 makes a seized table useless."""
    return hashlib.sha256(secret.encode()).hexdigest()


def keyed_digest(key: bytes, purpose: str, value: str) -> str:
    return hmac.new(key, f"{purpose}\0{value}".encode(), hashlib.sha256).hexdigest()


def same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())
