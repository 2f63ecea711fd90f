"""Nothing secret or sensitive reaches the logs, even with every logger at DEBUG: not passwords,
API tokens or session cookies, not narratives or legal names."""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import uvicorn
from litestar import Litestar

from casebook.cli.serve import UVICORN_OPTIONS
from tests.conftest import PASSWORD, World

NARRATIVE = "Two men in windbreakers photographed every license plate at the vigil."
LEGAL_NAME = "Itzamara Quetzalli Zavala"
WRONG_PASSWORD = "correct horse battery stable"


def rendered(record: logging.LogRecord) -> str:
    """Everything a handler could write for the record: message, arguments, exception."""
    parts = [str(record.msg), repr(record.args)]
    with contextlib.suppress(TypeError, ValueError):
        parts.append(record.getMessage())
    if record.exc_info and record.exc_info[1] is not None:
        parts.append(repr(record.exc_info[1]))
    if record.exc_text:
        parts.append(record.exc_text)
    return "\n".join(parts)


async def sensitive_flow(client: Any, world: World) -> list[str]:
    """Log in with a password, use a session and an API token, log a narrative and a legal
    name, fail a login; return what must not be logged."""
    group = await world.group()
    organizer = await world.account("organizer", groups={group: "coordinator"})
    session = await client.post(
        "/api/v1/auth/session", json={"email": organizer.user.email, "password": PASSWORD}
    )
    assert session.status_code == 201, session.text
    cookie = session.cookies["__Host-casebook-session"]
    csrf = session.json()["csrf_token"]
    client.cookies.clear()
    cookie_headers = {"Cookie": f"__Host-casebook-session={cookie}", "X-CSRF-Token": csrf}
    person = await client.post(
        "/api/v1/people",
        json={"alias": "Itza", "legal_name": LEGAL_NAME, "group_ids": [str(group.id)]},
        headers=cookie_headers,
    )
    assert person.status_code == 201, person.text
    issued = await client.post(
        "/api/v1/auth/tokens", json={"email": organizer.user.email, "password": PASSWORD}
    )
    token = issued.json()["token"]
    created = await client.post(
        "/api/v1/incidents",
        json={
            "group_id": str(group.id),
            "occurred_on": "2024-06-01",
            "tactics": ["stakeout"],
            "narrative": NARRATIVE,
            "people": [{"person_id": person.json()["id"], "role": "target"}],
        },
        headers={"Authorization": f"Bearer {token}"},
    )
    assert created.status_code == 201, created.text
    shown = await client.get(
        f"/api/v1/incidents/{created.json()['id']}", headers={"Authorization": f"Bearer {token}"}
    )
    assert NARRATIVE in shown.text
    failed = await client.post(
        "/api/v1/auth/session", json={"email": organizer.user.email, "password": WRONG_PASSWORD}
    )
    assert failed.status_code == 401
    return [PASSWORD, WRONG_PASSWORD, token, cookie, csrf, NARRATIVE, LEGAL_NAME]


def leaks(records: list[logging.LogRecord], secrets: list[str]) -> list[str]:
    found = []
    for record in records:
        text = rendered(record)
        for secret in secrets:
            if secret in text:
                found.append(f"{record.name} {record.levelname}: {secret[:24]!r} in {text[:160]!r}")
    return found


# Third-party loggers that print SQL bound parameters (and so stored text) at INFO or DEBUG;
# the first test below is about them.
DRIVER_LOGGERS = ("sqlalchemy", "aiosqlite", "asyncpg")


def _from(record: logging.LogRecord, prefixes: tuple[str, ...]) -> bool:
    return any(record.name == p or record.name.startswith(f"{p}.") for p in prefixes)


async def test_the_app_and_the_web_stack_log_no_secrets_at_debug(
    client, world: World, caplog: pytest.LogCaptureFixture
) -> None:
    """Casebook's own loggers, Litestar's, uvicorn's and httpx's: the request bodies (passwords,
    narratives), Authorization headers and cookies are not logged."""
    caplog.set_level(logging.DEBUG)
    secrets = await sensitive_flow(client, world)
    ours = [r for r in caplog.records if not _from(r, DRIVER_LOGGERS)]
    assert ours, "nothing was captured: is the app logging to the root logger at all?"
    assert not leaks(ours, secrets)


async def test_database_logging_at_debug_does_not_print_stored_text(
    client, world: World, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    secrets = await sensitive_flow(client, world)
    drivers = [r for r in caplog.records if _from(r, DRIVER_LOGGERS)]
    assert not leaks(drivers, secrets)


# --- over real HTTP, as `casebook serve` runs it ---------------------------------------------


class Recorder(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def served(app: Litestar) -> Iterator[tuple[str, Recorder]]:
    """The app behind uvicorn on a loopback port with the options `casebook serve` passes, and
    a recorder on uvicorn's loggers (at DEBUG)."""
    recorder = Recorder()
    loggers = [logging.getLogger(name) for name in ("uvicorn", "uvicorn.error", "uvicorn.access")]
    for logger in loggers:
        logger.addHandler(recorder)
    server = uvicorn.Server(
        uvicorn.Config(
            app,
            host="127.0.0.1",
            port=0,
            log_config=None,
            log_level="debug",
            **UVICORN_OPTIONS,
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        for _ in range(200):
            if server.started:
                break
            time.sleep(0.02)
        assert server.started, "uvicorn did not start"
        port = server.servers[0].sockets[0].getsockname()[1]
        yield f"http://127.0.0.1:{port}", recorder
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        for logger in loggers:
            logger.removeHandler(recorder)


async def test_uvicorn_logs_no_request_bodies_or_credentials(served, world: World) -> None:
    base, recorder = served
    account = await world.account("organizer")
    async with httpx.AsyncClient(base_url=base) as http:
        issued = await http.post(
            "/api/v1/auth/tokens", json={"email": account.user.email, "password": PASSWORD}
        )
        assert issued.status_code == 201, issued.text
        token = issued.json()["token"]
        bearer = {"Authorization": f"Bearer {token}"}
        assert (await http.get("/api/v1/me", headers=bearer)).is_success
    assert recorder.records, "uvicorn's log was not captured"
    assert not leaks(recorder.records, [PASSWORD, token, account.user.email])


async def test_search_terms_do_not_reach_the_server_log(served, world: World) -> None:
    """The list routes take search text in the query string (q=): uvicorn's access log, which
    writes request lines with their query strings, stays off in `casebook serve`."""
    base, recorder = served
    group = await world.group()
    organizer = await world.account("organizer", groups={group: "coordinator"})
    async with httpx.AsyncClient(base_url=base, headers=organizer.headers) as http:
        for route in ("/api/v1/people", "/api/v1/incidents"):
            assert (await http.get(route, params={"q": LEGAL_NAME})).status_code == 200
    assert not leaks(recorder.records, [LEGAL_NAME, LEGAL_NAME.replace(" ", "+")])
