"""`casebook vault` against a real server process: creating a vault with its escrow paper,
verifying it with safety numbers, removing a reader (whose keys then open nothing new),
recovering with the escrow paper, and refusing a log altered or rolled back in the database."""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from casebook.cli import keyring
from casebook.cli.api_client import Api
from casebook.crypto import envelope, vault
from casebook.crypto.errors import TamperedError, WrongContextError
from casebook.crypto.fingerprints import identity_safety_number, key_safety_number
from casebook.crypto.keys import KeyBundle, PublicIdentity
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


def identity(scenario: Scenario, person: Person) -> PublicIdentity:
    served = scenario.rosa.api(scenario.server, "GET", f"/api/v1/users/{person.user_id}/identity")
    return PublicIdentity.from_json(served.json())


def test_create_prints_the_escrow_paper_once_and_show_verifies_the_log(
    scenario: Scenario,
) -> None:
    escrow = vault.parse_escrow_paper(scenario.paper)
    created = scenario.created.stdout
    assert f"Created the vault of group {scenario.group_id}." in created
    assert "ESCROW KEY: write it on paper now. It is shown only this once:" in created
    assert f"Its safety number: {key_safety_number(escrow.public_key)}" in created
    assert "Warning: the escrow key went to a file or a program" in scenario.created.stderr
    served = scenario.lupe.api(scenario.server, "GET", f"/api/v1/groups/{scenario.group_id}/vault")
    assert scenario.paper not in served.text

    shown = scenario.lupe.ok(["vault", "show", scenario.group_id]).stdout
    assert "Generation:  1 (membership log of 1 entry, verified)" in shown
    assert f"Escrow key:  {key_safety_number(escrow.public_key)}" in shown
    rosa = identity(scenario, scenario.rosa)
    assert f"Admin key:   {key_safety_number(rosa.sign_pk)}" in shown
    readers, writers = shown.split("Readers (3):")[1].split("Writers (1):")
    for person in (scenario.rosa, scenario.lupe, scenario.ana):
        assert f"A organizer ({person.user_id})" in readers
        assert f"safety number: {identity_safety_number(identity(scenario, person))}" in readers
    assert f"A organizer ({scenario.beto.user_id})" in writers
    device = json.loads((scenario.lupe.home / "casebook" / "device.json").read_text())
    head = device["servers"][scenario.server.url]["log_heads"][scenario.group_id]
    assert head["seq"] == 0


def test_vault_members_lists_the_user_ids_to_name_people_by(scenario: Scenario) -> None:
    header, *rows = scenario.rosa.ok(["vault", "members", scenario.group_id]).stdout.splitlines()
    assert header.split() == ["USER", "ID", "NAME", "ROLE"]
    people = (scenario.rosa, scenario.lupe, scenario.ana, scenario.beto)
    assert sorted(row.split()[0] for row in rows[:-1]) == sorted(p.user_id for p in people)
    assert rows[-1].split() == [scenario.attorney_id, "-", "granted", "attorney"]


def test_group_list_shows_the_group_ids_vault_commands_take(scenario: Scenario) -> None:
    header, *rows = scenario.rosa.ok(["group", "list"]).stdout.splitlines()
    assert header.split() == ["ID", "NAME", "PLACE"]
    assert [row.split()[:3] for row in rows] == [
        [scenario.group_id, "Colectiva", "Sur"],
        [scenario.other_group_id, "Otra", "Seattle,"],
    ]
    lupe = scenario.lupe.ok(["group", "list"]).stdout.splitlines()[1:]
    assert [row.split()[0] for row in lupe] == [scenario.group_id]


def test_fewer_than_two_readers_needs_single_reader(scenario: Scenario) -> None:
    alone = scenario.rosa.run(["vault", "create", scenario.other_group_id])
    assert alone.exit_code == 2
    assert "Name at least two readers, or pass --single-reader" in alone.stderr
    keyless = scenario.rosa.run(
        ["vault", "create", scenario.other_group_id, "--reader", scenario.attorney_id]
    )
    assert keyless.exit_code == 1
    assert f"User {scenario.attorney_id} has no keys yet, or is not someone you share a group" in (
        keyless.stderr
    )
    accepted = scenario.rosa.unlocked(
        [
            "vault",
            "create",
            scenario.other_group_id,
            "--single-reader",
            "--reader",
            "rosa@example.org",
        ]
    )
    assert "Warning: the vault has 1 reader; keep the escrow paper safe." in accepted.stderr
    assert "CBEK1-" in accepted.stdout


def test_only_the_coordinator_who_created_the_vault_changes_it(scenario: Scenario) -> None:
    refused = scenario.lupe.run(
        ["vault", "add-writer", scenario.group_id, scenario.lupe.user_id], PASSWORD
    )
    assert refused.exit_code == 1
    assert "Only the coordinator who created the vault of group" in refused.stderr


def unlocked_bundle(
    scenario: Scenario, person: Person, monkeypatch: pytest.MonkeyPatch
) -> KeyBundle:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(person.home))
    url = scenario.server.url
    with Api(url, person.token) as api:
        return keyring.unlock(api, url, person.email, PASSWORD)


def test_removed_reader_opens_nothing_new_and_the_escrow_drill_recovers_everything(
    scenario: Scenario, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = tmp_path / "first.jpg", tmp_path / "second.jpg"
    files = {first.name: sample(first, 70_000), second.name: sample(second, 500)}
    add = ["evidence", "add", scenario.incident_id]
    (first_id,) = added_ids(scenario.beto.unlocked([*add, str(first)]))

    removed = scenario.rosa.unlocked(
        ["vault", "remove-reader", scenario.group_id, scenario.ana.user_id]
    )
    assert f"{scenario.ana.user_id} is no longer a reader. New evidence goes to generation 2" in (
        removed.stdout
    )
    (second_id,) = added_ids(scenario.beto.unlocked([*add, str(second)]))

    ana = unlocked_bundle(scenario, scenario.ana, monkeypatch)
    served = scenario.lupe.api(scenario.server, "GET", f"/api/v1/groups/{scenario.group_id}/vault")
    published = {
        g["generation"]: vault.PublishedGeneration.from_json(g)
        for g in served.json()["generations"]
    }
    vault_id = served.json()["vault_id"]
    with pytest.raises(WrongContextError, match="is not sealed to"):
        vault.open_as_reader(
            published[2],
            ana.identity.user_id,
            ana.box_sk,
            vault_id=vault_id,
            logged_public_key=published[2].public_key,
        )
    old = vault.open_as_reader(
        published[1],
        ana.identity.user_id,
        ana.box_sk,
        vault_id=vault_id,
        logged_public_key=published[1].public_key,
    )
    record = scenario.lupe.api(scenario.server, "GET", f"/api/v1/attachments/{second_id}").json()
    with pytest.raises(TamperedError):
        envelope.open_file_key(
            b64decode(record["envelope"]),
            old.private_key,
            attachment_id=record["id"],
            vault_id=vault_id,
            generation=2,
        )
    assert (
        scenario.ana.api(scenario.server, "GET", f"/api/v1/attachments/{second_id}").status_code
        == 404
    )

    wrong = vault.escrow_paper(vault.generate_escrow())
    refused = scenario.rosa.run(["vault", "recover", scenario.group_id], PASSWORD, wrong)
    assert refused.exit_code == 1
    assert "The escrow paper does not open this vault: this escrow paper is not the escrow key" in (
        refused.stderr
    )
    recovered = scenario.rosa.ok(["vault", "recover", scenario.group_id], PASSWORD, scenario.paper)
    assert (
        "Recovered generations 1 to 2 with the escrow key. New evidence goes to generation 3"
        in (recovered.stdout)
    )
    for attachment_id, name in ((first_id, first.name), (second_id, second.name)):
        out = tmp_path / f"lupe-{name}"
        out.mkdir()
        scenario.lupe.unlocked(["evidence", "get", attachment_id, "-o", str(out)])
        assert (out / name).read_bytes() == files[name]

    added = scenario.rosa.unlocked(["vault", "add-reader", scenario.group_id, scenario.ana.user_id])
    assert f"safety number: {identity_safety_number(ana.identity)}" in added.stdout
    out = tmp_path / "ana"
    out.mkdir()
    scenario.ana.unlocked(["evidence", "get", first_id, "-o", str(out)])
    assert (out / first.name).read_bytes() == files[first.name]

    scenario.rosa.unlocked(["vault", "remove-writer", scenario.group_id, scenario.beto.user_id])
    refused = scenario.beto.run([*add, str(first)], PASSWORD)
    assert refused.exit_code == 1
    assert "first.jpg was not added: You are not a writer of the vault" in refused.stderr


def vault_rows(scenario: Scenario, table: str, columns: str) -> list[Any]:
    """The group's rows of a vault table, as someone with access to the database sees them."""
    served = scenario.lupe.api(scenario.server, "GET", f"/api/v1/groups/{scenario.group_id}/vault")
    vault_id = uuid.UUID(served.json()["vault_id"])
    everything = execute(scenario.server, f"SELECT {columns} FROM {table}")  # noqa: S608
    return [row for row in everything if uuid.UUID(str(row.vault_id)) == vault_id]


@contextmanager
def stored_instead(
    scenario: Scenario, table: str, key: str, row: Any, column: str, value: str
) -> Iterator[None]:
    """`column` of `row` holds `value` in the database for the duration of the block."""
    update = f"UPDATE {table} SET {column} = :value WHERE vault_id = :vault AND {key} = :key"  # noqa: S608
    execute(scenario.server, update, value=value, vault=row.vault_id, key=getattr(row, key))
    try:
        yield
    finally:
        original = getattr(row, column)
        execute(scenario.server, update, value=original, vault=row.vault_id, key=getattr(row, key))


def test_a_log_entry_altered_in_the_database_is_refused(scenario: Scenario) -> None:
    genesis = vault_rows(scenario, "vault_log_entries", "vault_id, seq, signed_entry")[0]
    assert genesis.seq == 0
    forged = genesis.signed_entry.replace(scenario.beto.user_id, scenario.rosa.user_id, 1)
    with stored_instead(scenario, "vault_log_entries", "seq", genesis, "signed_entry", forged):
        altered = scenario.lupe.run(["vault", "show", scenario.group_id])
    assert altered.exit_code == 1
    assert (
        f"Refusing the vault of group {scenario.group_id}: entry 0 is not signed by the group "
        "admin's key pinned at genesis"
    ) in altered.stderr


def test_a_generation_key_substituted_in_the_database_is_refused(scenario: Scenario) -> None:
    first = vault_rows(scenario, "vault_generations", "vault_id, generation, published")[0]
    published = json.loads(first.published) | {"public_key": b64encode(os.urandom(32))}
    substituted = json.dumps(published)
    with stored_instead(
        scenario, "vault_generations", "generation", first, "published", substituted
    ):
        refused = scenario.lupe.run(["vault", "show", scenario.group_id])
    assert refused.exit_code == 1
    assert (
        f"the public key served for generation {first.generation} differs from the one in the "
        "signed membership log"
    ) in refused.stderr


def test_a_log_rolled_back_in_the_database_is_refused(scenario: Scenario) -> None:
    scenario.rosa.unlocked(["vault", "add-writer", scenario.group_id, scenario.lupe.user_id])
    show = ["vault", "show", scenario.group_id]
    scenario.lupe.ok(show)  # remembers the newest head
    columns = "vault_id, seq, kind, signed_entry, entry_hash, created_at"
    last = vault_rows(scenario, "vault_log_entries", columns)[-1]
    delete = "DELETE FROM vault_log_entries WHERE vault_id = :vault AND seq = :seq"
    execute(scenario.server, delete, vault=last.vault_id, seq=last.seq)
    try:
        rolled_back = scenario.lupe.run(show)
    finally:
        execute(
            scenario.server,
            f"INSERT INTO vault_log_entries ({columns}) VALUES "  # noqa: S608
            "(:vault_id, :seq, :kind, :signed_entry, :entry_hash, :created_at)",
            **last._asdict(),
        )
    assert rolled_back.exit_code == 1
    assert "the server rolled the log back (perhaps to hide a removal)" in rolled_back.stderr
    assert scenario.lupe.ok(show).exit_code == 0
