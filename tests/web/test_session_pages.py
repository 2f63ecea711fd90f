"""Login page, logout, the dashboard, the account page and the pages shown for failures."""

from __future__ import annotations

import re

from litestar import Litestar
from litestar.testing import AsyncTestClient

from tests.conftest import World
from tests.web.conftest import PAGE, form, log_in

Client = AsyncTestClient[Litestar]


async def test_anonymous_visitors_are_sent_to_the_login_page(client: Client) -> None:
    response = await client.get("/account?x=1", headers=PAGE, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/account%3Fx%3D1"


async def test_login_page_speaks_the_browsers_language(client: Client) -> None:
    english = await client.get("/login", headers={**PAGE, "Accept-Language": "en-US"})
    spanish = await client.get("/login", headers={**PAGE, "Accept-Language": "es-MX,en;q=0.5"})
    assert '<html lang="en">' in english.text
    assert "Log in" in english.text
    assert '<html lang="es">' in spanish.text
    assert "Iniciar sesión" in spanish.text


async def test_login_page_never_sends_anyone_to_another_site(client: Client) -> None:
    response = await client.get("/login?next=//evil.example/x", headers=PAGE)
    assert 'data-next="/"' in response.text


async def test_dashboard_shows_the_organizers_groups(client: Client, world: World) -> None:
    group = await world.group("Rainier Mutual Aid")
    organizer = await world.account("organizer", groups={group: "coordinator"})
    await log_in(client, organizer)
    response = await client.get("/", headers=PAGE)
    assert response.status_code == 200
    assert "Rainier Mutual Aid" in response.text
    assert "0 incidents await review" in response.text


async def test_unknown_page_is_the_not_found_page(client: Client, world: World) -> None:
    organizer = await world.account("organizer")
    await log_in(client, organizer)
    response = await client.get("/no/such/page", headers=PAGE)
    assert response.status_code == 404
    assert "text/html" in response.headers["content-type"]
    assert "Not found" in response.text


async def test_logout_needs_the_forms_token(client: Client, world: World) -> None:
    organizer = await world.account("organizer")
    token = await log_in(client, organizer)
    refused = await client.post("/logout", data={"csrf_token": "forged"}, headers=PAGE)
    assert refused.status_code == 403
    assert "The form has expired" in refused.text
    done = await client.post("/logout", data=form(token), headers=PAGE, follow_redirects=False)
    assert done.status_code == 303
    assert done.headers["location"].startswith("/login")
    after = await client.get("/", headers=PAGE, follow_redirects=False)
    assert after.status_code == 303


async def test_choosing_spanish_translates_the_pages(client: Client, world: World) -> None:
    organizer = await world.account("organizer")
    token = await log_in(client, organizer)
    saved = await client.post("/account", data=form(token, locale="es"), headers=PAGE)
    assert saved.status_code == 200
    assert '<html lang="es">' in saved.text
    assert "Guardado." in saved.text


async def test_an_unknown_language_is_refused_with_a_field_message(
    client: Client, world: World
) -> None:
    organizer = await world.account("organizer")
    token = await log_in(client, organizer)
    refused = await client.post("/account", data=form(token, locale="xx"), headers=PAGE)
    assert refused.status_code == 422
    assert "choose one of the languages offered" in refused.text


async def test_pages_are_html(client: Client, world: World) -> None:
    organizer = await world.account("organizer")
    await log_in(client, organizer)
    for path in ("/login", "/", "/account"):
        response = await client.get(path, headers=PAGE)
        assert response.headers["content-type"] == "text/html; charset=utf-8", path


async def test_a_nul_character_in_a_form_field_is_refused(client: Client, world: World) -> None:
    organizer = await world.account("organizer")
    token = await log_in(client, organizer)
    refused = await client.post("/account", data=form(token, locale="es\x00"), headers=PAGE)
    assert refused.status_code == 400
    assert "text/html" in refused.headers["content-type"]


async def test_a_form_sent_as_multipart_is_read_like_any_form(client: Client, world: World) -> None:
    organizer = await world.account("organizer")
    token = await log_in(client, organizer)
    saved = await client.post(
        "/account", files={"locale": (None, "es"), "csrf_token": (None, token)}, headers=PAGE
    )
    assert saved.status_code == 200
    assert "Guardado." in saved.text


async def test_the_dashboard_counts_a_chosen_months_incidents_by_tactic(
    client: Client, world: World
) -> None:
    group = await world.group()
    organizer = await world.account("organizer", groups={group: "coordinator"})
    for day, tactic in [
        ("2025-03-03", "stakeout"),
        ("2025-03-31", "stakeout"),
        ("2025-04-01", "stakeout"),
    ]:
        created = await client.post(
            "/api/v1/incidents",
            json={"group_id": str(group.id), "occurred_on": day, "tactics": [tactic]},
            headers=organizer.headers,
        )
        assert created.status_code == 201, created.text
    await log_in(client, organizer)
    march = await client.get("/?month=2025-03", headers=PAGE)
    assert "Incidents by tactic, March 2025" in march.text
    assert re.search(r"Stakeout</a></td><td>2</td>", march.text)
    assert "?month=2025-02" in march.text
    assert "?month=2025-04" in march.text
    unreadable = await client.get("/?month=March", headers=PAGE)
    future = await client.get("/?month=2999-01", headers=PAGE)
    for page in (unreadable, future):
        assert page.status_code == 200
        assert "No incidents in this month." in page.text
        assert "Next month" not in page.text


async def test_the_dashboard_counts_the_incidents_awaiting_review_in_its_scope(
    client: Client, world: World
) -> None:
    own, other = await world.group(), await world.group()
    organizer = await world.account("organizer", groups={own: "coordinator"})
    outsider = await world.account("organizer", groups={other: "coordinator"})
    logged = [
        (organizer, own, "submitted"),
        (organizer, own, "draft"),
        (outsider, other, "submitted"),
    ]
    for account, group, status in logged:
        created = await client.post(
            "/api/v1/incidents",
            json={
                "group_id": str(group.id),
                "occurred_on": "2025-05-05",
                "tactics": ["stakeout"],
                "workflow_status": status,
            },
            headers=account.headers,
        )
        assert created.status_code == 201, created.text
    await log_in(client, organizer)
    dashboard = await client.get("/", headers=PAGE)
    assert "1 incident awaits review" in dashboard.text
