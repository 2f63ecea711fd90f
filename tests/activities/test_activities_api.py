"""Protected activities through the JSON API: logging, filtering, scope, validation, edits."""

from __future__ import annotations

import asyncio
import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from casebook.activities import service
from casebook.audit.models import AuditEvent
from casebook.db import transaction
from casebook.errors import Conflict, NotFound
from casebook.groups.models import Group
from casebook.http.schemas import encode_cursor
from tests.conftest import Account, World

URL = "/api/v1/activities"


def activity(*groups: Group, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "kind": "protest",
        "occurred_on": "2024-03-01",
        "title": "Vigil outside the processing center",
        "group_ids": [str(g.id) for g in groups],
    }
    body.update(overrides)
    return body


async def post(client: Any, account: Account, body: dict[str, Any]) -> dict[str, Any]:
    response = await client.post(URL, json=body, headers=account.headers)
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


async def person(client: Any, account: Account, *groups: Group) -> str:
    response = await client.post(
        "/api/v1/people",
        json={"alias": "Rosa", "group_ids": [str(g.id) for g in groups]},
        headers=account.headers,
    )
    assert response.status_code == 201, response.text
    return response.json()["id"]  # type: ignore[no-any-return]


async def titles(client: Any, account: Account, **params: Any) -> list[str]:
    response = await client.get(URL, params=params, headers=account.headers)
    assert response.status_code == 200, response.text
    return [item["title"] for item in response.json()["items"]]


def field_errors(response: Any) -> dict[str, str]:
    assert response.status_code == 422, response.text
    return {e["field"]: e["message"] for e in response.json()["errors"]}


@pytest.fixture
async def scene(world: World) -> dict[str, Any]:
    home = await world.group("Home Group")
    other = await world.group("Other Group", region="Oregon")
    return {
        "home": home,
        "other": other,
        "organizer": await world.account("organizer", groups={home: "member"}),
        "outsider": await world.account("organizer", groups={other: "member"}),
    }


async def test_an_organizer_logs_an_activity_and_reads_it_back(client, scene) -> None:
    organizer, home = scene["organizer"], scene["home"]
    rosa = await person(client, organizer, home)
    created = await post(
        client,
        organizer,
        activity(
            home,
            kind="press",
            title="  Press conference at city hall ",
            description="Spoke against the 287(g) agreement.",
            public_url="https://news.example.org/story",
            person_ids=[rosa],
        ),
    )
    shown = await client.get(f"{URL}/{created['id']}", headers=organizer.headers)
    assert shown.status_code == 200, shown.text
    assert shown.json() == created
    assert created | {"id": None} == {
        "id": None,
        "kind": "press",
        "occurred_on": "2024-03-01",
        "title": "Press conference at city hall",
        "description": "Spoke against the 287(g) agreement.",
        "public_url": "https://news.example.org/story",
        "needs_review": False,
        "group_ids": [str(home.id)],
        "person_ids": [rosa],
        "version": 1,
    }
    assert await titles(client, organizer) == ["Press conference at city hall"]


async def test_civil_disobedience_is_flagged_for_review(client, scene) -> None:
    organizer, home = scene["organizer"], scene["home"]
    blockade = await post(client, organizer, activity(home, kind="civil-disobedience"))
    assert blockade["needs_review"] is True
    shown = await client.get(f"{URL}/{blockade['id']}", headers=organizer.headers)
    assert shown.json()["needs_review"] is True
    protest = await post(client, organizer, activity(home))
    patched = await client.patch(
        f"{URL}/{protest['id']}",
        json={"version": 1, "kind": "civil-disobedience"},
        headers=organizer.headers,
    )
    assert patched.status_code == 200, patched.text
    assert patched.json()["needs_review"] is True


async def test_filters_narrow_the_list(client, world: World, scene) -> None:
    home, other = scene["home"], scene["other"]
    both = await world.account("organizer", groups={home: "member", other: "member"})
    rosa = await person(client, both, home)
    await post(client, both, activity(home, title="March", occurred_on="2024-01-10"))
    await post(
        client,
        both,
        activity(
            other,
            kind="press",
            title="Interview",
            occurred_on="2024-02-10",
            description="Talked about 100% of the raids",
        ),
    )
    await post(
        client,
        both,
        activity(
            home, kind="mutual-aid", title="Rides", occurred_on="2024-03-10", person_ids=[rosa]
        ),
    )
    assert await titles(client, both) == ["Rides", "Interview", "March"]
    assert await titles(client, both, group_id=str(home.id)) == ["Rides", "March"]
    assert await titles(client, both, person_id=rosa) == ["Rides"]
    assert await titles(client, both, kind="press") == ["Interview"]
    assert await titles(client, both, date_from="2024-02-10") == ["Rides", "Interview"]
    assert await titles(client, both, date_to="2024-02-10") == ["Interview", "March"]
    assert await titles(client, both, q="rch") == ["March"]
    assert await titles(client, both, q="100%") == ["Interview"]
    assert await titles(client, both, q="%") == ["Interview"]
    assert await titles(client, both, group_id=str(other.id), kind="mutual-aid") == []


async def test_pages_follow_the_cursor_without_gaps_or_repeats(client, scene) -> None:
    organizer, home = scene["organizer"], scene["home"]
    created = [
        await post(client, organizer, activity(home, title=title, occurred_on=day))
        for title, day in [("A", "2024-03-01"), ("B", "2024-02-01"), ("C", "2024-02-01")]
    ]
    expected = [a["id"] for a in sorted(created, key=lambda a: (a["occurred_on"], a["id"]))][::-1]
    first = await client.get(URL, params={"limit": 2}, headers=organizer.headers)
    cursor = first.json()["next_cursor"]
    assert cursor
    second = await client.get(URL, params={"limit": 2, "cursor": cursor}, headers=organizer.headers)
    assert second.json()["next_cursor"] is None
    pages = first.json()["items"] + second.json()["items"]
    assert [a["id"] for a in pages] == expected
    assert len(first.json()["items"]) == 2


async def test_a_forged_cursor_is_a_field_error(client, scene) -> None:
    forged = encode_cursor(["yesterday", "not-an-id"])
    response = await client.get(URL, params={"cursor": forged}, headers=scene["organizer"].headers)
    assert "cursor" in field_errors(response)


async def test_every_problem_is_reported_at_once(client, world: World, scene) -> None:
    organizer, other = scene["organizer"], scene["other"]
    stranger = await person(client, scene["outsider"], other)
    future = (datetime.now(UTC) + timedelta(days=30)).date().isoformat()
    body = activity(
        other,
        kind="sit-in",
        occurred_on=future,
        public_url="javascript:alert(1)",
        person_ids=[stranger],
    )
    errors = field_errors(await client.post(URL, json=body, headers=organizer.headers))
    assert set(errors) == {"kind", "occurred_on", "group_ids", "person_ids", "public_url"}
    assert "sit-in" in errors["kind"]
    assert errors["occurred_on"] == "cannot be in the future"
    assert str(other.id) in errors["group_ids"]
    assert stranger in errors["person_ids"]
    assert await titles(client, scene["outsider"]) == []


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"kind": "riot"}, "kind"),
        ({"occurred_on": "2999-01-01"}, "occurred_on"),
        ({"public_url": "ftp://example.org/file"}, "public_url"),
        ({"title": "   "}, "title"),
    ],
)
async def test_one_bad_field_is_named(client, scene, overrides, field) -> None:
    body = activity(scene["home"], **overrides)
    response = await client.post(URL, json=body, headers=scene["organizer"].headers)
    assert set(field_errors(response)) == {field}


async def test_todays_activity_is_not_in_the_future(client, scene) -> None:
    today = datetime.now(UTC).date().isoformat()
    created = await post(client, scene["organizer"], activity(scene["home"], occurred_on=today))
    assert created["occurred_on"] == today


async def test_a_patch_is_validated_like_a_create(client, scene) -> None:
    organizer, home = scene["organizer"], scene["home"]
    created = await post(client, organizer, activity(home))
    response = await client.patch(
        f"{URL}/{created['id']}",
        json={"version": 1, "group_ids": [str(scene["other"].id)], "kind": "riot"},
        headers=organizer.headers,
    )
    assert set(field_errors(response)) == {"group_ids", "kind"}
    shown = await client.get(f"{URL}/{created['id']}", headers=organizer.headers)
    assert shown.json() == created


async def test_unknown_fields_are_rejected(client, scene) -> None:
    organizer, home = scene["organizer"], scene["home"]
    response = await client.post(URL, json=activity(home, secret=1), headers=organizer.headers)
    assert response.status_code == 400, response.text
    created = await post(client, organizer, activity(home))
    response = await client.patch(
        f"{URL}/{created['id']}", json={"version": 1, "secret": 1}, headers=organizer.headers
    )
    assert response.status_code == 400, response.text


async def test_another_groups_organizer_cannot_see_or_edit(client, scene) -> None:
    created = await post(client, scene["organizer"], activity(scene["home"]))
    outsider = scene["outsider"].headers
    assert (await client.get(f"{URL}/{created['id']}", headers=outsider)).status_code == 404
    patched = await client.patch(
        f"{URL}/{created['id']}", json={"version": 1, "title": "Mine now"}, headers=outsider
    )
    assert patched.status_code == 404
    assert await titles(client, scene["outsider"]) == []
    assert await titles(client, scene["outsider"], group_id=str(scene["home"].id)) == []


async def test_attorneys_read_only_what_was_granted(client, world: World, scene) -> None:
    organizer, home = scene["organizer"], scene["home"]
    created = await post(client, organizer, activity(home))
    granted = await world.account("attorney")
    await world.grant(home, granted, by=organizer)
    ungranted = await world.account("attorney")
    shown = await client.get(f"{URL}/{created['id']}", headers=granted.headers)
    assert shown.status_code == 200, shown.text
    assert await titles(client, granted) == [created["title"]]
    assert (
        await client.get(f"{URL}/{created['id']}", headers=ungranted.headers)
    ).status_code == 404
    assert await titles(client, ungranted) == []
    posted = await client.post(URL, json=activity(home), headers=granted.headers)
    assert posted.status_code == 404
    patched = await client.patch(
        f"{URL}/{created['id']}", json={"version": 1, "title": "x"}, headers=granted.headers
    )
    assert patched.status_code == 404


async def test_researchers_see_no_activity(client, world: World, scene) -> None:
    created = await post(client, scene["organizer"], activity(scene["home"]))
    researcher = await world.account("researcher")
    assert (await client.get(URL, headers=researcher.headers)).status_code == 404
    shown = await client.get(f"{URL}/{created['id']}", headers=researcher.headers)
    assert shown.status_code == 404


async def test_a_stale_edit_is_a_conflict(client, scene) -> None:
    organizer = scene["organizer"]
    created = await post(client, organizer, activity(scene["home"]))
    url = f"{URL}/{created['id']}"
    first = await client.patch(
        url, json={"version": 1, "title": "First"}, headers=organizer.headers
    )
    assert first.status_code == 200, first.text
    assert first.json()["version"] == 2
    second = await client.patch(
        url, json={"version": 1, "title": "Second"}, headers=organizer.headers
    )
    assert second.status_code == 409, second.text
    assert second.json()["current_version"] == 2
    assert (await client.get(url, headers=organizer.headers)).json()["title"] == "First"


async def test_an_edit_waits_for_a_concurrent_one_then_conflicts(
    world: World, client, scene
) -> None:
    created = await post(client, scene["organizer"], activity(scene["home"]))
    actor = await world.actor(scene["organizer"])
    activity_id = uuid.UUID(created["id"])

    async def edit(session: Any, title: str) -> Any:
        changes = service.ActivityChanges(title=title)
        return await service.update_activity(session, actor, activity_id, 1, changes)

    async def edit_alone(title: str) -> Any:
        async with transaction(world.runtime.sessions) as session:
            return await edit(session, title)

    async with transaction(world.runtime.sessions) as session:
        await edit(session, "First")
        second = asyncio.create_task(edit_alone("Second"))
        await asyncio.sleep(0.3)
        assert not second.done()
    with pytest.raises(Conflict) as conflict:
        await second
    assert conflict.value.current_version == 2


async def test_a_grant_to_read_is_no_licence_to_edit(world: World, client, scene) -> None:
    """Below the permission check, an edit still needs membership of one of the groups."""
    created = await post(client, scene["organizer"], activity(scene["home"]))
    attorney = await world.account("attorney")
    await world.grant(scene["home"], attorney, by=scene["organizer"])
    actor = await world.actor(attorney)
    changes = service.ActivityChanges(title="Edited by the attorney")
    async with transaction(world.runtime.sessions) as session:
        with pytest.raises(NotFound):
            await service.update_activity(session, actor, uuid.UUID(created["id"]), 1, changes)


async def test_an_edit_keeps_links_the_editor_does_not_own(client, world: World, scene) -> None:
    home, other = scene["home"], scene["other"]
    third = await world.group("Third Group")
    both = await world.account("organizer", groups={home: "member", other: "member"})
    editor = await world.account("organizer", groups={home: "member", third: "member"})
    theirs = await person(client, both, other)
    ours = await person(client, editor, home)
    created = await post(client, both, activity(home, other, person_ids=[theirs]))
    url = f"{URL}/{created['id']}"
    assert (await client.get(url, headers=editor.headers)).json()["person_ids"] == []
    patched = await client.patch(
        url,
        json={"version": 1, "group_ids": [str(third.id)], "person_ids": [ours]},
        headers=editor.headers,
    )
    assert patched.status_code == 200, patched.text
    assert set(patched.json()["group_ids"]) == {str(other.id), str(third.id)}
    assert patched.json()["person_ids"] == [ours]
    shown = (await client.get(url, headers=both.headers)).json()
    assert set(shown["group_ids"]) == {str(other.id), str(third.id)}
    assert set(shown["person_ids"]) == {theirs, ours}


async def test_the_audit_log_names_actions_and_fields_but_no_text(
    client, world: World, scene
) -> None:
    organizer = scene["organizer"]
    body = activity(scene["home"], title="Secret title", description="Secret narrative")
    created = await post(client, organizer, body)
    url = f"{URL}/{created['id']}"
    await client.get(url, headers=organizer.headers)
    await client.patch(
        url, json={"version": 1, "description": "Another secret"}, headers=organizer.headers
    )
    await client.get(URL, params={"q": "Secret"}, headers=organizer.headers)
    async with transaction(world.runtime.sessions) as session:
        events = list(
            await session.scalars(
                select(AuditEvent)
                .where(AuditEvent.action.like("activity.%"))
                .order_by(AuditEvent.seq)
            )
        )
    assert [(e.action, json.loads(e.details)) for e in events] == [
        ("activity.create", {}),
        ("activity.read", {}),
        ("activity.update", {"fields": ["description"]}),
        ("activity.list", {"count": 1}),
    ]
    assert {e.target_id for e in events[:3]} == {created["id"]}
    assert all("ecret" not in e.details for e in events)
