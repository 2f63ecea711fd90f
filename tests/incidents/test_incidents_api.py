"""Incidents through the JSON API: logging, filtering, scope, validation, concurrent edits."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from tests.conftest import Account, World


def incident(group_id: object, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "group_id": str(group_id),
        "occurred_on": "2024-03-14",
        "city": "Seattle",
        "region": "Washington",
        "tactics": ["physical-following"],
        "agencies": ["ice-ero"],
        "narrative": "Two agents followed the organizer home after the rally.",
        "source_kind": "first-hand",
    }
    body.update(overrides)
    return body


@pytest.fixture
async def scene(world: World) -> dict[str, Any]:
    home = await world.group("Home Group")
    other = await world.group("Other Group", region="Oregon")
    organizer = await world.account("organizer", groups={home: "coordinator"})
    outsider = await world.account("organizer", groups={other: "member"})
    return {"home": home, "other": other, "organizer": organizer, "outsider": outsider}


async def post(client: Any, account: Account, body: dict[str, Any]) -> Any:
    return await client.post("/api/v1/incidents", json=body, headers=account.headers)


async def test_an_organizer_logs_an_incident_and_reads_it_back(client, scene) -> None:
    organizer, home = scene["organizer"], scene["home"]
    person = await client.post(
        "/api/v1/people",
        json={"alias": "Rosa", "group_ids": [str(home.id)]},
        headers=organizer.headers,
    )
    body = incident(
        home.id,
        people=[{"person_id": person.json()["id"], "role": "target"}],
        occurred_time="21:30:00",
    )
    created = await post(client, organizer, body)
    assert created.status_code == 201, created.text
    shown = await client.get(f"/api/v1/incidents/{created.json()['id']}", headers=organizer.headers)
    data = shown.json()
    assert data["tactics"] == ["physical-following"]
    assert data["people"] == [{"person_id": person.json()["id"], "role": "target"}]
    assert data["group_ids"] == [str(home.id)]
    assert data["occurred_time"] == "21:30:00"
    assert data["version"] == 1


async def test_month_precise_dates_are_stored_as_the_first_of_the_month(client, scene) -> None:
    created = await post(
        client,
        scene["organizer"],
        incident(scene["home"].id, occurred_on="2023-07-19", date_precision="month"),
    )
    assert created.json()["occurred_on"] == "2023-07-01"
    assert created.json()["date_precision"] == "month"


async def test_lists_filter_and_paginate_within_scope(client, scene) -> None:
    organizer, home = scene["organizer"], scene["home"]
    for day in range(1, 6):
        await post(client, organizer, incident(home.id, occurred_on=f"2024-01-0{day}"))
    await post(
        client,
        organizer,
        incident(home.id, occurred_on="2024-02-01", tactics=["informant"], narrative="A mole"),
    )
    await post(client, scene["outsider"], incident(scene["other"].id))

    first = await client.get("/api/v1/incidents?limit=4", headers=organizer.headers)
    page = first.json()
    assert [i["occurred_on"] for i in page["items"]] == [
        "2024-02-01",
        "2024-01-05",
        "2024-01-04",
        "2024-01-03",
    ]
    second = await client.get(
        f"/api/v1/incidents?limit=4&cursor={page['next_cursor']}", headers=organizer.headers
    )
    assert [i["occurred_on"] for i in second.json()["items"]] == ["2024-01-02", "2024-01-01"]
    assert second.json()["next_cursor"] is None

    async def count(query: str) -> int:
        response = await client.get(f"/api/v1/incidents?{query}", headers=organizer.headers)
        assert response.status_code == 200, response.text
        return len(response.json()["items"])

    assert await count("tactic=informant") == 1
    assert await count("q=mole") == 1
    assert await count("date_from=2024-01-03&date_to=2024-01-04") == 2
    assert await count("agency=cbp") == 0
    assert await count("region=Washington") == 6
    assert await count(f"group_id={scene['other'].id}") == 0


async def test_another_groups_incident_is_not_found(client, scene) -> None:
    created = await post(client, scene["outsider"], incident(scene["other"].id))
    url = f"/api/v1/incidents/{created.json()['id']}"
    organizer = scene["organizer"]
    assert (await client.get(url, headers=organizer.headers)).status_code == 404
    patched = await client.patch(
        url, json={"version": 1, "narrative": "overwritten"}, headers=organizer.headers
    )
    assert patched.status_code == 404


async def test_attorneys_read_only_what_was_granted_until_revoked(client, world, scene) -> None:
    created = await post(client, scene["organizer"], incident(scene["home"].id))
    url = f"/api/v1/incidents/{created.json()['id']}"
    attorney = await world.account("attorney")
    assert (await client.get(url, headers=attorney.headers)).status_code == 404
    grant = await client.post(
        f"/api/v1/groups/{scene['home'].id}/grants",
        json={"attorney_email": attorney.user.email},
        headers=scene["organizer"].headers,
    )
    assert grant.status_code == 201, grant.text
    assert (await client.get(url, headers=attorney.headers)).status_code == 200
    edit = await client.patch(url, json={"version": 1, "city": "X"}, headers=attorney.headers)
    assert edit.status_code == 404
    revoked = await client.post(
        f"/api/v1/grants/{grant.json()['id']}/revoke", headers=scene["organizer"].headers
    )
    assert revoked.status_code == 201
    assert (await client.get(url, headers=attorney.headers)).status_code == 404


async def test_researchers_reach_no_incident(client, world, scene) -> None:
    created = await post(client, scene["organizer"], incident(scene["home"].id))
    researcher = await world.account("researcher")
    listing = await client.get("/api/v1/incidents", headers=researcher.headers)
    shown = await client.get(
        f"/api/v1/incidents/{created.json()['id']}", headers=researcher.headers
    )
    assert listing.status_code == shown.status_code == 404


async def test_a_second_edit_from_the_same_version_gets_a_conflict(client, scene) -> None:
    organizer = scene["organizer"]
    created = await post(client, organizer, incident(scene["home"].id))
    url = f"/api/v1/incidents/{created.json()['id']}"
    first = await client.patch(
        url, json={"version": 1, "narrative": "first edit"}, headers=organizer.headers
    )
    assert first.status_code == 200
    assert first.json()["version"] == 2
    second = await client.patch(
        url, json={"version": 1, "narrative": "second edit"}, headers=organizer.headers
    )
    assert second.status_code == 409
    assert second.json()["current_version"] == 2
    current = await client.get(url, headers=organizer.headers)
    assert current.json()["narrative"] == "first edit"


async def test_an_edit_changes_only_the_fields_given(client, scene) -> None:
    organizer = scene["organizer"]
    created = await post(client, organizer, incident(scene["home"].id, occurred_time="10:00:00"))
    url = f"/api/v1/incidents/{created.json()['id']}"
    edited = await client.patch(
        url,
        json={"version": 1, "tactics": ["informant", "stakeout"], "occurred_time": None},
        headers=organizer.headers,
    )
    data = edited.json()
    assert data["tactics"] == ["informant", "stakeout"]
    assert data["occurred_time"] is None
    assert data["narrative"] == created.json()["narrative"]
    assert data["agencies"] == ["ice-ero"]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"tactics": ["made-up-tactic"]}, "tactics"),
        ({"tactics": []}, "tactics"),
        ({"agencies": ["kgb"]}, "agencies"),
        ({"source_kind": "rumour"}, "source_kind"),
        ({"workflow_status": "deleted"}, "workflow_status"),
        ({"occurred_on": (date.today() + timedelta(days=2)).isoformat()}, "occurred_on"),
        ({"occurred_on": "1850-01-01"}, "occurred_on"),
        ({"date_precision": "year", "occurred_time": "10:00:00"}, "occurred_time"),
    ],
)
async def test_bad_values_get_field_level_messages(client, scene, overrides, field) -> None:
    response = await post(client, scene["organizer"], incident(scene["home"].id, **overrides))
    assert response.status_code == 422, response.text
    assert field in [error["field"] for error in response.json()["errors"]]


async def test_links_outside_scope_are_refused(client, scene) -> None:
    outsider = scene["outsider"]
    stranger = await client.post(
        "/api/v1/people",
        json={"alias": "Someone else", "group_ids": [str(scene["other"].id)]},
        headers=outsider.headers,
    )
    body = incident(
        scene["home"].id,
        people=[{"person_id": stranger.json()["id"], "role": "witness"}],
        group_ids=[str(scene["other"].id)],
    )
    response = await post(client, scene["organizer"], body)
    assert response.status_code == 422
    assert {e["field"] for e in response.json()["errors"]} == {"people", "group_ids"}
    foreign = await post(client, scene["organizer"], incident(scene["other"].id))
    assert [e["field"] for e in foreign.json()["errors"]] == ["group_id"]


@pytest.mark.parametrize(
    "payload",
    [
        b"{not json",
        b'{"group_id": 5}',
        b'{"occurred_on": "2024-02-30"}',
        b"[]",
    ],
)
async def test_malformed_bodies_get_400(client, scene, payload) -> None:
    response = await client.post(
        "/api/v1/incidents",
        content=payload,
        headers={**scene["organizer"].headers, "Content-Type": "application/json"},
    )
    assert response.status_code == 400, response.text


async def test_unknown_fields_and_oversized_text_are_refused(client, scene) -> None:
    organizer, home = scene["organizer"], scene["home"]
    unknown = await post(client, organizer, incident(home.id, secret_field=1))
    assert unknown.status_code == 400
    assert "secret_field" in unknown.text
    huge = await post(client, organizer, incident(home.id, narrative="x" * 20001))
    assert huge.status_code == 400
    assert "narrative" in huge.text
