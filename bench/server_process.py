"""A Casebook server in its own process for the benchmarks: `uvicorn casebook.app:create_app`
on a free loopback port, with the CASEBOOK_* settings of the benchmark's data directory, its
output appended to a log file, stopped when the benchmark is done."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NamedTuple

import httpx

from casebook.config import REPO_ROOT, Settings

STARTUP_SECONDS = 60


class Server(NamedTuple):
    url: str
    pid: int


@contextmanager
def running(settings: Settings, log_path: Path) -> Iterator[Server]:
    port = _free_port()
    command = [sys.executable, "-m", "uvicorn", "casebook.app:create_app", "--factory"]
    command += ["--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"]
    with log_path.open("ab") as log:
        server = subprocess.Popen(
            command, cwd=REPO_ROOT, env=_environment(settings), stdout=log, stderr=log
        )
    url = f"http://127.0.0.1:{port}"
    try:
        try:
            _wait_until_up(url, server)
        except SystemExit:
            print(log_path.read_text(errors="replace")[-3000:], file=sys.stderr)
            raise
        yield Server(url, server.pid)
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def _environment(settings: Settings) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CASEBOOK_")}
    env.update(
        CASEBOOK_DATABASE_URL=settings.database_url,
        CASEBOOK_DATA_DIR=str(settings.data_dir),
        CASEBOOK_SECRET_KEY=settings.secret_key_hex or "",
        CASEBOOK_LOG_LEVEL="WARNING",
    )
    return env


def _wait_until_up(url: str, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the server exited with code {server.returncode}")
        try:
            if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"the server did not come up within {STARTUP_SECONDS} s")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port
