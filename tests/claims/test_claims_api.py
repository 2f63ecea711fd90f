"""Claims through the JSON API: opening one, its chronology and element matrix, exhibits in
order, notes, colleagues, and who sees nothing at all."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import update

from casebook.db import transaction, utcnow
from casebook.groups.models import Grant
from tests.claims.scene import Case, build_case
from tests.conftest import Account, World

URL = "/api/v1/claims"


@pytest.fixture
async def case(client: Any, world: World) -> Case:
    return await build_case(client, world)


async def call(client: Any, account: Account, method: str, path: str, **kwargs: Any) -> Any:
    return await client.request(method, path, headers=account.headers, **kwargs)


async def ok(client: Any, account: Account, method: str, path: str, **kwargs: Any) -> Any:
    response = await call(client, account, method, path, **kwargs)
    assert response.status_code in (200, 201), response.text
    return response.json()


def errors(response: Any) -> dict[str, str]:
    assert response.status_code == 422, response.text
    return {e["field"]: e["message"] for e in response.json()["errors"]}


async def open_claim(client: Any, case: Case, **extra: Any) -> dict[str, Any]:
    body = {"title": "Rosa v. ICE", "person_ids": [case.person], **extra}
    return await ok(client, case.attorney, "POST", URL, json=body)  # type: ignore[no-any-return]


async def test_gathering_a_claimants_records_builds_the_chronology(client: Any, case: Case) -> None:
    claim = await open_claim(
        client, case, gather=True, gather_from="2024-03-01", gather_to="2024-12-31"
    )
    assert [p["name"] for p in claim["people"]] == ["Rosa"]
    rows = [(e["kind"], e["date"], e["gap_days"]) for e in claim["chronology"]]
    assert rows == [
        ("activity", "2024-03-01", None),
        ("action", "2024-03-14", 13),
        ("activity", "2024-04-10", None),
        ("action", "2024-04-10", 0),
    ], "the visit of 1 February is outside the period; the other group's incident is not Rosa's"
    followed, arrested = claim["elements"]
    assert (followed["incident_id"], followed["answers_activity_id"]) == (
        case.followed,
        case.protest,
    )
    assert (arrested["incident_id"], arrested["answers_activity_id"]) == (
        case.arrested,
        case.testimony,
    )
    assert arrested["tactics"] == ["arrest-at-protest-or-press-event"]
    assert not arrested["answers_chosen"]


async def test_picked_records_and_the_element_matrix(client: Any, case: Case) -> None:
    claim = await open_claim(
        client,
        case,
        incident_ids=[case.arrested, case.early_visit],
        activity_ids=[case.protest, case.testimony],
    )
    assert [e["gap_days"] for e in claim["chronology"] if e["kind"] == "action"] == [None, 0]
    path = f"{URL}/{claim['id']}/elements/{case.arrested}"
    body = {
        "version": claim["version"],
        "answers_activity_id": case.protest,
        "severity": "severe",
        "animus": [{"quote": "This is what you get for talking.", "source": "Agent, body camera"}],
        "departures": ["Arrested at a hearing, where ICE policy forbids courthouse arrests"],
        "comparators": ["", "Two speakers who did not criticise ICE were not stopped"],
        "lawful_basis": "no",
        "lawful_basis_notes": "No warrant; status was pending.",
    }
    claim = await ok(client, case.attorney, "PATCH", path, json=body)
    row = next(e for e in claim["elements"] if e["incident_id"] == case.arrested)
    assert row["answers_activity_id"] == case.protest
    assert row["answers_chosen"]
    assert row["gap_days"] == 40  # 1 March to 10 April
    assert row["animus"] == body["animus"]
    assert row["comparators"] == ["Two speakers who did not criticise ICE were not stopped"]
    assert (row["severity"], row["lawful_basis"]) == ("severe", "no")

    stale = await call(client, case.attorney, "PATCH", path, json={**body, "severity": "minor"})
    assert stale.status_code == 409
    back = await ok(
        client,
        case.attorney,
        "PATCH",
        path,
        json={"version": claim["version"], "answers_latest": True},
    )
    row = next(e for e in back["elements"] if e["incident_id"] == case.arrested)
    assert (row["answers_activity_id"], row["gap_days"], row["severity"]) == (
        case.testimony,
        0,
        "severe",
    )


async def test_bad_input_is_named_field_by_field(client: Any, case: Case) -> None:
    response = await call(
        client,
        case.attorney,
        "POST",
        URL,
        json={
            "title": "  ",
            "incident_ids": [case.other_incident],
            "label_style": "roman",
            "bates_prefix": "../x",
        },
    )
    assert set(errors(response)) == {
        "title",
        "person_ids",
        "incident_ids",
        "label_style",
        "bates_prefix",
    }
    claim = await open_claim(client, case, incident_ids=[case.arrested])
    path = f"{URL}/{claim['id']}/elements/{case.arrested}"
    response = await call(
        client,
        case.attorney,
        "PATCH",
        path,
        json={
            "version": claim["version"],
            "answers_activity_id": case.protest,  # not one of this claim's activities
            "severity": "extreme",
            "animus": [{"quote": "words", "source": " "}],
        },
    )
    assert set(errors(response)) == {"answers_activity_id", "severity", "animus"}
    not_in_claim = f"{URL}/{claim['id']}/elements/{case.followed}"
    response = await call(client, case.attorney, "PATCH", not_in_claim, json={"version": 1})
    assert response.status_code == 404


async def test_exhibits_are_labelled_in_the_order_given(client: Any, case: Case) -> None:
    claim = await open_claim(client, case, incident_ids=[case.followed, case.arrested])
    path = f"{URL}/{claim['id']}/exhibits"
    exhibits = [
        {"attachment_id": case.video, "description": "Arrest video"},
        {"attachment_id": case.photo, "description": "Photo of the car"},
    ]
    claim = await ok(
        client, case.attorney, "PUT", path, json={"version": claim["version"], "exhibits": exhibits}
    )
    assert [(e["label"], e["description"]) for e in claim["exhibits"]] == [
        ("A", "Arrest video"),
        ("B", "Photo of the car"),
    ]
    assert claim["exhibits"][0]["uploader_id"] == str(case.organizer.id)
    claim = await ok(
        client,
        case.attorney,
        "PATCH",
        f"{URL}/{claim['id']}",
        json={
            "version": claim["version"],
            "label_style": "bates",
            "bates_prefix": "ROSA-",
            "bates_start": 7,
        },
    )
    assert [e["label"] for e in claim["exhibits"]] == ["ROSA-000007", "ROSA-000008"]
    reordered = [exhibits[1], exhibits[0]]
    claim = await ok(
        client,
        case.attorney,
        "PUT",
        path,
        json={"version": claim["version"], "exhibits": reordered},
    )
    assert [e["attachment_id"] for e in claim["exhibits"]] == [case.photo, case.video]

    twice = await call(
        client,
        case.attorney,
        "PUT",
        path,
        json={"version": claim["version"], "exhibits": exhibits * 2},
    )
    assert "exhibits" in errors(twice)
    claim = await ok(
        client,
        case.attorney,
        "PATCH",
        f"{URL}/{claim['id']}",
        json={"version": claim["version"], "incident_ids": [case.followed]},
    )
    assert [e["attachment_id"] for e in claim["exhibits"]] == [case.photo], (
        "an action taken out of the claim takes its exhibits with it"
    )
    foreign = await call(
        client, case.attorney, "PUT", path, json={"version": claim["version"], "exhibits": exhibits}
    )
    assert "exhibits" in errors(foreign)


async def test_only_the_attorneys_on_a_claim_see_it(client: Any, case: Case, world: World) -> None:
    claim = await open_claim(client, case, gather=True)
    path = f"{URL}/{claim['id']}"
    await ok(client, case.attorney, "POST", f"{path}/notes", json={"body": "Call Rosa's sister."})
    admin = await world.account("admin")
    for stranger in (case.outsider, case.colleague, case.organizer, admin):
        for method, suffix, body in (
            ("GET", "", None),
            ("GET", "/notes", None),
            ("PATCH", "", {"version": 1, "title": "Mine now"}),
            ("POST", "/notes", {"body": "x"}),
            ("PUT", "/exhibits", {"version": 1, "exhibits": []}),
        ):
            response = await call(client, stranger, method, path + suffix, json=body)
            assert response.status_code == 404, (stranger.user.role, method, suffix)
            assert "Rosa" not in response.text
        listed = await call(client, stranger, "GET", URL)
        assert claim["id"] not in listed.text

    refused = await call(
        client, case.attorney, "POST", f"{path}/attorneys", json={"email": case.outsider.user.email}
    )
    assert errors(refused) == {
        "email": "no attorney with access to every group of this claim has that email address"
    }
    claim = await ok(
        client,
        case.attorney,
        "POST",
        f"{path}/attorneys",
        json={"email": case.colleague.user.email},
    )
    assert len(claim["attorneys"]) == 2
    notes = await ok(client, case.colleague, "GET", f"{path}/notes")
    assert [n["body"] for n in notes["items"]] == ["Call Rosa's sister."]
    response = await call(client, case.attorney, "POST", f"{path}/leave")
    assert response.status_code == 204
    assert (await call(client, case.attorney, "GET", path)).status_code == 404
    last = await call(client, case.colleague, "POST", f"{path}/leave")
    assert "attorney" in errors(last)


async def test_a_revoked_grant_hides_the_groups_records_but_not_the_claim(
    client: Any, case: Case, world: World
) -> None:
    claim = await open_claim(client, case, gather=True)
    assert len(claim["chronology"]) == 5
    async with transaction(world.runtime.sessions) as session:
        await session.execute(
            update(Grant).where(Grant.attorney_id == case.attorney.id).values(revoked_at=utcnow())
        )
    seen = await ok(client, case.attorney, "GET", f"{URL}/{claim['id']}")
    assert seen["title"] == "Rosa v. ICE"
    assert seen["chronology"] == []
    assert seen["people"] == []
    assert seen["exhibits"] == []
    emptied = {"version": seen["version"], "incident_ids": [], "activity_ids": [], "person_ids": []}
    await ok(client, case.attorney, "PATCH", f"{URL}/{claim['id']}", json=emptied)
    async with transaction(world.runtime.sessions) as session:
        await session.execute(
            update(Grant).where(Grant.attorney_id == case.attorney.id).values(revoked_at=None)
        )
    back = await ok(client, case.attorney, "GET", f"{URL}/{claim['id']}")
    assert len(back["chronology"]) == 5, "records out of sight were not the attorney's to remove"
    assert [p["name"] for p in back["people"]] == ["Rosa"]


async def test_gathering_later_adds_only_what_is_new(client: Any, case: Case) -> None:
    claim = await open_claim(client, case, incident_ids=[case.followed])
    path = f"{URL}/{claim['id']}/gather"
    body = {"version": claim["version"], "gather_from": "2024-04-01", "gather_to": "2024-04-30"}
    gathered = await ok(client, case.attorney, "POST", path, json=body)
    assert (gathered["incidents_added"], gathered["activities_added"]) == (1, 1)
    dates = [e["date"] for e in gathered["claim"]["chronology"]]
    assert dates == ["2024-03-14", "2024-04-10", "2024-04-10"]
    body = {"version": gathered["claim"]["version"], "gather_from": "2024-01-01"}
    again = await ok(client, case.attorney, "POST", path, json=body)
    assert (again["incidents_added"], again["activities_added"]) == (1, 1)  # February, March
    backwards = {
        "version": again["claim"]["version"],
        "gather_from": "2024-05-01",
        "gather_to": "2024-04-01",
    }
    assert errors(await call(client, case.attorney, "POST", path, json=backwards)) == {
        "gather_to": "must not be before the start date"
    }
