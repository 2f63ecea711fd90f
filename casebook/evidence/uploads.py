"""Streaming an attachment's ciphertext into the blob store.

A multi-gigabyte upload must neither sit in memory nor hold a database transaction (on SQLite
that would block every writer for minutes). So: a short transaction checks that the upload is
the actor's and still pending; the body streams into the blob store, which writes a temporary
file (or multipart upload), makes it durable and only then gives it its random name; a second
short transaction points the attachment at the new blob. A broken connection leaves no blob and
the attachment pending; a blob whose commit never happened is an orphan for the sweep. A second
upload replaces the first, whose blob is then deleted."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import AsyncIterator
from typing import Any

from litestar import Request
from litestar.exceptions import ClientException, HTTPException, InternalServerException

from casebook.access.actor import Actor
from casebook.audit.log import record
from casebook.db import transaction
from casebook.errors import DomainError, Stale
from casebook.evidence.access import own_upload
from casebook.evidence.blobs import BlobError, BlobTooLarge, StoredBlob
from casebook.runtime import Runtime


class LengthRequired(HTTPException):
    status_code = 411


class ContentTooLarge(HTTPException):
    status_code = 413


async def body_of(request: Request[Any, Any, Any]) -> AsyncIterator[bytes]:
    """The request body as it arrives. Litestar reports a client that went away mid-body as a
    server error; here it is what it is, an incomplete request."""
    try:
        async for chunk in request.stream():
            if chunk:
                yield chunk
    except InternalServerException as error:
        raise ClientException(
            detail="the connection closed before the whole body arrived"
        ) from error


async def upload(
    runtime: Runtime,
    actor: Actor,
    attachment_id: uuid.UUID,
    content_length: int | None,
    chunks: AsyncIterator[bytes],
) -> None:
    async with transaction(runtime.sessions) as session:
        attachment = await own_upload(session, actor, attachment_id)
        _require_pending(attachment.state)
        size = attachment.ciphertext_size
    _check_length(content_length, size)
    try:
        stored = await runtime.blobs.write(chunks, max_bytes=size)
    except BlobTooLarge as error:
        raise ContentTooLarge(detail=f"the attachment was declared as {size} bytes") from error
    if stored.size != size:
        await runtime.blobs.delete(stored.name)
        raise ClientException(detail=f"the body ended after {stored.size} of {size} bytes")
    replaced = await _attach(runtime, actor, attachment_id, stored)
    if replaced is not None:
        # Committed already: a failure here only leaves an orphan for the sweep.
        with contextlib.suppress(BlobError, OSError):
            await runtime.blobs.delete(replaced)


def _check_length(content_length: int | None, size: int) -> None:
    """Refuse before reading a byte: the body must be exactly the declared ciphertext."""
    if content_length is None:
        raise LengthRequired(detail="send the ciphertext with a Content-Length header")
    if content_length > size:
        raise ContentTooLarge(detail=f"the attachment was declared as {size} bytes")
    if content_length != size:
        raise ClientException(detail=f"Content-Length must be the declared size, {size} bytes")


async def _attach(
    runtime: Runtime, actor: Actor, attachment_id: uuid.UUID, stored: StoredBlob
) -> str | None:
    """Point the attachment at the new blob; return the name of the blob it replaces. If the
    attachment was completed or taken away meanwhile, the new blob is deleted again."""
    try:
        async with transaction(runtime.sessions) as session:
            attachment = await own_upload(session, actor, attachment_id, lock=True)
            _require_pending(attachment.state)
            replaced, attachment.blob_name = attachment.blob_name, stored.name
            await record(
                session,
                actor_id=actor.user_id,
                action="evidence.upload",
                target_type="attachment",
                target_id=attachment_id,
                details={"bytes": stored.size},
            )
    except DomainError:
        await runtime.blobs.delete(stored.name)
        raise
    return replaced


def _require_pending(state: str) -> None:
    if state != "pending":
        raise Stale("attachment", state=state)
