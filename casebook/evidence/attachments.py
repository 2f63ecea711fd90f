"""Encrypted attachments of incidents: started by a writer, completed once their ciphertext is
stored, then listed to whoever may read the incident and opened only by the vault's readers.

The server chooses the attachment id (clients bind it into the preamble, envelope and manifest)
and stores the envelope and manifest as opaque base64. Pending attachments are invisible to
every list and read. Audit events name the attachment and never hold its contents."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from casebook.access.actor import Actor
from casebook.audit.log import record
from casebook.db import utcnow
from casebook.encoding import EncodingError, b64decode
from casebook.errors import FieldError, Stale, ValidationFailed
from casebook.evidence.access import own_upload, readable_attachment, writable_incident
from casebook.evidence.models import Attachment, VaultGeneration
from casebook.incidents.service import INCIDENTS
from casebook.runtime import Runtime


async def start(
    session: AsyncSession,
    runtime: Runtime,
    actor: Actor,
    incident_id: uuid.UUID,
    *,
    ciphertext_size: int,
    generation: int,
) -> Attachment:
    _, vault = await writable_incident(session, actor, incident_id)
    limit = runtime.settings.max_attachment_bytes
    if ciphertext_size > limit:
        raise ValidationFailed.single("ciphertext_size", f"must be at most {limit} bytes")
    await _require_current(session, vault.id, generation)
    attachment = Attachment(
        incident_id=incident_id,
        vault_id=vault.id,
        generation=generation,
        ciphertext_size=ciphertext_size,
        uploader_id=actor.user_id,
        state="pending",
    )
    session.add(attachment)
    await session.flush()
    await _audit(session, actor, "evidence.start", attachment)
    return attachment


async def complete(
    session: AsyncSession, actor: Actor, attachment_id: uuid.UUID, *, envelope: str, manifest: str
) -> Attachment:
    """Store the envelope and manifest and make the attachment visible. The generation must
    still be the vault's newest: evidence is never sealed to a generation that a removed
    reader can open."""
    attachment = await own_upload(session, actor, attachment_id, lock=True)
    problems = _base64_problems(envelope=envelope, manifest=manifest)
    if problems:
        raise ValidationFailed(problems)
    if attachment.state != "pending":
        raise Stale("attachment", state=attachment.state)
    if attachment.blob_name is None:
        raise ValidationFailed.single("content", "upload the ciphertext first")
    await _require_current(session, attachment.vault_id, attachment.generation)
    attachment.envelope = envelope
    attachment.manifest = manifest
    attachment.state = "complete"
    attachment.completed_at = utcnow()
    await _audit(session, actor, "evidence.complete", attachment)
    return attachment


async def list_for_incident(
    session: AsyncSession, actor: Actor, incident_id: uuid.UUID
) -> list[Attachment]:
    await INCIDENTS.load(session, actor, incident_id)
    attachments = list(
        await session.scalars(
            select(Attachment)
            .where(Attachment.incident_id == incident_id, Attachment.state == "complete")
            .order_by(Attachment.created_at, Attachment.id)
        )
    )
    await record(
        session,
        actor_id=actor.user_id,
        action="evidence.list",
        target_type="incident",
        target_id=incident_id,
        details={"count": len(attachments)},
    )
    return attachments


async def read(session: AsyncSession, actor: Actor, attachment_id: uuid.UUID) -> Attachment:
    attachment = await readable_attachment(session, actor, attachment_id)
    await _audit(session, actor, "evidence.read", attachment)
    return attachment


async def open_content(
    session: AsyncSession, runtime: Runtime, actor: Actor, attachment_id: uuid.UUID
) -> tuple[Attachment, AsyncIterator[bytes]]:
    """The attachment and its ciphertext as a stream of chunks (read after the request's
    transaction ends, so a long download holds no database lock)."""
    attachment = await readable_attachment(session, actor, attachment_id)
    assert attachment.blob_name is not None  # complete attachments have content
    chunks = await runtime.blobs.open(attachment.blob_name)
    await _audit(session, actor, "evidence.download", attachment)
    return attachment, chunks


def _base64_problems(**values: str) -> list[FieldError]:
    problems = []
    for field, value in values.items():
        try:
            b64decode(value)
        except EncodingError:
            problems.append(FieldError(field, "must be URL-safe base64 without padding"))
    return problems


async def _require_current(session: AsyncSession, vault_id: uuid.UUID, generation: int) -> None:
    current = await session.scalar(
        select(func.max(VaultGeneration.generation)).where(VaultGeneration.vault_id == vault_id)
    )
    if generation != current:
        raise Stale("vault generation", current_generation=current or 0)


async def _audit(session: AsyncSession, actor: Actor, action: str, attachment: Attachment) -> None:
    await record(
        session,
        actor_id=actor.user_id,
        action=action,
        target_type="attachment",
        target_id=attachment.id,
        details={"incident_id": str(attachment.incident_id)},
    )
