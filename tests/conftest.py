"""Shared fixtures: a migrated database per test, the real app, clients per role."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from casebook.access.actor import load_actor
from casebook.accounts.api_tokens import issue_token
from casebook.accounts.models import User
from casebook.app import create_app
from casebook.config import REPO_ROOT, Settings
from casebook.db import transaction
from casebook.groups.models import Grant, Group, Membership
from casebook.runtime import Runtime
from tests.databases import DatabaseFactory, database_factory
from tests.log_scan import (  # noqa: F401 (the log scan's hooks)
    never_log,
    pytest_configure,
    pytest_sessionfinish,
    pytest_testnodedown,
)

PASSWORD = "correct horse battery staple"
BASE_URL = "https://casebook.test"
never_log(PASSWORD)


@pytest.fixture(scope="session")
def databases(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DatabaseFactory]:
    yield from database_factory(tmp_path_factory.mktemp("databases"))


@pytest.fixture
def settings(databases: DatabaseFactory, tmp_path: Path) -> Settings:
    return Settings(
        data_dir=tmp_path / "data",
        database_url=databases.fresh(),
        policy_dir=REPO_ROOT / "policies",
        secret_key_hex="11" * 32,
    )


@pytest.fixture
def app(settings: Settings) -> Litestar:
    return create_app(settings)


@pytest.fixture
async def runtime(settings: Settings) -> AsyncIterator[Runtime]:
    """The tests' own connection to the app's database. The app under AsyncTestClient runs
    on another event loop, and pooled PostgreSQL connections cannot cross loops."""
    runtime = Runtime.start(settings)
    yield runtime
    await runtime.close()


@pytest.fixture
async def client(app: Litestar) -> AsyncIterator[AsyncTestClient[Litestar]]:
    async with AsyncTestClient(app, base_url=BASE_URL) as test_client:
        yield test_client


@dataclass
class Account:
    user: User
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    @property
    def id(self) -> uuid.UUID:
        return self.user.id


class World:
    """Builds users, groups, memberships and grants straight through the services."""

    _hash_of_password: str | None = None

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime

    async def _password_hash(self) -> str:
        """PASSWORD hashed once per run: argon2 at policy strength costs a quarter second, and
        building accounts for a test is not what is under test (tests/accounts covers that)."""
        if World._hash_of_password is None:
            World._hash_of_password = await self.runtime.hasher.hash(PASSWORD)
        return World._hash_of_password

    async def account(
        self, role: str, *, groups: dict[Group, str] | None = None, email: str | None = None
    ) -> Account:
        async with transaction(self.runtime.sessions) as session:
            user = User(
                email=email or f"{role}-{uuid.uuid4().hex[:8]}@example.org",
                display_name=f"A {role}",
                role=role,
                password_hash=await self._password_hash(),
            )
            session.add(user)
            await session.flush()
            for group, group_role in (groups or {}).items():
                session.add(Membership(group_id=group.id, user_id=user.id, role=group_role))
            _, token = await issue_token(session, user, "tests", self.runtime.policies.sessions)
        never_log(token)
        return Account(user, token)

    async def group(self, name: str | None = None, region: str = "Washington") -> Group:
        async with transaction(self.runtime.sessions) as session:
            group = Group(
                name=name or f"Group {uuid.uuid4().hex[:6]}", city="Seattle", region=region
            )
            session.add(group)
        return group

    async def grant(self, group: Group, attorney: Account, by: Account) -> Grant:
        async with transaction(self.runtime.sessions) as session:
            grant = Grant(group_id=group.id, attorney_id=attorney.id, granted_by=by.id)
            session.add(grant)
        return grant

    async def actor(self, account: Account):  # type: ignore[no-untyped-def]
        async with transaction(self.runtime.sessions) as session:
            return await load_actor(session, account.user, self.runtime.policies)


@pytest.fixture
def world(runtime: Runtime) -> World:
    return World(runtime)
