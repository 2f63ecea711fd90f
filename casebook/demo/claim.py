"""The demo attorney's claim: for the person of a granted group with the most incidents, all
of their records, so that the claim pages have a case to show."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from casebook.access.actor import load_actor
from casebook.access.policy import Policies
from casebook.accounts.models import User
from casebook.claims.service import ClaimFields, Period, create_claim
from casebook.incidents.models import Incident, incident_people
from casebook.people.models import Person


async def open_demo_claim(
    session: AsyncSession, policies: Policies, attorney_id: uuid.UUID
) -> uuid.UUID | None:
    user = await session.get(User, attorney_id)
    assert user is not None
    actor = await load_actor(session, user, policies)
    incidents = func.count(incident_people.c.incident_id)
    chosen = (
        await session.execute(
            select(Person.id, Person.alias)
            .join(incident_people, incident_people.c.person_id == Person.id)
            .join(Incident, Incident.id == incident_people.c.incident_id)
            .where(Incident.group_id.in_(actor.granted_groups))
            .group_by(Person.id, Person.alias)
            .order_by(incidents.desc(), Person.id)
            .limit(1)
        )
    ).first()
    if chosen is None:
        return None
    person_id, alias = chosen
    fields = ClaimFields(title=f"{alias} v. ICE (demo)", person_ids=[person_id])
    claim = await create_claim(session, actor, fields, Period(None, None))
    return claim.id
