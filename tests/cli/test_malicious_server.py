"""A malicious server against the command line: whoever controls the server's database swaps a
member's public keys, a vault generation's public key, hides a rotation or serves a whole
membership log signed by another key. Each time the CLI refuses, says why, and seals nothing
to the server's keys. Every edit is undone when its test ends, so the scenario stays honest for
the others."""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import nacl.public
import nacl.signing
import pytest

from casebook.crypto.keys import PublicIdentity, create_bundle
from casebook.crypto.membership_log import LogWriter, entry_hash
from casebook.encoding import b64decode, b64encode
from tests.cli.evidence_scenario import (
    Person,
    Scenario,
    added_ids,
    execute,
    module_server,
    sample,
    scenario,
)
from tests.conftest import PASSWORD

__all__ = ["module_server", "scenario"]  # module-scoped fixtures

LOG_COLUMNS = "vault_id, seq, kind, signed_entry, entry_hash, created_at"
GENERATION_COLUMNS = "vault_id, generation, published, updated_at"
INSERT_ENTRY = (
    "INSERT INTO vault_log_entries (vault_id, seq, kind, signed_entry, entry_hash, created_at) "
    "VALUES (:vault_id, :seq, :kind, :signed_entry, :entry_hash, :created_at)"
)
INSERT_GENERATION = (
    "INSERT INTO vault_generations (vault_id, generation, published, updated_at) VALUES "
    "(:vault_id, :generation, :published, :updated_at)"
)


# --------------------------------------------------------------------------- helpers


def vault_rows(scenario: Scenario, table: str, columns: str) -> list[Any]:
    """The group's rows of a vault table in key order, as someone with the database sees them."""
    served = scenario.lupe.api(scenario.server, "GET", f"/api/v1/groups/{scenario.group_id}/vault")
    vault_id = uuid.UUID(served.json()["vault_id"])
    everything = execute(scenario.server, f"SELECT {columns} FROM {table}")  # noqa: S608
    return sorted(
        (row for row in everything if uuid.UUID(str(row.vault_id)) == vault_id),
        key=lambda row: row[1],
    )


def attachment_count(scenario: Scenario) -> int:
    """Attachments stored for the scenario's incident, pending or complete."""
    rows = execute(scenario.server, "SELECT incident_id FROM attachments")
    return sum(uuid.UUID(str(row.incident_id)) == uuid.UUID(scenario.incident_id) for row in rows)


def remembered_head(person: Person, scenario: Scenario) -> dict[str, Any] | None:
    """The membership-log head the person's device remembers for the scenario's group."""
    path = person.home / "casebook" / "device.json"
    if not path.exists():
        return None
    servers = json.loads(path.read_text())["servers"]
    head: dict[str, Any] | None = (
        servers.get(scenario.server.url, {}).get("log_heads", {}).get(scenario.group_id)
    )
    return head


def new_device(scenario: Scenario, person: Person, home: Path) -> Person:
    """`person` on a device of their own that never saw the vault: logged in with the Secret
    Key their first device keeps (as they would type it from their emergency kit)."""
    device = person.on_new_device(home, scenario.server.url)
    assert remembered_head(device, scenario) is None
    return device


@pytest.fixture(scope="module")
def beto_phone(scenario: Scenario, tmp_path_factory: pytest.TempPathFactory) -> Person:
    """A second device of the writer, Beto. Every test that uses it sees a refused vault, so
    it never remembers a head."""
    return new_device(scenario, scenario.beto, tmp_path_factory.mktemp("beto-phone"))


@pytest.fixture(scope="module")
def lupe_laptop(scenario: Scenario, tmp_path_factory: pytest.TempPathFactory) -> Person:
    """A second device of the reader Lupe; like `beto_phone`, it never remembers a head."""
    return new_device(scenario, scenario.lupe, tmp_path_factory.mktemp("lupe-laptop"))


@contextmanager
def log_replaced(scenario: Scenario, entries: list[dict[str, Any]]) -> Iterator[None]:
    """The vault's membership log is `entries` in the database for the duration of the block."""
    original = vault_rows(scenario, "vault_log_entries", LOG_COLUMNS)
    vault_id = original[0].vault_id
    delete = "DELETE FROM vault_log_entries WHERE vault_id = :vault"
    execute(scenario.server, delete, vault=vault_id)
    try:
        for values in entries:
            execute(scenario.server, INSERT_ENTRY, **values, vault_id=vault_id)
        yield
    finally:
        execute(scenario.server, delete, vault=vault_id)
        for row in original:
            execute(scenario.server, INSERT_ENTRY, **row._asdict())


@pytest.fixture
def photo(tmp_path: Path) -> Path:
    path = tmp_path / "photo.jpg"
    sample(path, 3000)
    return path


def evidence_add(person: Person, scenario: Scenario, path: Path) -> Any:
    return person.run(["evidence", "add", scenario.incident_id, str(path)], PASSWORD)


# --------------------------------------------------------------------------- a. member keys


def test_a_members_keys_swapped_on_the_server_are_refused_by_the_coordinator(
    scenario: Scenario,
) -> None:
    beto = scenario.beto
    columns = "user_id, box_pk, sign_pk, signature, wrapped_bundle"
    (stored,) = [
        row
        for row in execute(scenario.server, f"SELECT {columns} FROM account_keys")  # noqa: S608
        if uuid.UUID(str(row.user_id)) == uuid.UUID(beto.user_id)
    ]
    # Keys the server made up for Beto: a validly self-signed identity, just not his.
    swapped, wrapped = create_bundle(beto.user_id, os.urandom(32), os.urandom(32))
    update = (
        "UPDATE account_keys SET box_pk = :box_pk, sign_pk = :sign_pk, "
        "signature = :signature, wrapped_bundle = :wrapped_bundle WHERE user_id = :user_id"
    )
    log_before = vault_rows(scenario, "vault_log_entries", "vault_id, seq, entry_hash")
    generations_before = vault_rows(
        scenario, "vault_generations", "vault_id, generation, published"
    )
    execute(
        scenario.server,
        update,
        box_pk=b64encode(swapped.identity.box_pk),
        sign_pk=b64encode(swapped.identity.sign_pk),
        signature=b64encode(swapped.identity.signature),
        wrapped_bundle=json.dumps(wrapped.to_json()),
        user_id=stored.user_id,
    )
    try:
        served = scenario.rosa.api(scenario.server, "GET", f"/api/v1/users/{beto.user_id}/identity")
        assert PublicIdentity.from_json(served.json()) == swapped.identity
        refused = scenario.rosa.run(
            ["vault", "add-reader", scenario.group_id, beto.user_id], PASSWORD
        )
    finally:
        execute(scenario.server, update, **stored._asdict())

    assert refused.exit_code == 1
    assert f"Not changing the vault of group {scenario.group_id}: entry " in refused.stderr
    assert (
        f"gives '{beto.user_id}' other keys than the logged ones while they are still a member: "
        "a key change needs a removal first"
    ) in refused.stderr
    assert "Added as a reader" not in refused.stdout
    # Nothing was signed or sealed to the swapped keys.
    assert vault_rows(scenario, "vault_log_entries", "vault_id, seq, entry_hash") == log_before
    assert (
        vault_rows(scenario, "vault_generations", "vault_id, generation, published")
        == generations_before
    )


# --------------------------------------------------------------------------- b. vault key


def test_a_vault_key_swapped_for_a_new_device_is_refused_before_anything_is_sealed(
    scenario: Scenario, beto_phone: Person, photo: Path
) -> None:
    genesis = vault_rows(scenario, "vault_log_entries", LOG_COLUMNS)[0]
    first = vault_rows(scenario, "vault_generations", GENERATION_COLUMNS)[0]
    assert (genesis.seq, first.generation) == (0, 1)
    # A generation key pair the server holds, named in the genesis and in generation 1 alike;
    # only the admin's signature over the genesis cannot be made to match.
    servers_key = b64encode(bytes(nacl.public.PrivateKey.generate().public_key))
    signed = json.loads(genesis.signed_entry)
    signed["entry"]["body"]["generation_pk"] = servers_key
    published = json.loads(first.published) | {"public_key": servers_key}
    set_entry = (
        "UPDATE vault_log_entries SET signed_entry = :value WHERE vault_id = :vault AND seq = 0"
    )
    set_generation = (
        "UPDATE vault_generations SET published = :value WHERE vault_id = :vault AND generation = 1"
    )
    before = attachment_count(scenario)
    execute(scenario.server, set_entry, value=json.dumps(signed), vault=genesis.vault_id)
    execute(scenario.server, set_generation, value=json.dumps(published), vault=first.vault_id)
    try:
        refused = evidence_add(beto_phone, scenario, photo)
    finally:
        execute(scenario.server, set_entry, value=genesis.signed_entry, vault=genesis.vault_id)
        execute(scenario.server, set_generation, value=first.published, vault=first.vault_id)

    assert refused.exit_code == 1
    assert (
        f"photo.jpg was not added: Refusing the vault of group {scenario.group_id}: entry 0 is "
        "not signed by the group admin's key pinned at genesis"
    ) in refused.stderr
    assert "Nothing was read from it or added to it." in refused.stderr
    assert not added_ids(refused)
    assert attachment_count(scenario) == before
    assert remembered_head(beto_phone, scenario) is None, "a refused log is not remembered"


# --------------------------------------------------------------------------- c. omitted rotation


def test_a_rotation_hidden_from_a_new_device_is_refused(
    scenario: Scenario, beto_phone: Person, lupe_laptop: Person, photo: Path
) -> None:
    scenario.rosa.unlocked(["vault", "remove-reader", scenario.group_id, scenario.ana.user_id])
    *_, removal, rotation = vault_rows(scenario, "vault_log_entries", LOG_COLUMNS)
    assert (removal.kind, rotation.kind) == ("remove_reader", "rotate")
    newest = vault_rows(scenario, "vault_generations", GENERATION_COLUMNS)[-1]
    generation = json.loads(rotation.signed_entry)["entry"]["body"]["generation"]
    assert newest.generation == generation
    before = attachment_count(scenario)
    execute(
        scenario.server,
        "DELETE FROM vault_log_entries WHERE vault_id = :vault AND seq = :seq",
        vault=rotation.vault_id,
        seq=rotation.seq,
    )
    execute(
        scenario.server,
        "DELETE FROM vault_generations WHERE vault_id = :vault AND generation = :generation",
        vault=newest.vault_id,
        generation=newest.generation,
    )
    try:
        shown = lupe_laptop.run(["vault", "show", scenario.group_id])
        added = evidence_add(beto_phone, scenario, photo)
    finally:
        execute(scenario.server, INSERT_ENTRY, **rotation._asdict())
        execute(scenario.server, INSERT_GENERATION, **newest._asdict())

    omitted = (
        f"reader(s) {scenario.ana.user_id} were removed but no new vault generation follows: "
        "they could still read new evidence; refusing the log"
    )
    assert shown.exit_code == 1
    assert f"Refusing the vault of group {scenario.group_id}: {omitted}" in shown.stderr
    assert "Readers (" not in shown.stdout
    assert added.exit_code == 1
    assert f"photo.jpg was not added: Refusing the vault of group {scenario.group_id}" in (
        added.stderr
    )
    assert omitted in added.stderr
    assert attachment_count(scenario) == before, "nothing was uploaded"
    assert remembered_head(lupe_laptop, scenario) is None
    assert remembered_head(beto_phone, scenario) is None


# --------------------------------------------------------------------------- d. forged log


def forged_log(scenario: Scenario, longer_than: int) -> list[dict[str, Any]]:
    """A whole membership log signed by a key the server made: the same readers, writers and
    escrow key as the real genesis, a generation key of the server's, and enough harmless
    entries to be longer than the real log (so it does not look rolled back)."""
    genesis = vault_rows(scenario, "vault_log_entries", LOG_COLUMNS)[0]
    body = json.loads(genesis.signed_entry)["entry"]["body"]
    log = LogWriter(scenario.group_id, nacl.signing.SigningKey.generate())
    log.genesis(
        escrow_pk=b64decode(body["escrow_pk"]),
        generation_pk=bytes(nacl.public.PrivateKey.generate().public_key),
        readers=[PublicIdentity.from_json(r) for r in body["readers"]],
        writers=[PublicIdentity.from_json(w) for w in body["writers"]],
    )
    beto = next(PublicIdentity.from_json(w) for w in body["writers"])
    while len(log.entries) <= longer_than:
        if len(log.entries) % 2:
            log.remove_writer(beto.user_id)
        else:
            log.add_writer(beto)
    return [
        {
            "seq": seq,
            "kind": signed.entry["kind"],
            "signed_entry": json.dumps(signed.to_json()),
            "entry_hash": b64encode(entry_hash(signed)),
            "created_at": genesis.created_at,
        }
        for seq, signed in enumerate(log.entries)
    ]


def test_a_log_signed_by_another_admin_key_is_refused_where_the_head_was_remembered(
    scenario: Scenario, photo: Path
) -> None:
    show = ["vault", "show", scenario.group_id]
    lupe, beto = scenario.lupe, scenario.beto
    lupe.ok(show)
    beto.ok(show)
    pinned = remembered_head(lupe, scenario)
    assert pinned is not None
    before = attachment_count(scenario)
    length = len(vault_rows(scenario, "vault_log_entries", "vault_id, seq"))
    with log_replaced(scenario, forged_log(scenario, longer_than=length)):
        shown = lupe.run(show)
        added = evidence_add(beto, scenario, photo)

    other_admin = (
        "the membership log's genesis names another admin signing key than the one this device "
        "pinned: refusing the log"
    )
    assert shown.exit_code == 1
    assert f"Refusing the vault of group {scenario.group_id}: {other_admin}" in shown.stderr
    assert added.exit_code == 1
    assert "photo.jpg was not added" in added.stderr
    assert other_admin in added.stderr
    assert attachment_count(scenario) == before, "nothing was sealed to the server's key"
    assert remembered_head(lupe, scenario) == pinned, "the pinned head is kept"
    assert lupe.ok(show).exit_code == 0
