"""One group's evidence vault against a real server, shared by the tests of a module: Rosa
coordinates the group and its vault, Lupe and Ana are readers, Beto a writer, each logged in
from a device of their own (keys enrolled at first login); the group granted an attorney.
Every login and unlock costs about a second of Argon2id, hence one scenario per module rather
than per test."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import Result
from sqlalchemy import text

from casebook.cli import keyring
from casebook.crypto.kdf import format_secret_key
from casebook.db import transaction
from casebook.runtime import Runtime
from tests.cli.conftest import LiveServer, call, invoke, running_server
from tests.conftest import PASSWORD, World
from tests.databases import DatabaseFactory


@dataclass(frozen=True)
class Person:
    name: str
    email: str
    user_id: str
    home: Path

    @property
    def env(self) -> dict[str, str]:
        return {"XDG_CONFIG_HOME": str(self.home)}

    @property
    def token(self) -> str:
        token: str = json.loads((self.home / "casebook" / "credentials.json").read_text())["token"]
        return token

    def run(self, args: list[str], *lines: str) -> Result:
        """`casebook ARGS` on this person's device, `lines` piped to standard input."""
        return invoke(args, input="".join(f"{line}\n" for line in lines), **self.env)

    def ok(self, args: list[str], *lines: str) -> Result:
        result = self.run(args, *lines)
        assert result.exit_code == 0, result.output
        return result

    def unlocked(self, args: list[str]) -> Result:
        """A command that asks for the password to unlock the keys."""
        return self.ok(args, PASSWORD)

    def secret_key(self, server_url: str) -> bytes:
        """The Secret Key this person's device enrolled with: the one in their emergency kit."""
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("XDG_CONFIG_HOME", str(self.home))
            secret_key = keyring.load_secret_key(server_url, self.email)
        assert secret_key is not None
        return secret_key

    def on_new_device(self, home: Path, server_url: str, *, login_url: str = "") -> Person:
        """This person on another device (`home`), logged in to `login_url` (by default the
        server itself) with their password and the Secret Key from their emergency kit."""
        device = replace(self, home=home)
        kit_key = format_secret_key(self.secret_key(server_url))
        args = ["login", "--server", login_url or server_url, "--email", self.email]
        device.ok(args, PASSWORD, kit_key)
        return device

    def api(self, server: LiveServer, method: str, path: str, **options: Any) -> httpx.Response:
        headers = {"Authorization": f"Bearer {self.token}"}
        return httpx.request(method, server.url + path, headers=headers, **options)


@dataclass(frozen=True)
class Scenario:
    server: LiveServer
    group_id: str
    other_group_id: str
    incident_id: str
    attorney_id: str
    rosa: Person
    lupe: Person
    ana: Person
    beto: Person
    created: Result

    @property
    def paper(self) -> str:
        """The escrow paper `vault create` printed."""
        return next(line.strip() for line in self.created.stdout.splitlines() if "CBEK1-" in line)


@pytest.fixture(scope="module")
def module_server(
    databases: DatabaseFactory, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    yield from running_server(databases, tmp_path_factory)


@pytest.fixture(scope="module")
def scenario(module_server: LiveServer, tmp_path_factory: pytest.TempPathFactory) -> Scenario:
    homes = tmp_path_factory.mktemp("devices")

    async def build(runtime: Runtime) -> tuple[str, str, str, dict[str, Person]]:
        world = World(runtime)
        group = await world.group("Colectiva Sur")
        other = await world.group("Otra")
        roles = {"rosa": "coordinator", "lupe": "member", "ana": "member", "beto": "member"}
        people, accounts = {}, {}
        for name, role in roles.items():
            groups = {group: role} | ({other: "coordinator"} if name == "rosa" else {})
            account = await world.account("organizer", groups=groups, email=f"{name}@example.org")
            people[name] = Person(name, account.user.email, str(account.id), homes / name)
            accounts[name] = account
        attorney = await world.account("attorney", email="iris@example.org")
        await world.grant(group, attorney, by=accounts["rosa"])
        return str(group.id), str(other.id), str(attorney.id), people

    group_id, other_group_id, attorney_id, people = call(module_server.settings, build)
    for person in people.values():
        args = ["login", "--server", module_server.url, "--email", person.email]
        person.ok(args, PASSWORD, "")
    rosa, lupe, ana, beto = (people[n] for n in ("rosa", "lupe", "ana", "beto"))
    incident = rosa.api(
        module_server,
        "POST",
        "/api/v1/incidents",
        json={"group_id": group_id, "occurred_on": "2024-03-14", "tactics": ["physical-following"]},
    )
    assert incident.status_code == 201, incident.text
    readers = ["--reader", lupe.user_id, "--reader", ana.user_id]
    created = rosa.unlocked(["vault", "create", group_id, *readers, "--writer", beto.user_id])
    return Scenario(
        module_server,
        group_id,
        other_group_id,
        incident.json()["id"],
        attorney_id,
        rosa,
        lupe,
        ana,
        beto,
        created,
    )


def sample(path: Path, size: int) -> bytes:
    """A file of `size` bytes that no two tests share."""
    data = uuid.uuid4().bytes * (size // 16) + b"x" * (size % 16)
    path.write_bytes(data)
    return data


def added_ids(result: Result) -> list[str]:
    """The attachment ids of the `Added FILE as attachment ID (...)` lines."""
    lines = [line for line in result.stdout.splitlines() if line.startswith("Added ")]
    return [str(uuid.UUID(line.split(" as attachment ")[1].split()[0])) for line in lines]


def execute(server: LiveServer, statement: str, **values: Any) -> list[Any]:
    """Run SQL against the server's database, as someone with access to it could."""

    async def run(runtime: Runtime) -> list[Any]:
        async with transaction(runtime.sessions) as session:
            result = await session.execute(text(statement), values)
            return list(result.all()) if result.returns_rows else []

    return call(server.settings, run)
