"""The sweep removes abandoned uploads (pending a day after they started, with their blobs) and
blobs no attachment names, and leaves everything else alone; `casebook db sweep` runs it."""

from __future__ import annotations

import asyncio
import os
import time
import uuid
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from litestar.testing import AsyncTestClient
from sqlalchemy import select, update

from casebook.app import create_app
from casebook.cli.main import cli
from casebook.config import Settings
from casebook.db import transaction, utcnow
from casebook.evidence.blobs import new_blob_name
from casebook.evidence.blobs.local import LocalBlobStore
from casebook.evidence.models import Attachment
from casebook.evidence.sweep import sweep
from casebook.runtime import Runtime
from tests.conftest import BASE_URL, World
from tests.evidence.builders import Client, Member, VaultMaker, upload, vault_path

TWO_DAYS = 2 * 24 * 3600


async def _blob(runtime: Runtime, content: bytes = b"ciphertext") -> str:
    async def chunks() -> AsyncIterator[bytes]:
        yield content

    return (await runtime.blobs.write(chunks(), max_bytes=len(content))).name


def _age(runtime: Runtime, name: str) -> None:
    """Make a local blob look two days old."""
    assert isinstance(runtime.blobs, LocalBlobStore)
    then = time.time() - TWO_DAYS
    os.utime(runtime.blobs.path(name), (then, then))


async def _names(runtime: Runtime) -> set[str]:
    return {name async for name in runtime.blobs.names()}


async def _pending(client: Client, member: Member, incident_id: str, content: bytes) -> str:
    started = await client.post(
        f"/api/v1/incidents/{incident_id}/attachments",
        json={"ciphertext_size": len(content), "generation": 1},
        headers=member.account.headers,
    )
    assert started.status_code == 201, started.text
    attachment_id: str = started.json()["id"]
    put = await client.put(
        f"/api/v1/attachments/{attachment_id}/content",
        content=content,
        headers=member.account.headers,
    )
    assert put.status_code == 204, put.text
    return attachment_id


async def test_the_sweep_removes_abandoned_uploads_and_orphans_only(
    client: Client, world: World, runtime: Runtime
) -> None:
    group = await world.group()
    member = Member.of(await world.account("organizer", groups={group: "coordinator"}))
    maker, body = VaultMaker.new(group.id, readers=[member], writers=[member])
    assert (
        await client.post(vault_path(group.id), json=body, headers=member.account.headers)
    ).status_code == 201
    incident = await client.post(
        "/api/v1/incidents",
        json={"group_id": str(group.id), "occurred_on": "2024-04-02", "tactics": ["stakeout"]},
        headers=member.account.headers,
    )
    incident_id = incident.json()["id"]
    complete, _ = await upload(client, member, incident_id, maker)
    stale = await _pending(client, member, incident_id, b"abandoned")
    fresh = await _pending(client, member, incident_id, b"in progress")
    orphan, young_orphan = await _blob(runtime), await _blob(runtime)
    async with transaction(runtime.sessions) as session:
        await session.execute(
            update(Attachment)
            .where(Attachment.id == uuid.UUID(stale))
            .values(created_at=utcnow() - timedelta(days=2))
        )
        blobs = dict((await session.execute(select(Attachment.id, Attachment.blob_name))).all())
    for name in (orphan, *blobs.values()):
        assert name is not None
        _age(runtime, name)

    result = await sweep(runtime)

    assert (result.pending_attachments, result.blobs) == (1, 2)
    async with transaction(runtime.sessions) as session:
        remaining = set(await session.scalars(select(Attachment.id)))
    assert remaining == {uuid.UUID(complete["id"]), uuid.UUID(fresh)}
    assert await _names(runtime) == {
        blobs[uuid.UUID(complete["id"])],
        blobs[uuid.UUID(fresh)],
        young_orphan,
    }
    assert (await sweep(runtime)).blobs == 0


async def test_the_server_sweeps_when_it_starts(settings: Settings, runtime: Runtime) -> None:
    orphan = await _blob(runtime)
    _age(runtime, orphan)
    async with AsyncTestClient(create_app(settings), base_url=BASE_URL):
        for _ in range(200):
            if orphan not in await _names(runtime):
                break
            await asyncio.sleep(0.05)
    assert orphan not in await _names(runtime)


def test_casebook_db_sweep(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith("CASEBOOK_") and not name.startswith("CASEBOOK_TEST_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("CASEBOOK_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("CASEBOOK_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("CASEBOOK_SECRET_KEY", settings.secret_key_hex or "")
    store = LocalBlobStore(settings.blob_dir)
    orphan: Path = store.path(new_blob_name())
    orphan.parent.mkdir(parents=True)
    orphan.write_bytes(b"left behind by a crash")
    then = time.time() - TWO_DAYS
    os.utime(orphan, (then, then))

    result = CliRunner().invoke(cli, ["db", "sweep"], catch_exceptions=False)

    assert result.exit_code == 0, result.output
    assert "Removed 0 abandoned upload(s) and 1 blob(s)." in result.output
    assert not orphan.exists()
