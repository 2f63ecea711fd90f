"""Benchmark: encrypted evidence through a real server over loopback, against raw secretstream.

    python bench/evidence_transfer.py [--gib 1] [--rss-gib 2] [--keep]

Sets up a fresh SQLite data directory with a coordinator, a group and an incident (through the
services), starts `uvicorn casebook.app:create_app --factory` in its own process, and runs the
client the way `casebook` does on the same machine: `casebook login` (enrols the keys) and
`casebook vault create` as commands, then, in this process, the CLI's own upload and download
code (casebook.cli.attachments) on a file of random bytes:

- raw: PyNaCl secretstream push over the same file in 64 KiB chunks, output discarded;
- disk: a plain copy of the file on the data disk, fsynced (the floor for a durable upload);
- upload: encrypt while streaming the PUT, seal the envelope and signed manifest, complete;
- download: stream to a temp file, decrypt, check the signature, SHA-256 and BLAKE2b;
- server memory: the server's resident set (VmRSS, sampled every 10 ms) during a second,
  larger upload, against its value just before.

Unlocking the keys (Argon2id MODERATE, once per command) is timed on its own and not counted in
the transfers. Targets: upload at least 50% of raw throughput; server RSS growth below 64 MiB
during the larger upload. It is a measurement: the exit status is 0 whatever the verdicts."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import nacl.bindings as nb
import server_process
from alembic import command
from alembic.config import Config

from casebook.accounts.service import create_user
from casebook.cli import attachments, keyring, vault_state
from casebook.cli.api_client import Api
from casebook.config import REPO_ROOT, Settings
from casebook.crypto.attachment import CHUNK_SIZE
from casebook.crypto.keys import KeyBundle
from casebook.db import transaction
from casebook.groups.models import Group, Membership
from casebook.runtime import Runtime

TARGET_UPLOAD_RATIO = 0.5
TARGET_RSS_GROWTH_MIB = 64.0
MIB = 2**20
GIB = 2**30
EMAIL = "coordinator@bench.casebook.invalid"
T = TypeVar("T")


@dataclass(frozen=True)
class Setup:
    settings: Settings
    password: str
    group_id: str
    config_home: Path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--gib", type=float, default=1.0, help="size of the timed file")
    parser.add_argument("--rss-gib", type=float, default=2.0, help="size of the memory upload")
    parser.add_argument("--keep", action="store_true", help="keep the data directory")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="casebook-bench-evidence-"))
    print(f"work directory: {workdir}")
    print(f"load average:   {os.getloadavg()[0]:.2f}")
    try:
        settings = _migrated(workdir)
        setup = asyncio.run(_prepare(settings, workdir))
        with server_process.running(setup.settings, workdir / "server.log") as server:
            _run(setup, server, workdir, int(args.gib * GIB), int(args.rss_gib * GIB))
    finally:
        if args.keep:
            print(f"kept: {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    return 0


def _migrated(workdir: Path) -> Settings:
    settings = Settings(
        data_dir=workdir / "data",
        database_url=f"sqlite+aiosqlite:///{workdir / 'data' / 'casebook.sqlite3'}",
        secret_key_hex=secrets.token_hex(32),
    )
    settings.data_dir.mkdir(mode=0o700)
    config = Config(str(REPO_ROOT / "alembic.ini"))
    config.attributes["database_url"] = settings.database_url
    config.attributes["configure_logger"] = False
    command.upgrade(config, "head")
    return settings


async def _prepare(settings: Settings, workdir: Path) -> Setup:
    password = secrets.token_urlsafe(24)
    runtime = Runtime.start(settings)
    try:
        async with transaction(runtime.sessions) as session:
            user = await create_user(
                session,
                runtime,
                email=EMAIL,
                display_name="Benchmark coordinator",
                role="organizer",
                password=password,
            )
            group = Group(name="Benchmark group", city="Seattle", region="Washington")
            session.add(group)
            await session.flush()
            session.add(Membership(group_id=group.id, user_id=user.id, role="coordinator"))
            group_id = str(group.id)
    finally:
        await runtime.close()
    return Setup(settings, password, group_id, workdir / "client-config")


def _run(
    setup: Setup, server: server_process.Server, workdir: Path, size: int, rss_size: int
) -> None:
    url = server.url
    env = {"XDG_CONFIG_HOME": str(setup.config_home)}
    _casebook(["login", "--server", url, "--email", EMAIL], env, setup.password, "")
    vault_create = ["vault", "create", setup.group_id, "--writer", EMAIL, "--single-reader"]
    _casebook(vault_create, env, setup.password)
    os.environ.update(env)
    stored = json.loads((setup.config_home / "casebook" / "credentials.json").read_text())
    with Api(url, stored["token"], timeout=600.0) as api:
        incident = api.post(
            "/api/v1/incidents",
            {
                "group_id": setup.group_id,
                "occurred_on": "2025-05-01",
                "tactics": ["physical-following"],
            },
        )
        incident_id = uuid.UUID(incident["id"])
        keys, unlock_seconds = _timed(lambda: keyring.unlock(api, url, EMAIL, setup.password))
        print(f"unlock (Argon2id MODERATE): {unlock_seconds:.2f} s (not counted below)")
        source = _random_file(workdir / "evidence.bin", size)
        raw = _raw_secretstream(source)
        disk = _durable_copy(source, workdir / "copy.bin")
        vault = vault_state.fetch(api, setup.group_id)
        (ids, _), upload = _timed(
            lambda: attachments.upload(api, vault, keys, incident_id, source, None)
        )
        generations = vault_state.open_generations(vault, keys)
        record = api.get(f"/api/v1/attachments/{ids.attachment_id}")
        opened = attachments.open_record(vault, generations, record)
        received_dir = workdir / "received"
        received_dir.mkdir()
        received, download = _timed(lambda: attachments.download(api, opened, received_dir))
        identical = _same_bytes(source, received)
        source.unlink()
        received.unlink()
        growth = _rss_growth(api, vault, keys, incident_id, workdir, rss_size, server.pid)
    _report(size, raw, disk, upload, download, identical, rss_size, growth)


def _casebook(args: list[str], env: dict[str, str], *lines: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "casebook.cli.main", *args],
        input="".join(f"{line}\n" for line in lines),
        env=os.environ | env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"casebook {args[0]} failed:\n{done.stdout}\n{done.stderr}")


def _random_file(path: Path, size: int) -> Path:
    with path.open("wb") as sink:
        left = size
        while left:
            block = os.urandom(min(left, 4 * MIB))
            sink.write(block)
            left -= len(block)
    return path


def _raw_secretstream(path: Path) -> float:
    """Seconds PyNaCl's secretstream takes to push `path` in 64 KiB chunks."""
    state = nb.crypto_secretstream_xchacha20poly1305_state()
    nb.crypto_secretstream_xchacha20poly1305_init_push(state, os.urandom(32))
    started = time.perf_counter()
    with path.open("rb") as source:
        while chunk := source.read(CHUNK_SIZE):
            nb.crypto_secretstream_xchacha20poly1305_push(state, chunk)
    return time.perf_counter() - started


def _durable_copy(source: Path, target: Path) -> float:
    """Seconds to copy `source` to the data disk and fsync it: what storing an upload durably
    costs at the least, whatever the encryption and the network do."""
    started = time.perf_counter()
    with source.open("rb") as reader, target.open("wb") as writer:
        while block := reader.read(4 * MIB):
            writer.write(block)
        writer.flush()
        os.fsync(writer.fileno())
    seconds = time.perf_counter() - started
    target.unlink()
    return seconds


def _timed(work: Callable[[], T]) -> tuple[T, float]:
    started = time.perf_counter()
    result = work()
    return result, time.perf_counter() - started


def _same_bytes(a: Path, b: Path) -> bool:
    with a.open("rb") as left, b.open("rb") as right:
        while True:
            x, y = left.read(4 * MIB), right.read(4 * MIB)
            if x != y:
                return False
            if not x:
                return True


def _rss_growth(
    api: Api,
    vault: vault_state.Vault,
    keys: KeyBundle,
    incident_id: uuid.UUID,
    workdir: Path,
    size: int,
    pid: int,
) -> float:
    """MiB the server's resident set grew by, at most, during an upload of `size` bytes."""
    source = _random_file(workdir / "large.bin", size)
    baseline = _rss_mib(pid)
    peak = baseline
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not stop.is_set():
            peak = max(peak, _rss_mib(pid))
            time.sleep(0.01)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        attachments.upload(api, vault, keys, incident_id, source, None)
    finally:
        stop.set()
        sampler.join()
        source.unlink()
    return peak - baseline


def _rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS in /proc status")


def _report(
    size: int,
    raw: float,
    disk: float,
    upload: float,
    download: float,
    identical: bool,
    rss_size: int,
    growth: float,
) -> None:
    def rate(seconds: float) -> float:
        return size / MIB / seconds

    upload_ratio, download_ratio = raw / upload, raw / download
    print(f"\nfile: {size / GIB:.2f} GiB of random bytes")
    print(f"raw secretstream push:      {raw:6.2f} s  {rate(raw):7.0f} MiB/s")
    print(
        f"durable copy on the data disk: {disk:6.2f} s  {rate(disk):7.0f} MiB/s  "
        f"{raw / disk:.0%} of raw (an upload is fsynced: it cannot be faster)"
    )
    print(
        f"upload (encrypt+send):      {upload:6.2f} s  {rate(upload):7.0f} MiB/s  "
        f"{upload_ratio:.0%} of raw  (target >= {TARGET_UPLOAD_RATIO:.0%}: "
        f"{_verdict(upload_ratio >= TARGET_UPLOAD_RATIO)})"
    )
    print(
        f"download (fetch+decrypt+verify): {download:6.2f} s  {rate(download):7.0f} MiB/s  "
        f"{download_ratio:.0%} of raw; byte-identical: {identical}"
    )
    print(
        f"server RSS growth during a {rss_size / GIB:.2f} GiB upload: {growth:.1f} MiB "
        f"(target < {TARGET_RSS_GROWTH_MIB:.0f} MiB: "
        f"{_verdict(growth < TARGET_RSS_GROWTH_MIB)})"
    )


def _verdict(met: bool) -> str:
    return "met" if met else "MISSED"


if __name__ == "__main__":
    sys.exit(main())
