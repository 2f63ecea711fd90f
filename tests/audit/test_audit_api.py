"""The audit log through the API: admins read and verify it; reading is itself audited."""

from __future__ import annotations

from sqlalchemy import text

from tests.conftest import World


async def test_an_admin_pages_through_the_log_newest_first(client, world: World) -> None:
    admin = await world.account("admin")
    for _ in range(3):
        await client.get("/api/v1/me", headers=admin.headers)
        await client.get(
            "/api/v1/groups/00000000-0000-4000-8000-000000000000", headers=admin.headers
        )
    first = await client.get("/api/v1/audit?limit=2", headers=admin.headers)
    assert first.status_code == 200, first.text
    page = first.json()
    assert [e["seq"] for e in page["items"]] == sorted(
        (e["seq"] for e in page["items"]), reverse=True
    )
    assert page["items"][0]["action"] == "access.denied"
    assert page["items"][0]["details"]["reason"] == "NotFound"
    rest = await client.get(
        f"/api/v1/audit?before={page['next_before']}&limit=200", headers=admin.headers
    )
    seqs = [e["seq"] for e in page["items"] + rest.json()["items"]]
    assert seqs == list(range(seqs[0], 0, -1))
    assert rest.json()["next_before"] is None


async def test_reading_the_log_is_itself_logged(client, world: World) -> None:
    admin = await world.account("admin")
    await client.get("/api/v1/audit", headers=admin.headers)
    newest = (await client.get("/api/v1/audit?limit=1", headers=admin.headers)).json()["items"][0]
    assert newest["action"] == "audit.list"
    assert newest["actor_id"] == str(admin.id)


async def test_verify_reports_intact_then_the_first_broken_entry(
    client, world: World, runtime
) -> None:
    admin = await world.account("admin")
    await client.get("/api/v1/audit", headers=admin.headers)
    intact = await client.get("/api/v1/audit/verify", headers=admin.headers)
    assert intact.json()["intact"] is True
    assert intact.json()["checked"] >= 1
    async with runtime.engine.begin() as connection:
        if connection.dialect.name == "sqlite":
            await connection.execute(text("DROP TRIGGER audit_events_no_update"))
        else:
            await connection.execute(text("DROP TRIGGER audit_events_no_change ON audit_events"))
        await connection.execute(text("UPDATE audit_events SET action = 'forged' WHERE seq = 1"))
    broken = await client.get("/api/v1/audit/verify", headers=admin.headers)
    assert broken.json()["intact"] is False
    assert broken.json()["broken_seq"] == 1
    assert "entry 1" in broken.json()["message"]


async def test_only_admins_read_the_log(client, world: World) -> None:
    group = await world.group()
    organizer = await world.account("organizer", groups={group: "coordinator"})
    for role_account in (
        organizer,
        await world.account("attorney"),
        await world.account("researcher"),
    ):
        for url in ("/api/v1/audit", "/api/v1/audit/verify"):
            response = await client.get(url, headers=role_account.headers)
            assert response.status_code == 404
