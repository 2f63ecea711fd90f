"""The administration pages: accounts, invitations, groups and their members, the audit log."""

from __future__ import annotations

import re

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import text

from casebook.audit.log import record
from casebook.db import transaction
from casebook.runtime import Runtime
from tests.conftest import PASSWORD, World
from tests.log_scan import never_log
from tests.web.conftest import PAGE, form, log_in

Client = AsyncTestClient[Litestar]
TOKEN = re.compile(r"cbi_[A-Za-z0-9_-]{20,}")


async def admin_session(client: Client, world: World) -> tuple[str, World]:
    admin = await world.account("admin", email="admin@example.org")
    return await log_in(client, admin), world


# --- who reaches the administration ------------------------------------------------------------


async def test_the_index_links_to_every_administration_page(client: Client, world: World) -> None:
    await admin_session(client, world)
    response = await client.get("/admin", headers=PAGE)
    assert response.status_code == 200
    for link in ("/admin/users", "/admin/invitations", "/admin/groups", "/admin/audit"):
        assert f'href="{link}"' in response.text


@pytest.mark.parametrize("role", ["organizer", "attorney", "researcher"])
async def test_everyone_but_admins_gets_the_not_found_page(
    client: Client, world: World, role: str
) -> None:
    group = await world.group()
    someone = await world.account(
        role, groups={group: "coordinator"} if role == "organizer" else None
    )
    token = await log_in(client, someone)
    for path in (
        "/admin",
        "/admin/users",
        "/admin/invitations",
        "/admin/groups",
        f"/admin/groups/{group.id}",
        "/admin/audit",
    ):
        response = await client.get(path, headers=PAGE)
        assert response.status_code == 404, path
        assert "Not found" in response.text
    for path, fields in (
        ("/admin/groups", {"name": "Mine", "city": "Tacoma", "region": "Washington"}),
        ("/admin/invitations", {"email": "new@example.org", "role": "admin"}),
        (f"/admin/users/{someone.id}/disable", {}),
        (f"/admin/groups/{group.id}/members", {"user_id": str(someone.id), "role": "member"}),
    ):
        response = await client.post(path, data=form(token, **fields), headers=PAGE)
        assert response.status_code == 404, path


async def test_a_form_without_its_token_is_refused(client: Client, world: World) -> None:
    await admin_session(client, world)
    response = await client.post(
        "/admin/groups", data={"name": "X", "city": "Y", "region": "Z"}, headers=PAGE
    )
    assert response.status_code == 403
    assert "The form has expired" in response.text


# --- accounts ----------------------------------------------------------------------------------


async def test_the_accounts_are_listed_and_one_is_disabled(client: Client, world: World) -> None:
    token, _ = await admin_session(client, world)
    organizer = await world.account("organizer", email="ana@example.org")
    listed = await client.get("/admin/users", headers=PAGE)
    assert listed.status_code == 200
    assert "ana@example.org" in listed.text
    assert "Organizer" in listed.text
    assert "Active" in listed.text
    assert "Disabled" not in listed.text
    disabled = await client.post(
        f"/admin/users/{organizer.id}/disable", data=form(token), headers=PAGE
    )
    assert disabled.status_code == 200
    assert "This account is disabled now." in disabled.text
    assert "Disabled" in disabled.text
    assert f'action="/admin/users/{organizer.id}/disable"' not in disabled.text
    refused = await client.post(
        "/api/v1/auth/session", json={"email": "ana@example.org", "password": PASSWORD}
    )
    assert refused.status_code == 401


async def test_one_cannot_disable_ones_own_account(client: Client, world: World) -> None:
    token, _ = await admin_session(client, world)
    me = (await client.get("/api/v1/me")).json()["id"]
    refused = await client.post(f"/admin/users/{me}/disable", data=form(token), headers=PAGE)
    assert refused.status_code == 422
    assert 'role="alert"' in refused.text
    assert "you cannot disable your own account" in refused.text
    assert (await client.get("/admin", headers=PAGE)).status_code == 200


async def test_disabling_an_unknown_account_is_not_found(client: Client, world: World) -> None:
    token, _ = await admin_session(client, world)
    unknown = "00000000-0000-4000-8000-000000000000"
    response = await client.post(f"/admin/users/{unknown}/disable", data=form(token), headers=PAGE)
    assert response.status_code == 404


# --- invitations -------------------------------------------------------------------------------


async def test_an_invitations_token_is_shown_once_and_works(client: Client, world: World) -> None:
    token, _ = await admin_session(client, world)
    group = await world.group("Hilltop Tenants")
    created = await client.post(
        "/admin/invitations",
        data=form(
            token,
            email="Nuevo@Example.org",
            role="organizer",
            group_id=str(group.id),
            group_role="coordinator",
        ),
        headers=PAGE,
        follow_redirects=False,
    )
    assert created.status_code == 200
    assert created.headers["cache-control"] == "no-store"
    invitation_token = TOKEN.search(created.text)
    assert invitation_token is not None
    never_log(invitation_token.group())
    assert "It is shown only now" in created.text
    assert "casebook accept-invite --server https://casebook.test" in created.text

    listed = await client.get("/admin/invitations", headers=PAGE)
    assert TOKEN.search(listed.text) is None
    assert "nuevo@example.org" in listed.text
    assert "Hilltop Tenants" in listed.text
    assert "Waiting to be accepted" in listed.text

    accepted = await client.post(
        "/api/v1/invitations/accept",
        json={"token": invitation_token.group(), "display_name": "Nuevo", "password": PASSWORD},
    )
    assert accepted.status_code == 201, accepted.text
    assert "Used" in (await client.get("/admin/invitations", headers=PAGE)).text


async def test_a_bad_invitation_comes_back_with_field_messages(
    client: Client, world: World
) -> None:
    token, _ = await admin_session(client, world)
    refused = await client.post(
        "/admin/invitations",
        data=form(token, email="not an email", role="superuser"),
        headers=PAGE,
    )
    assert refused.status_code == 422
    assert TOKEN.search(refused.text) is None
    assert "Some fields need attention" in refused.text
    assert "Enter an email address like name@example.org." in refused.text
    assert "Choose a role from the list." in refused.text
    assert 'value="not an email"' in refused.text
    assert 'aria-describedby="email-error"' in refused.text


async def test_only_organizers_are_invited_into_a_group(client: Client, world: World) -> None:
    token, _ = await admin_session(client, world)
    group = await world.group()
    await world.account("attorney", email="taken@example.org")
    refused = await client.post(
        "/admin/invitations",
        data=form(
            token,
            email="taken@example.org",
            role="attorney",
            group_id=str(group.id),
            group_role="member",
        ),
        headers=PAGE,
    )
    assert refused.status_code == 422
    assert "only organizers join a group by invitation" in refused.text
    assert "an account with this email already exists" in refused.text
    assert f'<option value="{group.id}" selected>' in refused.text


async def test_an_unknown_group_is_a_field_message(client: Client, world: World) -> None:
    token, _ = await admin_session(client, world)
    for group_id, message in (
        ("not-a-uuid", "Choose a group from the list."),
        ("00000000-0000-4000-8000-000000000000", "no such group"),
    ):
        refused = await client.post(
            "/admin/invitations",
            data=form(token, email="x@example.org", role="organizer", group_id=group_id),
            headers=PAGE,
        )
        assert refused.status_code == 422
        assert message in refused.text


# --- groups and members ------------------------------------------------------------------------


async def test_a_group_is_created_and_a_duplicate_name_refused(
    client: Client, world: World
) -> None:
    token, _ = await admin_session(client, world)
    fields = {"name": "Eastside Workers", "city": "Bellevue", "region": "Washington"}
    created = await client.post("/admin/groups", data=form(token, **fields), headers=PAGE)
    assert created.status_code == 200
    assert "<h1>Eastside Workers</h1>" in created.text
    assert "This group has no members yet." in created.text
    listed = await client.get("/admin/groups", headers=PAGE)
    assert "Eastside Workers" in listed.text

    again = await client.post(
        "/admin/groups", data=form(token, **{**fields, "city": "Redmond"}), headers=PAGE
    )
    assert again.status_code == 422
    assert "a group with this name already exists" in again.text
    assert 'value="Redmond"' in again.text
    assert 'aria-invalid="true" aria-describedby="name-error"' in again.text


async def test_a_group_needs_every_field(client: Client, world: World) -> None:
    token, _ = await admin_session(client, world)
    refused = await client.post(
        "/admin/groups", data=form(token, name="  ", city="x" * 121, region="Oregon"), headers=PAGE
    )
    assert refused.status_code == 422
    assert "Fill in this field." in refused.text
    assert "Enter at most 120 characters." in refused.text
    assert 'value="Oregon"' in refused.text


async def test_members_are_added_and_removed(client: Client, world: World) -> None:
    token, _ = await admin_session(client, world)
    group = await world.group("Southside Union")
    organizer = await world.account("organizer", email="luz@example.org")
    await world.account("attorney", email="lawyer@example.org")
    page = await client.get(f"/admin/groups/{group.id}", headers=PAGE)
    assert f'<option value="{organizer.id}">' in page.text
    assert "lawyer@example.org" not in page.text

    added = await client.post(
        f"/admin/groups/{group.id}/members",
        data=form(token, user_id=str(organizer.id), role="coordinator"),
        headers=PAGE,
    )
    assert added.status_code == 200
    assert "luz@example.org" in added.text
    assert "Coordinator" in added.text
    assert f'action="/admin/groups/{group.id}/members/{organizer.id}/remove"' in added.text

    removed = await client.post(
        f"/admin/groups/{group.id}/members/{organizer.id}/remove", data=form(token), headers=PAGE
    )
    assert removed.status_code == 200
    assert "The member was removed from the group." in removed.text
    assert "This group has no members yet." in removed.text


async def test_a_bad_member_comes_back_with_field_messages(client: Client, world: World) -> None:
    token, _ = await admin_session(client, world)
    group = await world.group()
    attorney = await world.account("attorney")
    await world.account("organizer")
    for user_id, message in (
        ("garbage", "Choose an organizer from the list."),
        (str(attorney.id), "no organizer account with this id"),
    ):
        refused = await client.post(
            f"/admin/groups/{group.id}/members",
            data=form(token, user_id=user_id, role="member"),
            headers=PAGE,
        )
        assert refused.status_code == 422
        assert message in refused.text


async def test_an_unknown_group_is_not_found(client: Client, world: World) -> None:
    await admin_session(client, world)
    response = await client.get("/admin/groups/00000000-0000-4000-8000-000000000000", headers=PAGE)
    assert response.status_code == 404


# --- the audit log -----------------------------------------------------------------------------


async def test_the_audit_log_shows_its_verification_and_recent_events(
    client: Client, world: World
) -> None:
    token, _ = await admin_session(client, world)
    await client.post(
        "/admin/groups",
        data=form(token, name="Audited", city="Yakima", region="Washington"),
        headers=PAGE,
    )
    page = await client.get("/admin/audit", headers=PAGE)
    assert page.status_code == 200
    status = re.search(r'<p class="chain-intact" role="status">([^<]*)</p>', page.text)
    assert status is not None
    assert re.fullmatch(r"Verified: \d+ entries, chain intact\.", status.group(1))
    assert "<code>group.create</code>" in page.text
    assert "admin@example.org" in page.text
    assert page.text.index("audit.verify") < page.text.index("group.create")
    assert "Older entries</a>" not in page.text


async def test_the_audit_log_pages_back_through_older_entries(
    client: Client, world: World, runtime: Runtime
) -> None:
    await admin_session(client, world)
    async with transaction(runtime.sessions) as session:
        for _ in range(60):
            await record(session, actor_id=None, action="demo.seed")
    first = await client.get("/admin/audit", headers=PAGE)
    older = re.search(r'href="/admin/audit\?before=(\d+)"', first.text)
    assert older is not None
    second = await client.get(f"/admin/audit?before={older.group(1)}", headers=PAGE)
    assert second.status_code == 200
    assert f"<dd>{int(older.group(1)) - 1}</dd>" in second.text
    assert 'href="/admin/audit"' in second.text
    assert "Casebook itself" in second.text
    nonsense = await client.get("/admin/audit?before=-3", headers=PAGE)
    assert nonsense.status_code == 200
    assert "That page of the log does not exist" in nonsense.text


async def test_a_tampered_audit_log_is_reported_broken(
    client: Client, world: World, runtime: Runtime
) -> None:
    await admin_session(client, world)
    async with runtime.engine.begin() as connection:
        if connection.dialect.name == "sqlite":
            await connection.execute(text("DROP TRIGGER audit_events_no_update"))
        else:
            await connection.execute(text("DROP TRIGGER audit_events_no_change ON audit_events"))
        await connection.execute(text("UPDATE audit_events SET action = 'forged' WHERE seq = 1"))
    page = await client.get("/admin/audit", headers=PAGE)
    assert page.status_code == 200
    assert "chain intact" not in page.text
    assert '<div class="chain-broken" role="alert">' in page.text
    assert "The audit log is broken at entry 1." in page.text
    assert "Its content was changed after it was written." in page.text


# --- Spanish -----------------------------------------------------------------------------------


async def test_a_spanish_speaking_admin_reads_the_pages_in_spanish(
    client: Client, world: World
) -> None:
    token, _ = await admin_session(client, world)
    await client.post("/account", data=form(token, locale="es"), headers=PAGE)
    users = await client.get("/admin/users", headers=PAGE)
    assert '<html lang="es">' in users.text
    assert "Cuentas" in users.text
    assert "Administrador/a" in users.text
    audit = await client.get("/admin/audit", headers=PAGE)
    assert "cadena intacta" in audit.text
    refused = await client.post(
        "/admin/invitations", data=form(token, email="malo", role="x"), headers=PAGE
    )
    assert refused.status_code == 422
    assert "Elige un rol de la lista." in refused.text
