"""`casebook serve` in its own process: it migrates an empty data directory, optionally adds
demo data, and serves."""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

import casebook.demo
from tests.cli.conftest import free_port, invoke, start, stop, wait_until_healthy

DEMO_MISSING = not hasattr(casebook.demo, "seed_demo")


def serve(tmp_path: Path, *options: str) -> Iterator[tuple[str, Path]]:
    """Run `python -m casebook.cli.main serve` on SQLite in a new data directory; yields the
    URL and the file holding the command's output."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CASEBOOK_")}
    env.update(
        CASEBOOK_DATA_DIR=str(tmp_path / "data"), CASEBOOK_LOG_LEVEL="INFO", PYTHONUNBUFFERED="1"
    )
    port = free_port()
    log = tmp_path / "serve.log"
    command = [sys.executable, "-m", "casebook.cli.main", "serve", "--port", str(port), *options]
    process = start(command, env, log)
    try:
        url = f"http://127.0.0.1:{port}"
        wait_until_healthy(url, process, log)
        yield url, log
    finally:
        stop(process)


def test_serve_migrates_a_new_data_directory_and_serves(tmp_path: Path) -> None:
    for url, log in serve(tmp_path):
        assert f"Casebook is serving at {url}/" in log.read_text()
        schema = httpx.get(f"{url}/schema/openapi.json")
        assert schema.status_code == 200
        assert "/api/v1/incidents" in schema.json()["paths"]
        assert "server" not in schema.headers
        searched = httpx.get(f"{url}/api/v1/incidents", params={"q": "Marisol Quintero"})
        assert searched.status_code == 401
    output = log.read_text()
    assert "Application startup complete" in output  # INFO lines are written...
    assert "path=/api/v1/incidents" in output  # requests are logged...
    assert "q=" not in output
    assert "Marisol" not in output
    assert (tmp_path / "data" / "casebook.sqlite3").exists()
    assert invoke(["db", "check"], CASEBOOK_DATA_DIR=str(tmp_path / "data")).exit_code == 0


def test_seed_needs_demo() -> None:
    result = invoke(["serve", "--seed", "3"])
    assert result.exit_code == 2
    assert "--seed only applies together with --demo" in result.stderr


@pytest.mark.skipif(DEMO_MISSING, reason="casebook.demo.seed_demo does not exist yet")
def test_serve_demo_prints_logins_that_work(tmp_path: Path) -> None:
    for url, log in serve(tmp_path, "--demo", "--seed", "3"):
        output = log.read_text()
        password = re.search(r"the password of each is (.+)\):", output)
        assert password, output
        accounts = re.findall(r"^  (\S+@\S+)\s+organizer\b", output, re.MULTILINE)
        assert accounts, output
        body = {"email": accounts[0], "password": password.group(1), "label": "test"}
        token = httpx.post(f"{url}/api/v1/auth/tokens", json=body, timeout=30)
        assert token.status_code == 201, token.text
        headers = {"Authorization": f"Bearer {token.json()['token']}"}
        incidents = httpx.get(f"{url}/api/v1/incidents", headers=headers)
        assert incidents.status_code == 200
        assert incidents.json()["items"]
