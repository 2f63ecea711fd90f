"""The release log: every report handed out is recorded with its parameters, and for the
roles the disclosure policy covers the privacy loss it spent counts against their budget."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from casebook.access.actor import Actor
from casebook.accounts.models import User
from casebook.audit.log import record
from casebook.db import utcnow
from casebook.errors import ValidationFailed
from casebook.reports.disclosure_policy import DisclosurePolicy
from casebook.reports.models import Release
from casebook.reports.report import PatternReport

LISTED_RELEASES = 200


@dataclass(frozen=True)
class Budget:
    limit: float
    spent: float
    period_start: datetime
    period_end: datetime

    @property
    def remaining(self) -> float:
        return max(0.0, self.limit - self.spent)


async def budget(
    session: AsyncSession, actor: Actor, policy: DisclosurePolicy, now: datetime | None = None
) -> Budget:
    start, end = policy.period_bounds(now or utcnow())
    spent = await session.scalar(
        select(func.coalesce(func.sum(Release.epsilon), 0.0)).where(
            Release.user_id == actor.user_id,
            Release.released_at >= start,
            Release.released_at < end,
        )
    )
    return Budget(policy.budget, float(spent or 0.0), start, end)


async def check_budget(
    session: AsyncSession, actor: Actor, policy: DisclosurePolicy, epsilon: float
) -> Budget:
    """Refuse `epsilon` unless it fits in what is left of the actor's budget for this period."""
    current = await budget(session, actor, policy)
    if epsilon > current.remaining + 1e-12:
        raise ValidationFailed.single(
            "epsilon",
            f"this release would spend a privacy loss of {epsilon:g}, but only "
            f"{current.remaining:g} of your budget of {current.limit:g} is left until "
            f"{current.period_end:%Y-%m-%d}; ask for less, or release without noise",
        )
    return current


async def reserve(
    session: AsyncSession, actor: Actor, policy: DisclosurePolicy, epsilon: float
) -> Budget:
    """`check_budget` with the actor's row locked first, until the transaction ends: two
    releases at once cannot both spend the last of the budget."""
    await session.execute(select(User.id).where(User.id == actor.user_id).with_for_update())
    return await check_budget(session, actor, policy, epsilon)


async def record_release(
    session: AsyncSession, actor: Actor, report: PatternReport, format: str
) -> Release:
    request = report.request
    parameters = {
        "group_id": None if request.group_id is None else str(request.group_id),
        "from": None if request.since is None else request.since.isoformat(),
        "to": None if request.until is None else request.until.isoformat(),
        "tables": sorted(report.tables),
        "seed": None if report.timing.test is None else report.timing.test.seed,
    }
    release = Release(
        user_id=actor.user_id,
        report="patterns",
        format=format,
        disclosed=report.disclosed,
        parameters=json.dumps(parameters, sort_keys=True),
        epsilon=report.epsilon_spent,
    )
    session.add(release)
    await session.flush()
    await record(
        session,
        actor_id=actor.user_id,
        action="report.release",
        target_type="release",
        target_id=release.id,
        details={
            "format": format,
            "disclosed": str(report.disclosed).lower(),
            "epsilon": None if report.epsilon_spent is None else f"{report.epsilon_spent:g}",
        },
    )
    return release


async def list_releases(session: AsyncSession, actor: Actor) -> list[Release]:
    """The actor's own releases, newest first."""
    rows = await session.scalars(
        select(Release)
        .where(Release.user_id == actor.user_id)
        .order_by(Release.released_at.desc(), Release.id)
        .limit(LISTED_RELEASES)
    )
    return list(rows)
