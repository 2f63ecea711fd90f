"""Vaults, their membership logs and published generations, and encrypted attachments.

Everything here is what clients made and sealed (docs/crypto/): signed log entries and published
generations are stored as the JSON text the client sent, attachments' envelopes and manifests as
base64 text, ciphertext as a blob named at random. The server holds no key that opens any of it.
`vault_members` is derived: the readers and writers the log names, replayed from its plain JSON
so that access checks are one indexed query."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from casebook.db import Base, IdMixin, utcnow

MEMBER_ROLES = ("reader", "writer")
ATTACHMENT_STATES = ("pending", "complete")


class Vault(Base):
    """A group's vault. Its id is chosen by the client: it is sealed into every generation key
    and attachment preamble before the server sees it."""

    __tablename__ = "vaults"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    group_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("groups.id", ondelete="RESTRICT"), unique=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class VaultLogEntry(Base):
    __tablename__ = "vault_log_entries"

    vault_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("vaults.id", ondelete="CASCADE"), primary_key=True
    )
    seq: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    signed_entry: Mapped[str] = mapped_column(Text)
    entry_hash: Mapped[str] = mapped_column(String(43))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class VaultGeneration(Base):
    __tablename__ = "vault_generations"

    vault_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("vaults.id", ondelete="CASCADE"), primary_key=True
    )
    generation: Mapped[int] = mapped_column(primary_key=True)
    published: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class VaultMember(Base):
    __tablename__ = "vault_members"
    __table_args__ = (CheckConstraint("role IN ('reader', 'writer')", name="role"),)

    vault_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("vaults.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    role: Mapped[str] = mapped_column(String(6), primary_key=True)


class Attachment(IdMixin, Base):
    """Pending until its ciphertext is uploaded and its envelope and manifest are stored."""

    __tablename__ = "attachments"
    __table_args__ = (
        CheckConstraint("state IN ('pending', 'complete')", name="state"),
        CheckConstraint("ciphertext_size > 0", name="ciphertext_size"),
        Index("ix_attachments_incident_state", "incident_id", "state", "created_at"),
        Index("ix_attachments_state_created", "state", "created_at"),
    )

    incident_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("incidents.id", ondelete="RESTRICT"))
    vault_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("vaults.id", ondelete="RESTRICT"))
    generation: Mapped[int]
    ciphertext_size: Mapped[int] = mapped_column(BigInteger)
    uploader_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    blob_name: Mapped[str | None] = mapped_column(String(64), unique=True)
    envelope: Mapped[str | None] = mapped_column(Text)
    manifest: Mapped[str | None] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(8), default="pending")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    completed_at: Mapped[datetime | None]
