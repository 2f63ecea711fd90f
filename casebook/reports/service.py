"""Running a pattern report for an actor: exact over the records in their scope, or, for the
roles the disclosure policy covers, a disclosed release over every group. Either way the
release is logged."""

from __future__ import annotations

import uuid
from dataclasses import replace

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from casebook.access.actor import Actor
from casebook.activities.service import ACTIVITIES
from casebook.db import utcnow
from casebook.errors import FieldError, NotFound, ValidationFailed
from casebook.groups.models import Group
from casebook.people.models import Person
from casebook.people.service import PEOPLE
from casebook.reports import disclosed, patterns, queries, releases
from casebook.reports.report import PatternReport, ReportRequest
from casebook.runtime import Runtime


async def pattern_report(
    session: AsyncSession,
    runtime: Runtime,
    actor: Actor,
    request: ReportRequest,
    format: str,
) -> PatternReport:
    """The report `actor` may have, logged as a release in `session`'s transaction. It is read
    in a transaction of its own (`runtime.readers`): seconds of reading on a large record hold
    up no writer."""
    check_period(request)
    policy = runtime.policies.disclosure
    covered = policy.applies_to(actor.role)
    if request.epsilon is not None and not covered:
        raise ValidationFailed.single(
            "epsilon", "noise is added only to releases under the disclosure policy"
        )
    async with runtime.readers() as reading, reading.begin():
        if covered:
            report = await disclosed.disclosed_report(reading, actor, request, policy)
        else:
            report = await scoped_report(reading, actor, request)
    if request.epsilon is not None:
        await releases.reserve(session, actor, policy, request.epsilon)
    release = await releases.record_release(session, actor, report, format)
    return replace(report, release_id=release.id)


def check_period(request: ReportRequest) -> None:
    if request.since and request.until and request.since > request.until:
        raise ValidationFailed([FieldError("to", "must be on or after the start date")])


async def scoped_report(
    session: AsyncSession, actor: Actor, request: ReportRequest
) -> PatternReport:
    """Everything exact, over the groups the actor may read (or the one asked for)."""
    groups = actor.readable_groups
    if request.group_id is not None:
        if request.group_id not in groups:
            raise NotFound("group", request.group_id)
        groups = frozenset({request.group_id})
    incidents = [queries.in_groups(groups), *queries.period(request.since, request.until)]
    counts = await patterns.gather_counts(
        session, "group", incidents, [ACTIVITIES.in_groups(groups)]
    )
    names = await group_names(session, groups)
    group_keys = list(names)
    in_period = patterns.activity_months(counts.activities, request.since, request.until)
    incident_months = sorted({cell.month for cell in counts.cube})
    activity_months = sorted({f"{a.occurred_on:%Y-%m}" for a in in_period})
    aliases = await person_aliases(session, actor, counts.person_incidents)
    tables = [
        patterns.linked_table(
            "tactics_by_group",
            "tactic",
            "group",
            patterns.vocabulary_rows("tactics", counts.tactics),
            group_keys,
            counts.tactics,
        ),
        patterns.linked_table(
            "agencies_by_group",
            "agency",
            "group",
            patterns.vocabulary_rows("agencies", counts.agencies),
            group_keys,
            counts.agencies,
        ),
        patterns.incidents_by_place_month(
            counts.cube, "group", group_keys, incident_months, lambda cell: str(cell.group_id)
        ),
        patterns.activities_by_group_month(in_period, group_keys, activity_months),
        patterns.incidents_by_region(counts.cube),
        patterns.furthest_stages(counts.person_tactics),
    ]
    return PatternReport(
        request=request,
        generated_at=utcnow(),
        disclosed=False,
        overview=patterns.overview(counts.cube, len(counts.person_incidents), len(in_period)),
        tables={table.name: table for table in tables},
        timing=await patterns.retaliation_timing(
            session, incidents, counts.activities, request.since, request.until
        ),
        escalation=patterns.escalation(counts.person_tactics, counts.person_incidents, aliases),
        groups=patterns.group_sections(in_period, list(names.items())),
        group_names=names,
    )


async def group_names(session: AsyncSession, groups: frozenset[uuid.UUID]) -> dict[str, str]:
    """Group id (as text) -> name, ordered by name."""
    rows = await session.execute(
        select(Group.id, Group.name).where(Group.id.in_(groups)).order_by(Group.name, Group.id)
    )
    return {str(group_id): name for group_id, name in rows}


async def person_aliases(
    session: AsyncSession, actor: Actor, people: dict[uuid.UUID, int]
) -> dict[uuid.UUID, str]:
    """Aliases of the people the actor may see, among `people`."""
    ids = list(people)
    aliases: dict[uuid.UUID, str] = {}
    for start in range(0, len(ids), 5000):
        rows = await session.execute(
            select(Person.id, Person.alias).where(
                Person.id.in_(ids[start : start + 5000]), PEOPLE.visible_to(actor)
            )
        )
        aliases.update(rows.all())
    return aliases
