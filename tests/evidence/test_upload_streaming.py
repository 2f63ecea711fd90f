"""Uploads against a real server process: the body streams into a temporary file in the blob
store, a connection that breaks mid-body leaves no blob and the attachment pending and invisible,
a new upload then succeeds, and an announced body larger than declared is refused unread."""

from __future__ import annotations

import os
import socket
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple
from urllib.parse import urlsplit

import httpx
import pytest

from casebook.config import REPO_ROOT, Settings
from casebook.db import transaction
from casebook.evidence.models import Attachment
from casebook.runtime import Runtime
from tests.cli.conftest import (
    call,
    free_port,
    server_environment,
    start,
    stop,
    wait_until_healthy,
)
from tests.conftest import World
from tests.databases import DatabaseFactory
from tests.evidence.builders import Member, VaultMaker, vault_path

MIB = 1024 * 1024
SIZE = 8 * MIB


class LiveServer(NamedTuple):
    url: str
    settings: Settings
    pid: int

    def peak_memory(self) -> int:
        """The server process's peak resident memory so far, in bytes (Linux)."""
        status = Path(f"/proc/{self.pid}/status").read_text()
        [line] = [line for line in status.splitlines() if line.startswith("VmHWM:")]
        return int(line.split()[1]) * 1024


@pytest.fixture
def server(databases: DatabaseFactory, tmp_path: Path) -> Iterator[LiveServer]:
    settings = Settings(
        data_dir=tmp_path / "data",
        database_url=databases.fresh(),
        policy_dir=REPO_ROOT / "policies",
        secret_key_hex="33" * 32,
    )
    port = free_port()
    command = [sys.executable, "-m", "uvicorn", "casebook.app:create_app", "--factory"]
    command += ["--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"]
    log = tmp_path / "server.log"
    process = start(command, server_environment(settings), log)
    try:
        url = f"http://127.0.0.1:{port}"
        wait_until_healthy(url, process, log)
        yield LiveServer(url, settings, process.pid)
    finally:
        stop(process)
        print(f"server log:\n{log.read_text()}")


@dataclass
class Upload:
    server: LiveServer
    headers: dict[str, str]
    incident_id: str
    attachment_id: str

    @property
    def content_path(self) -> str:
        return f"/api/v1/attachments/{self.attachment_id}/content"

    def blob_files(self) -> list[Path]:
        return [p for p in self.server.settings.blob_dir.rglob("*") if p.is_file()]


@pytest.fixture(params=[SIZE])
def pending(server: LiveServer, request: pytest.FixtureRequest) -> Upload:
    """A coordinator who writes to the group's vault, an incident, and an upload started."""

    async def build(runtime: Runtime) -> tuple[Member, uuid.UUID]:
        world = World(runtime)
        group = await world.group()
        account = await world.account("organizer", groups={group: "coordinator"})
        return Member.of(account), group.id

    member, group_id = call(server.settings, build)
    headers = member.account.headers
    with httpx.Client(base_url=server.url, headers=headers) as client:
        maker, body = VaultMaker.new(group_id, readers=[member], writers=[member])
        assert client.post(vault_path(group_id), json=body).status_code == 201
        incident = client.post(
            "/api/v1/incidents",
            json={"group_id": str(group_id), "occurred_on": "2024-04-02", "tactics": ["stakeout"]},
        )
        assert incident.status_code == 201, incident.text
        incident_id = incident.json()["id"]
        started = client.post(
            f"/api/v1/incidents/{incident_id}/attachments",
            json={"ciphertext_size": request.param, "generation": maker.current.number},
        )
        assert started.status_code == 201, started.text
    return Upload(server, headers, incident_id, started.json()["id"])


def _request_head(upload: Upload, content_length: int) -> bytes:
    host = urlsplit(upload.server.url).netloc
    lines = [
        f"PUT {upload.content_path} HTTP/1.1",
        f"Host: {host}",
        f"Authorization: {upload.headers['Authorization']}",
        "Content-Type: application/octet-stream",
        f"Content-Length: {content_length}",
        "",
        "",
    ]
    return "\r\n".join(lines).encode()


def _connect(upload: Upload) -> socket.socket:
    parts = urlsplit(upload.server.url)
    return socket.create_connection((str(parts.hostname), int(parts.port or 80)), timeout=10)


def _wait_for(condition, seconds: float = 10) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def _stored(upload: Upload) -> Attachment:
    async def load(runtime: Runtime) -> Attachment:
        async with transaction(runtime.sessions) as session:
            attachment = await session.get(Attachment, uuid.UUID(upload.attachment_id))
            assert attachment is not None
            return attachment

    return call(upload.server.settings, load)


def test_an_interrupted_upload_leaves_nothing_and_a_restart_succeeds(pending: Upload) -> None:
    data = os.urandom(SIZE)
    with _connect(pending) as connection:
        connection.sendall(_request_head(pending, SIZE) + data[: SIZE // 2])
        assert _wait_for(lambda: pending.blob_files()), "the body streams into a temporary file"
        assert all(p.name.startswith(".tmp-") for p in pending.blob_files())
    assert _wait_for(lambda: not pending.blob_files()), pending.blob_files()

    stored = _stored(pending)
    assert (stored.state, stored.blob_name) == ("pending", None)
    with httpx.Client(base_url=pending.server.url, headers=pending.headers) as client:
        listed = client.get(f"/api/v1/incidents/{pending.incident_id}/attachments")
        assert listed.json() == {"items": []}
        assert client.get(f"/api/v1/attachments/{pending.attachment_id}").status_code == 404

        restarted = client.put(pending.content_path, content=data)
        assert restarted.status_code == 204, restarted.text
        done = client.post(
            f"/api/v1/attachments/{pending.attachment_id}/complete",
            json={"envelope": "AAAA", "manifest": "AAAA"},
        )
        assert done.status_code == 200, done.text
        with client.stream("GET", pending.content_path) as download:
            assert download.status_code == 200
            assert download.headers["content-length"] == str(SIZE)
            assert b"".join(download.iter_bytes()) == data
    [blob] = pending.blob_files()
    assert blob.name == _stored(pending).blob_name


def test_an_announced_oversize_body_is_refused_before_any_of_it_is_sent(pending: Upload) -> None:
    with _connect(pending) as connection:
        connection.sendall(_request_head(pending, SIZE + 1))
        answer = connection.recv(4096)
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert pending.blob_files() == []
    assert _stored(pending).state == "pending"


@pytest.mark.parametrize("pending", [256 * MIB], indirect=True)
def test_a_large_upload_streams_in_bounded_memory(pending: Upload) -> None:
    chunk = os.urandom(MIB)

    def body() -> Iterator[bytes]:
        for _ in range(256):
            yield chunk

    before = pending.server.peak_memory()
    with httpx.Client(base_url=pending.server.url, headers=pending.headers) as client:
        response = client.put(
            pending.content_path,
            content=body(),
            headers={"Content-Length": str(256 * MIB)},
            timeout=120,
        )
    assert response.status_code == 204, response.text
    growth = pending.server.peak_memory() - before
    assert growth < 32 * MIB, f"the server's peak memory grew by {growth / MIB:.0f} MiB"
    [blob] = pending.blob_files()
    assert blob.stat().st_size == 256 * MIB
