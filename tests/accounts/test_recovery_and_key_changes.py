"""Recovery logins, changing existing keys (current credential, other logins ended) and the
rate limit on login parameters, through the JSON API with real argon2 hashing."""

from __future__ import annotations

import copy
import json
import os
from typing import Any

from sqlalchemy import update

from casebook.accounts.models import AccountKeys
from casebook.db import transaction
from casebook.encoding import b64encode
from tests.accounts.test_account_keys import (
    KDF_PARAMS,
    KEYS,
    audit_rows,
    enrol,
    enrolment,
    fields,
    new_credential,
    password_change,
)
from tests.accounts.test_login import assert_throttled
from tests.conftest import PASSWORD, World

RECOVERY_TOKENS = "/api/v1/auth/recovery-tokens"


async def recovery_login(client: Any, email: str, credential: str) -> Any:
    return await client.post(
        RECOVERY_TOKENS, json={"email": email, "recovery_credential": credential}
    )


async def token_login(client: Any, email: str, secret: str) -> Any:
    return await client.post("/api/v1/auth/tokens", json={"email": email, "password": secret})


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def renewal(previous: dict[str, Any], version: int, current: str) -> dict[str, Any]:
    """A password change after recovery: a new password wrap and a new recovery wrap, both
    credentials new, the recovery credential as proof."""
    body = password_change(previous, version)
    body["bundle"]["recovery_wrap"] = {
        "ciphertext": b64encode(os.urandom(80)),
        "nonce": b64encode(os.urandom(24)),
    }
    body["recovery_credential"] = new_credential()
    body["current_credential"] = current
    return body


# --- recovery logins -------------------------------------------------------------------------


async def test_the_recovery_credential_gets_an_api_token(client, world: World, runtime) -> None:
    account = await world.account("organizer")
    keys = await enrol(client, account)
    response = await recovery_login(client, account.user.email.upper(), keys["recovery_credential"])
    assert response.status_code == 201, response.text
    token = response.json()["token"]
    me = await client.get("/api/v1/me", headers=bearer(token))
    assert me.json()["id"] == str(account.id)
    assert (await client.get(KEYS, headers=bearer(token))).json()["bundle"] == keys["bundle"]
    logins = [json.loads(e.details) for e in await audit_rows(runtime) if e.action == "auth.login"]
    assert {"via": "recovery_token"} in logins
    # The recovery credential is not a password, nor the password a recovery credential.
    assert (
        await token_login(client, account.user.email, keys["recovery_credential"])
    ).status_code == 401
    assert (
        await recovery_login(client, account.user.email, keys["login_credential"])
    ).status_code == 401


async def test_every_failed_recovery_login_answers_alike(client, world: World, runtime) -> None:
    enrolled = await world.account("organizer")
    await enrol(client, enrolled)
    without_keys = await world.account("organizer")
    without_code = await world.account("organizer")
    await enrol(client, without_code)
    async with transaction(runtime.sessions) as session:
        await session.execute(
            update(AccountKeys)
            .where(AccountKeys.user_id == without_code.id)
            .values(recovery_hash=None)
        )
    guess = new_credential()
    answers = [
        await recovery_login(client, email, guess)
        for email in (
            enrolled.user.email,
            without_keys.user.email,
            without_code.user.email,
            "nobody@example.org",
        )
    ]
    answers.append(await recovery_login(client, without_keys.user.email, PASSWORD))
    assert {a.status_code for a in answers} == {401}
    assert len({a.content for a in answers}) == 1, [a.text for a in answers]
    assert len({tuple(sorted(a.headers.keys())) for a in answers}) == 1
    failures = [e for e in await audit_rows(runtime) if e.outcome == "failed"]
    assert failures
    assert all(json.loads(e.details)["secret"] == "recovery" for e in failures)


async def test_recovery_logins_share_the_login_throttle(client, world: World) -> None:
    account = await world.account("organizer")
    keys = await enrol(client, account)
    for _ in range(3):
        assert (
            await recovery_login(client, account.user.email, new_credential())
        ).status_code == 401
    for _ in range(2):
        assert (
            await token_login(client, account.user.email, "guessing wrongly")
        ).status_code == 401
    assert_throttled(await recovery_login(client, account.user.email, keys["recovery_credential"]))
    assert_throttled(await token_login(client, account.user.email, keys["login_credential"]))


# --- changing existing keys ------------------------------------------------------------------


async def test_a_change_needs_the_current_credential(client, world: World) -> None:
    account = await world.account("organizer")
    first = await enrol(client, account)
    missing = password_change(first, 1)
    del missing["current_credential"]
    response = await client.put(KEYS, json=missing, headers=account.headers)
    assert response.status_code == 422, response.text
    assert fields(response) == {"current_credential"}
    for wrong in (new_credential(), PASSWORD):
        change = password_change(first, 1)
        change["current_credential"] = wrong
        response = await client.put(KEYS, json=change, headers=account.headers)
        assert response.status_code == 422, response.text
        assert fields(response) == {"current_credential"}
    assert (await client.get(KEYS, headers=account.headers)).json()["version"] == 1
    assert (
        await token_login(client, account.user.email, first["login_credential"])
    ).status_code == 201


async def test_wrong_current_credentials_are_throttled(client, world: World) -> None:
    account = await world.account("organizer")
    first = await enrol(client, account)
    change = password_change(first, 1)
    change["current_credential"] = new_credential()
    for _ in range(5):
        response = await client.put(KEYS, json=change, headers=account.headers)
        assert response.status_code == 422, response.text
    response = await client.put(KEYS, json=password_change(first, 1), headers=account.headers)
    assert_throttled(response)


async def test_a_change_ends_every_other_login(client, world: World, runtime) -> None:
    account = await world.account("organizer")
    first = await enrol(client, account)
    other_token = (await token_login(client, account.user.email, first["login_credential"])).json()
    session = await client.post(
        "/api/v1/auth/session",
        json={"email": account.user.email, "password": first["login_credential"]},
    )
    cookie = session.cookies["__Host-casebook-session"]
    client.cookies.clear()
    change = password_change(first, 1)
    response = await client.put(KEYS, json=change, headers=account.headers)
    assert response.status_code == 200, response.text

    assert (await client.get("/api/v1/me", headers=account.headers)).status_code == 200
    assert (await client.get("/api/v1/me", headers=bearer(other_token["token"]))).status_code == 401
    client.cookies.set("__Host-casebook-session", cookie)
    assert (await client.get("/api/v1/me")).status_code == 401
    client.cookies.clear()
    change_event = [e for e in await audit_rows(runtime) if e.action == "keys.change"][-1]
    assert json.loads(change_event.details) == {"version": 2, "new_recovery_code": False}


async def test_a_change_from_a_browser_session_keeps_that_session(client, world: World) -> None:
    account = await world.account("organizer")
    first = await enrol(client, account)
    session = await client.post(
        "/api/v1/auth/session",
        json={"email": account.user.email, "password": first["login_credential"]},
    )
    csrf = session.json()["csrf_token"]
    response = await client.put(
        KEYS, json=password_change(first, 1), headers={"X-CSRF-Token": csrf}
    )
    assert response.status_code == 200, response.text
    assert (await client.get("/api/v1/me")).status_code == 200
    client.cookies.clear()
    assert (await client.get("/api/v1/me", headers=account.headers)).status_code == 401


async def test_recovery_then_a_new_password_and_recovery_code(client, world: World) -> None:
    account = await world.account("organizer")
    first = await enrol(client, account)
    issued = await recovery_login(client, account.user.email, first["recovery_credential"])
    token = issued.json()["token"]

    unmatched = password_change(first, 1)
    unmatched["bundle"]["recovery_wrap"] = renewal(first, 1, "")["bundle"]["recovery_wrap"]
    unmatched["current_credential"] = first["recovery_credential"]
    response = await client.put(KEYS, json=unmatched, headers=bearer(token))
    assert response.status_code == 422, response.text
    assert fields(response) == {"recovery_credential"}

    change = renewal(first, 1, first["recovery_credential"])
    response = await client.put(KEYS, json=change, headers=bearer(token))
    assert response.status_code == 200, response.text
    assert response.json()["bundle"] == change["bundle"]

    email = account.user.email
    assert (await recovery_login(client, email, first["recovery_credential"])).status_code == 401
    assert (await recovery_login(client, email, change["recovery_credential"])).status_code == 201
    assert (await token_login(client, email, first["login_credential"])).status_code == 401
    assert (await token_login(client, email, change["login_credential"])).status_code == 201
    assert (await client.get("/api/v1/me", headers=account.headers)).status_code == 401
    assert (await client.get("/api/v1/me", headers=bearer(token))).status_code == 200


async def test_a_password_change_keeps_the_recovery_code(client, world: World) -> None:
    account = await world.account("organizer")
    first = await enrol(client, account)
    change = password_change(first, 1)
    assert "recovery_credential" not in change
    assert (await client.put(KEYS, json=change, headers=account.headers)).status_code == 200
    response = await recovery_login(client, account.user.email, first["recovery_credential"])
    assert response.status_code == 201, response.text


async def test_enrolment_needs_a_well_formed_recovery_credential(client, world: World) -> None:
    account = await world.account("organizer")
    body = enrolment(account.id)
    for value, status in ((None, 422), (b64encode(os.urandom(31)), 422), ("", 400)):
        broken = copy.deepcopy(body)
        broken["recovery_credential"] = value
        if value is None:
            del broken["recovery_credential"]
        response = await client.put(KEYS, json=broken, headers=account.headers)
        assert response.status_code == status, response.text
        assert "recovery_credential" in fields(response), response.text
    assert (await client.get(KEYS, headers=account.headers)).status_code == 404


# --- login parameters are rate limited -------------------------------------------------------


async def test_login_parameters_are_rate_limited_per_address(client, world: World) -> None:
    account = await world.account("organizer")
    limit = 30  # policies/sessions.toml [kdf_params] max_requests_per_minute
    for n in range(limit):
        response = await client.post(KDF_PARAMS, json={"email": f"n{n}@example.org"})
        assert response.status_code == 200, (n, response.text)
    refused = await client.post(KDF_PARAMS, json={"email": account.user.email})
    assert refused.status_code == 429, refused.text
    assert 0 < int(refused.headers["retry-after"]) <= 60
    assert account.user.email not in refused.text
    assert "salt" not in refused.text
    # Other routes are not counted.
    assert (await client.get("/api/v1/me", headers=account.headers)).status_code == 200
