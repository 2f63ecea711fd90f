"""The person form: what was typed, kept as typed, and the values the people service takes."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from dataclasses import dataclass, field

from casebook.people.service import PersonChanges, PersonView
from casebook.web.forms import reading


@dataclass
class PersonForm(reading.Entered):
    alias: str = ""
    legal_name: str = ""
    notes: str = ""
    group_ids: list[str] = field(default_factory=list)
    version: str = ""

    @classmethod
    def of(cls, view: PersonView) -> PersonForm:
        person = view.person
        return cls(
            alias=person.alias,
            legal_name=person.legal_name or "",
            notes=person.notes,
            group_ids=[str(g) for g in view.group_ids],
            version=str(person.version),
        )


@dataclass(frozen=True)
class PersonValues:
    alias: str
    legal_name: str | None
    notes: str
    group_ids: list[uuid.UUID]

    def changes(self) -> PersonChanges:
        return PersonChanges(
            alias=self.alias,
            legal_name=self.legal_name or "",
            notes=self.notes,
            group_ids=self.group_ids,
        )


def parse(
    entered: PersonForm, groups: Collection[uuid.UUID]
) -> tuple[PersonValues | None, reading.Errors]:
    """The values to save, or None and a message per bad field. `groups` are those the
    form offered (the actor's own)."""
    errors: reading.Errors = {}
    alias = reading.text(entered.alias, "alias", errors, limit=120, required=True)
    legal_name = reading.text(entered.legal_name, "legal_name", errors, limit=200)
    notes = reading.text(entered.notes, "notes", errors, limit=20000)
    group_ids = reading.listed_ids(entered.group_ids, groups, "group_ids", errors)
    if errors:
        return None, errors
    return PersonValues(alias.strip(), legal_name.strip() or None, notes, group_ids), {}
