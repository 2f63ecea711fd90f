"""The incident form and the incident list's filters: what was typed, kept as typed, and the
values the incidents service takes."""

from __future__ import annotations

import dataclasses
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, time
from itertools import zip_longest
from typing import Any, Self

from casebook.errors import ValidationFailed
from casebook.incidents.fields import IncidentFields, Involvement
from casebook.incidents.models import DATE_PRECISIONS
from casebook.incidents.service import IncidentFilter, IncidentView
from casebook.validation import date_problems
from casebook.vocabulary import vocabularies
from casebook.web.forms import reading
from casebook.web.i18n import N_

# The label of each field, shown next to it, in the error summary and in the conflict notice.
LABELS = {
    "group_id": N_("Group"),
    "occurred_on": N_("Date"),
    "date_precision": N_("How precise is the date?"),
    "occurred_time": N_("Time"),
    "city": N_("City"),
    "region": N_("State or region"),
    "country": N_("Country"),
    "tactics": N_("What happened"),
    "agencies": N_("Agencies"),
    "people": N_("People involved"),
    "narrative": N_("What happened, in your words"),
    "activity_ids": N_("Linked protected activities"),
    "source_kind": N_("Source"),
    "verification_status": N_("Verification"),
    "workflow_status": N_("Status"),
}
FILTER_LABELS = {
    "group_id": N_("Group"),
    "tactic": N_("Tactic"),
    "agency": N_("Agency"),
    "date_from": N_("From"),
    "date_to": N_("To"),
    "workflow_status": N_("Status"),
    "verification_status": N_("Verification"),
    "q": N_("Words in the narrative"),
}

CHOOSE_GROUP = N_("choose one of your groups")
ENTER_DATE = N_("enter the date it happened")
NOT_A_TIME = N_("enter a time as hours and minutes, for example 21:30")
NOT_A_COUNTRY = N_("use the two-letter country code, for example US")
NO_TACTIC = N_("name at least one tactic")
CHOOSE_PERSON = N_("choose a person for each role")
CHOOSE_ROLE = N_("choose a role for each person")
COUNTRY = re.compile(r"[A-Z]{2}")

# The vocabulary each single-choice field takes its value from.
CHOICES = {
    "source_kind": "source_kinds",
    "verification_status": "verification_statuses",
    "workflow_status": "workflow_statuses",
}


@dataclass
class IncidentForm(reading.Entered):
    """The incident form's fields. Defaults are those of a new incident (the API's defaults)."""

    group_id: str = ""
    occurred_on: str = ""
    date_precision: str = "day"
    occurred_time: str = ""
    city: str = ""
    region: str = ""
    country: str = "US"
    tactics: list[str] = field(default_factory=list)
    agencies: list[str] = field(default_factory=list)
    people: list[tuple[str, str]] = field(default_factory=list)
    narrative: str = ""
    activity_ids: list[str] = field(default_factory=list)
    source_kind: str = "first-hand"
    verification_status: str = "unverified"
    workflow_status: str = "draft"
    version: str = ""

    @classmethod
    def of(cls, view: IncidentView) -> IncidentForm:
        fields, incident = view.fields, view.incident
        return cls(
            group_id=str(fields.group_id),
            occurred_on=fields.occurred_on.isoformat(),
            date_precision=fields.date_precision,
            occurred_time=_time_text(fields.occurred_time),
            city=fields.city,
            region=fields.region,
            country=fields.country,
            tactics=list(fields.tactics),
            agencies=list(fields.agencies),
            people=[(str(p.person_id), p.role) for p in fields.people],
            narrative=fields.narrative,
            activity_ids=[str(a) for a in fields.activity_ids],
            source_kind=fields.source_kind,
            verification_status=fields.verification_status,
            workflow_status=fields.workflow_status,
            version=str(incident.version),
        )

    @classmethod
    def submitted(cls, form: Any) -> Self:
        """The people table comes as two lists of values, a person and a role per row; rows
        left fully empty are dropped: the form always offers a couple of spare rows."""
        rows = zip_longest(
            form.getall("person_id", []), form.getall("person_role", []), fillvalue=""
        )
        people = [
            (reading.string(person), reading.string(role))
            for person, role in rows
            if person or role
        ]
        return dataclasses.replace(super().submitted(form), people=people)


def _time_text(value: time | None) -> str:
    return value.isoformat(timespec="minutes") if value is not None else ""


def parse(entered: IncidentForm) -> tuple[IncidentFields | None, reading.Errors]:
    """The incident's values, or None and a message per bad field. The form of each value is
    checked here, and the rules the service would refuse next (a date in range, a tactic) so
    that the form comes back once with every problem; the service checks scope."""
    errors: reading.Errors = {}
    group_id = reading.optional_id(entered.group_id, "group_id", errors)
    if group_id is None:
        errors.setdefault("group_id", CHOOSE_GROUP)
    tactics = _terms(entered.tactics, "tactics", errors)
    if not tactics:
        errors.setdefault("tactics", NO_TACTIC)
    values = IncidentFields(
        group_id=group_id or uuid.UUID(int=0),
        occurred_on=_date(entered.occurred_on, errors),
        date_precision=_one_of(entered.date_precision, DATE_PRECISIONS, "date_precision", errors),
        occurred_time=_time(entered.occurred_time, errors),
        city=reading.text(entered.city, "city", errors, limit=120).strip(),
        region=reading.text(entered.region, "region", errors, limit=120).strip(),
        country=_country(entered.country, errors),
        narrative=reading.text(entered.narrative, "narrative", errors, limit=20000),
        tactics=tactics,
        agencies=_terms(entered.agencies, "agencies", errors),
        people=_people(entered.people, errors),
        activity_ids=_ids(entered.activity_ids, "activity_ids", errors),
        source_kind=_choice(entered, "source_kind", errors),
        verification_status=_choice(entered, "verification_status", errors),
        workflow_status=_choice(entered, "workflow_status", errors),
    )
    return (None, errors) if errors else (values, {})


def changes(values: IncidentFields) -> dict[str, object]:
    """Everything the form edits. The other groups an incident involves are not on the form,
    so they are left as saved."""
    return {name: value for name, value in vars(values).items() if name != "group_ids"}


def service_errors(failure: ValidationFailed) -> reading.Errors:
    """The service's messages keyed by the form's fields (a row of people is `people`)."""
    names = {"group_ids": "group_id"}
    names.update({p.field: "people" for p in failure.errors if p.field.startswith("people")})
    return reading.service_errors(failure, names)


def differing(yours: IncidentFields, saved: IncidentFields) -> list[str]:
    """The form's fields whose values differ between two versions of an incident, in the
    form's order. The date counts as one field with its precision."""
    mine, theirs = _comparable(yours), _comparable(saved)
    return [name for name in LABELS if mine.get(name) != theirs.get(name)]


def _comparable(values: IncidentFields) -> dict[str, object]:
    normal = dataclasses.replace(values).normalized()
    return {
        **changes(normal),
        "occurred_on": (normal.occurred_on, normal.date_precision),
        "date_precision": None,
        "tactics": sorted(normal.tactics),
        "agencies": sorted(normal.agencies),
        "people": sorted((str(p.person_id), p.role) for p in normal.people),
        "activity_ids": sorted(normal.activity_ids),
    }


def _date(value: str, errors: reading.Errors) -> date:
    if not value.strip():
        errors["occurred_on"] = ENTER_DATE
        return date.min
    parsed = reading.optional_date(value.strip(), "occurred_on", errors)
    if parsed is None:
        return date.min
    for problem in date_problems("occurred_on", parsed):
        errors[problem.field] = problem.message
    return parsed


def _time(value: str, errors: reading.Errors) -> time | None:
    if not value.strip():
        return None
    try:
        return time.fromisoformat(value.strip())
    except ValueError:
        errors["occurred_time"] = NOT_A_TIME
        return None


def _country(value: str, errors: reading.Errors) -> str:
    code = value.strip().upper()
    if not COUNTRY.fullmatch(code):
        errors["country"] = NOT_A_COUNTRY
    return code


def _choice(entered: IncidentForm, name: str, errors: reading.Errors) -> str:
    return _one_of(getattr(entered, name), vocabularies()[CHOICES[name]], name, errors)


def _one_of(value: str, allowed: Any, name: str, errors: reading.Errors) -> str:
    if value not in allowed:
        errors[name] = reading.NOT_LISTED
    return value


def _terms(values: list[str], name: str, errors: reading.Errors) -> list[str]:
    for value in values:
        _one_of(value, vocabularies()[name], name, errors)
    return list(dict.fromkeys(values))


def _ids(values: list[str], name: str, errors: reading.Errors) -> list[uuid.UUID]:
    parsed = [reading.optional_id(value, name, errors) for value in values]
    return list(dict.fromkeys(p for p in parsed if p is not None))


def _people(rows: list[tuple[str, str]], errors: reading.Errors) -> list[Involvement]:
    roles = vocabularies()["involvement_roles"]
    people = []
    for person, role in rows:
        person_id = reading.optional_id(person, "people", errors)
        if person_id is None:
            errors.setdefault("people", CHOOSE_PERSON)
        elif role not in roles:
            errors["people"] = CHOOSE_ROLE
        else:
            people.append(Involvement(person_id, role))
    return people


@dataclass
class FilterForm:
    """The list's filters as typed in the query string."""

    group_id: str = ""
    tactic: str = ""
    agency: str = ""
    date_from: str = ""
    date_to: str = ""
    workflow_status: str = ""
    verification_status: str = ""
    q: str = ""

    @classmethod
    def submitted(cls, query: Mapping[str, str]) -> FilterForm:
        return cls(**{f.name: query.get(f.name, "").strip() for f in dataclasses.fields(cls)})

    def used(self) -> dict[str, str]:
        """The filters given, to carry them over to the next page's link."""
        return {name: value for name, value in vars(self).items() if value}


FILTER_VOCABULARIES = {
    "tactic": "tactics",
    "agency": "agencies",
    "workflow_status": "workflow_statuses",
    "verification_status": "verification_statuses",
}


def parse_filter(entered: FilterForm) -> tuple[IncidentFilter | None, reading.Errors]:
    errors: reading.Errors = {}
    where = IncidentFilter(
        group_id=reading.optional_id(entered.group_id, "group_id", errors),
        tactic=_filter_term(entered, "tactic", errors),
        agency=_filter_term(entered, "agency", errors),
        date_from=reading.optional_date(entered.date_from, "date_from", errors),
        date_to=reading.optional_date(entered.date_to, "date_to", errors),
        workflow_status=_filter_term(entered, "workflow_status", errors),
        verification_status=_filter_term(entered, "verification_status", errors),
        text=reading.text(entered.q, "q", errors, limit=200) or None,
    )
    return (None, errors) if errors else (where, {})


def _filter_term(entered: FilterForm, name: str, errors: reading.Errors) -> str | None:
    value: str = getattr(entered, name)
    if not value:
        return None
    return _one_of(value, vocabularies()[FILTER_VOCABULARIES[name]], name, errors)
