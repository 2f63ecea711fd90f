"""Demo data: the counts promised, the same data for the same seed, nothing in the future or
outside the vocabularies, scope through the API, the bulk loader, and clustering after protected
activity."""

from __future__ import annotations

import dataclasses
import uuid
from collections import defaultdict
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from casebook.accounts.api_tokens import issue_token
from casebook.accounts.models import User
from casebook.activities.models import ProtectedActivity, activity_groups, activity_people
from casebook.audit.models import AuditEvent
from casebook.audit.verify import verify_chain
from casebook.config import Settings
from casebook.db import transaction, utcnow
from casebook.demo import DEMO_PASSWORD, DemoConflict, has_records, seed_bulk, seed_demo
from casebook.groups.models import Grant, Group, Membership
from casebook.incidents.models import (
    Incident,
    incident_activities,
    incident_agencies,
    incident_groups,
    incident_people,
    incident_tactics,
    link_list,
)
from casebook.people.models import Person, person_groups
from casebook.runtime import Runtime
from casebook.vocabulary import vocabularies
from tests.databases import DatabaseFactory

Fingerprint = list[tuple[date, str, tuple[str, ...]]]


@pytest.fixture
async def other_runtime(
    settings: Settings, databases: DatabaseFactory
) -> AsyncIterator[Callable[[], Awaitable[Runtime]]]:
    """Runtimes on further fresh databases, closed after the test."""
    started: list[Runtime] = []

    async def start() -> Runtime:
        runtime = Runtime.start(dataclasses.replace(settings, database_url=databases.fresh()))
        started.append(runtime)
        return runtime

    yield start
    for runtime in started:
        await runtime.close()


async def count(runtime: Runtime, target: Any) -> int:
    async with runtime.sessions() as session:
        return await session.scalar(select(func.count()).select_from(target)) or 0


async def fingerprint(runtime: Runtime) -> Fingerprint:
    async with runtime.sessions() as session:
        tactics: dict[uuid.UUID, list[str]] = defaultdict(list)
        for incident_id, tactic in await session.execute(
            select(incident_tactics.c.incident_id, incident_tactics.c.tactic_id)
        ):
            tactics[incident_id].append(tactic)
        rows = await session.execute(select(Incident.id, Incident.occurred_on, Incident.narrative))
        return sorted(
            (occurred_on, narrative, tuple(sorted(tactics[incident_id])))
            for incident_id, occurred_on, narrative in rows
        )


async def test_demo_data_has_the_promised_size_and_accounts(runtime: Runtime) -> None:
    assert not await has_records(runtime)
    summary = await seed_demo(runtime, seed=7, incidents=500)

    assert (summary.groups, summary.people, summary.activities, summary.incidents) == (
        5,
        50,
        100,
        500,
    )
    assert await count(runtime, Group) == 5
    assert await count(runtime, Person) == 50
    assert await count(runtime, ProtectedActivity) == 100
    assert await count(runtime, Incident) == 500
    assert await has_records(runtime)

    accounts = {email: (role, groups) for email, role, groups in summary.accounts}
    assert len(accounts) == await count(runtime, User)
    roles = [role for role, _ in accounts.values()]
    assert roles.count("admin") == 1
    assert roles.count("attorney") == 1
    assert roles.count("researcher") == 1
    assert 5 <= roles.count("organizer") <= 10
    assert all(email.endswith("@demo.casebook.invalid") for email in accounts)
    assert accounts["organizer.seattle@demo.casebook.invalid"] == (
        "organizer",
        "Salish Sea Migrant Defense Network",
    )
    assert len(accounts["attorney@demo.casebook.invalid"][1].split(",")) == 2
    assert await count(runtime, Grant) == 2
    async with runtime.sessions() as session:
        coordinators = await session.scalar(
            select(func.count(func.distinct(Membership.group_id))).where(
                Membership.role == "coordinator"
            )
        )
        assert coordinators == 5
        hashes = set(await session.scalars(select(User.password_hash)))
        events = list(await session.scalars(select(AuditEvent)))
    assert len(hashes) == 1, "the demo password is hashed once and shared"
    assert await runtime.hasher.verify(hashes.pop(), DEMO_PASSWORD)
    assert len(DEMO_PASSWORD) >= 15
    assert [e.action for e in events] == ["claim.create", "demo.seed"]  # the attorney's claim
    assert '"incidents":500' in events[1].details


async def test_seeding_twice_is_refused(runtime: Runtime) -> None:
    await seed_demo(runtime, incidents=5)
    with pytest.raises(DemoConflict):
        await seed_demo(runtime, incidents=5)
    assert await count(runtime, Incident) == 5


async def test_the_same_seed_gives_the_same_incidents(
    runtime: Runtime, other_runtime: Callable[[], Awaitable[Runtime]]
) -> None:
    second, third = await other_runtime(), await other_runtime()
    await seed_demo(runtime, seed=11, incidents=300)
    await seed_demo(second, seed=11, incidents=300)
    await seed_demo(third, seed=12, incidents=300)
    same = await fingerprint(runtime)
    assert len(same) == 300
    assert same == await fingerprint(second)
    assert same != await fingerprint(third)
    async with runtime.sessions() as one, second.sessions() as two:
        query = select(Incident.id).order_by(Incident.id)
        assert list(await one.scalars(query)) == list(await two.scalars(query))


async def test_incidents_are_in_the_past_and_use_the_vocabularies(runtime: Runtime) -> None:
    await seed_demo(runtime, incidents=500)
    vocab = vocabularies()
    async with runtime.sessions() as session:
        incidents = list(await session.scalars(select(Incident)))
        tactics = set(await session.scalars(select(incident_tactics.c.tactic_id)))
        agencies = set(await session.scalars(select(incident_agencies.c.agency_id)))
        roles = set(await session.scalars(select(incident_people.c.role)))
        kinds = set(await session.scalars(select(ProtectedActivity.kind)))
        untagged = await session.scalar(
            select(func.count())
            .select_from(Incident)
            .where(
                ~select(incident_tactics.c.incident_id)
                .where(incident_tactics.c.incident_id == Incident.id)
                .exists()
            )
        )
    assert max(i.occurred_on for i in incidents) <= date.today()
    assert max(i.created_at for i in incidents) <= utcnow()
    assert min(i.occurred_on for i in incidents) >= date.today() - timedelta(days=6 * 366)
    assert tactics <= set(vocab["tactics"].ids())
    assert len(tactics) > 20, "the demo uses most tactics"
    assert agencies <= set(vocab["agencies"].ids())
    assert roles <= set(vocab["involvement_roles"].ids())
    assert kinds <= set(vocab["activity_kinds"].ids())
    assert {i.source_kind for i in incidents} <= set(vocab["source_kinds"].ids())
    assert {i.verification_status for i in incidents} <= set(vocab["verification_statuses"].ids())
    assert {i.workflow_status for i in incidents} <= set(vocab["workflow_statuses"].ids())
    assert untagged == 0
    precisions = [i.date_precision for i in incidents]
    assert precisions.count("day") > 0.7 * len(precisions)
    assert {"month", "year"} <= set(precisions)
    for incident in incidents:
        if incident.date_precision == "month":
            assert incident.occurred_on.day == 1
        if incident.occurred_time is not None:
            assert incident.date_precision == "day"
        assert 20 < len(incident.narrative) < 600


async def test_an_organizer_sees_only_their_groups_incidents(runtime: Runtime, client: Any) -> None:
    await seed_demo(runtime, incidents=400)
    async with transaction(runtime.sessions) as session:
        organizer = await session.scalar(
            select(User).where(User.email == "organizer.tacoma@demo.casebook.invalid")
        )
        assert organizer is not None
        own = await session.scalar(
            select(Membership.group_id).where(Membership.user_id == organizer.id)
        )
        other = await session.scalar(select(Group.id).where(Group.id != own).limit(1))
        expected = await session.scalar(
            select(func.count()).select_from(Incident).where(Incident.group_id == own)
        )
        foreign = await session.scalar(select(Incident.id).where(Incident.group_id == other))
        _, token = await issue_token(session, organizer, "tests", runtime.policies.sessions)
    headers = {"Authorization": f"Bearer {token}"}

    seen: list[dict[str, Any]] = []
    params: dict[str, Any] = {"limit": 200}
    while True:
        page = await client.get("/api/v1/incidents", params=params, headers=headers)
        assert page.status_code == 200, page.text
        seen.extend(page.json()["items"])
        if not page.json()["next_cursor"]:
            break
        params["cursor"] = page.json()["next_cursor"]
    assert expected
    assert len(seen) == expected
    assert {item["group_id"] for item in seen} == {str(own)}
    filtered = await client.get(
        "/api/v1/incidents", params={"group_id": str(other)}, headers=headers
    )
    assert filtered.json()["items"] == []
    hidden = await client.get(f"/api/v1/incidents/{foreign}", headers=headers)
    assert hidden.status_code == 404


async def test_the_demo_attorney_has_a_claim_to_show(runtime: Runtime, client: Any) -> None:
    await seed_demo(runtime, incidents=400)
    async with transaction(runtime.sessions) as session:
        attorney = await session.scalar(
            select(User).where(User.email == "attorney@demo.casebook.invalid")
        )
        assert attorney is not None
        _, token = await issue_token(session, attorney, "tests", runtime.policies.sessions)
    headers = {"Authorization": f"Bearer {token}"}
    [listed] = (await client.get("/api/v1/claims", headers=headers)).json()["items"]
    claim = (await client.get(f"/api/v1/claims/{listed['id']}", headers=headers)).json()
    assert claim["title"].endswith("v. ICE (demo)")
    kinds = {entry["kind"] for entry in claim["chronology"]}
    assert kinds == {"activity", "action"}
    assert any(entry["gap_days"] is not None for entry in claim["chronology"])


async def test_bulk_loading_inserts_incidents_with_their_links(
    runtime: Runtime, settings: Settings
) -> None:
    progress: list[int] = []
    summary = seed_bulk(
        settings.database_url, incidents=2_000, seed=5, batch_size=700, progress=progress.append
    )
    assert progress == [700, 1400, 2000]
    assert await count(runtime, Incident) == 2_000
    assert (summary.groups, summary.people, summary.activities) == (5, 50, 100)
    links = {
        table.name: await count(runtime, table)
        for table in (
            incident_tactics,
            incident_agencies,
            incident_people,
            incident_groups,
            incident_activities,
            person_groups,
            activity_groups,
            activity_people,
        )
    }
    assert links["incident_tactics"] >= 2_000
    assert links["incident_agencies"] >= 2_000
    assert links["incident_groups"] >= 2_000
    assert links["incident_people"] > 1_000
    assert links["incident_activities"] > 500
    assert summary.rows == 2_000 + 5 + 50 + 100 + sum(links.values())
    async with runtime.sessions() as session:
        lonely = await session.scalar(
            select(func.count())
            .select_from(Incident)
            .where(
                ~select(incident_groups.c.incident_id)
                .where(
                    incident_groups.c.incident_id == Incident.id,
                    incident_groups.c.group_id == Incident.group_id,
                )
                .exists()
            )
        )
        assert lonely == 0, "every incident is linked to its own group"
        report = await verify_chain(session)
        events = list(await session.scalars(select(AuditEvent.action)))
    assert report.intact, report.describe()
    assert events == ["demo.seed"]
    assert await stale_link_lists(runtime) == []


async def stale_link_lists(runtime: Runtime) -> list[uuid.UUID]:
    """Incidents whose link lists (written by the loader, not by the triggers) differ from
    their link rows."""
    links = (
        (incident_tactics, "tactic_id", Incident.linked_tactics),
        (incident_agencies, "agency_id", Incident.linked_agencies),
        (incident_people, "person_id", Incident.linked_people),
        (incident_groups, "group_id", Incident.linked_groups),
    )
    values: dict[tuple[str, uuid.UUID], list[Any]] = defaultdict(list)
    async with runtime.sessions() as session:
        for table, column, listed in links:
            for incident_id, value in await session.execute(
                select(table.c.incident_id, table.c[column])
            ):
                values[(listed.key, incident_id)].append(value)
        rows = await session.execute(select(Incident.id, *(listed for _, _, listed in links)))
    return [
        incident_id
        for incident_id, *lists in rows
        if lists != [link_list(values[(listed.key, incident_id)]) for _, _, listed in links]
    ]


async def test_bulk_loading_and_demo_seeding_share_one_generator(
    runtime: Runtime, other_runtime: Callable[[], Awaitable[Runtime]]
) -> None:
    bulk, produced = await other_runtime(), await other_runtime()
    await seed_demo(runtime, seed=9, incidents=250)
    seed_bulk(bulk.settings.database_url, incidents=250, seed=9)
    seed_bulk(produced.settings.database_url, incidents=250, seed=9, producer=True)
    demo = await fingerprint(runtime)
    assert demo == await fingerprint(bulk)
    assert demo == await fingerprint(produced)
    async with runtime.sessions() as one, produced.sessions() as two:
        query = select(Incident.created_at, Incident.occurred_time).order_by(Incident.id)
        assert (await one.execute(query)).all() == (await two.execute(query)).all()


async def test_incidents_cluster_after_the_activities_they_name(runtime: Runtime) -> None:
    await seed_demo(runtime, incidents=500)
    async with runtime.sessions() as session:
        rows = (
            await session.execute(
                select(Incident.id, Incident.occurred_on, ProtectedActivity.occurred_on)
                .join(incident_activities, incident_activities.c.incident_id == Incident.id)
                .join(
                    ProtectedActivity,
                    ProtectedActivity.id == incident_activities.c.activity_id,
                )
            )
        ).all()
    gaps: dict[uuid.UUID, list[int]] = defaultdict(list)
    for incident_id, incident_on, activity_on in rows:
        gaps[incident_id].append((incident_on - activity_on).days)
    assert len(gaps) > 150, "a good share of incidents name a protected activity"
    soon_after = [i for i, days in gaps.items() if any(0 <= d <= 90 for d in days)]
    assert len(soon_after) >= 0.8 * len(gaps)
