"""Each incident's link lists (`Incident.linked_*`, what pattern reports read) follow its links
however they change: logged, edited, changed in the database, or removed by a cascade that no
service sees."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import delete, select, update

from casebook.db import transaction
from casebook.incidents.models import Incident, incident_tactics, link_list
from casebook.people.models import Person
from casebook.runtime import Runtime
from tests.conftest import World
from tests.incidents.test_incidents_api import incident, post

LISTS = (
    Incident.linked_tactics,
    Incident.linked_agencies,
    Incident.linked_people,
    Incident.linked_groups,
)


async def lists_of(runtime: Runtime, incident_id: str) -> dict[str, str]:
    async with transaction(runtime.sessions) as session:
        query = select(*LISTS).where(Incident.id == uuid.UUID(incident_id))
        row = (await session.execute(query)).one()
    return {column.key: text for column, text in zip(LISTS, row, strict=True)}


def expected(
    tactics: list[str], agencies: list[str], people: list[str], groups: list[str]
) -> dict[str, str]:
    """The lists as `link_list` writes them: what a bulk load writes and the reports read."""
    return {
        "linked_tactics": link_list(tactics),
        "linked_agencies": link_list(agencies),
        "linked_people": link_list(uuid.UUID(p) for p in people),
        "linked_groups": link_list(uuid.UUID(g) for g in groups),
    }


async def test_the_lists_follow_the_links(client: Any, world: World, runtime: Runtime) -> None:
    home = await world.group("Home Group")
    other = await world.group("Other Group", region="Oregon")
    organizer = await world.account("organizer", groups={home: "coordinator", other: "member"})
    people = []
    for alias in ("Rosa", "Ana", "Luis"):
        created = await client.post(
            "/api/v1/people",
            json={"alias": alias, "group_ids": [str(home.id)]},
            headers=organizer.headers,
        )
        people.append(created.json()["id"])
    body = incident(
        home.id,
        tactics=["social-media-monitoring", "physical-following"],
        agencies=["ice-ero", "cbp"],
        people=[{"person_id": person, "role": "target"} for person in people[:2]],
        group_ids=[str(other.id), str(home.id)],
    )
    created = await post(client, organizer, body)
    assert created.status_code == 201, created.text
    incident_id = created.json()["id"]

    lists = await lists_of(runtime, incident_id)
    assert lists == expected(
        ["physical-following", "social-media-monitoring"],
        ["cbp", "ice-ero"],
        people[:2],
        [str(home.id), str(other.id)],
    )
    assert lists["linked_tactics"] == "physical-following,social-media-monitoring"

    edited = await client.patch(
        f"/api/v1/incidents/{incident_id}",
        json={
            "version": 1,
            "tactics": ["arrest-at-home"],
            "agencies": [],
            "people": [{"person_id": people[2], "role": "witness"}],
        },
        headers=organizer.headers,
    )
    assert edited.status_code == 200, edited.text
    assert await lists_of(runtime, incident_id) == expected(
        ["arrest-at-home"], [], [people[2]], [str(home.id), str(other.id)]
    )

    # Links changed or removed by anything else, straight in the database, relist too.
    async with transaction(runtime.sessions) as session:
        await session.execute(
            update(incident_tactics)
            .where(incident_tactics.c.incident_id == uuid.UUID(incident_id))
            .values(tactic_id="stakeout")
        )
    assert (await lists_of(runtime, incident_id))["linked_tactics"] == "stakeout"
    # A person removed from the database takes their links with them (ON DELETE CASCADE).
    async with transaction(runtime.sessions) as session:
        await session.execute(delete(Person).where(Person.id == uuid.UUID(people[2])))
    assert (await lists_of(runtime, incident_id))["linked_people"] == ""


async def test_links_that_are_not_there_are_empty_lists(
    client: Any, world: World, runtime: Runtime
) -> None:
    home = await world.group()
    organizer = await world.account("organizer", groups={home: "coordinator"})
    created = await post(client, organizer, incident(home.id, agencies=[]))
    assert created.status_code == 201, created.text
    lists = await lists_of(runtime, created.json()["id"])
    assert lists == expected(["physical-following"], [], [], [str(home.id)])
    assert lists["linked_agencies"] == lists["linked_people"] == ""
