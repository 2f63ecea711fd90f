"""Setting up one's keys in the browser: the /account/keys page, and the links to it that the
dashboard and the account page show while an account has no keys."""

from __future__ import annotations

from litestar import Litestar
from litestar.testing import AsyncTestClient

from tests.accounts.test_account_keys import enrol
from tests.conftest import World
from tests.web.conftest import PAGE, form, log_in

Client = AsyncTestClient[Litestar]
KEYS_PAGE = "/account/keys"
LINK = 'href="/account/keys"'


async def test_an_account_without_keys_is_offered_to_set_them_up(
    client: Client, world: World
) -> None:
    organizer = await world.account("organizer")
    await log_in(client, organizer)
    response = await client.get(KEYS_PAGE, headers=PAGE)
    assert response.status_code == 200
    assert "What setting up your keys does" in response.text
    assert 'id="keys-form"' in response.text
    assert "/static/js/keys-page.js" in response.text
    assert f'data-user-id="{organizer.id}"' in response.text
    assert "shown only this once" in response.text
    # The form is the script's: it never posts the password to a page.
    assert 'method="post" action="/account/keys"' not in response.text


async def test_an_account_with_keys_is_told_so_and_never_shown_a_kit(
    client: Client, world: World
) -> None:
    organizer = await world.account("organizer")
    await log_in(client, organizer)
    await enrol(client, organizer)
    response = await client.get(KEYS_PAGE, headers=PAGE)
    assert response.status_code == 200
    assert "Your account has its keys." in response.text
    assert 'id="keys-form"' not in response.text
    assert 'id="kit"' not in response.text
    assert "keys-page.js" not in response.text


async def test_anonymous_visitors_are_sent_to_log_in(client: Client) -> None:
    response = await client.get(KEYS_PAGE, headers=PAGE, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/account/keys"


async def test_every_role_may_set_up_its_own_keys(client: Client, world: World) -> None:
    for role in ("admin", "attorney", "researcher"):
        account = await world.account(role)
        await log_in(client, account)
        response = await client.get(KEYS_PAGE, headers=PAGE)
        assert response.status_code == 200, role
        assert 'id="keys-form"' in response.text, role
        client.cookies.clear()


async def test_dashboard_and_account_page_link_to_it_only_without_keys(
    client: Client, world: World
) -> None:
    group = await world.group()
    organizer = await world.account("organizer", groups={group: "coordinator"})
    await log_in(client, organizer)
    for path in ("/", "/account"):
        response = await client.get(path, headers=PAGE)
        assert LINK in response.text, path
    await enrol(client, organizer)
    for path in ("/", "/account"):
        response = await client.get(path, headers=PAGE)
        assert response.status_code == 200, path
        assert LINK not in response.text, path


async def test_the_account_page_keeps_the_link_when_its_form_is_refused(
    client: Client, world: World
) -> None:
    organizer = await world.account("organizer")
    token = await log_in(client, organizer)
    response = await client.post("/account", data=form(token, locale="xx"), headers=PAGE)
    assert response.status_code == 422
    assert LINK in response.text


async def test_the_page_speaks_spanish(client: Client, world: World) -> None:
    organizer = await world.account("organizer")
    token = await log_in(client, organizer)
    await client.post("/account", data=form(token, locale="es"), headers=PAGE)
    response = await client.get(KEYS_PAGE, headers=PAGE)
    assert '<html lang="es">' in response.text
    assert "Tus claves de la cuenta" in response.text
    assert "Kit de emergencia de Casebook" in response.text
    assert "Configurar mis claves" in response.text
    dashboard = await client.get("/account", headers=PAGE)
    assert "Configura las claves de tu cuenta" in dashboard.text
