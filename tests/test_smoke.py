from tests.conftest import World


async def test_organizer_creates_and_lists_people(client, world: World) -> None:
    group = await world.group()
    organizer = await world.account("organizer", groups={group: "member"})
    response = await client.post(
        "/api/v1/people",
        json={"alias": "Marisol", "group_ids": [str(group.id)]},
        headers=organizer.headers,
    )
    assert response.status_code == 201, response.text
    listed = await client.get("/api/v1/people", headers=organizer.headers)
    assert listed.status_code == 200, listed.text
    assert [p["alias"] for p in listed.json()["items"]] == ["Marisol"]
