"""What the dashboard shows of the incidents in an actor's scope: how many of each tactic in a
month, and how many wait for review."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from casebook.access.actor import Actor
from casebook.audit.log import record
from casebook.incidents.models import Incident, incident_tactics
from casebook.incidents.service import INCIDENTS

AWAITING_REVIEW = "submitted"


async def tactic_counts(
    session: AsyncSession, actor: Actor, since: date, before: date
) -> list[tuple[str, int]]:
    """Incidents per tactic that occurred from `since` up to the day before `before`, most
    frequent first."""
    count = func.count(Incident.id)
    rows = await session.execute(
        select(incident_tactics.c.tactic_id, count)
        .join(Incident, Incident.id == incident_tactics.c.incident_id)
        .where(
            INCIDENTS.visible_to(actor),
            Incident.occurred_on >= since,
            Incident.occurred_on < before,
        )
        .group_by(incident_tactics.c.tactic_id)
        .order_by(count.desc(), incident_tactics.c.tactic_id)
    )
    await record(session, actor_id=actor.user_id, action="incident.summary")
    return [(tactic, total) for tactic, total in rows]


async def awaiting_review_count(session: AsyncSession, actor: Actor) -> int:
    total = await session.scalar(
        select(func.count(Incident.id)).where(
            INCIDENTS.visible_to(actor), Incident.workflow_status == AWAITING_REVIEW
        )
    )
    return total or 0
