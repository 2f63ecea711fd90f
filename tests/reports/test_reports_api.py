"""Pattern reports through the JSON API: exact reports over one's scope, disclosed releases for
researchers, the privacy-loss budget, and the release log."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

import pytest

from casebook.groups.models import Group
from tests.conftest import Account, World

REPORT = "/api/v1/reports/patterns"
RELEASES = "/api/v1/reports/releases"
UUID = re.compile(r"[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}", re.I)


@dataclass
class Scene:
    group_a: Group
    group_b: Group
    organizer_a: Account
    organizer_b: Account
    attorney: Account
    researcher: Account
    admin: Account
    person_id: str


async def created(client: Any, account: Account, url: str, body: dict[str, Any]) -> str:
    response = await client.post(url, json=body, headers=account.headers)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def incident(
    client: Any, account: Account, group: Group, on: str, tactics: list[str], **extra: Any
) -> str:
    body = {"group_id": str(group.id), "occurred_on": on, "tactics": tactics, **extra}
    return await created(client, account, "/api/v1/incidents", body)


@pytest.fixture
async def scene(client: Any, world: World) -> Scene:
    """Group A (Washington): protected activity on 2024-03-01 (Rosa M. and the group) and
    2024-06-01 (the group); incidents dated to the day 1, 5, 40 and 0 days after them and one
    before any activity, plus one dated only to the month. Group B (Oregon): two incidents."""
    group_a = await world.group("Northwest Detention Watch", region="Washington")
    group_b = await world.group("Willamette Defense Network", region="Oregon")
    organizer_a = await world.account("organizer", groups={group_a: "coordinator"})
    organizer_b = await world.account("organizer", groups={group_b: "coordinator"})
    attorney = await world.account("attorney")
    await world.grant(group_a, attorney, organizer_a)
    a = [str(group_a.id)]
    person = await created(
        client, organizer_a, "/api/v1/people", {"alias": "Rosa M.", "group_ids": a}
    )
    march = {
        "kind": "protest",
        "occurred_on": "2024-03-01",
        "title": "March on the detention center",
    }
    await created(
        client, organizer_a, "/api/v1/activities", {**march, "group_ids": a, "person_ids": [person]}
    )
    press = {"kind": "press", "occurred_on": "2024-06-01", "title": "Press conference at city hall"}
    await created(client, organizer_a, "/api/v1/activities", {**press, "group_ids": a})
    target = {"people": [{"person_id": person, "role": "target"}]}
    await incident(
        client,
        organizer_a,
        group_a,
        "2024-03-02",
        ["physical-following"],
        **target,
        agencies=["ice-ero"],
        region="Washington",
        narrative="A grey van followed her",
    )
    await incident(
        client,
        organizer_a,
        group_a,
        "2024-03-06",
        ["arrest-at-home"],
        **target,
        agencies=["ice-ero"],
        region="Washington",
    )
    await incident(
        client, organizer_a, group_a, "2024-04-10", ["social-media-monitoring"], region="Washington"
    )
    await incident(
        client,
        organizer_a,
        group_a,
        "2024-06-01",
        ["notice-to-appear"],
        **target,
        region="Washington",
    )
    await incident(client, organizer_a, group_a, "2024-02-01", ["stakeout"], region="Washington")
    await incident(
        client,
        organizer_a,
        group_a,
        "2024-05-01",
        ["stakeout"],
        region="Washington",
        date_precision="month",
    )
    for day in ("2024-03-10", "2024-07-04"):
        await incident(client, organizer_b, group_b, day, ["informant"], region="Oregon")
    return Scene(
        group_a,
        group_b,
        organizer_a,
        organizer_b,
        attorney,
        await world.account("researcher"),
        await world.account("admin"),
        person,
    )


async def report(client: Any, account: Account, **body: Any) -> dict[str, Any]:
    response = await client.post(REPORT, json={"format": "json", **body}, headers=account.headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-disposition"].startswith("attachment; filename=")
    return json.loads(response.text)  # type: ignore[no-any-return]


def refusal(response: Any) -> dict[str, str]:
    assert response.status_code == 422, response.text
    return {e["field"]: e["message"] for e in response.json()["errors"]}


async def test_an_organizer_gets_exact_counts_and_timing_for_their_groups(
    client: Any, scene: Scene
) -> None:
    body = await report(client, scene.organizer_a)
    assert body["disclosed"] is False
    assert body["overview"]["incidents"] == 6
    assert body["overview"]["incidents_dated_to_the_day"] == 5
    tactics = body["tables"]["tactics_by_group"]
    assert tactics["columns"] == [str(scene.group_a.id)]
    assert dict(zip(tactics["rows"], [row[0] for row in tactics["cells"]], strict=True)) == {
        "arrest-at-home": 1,
        "notice-to-appear": 1,
        "physical-following": 1,
        "stakeout": 2,
        "social-media-monitoring": 1,
    }
    timing = body["timing"]
    gaps = timing["gaps"]
    assert dict(zip(gaps["rows"], [row[0] for row in gaps["cells"]], strict=True)) == {
        "0-7": 3, "8-30": 0, "31-90": 1, "91-180": 0, "181-365": 0, "over-365": 0,
        "none-earlier": 1,
    }  # fmt: skip
    assert timing["shares"] == {"7": 0.6, "30": 0.6, "90": 0.8}
    assert timing["median_gap_days"] == 1
    assert timing["test"]["permutations"] >= 1000
    assert 0 < timing["test"]["p_value"] <= 1


async def test_escalation_follows_each_person_through_the_stages(client: Any, scene: Scene) -> None:
    body = await report(client, scene.organizer_a)
    (rosa,) = body["escalation"]
    assert rosa["alias"] == "Rosa M."
    assert rosa["first_reached"] == {
        "surveillance": "2024-03-02",
        "arrest": "2024-03-06",
        "proceedings": "2024-06-01",
    }
    assert rosa["incidents"] == 3
    stages = body["tables"]["people_by_furthest_stage"]
    assert stages["cells"][stages["rows"].index("proceedings")] == [1]


async def test_a_report_covers_the_groups_in_scope_and_the_period_asked_for(
    client: Any, scene: Scene
) -> None:
    spring = await report(client, scene.organizer_a, **{"from": "2024-03-01", "to": "2024-03-31"})
    assert spring["overview"]["incidents"] == 2
    other = await report(client, scene.organizer_b)
    assert other["overview"]["incidents"] == 2
    assert str(scene.group_a.id) not in json.dumps(other)
    granted = await report(client, scene.attorney, group_id=str(scene.group_a.id))
    assert granted["overview"]["incidents"] == 6


async def test_another_groups_report_is_not_found(client: Any, scene: Scene) -> None:
    response = await client.post(
        REPORT,
        json={"format": "json", "group_id": str(scene.group_a.id)},
        headers=scene.organizer_b.headers,
    )
    assert response.status_code == 404
    admin = await client.post(REPORT, json={"format": "json"}, headers=scene.admin.headers)
    assert admin.status_code == 404


async def test_bad_requests_get_field_messages(client: Any, scene: Scene) -> None:
    backwards = await client.post(
        REPORT,
        json={"format": "json", "from": "2024-05-01", "to": "2024-04-01"},
        headers=scene.organizer_a.headers,
    )
    assert refusal(backwards) == {"to": "must be on or after the start date"}
    noisy = await client.post(
        REPORT, json={"format": "json", "epsilon": 1.0}, headers=scene.organizer_a.headers
    )
    assert "epsilon" in refusal(noisy)
    unknown = await client.post(REPORT, json={"format": "docx"}, headers=scene.organizer_a.headers)
    assert unknown.status_code == 400


async def test_a_researcher_gets_a_release_without_names_ids_or_small_counts(
    client: Any, scene: Scene
) -> None:
    response = await client.post(REPORT, json={"format": "json"}, headers=scene.researcher.headers)
    assert response.status_code == 200, response.text
    text = response.text
    assert not UUID.search(text)
    for secret in ("Rosa", "grey van", "March on the", "Northwest Detention", "2024-03-02"):
        assert secret not in text
    body = json.loads(text)
    assert body["disclosed"] is True
    assert "escalation" not in body or not body["escalation"]
    regions = body["tables"]["incidents_by_region_month"]
    assert set(regions["rows"]) == {"Washington", "Oregon"}
    # Every count here is between 1 and 10: all withheld, zeros shown.
    assert all(v in (None, 0) for row in regions["cells"] for v in row)
    assert body["timing"]["shares"] == {"7": None, "30": None, "90": None}


async def test_a_researcher_cannot_pick_a_group(client: Any, scene: Scene) -> None:
    response = await client.post(
        REPORT,
        json={"format": "json", "group_id": str(scene.group_a.id)},
        headers=scene.researcher.headers,
    )
    assert "group" in refusal(response)


async def test_noisy_releases_spend_the_budget_and_are_refused_beyond_it(
    client: Any, scene: Scene
) -> None:
    period = {"from": "2024-01-01", "to": "2024-12-31"}
    undated = await client.post(
        REPORT, json={"format": "json", "epsilon": 1.0}, headers=scene.researcher.headers
    )
    assert set(refusal(undated)) == {"from", "to"}
    body = await report(client, scene.researcher, epsilon=2.0, **period)
    assert body["epsilon_spent"] == 2.0
    assert body["timing"]["test"] is None
    over = await client.post(
        REPORT, json={"format": "csv", "epsilon": 1.5, **period}, headers=scene.researcher.headers
    )
    message = refusal(over)["epsilon"]
    assert "only 1 of your budget of 3 is left" in message
    listed = (await client.get(RELEASES, headers=scene.researcher.headers)).json()
    assert [item["epsilon"] for item in listed["items"]] == [2.0]
    assert listed["budget"]["spent"] == 2.0
    assert listed["budget"]["remaining"] == 1.0


async def test_every_release_is_logged_with_its_parameters(client: Any, scene: Scene) -> None:
    await report(client, scene.organizer_a, **{"from": "2024-03-01"})
    response = await client.post(REPORT, json={"format": "csv"}, headers=scene.researcher.headers)
    assert response.headers["content-type"].startswith("text/csv")
    mine = (await client.get(RELEASES, headers=scene.organizer_a.headers)).json()
    assert [(i["format"], i["disclosed"]) for i in mine["items"]] == [("json", False)]
    assert mine["items"][0]["parameters"]["from"] == "2024-03-01"
    assert mine["budget"] is None
    theirs = (await client.get(RELEASES, headers=scene.researcher.headers)).json()
    assert [(i["format"], i["disclosed"]) for i in theirs["items"]] == [("csv", True)]


@pytest.mark.parametrize(
    ("format", "media_type", "start"),
    [("pdf", "application/pdf", b"%PDF"), ("html", "text/html", b"<!doctype html")],
)
async def test_reports_come_as_files(
    client: Any, scene: Scene, format: str, media_type: str, start: bytes
) -> None:
    response = await client.post(REPORT, json={"format": format}, headers=scene.organizer_a.headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith(media_type)
    assert response.content.lower().startswith(start.lower())
    assert response.headers["content-disposition"].endswith(f'.{format}"')
