"""Protected-activity pages: the list and its filters, the form, and who may see which
activity."""

from __future__ import annotations

from litestar import Litestar
from litestar.testing import AsyncTestClient

from tests.conftest import World
from tests.web.conftest import PAGE, form, log_in
from tests.web.test_people_pages import add_activity, add_person, version_in

Client = AsyncTestClient[Litestar]


async def test_organizer_records_and_edits_an_activity(client: Client, world: World) -> None:
    group = await world.group("Eastside Tenants")
    organizer = await world.account("organizer", groups={group: "coordinator"})
    token = await log_in(client, organizer)
    person_id = await add_person(client, organizer, group, "Lucía")
    blank = await client.get("/activities/new", headers=PAGE)
    assert blank.status_code == 200
    assert "Taking part in or leading a march" in blank.text  # the kind's description
    assert "Lucía" in blank.text
    fields = form(
        token,
        kind="press",
        occurred_on="2025-04-02",
        title="Press conference at city hall",
        description="Spoke about the raids.",
        public_url="https://news.example/story",
        group_ids=str(group.id),
        person_ids=person_id,
    )
    saved = await client.post("/activities/new", data=fields, headers=PAGE, follow_redirects=False)
    assert saved.status_code == 303, saved.text
    path = saved.headers["location"]
    shown = await client.get(path, headers=PAGE)
    assert "Press conference at city hall" in shown.text
    assert "Lucía" in shown.text
    assert "https://news.example/story" in shown.text
    opened = await client.get(f"{path}/edit", headers=PAGE)
    assert 'value="press" aria-describedby="kind-press-hint" checked' in opened.text
    edited = await client.post(
        f"{path}/edit",
        data={**fields, "title": "Press conference, renamed", "version": version_in(opened.text)},
        headers=PAGE,
        follow_redirects=False,
    )
    assert edited.status_code == 303
    listed = await client.get("/activities?kind=press&date_from=2025-04-01", headers=PAGE)
    assert "Press conference, renamed" in listed.text
    assert (
        "Press conference, renamed"
        not in (await client.get("/activities?kind=protest", headers=PAGE)).text
    )
    assert (
        "Press conference, renamed"
        not in (await client.get("/activities?date_to=2025-04-01", headers=PAGE)).text
    )
    assert (
        "Press conference, renamed"
        in (await client.get("/activities?q=RENAMED", headers=PAGE)).text
    )


async def test_bad_input_comes_back_with_messages_and_what_was_typed(
    client: Client, world: World
) -> None:
    group = await world.group()
    organizer = await world.account("organizer", groups={group: "coordinator"})
    token = await log_in(client, organizer)
    refused = await client.post(
        "/activities/new",
        data=form(
            token,
            kind="picnic",
            occurred_on="2025-02-30",
            title="Kept title",
            public_url="javascript:alert(1)",
            group_ids=str(group.id),
        ),
        headers=PAGE,
    )
    assert refused.status_code == 422
    assert 'id="kind-error"' in refused.text
    assert 'id="occurred_on-error"' in refused.text
    assert 'value="Kept title"' in refused.text
    future = await client.post(
        "/activities/new",
        data=form(
            token,
            kind="protest",
            occurred_on="2999-01-01",
            title="Later",
            public_url="ftp://x",
            group_ids=str(group.id),
        ),
        headers=PAGE,
    )
    assert future.status_code == 422
    assert "cannot be in the future" in future.text
    assert "must be an http:// or https:// address" in future.text
    assert 'value="ftp://x"' in future.text


async def test_malformed_filters_get_messages(client: Client, world: World) -> None:
    organizer = await world.account("organizer", groups={await world.group(): "member"})
    await log_in(client, organizer)
    response = await client.get("/activities?date_from=yesterday&kind=nope", headers=PAGE)
    assert response.status_code == 200
    assert 'id="date_from-error"' in response.text
    assert 'id="kind-error"' in response.text


async def test_other_groups_and_attorneys(client: Client, world: World) -> None:
    group = await world.group()
    organizer = await world.account("organizer", groups={group: "coordinator"})
    activity_id = await add_activity(client, organizer, group, "Vigil at the plaza", "2025-01-05")
    stranger = await world.account("organizer", groups={await world.group(): "coordinator"})
    ungranted = await world.account("attorney")
    for outsider in (stranger, ungranted):
        await log_in(client, outsider)
        for path in (f"/activities/{activity_id}", f"/activities/{activity_id}/edit"):
            assert (await client.get(path, headers=PAGE)).status_code == 404, path
        assert "Vigil at the plaza" not in (await client.get("/activities", headers=PAGE)).text
    granted = await world.account("attorney")
    await world.grant(group, granted, organizer)
    await log_in(client, granted)
    shown = await client.get(f"/activities/{activity_id}", headers=PAGE)
    assert shown.status_code == 200
    assert "Vigil at the plaza" in shown.text
    assert "/edit" not in shown.text
    assert "/activities/new" not in (await client.get("/activities", headers=PAGE)).text


async def test_spanish_kinds_and_labels(client: Client, world: World) -> None:
    group = await world.group()
    organizer = await world.account("organizer", groups={group: "coordinator"})
    token = await log_in(client, organizer)
    await client.post("/account", data=form(token, locale="es"), headers=PAGE)
    blank = await client.get("/activities/new", headers=PAGE)
    assert "Registrar una actividad protegida" in blank.text
    assert "Protesta" in blank.text
    assert "Participar en marchas" in blank.text


async def test_posting_without_the_forms_token_is_refused(client: Client, world: World) -> None:
    group = await world.group()
    organizer = await world.account("organizer", groups={group: "coordinator"})
    await log_in(client, organizer)
    fields = {"kind": "protest", "occurred_on": "2025-01-01", "title": "Never saved"}
    refused = await client.post("/activities/new", data=fields, headers=PAGE)
    assert refused.status_code == 403


async def test_an_edit_that_lost_a_race_offers_the_choice(client: Client, world: World) -> None:
    group = await world.group()
    organizer = await world.account("organizer", groups={group: "coordinator"})
    token = await log_in(client, organizer)
    activity_id = await add_activity(client, organizer, group, "Sit-in", "2025-02-02")
    opened = await client.get(f"/activities/{activity_id}/edit", headers=PAGE)
    version = version_in(opened.text)
    await client.patch(
        f"/api/v1/activities/{activity_id}",
        json={"version": int(version), "title": "Sit-in (their title)"},
        headers=organizer.headers,
    )
    mine = form(
        token,
        kind="protest",
        occurred_on="2025-02-02",
        title="Sit-in (my title)",
        group_ids=str(group.id),
        version=version,
    )
    conflict = await client.post(f"/activities/{activity_id}/edit", data=mine, headers=PAGE)
    assert conflict.status_code == 409
    assert "Sit-in (their title)" in conflict.text
    assert 'value="Sit-in (my title)"' in conflict.text
    assert version_in(conflict.text) != version


async def test_an_organizer_of_another_group_cannot_post_edits(
    client: Client, world: World
) -> None:
    group = await world.group()
    organizer = await world.account("organizer", groups={group: "coordinator"})
    activity_id = await add_activity(client, organizer, group, "Teach-in", "2025-02-02")
    other_group = await world.group()
    stranger = await world.account("organizer", groups={other_group: "coordinator"})
    token = await log_in(client, stranger)
    for title in ("", "Taken over"):  # bad input and good input alike
        fields = form(
            token,
            kind="protest",
            occurred_on="2025-02-02",
            title=title,
            group_ids=str(other_group.id),
            version="1",
        )
        response = await client.post(f"/activities/{activity_id}/edit", data=fields, headers=PAGE)
        assert response.status_code == 404
