"""Seeding a database with demo data and demo accounts, through the application's runtime."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from sqlalchemy import func, insert, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from casebook.accounts.models import User
from casebook.accounts.passwords import password_problems
from casebook.audit.log import record
from casebook.db import transaction
from casebook.demo.claim import open_demo_claim
from casebook.demo.generate import (
    DemoWorld,
    batched,
    build_world,
    generate_incidents,
    incident_rows,
    new_id,
    rng_for,
    world_rows,
)
from casebook.errors import ValidationFailed
from casebook.groups.models import Grant, Group, Membership
from casebook.incidents.models import Incident
from casebook.runtime import Runtime

# One shared password for every demo account: long enough for the policy, obviously not real.
DEMO_PASSWORD = "casebook demo accounts only, never real"  # noqa: S105
EMAIL_DOMAIN = "demo.casebook.invalid"
SECOND_ORGANIZER = ("seattle", "tacoma", "yakima")
ATTORNEY_GROUPS = ("seattle", "tacoma")
BATCH = 1000


class DemoConflict(Exception):
    """The database already holds demo groups or demo accounts."""


@dataclass(frozen=True)
class DemoSummary:
    accounts: list[tuple[str, str, str]]
    """(email, role, comma-joined group names) per demo account."""
    password: str
    groups: int
    people: int
    activities: int
    incidents: int


@dataclass(frozen=True)
class DemoAccount:
    id: uuid.UUID
    email: str
    display_name: str
    role: str
    locale: str
    memberships: tuple[tuple[uuid.UUID, str], ...] = ()
    grants: tuple[uuid.UUID, ...] = ()


def plan_accounts(world: DemoWorld) -> list[DemoAccount]:
    """An admin; per group a coordinator and for some groups a second organizer; an attorney
    granted two groups; a researcher."""
    rng = rng_for(world.seed, "accounts")
    by_slug = {g.sketch.slug: g for g in world.groups}

    def account(
        local: str,
        name: str,
        role: str,
        *,
        locale: str = "en",
        memberships: tuple[tuple[uuid.UUID, str], ...] = (),
        grants: tuple[uuid.UUID, ...] = (),
    ) -> DemoAccount:
        return DemoAccount(
            new_id(rng), f"{local}@{EMAIL_DOMAIN}", name, role, locale, memberships, grants
        )

    accounts = [account("admin", "Demo admin", "admin")]
    for group in world.groups:
        slug, city = group.sketch.slug, group.sketch.city
        locale = "es" if slug == "yakima" else "en"
        accounts.append(
            account(
                f"organizer.{slug}",
                f"Demo coordinator, {city}",
                "organizer",
                locale=locale,
                memberships=((group.id, "coordinator"),),
            )
        )
        if slug in SECOND_ORGANIZER:
            accounts.append(
                account(
                    f"member.{slug}",
                    f"Demo organizer, {city}",
                    "organizer",
                    locale=locale,
                    memberships=((group.id, "member"),),
                )
            )
    accounts.append(
        account(
            "attorney",
            "Demo clinic attorney",
            "attorney",
            grants=tuple(by_slug[s].id for s in ATTORNEY_GROUPS if s in by_slug),
        )
    )
    accounts.append(account("researcher", "Demo researcher", "researcher"))
    return accounts


async def seed_demo(runtime: Runtime, *, seed: int = 7, incidents: int = 500) -> DemoSummary:
    """Fill the database with demo groups, people, protected activities, incidents and demo
    accounts (all sharing DEMO_PASSWORD), the same for the same seed, in one transaction.
    Refuses to run when demo groups or accounts already exist."""
    world = build_world(seed)
    accounts = plan_accounts(world)
    problems = [
        problem
        for account in accounts
        for problem in password_problems(DEMO_PASSWORD, runtime.policies.passwords, account.email)
    ]
    if problems:
        raise ValidationFailed(problems[:1])
    # argon2 is slow on purpose: hash once, share the hash.
    password_hash = await runtime.hasher.hash(DEMO_PASSWORD)
    names = {g.id: g.name for g in world.groups}
    async with transaction(runtime.sessions) as session:
        await _refuse_conflicts(session, world, accounts)
        for row_set in world_rows(world):
            if row_set.rows:
                await session.execute(insert(row_set.table), row_set.as_dicts())
        await _write_accounts(session, world, accounts, password_hash)
        authors = {
            group_id: account.id
            for account in accounts
            for group_id, role in account.memberships
            if role == "coordinator"
        }
        for batch in batched(generate_incidents(world, incidents), BATCH):
            for row_set in incident_rows(batch, authors):
                if row_set.rows:
                    await session.execute(insert(row_set.table), row_set.as_dicts())
        attorney = next(a for a in accounts if a.role == "attorney")
        await open_demo_claim(session, runtime.policies, attorney.id)
        summary = DemoSummary(
            accounts=[
                (
                    a.email,
                    a.role,
                    ",".join(names[g] for g in [*(m for m, _ in a.memberships), *a.grants]),
                )
                for a in accounts
            ],
            password=DEMO_PASSWORD,
            groups=len(world.groups),
            people=len(world.people),
            activities=len(world.activities),
            incidents=incidents,
        )
        await record(
            session,
            actor_id=None,
            action="demo.seed",
            details={
                "seed": seed,
                "groups": summary.groups,
                "people": summary.people,
                "activities": summary.activities,
                "incidents": summary.incidents,
                "accounts": len(accounts),
            },
        )
    return summary


async def _refuse_conflicts(
    session: AsyncSession, world: DemoWorld, accounts: list[DemoAccount]
) -> None:
    clash = await session.scalar(
        select(func.count())
        .select_from(Group)
        .where(Group.name.in_([g.name for g in world.groups]))
    )
    clash = clash or await session.scalar(
        select(func.count())
        .select_from(User)
        .where(
            or_(User.email.in_([a.email for a in accounts]), User.email.like(f"%@{EMAIL_DOMAIN}"))
        )
    )
    if clash:
        raise DemoConflict("this database already holds demo data")


async def _write_accounts(
    session: AsyncSession, world: DemoWorld, accounts: list[DemoAccount], password_hash: str
) -> None:
    joined = datetime.combine(world.start - timedelta(days=14), time(12), UTC)
    await session.execute(
        insert(User),
        [
            {
                "id": a.id,
                "email": a.email,
                "display_name": a.display_name,
                "role": a.role,
                "password_hash": password_hash,
                "locale": a.locale,
                "created_at": joined,
            }
            for a in accounts
        ],
    )
    memberships = [
        {"group_id": g, "user_id": a.id, "role": role, "created_at": joined}
        for a in accounts
        for g, role in a.memberships
    ]
    if memberships:
        await session.execute(insert(Membership), memberships)
    coordinators = {g: a.id for a in accounts for g, role in a.memberships if role == "coordinator"}
    rng = rng_for(world.seed, "grants")
    grants = [
        {
            "id": new_id(rng),
            "group_id": g,
            "attorney_id": a.id,
            "granted_by": coordinators[g],
            "created_at": joined + timedelta(days=30),
        }
        for a in accounts
        for g in a.grants
    ]
    if grants:
        await session.execute(insert(Grant), grants)


async def has_records(runtime: Runtime) -> bool:
    """Whether the database holds any group, account or incident (for `serve --demo`, which
    only seeds an empty database)."""
    async with runtime.sessions() as session:
        for model in (Group, User, Incident):
            if await session.scalar(select(func.count()).select_from(model)):
                return True
    return False
