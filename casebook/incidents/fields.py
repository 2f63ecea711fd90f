"""An incident's editable content and its validation against vocabularies and scope."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, time
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from casebook.access.actor import Actor
from casebook.access.scope import RecordScope, member_group_problems
from casebook.activities.service import ACTIVITIES
from casebook.errors import FieldError, ValidationFailed
from casebook.people.service import PEOPLE
from casebook.validation import date_problems
from casebook.vocabulary import vocabularies


@dataclass
class Involvement:
    person_id: uuid.UUID
    role: str


@dataclass
class IncidentFields:
    group_id: uuid.UUID
    occurred_on: date
    date_precision: str
    occurred_time: time | None
    city: str
    region: str
    country: str
    narrative: str
    source_kind: str
    verification_status: str
    workflow_status: str
    tactics: list[str] = field(default_factory=list)
    agencies: list[str] = field(default_factory=list)
    people: list[Involvement] = field(default_factory=list)
    group_ids: list[uuid.UUID] = field(default_factory=list)
    activity_ids: list[uuid.UUID] = field(default_factory=list)

    def normalized(self) -> IncidentFields:
        """A month- or year-precise date is stored as the first day of its period."""
        if self.date_precision == "month":
            self.occurred_on = self.occurred_on.replace(day=1)
        elif self.date_precision == "year":
            self.occurred_on = self.occurred_on.replace(month=1, day=1)
        self.tactics = list(dict.fromkeys(self.tactics))
        self.agencies = list(dict.fromkeys(self.agencies))
        self.group_ids = list(dict.fromkeys([self.group_id, *self.group_ids]))
        self.activity_ids = list(dict.fromkeys(self.activity_ids))
        return self


async def validate(session: AsyncSession, actor: Actor, fields: IncidentFields) -> None:
    """Raise ValidationFailed naming every field that is wrong, all at once."""
    problems = [
        *_date_problems(fields),
        *_vocabulary_problems(fields),
        *member_group_problems(actor, [fields.group_id], "group_id"),
        *_readable_group_problems(actor, fields),
        *await _invisible(session, "people", PEOPLE, actor, [p.person_id for p in fields.people]),
        *await _invisible(session, "activity_ids", ACTIVITIES, actor, fields.activity_ids),
    ]
    if len({p.person_id for p in fields.people}) != len(fields.people):
        problems.append(FieldError("people", "a person is listed more than once"))
    if problems:
        raise ValidationFailed(problems)


def _date_problems(fields: IncidentFields) -> list[FieldError]:
    problems = date_problems("occurred_on", fields.occurred_on)
    if fields.occurred_time is not None and fields.date_precision != "day":
        problems.append(FieldError("occurred_time", "give a time only with a day-precise date"))
    return problems


VOCABULARY_FIELDS = {
    "tactics": "tactics",
    "agencies": "agencies",
    "source_kind": "source_kinds",
    "verification_status": "verification_statuses",
    "workflow_status": "workflow_statuses",
}


def _vocabulary_problems(fields: IncidentFields) -> list[FieldError]:
    problems = []
    for name, vocabulary_name in VOCABULARY_FIELDS.items():
        value = getattr(fields, name)
        values = value if isinstance(value, list) else [value]
        unknown = [v for v in values if v not in vocabularies()[vocabulary_name]]
        if unknown:
            problems.append(
                FieldError(name, f"unknown {vocabulary_name} id(s): {', '.join(unknown)}")
            )
    roles = vocabularies()["involvement_roles"]
    for index, involvement in enumerate(fields.people):
        if involvement.role not in roles:
            problems.append(
                FieldError(
                    f"people[{index}].role", f"unknown involvement role {involvement.role!r}"
                )
            )
    if not fields.tactics:
        problems.append(FieldError("tactics", "name at least one tactic"))
    return problems


def _readable_group_problems(actor: Actor, fields: IncidentFields) -> list[FieldError]:
    """Other groups involved; the owning group is checked as `group_id`."""
    others = [g for g in fields.group_ids if g != fields.group_id]
    unknown = [str(g) for g in others if g not in actor.readable_groups]
    return [FieldError("group_ids", f"unknown group(s): {', '.join(unknown)}")] if unknown else []


async def _invisible(
    session: AsyncSession,
    field_name: str,
    scope: RecordScope[Any],
    actor: Actor,
    ids: list[uuid.UUID],
) -> list[FieldError]:
    if not ids:
        return []
    visible = set(
        await session.scalars(select(scope.key).where(scope.key.in_(ids), scope.visible_to(actor)))
    )
    unknown = [str(i) for i in ids if i not in visible]
    return [FieldError(field_name, f"unknown id(s): {', '.join(unknown)}")] if unknown else []
