"""Logging in and out, sessions, CSRF, API tokens, throttling, password rules and invitations,
through the JSON API with real argon2 hashing (no shortcut: what is hashed is what is tested)."""

from __future__ import annotations

import asyncio
import hashlib
import secrets
import uuid
from datetime import timedelta
from typing import Any

import argon2
import argon2.profiles
import pytest
from sqlalchemy import select, update

from casebook.accounts.models import Invitation, LoginSession, User
from casebook.accounts.passwords import _is_repetition, common_passwords
from casebook.db import transaction, utcnow
from casebook.groups.models import Membership
from casebook.runtime import Runtime
from tests.conftest import PASSWORD, Account, World

SESSION_COOKIE = "__Host-casebook-session"
CSRF_HEADER = "X-CSRF-Token"
WINDOW_SECONDS = 15 * 60  # policies/sessions.toml [throttle] window_minutes


def cookie_attributes(response: Any) -> tuple[str, dict[str, str]]:
    """The session cookie's value and attributes (lower-cased names) from Set-Cookie."""
    headers = [
        h for h in response.headers.get_list("set-cookie") if h.startswith(f"{SESSION_COOKIE}=")
    ]
    assert len(headers) == 1, response.headers.get_list("set-cookie")
    first, *rest = (part.strip() for part in headers[0].split(";"))
    value = first.split("=", 1)[1]
    attributes = {}
    for part in rest:
        name, _, attribute_value = part.partition("=")
        attributes[name.lower()] = attribute_value
    return value, attributes


async def log_in(client: Any, email: str, password: str = PASSWORD, **kwargs: Any) -> Any:
    response = await client.post(
        "/api/v1/auth/session", json={"email": email, "password": password}, **kwargs
    )
    client.cookies.clear()  # every test says explicitly which cookie it sends
    return response


async def open_session(client: Any, account: Account) -> tuple[str, str]:
    """Log in; return the session cookie and its CSRF token."""
    response = await log_in(client, account.user.email)
    assert response.status_code == 201, response.text
    cookie, _ = cookie_attributes(response)
    return cookie, response.json()["csrf_token"]


def with_cookie(cookie: str, **headers: str) -> dict[str, str]:
    return {"Cookie": f"{SESSION_COOKIE}={cookie}", **headers}


async def me(client: Any, headers: dict[str, str]) -> int:
    response = await client.get("/api/v1/me", headers=headers)
    return int(response.status_code)


async def set_session(runtime: Runtime, cookie: str, **values: Any) -> None:
    token_hash = hashlib.sha256(cookie.encode()).hexdigest()
    async with transaction(runtime.sessions) as session:
        result = await session.execute(
            update(LoginSession).where(LoginSession.token_hash == token_hash).values(**values)
        )
        assert result.rowcount == 1


# --- the session cookie ----------------------------------------------------------------------


async def test_login_sets_a_host_only_secure_strict_session_cookie(client, world: World) -> None:
    account = await world.account("organizer")
    response = await log_in(client, account.user.email)
    assert response.status_code == 201, response.text
    assert response.json()["account"]["email"] == account.user.email
    value, attributes = cookie_attributes(response)
    assert "secure" in attributes
    assert "httponly" in attributes
    assert attributes.get("samesite", "").lower() == "strict"
    assert attributes.get("path") == "/"
    assert "domain" not in attributes  # __Host- cookies must not name a domain
    assert int(attributes["max-age"]) == 12 * 3600  # the absolute timeout, not longer
    assert await me(client, with_cookie(value)) == 200


async def test_each_login_mints_a_new_session_and_never_adopts_the_clients(
    client, world: World, runtime: Runtime
) -> None:
    account = await world.account("organizer")
    planted = f"cbs_{secrets.token_urlsafe(32)}"
    first = await log_in(client, account.user.email, headers=with_cookie(planted))
    second = await log_in(client, account.user.email, headers=with_cookie(planted))
    first_value, _ = cookie_attributes(first)
    second_value, _ = cookie_attributes(second)
    assert len({planted, first_value, second_value}) == 3
    assert first.json()["csrf_token"] != second.json()["csrf_token"]
    assert await me(client, with_cookie(planted)) == 401
    assert await me(client, with_cookie(first_value)) == 200
    assert await me(client, with_cookie(second_value)) == 200
    async with transaction(runtime.sessions) as session:
        stored = set(await session.scalars(select(LoginSession.token_hash)))
    assert hashlib.sha256(first_value.encode()).hexdigest() in stored
    assert first_value not in stored  # only the hash is kept


async def test_unknown_account_wrong_password_and_disabled_account_answer_alike(
    client, world: World
) -> None:
    account = await world.account("organizer")
    disabled = await world.account("organizer")
    admin = await world.account("admin")
    off = await client.post(f"/api/v1/users/{disabled.id}/disable", headers=admin.headers)
    assert off.status_code == 201, off.text
    attempts = {
        "unknown account": ("nobody-here@example.org", PASSWORD),
        "wrong password": (account.user.email, "not the password at all"),
        "disabled account": (disabled.user.email, PASSWORD),
    }
    for route in ("/api/v1/auth/session", "/api/v1/auth/tokens"):
        answers = {}
        for name, (email, password) in attempts.items():
            response = await client.post(route, json={"email": email, "password": password})
            answers[name] = (
                response.status_code,
                response.headers.get("content-type"),
                tuple(response.headers.get_list("set-cookie")),
                response.content,
            )
        assert len(set(answers.values())) == 1, answers
        status, _, cookies, _ = answers["unknown account"]
        assert status == 401
        assert cookies == ()


async def test_disabling_an_account_ends_its_sessions_and_tokens(client, world: World) -> None:
    account = await world.account("organizer")
    admin = await world.account("admin")
    cookie, _ = await open_session(client, account)
    assert await me(client, with_cookie(cookie)) == await me(client, account.headers) == 200
    off = await client.post(f"/api/v1/users/{account.id}/disable", headers=admin.headers)
    assert off.status_code == 201
    assert await me(client, with_cookie(cookie)) == 401
    assert await me(client, account.headers) == 401


# --- throttling --------------------------------------------------------------------------------


def assert_throttled(response: Any) -> None:
    assert response.status_code == 429, response.text
    wait = int(response.headers["retry-after"])
    assert 0 < wait <= WINDOW_SECONDS
    assert str(wait) in response.json()["detail"]


async def test_five_failures_lock_an_account_even_against_the_right_password(
    client, world: World
) -> None:
    account = await world.account("organizer")
    bystander = await world.account("organizer")
    for _ in range(5):
        assert (await log_in(client, account.user.email, "guessing wrongly")).status_code == 401
    assert_throttled(await log_in(client, account.user.email))
    assert_throttled(
        await client.post(
            "/api/v1/auth/tokens", json={"email": account.user.email, "password": PASSWORD}
        )
    )
    # The counter is per account (and email case does not reset it); others still log in.
    assert_throttled(await log_in(client, account.user.email.upper()))
    assert (await log_in(client, bystander.user.email)).status_code == 201


async def test_an_unknown_account_is_throttled_like_a_known_one(client, world: World) -> None:
    for _ in range(5):
        assert (await log_in(client, "ghost@example.org", "guessing wrongly")).status_code == 401
    assert_throttled(await log_in(client, "ghost@example.org", "guessing wrongly"))


async def test_twenty_failures_from_one_address_lock_every_account(client, world: World) -> None:
    account = await world.account("organizer")
    for batch in range(4):  # four accounts at a time: the hashing runs in threads
        answers = await asyncio.gather(
            *(
                log_in(client, f"guess-{batch}-{n}@example.org", "guessing wrongly")
                for n in range(5)
            )
        )
        assert [a.status_code for a in answers] == [401] * 5
    assert_throttled(await log_in(client, account.user.email))


# --- logging out and CSRF ------------------------------------------------------------------


async def test_logout_needs_the_csrf_token_and_ends_the_session(
    client, world: World, runtime: Runtime
) -> None:
    account = await world.account("organizer")
    cookie, csrf = await open_session(client, account)
    refused = await client.delete("/api/v1/auth/session", headers=with_cookie(cookie))
    assert refused.status_code == 403
    assert await me(client, with_cookie(cookie)) == 200
    response = await client.delete(
        "/api/v1/auth/session", headers=with_cookie(cookie, **{CSRF_HEADER: csrf})
    )
    assert response.status_code == 204, response.text
    value, attributes = cookie_attributes(response)
    assert value in ("", '""')
    assert attributes.get("max-age") == "0"
    assert await me(client, with_cookie(cookie)) == 401
    async with transaction(runtime.sessions) as session:
        ended = await session.scalar(
            select(LoginSession.revoked_at).where(
                LoginSession.token_hash == hashlib.sha256(cookie.encode()).hexdigest()
            )
        )
    assert ended is not None


async def test_cookie_requests_that_change_things_need_this_sessions_csrf_token(
    client, world: World
) -> None:
    group = await world.group()
    account = await world.account("organizer", groups={group: "coordinator"})
    cookie, csrf = await open_session(client, account)
    _, other_csrf = await open_session(client, account)
    person = {"alias": "Ana", "group_ids": [str(group.id)]}
    for headers in (with_cookie(cookie), with_cookie(cookie, **{CSRF_HEADER: other_csrf})):
        refused = await client.post("/api/v1/people", json=person, headers=headers)
        assert refused.status_code == 403, refused.text
    listed = await client.get("/api/v1/people", headers=with_cookie(cookie))
    assert listed.status_code == 200  # safe methods need no token
    assert listed.json()["items"] == []  # nothing was created by the refused requests
    created = await client.post(
        "/api/v1/people", json=person, headers=with_cookie(cookie, **{CSRF_HEADER: csrf})
    )
    assert created.status_code == 201, created.text


async def test_api_tokens_need_no_csrf_token_and_stop_working_when_revoked(
    client, world: World
) -> None:
    group = await world.group()
    account = await world.account("organizer", groups={group: "coordinator"})
    other = await world.account("organizer")
    issued = await client.post(
        "/api/v1/auth/tokens",
        json={"email": account.user.email, "password": PASSWORD, "label": "laptop"},
    )
    assert issued.status_code == 201, issued.text
    assert issued.headers.get_list("set-cookie") == []
    token = issued.json()["token"]
    bearer = {"Authorization": f"Bearer {token}"}
    created = await client.post(
        "/api/v1/people", json={"alias": "Ana", "group_ids": [str(group.id)]}, headers=bearer
    )
    assert created.status_code == 201, created.text
    listed = await client.get("/api/v1/auth/tokens", headers=bearer)
    assert issued.json()["id"] in [t["id"] for t in listed.json()]
    assert token not in listed.text  # the secret is shown once only
    url = f"/api/v1/auth/tokens/{issued.json()['id']}"
    assert (await client.delete(url, headers=other.headers)).status_code == 404
    assert (await client.delete(url, headers=bearer)).status_code == 204
    assert await me(client, bearer) == 401
    assert await me(client, account.headers) == 200  # the account's other token still works


# --- session lifetime --------------------------------------------------------------------------


async def test_a_session_ends_after_thirty_idle_minutes(
    client, world: World, runtime: Runtime
) -> None:
    account = await world.account("organizer")
    cookie, _ = await open_session(client, account)
    await set_session(runtime, cookie, last_seen_at=utcnow() - timedelta(minutes=29))
    assert await me(client, with_cookie(cookie)) == 200  # and this request renews it
    await set_session(runtime, cookie, last_seen_at=utcnow() - timedelta(minutes=31))
    assert await me(client, with_cookie(cookie)) == 401


async def test_a_session_ends_at_its_absolute_timeout_however_busy(
    client, world: World, runtime: Runtime
) -> None:
    account = await world.account("organizer")
    cookie, _ = await open_session(client, account)
    await set_session(runtime, cookie, expires_at=utcnow() + timedelta(minutes=1))
    assert await me(client, with_cookie(cookie)) == 200
    await set_session(
        runtime, cookie, expires_at=utcnow() - timedelta(seconds=1), last_seen_at=utcnow()
    )
    assert await me(client, with_cookie(cookie)) == 401


# --- passwords ---------------------------------------------------------------------------------


async def invite(client: Any, admin: Account, **fields: Any) -> str:
    body = {"email": f"invitee-{uuid.uuid4().hex[:8]}@example.org", "role": "organizer"}
    response = await client.post(
        "/api/v1/invitations", json={**body, **fields}, headers=admin.headers
    )
    assert response.status_code == 201, response.text
    return str(response.json()["token"])


async def accept(client: Any, token: str, password: str) -> Any:
    return await client.post(
        "/api/v1/invitations/accept",
        json={"token": token, "display_name": "Invitee", "password": password},
    )


COMMON_LONG_PASSWORD = next(
    p for p in sorted(common_passwords()) if len(p) >= 15 and not _is_repetition(p)
)


@pytest.mark.parametrize(
    ("password", "why"),
    [
        ("tulip harbor 9x", None),  # 15 characters: the shortest allowed
        ("tulip harbor 9", "at least 15"),
        ("q" * 64 + "w" * 64 + "e", "at most 128"),
        (COMMON_LONG_PASSWORD, "too common"),
        ("passwordpassword", "too common"),
        ("abcabcabcabcabcabc", "too common"),
    ],
    ids=["15-ok", "14-chars", "129-chars", "common", "repeated-word", "repeated-unit"],
)
async def test_password_rules_when_accepting_an_invitation(
    client, world: World, password: str, why: str | None
) -> None:
    admin = await world.account("admin")
    token = await invite(client, admin)
    response = await accept(client, token, password)
    if why is None:
        assert response.status_code == 201, response.text
        return
    assert response.status_code == 422, response.text
    errors = response.json()["errors"]
    assert [e["field"] for e in errors] == ["password"], errors
    assert why in errors[0]["message"]
    assert password not in response.text
    # A refused password does not use the invitation up.
    assert (await accept(client, token, "tulip harbor 9x and more")).status_code == 201


async def test_a_hash_with_old_parameters_is_replaced_at_the_next_login(
    client, world: World, runtime: Runtime
) -> None:
    account = await world.account("organizer")
    weak = argon2.PasswordHasher(time_cost=1, memory_cost=8192).hash(PASSWORD)
    async with transaction(runtime.sessions) as session:
        await session.execute(update(User).where(User.id == account.id).values(password_hash=weak))

    async def stored_hash() -> str:
        async with transaction(runtime.sessions) as session:
            return str(
                await session.scalar(select(User.password_hash).where(User.id == account.id))
            )

    assert (await log_in(client, account.user.email)).status_code == 201
    rehashed = await stored_hash()
    assert rehashed != weak
    policy = argon2.profiles.RFC_9106_LOW_MEMORY  # policies/passwords.toml
    parameters = argon2.extract_parameters(rehashed)
    assert (parameters.time_cost, parameters.memory_cost, parameters.parallelism) == (
        policy.time_cost,
        policy.memory_cost,
        policy.parallelism,
    )
    assert argon2.PasswordHasher().verify(rehashed, PASSWORD)
    assert (await log_in(client, account.user.email)).status_code == 201
    assert await stored_hash() == rehashed  # current parameters: left alone


# --- invitations -----------------------------------------------------------------------------


async def test_an_invitation_works_once_and_not_after_it_expires(
    client, world: World, runtime: Runtime
) -> None:
    admin = await world.account("admin")
    token = await invite(client, admin)
    assert (await accept(client, token, "tulip harbor 9x")).status_code == 201
    again = await accept(client, token, "another fine passphrase")
    assert again.status_code == 422
    assert [e["field"] for e in again.json()["errors"]] == ["token"]

    expired = await invite(client, admin)
    async with transaction(runtime.sessions) as session:
        await session.execute(
            update(Invitation)
            .where(Invitation.token_hash == hashlib.sha256(expired.encode()).hexdigest())
            .values(expires_at=utcnow() - timedelta(seconds=1))
        )
    late = await accept(client, expired, "tulip harbor 9x")
    assert late.status_code == 422
    assert [e["field"] for e in late.json()["errors"]] == ["token"]
    made_up = await accept(client, f"cbi_{secrets.token_urlsafe(32)}", "tulip harbor 9x")
    assert made_up.json() == late.json()


async def test_an_invitation_to_a_group_makes_the_newcomer_a_member_with_that_role(
    client, world: World, runtime: Runtime
) -> None:
    admin = await world.account("admin")
    group = await world.group()
    email = f"newcomer-{uuid.uuid4().hex[:8]}@example.org"
    token = await invite(client, admin, email=email, group_id=str(group.id), group_role="member")
    accepted = await accept(client, token, "tulip harbor 9x")
    assert accepted.status_code == 201, accepted.text
    assert accepted.json()["role"] == "organizer"
    async with transaction(runtime.sessions) as session:
        role = await session.scalar(
            select(Membership.role).where(
                Membership.group_id == group.id,
                Membership.user_id == uuid.UUID(accepted.json()["id"]),
            )
        )
    assert role == "member"
    issued = await client.post(
        "/api/v1/auth/tokens", json={"email": email, "password": "tulip harbor 9x"}
    )
    bearer = {"Authorization": f"Bearer {issued.json()['token']}"}
    members = await client.get(f"/api/v1/groups/{group.id}/members", headers=bearer)
    assert members.status_code == 200
    assert {"user_id": accepted.json()["id"], "display_name": "Invitee", "role": "member"} in (
        members.json()
    )
