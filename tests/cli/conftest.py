"""Fixtures for the command line tests: a configured environment for the server-side commands,
and a real Casebook server in its own process (`live_server`) for the client commands."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

import httpx
import pytest
from click.testing import CliRunner, Result

from casebook.cli.main import cli
from casebook.config import REPO_ROOT, Settings
from casebook.runtime import Runtime
from tests.conftest import PASSWORD, Account, World
from tests.databases import DatabaseFactory
from tests.server_process import free_port, start, stop, wait_until_healthy

T = TypeVar("T")

SECRET_KEY = "22" * 32
EMAIL = "rosa@example.org"
OTHER_EMAIL = "mateo@example.org"


class LiveServer(NamedTuple):
    url: str
    settings: Settings


def invoke(args: list[str], *, input: str | None = None, **env: str) -> Result:
    """Run `casebook ARGS` in-process; unexpected exceptions fail the test with a traceback."""
    return CliRunner().invoke(
        cli, args, input=input, env=env or None, catch_exceptions=False, prog_name="casebook"
    )


def call(settings: Settings, work: Callable[[Runtime], Awaitable[T]]) -> T:
    """Run service code against the database of `settings` (from a synchronous test, like the
    command line itself)."""

    async def main() -> T:
        runtime = Runtime.start(settings)
        try:
            return await work(runtime)
        finally:
            await runtime.close()

    return asyncio.run(main())


def server_environment(settings: Settings) -> dict[str, str]:
    """This process's environment without CASEBOOK_ settings, plus those of `settings`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CASEBOOK_")}
    env.update(
        CASEBOOK_DATA_DIR=str(settings.data_dir),
        CASEBOOK_DATABASE_URL=settings.database_url,
        CASEBOOK_LOG_LEVEL="WARNING",
    )
    if settings.secret_key_hex:
        env["CASEBOOK_SECRET_KEY"] = settings.secret_key_hex
    return env


@pytest.fixture
def live_server(
    databases: DatabaseFactory, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    """A real Casebook (uvicorn in a child process) on a fresh migrated database. Yields
    (url, settings): use the settings to reach the same database from the test."""
    yield from running_server(databases, tmp_path_factory)


def running_server(
    databases: DatabaseFactory, tmp_path_factory: pytest.TempPathFactory, **env: str
) -> Iterator[LiveServer]:
    """The body of `live_server`, for fixtures of a wider scope; `env` adds to or overrides
    the server's environment."""
    workdir = tmp_path_factory.mktemp("live-server")
    settings = Settings(
        data_dir=workdir / "data",
        database_url=databases.fresh(),
        policy_dir=REPO_ROOT / "policies",
        secret_key_hex=SECRET_KEY,
    )
    port = free_port()
    command = [sys.executable, "-m", "uvicorn", "casebook.app:create_app", "--factory"]
    command += ["--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"]
    log = workdir / "server.log"
    process = start(command, server_environment(settings) | env, log)
    try:
        url = f"http://127.0.0.1:{port}"
        wait_until_healthy(url, process, log)
        yield LiveServer(url, settings)
    finally:
        stop(process)
        print(f"server log ({log}):\n{log.read_text()}")  # shown when the test failed


@pytest.fixture
def server_settings(
    databases: DatabaseFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Settings:
    """The environment the server-side commands read, naming a fresh migrated database."""
    for name in list(os.environ):
        if name.startswith("CASEBOOK_") and not name.startswith("CASEBOOK_TEST_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("CASEBOOK_DATABASE_URL", databases.fresh())
    monkeypatch.setenv("CASEBOOK_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("CASEBOOK_SECRET_KEY", SECRET_KEY)
    return Settings.from_env()


@dataclass
class Scene:
    """Rosa, coordinator of Colectiva Sur, and Mateo, an organizer of another group."""

    url: str
    group_id: str
    other_group_id: str
    organizer: Account


@pytest.fixture
def scene(live_server: LiveServer) -> Scene:
    async def build(runtime: Runtime) -> Scene:
        world = World(runtime)
        home = await world.group("Colectiva Sur")
        other = await world.group("Somebody Else", region="Oregon")
        organizer = await world.account("organizer", groups={home: "coordinator"}, email=EMAIL)
        await world.account("organizer", groups={other: "member"}, email=OTHER_EMAIL)
        return Scene(live_server.url, str(home.id), str(other.id), organizer)

    return call(live_server.settings, build)


@pytest.fixture
def config_home(tmp_path: Path) -> dict[str, str]:
    return {"XDG_CONFIG_HOME": str(tmp_path / "config")}


def stored_file(config_home: dict[str, str]) -> Path:
    return Path(config_home["XDG_CONFIG_HOME"]) / "casebook" / "credentials.json"


def log_in(scene: Scene, config_home: dict[str, str], email: str = "Rosa@Example.org") -> str:
    result = invoke(
        ["login", "--server", scene.url + "/", "--email", email],
        input=f"{PASSWORD}\n",
        **config_home,
    )
    assert result.exit_code == 0, result.output
    token: str = json.loads(stored_file(config_home).read_text())["token"]
    assert token not in result.output
    assert PASSWORD not in result.output
    return token


def api(scene: Scene, token: str, method: str, path: str, **options: Any) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"}
    return httpx.request(method, scene.url + path, headers=headers, **options)
