"""Account keys through the JSON API: enrolment, the login credential replacing the password,
login parameters that do not tell accounts apart, password changes, and who may read whose
public identity. The material is made by the real client code (casebook.crypto) with random
password keys: Argon2id is the client's business, and the server never runs it."""

from __future__ import annotations

import copy
import hashlib
import hmac
import os
import uuid
from typing import Any

from sqlalchemy import select

from casebook.audit.models import AuditEvent
from casebook.crypto.kdf import KdfParams, account_keys_from_password_key, generate_secret_key
from casebook.crypto.keys import create_bundle
from casebook.db import transaction
from casebook.encoding import b64encode
from casebook.runtime import Runtime
from tests.conftest import PASSWORD, Account, World
from tests.log_scan import never_log

KEYS = "/api/v1/me/keys"
KDF_PARAMS = "/api/v1/auth/kdf-params"
SERVER_SECRET = bytes.fromhex("11" * 32)  # tests/conftest.py settings


def new_credential() -> str:
    """A login credential as the client derives it (from a random password key: same shape)."""
    credential = account_keys_from_password_key(os.urandom(32), generate_secret_key())
    never_log(credential.login_credential)
    return credential.login_credential


def enrolment(user_id: uuid.UUID) -> dict[str, Any]:
    """What a client sends at first login: fresh MODERATE parameters, a new bundle wrapped twice,
    and the login credential."""
    _, wrapped = create_bundle(str(user_id), os.urandom(32), os.urandom(32))
    body = {
        "kdf": KdfParams.generate().to_json(),
        "bundle": wrapped.to_json(),
        "login_credential": new_credential(),
        "recovery_credential": new_credential(),
    }
    never_log(*secrets_of(body))
    return body


def password_change(previous: dict[str, Any], version: int) -> dict[str, Any]:
    """New parameters, a re-wrapped password slot (new bytes, same identity), a new login
    credential and the current one; the recovery wrap and credential stay as they are."""
    body = copy.deepcopy(previous)
    body.pop("recovery_credential", None)
    body["current_credential"] = previous["login_credential"]
    body["kdf"] = KdfParams.generate().to_json()
    body["bundle"]["password_wrap"] = {
        "ciphertext": b64encode(os.urandom(80)),
        "nonce": b64encode(os.urandom(24)),
    }
    body["login_credential"] = new_credential()
    body["version"] = version
    never_log(*secrets_of(body))
    return body


def secrets_of(body: dict[str, Any]) -> list[str]:
    """Values that must appear neither in the audit log nor in any log record."""
    bundle = body["bundle"]
    credentials = ("recovery_credential", "current_credential")
    return [
        *(body[name] for name in credentials if name in body),
        body["login_credential"],
        body["kdf"]["salt"],
        bundle["password_wrap"]["ciphertext"],
        bundle["password_wrap"]["nonce"],
        bundle["recovery_wrap"]["ciphertext"],
        bundle["recovery_wrap"]["nonce"],
    ]


async def enrol(client: Any, account: Account) -> dict[str, Any]:
    body = enrolment(account.id)
    response = await client.put(KEYS, json=body, headers=account.headers)
    assert response.status_code == 200, response.text
    return body


async def log_in(client: Any, email: str, secret: str) -> int:
    response = await client.post("/api/v1/auth/session", json={"email": email, "password": secret})
    client.cookies.clear()
    return int(response.status_code)


def fields(response: Any) -> set[str]:
    return {error["field"] for error in response.json().get("errors") or []}


def fake_salt(email: str) -> str:
    digest = hmac.new(SERVER_SECRET, f"kdf-salt\0{email}".encode(), hashlib.sha256).digest()
    return b64encode(digest[:16])


async def audit_rows(runtime: Runtime) -> list[AuditEvent]:
    async with transaction(runtime.sessions) as session:
        return list(await session.scalars(select(AuditEvent).order_by(AuditEvent.seq)))


# --- enrolment and the login credential ------------------------------------------------------


async def test_enrolment_stores_and_returns_the_material(client, world: World, runtime) -> None:
    account = await world.account("organizer")
    assert (await client.get(KEYS, headers=account.headers)).status_code == 404

    body = await enrol(client, account)

    response = await client.get(KEYS, headers=account.headers)
    assert response.status_code == 200, response.text
    stored = response.json()
    assert stored["kdf"] == body["kdf"]
    assert stored["bundle"] == body["bundle"]
    assert stored["version"] == 1
    assert "login_credential" not in response.text
    assert body["login_credential"] not in response.text
    actions = [(e.action, e.target_id) for e in await audit_rows(runtime)]
    assert ("keys.enroll", str(account.id)) in actions


async def test_after_enrolment_only_the_credential_logs_in(client, world: World) -> None:
    account = await world.account("organizer")
    assert await log_in(client, account.user.email, PASSWORD) == 201
    body = await enrol(client, account)
    assert await log_in(client, account.user.email, PASSWORD) == 401
    assert await log_in(client, account.user.email, body["login_credential"]) == 201


async def test_a_second_enrolment_is_a_conflict(client, world: World) -> None:
    account = await world.account("organizer")
    await enrol(client, account)
    response = await client.put(KEYS, json=enrolment(account.id), headers=account.headers)
    assert response.status_code == 409, response.text
    assert response.json()["current_version"] == 1


async def test_a_version_on_first_enrolment_is_a_conflict(client, world: World) -> None:
    account = await world.account("organizer")
    body = {**enrolment(account.id), "version": 3}
    response = await client.put(KEYS, json=body, headers=account.headers)
    assert response.status_code == 409, response.text
    assert response.json()["current_version"] == 0


# --- login parameters ------------------------------------------------------------------------


async def test_kdf_params_of_an_account_are_the_stored_ones(client, world: World) -> None:
    account = await world.account("organizer")
    body = await enrol(client, account)
    response = await client.post(KDF_PARAMS, json={"email": account.user.email.upper()})
    assert response.status_code == 200, response.text
    assert response.json() == body["kdf"]
    # The client accepts them as they are.
    KdfParams.from_server(response.json())


async def test_kdf_params_do_not_tell_accounts_apart(client, world: World) -> None:
    enrolled = await world.account("organizer")
    await enrol(client, enrolled)
    without_keys = await world.account("organizer")
    unknown = f"nobody-{uuid.uuid4().hex[:8]}@example.org"

    answers = {}
    for email in (enrolled.user.email, without_keys.user.email, unknown):
        first = await client.post(KDF_PARAMS, json={"email": email})
        again = await client.post(KDF_PARAMS, json={"email": email.upper()})
        assert first.status_code == again.status_code == 200, first.text
        assert first.json() == again.json(), "the answer must not change between calls"
        answers[email] = first.json()
        params = KdfParams.from_server(first.json())  # same shape the client checks
        assert (params.opslimit, params.memlimit) == (3, 268435456)
        assert set(first.headers) == set(again.headers)

    assert answers[unknown]["salt"] == fake_salt(unknown)
    assert answers[without_keys.user.email]["salt"] == fake_salt(without_keys.user.email)
    assert len({a["salt"] for a in answers.values()}) == 3, "salts differ per email"
    other = await client.post(KDF_PARAMS, json={"email": f"other-{unknown}"})
    assert other.json()["salt"] != answers[unknown]["salt"]


async def test_kdf_params_need_an_email(client) -> None:
    response = await client.post(KDF_PARAMS, json={"email": "not an email"})
    assert response.status_code == 400
    assert fields(response) == {"email"}


# --- validation ------------------------------------------------------------------------------


async def test_weak_or_excessive_parameters_are_refused_by_field(client, world: World) -> None:
    account = await world.account("organizer")
    cases = [
        ({"opslimit": 2}, {"kdf.opslimit"}),
        ({"memlimit": 64 * 1024 * 1024}, {"kdf.memlimit"}),
        ({"opslimit": 1, "memlimit": 8192}, {"kdf.opslimit", "kdf.memlimit"}),
        ({"opslimit": 17}, {"kdf.opslimit"}),
        ({"memlimit": 2 * 1024**3}, {"kdf.memlimit"}),
    ]
    for change, expected in cases:
        body = enrolment(account.id)
        body["kdf"].update(change)
        response = await client.put(KEYS, json=body, headers=account.headers)
        assert response.status_code == 422, (change, response.text)
        assert fields(response) == expected, (change, response.text)
    assert (await client.get(KEYS, headers=account.headers)).status_code == 404
    assert await log_in(client, account.user.email, PASSWORD) == 201


def _set(body: dict[str, Any], path: str, value: Any) -> None:
    *parents, last = path.split(".")
    target = body
    for name in parents:
        target = target[name]
    target[last] = value


async def test_malformed_material_is_refused_by_field(client, world: World) -> None:
    account = await world.account("organizer")
    other = await world.account("organizer")
    good = enrolment(account.id)
    salt = good["kdf"]["salt"]
    unprocessable = [
        ("kdf.salt", salt + "=="),  # padded
        ("kdf.salt", b64encode(os.urandom(15))),
        ("kdf.salt", salt.replace(salt[0], "+")),  # standard alphabet
        ("bundle.identity.box_pk", b64encode(os.urandom(31))),
        ("bundle.identity.sign_pk", "!!!!"),
        ("bundle.identity.signature", b64encode(os.urandom(32))),
        ("bundle.identity.signature", b64encode(os.urandom(64))),  # does not verify
        ("bundle.identity.user_id", str(other.id)),
        ("bundle.password_wrap.ciphertext", b64encode(os.urandom(79))),
        ("bundle.recovery_wrap.nonce", b64encode(os.urandom(12))),
        ("login_credential", b64encode(os.urandom(31))),
        ("login_credential", b64encode(os.urandom(32)) + "="),
        ("login_credential", PASSWORD),
    ]
    for path, value in unprocessable:
        body = copy.deepcopy(good)
        _set(body, path, value)
        response = await client.put(KEYS, json=body, headers=account.headers)
        assert response.status_code == 422, (path, response.text)
        assert path in fields(response), (path, response.text)
    malformed = [
        ("kdf.opslimit", "three"),
        ("kdf.memlimit", 268435456.5),
        ("kdf.memlimit", -1),
        ("kdf.alg", "argon2i13"),
        ("bundle.format_version", 2),
        ("bundle.bundle_version", 0),
        ("bundle.identity.box_pk", ""),
        ("bundle.smuggled", "x"),
    ]
    for path, value in malformed:
        body = copy.deepcopy(good)
        _set(body, path, value)
        response = await client.put(KEYS, json=body, headers=account.headers)
        assert response.status_code == 400, (path, response.text)
        assert fields(response), (path, response.text)
    body = copy.deepcopy(good)
    del body["login_credential"]
    response = await client.put(KEYS, json=body, headers=account.headers)
    assert response.status_code == 400, response.text
    assert (await client.get(KEYS, headers=account.headers)).status_code == 404


# --- password change -------------------------------------------------------------------------


async def test_password_change_replaces_parameters_bundle_and_credential(
    client, world: World, runtime
) -> None:
    account = await world.account("organizer")
    first = await enrol(client, account)
    change = password_change(first, version=1)
    response = await client.put(KEYS, json=change, headers=account.headers)
    assert response.status_code == 200, response.text
    assert response.json()["version"] == 2
    stored = (await client.get(KEYS, headers=account.headers)).json()
    assert stored["kdf"] == change["kdf"] != first["kdf"]
    assert stored["bundle"] == change["bundle"]
    assert await log_in(client, account.user.email, first["login_credential"]) == 401
    assert await log_in(client, account.user.email, change["login_credential"]) == 201
    actions = [e.action for e in await audit_rows(runtime) if e.target_id == str(account.id)]
    assert actions.count("keys.enroll") == 1
    assert actions.count("keys.change") == 1


async def test_password_change_from_a_stale_version_is_a_conflict(client, world: World) -> None:
    account = await world.account("organizer")
    first = await enrol(client, account)
    second = password_change(first, 1)
    assert (await client.put(KEYS, json=second, headers=account.headers)).status_code == 200
    for version in (1, 5):
        response = await client.put(
            KEYS, json=password_change(second, version), headers=account.headers
        )
        assert response.status_code == 409, response.text
        assert response.json()["current_version"] == 2
    missing = password_change(second, 2)
    del missing["version"]
    assert (await client.put(KEYS, json=missing, headers=account.headers)).status_code == 409


async def test_password_change_keeps_the_identity(client, world: World) -> None:
    account = await world.account("organizer")
    first = await enrol(client, account)
    replacement = enrolment(account.id)  # new key pairs, validly signed
    change = password_change(first, 1)
    change["bundle"]["identity"] = replacement["bundle"]["identity"]
    response = await client.put(KEYS, json=change, headers=account.headers)
    assert response.status_code == 422, response.text
    assert fields(response) == {"bundle.identity"}, response.text
    # Half an identity does not even verify.
    change = password_change(first, 1)
    change["bundle"]["identity"]["box_pk"] = replacement["bundle"]["identity"]["box_pk"]
    response = await client.put(KEYS, json=change, headers=account.headers)
    assert response.status_code == 422, response.text
    assert fields(response) == {"bundle.identity.signature"}, response.text
    change = password_change(first, 1)
    change["bundle"]["bundle_version"] = 2
    response = await client.put(KEYS, json=change, headers=account.headers)
    assert response.status_code == 422
    assert fields(response) == {"bundle.bundle_version"}
    stored = (await client.get(KEYS, headers=account.headers)).json()
    assert stored["bundle"] == first["bundle"]
    assert stored["version"] == 1
    assert await log_in(client, account.user.email, first["login_credential"]) == 201


# --- public identities -----------------------------------------------------------------------


async def test_who_reads_whose_identity(client, world: World, runtime) -> None:
    group_a, group_b = await world.group(), await world.group()
    organizer_a = await world.account("organizer", groups={group_a: "coordinator"})
    member_a = await world.account("organizer", groups={group_a: "member"})
    organizer_b = await world.account("organizer", groups={group_b: "coordinator"})
    attorney = await world.account("attorney")
    other_attorney = await world.account("attorney")
    researcher = await world.account("researcher")
    admin = await world.account("admin")
    await world.grant(group_a, attorney, by=organizer_a)
    keys = {a.id: await enrol(client, a) for a in (member_a, attorney, other_attorney)}

    async def read(reader: Account, target: Account) -> Any:
        return await client.get(f"/api/v1/users/{target.id}/identity", headers=reader.headers)

    expected = [
        (organizer_a, member_a, 200),
        (member_a, member_a, 200),  # one's own
        (organizer_b, member_a, 404),
        (attorney, member_a, 200),  # granted by the member's group
        (other_attorney, member_a, 404),
        (researcher, member_a, 404),
        (admin, member_a, 200),
        (organizer_a, attorney, 200),  # an attorney the organizer's group granted
        (member_a, attorney, 200),
        (organizer_b, attorney, 404),
        (attorney, other_attorney, 404),
        (admin, other_attorney, 200),
        (admin, organizer_b, 404),  # no keys yet
    ]
    for reader, target, status in expected:
        response = await read(reader, target)
        what = f"{reader.user.email} reads {target.user.email}: {response.text}"
        assert response.status_code == status, what
        if status == 200:
            assert response.json() == keys[target.id]["bundle"]["identity"], what
        else:
            assert response.json() == {"status_code": 404, "detail": "Not found."}, what
    unknown = await client.get(f"/api/v1/users/{uuid.uuid4()}/identity", headers=admin.headers)
    assert unknown.status_code == 404

    reads = [
        (e.actor_id, e.target_id)
        for e in await audit_rows(runtime)
        if e.action == "identity.read" and e.outcome == "ok"
    ]
    assert (organizer_a.id, str(member_a.id)) in reads
    assert (attorney.id, str(member_a.id)) in reads
    assert (member_a.id, str(member_a.id)) not in reads  # own reads are not others' identities


async def test_a_revoked_grant_ends_identity_reads(client, world: World) -> None:
    group = await world.group()
    organizer = await world.account("organizer", groups={group: "coordinator"})
    member = await world.account("organizer", groups={group: "member"})
    attorney = await world.account("attorney")
    grant = await world.grant(group, attorney, by=organizer)
    await enrol(client, member)
    url = f"/api/v1/users/{member.id}/identity"
    assert (await client.get(url, headers=attorney.headers)).status_code == 200
    revoked = await client.post(f"/api/v1/grants/{grant.id}/revoke", headers=organizer.headers)
    assert revoked.status_code in (200, 201), revoked.text
    assert (await client.get(url, headers=attorney.headers)).status_code == 404


# --- nothing secret in the audit log ---------------------------------------------------------


async def test_no_key_material_in_the_audit_log(client, world: World, runtime) -> None:
    account = await world.account("organizer")
    first = await enrol(client, account)
    change = password_change(first, 1)
    assert (await client.put(KEYS, json=change, headers=account.headers)).status_code == 200
    weak = enrolment(account.id)
    weak["kdf"]["opslimit"] = 1
    weak["version"] = 2
    assert (await client.put(KEYS, json=weak, headers=account.headers)).status_code == 422
    await client.get(KEYS, headers=account.headers)
    await client.post(KDF_PARAMS, json={"email": account.user.email})

    sensitive = secrets_of(first) + secrets_of(change) + secrets_of(weak)
    rows = await audit_rows(runtime)
    assert any(row.action == "keys.change" for row in rows)
    for row in rows:
        text = f"{row.action} {row.target_type} {row.target_id} {row.details}"
        leaked = [value for value in sensitive if value in text]
        assert not leaked, f"audit row {row.seq} ({row.action}) holds key material"
