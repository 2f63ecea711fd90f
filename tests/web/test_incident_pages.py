"""The incident pages: logging an incident from the form, the filtered list, one incident,
scope (not found for other groups and ungranted attorneys), bad input, and the edit that lost
a race shown as a choice."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from tests.conftest import Account, World
from tests.web.conftest import PAGE, form, log_in

Client = AsyncTestClient[Litestar]


def incident_form(token: str, group: Any, **overrides: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "group_id": str(group.id),
        "occurred_on": "2024-03-14",
        "date_precision": "day",
        "occurred_time": "21:30",
        "city": "Seattle",
        "region": "Washington",
        "country": "US",
        "tactics": ["physical-following"],
        "agencies": ["ice-ero"],
        "person_id": ["", ""],
        "person_role": ["", ""],
        "narrative": "Two agents followed her home.\nThey waited outside.",
        "source_kind": "first-hand",
        "verification_status": "unverified",
        "workflow_status": "draft",
    }
    fields.update(overrides)
    return form(token, **fields)


async def log(client: Client, token: str, group: Any, **overrides: Any) -> str:
    """Log an incident through the form; its page's path."""
    response = await client.post(
        "/incidents/new",
        data=incident_form(token, group, **overrides),
        headers=PAGE,
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    path: str = response.headers["location"]
    return path


@pytest.fixture
async def scene(world: World) -> dict[str, Any]:
    home = await world.group("Home Group")
    other = await world.group("Other Group")
    organizer = await world.account("organizer", groups={home: "coordinator"})
    outsider = await world.account("organizer", groups={other: "member"})
    return {"home": home, "other": other, "organizer": organizer, "outsider": outsider}


async def person(client: Client, account: Account, group: Any, alias: str) -> str:
    created = await client.post(
        "/api/v1/people",
        json={"alias": alias, "group_ids": [str(group.id)]},
        headers=account.headers,
    )
    assert created.status_code == 201, created.text
    person_id: str = created.json()["id"]
    return person_id


async def test_an_organizer_logs_an_incident_and_finds_it(client: Client, scene: Any) -> None:
    organizer, home = scene["organizer"], scene["home"]
    rosa = await person(client, organizer, home, "Rosa")
    activity = await client.post(
        "/api/v1/activities",
        json={
            "kind": "protest",
            "occurred_on": "2024-03-10",
            "title": "March at City Hall",
            "group_ids": [str(home.id)],
        },
        headers=organizer.headers,
    )
    token = await log_in(client, organizer)
    blank = await client.get("/incidents/new", headers=PAGE)
    assert blank.status_code == 200
    assert 'id="incident-form"' in blank.text
    assert f'<option value="{home.id}" selected>' in blank.text
    assert "Rosa" in blank.text
    assert "March at City Hall" in blank.text
    assert "Agents arrested the person at or just outside their home." in blank.text

    path = await log(
        client,
        token,
        home,
        person_id=[rosa, "", ""],
        person_role=["target", "", ""],
        activity_ids=[activity.json()["id"]],
    )
    listed = await client.get("/incidents", headers=PAGE)
    assert f'href="{path}"' in listed.text
    assert "Followed in person" in listed.text

    shown = await client.get(path, headers=PAGE)
    assert shown.status_code == 200
    assert "Mar 14, 2024" in shown.text
    assert "21:30" in shown.text
    assert "Seattle, Washington, US" in shown.text
    assert f'<a href="/people/{rosa}">Rosa</a>' in shown.text
    assert "March at City Hall" in shown.text
    assert "Two agents followed her home.\nThey waited outside." in shown.text
    assert f'href="{path}/edit"' in shown.text


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"occurred_on": (date.today() + timedelta(days=30)).isoformat()},
            "occurred_on",
            "cannot be in the future",
        ),
        ({"tactics": []}, "tactics", "name at least one tactic"),
        ({"occurred_on": "14/03/2024"}, "occurred_on", "enter a date as year-month-day"),
        (
            {"person_id": ["7d3b0a4e-0000-4000-8000-000000000000"], "person_role": ["witness"]},
            "people",
            "choose from the list",
        ),
        (
            {"person_id": ["not-an-id"], "person_role": ["witness"]},
            "people",
            "choose from the list",
        ),
        ({"occurred_time": "late"}, "occurred_time", "enter a time as hours and minutes"),
        ({"country": "USA"}, "country", "two-letter country code"),
        ({"city": "x" * 121}, "city", "use at most 120 characters"),
        ({"tactics": ["no-such-tactic"]}, "tactics", "choose from the list"),
    ],
)
async def test_bad_input_comes_back_with_field_messages_and_what_was_typed(
    client: Client, scene: Any, overrides: dict[str, Any], field: str, message: str
) -> None:
    token = await log_in(client, scene["organizer"])
    response = await client.post(
        "/incidents/new",
        data=incident_form(token, scene["home"], narrative="Typed with care", **overrides),
        headers=PAGE,
    )
    assert response.status_code == 422
    assert f'id="{field}-error"' in response.text
    assert message in response.text
    assert 'href="#' + field + '"' in response.text
    assert "Typed with care</textarea>" in response.text
    assert 'value="Seattle"' in response.text or field == "city"
    listed = await client.get("/incidents", headers=PAGE)
    assert "No incidents." in listed.text


async def test_filters_narrow_the_list(client: Client, scene: Any) -> None:
    token = await log_in(client, scene["organizer"])
    march = await log(client, token, scene["home"], narrative="In March")
    may = await log(
        client,
        token,
        scene["home"],
        occurred_on="2024-05-02",
        tactics=["arrest-at-home"],
        workflow_status="submitted",
        narrative="Knock at dawn",
    )
    cases = {
        "tactic=arrest-at-home": may,
        "date_from=2024-04-01": may,
        "date_to=2024-04-01": march,
        "workflow_status=submitted": may,
        "q=dawn": may,
        "agency=ice-ero": None,
    }
    for query, only in cases.items():
        listed = await client.get(f"/incidents?{query}", headers=PAGE)
        assert listed.status_code == 200
        found = {m for m in (march, may) if f'href="{m}"' in listed.text}
        assert found == ({only} if only else {march, may}), query


async def test_the_list_pages_with_a_next_link_that_keeps_the_filters(
    client: Client, scene: Any
) -> None:
    token = await log_in(client, scene["organizer"])
    for day in range(1, 28):
        await log(client, token, scene["home"], occurred_on=f"2024-01-{day:02d}")
    first = await client.get("/incidents?tactic=physical-following", headers=PAGE)
    assert first.text.count('<a href="/incidents/') == 25
    link = re.search(r'href="(/incidents\?[^"]*cursor=[^"]+)" rel="next"', first.text)
    assert link is not None
    assert "tactic=physical-following" in link.group(1)
    second = await client.get(link.group(1).replace("&amp;", "&"), headers=PAGE)
    assert second.text.count('<a href="/incidents/') == 2
    assert 'rel="next"' not in second.text


@pytest.mark.parametrize(
    "query",
    ["date_from=yesterday", "group_id=nope", "tactic=no-such", "q=" + "x" * 201, "cursor=%%%"],
)
async def test_malformed_filters_get_a_message_not_an_error(
    client: Client, scene: Any, query: str
) -> None:
    await log_in(client, scene["organizer"])
    response = await client.get(f"/incidents?{query}", headers=PAGE)
    assert response.status_code in (200, 422)
    if response.status_code == 422:
        assert 'class="field-error"' in response.text


async def test_other_groups_and_ungranted_attorneys_find_nothing(
    client: Client, world: World, scene: Any
) -> None:
    token = await log_in(client, scene["organizer"])
    path = await log(client, token, scene["home"])
    attorney = await world.account("attorney")
    for account in (scene["outsider"], attorney):
        await log_in(client, account)
        for url in (path, f"{path}/edit"):
            response = await client.get(url, headers=PAGE)
            assert response.status_code == 404, (account.user.role, url)
            assert "Not found" in response.text
        listed = await client.get("/incidents", headers=PAGE)
        assert f'href="{path}"' not in listed.text


async def test_an_outsider_cannot_edit_by_posting(client: Client, scene: Any) -> None:
    token = await log_in(client, scene["organizer"])
    path = await log(client, token, scene["home"])
    outsider_token = await log_in(client, scene["outsider"])
    response = await client.post(
        f"{path}/edit",
        data=incident_form(outsider_token, scene["other"], version="1"),
        headers=PAGE,
    )
    assert response.status_code == 404


async def test_a_granted_attorney_reads_but_cannot_edit(
    client: Client, world: World, scene: Any
) -> None:
    token = await log_in(client, scene["organizer"])
    path = await log(client, token, scene["home"])
    attorney = await world.account("attorney")
    await world.grant(scene["home"], attorney, by=scene["organizer"])
    await log_in(client, attorney)
    shown = await client.get(path, headers=PAGE)
    assert shown.status_code == 200
    assert "Followed in person" in shown.text
    assert f"{path}/edit" not in shown.text
    assert (await client.get(f"{path}/edit", headers=PAGE)).status_code == 404
    assert (await client.get("/incidents/new", headers=PAGE)).status_code == 404


async def test_an_edit_that_lost_a_race_is_a_choice(client: Client, scene: Any) -> None:
    token = await log_in(client, scene["organizer"])
    path = await log(client, token, scene["home"])
    opened = await client.get(f"{path}/edit", headers=PAGE)
    assert 'name="version" value="1"' in opened.text
    assert "Followed in person" in opened.text

    first = await client.post(
        f"{path}/edit",
        data=incident_form(token, scene["home"], version="1", city="Tacoma"),
        headers=PAGE,
        follow_redirects=False,
    )
    assert first.status_code == 303
    second = await client.post(
        f"{path}/edit",
        data=incident_form(token, scene["home"], version="1", city="Everett", narrative="Mine"),
        headers=PAGE,
    )
    assert second.status_code == 409
    assert "Someone else saved this record" in second.text
    assert re.search(r"<th scope=\"row\">City</th><td>Everett</td><td>Tacoma</td>", second.text)
    assert 'value="Everett"' in second.text
    assert "Mine</textarea>" in second.text
    assert 'name="version" value="2"' in second.text
    assert "Save my version" in second.text
    assert f'href="{path}"' in second.text

    kept = await client.post(
        f"{path}/edit",
        data=incident_form(token, scene["home"], version="2", city="Everett", narrative="Mine"),
        headers=PAGE,
        follow_redirects=False,
    )
    assert kept.status_code == 303
    shown = await client.get(path, headers=PAGE)
    assert "Everett" in shown.text
    assert "Tacoma" not in shown.text


async def test_the_pages_speak_spanish(client: Client, scene: Any) -> None:
    token = await log_in(client, scene["organizer"])
    await client.post("/account", data=form(token, locale="es"), headers=PAGE)
    blank = await client.get("/incidents/new", headers=PAGE)
    assert "Registrar un incidente" in blank.text
    assert "Seguimiento en persona" in blank.text
    assert "Agentes arrestaron a la persona en su casa o justo afuera." in blank.text
    path = await log(client, token, scene["home"])
    shown = await client.get(path, headers=PAGE)
    assert "Seguimiento en persona" in shown.text
    assert "Borrador" in shown.text
    assert "14 mar 2024" in shown.text
    bad = await client.post(
        "/incidents/new", data=incident_form(token, scene["home"], tactics=[]), headers=PAGE
    )
    assert "indica al menos una táctica" in bad.text


async def test_a_form_without_its_token_is_refused(client: Client, scene: Any) -> None:
    await log_in(client, scene["organizer"])
    data = incident_form("forged", scene["home"])
    response = await client.post("/incidents/new", data=data, headers=PAGE)
    assert response.status_code == 403
    del data["csrf_token"]
    response = await client.post("/incidents/new", data=data, headers=PAGE)
    assert response.status_code == 403
    listed = await client.get("/incidents", headers=PAGE)
    assert "No incidents." in listed.text


async def test_every_problem_is_named_at_once(client: Client, scene: Any) -> None:
    token = await log_in(client, scene["organizer"])
    response = await client.post(
        "/incidents/new",
        data=incident_form(token, scene["home"], tactics=[], occurred_on="1899-12-31"),
        headers=PAGE,
    )
    assert response.status_code == 422
    assert 'id="tactics-error"' in response.text
    assert "must be in 1900 or later" in response.text


async def test_the_form_preselects_the_group_asked_for_and_keeps_precision(
    client: Client, world: World, scene: Any
) -> None:
    both = await world.account(
        "organizer", groups={scene["home"]: "member", scene["other"]: "member"}
    )
    token = await log_in(client, both)
    blank = await client.get("/incidents/new", headers=PAGE)
    assert "selected>" not in blank.text.split('id="group_id"')[1].split("</select>")[0]
    chosen = await client.get(f"/incidents/new?group={scene['other'].id}", headers=PAGE)
    assert f'<option value="{scene["other"].id}" selected>' in chosen.text
    path = await log(
        client,
        token,
        scene["other"],
        occurred_on="2023-07-19",
        date_precision="month",
        occurred_time="",
    )
    shown = await client.get(path, headers=PAGE)
    assert "July 2023 (Month only)" in shown.text
    edit = await client.get(f"{path}/edit", headers=PAGE)
    assert 'value="2023-07-01"' in edit.text
    assert 'value="month" checked' in edit.text
