"""Group pages: the groups one may read and a group's timeline with its links."""

from __future__ import annotations

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from casebook.web import timeline
from tests.conftest import World
from tests.web.conftest import PAGE, form, log_in
from tests.web.test_people_pages import add_activity, add_incident

Client = AsyncTestClient[Litestar]


async def test_a_groups_timeline_interleaves_activities_and_incidents(
    client: Client, world: World
) -> None:
    group = await world.group("Southside Workers")
    organizer = await world.account("organizer", groups={group: "coordinator"})
    await log_in(client, organizer)
    await add_activity(client, organizer, group, "Strike vote", "2025-05-01")
    await add_incident(client, organizer, group, "2025-05-20")
    await add_activity(client, organizer, group, "Rally", "2025-06-01")
    listed = await client.get("/groups", headers=PAGE)
    assert "Southside Workers" in listed.text
    page = await client.get(f"/groups/{group.id}", headers=PAGE)
    assert page.status_code == 200
    text = page.text
    assert text.index("Rally") < text.index("Arrest at home") < text.index("Strike vote")
    assert f"/incidents/new?group={group.id}" in text
    assert f"/people?group={group.id}" in text
    assert f"/incidents?group_id={group.id}" in text
    assert f"/groups/{group.id}/grants" in text
    assert "Only the newest" not in text


async def test_a_long_timeline_says_it_is_cut(
    client: Client, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(timeline, "LIMIT", 2)
    group = await world.group()
    organizer = await world.account("organizer", groups={group: "coordinator"})
    await log_in(client, organizer)
    for day, title in (("2025-01-01", "Oldest"), ("2025-01-02", "Middle"), ("2025-01-03", "New")):
        await add_activity(client, organizer, group, title, day)
    text = (await client.get(f"/groups/{group.id}", headers=PAGE)).text
    assert "Only the newest 2 entries are shown." in text
    assert "Middle" in text
    assert "Oldest" not in text


async def test_outsiders_get_not_found_and_granted_attorneys_read(
    client: Client, world: World
) -> None:
    group = await world.group("Private Group")
    organizer = await world.account("organizer", groups={group: "coordinator"})
    await add_activity(client, organizer, group, "Teach-in", "2025-01-05")
    stranger = await world.account("organizer", groups={await world.group(): "coordinator"})
    ungranted = await world.account("attorney")
    for outsider in (stranger, ungranted):
        await log_in(client, outsider)
        assert (await client.get(f"/groups/{group.id}", headers=PAGE)).status_code == 404
        assert "Private Group" not in (await client.get("/groups", headers=PAGE)).text
    granted = await world.account("attorney")
    await world.grant(group, granted, organizer)
    await log_in(client, granted)
    page = await client.get(f"/groups/{group.id}", headers=PAGE)
    assert page.status_code == 200
    assert "Teach-in" in page.text
    assert "/incidents/new" not in page.text
    assert "/grants" not in page.text


async def test_spanish_group_page(client: Client, world: World) -> None:
    group = await world.group()
    organizer = await world.account("organizer", groups={group: "coordinator"})
    token = await log_in(client, organizer)
    await client.post("/account", data=form(token, locale="es"), headers=PAGE)
    page = await client.get(f"/groups/{group.id}", headers=PAGE)
    assert "Cronología" in page.text
    assert "Acceso de abogados" in page.text
