"""Permissions as data: every route names a permission Casebook knows or is on the public list,
the policy files name only roles and permissions Casebook knows, and the guard refuses the rest."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from litestar import Litestar, get
from litestar.datastructures import State
from litestar.testing import AsyncTestClient
from sqlalchemy import select

from casebook.access.permissions import PERMISSIONS
from casebook.access.policy import PolicyError, load_policies
from casebook.access.public import PUBLIC_PATHS
from casebook.app import create_app
from casebook.audit.models import AuditEvent
from casebook.config import REPO_ROOT, Settings
from casebook.db import transaction
from casebook.http.errors import EXCEPTION_HANDLERS, audit_denial
from casebook.http.guard import access_guard
from casebook.runtime import Runtime
from tests.conftest import BASE_URL, World

POLICIES = REPO_ROOT / "policies"

# Permissions a role holds that no route needs yet, each with the reason. The list is checked
# both ways: a permission that gets a route must leave it.
UNUSED_BY_DESIGN: dict[str, str] = {}

# Route handlers that declare no permission and are not public, so the guard refuses them to
# everyone, each with the reason.
KNOWN_UNDECLARED: dict[tuple[str, str], str] = {
    ("GET", "/schema/{path:str}"): "the OpenAPI plugin's catch-all for renderers Casebook does "
    "not enable (swagger, redoc, yaml): nothing to serve",
}


def _is_framework_options(handler: Any) -> bool:
    """The OPTIONS handler Litestar adds to every path (see test_options_requests_...)."""
    return handler.http_methods == {"OPTIONS"} and handler.fn.__name__ == "options_handler"


def handlers(app: Litestar) -> Iterator[tuple[Any, Any]]:
    """(route, handler) for every route handler of the app, including those mounted under
    routers (the OpenAPI controller), whose `handler.paths` are relative to the router."""
    for route in app.routes:
        for handler in getattr(route, "route_handlers", []):
            if not _is_framework_options(handler):
                yield route, handler


@pytest.fixture(scope="module")
def bare_app(tmp_path_factory: pytest.TempPathFactory) -> Litestar:
    """The app, for looking at its routes only: it never opens a database connection."""
    return create_app(
        Settings(
            data_dir=tmp_path_factory.mktemp("data"),
            database_url="sqlite+aiosqlite:///:memory:",
            policy_dir=POLICIES,
            secret_key_hex="11" * 32,
        )
    )


def test_every_route_declares_a_known_permission_or_is_public(bare_app: Litestar) -> None:
    offenders = []
    for route, handler in handlers(bare_app):
        permission = handler.opt.get("permission")
        for method in sorted(handler.http_methods):
            where = f"{method} {route.path} ({handler.handler_name})"
            if permission is not None:
                if permission not in PERMISSIONS:
                    offenders.append(f"{where}: unknown permission {permission!r}")
            elif (
                route.path_format not in PUBLIC_PATHS
                and (method, route.path) not in KNOWN_UNDECLARED
            ):
                offenders.append(f"{where}: declares no permission and is not public")
    assert not offenders, "routes the guard would refuse to everyone:\n" + "\n".join(offenders)


def test_the_known_undeclared_routes_still_exist(bare_app: Litestar) -> None:
    routes = {(m, r.path) for r, h in handlers(bare_app) for m in h.http_methods}
    assert set(KNOWN_UNDECLARED) <= routes


def test_every_permission_in_the_policy_is_needed_by_a_route(bare_app: Litestar) -> None:
    named = set().union(*load_policies(POLICIES).roles.values())
    used = {h.opt["permission"] for _, h in handlers(bare_app) if "permission" in h.opt}
    unused = named - used
    assert unused == set(UNUSED_BY_DESIGN), (
        f"permissions roles.toml grants but no route needs: {sorted(unused)}; "
        f"listed as unused by design: {sorted(UNUSED_BY_DESIGN)}"
    )
    assert used <= named, f"routes need permissions no role holds: {sorted(used - named)}"
    assert set(PERMISSIONS) <= named | used, (
        f"permissions nobody holds or needs: {sorted(set(PERMISSIONS) - named - used)}"
    )


# --- policy files: a mistake stops start-up ------------------------------------------------


@pytest.fixture
def policy_dir(tmp_path: Path) -> Path:
    copy = tmp_path / "policies"
    shutil.copytree(POLICIES, copy)
    return copy


def _edit(path: Path, pattern: str, replacement: str) -> None:
    text = path.read_text()
    edited, count = re.subn(pattern, replacement, text, count=1, flags=re.DOTALL)
    assert count == 1, f"{pattern!r} not found in {path}"
    path.write_text(edited)


def test_the_shipped_policies_load(policy_dir: Path) -> None:
    policies = load_policies(policy_dir)
    assert set(policies.roles) == {"organizer", "attorney", "researcher", "admin"}
    assert "incident.read" not in policies.roles["researcher"]
    assert "incident.read" not in policies.roles["admin"]


def test_an_unknown_role_is_a_policy_error(policy_dir: Path) -> None:
    roles = policy_dir / "roles.toml"
    roles.write_text(roles.read_text() + '\n[roles.superuser]\npermissions = ["account.self"]\n')
    with pytest.raises(PolicyError, match=r"unknown role.*superuser"):
        load_policies(policy_dir)


def test_a_role_naming_an_unknown_permission_is_a_policy_error(policy_dir: Path) -> None:
    _edit(policy_dir / "roles.toml", r'"incident.read", ', '"incident.read", "incident.delete", ')
    with pytest.raises(PolicyError, match=r"unknown permission.*incident\.delete"):
        load_policies(policy_dir)


def test_a_role_left_out_is_a_policy_error(policy_dir: Path) -> None:
    _edit(policy_dir / "roles.toml", r"\[roles\.researcher\].*?\n\n", "")
    with pytest.raises(PolicyError, match="researcher"):
        load_policies(policy_dir)


def test_the_app_refuses_to_start_on_a_bad_policy(policy_dir: Path, tmp_path: Path) -> None:
    _edit(policy_dir / "roles.toml", r'"audit.read"', '"audit.readall"')
    settings = Settings(
        data_dir=tmp_path / "data",
        database_url="sqlite+aiosqlite:///:memory:",
        policy_dir=policy_dir,
        secret_key_hex="11" * 32,
    )
    with pytest.raises(PolicyError, match=r"audit\.readall"):
        create_app(settings)


# --- what the guard actually does ------------------------------------------------------------


async def _guard_refusals(runtime: Runtime) -> list[dict[str, Any]]:
    async with transaction(runtime.sessions) as session:
        events = await session.scalars(
            select(AuditEvent).where(
                AuditEvent.action == "access.denied", AuditEvent.target_type == "route"
            )
        )
        return [json.loads(e.details) for e in events]


def _sample_url(path: str) -> str:
    """The route's path with each parameter filled with a value of its declared type."""
    samples = {"uuid": "00000000-0000-4000-8000-000000000000", "str": "swagger"}
    return re.sub(r"{\w+:(\w+)}", lambda m: samples[m.group(1)], path)


async def test_public_list_matches_what_the_guard_sees(client, app, runtime) -> None:
    """Each route on the public list is let through the guard for an anonymous caller (the
    guard leaves an access.denied entry naming the route when it refuses one)."""
    let_through, refused = [], []
    for route, handler in handlers(app):
        listed = route.path in PUBLIC_PATHS or route.path_format in PUBLIC_PATHS
        if "permission" in handler.opt or not listed:
            continue
        for method in handler.http_methods:
            before = len(await _guard_refusals(runtime))
            await client.request(method, _sample_url(route.path), json={})
            after = await _guard_refusals(runtime)
            (refused if len(after) > before else let_through).append(f"{method} {route.path}")
    assert let_through, "no public route was tried"
    assert not refused, f"public routes the guard refuses: {refused}"


async def test_options_requests_are_refused_like_the_route(client, app) -> None:
    """Litestar answers OPTIONS on every path itself; on a route that needs a permission the
    guard refuses it too, so it does not list the methods of routes the caller may not use."""
    for route in app.routes:
        response = await client.options(_sample_url(route.path))
        if route.path_format in PUBLIC_PATHS:
            assert response.status_code == 204, route.path
            assert "allow" in response.headers
        else:
            assert response.status_code == 404, route.path
            assert "allow" not in response.headers, route.path


async def test_the_guard_refuses_undeclared_and_unknown_permissions(
    settings: Settings, world: World
) -> None:
    """A handler without a permission and off the public list is refused to everyone; one that
    names a permission missing from the catalogue is refused even to a signed-in admin."""

    @get("/undeclared", sync_to_thread=False)
    def undeclared() -> str:
        return "should never be served"

    @get("/misspelt", opt={"permission": "user.manag"}, sync_to_thread=False)
    def misspelt() -> str:
        return "should never be served"

    @get("/declared", opt={"permission": "user.manage"}, sync_to_thread=False)
    def declared() -> str:
        return "served"

    own_runtime = Runtime.start(settings)  # the app's own engine, on the app's event loop

    @asynccontextmanager
    async def lifespan(_: Litestar) -> AsyncIterator[None]:
        try:
            yield
        finally:
            await own_runtime.close()

    probe = Litestar(
        route_handlers=[undeclared, misspelt, declared],
        guards=[access_guard],
        exception_handlers=EXCEPTION_HANDLERS,
        after_exception=[audit_denial],
        lifespan=[lifespan],
        state=State({"runtime": own_runtime}),
    )
    admin = await world.account("admin")
    async with AsyncTestClient(probe, base_url=BASE_URL) as probe_client:
        for path, headers, status in (
            ("/undeclared", {}, 404),
            ("/undeclared", admin.headers, 404),
            ("/misspelt", {}, 401),
            ("/misspelt", admin.headers, 404),
        ):
            response = await probe_client.get(path, headers=headers)
            assert response.status_code == status, (path, headers, response.text)
            assert "never" not in response.text
        served = await probe_client.get("/declared", headers=admin.headers)
        assert served.status_code == 200
        assert served.text == "served"
