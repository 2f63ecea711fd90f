"""The grants page: which attorneys may read a group's records, for the group's own organizers and
for admins; everyone else gets the not-found page."""

from __future__ import annotations

import re

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from casebook.groups.models import Group
from tests.conftest import Account, World
from tests.web.conftest import PAGE, form, log_in

Client = AsyncTestClient[Litestar]


def revoke_paths(html: str) -> list[str]:
    return re.findall(r'action="(/groups/[^"]+/grants/[^"]+/revoke)"', html)


async def grant_and_revoke(client: Client, manager: Account, group: Group) -> None:
    token = await log_in(client, manager)
    page = await client.get(f"/groups/{group.id}/grants", headers=PAGE)
    assert page.status_code == 200
    assert "No attorney has access to this group" in page.text

    granted = await client.post(
        f"/groups/{group.id}/grants",
        data=form(token, attorney_email="Counsel@Example.org"),
        headers=PAGE,
    )
    assert granted.status_code == 200
    assert "The attorney now has access." in granted.text
    assert "counsel@example.org" in granted.text
    assert "Granted on" in granted.text
    [revoke] = revoke_paths(granted.text)

    revoked = await client.post(revoke, data=form(token), headers=PAGE)
    assert revoked.status_code == 200
    assert "The grant was revoked." in revoked.text
    assert revoke_paths(revoked.text) == []
    assert "Revoked grants" in revoked.text
    assert "revoked on" in revoked.text


async def test_an_organizer_of_the_group_grants_and_revokes(client: Client, world: World) -> None:
    group = await world.group("Northgate Renters")
    await world.account("attorney", email="counsel@example.org")
    organizer = await world.account("organizer", groups={group: "member"})
    await grant_and_revoke(client, organizer, group)


async def test_an_admin_grants_and_revokes(client: Client, world: World) -> None:
    group = await world.group()
    await world.account("attorney", email="counsel@example.org")
    await grant_and_revoke(client, await world.account("admin"), group)


async def test_the_grant_takes_effect_for_the_attorney(client: Client, world: World) -> None:
    group = await world.group()
    attorney = await world.account("attorney", email="counsel@example.org")
    organizer = await world.account("organizer", groups={group: "coordinator"})
    token = await log_in(client, organizer)
    await client.post(
        f"/groups/{group.id}/grants",
        data=form(token, attorney_email="counsel@example.org"),
        headers=PAGE,
    )
    groups = await client.get("/api/v1/groups", headers=attorney.headers)
    assert [g["id"] for g in groups.json()] == [str(group.id)]


async def test_an_unknown_attorney_is_a_field_message(client: Client, world: World) -> None:
    group = await world.group()
    organizer = await world.account("organizer", groups={group: "coordinator"})
    await world.account("researcher", email="researcher@example.org")
    token = await log_in(client, organizer)
    for email, message in (
        ("researcher@example.org", "no attorney account with this email"),
        ("nobody@example.org", "no attorney account with this email"),
        ("not-an-email", "Enter an email address like name@example.org."),
        ("", "Enter an email address."),
    ):
        refused = await client.post(
            f"/groups/{group.id}/grants", data=form(token, attorney_email=email), headers=PAGE
        )
        assert refused.status_code == 422
        assert message in refused.text
        assert f'value="{email}"' in refused.text
        assert 'aria-describedby="attorney_email-error"' in refused.text


@pytest.mark.parametrize("role", ["other organizer", "researcher", "attorney"])
async def test_everyone_else_gets_the_not_found_page(
    client: Client, world: World, role: str
) -> None:
    group, elsewhere = await world.group(), await world.group()
    attorney = await world.account("attorney", email="counsel@example.org")
    organizer = await world.account("organizer", groups={group: "coordinator"})
    grant = await world.grant(group, attorney, by=organizer)
    someone = {
        "other organizer": lambda: world.account("organizer", groups={elsewhere: "coordinator"}),
        "researcher": lambda: world.account("researcher"),
        "attorney": lambda: world.account("attorney", email="other@example.org"),
    }[role]
    token = await log_in(client, await someone())
    page = await client.get(f"/groups/{group.id}/grants", headers=PAGE)
    assert page.status_code == 404
    assert "Not found" in page.text
    for path, fields in (
        (f"/groups/{group.id}/grants", {"attorney_email": "counsel@example.org"}),
        (f"/groups/{group.id}/grants/{grant.id}/revoke", {}),
    ):
        response = await client.post(path, data=form(token, **fields), headers=PAGE)
        assert response.status_code == 404, path
    grants = await client.get(f"/api/v1/groups/{group.id}/grants", headers=organizer.headers)
    assert grants.json()[0]["revoked_at"] is None


async def test_a_grant_is_revoked_only_through_its_own_group(client: Client, world: World) -> None:
    group, other = await world.group(), await world.group()
    attorney = await world.account("attorney")
    organizer = await world.account("organizer", groups={group: "member", other: "member"})
    grant = await world.grant(group, attorney, by=organizer)
    token = await log_in(client, organizer)
    response = await client.post(
        f"/groups/{other.id}/grants/{grant.id}/revoke", data=form(token), headers=PAGE
    )
    assert response.status_code == 404
    still = await client.get(f"/groups/{group.id}/grants", headers=PAGE)
    assert revoke_paths(still.text) == [f"/groups/{group.id}/grants/{grant.id}/revoke"]


async def test_granting_needs_the_forms_token(client: Client, world: World) -> None:
    group = await world.group()
    organizer = await world.account("organizer", groups={group: "coordinator"})
    await log_in(client, organizer)
    response = await client.post(
        f"/groups/{group.id}/grants", data={"attorney_email": "x@example.org"}, headers=PAGE
    )
    assert response.status_code == 403


async def test_a_spanish_speaking_organizer_reads_the_page_in_spanish(
    client: Client, world: World
) -> None:
    group = await world.group()
    organizer = await world.account("organizer", groups={group: "coordinator"})
    token = await log_in(client, organizer)
    await client.post("/account", data=form(token, locale="es"), headers=PAGE)
    page = await client.get(f"/groups/{group.id}/grants", headers=PAGE)
    assert "Dar acceso a un/a abogado/a" in page.text
    refused = await client.post(
        f"/groups/{group.id}/grants", data=form(token, attorney_email="x"), headers=PAGE
    )
    assert "Escribe un correo como nombre@ejemplo.org." in refused.text
