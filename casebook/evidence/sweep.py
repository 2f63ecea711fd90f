"""Removing what interrupted uploads leave behind: attachments still pending a day after they were
started (with their blobs), and blobs no attachment names (a crash between storing a blob and
committing its row, a replaced upload whose deletion failed). Run at server start and by
`casebook db sweep`.

The day of grace also covers blob-store leftovers (temporary files, unfinished multipart uploads):
an upload in progress is never older than that, and a blob is only removed if no attachment names
it at the moment of removal."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, select

from casebook.audit.log import record
from casebook.db import transaction, utcnow
from casebook.evidence.models import Attachment
from casebook.runtime import Runtime

logger = logging.getLogger(__name__)

STALE_AFTER = timedelta(days=1)


@dataclass(frozen=True)
class SweepResult:
    pending_attachments: int
    blobs: int


async def sweep(runtime: Runtime, *, older_than: timedelta = STALE_AFTER) -> SweepResult:
    removed, their_blobs = await _remove_stale_pending(runtime, older_than)
    for name in their_blobs:
        await runtime.blobs.delete(name)

    async def named(blob_name: str) -> bool:
        async with transaction(runtime.sessions) as session:
            found = await session.scalar(
                select(Attachment.id).where(Attachment.blob_name == blob_name)
            )
        return found is not None

    orphans = await runtime.blobs.sweep(named, older_than=older_than)
    return SweepResult(pending_attachments=removed, blobs=len(orphans) + len(their_blobs))


async def _remove_stale_pending(runtime: Runtime, older_than: timedelta) -> tuple[int, list[str]]:
    """Delete pending attachments started before the cutoff; return how many, and their blobs."""
    cutoff = utcnow() - older_than
    async with transaction(runtime.sessions) as session:
        rows = (
            await session.execute(
                select(Attachment.id, Attachment.blob_name).where(
                    Attachment.state == "pending", Attachment.created_at < cutoff
                )
            )
        ).all()
        if rows:
            await session.execute(delete(Attachment).where(Attachment.id.in_([r.id for r in rows])))
            await record(
                session,
                actor_id=None,
                action="evidence.sweep",
                details={"pending_attachments": len(rows)},
            )
    return len(rows), [row.blob_name for row in rows if row.blob_name is not None]


async def sweep_at_start(runtime: Runtime) -> None:
    """The start-up sweep: runs beside the server, and a failure only gets logged."""
    try:
        result = await sweep(runtime)
    except Exception as error:  # the server serves without it; the next start tries again
        logger.error("the evidence sweep failed: %s", type(error).__name__)
        return
    if result.pending_attachments or result.blobs:
        logger.info(
            "evidence sweep removed %d abandoned uploads and %d orphaned blobs",
            result.pending_attachments,
            result.blobs,
        )
