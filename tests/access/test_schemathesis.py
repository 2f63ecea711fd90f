"""Schemathesis over the app's own OpenAPI document: whatever an organizer sends, no 5xx, and
answers that match the document.

The app runs in process through Schemathesis' ASGI transport, which drives every application
from one long-lived event loop thread, so the app's pooled database connections (asyncpg cannot
share them across loops) stay on one loop. The world is written beforehand through a separate
Runtime, as tests/conftest.py does for AsyncTestClient."""

from __future__ import annotations

import base64
import json
import tempfile
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from litestar import Litestar
from schemathesis.checks import not_a_server_error
from schemathesis.python import asgi
from schemathesis.specs.openapi.checks import response_schema_conformance
from sqlalchemy import delete

from casebook.accounts.models import LoginFailure
from casebook.app import create_app
from casebook.config import REPO_ROOT, Settings
from casebook.db import transaction
from casebook.runtime import Runtime
from tests.access.scene import ORGANIZER_OWN, Scene, build_scene
from tests.conftest import BASE_URL, World
from tests.databases import POSTGRES_URL, DatabaseFactory


def _load_schema() -> Any:
    """The OpenAPI document as the app serves it to anyone at GET /schema/openapi.json, read
    once at collection from an app that never opens its database (Schemathesis' lazy
    `from_fixture` schemas do not work with pytest 9: they set `node._nodeid`). The cases are
    then sent to an app with a real database (`call(app=...)`)."""
    directory = Path(tempfile.mkdtemp(prefix="casebook-schema-"))
    reader = create_app(
        Settings(
            data_dir=directory,
            database_url="sqlite+aiosqlite:///:memory:",
            policy_dir=REPO_ROOT / "policies",
            secret_key_hex="11" * 32,
        )
    )
    return schemathesis.openapi.from_asgi("/schema/openapi.json", reader)


schema = _load_schema()


@pytest.fixture(scope="module")
async def fuzz_world(
    databases: DatabaseFactory, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[tuple[Litestar, Scene, Runtime]]:
    """One database and app for every operation (a PostgreSQL database costs a second or two
    to create); what the fuzzer writes there is harmless to the other operations."""
    settings = Settings(
        data_dir=tmp_path_factory.mktemp("data"),
        database_url=databases.fresh(),
        policy_dir=REPO_ROOT / "policies",
        secret_key_hex="11" * 32,
    )
    runtime = Runtime.start(settings)
    try:
        yield create_app(settings), await build_scene(runtime), runtime
        asgi.shutdown_lifespans()  # closes the app's engine on the loop that opened it
    finally:
        await runtime.close()


@pytest.fixture
async def fuzz_target(fuzz_world: tuple[Litestar, Scene, Runtime]) -> tuple[Litestar, Scene]:
    """Each operation starts with the login throttle at zero, so that the login routes are
    fuzzed past it rather than answering 429 to everything after the first operation's
    failures."""
    app, scene, runtime = fuzz_world
    async with transaction(runtime.sessions) as session:
        await session.execute(delete(LoginFailure))
    return app, scene


REAL_PATH_VALUES = {
    "group_id": lambda s: s.group_a.id,
    "person_id": lambda s: s.person_id,
    "incident_id": lambda s: s.incident_id,
    "activity_id": lambda s: s.activity_id,
    "grant_id": lambda s: s.spare_grant.id,
    "token_id": lambda s: s.spare_token_id,
    "user_id": lambda s: s.spare_member.id,
    "claim_id": lambda s: s.claim_id,
}
REAL_BODY_VALUES = {
    "group_id": lambda s: str(s.group_a.id),
    "group_ids": lambda s: [str(s.group_a.id)],
    "person_ids": lambda s: [str(s.person_id)],
    "activity_ids": lambda s: [str(s.activity_id)],
}


def aim_at_real_records(case: Any, scene: Scene) -> None:
    """Random ids only ever reach "not found"; half of the cases name the organizer's own
    group and records instead, so that validation, queries and writes are exercised too."""
    for name in list(case.path_parameters or {}):
        if name in REAL_PATH_VALUES:
            case.path_parameters[name] = str(REAL_PATH_VALUES[name](scene))
    if isinstance(case.body, dict):
        for name in list(case.body):
            if name in REAL_BODY_VALUES:
                case.body[name] = REAL_BODY_VALUES[name](scene)


POSTGRES = bool(POSTGRES_URL)


OPERATIONS = [result.ok() for result in schema.get_all_operations()]


# One test per operation, parametrized by pytest with the operation's label as id: Schemathesis'
# own `schema.parametrize()` gives every operation the same node id, and pytest-xdist runs only
# one test per node id.
@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda operation: operation.label)
def test_no_request_makes_the_server_fail(
    operation: Any, fuzz_target: tuple[Litestar, Scene]
) -> None:
    app, scene = fuzz_target

    @given(case=operation.as_strategy(), real_records=st.booleans())
    @settings(
        max_examples=25,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def no_server_error(case: Any, real_records: bool) -> None:
        if real_records:
            aim_at_real_records(case, scene)
        case.call_and_validate(
            app=app,
            base_url=BASE_URL,
            headers=scene.accounts[ORGANIZER_OWN].headers,
            checks=[not_a_server_error, response_schema_conformance],
        )

    no_server_error()


def test_the_document_describes_the_logout_answer() -> None:
    answer = schema.raw_schema["paths"]["/api/v1/auth/session"]["delete"]["responses"]["204"]
    assert "content" not in answer, answer


# --- inputs the fuzzer does not reach by chance ---------------------------------------------


def _cursor(values: list[Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


LIST_ROUTES = ("/api/v1/people", "/api/v1/incidents", "/api/v1/activities")
FORGED_CURSORS = {
    "not-base64": "%%%",
    "not-json": base64.urlsafe_b64encode(b"{not json").decode(),
    "one-value": _cursor(["2024-01-01"]),
    "three-values": _cursor(["2024-01-01", str(uuid.uuid4()), 1]),
    "an-object": _cursor({"a": 1}),
    "nulls": _cursor([None, None]),
    "bad-uuid": _cursor(["2024-01-01", "zz"]),
    "numeric-id": _cursor(["2024-01-01", 5]),
    "list-id": _cursor(["2024-01-01", []]),
}
NON_TEXT_IDS = ("numeric-id", "list-id")


async def _list_with_cursor(client: Any, world: World, forgeries: list[str]) -> list[str]:
    group = await world.group()
    organizer = await world.account("organizer", groups={group: "coordinator"})
    wrong = []
    for route in LIST_ROUTES:
        for forgery in forgeries:
            response = await client.get(
                route, params={"cursor": FORGED_CURSORS[forgery]}, headers=organizer.headers
            )
            fields = (
                [e["field"] for e in response.json()["errors"]]
                if response.status_code == 422
                else None
            )
            if response.status_code not in (400, 422) or fields not in (None, ["cursor"]):
                wrong.append(f"{route} {forgery}: {response.status_code} {response.text[:120]}")
    return wrong


async def test_forged_cursors_are_field_errors(client, world) -> None:
    forgeries = [name for name in FORGED_CURSORS if name not in NON_TEXT_IDS]
    assert not await _list_with_cursor(client, world, forgeries)


async def test_cursors_with_a_non_text_id_are_field_errors(client, world) -> None:
    assert not await _list_with_cursor(client, world, list(NON_TEXT_IDS))


async def test_nul_characters_are_refused_not_a_server_error(client, world) -> None:
    group = await world.group()
    organizer = await world.account("organizer", groups={group: "coordinator"})
    requests = [
        ("POST", "/api/v1/auth/session", {"email": "a\x00b@example.org", "password": "x"}, {}),
        ("GET", "/api/v1/people?q=a%00b", None, organizer.headers),
        ("GET", "/api/v1/incidents?region=a%00b", None, organizer.headers),
        ("GET", "/api/v1/activities?kind=a%00b", None, organizer.headers),
        (
            "POST",
            "/api/v1/people",
            {"alias": "a\x00b", "group_ids": [str(group.id)]},
            organizer.headers,
        ),
    ]
    failed = []
    for method, path, body, headers in requests:
        response = await client.request(method, path, json=body, headers=headers)
        if response.status_code != 400 or "NUL" not in response.text:
            failed.append(f"{method} {path}: {response.status_code}")
    assert not failed


async def test_an_unknown_vocabulary_of_any_name_is_a_plain_404(client, world) -> None:
    account = await world.account("researcher")
    for name, status in (("v" * 65, 404), ("a\x00b", 400)):
        response = await client.get(f"/api/v1/vocabularies/{quote(name)}", headers=account.headers)
        assert response.status_code == status
