"""Incidents: logged and edited by organizers of the owning group, read within scope."""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from dataclasses import fields as dataclass_fields
from datetime import date
from typing import Any

from sqlalchemy import Select, Table, delete, exists, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from casebook.access.actor import Actor
from casebook.access.scope import RecordScope, check_version
from casebook.audit.log import record
from casebook.db import utcnow
from casebook.incidents.fields import IncidentFields, Involvement, validate
from casebook.incidents.models import (
    Incident,
    incident_activities,
    incident_agencies,
    incident_groups,
    incident_people,
    incident_tactics,
    link_list,
)
from casebook.links import insert_links, linked_values, replace_links
from casebook.queries import contains, newest_first_after

SCALAR_FIELDS = (
    "group_id",
    "occurred_on",
    "date_precision",
    "occurred_time",
    "city",
    "region",
    "country",
    "narrative",
    "source_kind",
    "verification_status",
    "workflow_status",
)


@dataclass(frozen=True)
class IncidentFilter:
    group_id: uuid.UUID | None = None
    tactic: str | None = None
    agency: str | None = None
    person_id: uuid.UUID | None = None
    date_from: date | None = None
    date_to: date | None = None
    region: str | None = None
    workflow_status: str | None = None
    verification_status: str | None = None
    text: str | None = None

    def used(self) -> list[str]:
        """Names of the filters in use, for the audit trail (never their values)."""
        return [f.name for f in dataclass_fields(self) if getattr(self, f.name) is not None]


@dataclass(frozen=True)
class IncidentView:
    incident: Incident
    fields: IncidentFields


def _linked(table: Table, column: str, value: object) -> object:
    return exists(select(1).where(table.c.incident_id == Incident.id, table.c[column] == value))


def _filtered(query: Select[Incident], where: IncidentFilter) -> Select[Incident]:
    conditions = {
        "group_id": lambda v: Incident.group_id == v,
        "tactic": lambda v: _linked(incident_tactics, "tactic_id", v),
        "agency": lambda v: _linked(incident_agencies, "agency_id", v),
        "person_id": lambda v: _linked(incident_people, "person_id", v),
        "date_from": lambda v: Incident.occurred_on >= v,
        "date_to": lambda v: Incident.occurred_on <= v,
        "region": lambda v: Incident.region == v,
        "workflow_status": lambda v: Incident.workflow_status == v,
        "verification_status": lambda v: Incident.verification_status == v,
        "text": lambda v: contains(Incident.narrative, v),
    }
    for name in where.used():
        query = query.where(conditions[name](getattr(where, name)))  # type: ignore[no-untyped-call]
    return query


async def list_incidents(
    session: AsyncSession,
    actor: Actor,
    where: IncidentFilter,
    *,
    after: tuple[date, uuid.UUID] | None,
    limit: int,
) -> list[IncidentView]:
    query = (
        select(Incident)
        .where(INCIDENTS.visible_to(actor))
        .order_by(Incident.occurred_on.desc(), Incident.id.desc())
        .limit(limit)
    )
    if after is not None:
        query = query.where(newest_first_after(Incident.occurred_on, Incident.id, after))
    incidents = list(await session.scalars(_filtered(query, where)))
    views = await _views(session, incidents)
    await record(
        session,
        actor_id=actor.user_id,
        action="incident.list",
        details={"count": len(views), "filters": where.used()},
    )
    return views


INCIDENTS = RecordScope(Incident, Incident.id, Incident.group_id.in_, "incident")


async def get_incident(session: AsyncSession, actor: Actor, incident_id: uuid.UUID) -> IncidentView:
    incident = await INCIDENTS.load(session, actor, incident_id)
    await record(
        session,
        actor_id=actor.user_id,
        action="incident.read",
        target_type="incident",
        target_id=incident_id,
    )
    return (await _views(session, [incident]))[0]


async def create_incident(
    session: AsyncSession, actor: Actor, fields: IncidentFields
) -> IncidentView:
    fields = fields.normalized()
    await validate(session, actor, fields)
    incident = Incident(created_by=actor.user_id, **{n: getattr(fields, n) for n in SCALAR_FIELDS})
    session.add(incident)
    await session.flush()
    await _write_links(session, incident.id, fields)
    await record(
        session,
        actor_id=actor.user_id,
        action="incident.create",
        target_type="incident",
        target_id=incident.id,
        details={"group_id": str(fields.group_id)},
    )
    return IncidentView(incident, fields)


async def update_incident(
    session: AsyncSession,
    actor: Actor,
    incident_id: uuid.UUID,
    version: int,
    changes: dict[str, object],
) -> IncidentView:
    incident = await INCIDENTS.load(session, actor, incident_id, for_edit=True)
    check_version("incident", incident.version, version)
    current = (await _views(session, [incident]))[0].fields
    fields = IncidentFields(**{**vars(current), **changes}).normalized()
    await validate(session, actor, fields)
    for name in SCALAR_FIELDS:
        setattr(incident, name, getattr(fields, name))
    incident.updated_at = utcnow()
    await session.flush()
    await _write_links(session, incident.id, fields, replace=True)
    await record(
        session,
        actor_id=actor.user_id,
        action="incident.update",
        target_type="incident",
        target_id=incident_id,
        details={"fields": sorted(changes)},
    )
    return IncidentView(incident, fields)


LINKS: tuple[tuple[Table, str, str], ...] = (
    (incident_tactics, "tactic_id", "tactics"),
    (incident_agencies, "agency_id", "agencies"),
    (incident_groups, "group_id", "group_ids"),
    (incident_activities, "activity_id", "activity_ids"),
)


async def _write_links(
    session: AsyncSession, incident_id: uuid.UUID, fields: IncidentFields, *, replace: bool = False
) -> None:
    store = replace_links if replace else insert_links
    for table, column, attribute in LINKS:
        await store(session, table, column, incident_id, getattr(fields, attribute))
    if replace:
        await session.execute(
            delete(incident_people).where(incident_people.c.incident_id == incident_id)
        )
    if fields.people:
        await session.execute(
            insert(incident_people),
            [
                {"incident_id": incident_id, "person_id": p.person_id, "role": p.role}
                for p in fields.people
            ],
        )
    # The lists reports read: triggers keep them when links go, not when links come.
    await session.execute(
        update(Incident)
        .where(Incident.id == incident_id)
        .values(
            linked_tactics=link_list(fields.tactics),
            linked_agencies=link_list(fields.agencies),
            linked_people=link_list(p.person_id for p in fields.people),
            linked_groups=link_list(fields.group_ids),
        )
        .execution_options(synchronize_session=False)
    )


async def _views(session: AsyncSession, incidents: list[Incident]) -> list[IncidentView]:
    """Each incident with its links, in one query per link table."""
    ids = [i.id for i in incidents]
    links = {
        attribute: await linked_values(session, table, column, ids)
        for table, column, attribute in LINKS
    }
    people = await _involvements(session, ids)
    views = []
    for incident in incidents:
        values: dict[str, Any] = {n: getattr(incident, n) for n in SCALAR_FIELDS}
        values.update({name: linked[incident.id] for name, linked in links.items()})
        views.append(IncidentView(incident, IncidentFields(**values, people=people[incident.id])))
    return views


async def _involvements(
    session: AsyncSession, ids: list[uuid.UUID]
) -> dict[uuid.UUID, list[Involvement]]:
    people: dict[uuid.UUID, list[Involvement]] = defaultdict(list)
    rows = await session.execute(
        select(incident_people.c.incident_id, incident_people.c.person_id, incident_people.c.role)
        .where(incident_people.c.incident_id.in_(ids))
        .order_by(incident_people.c.person_id)
    )
    for incident_id, person_id, role in rows:
        people[incident_id].append(Involvement(person_id, role))
    return people
