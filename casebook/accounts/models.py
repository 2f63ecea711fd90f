"""Accounts: users, invitations, login sessions, API tokens, login failures and account keys."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from casebook.db import Base, IdMixin, utcnow

ROLES = ("organizer", "attorney", "researcher", "admin")
ROLE_CHECK = "role IN ('organizer', 'attorney', 'researcher', 'admin')"


class User(IdMixin, Base):
    __tablename__ = "users"
    __table_args__ = (CheckConstraint(ROLE_CHECK, name="role"),)

    email: Mapped[str] = mapped_column(String(254), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str] = mapped_column(String(255))
    locale: Mapped[str] = mapped_column(String(5), default="en")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    disabled_at: Mapped[datetime | None]


class Invitation(IdMixin, Base):
    __tablename__ = "invitations"
    __table_args__ = (
        CheckConstraint(ROLE_CHECK, name="role"),
        CheckConstraint("group_role IN ('coordinator', 'member')", name="group_role"),
    )

    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    email: Mapped[str] = mapped_column(String(254))
    role: Mapped[str] = mapped_column(String(20))
    group_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"))
    group_role: Mapped[str | None] = mapped_column(String(20))
    created_by: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    accepted_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]


class LoginSession(IdMixin, Base):
    __tablename__ = "login_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]


class ApiToken(IdMixin, Base):
    __tablename__ = "api_tokens"

    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    label: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]


class LoginFailure(IdMixin, Base):
    """A failed login, kept only as long as the throttling window needs it. Account and address
    are stored as keyed hashes so that a seized database does not list who tried from where."""

    __tablename__ = "login_failures"
    __table_args__ = (
        Index("ix_login_failures_account_at", "account_key", "failed_at"),
        Index("ix_login_failures_address_at", "address_key", "failed_at"),
    )

    account_key: Mapped[str] = mapped_column(String(64))
    address_key: Mapped[str] = mapped_column(String(64))
    failed_at: Mapped[datetime] = mapped_column(default=utcnow)


class AccountKeys(Base):
    """A user's client-made key material, opaque to the server (docs/crypto/keys-and-vaults.md):
    the Argon2id parameters the client derives with, the key bundle wrapped under the unwrap key
    and under the recovery key, and the public identity (also inside the bundle) kept in columns
    so that it can be served to others without parsing the bundle. Nothing here opens anything
    without the password *and* the Secret Key, which the server never receives."""

    __tablename__ = "account_keys"
    __table_args__ = (
        CheckConstraint("opslimit >= 3 AND opslimit <= 16", name="opslimit"),
        CheckConstraint("memlimit >= 268435456 AND memlimit <= 1073741824", name="memlimit"),
        CheckConstraint("bundle_version >= 1", name="bundle_version"),
        CheckConstraint("version >= 1", name="version"),
    )

    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    opslimit: Mapped[int]
    memlimit: Mapped[int]
    salt: Mapped[str] = mapped_column(String(22))
    bundle_version: Mapped[int]
    wrapped_bundle: Mapped[str] = mapped_column(Text)
    box_pk: Mapped[str] = mapped_column(String(43))
    sign_pk: Mapped[str] = mapped_column(String(43))
    signature: Mapped[str] = mapped_column(String(86))
    # argon2-cffi hash of the recovery login credential (derived from the recovery code).
    recovery_hash: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(default=1)
