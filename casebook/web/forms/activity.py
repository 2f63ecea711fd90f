"""The protected-activity form: what was typed, kept as typed, and the values the activities
service takes."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date

from casebook.activities.service import KINDS, ActivityChanges, ActivityView
from casebook.vocabulary import vocabularies
from casebook.web.forms import reading


@dataclass
class ActivityForm(reading.Entered):
    kind: str = ""
    occurred_on: str = ""
    title: str = ""
    description: str = ""
    public_url: str = ""
    group_ids: list[str] = field(default_factory=list)
    person_ids: list[str] = field(default_factory=list)
    version: str = ""

    @classmethod
    def of(cls, view: ActivityView) -> ActivityForm:
        activity = view.activity
        return cls(
            kind=activity.kind,
            occurred_on=activity.occurred_on.isoformat(),
            title=activity.title,
            description=activity.description,
            public_url=activity.public_url or "",
            group_ids=[str(g) for g in view.group_ids],
            person_ids=[str(p) for p in view.person_ids],
            version=str(activity.version),
        )

    def __post_init__(self) -> None:
        """A pasted web address often brings spaces along."""
        self.public_url = self.public_url.strip()


@dataclass(frozen=True)
class ActivityValues:
    kind: str
    occurred_on: date
    title: str
    description: str
    public_url: str | None
    group_ids: list[uuid.UUID]
    person_ids: list[uuid.UUID]

    def changes(self) -> ActivityChanges:
        return ActivityChanges(
            kind=self.kind,
            occurred_on=self.occurred_on,
            title=self.title,
            description=self.description,
            public_url=self.public_url or "",
            group_ids=self.group_ids,
            person_ids=self.person_ids,
        )


def parse(
    entered: ActivityForm, groups: Collection[uuid.UUID], people: Collection[uuid.UUID]
) -> tuple[ActivityValues | None, reading.Errors]:
    """The values to save, or None and a message per bad field. `groups` and `people` are the
    choices the form offered."""
    errors: reading.Errors = {}
    if entered.kind not in vocabularies()[KINDS]:
        errors["kind"] = reading.NOT_LISTED
    occurred_on = reading.optional_date(entered.occurred_on, "occurred_on", errors)
    if occurred_on is None and "occurred_on" not in errors:
        errors["occurred_on"] = reading.REQUIRED
    title = reading.text(entered.title, "title", errors, limit=200, required=True)
    description = reading.text(entered.description, "description", errors, limit=20000)
    public_url = reading.text(entered.public_url, "public_url", errors, limit=2000)
    group_ids = reading.listed_ids(entered.group_ids, groups, "group_ids", errors)
    person_ids = reading.listed_ids(entered.person_ids, people, "person_ids", errors)
    if errors or occurred_on is None:
        return None, errors
    values = ActivityValues(
        entered.kind,
        occurred_on,
        title.strip(),
        description,
        public_url or None,
        group_ids,
        person_ids,
    )
    return values, {}
