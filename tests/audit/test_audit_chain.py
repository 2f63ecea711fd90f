"""The audit log: what the API writes to it, that the database keeps it append-only, that the
chain names the first entry that was tampered with, and that it holds no secrets or narratives."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from casebook.audit.log import hash_of, record
from casebook.audit.models import AuditEvent
from casebook.audit.verify import verify_chain
from casebook.config import Settings
from casebook.db import create_engine, transaction
from casebook.runtime import Runtime
from tests.conftest import PASSWORD, World
from tests.databases import POSTGRES_URL

NARRATIVE = "A gray sedan idled outside the clinic for the third night in a row."
LEGAL_NAME = "Xochitl Berenice Villalobos"
WRONG_PASSWORD = "definitely-not-the-password"
NEW_PASSWORD = "marigold canyon 77 lanterns"


def incident(group_id: object, **extra: Any) -> dict[str, Any]:
    return {
        "group_id": str(group_id),
        "occurred_on": "2024-05-02",
        "tactics": ["stakeout"],
        "narrative": NARRATIVE,
        **extra,
    }


async def events(runtime: Runtime) -> list[AuditEvent]:
    async with transaction(runtime.sessions) as session:
        return list(await session.scalars(select(AuditEvent).order_by(AuditEvent.seq)))


async def chain_report(runtime: Runtime) -> Any:
    async with transaction(runtime.sessions) as session:
        return await verify_chain(session)


@pytest.fixture
async def raw(settings: Settings) -> AsyncIterator[AsyncEngine]:
    """A connection of our own, as an intruder with database access would have."""
    engine = create_engine(settings.database_url)
    yield engine
    await engine.dispose()


async def run_sql(engine: AsyncEngine, *statements: str) -> None:
    async with engine.begin() as connection:
        for statement in statements:
            await connection.execute(text(statement))


# --- what the API writes -----------------------------------------------------------------------


async def test_api_activity_leaves_a_verifiable_trail(client, world: World, runtime) -> None:
    home = await world.group()
    other = await world.group()
    organizer = await world.account("organizer", groups={home: "coordinator"})
    outsider = await world.account("organizer", groups={other: "coordinator"})

    created = await client.post(
        "/api/v1/incidents", json=incident(home.id), headers=organizer.headers
    )
    assert created.status_code == 201, created.text
    incident_id = created.json()["id"]
    url = f"/api/v1/incidents/{incident_id}"
    assert (await client.get(url, headers=organizer.headers)).status_code == 200
    assert (await client.get(url, headers=outsider.headers)).status_code == 404
    failed = await client.post(
        "/api/v1/auth/session", json={"email": organizer.user.email, "password": WRONG_PASSWORD}
    )
    assert failed.status_code == 401

    trail = [
        (e.action, e.outcome, e.actor_id, e.target_type, e.target_id) for e in await events(runtime)
    ]
    assert ("incident.create", "ok", organizer.id, "incident", incident_id) in trail
    assert ("incident.read", "ok", organizer.id, "incident", incident_id) in trail
    assert ("access.denied", "denied", outsider.id, "incident", incident_id) in trail
    assert ("auth.login", "failed", organizer.id, None, None) in trail
    # The outsider's refusal did not also count as a read.
    assert ("incident.read", "ok", outsider.id, "incident", incident_id) not in trail
    denied = next(e for e in await events(runtime) if e.action == "access.denied")
    assert json.loads(denied.details) == {
        "method": "GET",
        "reason": "NotFound",
        "route": "/api/v1/incidents/{incident_id}",
    }

    report = await chain_report(runtime)
    assert report.intact, report.describe()
    assert report.checked == len(trail)


# --- the database keeps it append-only -----------------------------------------------------


async def some_entries(runtime: Runtime, count: int = 6) -> None:
    for n in range(count):
        async with transaction(runtime.sessions) as session:
            await record(
                session,
                actor_id=uuid.uuid4(),
                action="incident.read",
                target_type="incident",
                target_id=uuid.uuid4(),
                details={"n": n},
            )


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_events SET action = 'incident.list' WHERE seq = 2",
        "UPDATE audit_events SET details = '{}'",
        "DELETE FROM audit_events WHERE seq = 3",
        "DELETE FROM audit_events",
    ],
)
async def test_the_database_refuses_to_change_or_remove_entries(
    runtime: Runtime, raw: AsyncEngine, statement: str
) -> None:
    await some_entries(runtime)
    before = [(e.seq, e.hash, e.details) for e in await events(runtime)]
    with pytest.raises(DBAPIError, match="append-only"):
        await run_sql(raw, statement)
    assert [(e.seq, e.hash, e.details) for e in await events(runtime)] == before
    assert (await chain_report(runtime)).intact


@pytest.mark.skipif(not POSTGRES_URL, reason="TRUNCATE guard exists on PostgreSQL only")
async def test_postgresql_refuses_to_truncate_the_log(runtime: Runtime, raw: AsyncEngine) -> None:
    await some_entries(runtime)
    with pytest.raises(DBAPIError, match="append-only"):
        await run_sql(raw, "TRUNCATE audit_events")
    assert len(await events(runtime)) == 6


# --- with the guards gone, the chain still tells ---------------------------------------------


async def drop_guards(engine: AsyncEngine) -> None:
    if engine.dialect.name == "sqlite":
        await run_sql(
            engine,
            "DROP TRIGGER audit_events_no_update",
            "DROP TRIGGER audit_events_no_delete",
        )
    else:
        await run_sql(engine, "DROP TRIGGER audit_events_no_change ON audit_events")


async def _modify(connection: AsyncConnection) -> None:
    await connection.execute(
        text("UPDATE audit_events SET details = :details WHERE seq = 3"), {"details": '{"n":99}'}
    )


async def _rewrite_with_its_hash(connection: AsyncConnection) -> None:
    """Change entry 3 and recompute its own hash, as an intruder who read the code would."""
    row = (await connection.execute(select(AuditEvent).where(AuditEvent.seq == 3))).one()
    forged = AuditEvent(**{c.key: getattr(row, c.key) for c in AuditEvent.__table__.columns})
    forged.details = '{"n":99}'
    await connection.execute(
        text("UPDATE audit_events SET details = :details, hash = :hash WHERE seq = 3"),
        {"details": forged.details, "hash": hash_of(forged)},
    )


async def _delete_middle(connection: AsyncConnection) -> None:
    await connection.execute(text("DELETE FROM audit_events WHERE seq = 3"))


async def _delete_first(connection: AsyncConnection) -> None:
    await connection.execute(text("DELETE FROM audit_events WHERE seq = 1"))


async def _swap(connection: AsyncConnection) -> None:
    for statement in (
        "UPDATE audit_events SET seq = -1 WHERE seq = 3",
        "UPDATE audit_events SET seq = 3 WHERE seq = 4",
        "UPDATE audit_events SET seq = 4 WHERE seq = -1",
    ):
        await connection.execute(text(statement))


Tampering = Callable[[AsyncConnection], Awaitable[None]]


@pytest.mark.parametrize(
    ("tamper", "broken_seq", "reason", "verified_before"),
    [
        (_modify, 3, "modified", 2),
        (_rewrite_with_its_hash, 4, "does not follow", 3),
        (_delete_middle, 4, "entries 3..3 are missing", 2),
        (_delete_first, 2, "entries 1..1 are missing", 0),
        (_swap, 3, "does not follow", 2),
    ],
    ids=["modified", "modified-and-rehashed", "deleted-middle", "deleted-first", "swapped"],
)
async def test_tampering_is_reported_at_the_first_entry_that_does_not_fit(
    runtime: Runtime,
    raw: AsyncEngine,
    tamper: Tampering,
    broken_seq: int,
    reason: str,
    verified_before: int,
) -> None:
    await some_entries(runtime)
    assert (await chain_report(runtime)).intact
    await drop_guards(raw)
    async with raw.begin() as connection:
        await tamper(connection)
    report = await chain_report(runtime)
    assert not report.intact
    assert report.broken_seq == broken_seq, report.describe()
    assert reason in (report.reason or ""), report.describe()
    assert report.checked == verified_before, report


# --- no secrets, narratives or addresses in the log ------------------------------------------


async def test_no_secret_narrative_or_email_reaches_the_log(client, world: World, runtime) -> None:
    group = await world.group()
    organizer = await world.account("organizer", groups={group: "coordinator"})
    admin = await world.account("admin")
    attorney = await world.account("attorney")
    secrets: list[str] = [PASSWORD, WRONG_PASSWORD, NEW_PASSWORD, NARRATIVE, LEGAL_NAME]

    session = await client.post(
        "/api/v1/auth/session", json={"email": organizer.user.email, "password": PASSWORD}
    )
    secrets += [session.cookies["__Host-casebook-session"], session.json()["csrf_token"]]
    client.cookies.clear()
    issued = await client.post(
        "/api/v1/auth/tokens", json={"email": organizer.user.email, "password": PASSWORD}
    )
    secrets.append(issued.json()["token"])
    bearer = {"Authorization": f"Bearer {issued.json()['token']}"}
    await client.post(
        "/api/v1/auth/session", json={"email": organizer.user.email, "password": WRONG_PASSWORD}
    )
    person = await client.post(
        "/api/v1/people",
        json={"alias": "Xochi", "legal_name": LEGAL_NAME, "group_ids": [str(group.id)]},
        headers=bearer,
    )
    created = await client.post(
        "/api/v1/incidents",
        json=incident(group.id, people=[{"person_id": person.json()["id"], "role": "target"}]),
        headers=bearer,
    )
    await client.get(f"/api/v1/incidents/{created.json()['id']}", headers=bearer)
    await client.get("/api/v1/incidents", params={"q": "gray sedan"}, headers=bearer)
    await client.post(
        f"/api/v1/groups/{group.id}/grants",
        json={"attorney_email": attorney.user.email},
        headers=bearer,
    )
    invitation = await client.post(
        "/api/v1/invitations",
        json={"email": "invitee-audit@example.org", "role": "researcher"},
        headers=admin.headers,
    )
    secrets.append(invitation.json()["token"])
    accepted = await client.post(
        "/api/v1/invitations/accept",
        json={
            "token": invitation.json()["token"],
            "display_name": "Invitee",
            "password": NEW_PASSWORD,
        },
    )
    assert [r.status_code for r in (person, created, invitation, accepted)] == [201] * 4
    secrets += ["gray sedan", "Xochi"]

    entries = await events(runtime)
    assert len(entries) >= 10
    for entry in entries:
        row = " ".join(str(getattr(entry, c.key)) for c in AuditEvent.__table__.columns).lower()
        assert "@" not in row, f"an email address in audit entry {entry.seq}: {row}"
        for secret in secrets:
            assert secret.lower() not in row, f"{secret!r} in audit entry {entry.seq}: {row}"
