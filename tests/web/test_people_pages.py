"""People pages: the list and its filters, the form (errors, conflicts), a person's timeline,
and who may see which person."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from litestar import Litestar
from litestar.testing import AsyncTestClient

from tests.conftest import Account, World
from tests.web.conftest import PAGE, form, log_in

Client = AsyncTestClient[Litestar]


async def add_person(client: Client, by: Account, group: Any, alias: str) -> str:
    response = await client.post(
        "/api/v1/people", json={"alias": alias, "group_ids": [str(group.id)]}, headers=by.headers
    )
    assert response.status_code == 201, response.text
    person_id: str = response.json()["id"]
    return person_id


async def add_activity(
    client: Client, by: Account, group: Any, title: str, day: str, people: Sequence[str] = ()
) -> str:
    body = {
        "kind": "protest",
        "occurred_on": day,
        "title": title,
        "group_ids": [str(group.id)],
        "person_ids": list(people),
    }
    response = await client.post("/api/v1/activities", json=body, headers=by.headers)
    assert response.status_code == 201, response.text
    activity_id: str = response.json()["id"]
    return activity_id


async def add_incident(
    client: Client, by: Account, group: Any, day: str, people: Sequence[str] = ()
) -> str:
    body = {
        "group_id": str(group.id),
        "occurred_on": day,
        "tactics": ["arrest-at-home"],
        "people": [{"person_id": p, "role": "target"} for p in people],
        "narrative": "Agents came to the door.",
    }
    response = await client.post("/api/v1/incidents", json=body, headers=by.headers)
    assert response.status_code == 201, response.text
    incident_id: str = response.json()["id"]
    return incident_id


def version_in(html: str) -> str:
    found = re.search(r'name="version" value="(\d+)"', html)
    assert found is not None
    return found.group(1)


async def test_organizer_adds_a_person_and_finds_them_listed(client: Client, world: World) -> None:
    group = await world.group("Rainier Mutual Aid")
    organizer = await world.account("organizer", groups={group: "coordinator"})
    token = await log_in(client, organizer)
    blank = await client.get("/people/new", headers=PAGE)
    assert blank.status_code == 200
    assert "Rainier Mutual Aid" in blank.text
    saved = await client.post(
        "/people/new",
        data=form(token, alias="Doña Rosa", notes="Line one\nLine two", group_ids=str(group.id)),
        headers=PAGE,
        follow_redirects=False,
    )
    assert saved.status_code == 303
    shown = await client.get(saved.headers["location"], headers=PAGE)
    assert "Doña Rosa" in shown.text
    assert "Line one\nLine two" in shown.text
    assert "/edit" in shown.text
    listed = await client.get(f"/people?group={group.id}&q=rosa", headers=PAGE)
    assert "Doña Rosa" in listed.text
    unmatched = await client.get("/people?q=nobody", headers=PAGE)
    assert "Doña Rosa" not in unmatched.text


async def test_bad_input_comes_back_with_messages_and_what_was_typed(
    client: Client, world: World
) -> None:
    group = await world.group()
    organizer = await world.account("organizer", groups={group: "member"})
    token = await log_in(client, organizer)
    refused = await client.post(
        "/people/new",
        data=form(token, alias="  ", legal_name="x" * 201, notes="Kept notes"),
        headers=PAGE,
    )
    assert refused.status_code == 422
    assert "Some fields need attention" in refused.text
    assert 'id="alias-error"' in refused.text
    assert "use at most 200 characters" in refused.text
    assert "name at least one of your groups" not in refused.text  # the form's errors come first
    assert "Kept notes" in refused.text
    no_group = await client.post(
        "/people/new", data=form(token, alias="Someone", group_ids="not-a-uuid"), headers=PAGE
    )
    assert no_group.status_code == 422
    assert "choose from the list" in no_group.text
    assert 'value="Someone"' in no_group.text


async def test_malformed_filters_get_a_message_not_an_error(client: Client, world: World) -> None:
    organizer = await world.account("organizer", groups={await world.group(): "member"})
    await log_in(client, organizer)
    response = await client.get("/people?group=nope&cursor=garbage", headers=PAGE)
    assert response.status_code == 200
    assert 'id="group-error"' in response.text


async def test_editing_a_person_and_the_conflict_choice(client: Client, world: World) -> None:
    group = await world.group()
    organizer = await world.account("organizer", groups={group: "coordinator"})
    token = await log_in(client, organizer)
    person_id = await add_person(client, organizer, group, "Marisol")
    opened = await client.get(f"/people/{person_id}/edit", headers=PAGE)
    version = version_in(opened.text)
    # Somebody else saves first.
    other = await client.patch(
        f"/api/v1/people/{person_id}",
        json={"version": int(version), "notes": "Their notes"},
        headers=organizer.headers,
    )
    assert other.status_code == 200
    mine = form(token, alias="Marisol R.", notes="My notes", group_ids=str(group.id))
    conflict = await client.post(
        f"/people/{person_id}/edit", data={**mine, "version": version}, headers=PAGE
    )
    assert conflict.status_code == 409
    assert "Someone else saved this record" in conflict.text
    assert "Save my version" in conflict.text
    assert "Their notes" in conflict.text  # the saved version, side by side
    assert "My notes" in conflict.text
    assert "Marisol R." in conflict.text
    saved_version = version_in(conflict.text)
    assert saved_version != version
    kept = await client.post(
        f"/people/{person_id}/edit",
        data={**mine, "version": saved_version},
        headers=PAGE,
        follow_redirects=False,
    )
    assert kept.status_code == 303
    shown = await client.get(f"/people/{person_id}", headers=PAGE)
    assert "Marisol R." in shown.text
    assert "My notes" in shown.text


async def test_a_persons_timeline_interleaves_activities_and_incidents(
    client: Client, world: World
) -> None:
    group = await world.group()
    organizer = await world.account("organizer", groups={group: "coordinator"})
    await log_in(client, organizer)
    person_id = await add_person(client, organizer, group, "Tomás")
    await add_activity(client, organizer, group, "March downtown", "2025-03-01", [person_id])
    await add_incident(client, organizer, group, "2025-03-10", [person_id])
    await add_activity(client, organizer, group, "Council testimony", "2025-02-01", [person_id])
    await add_activity(client, organizer, group, "Not about Tomás", "2025-03-05")
    page = await client.get(f"/people/{person_id}", headers=PAGE)
    assert page.status_code == 200
    text = page.text
    assert "Not about Tomás" not in text
    incident = text.index("Arrest at home")
    march = text.index("March downtown")
    council = text.index("Council testimony")
    assert incident < march < council
    assert "/incidents/" in text
    assert "/activities/" in text
    assert "Involved as: Target" in text


async def test_other_groups_and_ungranted_attorneys_get_not_found(
    client: Client, world: World
) -> None:
    group = await world.group()
    organizer = await world.account("organizer", groups={group: "coordinator"})
    person_id = await add_person(client, organizer, group, "Hidden")
    stranger = await world.account("organizer", groups={await world.group(): "coordinator"})
    attorney = await world.account("attorney")
    for outsider in (stranger, attorney):
        await log_in(client, outsider)
        for path in (f"/people/{person_id}", f"/people/{person_id}/edit"):
            response = await client.get(path, headers=PAGE)
            assert response.status_code == 404, path
            assert "Not found" in response.text
        listed = await client.get("/people", headers=PAGE)
        assert "Hidden" not in listed.text


async def test_a_granted_attorney_reads_without_edit_links(client: Client, world: World) -> None:
    group = await world.group()
    organizer = await world.account("organizer", groups={group: "coordinator"})
    person_id = await add_person(client, organizer, group, "Visible")
    attorney = await world.account("attorney")
    await world.grant(group, attorney, organizer)
    await log_in(client, attorney)
    shown = await client.get(f"/people/{person_id}", headers=PAGE)
    assert shown.status_code == 200
    assert "Visible" in shown.text
    assert "/edit" not in shown.text
    assert "Visible" in (await client.get("/people", headers=PAGE)).text
    assert "/people/new" not in (await client.get("/people", headers=PAGE)).text
    assert (await client.get(f"/people/{person_id}/edit", headers=PAGE)).status_code == 404
    assert (await client.get("/people/new", headers=PAGE)).status_code == 404


async def test_spanish_labels(client: Client, world: World) -> None:
    group = await world.group()
    organizer = await world.account("organizer", groups={group: "coordinator"})
    token = await log_in(client, organizer)
    await client.post("/account", data=form(token, locale="es"), headers=PAGE)
    blank = await client.get("/people/new", headers=PAGE)
    assert '<html lang="es">' in blank.text
    assert "Agregar una persona" in blank.text
    refused = await client.post("/people/new", data=form(token, alias=""), headers=PAGE)
    assert "no puede quedar vacío" in refused.text


async def test_posting_without_the_forms_token_is_refused(client: Client, world: World) -> None:
    group = await world.group()
    organizer = await world.account("organizer", groups={group: "coordinator"})
    await log_in(client, organizer)
    refused = await client.post(
        "/people/new", data={"alias": "Never saved", "group_ids": str(group.id)}, headers=PAGE
    )
    assert refused.status_code == 403
    assert "The form has expired" in refused.text
    assert "Never saved" not in (await client.get("/people", headers=PAGE)).text
