"""A timeline: a person's or a group's protected activities and the incidents that followed,
interleaved newest first, so that retaliation after protected activity shows at a glance.

Both lists come from their services (which check scope and record the reading in the audit
log); only the newest LIMIT entries are shown, and the page says so when more exist."""

from __future__ import annotations

import heapq
import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from casebook.access.actor import Actor
from casebook.activities.service import ActivityView, list_activities
from casebook.incidents.service import IncidentFilter, IncidentView, list_incidents

LIMIT = 200


@dataclass(frozen=True)
class Entry:
    """One event on a timeline: exactly one of `activity` and `incident` is set."""

    occurred_on: date
    precision: str
    activity: ActivityView | None = None
    incident: IncidentView | None = None

    @property
    def href(self) -> str:
        if self.activity is not None:
            return f"/activities/{self.activity.activity.id}"
        assert self.incident is not None
        return f"/incidents/{self.incident.incident.id}"


@dataclass(frozen=True)
class Timeline:
    entries: list[Entry]
    cut: bool
    limit: int


async def person_timeline(session: AsyncSession, actor: Actor, person_id: uuid.UUID) -> Timeline:
    return await _gather(session, actor, person_id=person_id)


async def group_timeline(session: AsyncSession, actor: Actor, group_id: uuid.UUID) -> Timeline:
    return await _gather(session, actor, group_id=group_id)


async def _gather(
    session: AsyncSession,
    actor: Actor,
    *,
    group_id: uuid.UUID | None = None,
    person_id: uuid.UUID | None = None,
) -> Timeline:
    activities = await list_activities(
        session,
        actor,
        group_id=group_id,
        person_id=person_id,
        kind=None,
        date_from=None,
        date_to=None,
        text=None,
        after=None,
        limit=LIMIT + 1,
    )
    where = IncidentFilter(group_id=group_id, person_id=person_id)
    incidents = await list_incidents(session, actor, where, after=None, limit=LIMIT + 1)
    return interleave(activities, incidents)


def interleave(activities: list[ActivityView], incidents: list[IncidentView]) -> Timeline:
    """Both lists arrive newest first; the merged one keeps that order. On the same date the
    incident comes first (above), after the activity it may have followed."""
    activity_entries = [Entry(a.activity.occurred_on, "day", activity=a) for a in activities]
    incident_entries = [
        Entry(i.incident.occurred_on, i.incident.date_precision, incident=i) for i in incidents
    ]
    merged = list(
        heapq.merge(incident_entries, activity_entries, key=lambda e: e.occurred_on, reverse=True)
    )
    return Timeline(merged[:LIMIT], cut=len(merged) > LIMIT, limit=LIMIT)
