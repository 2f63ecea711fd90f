"""What a seized server holds of a piece of evidence: nothing readable.

A marker photo (known bytes, a distinctive file name, an EXIF GPS position) goes from a writer's
CLI through a real server to a reader's CLI, over a proxy that records every byte the clients
send. Afterwards the database (every row of every table), the blob store, the server's log (at
DEBUG) and its temp directory are searched, and so is the recorded traffic: none may hold any
32-byte window of the photo, its name, its type, its SHA-256 or BLAKE2b, the password, a Secret
Key, or any private key or file key, raw or as hex or base64."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from sqlalchemy import select

from casebook.cli import keyring
from casebook.crypto.envelope import open_file_key
from casebook.crypto.kdf import KdfParams, derive_account_keys, format_secret_key
from casebook.crypto.keys import KeyBundle, open_bundle, parse_wrapped_bundle
from casebook.crypto.vault import PublishedGeneration, open_as_reader, parse_escrow_paper
from casebook.db import Base
from casebook.encoding import b64decode
from casebook.runtime import Runtime
from tests.capture_proxy import CaptureProxy
from tests.cli.conftest import LiveServer, call, running_server
from tests.cli.evidence_scenario import Person, Scenario, added_ids, scenario
from tests.conftest import PASSWORD
from tests.databases import DatabaseFactory
from tests.evidence.exposure import Secrets, exposures, files_under
from tests.evidence.marker import marker_photo

__all__ = ["scenario"]  # module-scoped fixture


@pytest.fixture(scope="module")
def server_tmp(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("server-tmp")


@pytest.fixture(scope="module")
def module_server(
    databases: DatabaseFactory, tmp_path_factory: pytest.TempPathFactory, server_tmp: Path
) -> Iterator[LiveServer]:
    """The scenario's server, logging everything it logs at all and keeping its temp files in
    a directory of the test's."""
    yield from running_server(
        databases, tmp_path_factory, CASEBOOK_LOG_LEVEL="DEBUG", TMPDIR=str(server_tmp)
    )


@dataclass(frozen=True)
class Journey:
    photo: Path
    received: Path
    attachment_id: str
    proxy: CaptureProxy


@pytest.fixture(scope="module")
def journey(scenario: Scenario, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Journey]:
    server = scenario.server
    host, port = server.url.removeprefix("http://").split(":")
    with CaptureProxy(host, int(port)) as proxy:
        homes = tmp_path_factory.mktemp("proxied-devices")
        # New devices, reaching the server only through the proxy.
        beto = scenario.beto.on_new_device(homes / "beto", server.url, login_url=proxy.url)
        lupe = scenario.lupe.on_new_device(homes / "lupe", server.url, login_url=proxy.url)
        photo = marker_photo(tmp_path_factory.mktemp("camera"))
        added = beto.unlocked(["evidence", "add", scenario.incident_id, str(photo)])
        (attachment_id,) = added_ids(added)
        received = tmp_path_factory.mktemp("received")
        lupe.unlocked(["evidence", "get", attachment_id, "-o", str(received)])
        yield Journey(photo, received / photo.name, attachment_id, proxy)


def opened_keys(person: Person, server: LiveServer) -> KeyBundle:
    stored = person.api(server, "GET", "/api/v1/me/keys").json()
    params = KdfParams.from_server(stored["kdf"])
    derived = derive_account_keys(PASSWORD, person.secret_key(server.url), params)
    return open_bundle(parse_wrapped_bundle(stored["bundle"]), derived.unwrap_key)


def client_secrets(scenario: Scenario, journey: Journey) -> Secrets:
    """Everything about the photo and the keys around it that only clients may know."""
    server, lupe = scenario.server, scenario.lupe
    content = journey.photo.read_bytes()
    secrets = Secrets()
    secrets.add_content(content)
    secrets.add("file name", journey.photo.name)
    secrets.add("file name stem", journey.photo.stem)
    secrets.add("media type", "image/jpeg")
    secrets.add("SHA-256", hashlib.sha256(content).digest())
    secrets.add("BLAKE2b", hashlib.blake2b(content, digest_size=32).digest())
    secrets.add("password", PASSWORD)
    for person in (scenario.beto, lupe, scenario.rosa):
        secret_key = person.secret_key(server.url)
        secrets.add(f"{person.name}'s Secret Key", secret_key)
        secrets.add(f"{person.name}'s Secret Key (text)", format_secret_key(secret_key))
    lupe_keys = opened_keys(lupe, server)
    secrets.add("box private key", lupe_keys.box_sk)
    secrets.add("signing seed", lupe_keys.sign_seed)
    vault = lupe.api(server, "GET", f"/api/v1/groups/{scenario.group_id}/vault").json()
    record = lupe.api(server, "GET", f"/api/v1/attachments/{journey.attachment_id}").json()
    published = PublishedGeneration.from_json(vault["generations"][record["generation"] - 1])
    generation = open_as_reader(
        published,
        lupe.user_id,
        lupe_keys.box_sk,
        vault_id=vault["vault_id"],
        logged_public_key=published.public_key,
    )
    secrets.add("vault generation private key", generation.private_key)
    file_key = open_file_key(
        b64decode(record["envelope"]),
        generation.private_key,
        attachment_id=UUID(record["id"]),
        vault_id=UUID(published.vault_id),
        generation=published.number,
    )
    secrets.add("file key", file_key)
    secrets.add("escrow private key", parse_escrow_paper(scenario.paper).private_key)
    return secrets


def database_dump(server: LiveServer) -> bytes:
    """Every value of every row of every table, as stored."""

    async def dump(runtime: Runtime) -> bytes:
        parts: list[bytes] = []
        async with runtime.sessions() as session:
            for table in Base.metadata.sorted_tables:
                for row in (await session.execute(select(table))).all():
                    parts.extend(_stored(value) for value in row)
        return b"\n".join(parts)

    return call(server.settings, dump)


def _stored(value: Any) -> bytes:
    return value if isinstance(value, bytes) else str(value).encode()


@pytest.fixture(scope="module")
def secrets(scenario: Scenario, journey: Journey) -> Secrets:
    return client_secrets(scenario, journey)


def test_the_reader_gets_the_photo_back_and_the_search_finds_what_clients_hold(
    scenario: Scenario, journey: Journey, secrets: Secrets
) -> None:
    assert journey.received.read_bytes() == journey.photo.read_bytes()
    # The search can fail: it finds the photo in the reader's copy and the Secret Key on the
    # writer's device.
    assert "evidence content (a 32-byte window)" in secrets.found_in(journey.received.read_bytes())
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_CONFIG_HOME", str(scenario.beto.home))
        device = keyring.device_path().read_bytes()
    assert "beto's Secret Key (text)" in secrets.found_in(device)


def test_the_database_holds_nothing_readable(
    scenario: Scenario, journey: Journey, secrets: Secrets
) -> None:
    dump = database_dump(scenario.server)
    assert journey.attachment_id.encode() in dump  # the attachment is there, as ciphertext
    assert secrets.found_in(dump) == []


def test_blobs_logs_and_temp_files_hold_nothing_readable(
    scenario: Scenario, journey: Journey, secrets: Secrets, server_tmp: Path
) -> None:
    data_dir = scenario.server.settings.data_dir
    log = data_dir.parent / "server.log"
    stored = list(files_under(data_dir, log, server_tmp))
    assert any(path.stat().st_size > journey.photo.stat().st_size for path in stored)  # the blob
    assert log.stat().st_size > 0
    assert exposures(secrets, stored) == []


def test_nothing_the_clients_sent_reveals_the_evidence_or_a_key(
    journey: Journey, secrets: Secrets
) -> None:
    sent = journey.proxy.sent()
    assert f"/api/v1/attachments/{journey.attachment_id}/content".encode() in sent
    assert secrets.found_in(sent) == []
