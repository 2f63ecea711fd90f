"""Blob stores: the local directory and S3 (against a real moto server) keep the same promises."""

from __future__ import annotations

import asyncio
import hashlib
import os
import secrets
import socket
import stat
import subprocess
import sys
import time
import tracemalloc
import urllib.error
import urllib.request
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from casebook.config import ConfigError, Settings
from casebook.evidence.blobs import (
    BlobNotFound,
    BlobStore,
    BlobTooLarge,
    blob_store_for,
    is_blob_name,
)
from casebook.evidence.blobs.local import TEMP_PREFIX, LocalBlobStore

if TYPE_CHECKING:
    from types_aiobotocore_s3 import S3Client

MIB = 1024 * 1024
REGION = "us-east-1"


# --- a real S3-compatible server ------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[str]:
    """`moto_server` on a free loopback port for the whole session."""
    pytest.importorskip("moto.server", reason="moto[server] is not installed: S3 untested")
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    process = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                pytest.fail(f"moto_server exited with {process.returncode}")
            try:
                with urllib.request.urlopen(f"{url}/moto-api/", timeout=1):  # noqa: S310
                    break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                if time.monotonic() > deadline:
                    pytest.fail("moto_server did not answer within 60 s")
                time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def aws_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Credentials reach the client the way they do in production: botocore's own chain."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-credentials"))
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    monkeypatch.delenv("AWS_SESSION_TOKEN", raising=False)


@dataclass
class Subject:
    """A store under test, with a look behind it at what it really holds."""

    kind: str
    store: BlobStore
    client: S3Client | None = None
    bucket: str = ""

    async def leftovers(self) -> list[str]:
        """Everything stored: files (temporary ones too), objects, unfinished uploads."""
        if isinstance(self.store, LocalBlobStore):
            if not self.store.directory.exists():
                return []
            return sorted(
                str(path.relative_to(self.store.directory))
                for path in self.store.directory.rglob("*")
                if not path.is_dir()
            )
        assert self.client is not None
        objects = await self.client.list_objects_v2(Bucket=self.bucket)
        uploads = await self.client.list_multipart_uploads(Bucket=self.bucket)
        return sorted(
            [item["Key"] for item in objects.get("Contents", [])]
            + [f"upload:{upload['Key']}" for upload in uploads.get("Uploads", [])]
        )

    @property
    def knows_upload_ages(self) -> bool:
        """moto reports every multipart upload as initiated on 2010-11-10 (a fixed value in
        its response template), so against moto every unfinished upload looks old; whether a
        young one survives the sweep can only be checked on the local store."""
        return self.kind == "local"

    def young_uploads_ignored(self, leftovers: set[str]) -> set[str]:
        if self.knows_upload_ages:
            return leftovers
        return {item for item in leftovers if not item.startswith("upload:")}

    async def abandon_an_upload(self) -> None:
        """What a crash in the middle of `write` leaves: a temporary file or an unfinished
        multipart upload."""
        if isinstance(self.store, LocalBlobStore):
            leaf = self.store.directory / "ab" / "cd"
            leaf.mkdir(parents=True, exist_ok=True)
            (leaf / f"{TEMP_PREFIX}{secrets.token_hex(8)}").write_bytes(b"partial")
        else:
            assert self.client is not None
            await self.client.create_multipart_upload(
                Bucket=self.bucket, Key=f"blobs/{secrets.token_hex(32)}"
            )


@pytest.fixture(params=["local", "s3"])
async def subject(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Subject]:
    if request.param == "local":
        yield Subject("local", LocalBlobStore(tmp_path / "data" / "blobs"))
        return
    from aiobotocore.session import get_session

    from casebook.evidence.blobs.s3 import S3BlobStore

    endpoint: str = request.getfixturevalue("moto_endpoint")
    request.getfixturevalue("aws_environment")
    bucket = f"casebook-{secrets.token_hex(6)}"
    async with get_session().create_client(
        "s3", endpoint_url=endpoint, region_name=REGION
    ) as client:
        await client.create_bucket(Bucket=bucket)
        store = S3BlobStore(bucket, endpoint_url=endpoint, region_name=REGION)
        try:
            yield Subject("s3", store, client, bucket)
        finally:
            await store.close()


@pytest.fixture
def store(subject: Subject) -> BlobStore:
    return subject.store


async def stream(data: bytes, chunk_size: int = 4096) -> AsyncIterator[bytes]:
    for start in range(0, len(data), chunk_size):
        yield data[start : start + chunk_size]
        await asyncio.sleep(0)


async def read_all(store: BlobStore, name: str) -> tuple[bytes, int]:
    """The blob's bytes and the largest chunk it came in."""
    parts = [chunk async for chunk in await store.open(name)]
    return b"".join(parts), max((len(part) for part in parts), default=0)


async def all_names(store: BlobStore) -> set[str]:
    return {name async for name in store.names()}


# --- writing and reading --------------------------------------------------------------------


@pytest.mark.parametrize(
    "size", [0, 1, 5 * MIB, 6 * MIB + 123], ids=["empty", "one", "one-part", "multipart"]
)
async def test_a_stream_round_trips(store: BlobStore, size: int) -> None:
    data = os.urandom(size)
    stored = await store.write(stream(data), max_bytes=size)
    assert stored.size == size
    assert is_blob_name(stored.name)
    read, largest_chunk = await read_all(store, stored.name)
    assert read == data
    assert largest_chunk <= MIB, "open() must stream, not return the whole blob"
    assert await all_names(store) == {stored.name}


async def test_names_are_random_and_identical_content_is_not_deduplicated(
    store: BlobStore,
) -> None:
    data = b"the same ciphertext"
    first = await store.write(stream(data), max_bytes=100)
    second = await store.write(stream(data), max_bytes=100)
    assert first.name != second.name
    assert hashlib.sha256(data).hexdigest() not in (first.name, second.name)
    assert await all_names(store) == {first.name, second.name}
    await store.delete(first.name)
    assert (await read_all(store, second.name))[0] == data


@pytest.mark.parametrize(
    ("limit", "chunk_size"),
    [(0, 1), (1000, 100), (6 * MIB, 256 * 1024)],
    ids=["empty-limit", "small", "after-a-part-was-sent"],
)
async def test_too_large_a_stream_stops_at_the_limit_and_leaves_nothing(
    store: BlobStore, subject: Subject, limit: int, chunk_size: int
) -> None:
    consumed = 0

    async def endless() -> AsyncIterator[bytes]:
        nonlocal consumed
        chunk = b"x" * chunk_size
        while True:
            consumed += 1
            yield chunk

    with pytest.raises(BlobTooLarge):
        await store.write(endless(), max_bytes=limit)
    assert consumed == limit // chunk_size + 1, "reading must stop at the chunk that passes"
    assert await subject.leftovers() == []
    stored = await store.write(stream(b"y" * limit), max_bytes=limit)
    assert stored.size == limit


async def test_an_interrupted_upload_leaves_nothing_and_can_be_restarted(
    store: BlobStore, subject: Subject
) -> None:
    data = os.urandom(7 * MIB)

    async def interrupted() -> AsyncIterator[bytes]:
        async for chunk in stream(data[: 6 * MIB], 64 * 1024):
            yield chunk
        raise ConnectionResetError("client went away")

    with pytest.raises(ConnectionResetError):
        await store.write(interrupted(), max_bytes=len(data))
    assert await subject.leftovers() == []

    stored = await store.write(stream(data, 64 * 1024), max_bytes=len(data))
    assert (await read_all(store, stored.name))[0] == data
    assert await all_names(store) == {stored.name}


async def test_a_cancelled_upload_leaves_nothing(store: BlobStore, subject: Subject) -> None:
    halfway = asyncio.Event()

    async def stalls() -> AsyncIterator[bytes]:
        async for chunk in stream(os.urandom(6 * MIB), 64 * 1024):
            yield chunk
        halfway.set()
        await asyncio.Event().wait()
        yield b"never"

    task = asyncio.create_task(store.write(stalls(), max_bytes=10 * MIB))
    await asyncio.wait_for(halfway.wait(), timeout=30)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert await subject.leftovers() == []


async def test_delete(store: BlobStore) -> None:
    stored = await store.write(stream(b"evidence"), max_bytes=100)
    await store.delete(stored.name)
    with pytest.raises(BlobNotFound):
        await store.open(stored.name)
    await store.delete(stored.name)  # already gone: not an error
    assert await all_names(store) == set()


@pytest.mark.parametrize("name", ["0" * 64, "../../etc/passwd", "A" * 64, ""])
async def test_opening_an_unknown_or_malformed_name_is_not_found(
    store: BlobStore, name: str
) -> None:
    with pytest.raises(BlobNotFound):
        await store.open(name)


# --- the orphan sweep -----------------------------------------------------------------------


@pytest.mark.parametrize("keep_kind", ["set", "callable"])
async def test_the_sweep_removes_only_old_unreferenced_blobs_and_abandoned_uploads(
    store: BlobStore, subject: Subject, keep_kind: str
) -> None:
    orphan = (await store.write(stream(b"orphan"), max_bytes=100)).name
    kept = (await store.write(stream(b"kept"), max_bytes=100)).name
    await subject.abandon_an_upload()
    old_leftovers = set(await subject.leftovers())
    await asyncio.sleep(3.1)  # S3 timestamps have one-second resolution
    young = (await store.write(stream(b"commit in flight"), max_bytes=100)).name
    await subject.abandon_an_upload()  # an upload still being written
    young_leftovers = subject.young_uploads_ignored(set(await subject.leftovers()) - old_leftovers)

    referenced = {kept}
    asked: list[str] = []

    async def is_referenced(name: str) -> bool:
        asked.append(name)
        return name in referenced

    keep = referenced if keep_kind == "set" else is_referenced
    removed = await store.sweep(keep, older_than=timedelta(seconds=2))

    assert removed == [orphan]
    assert await all_names(store) == {kept, young}
    remaining = set(await subject.leftovers())
    assert young_leftovers <= remaining, "young blobs and uploads must survive"
    assert len(remaining) == (3 if subject.knows_upload_ages else 2), remaining
    if keep_kind == "callable":
        assert sorted(asked) == sorted([orphan, kept]), "young blobs are not even considered"


async def test_a_sweep_with_a_long_grace_period_removes_nothing(
    store: BlobStore, subject: Subject
) -> None:
    await store.write(stream(b"orphan"), max_bytes=100)
    await subject.abandon_an_upload()
    before = subject.young_uploads_ignored(set(await subject.leftovers()))
    assert await store.sweep(set(), older_than=timedelta(hours=1)) == []
    assert subject.young_uploads_ignored(set(await subject.leftovers())) == before


# --- local specifics ------------------------------------------------------------------------


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


async def test_local_files_are_private_whatever_the_umask(tmp_path: Path) -> None:
    root = tmp_path / "data" / "blobs"
    store = LocalBlobStore(root)
    old_umask = os.umask(0)
    try:
        stored = await store.write(stream(b"secret"), max_bytes=100)
    finally:
        os.umask(old_umask)
    path = store.path(stored.name)
    assert path == root / stored.name[:2] / stored.name[2:4] / stored.name
    assert _mode(path) == 0o600
    assert _mode(root) == _mode(path.parent) == _mode(path.parent.parent) == 0o700
    assert [p.name for p in path.parent.iterdir()] == [stored.name], "no temp file remains"


async def test_an_existing_blob_directory_is_made_private(tmp_path: Path) -> None:
    root = tmp_path / "blobs"
    root.mkdir(mode=0o755)
    root.chmod(0o755)
    await LocalBlobStore(root).write(stream(b"x"), max_bytes=1)
    assert _mode(root) == 0o700


async def test_local_write_renames_a_temp_file_in_the_same_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    renames: list[tuple[Path, Path]] = []
    fsynced: list[int] = []
    real_rename, real_fsync = os.rename, os.fsync

    def rename(source: Any, target: Any) -> None:
        renames.append((Path(source), Path(target)))
        real_rename(source, target)

    def fsync(fd: int) -> None:
        fsynced.append(fd)
        real_fsync(fd)

    monkeypatch.setattr(os, "rename", rename)
    monkeypatch.setattr(os, "fsync", fsync)
    store = LocalBlobStore(tmp_path / "blobs")
    stored = await store.write(stream(b"durable"), max_bytes=100)
    [(source, target)] = renames
    assert target == store.path(stored.name)
    assert source.parent == target.parent
    assert source.name.startswith(TEMP_PREFIX)
    assert len(fsynced) >= 2, "the file and then its directory are fsynced"


# --- memory ---------------------------------------------------------------------------------


async def test_writing_64_mib_holds_little_in_memory(subject: Subject) -> None:
    store = subject.store
    limit = 2 * MIB if subject.kind == "local" else 16 * MIB
    chunk = os.urandom(64 * 1024)
    total = 64 * MIB

    async def source() -> AsyncIterator[bytes]:
        for _ in range(total // len(chunk)):
            yield chunk

    await store.write(stream(b"warm-up"), max_bytes=100)  # client set-up is not the point
    tracemalloc.start()
    try:
        stored = await store.write(source(), max_bytes=total)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert stored.size == total
    assert peak < limit, f"peak {peak / MIB:.1f} MiB"


# --- settings -------------------------------------------------------------------------------


def test_the_default_store_is_a_directory_under_the_data_directory(tmp_path: Path) -> None:
    settings = Settings.from_env({"CASEBOOK_DATA_DIR": str(tmp_path)})
    assert settings.blob_store == "local"
    store = blob_store_for(settings)
    assert isinstance(store, LocalBlobStore)
    assert store.directory == tmp_path / "blobs"


def test_s3_settings_reach_the_store() -> None:
    from casebook.evidence.blobs.s3 import S3BlobStore

    settings = Settings.from_env(
        {
            "CASEBOOK_BLOB_STORE": "s3",
            "CASEBOOK_S3_BUCKET": "evidence",
            "CASEBOOK_S3_ENDPOINT_URL": "https://minio.example.org:9000",
            "CASEBOOK_S3_REGION": "eu-west-1",
        }
    )
    store = blob_store_for(settings)
    assert isinstance(store, S3BlobStore)
    assert (store.bucket, store.endpoint_url, store.region_name) == (
        "evidence",
        "https://minio.example.org:9000",
        "eu-west-1",
    )


@pytest.mark.parametrize(
    ("environment", "message"),
    [
        ({"CASEBOOK_BLOB_STORE": "s3"}, "needs CASEBOOK_S3_BUCKET"),
        ({"CASEBOOK_BLOB_STORE": "s3", "CASEBOOK_S3_BUCKET": ""}, "needs CASEBOOK_S3_BUCKET"),
        ({"CASEBOOK_BLOB_STORE": "ftp"}, "CASEBOOK_BLOB_STORE must be one of local, s3"),
    ],
)
def test_an_unusable_blob_store_setting_stops_start_up(
    environment: dict[str, str], message: str
) -> None:
    with pytest.raises(ConfigError, match=message):
        Settings.from_env(environment)
