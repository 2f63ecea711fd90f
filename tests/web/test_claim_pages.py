"""Claim pages: opening a claim from the form, the claim page with its timeline, chronology and
element matrix, exhibits moved by buttons, notes, colleagues, and the not-found page for
everyone not on the claim."""

from __future__ import annotations

import re
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from tests.claims.scene import Case, build_case
from tests.conftest import World
from tests.web.conftest import PAGE, form, log_in

Client = AsyncTestClient[Litestar]


@pytest.fixture
async def case(client: Client, world: World) -> Case:
    return await build_case(client, world)


async def opened(client: Client, case: Case) -> tuple[str, str]:
    """The attorney's browser session and a claim opened from the form: (CSRF token, path)."""
    token = await log_in(client, case.attorney)
    response = await client.post(
        "/claims/new",
        data=form(
            token,
            title="Rosa v. ICE",
            person_ids=[case.person],
            gather_from="2024-01-01",
            gather_to="",
            label_style="letters",
            bates_prefix="",
        ),
        headers=PAGE,
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    return token, response.headers["location"]


def version(html: str, action: str) -> str:
    form_start = rf'action="{re.escape(action)}"[^>]*>\s*<input[^>]*csrf[^>]*>\s*'
    found = re.search(form_start + r'<input type="hidden" name="version" value="(\d+)"', html)
    assert found, action
    return found.group(1)


async def test_an_attorney_opens_a_claim_and_sees_its_chronology(
    client: Client, case: Case
) -> None:
    _, path = await opened(client, case)
    page = await client.get(path, headers=PAGE)
    assert page.status_code == 200, page.text
    html = page.text
    assert "<h1>Rosa v. ICE</h1>" in html
    assert html.count("<circle") == 2
    assert html.count("<rect") == 3
    assert "13 days" in html
    assert "0 days" in html
    rows = re.findall(r"<tr><td>([^<]+)</td>\s*<td><strong>([^<]+)</strong>", html)
    assert [(day, kind) for day, kind in rows] == [
        ("Feb 1, 2024", "Adverse action:"),
        ("Mar 1, 2024", "Protected activity:"),
        ("Mar 14, 2024", "Adverse action:"),
        ("Apr 10, 2024", "Protected activity:"),
        ("Apr 10, 2024", "Adverse action:"),
    ]
    assert "none before" in html
    listed = await client.get("/claims", headers=PAGE)
    assert path in listed.text


async def test_the_element_form_saves_and_explains_mistakes(client: Client, case: Case) -> None:
    token, path = await opened(client, case)
    html = (await client.get(path, headers=PAGE)).text
    action = f"{path}/elements/{case.arrested}"
    fields = {
        "version": version(html, action),
        "answers": case.protest,
        "severity": "severe",
        "animus": "This is what you get for talking",  # no source
        "departures": "Arrested at a hearing",
        "comparators": "",
        "lawful_basis": "no",
        "lawful_basis_notes": "No warrant.",
    }
    refused = await client.post(action, data=form(token, **fields), headers=PAGE)
    assert refused.status_code == 422
    assert "write each quote as: words -- who said them, where" in refused.text
    assert "Arrested at a hearing" in refused.text, "what was typed comes back"
    fields["animus"] = "This is what you get for talking -- agent, body camera"
    saved = await client.post(
        action, data=form(token, **fields), headers=PAGE, follow_redirects=False
    )
    assert saved.status_code == 303, saved.text
    html = (await client.get(path, headers=PAGE)).text
    assert "40 days after the protected activity" in html
    assert "This is what you get for talking -- agent, body camera" in html
    stale = await client.post(action, data=form(token, **fields), headers=PAGE)
    assert stale.status_code == 409
    assert "Someone else changed this claim while you were editing it" in stale.text


async def test_exhibits_are_added_moved_and_removed_with_buttons(
    client: Client, case: Case
) -> None:
    token, path = await opened(client, case)
    action = f"{path}/exhibits"

    async def press(button: str, **extra: Any) -> str:
        html = (await client.get(path, headers=PAGE)).text
        shown = re.findall(r'name="attachment_id" value="([^"]+)"', html)
        descriptions = re.findall(r'id="description-\d+" name="description" value="([^"]*)"', html)
        data = form(
            token,
            version=version(html, action),
            attachment_id=shown,
            description=descriptions,
            action=button,
            **extra,
        )
        response = await client.post(action, data=data, headers=PAGE, follow_redirects=False)
        assert response.status_code == 303, response.text
        return (await client.get(path, headers=PAGE)).text

    await press("add", add_attachment=case.photo, add_description="Photo of the car")
    html = await press("add", add_attachment=case.video, add_description="Arrest video")
    assert re.findall(r'class="exhibit-label">(\w+)<', html) == ["A", "B"]
    assert f'href="/incidents/{case.arrested}/evidence"' in html, "where the file can be opened"
    html = await press(f"move-up:{case.video}")
    order = re.findall(r'name="attachment_id" value="([^"]+)"', html)
    assert order == [case.video, case.photo]
    assert html.index("Arrest video") < html.index("Photo of the car")
    html = await press(f"remove:{case.video}")
    assert re.findall(r'name="attachment_id" value="([^"]+)"', html) == [case.photo]


async def test_notes_and_colleagues(client: Client, case: Case) -> None:
    token, path = await opened(client, case)
    empty = await client.post(f"{path}/notes", data=form(token, body="  "), headers=PAGE)
    assert empty.status_code == 422
    await client.post(f"{path}/notes", data=form(token, body="Ask for the footage."), headers=PAGE)
    refused = await client.post(
        f"{path}/attorneys", data=form(token, email=case.outsider.user.email), headers=PAGE
    )
    assert refused.status_code == 422
    assert (
        "no attorney with access to every group of this claim has that email address"
        in refused.text
    )
    await client.post(
        f"{path}/attorneys", data=form(token, email=case.colleague.user.email), headers=PAGE
    )
    client.cookies.clear()
    await log_in(client, case.colleague)
    html = (await client.get(path, headers=PAGE)).text
    assert "Ask for the footage." in html
    assert case.colleague.user.email in html


async def test_everyone_else_gets_the_not_found_page(
    client: Client, case: Case, world: World
) -> None:
    _, path = await opened(client, case)
    await client.post(
        f"{path}/notes",
        data=form(await log_in(client, case.attorney), body="Private."),
        headers=PAGE,
    )
    for stranger in (case.organizer, case.outsider, case.colleague, await world.account("admin")):
        client.cookies.clear()
        await log_in(client, stranger)
        page = await client.get(path, headers=PAGE)
        assert page.status_code == 404, stranger.user.role
        assert "Private." not in page.text
        assert "Rosa v. ICE" not in page.text
        listed = await client.get("/claims", headers=PAGE)
        assert "Rosa v. ICE" not in listed.text


async def test_the_claim_page_in_spanish(client: Client, case: Case) -> None:
    token, path = await opened(client, case)
    await client.post("/account", data=form(token, locale="es"), headers=PAGE)
    html = (await client.get(path, headers=PAGE)).text
    assert "Cronología" in html
    assert "Matriz de elementos" in html
    assert "13 días" in html


async def test_records_are_taken_out_and_gathered_again(client: Client, case: Case) -> None:
    token, path = await opened(client, case)
    html = (await client.get(path, headers=PAGE)).text
    kept = {"version": version(html, f"{path}/records"), "activity_ids": [case.protest]}
    kept["incident_ids"] = [case.followed]
    response = await client.post(f"{path}/records", data=form(token, **kept), headers=PAGE)
    html = (await client.get(path, headers=PAGE)).text
    assert response.status_code == 200, response.text
    assert re.findall(r'name="(incident_ids|activity_ids)" value="([^"]+)"', html) == [
        ("activity_ids", case.protest),
        ("incident_ids", case.followed),
    ]
    backwards = {"version": version(html, f"{path}/gather"), "gather_from": "2024-05-01"}
    backwards["gather_to"] = "2024-01-01"
    refused = await client.post(f"{path}/gather", data=form(token, **backwards), headers=PAGE)
    assert refused.status_code == 422
    assert "must not be before the start date" in refused.text
    again = {**backwards, "gather_from": "2024-04-01", "gather_to": "2024-04-30"}
    await client.post(f"{path}/gather", data=form(token, **again), headers=PAGE)
    html = (await client.get(path, headers=PAGE)).text
    assert len(re.findall(r'name="(?:incident_ids|activity_ids)"', html)) == 4
