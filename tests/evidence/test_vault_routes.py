"""Vaults over HTTP: a coordinator creates the vault and appends to its log, the group and the
attorneys it granted read it, and the server refuses logs that clients would refuse."""

from __future__ import annotations

import copy
import uuid
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import select

from casebook.accounts.models import User
from casebook.audit.models import AuditEvent
from casebook.crypto.membership_log import LogVerifier, sign_entry
from casebook.crypto.vault import PublishedGeneration, open_as_reader
from casebook.db import transaction
from casebook.evidence.models import VaultMember
from casebook.groups.models import Group
from casebook.runtime import Runtime
from tests.conftest import Account, World
from tests.evidence.builders import Client, Member, VaultMaker, vault_path


@dataclass
class Cast:
    group: Group
    coordinator: Member
    organizer: Member  # a member of the group, a writer
    attorney: Member  # granted by the group, a reader
    outsider: Member  # coordinator of another group


@pytest.fixture
async def cast(world: World) -> Cast:
    group, other = await world.group(), await world.group()
    coordinator = await world.account("organizer", groups={group: "coordinator"})
    attorney = await world.account("attorney")
    await world.grant(group, attorney, coordinator)
    return Cast(
        group=group,
        coordinator=Member.of(coordinator),
        organizer=Member.of(await world.account("organizer", groups={group: "member"})),
        attorney=Member.of(attorney),
        outsider=Member.of(await world.account("organizer", groups={other: "coordinator"})),
    )


async def create(client: Client, cast: Cast) -> VaultMaker:
    maker, body = VaultMaker.new(
        cast.group.id, readers=[cast.coordinator, cast.attorney], writers=[cast.organizer]
    )
    response = await client.post(
        vault_path(cast.group.id), json=body, headers=cast.coordinator.account.headers
    )
    assert response.status_code == 201, response.text
    return maker


async def append(client: Client, cast: Cast, body: dict[str, Any]) -> Any:
    return await client.post(
        vault_path(cast.group.id) + "/log", json=body, headers=cast.coordinator.account.headers
    )


async def members(runtime: Runtime) -> set[tuple[str, str]]:
    async with transaction(runtime.sessions) as session:
        rows = await session.execute(select(VaultMember.user_id, VaultMember.role))
        return {(str(user_id), role) for user_id, role in rows}


def errors(response: Any) -> dict[str, str]:
    return {e["field"]: e["message"] for e in response.json().get("errors") or []}


# --- creating and reading ---------------------------------------------------------------------


async def test_a_coordinator_creates_the_vault_and_readers_verify_it(
    client: Client, cast: Cast, runtime: Runtime
) -> None:
    maker = await create(client, cast)
    for reader in (cast.coordinator, cast.organizer, cast.attorney):
        response = await client.get(vault_path(cast.group.id), headers=reader.account.headers)
        assert response.status_code == 200, response.text
        served = response.json()
        assert served["vault_id"] == maker.vault_id
        assert served["group_id"] == str(cast.group.id)
        assert served["log"] == maker.log.to_json()
        assert served["generations"] == [maker.published.to_json()]
    state = LogVerifier(str(cast.group.id)).verify(served["log"])
    assert set(state.readers) == {cast.coordinator.user_id, cast.attorney.user_id}
    generation = PublishedGeneration.from_json(served["generations"][0])
    opened = open_as_reader(
        generation,
        cast.attorney.user_id,
        cast.attorney.bundle.box_sk,
        logged_public_key=state.generation_pk,
        vault_id=maker.vault_id,
    )
    assert opened.private_key == maker.current.private_key
    assert await members(runtime) == {
        (cast.coordinator.user_id, "reader"),
        (cast.attorney.user_id, "reader"),
        (cast.organizer.user_id, "writer"),
    }


async def test_no_vault_yet_is_not_found(client: Client, cast: Cast) -> None:
    response = await client.get(vault_path(cast.group.id), headers=cast.coordinator.account.headers)
    assert response.status_code == 404


async def test_a_second_vault_for_the_group_is_a_conflict(client: Client, cast: Cast) -> None:
    await create(client, cast)
    _, body = VaultMaker.new(cast.group.id, readers=[cast.coordinator])
    response = await client.post(
        vault_path(cast.group.id), json=body, headers=cast.coordinator.account.headers
    )
    assert response.status_code == 409, response.text
    assert response.json()["current_seq"] == 0


@pytest.mark.parametrize("who", ["organizer", "attorney", "outsider"])
async def test_only_a_coordinator_of_the_group_creates_its_vault(
    client: Client, cast: Cast, who: str
) -> None:
    _, body = VaultMaker.new(cast.group.id, readers=[cast.coordinator])
    member: Member = getattr(cast, who)
    response = await client.post(
        vault_path(cast.group.id), json=body, headers=member.account.headers
    )
    assert response.status_code == 404, response.text


async def test_outsiders_and_admins_do_not_see_the_vault(
    client: Client, cast: Cast, world: World
) -> None:
    await create(client, cast)
    not_granted = await world.account("attorney")
    admin = await world.account("admin")
    researcher = await world.account("researcher")
    for account in (cast.outsider.account, not_granted, admin, researcher):
        response = await client.get(vault_path(cast.group.id), headers=account.headers)
        assert response.status_code == 404, response.text
        assert response.json() == {"status_code": 404, "detail": "Not found."}


def _genesis_body(cast: Cast) -> tuple[VaultMaker, dict[str, Any]]:
    return VaultMaker.new(cast.group.id, readers=[cast.coordinator])


def _resign(maker: VaultMaker, body: dict[str, Any], change: Any) -> dict[str, Any]:
    """The genesis with `change` applied, signed again by the admin key (a well-signed but
    wrong entry)."""
    entry = copy.deepcopy(body["genesis"]["entry"])
    change(entry)
    return {**body, "genesis": sign_entry(entry, maker.admin).to_json()}


GENESIS_MISTAKES = {
    "another group": (lambda e: e.update(group_id=str(uuid.uuid4())), "group_id"),
    "seq 1": (lambda e: e.update(seq=1), "seq must be 0"),
    "a prev": (lambda e: e.update(prev="A" * 43), "prev must be null"),
    "a second generation": (lambda e: e["body"].update(generation=2), "number 1"),
    "no readers": (lambda e: e["body"].update(readers=[]), "at least one reader"),
    "an extra field": (lambda e: e.update(extra=1), "exactly the fields"),
    "a stranger": (
        lambda e: e["body"]["readers"][0].update(user_id=str(uuid.uuid4())),
        "not signed by its signing key",
    ),
}


@pytest.mark.parametrize("mistake", GENESIS_MISTAKES)
async def test_a_wrong_genesis_is_refused(client: Client, cast: Cast, mistake: str) -> None:
    change, message = GENESIS_MISTAKES[mistake]
    maker, body = _genesis_body(cast)
    response = await client.post(
        vault_path(cast.group.id),
        json=_resign(maker, body, change),
        headers=cast.coordinator.account.headers,
    )
    assert response.status_code == 422, response.text
    assert message in errors(response)["genesis"]


async def test_a_genesis_that_is_not_canonical_json_is_refused(client: Client, cast: Cast) -> None:
    _, body = _genesis_body(cast)
    body["genesis"]["entry"]["format_version"] = 1.0
    response = await client.post(
        vault_path(cast.group.id), json=body, headers=cast.coordinator.account.headers
    )
    assert response.status_code == 422, response.text
    assert "floating-point" in errors(response)["genesis"]


async def test_a_genesis_signed_by_another_key_is_refused(client: Client, cast: Cast) -> None:
    _, body = _genesis_body(cast)
    other, _ = _genesis_body(cast)
    body["genesis"]["signature"] = other.log.entries[0].to_json()["signature"]
    response = await client.post(
        vault_path(cast.group.id), json=body, headers=cast.coordinator.account.headers
    )
    assert response.status_code == 422, response.text
    assert "not signed by the group admin" in errors(response)["genesis"]


async def test_a_generation_that_does_not_match_the_genesis_is_refused(
    client: Client, cast: Cast
) -> None:
    _, body = _genesis_body(cast)
    _, other = _genesis_body(cast)
    for generation, message in (
        (other["generation"], "vault_id"),
        ({**body["generation"], "public_key": other["generation"]["public_key"]}, "public_key"),
        ({**body["generation"], "sealed_to_readers": {}}, "every reader"),
    ):
        response = await client.post(
            vault_path(cast.group.id),
            json={**body, "generation": generation},
            headers=cast.coordinator.account.headers,
        )
        assert response.status_code == 422, response.text
        assert message in errors(response)["generation"]


async def test_members_must_be_accounts(client: Client, cast: Cast) -> None:
    ghost = Member.of(Account(User(id=uuid.uuid4()), token=""))
    _, body = VaultMaker.new(cast.group.id, readers=[cast.coordinator], writers=[ghost])
    response = await client.post(
        vault_path(cast.group.id), json=body, headers=cast.coordinator.account.headers
    )
    assert response.status_code == 422, response.text
    assert "no Casebook account" in errors(response)["genesis"]


# --- appending ----------------------------------------------------------------------------------


async def test_appending_readers_and_writers(
    client: Client, cast: Cast, world: World, runtime: Runtime
) -> None:
    maker = await create(client, cast)
    newcomer = Member.of(await world.account("organizer", groups={cast.group: "member"}))
    response = await append(client, cast, maker.add_writer(newcomer))
    assert response.status_code == 200, response.text
    response = await append(client, cast, maker.add_reader(cast.organizer))
    assert response.status_code == 200, response.text
    served = response.json()
    assert served["log"] == maker.log.to_json()
    assert served["generations"] == [maker.published.to_json()]
    state = LogVerifier(str(cast.group.id)).verify(served["log"])
    assert cast.organizer.user_id in state.readers
    assert (cast.organizer.user_id, "reader") in await members(runtime)
    assert (newcomer.user_id, "writer") in await members(runtime)


async def test_removing_a_reader_rotates_the_generation(
    client: Client, cast: Cast, runtime: Runtime
) -> None:
    maker = await create(client, cast)
    response = await append(client, cast, maker.remove_reader(cast.attorney.user_id))
    assert response.status_code == 200, response.text
    served = response.json()
    assert [g["generation"] for g in served["generations"]] == [1, 2]
    assert cast.attorney.user_id not in served["generations"][1]["sealed_to_readers"]
    state = LogVerifier(str(cast.group.id)).verify(served["log"])
    assert state.generation == 2
    assert (cast.attorney.user_id, "reader") not in await members(runtime)
    attorney = await client.get(vault_path(cast.group.id), headers=cast.attorney.account.headers)
    assert attorney.status_code == 200, "granted attorneys still read the log, now without keys"


async def test_a_removal_without_a_rotation_is_refused(client: Client, cast: Cast) -> None:
    maker = await create(client, cast)
    removal = maker.fork().remove_reader(cast.attorney.user_id)
    response = await append(client, cast, {"entries": [removal.to_json()]})
    assert response.status_code == 422, response.text
    assert "rotate" in errors(response)["entries[0]"]


async def test_only_removals_may_come_between_a_removal_and_its_rotation(
    client: Client, cast: Cast
) -> None:
    maker = await create(client, cast)
    writer = maker.fork()
    removal = writer.remove_reader(cast.attorney.user_id)
    addition = writer.add_writer(cast.organizer.identity)
    response = await append(client, cast, {"entries": [removal.to_json(), addition.to_json()]})
    assert response.status_code == 422, response.text
    assert "only removals or a rotate may follow" in errors(response)["entries[1]"]


async def test_a_rotation_without_its_generation_is_refused(client: Client, cast: Cast) -> None:
    maker = await create(client, cast)
    body = maker.remove_reader(cast.attorney.user_id)
    response = await append(client, cast, {"entries": body["entries"]})
    assert response.status_code == 422, response.text
    assert "publish generation 2" in errors(response)["generations"]


async def test_a_rotation_still_sealed_to_the_removed_reader_is_refused(
    client: Client, cast: Cast
) -> None:
    maker = await create(client, cast)
    body = maker.remove_reader(cast.attorney.user_id)
    sealed = body["generations"][0]["sealed_to_readers"]
    sealed[cast.attorney.user_id] = next(iter(sealed.values()))
    response = await append(client, cast, body)
    assert response.status_code == 422, response.text
    assert "current readers" in errors(response)["generations[0]"]


async def test_a_stale_seq_is_a_conflict_with_the_current_seq(client: Client, cast: Cast) -> None:
    maker = await create(client, cast)
    stale = maker.fork().add_writer(cast.coordinator.identity)
    assert (await append(client, cast, maker.add_writer(cast.attorney))).status_code == 200
    response = await append(client, cast, {"entries": [stale.to_json()]})
    assert response.status_code == 409, response.text
    assert response.json()["current_seq"] == 1


async def test_a_broken_chain_or_signature_is_refused(client: Client, cast: Cast) -> None:
    maker = await create(client, cast)
    entry = maker.fork().add_writer(cast.coordinator.identity).to_json()
    bad_prev = copy.deepcopy(entry)
    bad_prev["entry"]["prev"] = maker.log.entries[0].to_json()["signature"][:43]
    bad_signature = copy.deepcopy(entry)
    bad_signature["entry"]["body"]["member"] = cast.attorney.identity.to_json()
    for body, message in ((bad_prev, "prev"), (bad_signature, "not signed")):
        response = await append(client, cast, {"entries": [body]})
        assert response.status_code == 422, response.text
        assert message in errors(response)["entries[0]"]


async def test_republishing_may_only_add_seals(client: Client, cast: Cast) -> None:
    maker = await create(client, cast)
    body = maker.add_reader(cast.organizer)
    generation = body["generations"][0]
    generation["sealed_to_readers"].pop(cast.attorney.user_id)
    response = await append(client, cast, body)
    assert response.status_code == 422, response.text
    assert "only add" in errors(response)["generations[0]"]


@pytest.mark.parametrize("who", ["organizer", "attorney", "outsider"])
async def test_only_a_coordinator_appends(client: Client, cast: Cast, who: str) -> None:
    maker = await create(client, cast)
    member: Member = getattr(cast, who)
    body = {"entries": [maker.fork().add_writer(cast.attorney.identity).to_json()]}
    response = await client.post(
        vault_path(cast.group.id) + "/log", json=body, headers=member.account.headers
    )
    assert response.status_code == 404, response.text


async def test_vault_reads_and_writes_are_audited(
    client: Client, cast: Cast, runtime: Runtime
) -> None:
    maker = await create(client, cast)
    await append(client, cast, maker.add_writer(cast.attorney))
    await client.get(vault_path(cast.group.id), headers=cast.attorney.account.headers)
    async with transaction(runtime.sessions) as session:
        events = list(await session.scalars(select(AuditEvent).order_by(AuditEvent.seq)))
    actions = [(e.action, e.target_id) for e in events if e.action.startswith("vault.")]
    assert actions == [
        ("vault.create", maker.vault_id),
        ("vault.append", maker.vault_id),
        ("vault.read", maker.vault_id),
    ]
    details = " ".join(e.details for e in events)
    assert maker.published.to_json()["sealed_to_escrow"] not in details
