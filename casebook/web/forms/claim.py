"""The claim pages' forms: opening a claim, an adverse action's elements, and the exhibit list
with its move, remove and add buttons; each kept as typed, and read into what the claims
services take."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from dataclasses import dataclass, field

from casebook.claims.elements import ElementChanges, Quote
from casebook.claims.exhibits import ExhibitItem
from casebook.claims.models import LABEL_STYLES, LAWFUL_BASIS, SEVERITIES, ClaimAction
from casebook.claims.service import ClaimFields, Period
from casebook.web.forms import reading
from casebook.web.i18n import N_

QUOTE_SEPARATOR = " -- "
NO_SOURCE = N_("write each quote as: words -- who said them, where")


@dataclass
class NewClaimForm(reading.Entered):
    title: str = ""
    person_ids: list[str] = field(default_factory=list)
    group_ids: list[str] = field(default_factory=list)
    gather_from: str = ""
    gather_to: str = ""
    label_style: str = "letters"
    bates_prefix: str = ""


def parse_new_claim(
    entered: NewClaimForm, people: Collection[uuid.UUID], groups: Collection[uuid.UUID]
) -> tuple[tuple[ClaimFields, Period] | None, reading.Errors]:
    errors: reading.Errors = {}
    title = reading.text(entered.title, "title", errors, limit=200, required=True)
    person_ids = reading.listed_ids(entered.person_ids, people, "person_ids", errors)
    group_ids = reading.listed_ids(entered.group_ids, groups, "group_ids", errors)
    since = reading.optional_date(entered.gather_from, "gather_from", errors)
    until = reading.optional_date(entered.gather_to, "gather_to", errors)
    style = entered.label_style or "letters"
    if style not in LABEL_STYLES:
        errors["label_style"] = reading.NOT_LISTED
    prefix = reading.text(entered.bates_prefix, "bates_prefix", errors, limit=120).strip()
    if errors:
        return None, errors
    fields = ClaimFields(
        title=title,
        label_style=style,
        bates_prefix=prefix,
        person_ids=person_ids,
        group_ids=group_ids,
    )
    return (fields, Period(since, until)), errors


@dataclass
class RecordsForm(reading.Entered):
    """The claim's records with a box each: the ticked ones stay."""

    version: str = ""
    incident_ids: list[str] = field(default_factory=list)
    activity_ids: list[str] = field(default_factory=list)


def parse_records(
    entered: RecordsForm, incidents: Collection[uuid.UUID], activities: Collection[uuid.UUID]
) -> tuple[tuple[list[uuid.UUID], list[uuid.UUID]] | None, reading.Errors]:
    errors: reading.Errors = {}
    kept_incidents = reading.listed_ids(entered.incident_ids, incidents, "records", errors)
    kept_activities = reading.listed_ids(entered.activity_ids, activities, "records", errors)
    return (None if errors else (kept_incidents, kept_activities)), errors


@dataclass
class GatherForm(reading.Entered):
    version: str = ""
    gather_from: str = ""
    gather_to: str = ""


@dataclass
class ElementsForm(reading.Entered):
    version: str = ""
    answers: str = ""  # an activity id, or "" for the latest one before the action
    severity: str = "unrated"
    animus: str = ""  # one quote per line: words -- source
    departures: str = ""  # one per line
    comparators: str = ""  # one per line
    lawful_basis: str = "unknown"
    lawful_basis_notes: str = ""

    @classmethod
    def of(cls, action: ClaimAction, version: int) -> ElementsForm:
        return cls(
            version=str(version),
            answers=str(action.answers_activity_id or ""),
            severity=action.severity,
            animus="\n".join(f"{q['quote']}{QUOTE_SEPARATOR}{q['source']}" for q in action.animus),
            departures="\n".join(action.departures),
            comparators="\n".join(action.comparators),
            lawful_basis=action.lawful_basis,
            lawful_basis_notes=action.lawful_basis_notes,
        )


def parse_elements(
    entered: ElementsForm, activities: Collection[uuid.UUID]
) -> tuple[ElementChanges | None, reading.Errors]:
    errors: reading.Errors = {}
    answers = reading.optional_id(entered.answers, "answers", errors)
    if answers is not None and answers not in activities:
        errors["answers"] = reading.NOT_LISTED
    if entered.severity not in SEVERITIES:
        errors["severity"] = reading.NOT_LISTED
    if entered.lawful_basis not in LAWFUL_BASIS:
        errors["lawful_basis"] = reading.NOT_LISTED
    quotes = _quotes(reading.text(entered.animus, "animus", errors, limit=20000), errors)
    departures = reading.text(entered.departures, "departures", errors, limit=20000)
    comparators = reading.text(entered.comparators, "comparators", errors, limit=20000)
    notes = reading.text(entered.lawful_basis_notes, "lawful_basis_notes", errors, limit=20000)
    if errors:
        return None, errors
    return ElementChanges(
        answers_activity_id=answers,
        answers_latest=answers is None,
        severity=entered.severity,
        animus=quotes,
        departures=departures.splitlines(),
        comparators=comparators.splitlines(),
        lawful_basis=entered.lawful_basis,
        lawful_basis_notes=notes,
    ), errors


def _quotes(text: str, errors: reading.Errors) -> list[Quote]:
    quotes = []
    for line in text.splitlines():
        if not line.strip():
            continue
        words, separator, source = line.rpartition(QUOTE_SEPARATOR)
        if not separator or not words.strip() or not source.strip():
            errors["animus"] = NO_SOURCE
            return []
        quotes.append(Quote(words.strip(), source.strip()))
    return quotes


@dataclass
class ExhibitsForm(reading.Entered):
    """The exhibit list as shown, in order, and the button pressed: `move-up:ID`,
    `move-down:ID`, `remove:ID`, `add` (with `add_attachment` and `add_description`) or `save`
    (the order and descriptions as they are, e.g. after dragging)."""

    version: str = ""
    attachment_id: list[str] = field(default_factory=list)
    description: list[str] = field(default_factory=list)
    action: str = "save"
    add_attachment: str = ""
    add_description: str = ""


def parse_exhibits(
    entered: ExhibitsForm, offered: Collection[uuid.UUID]
) -> tuple[list[ExhibitItem] | None, reading.Errors]:
    errors: reading.Errors = {}
    ids = reading.listed_ids(entered.attachment_id, offered, "exhibits", errors)
    if len(ids) != len(entered.attachment_id) or len(entered.description) != len(ids):
        errors["exhibits"] = reading.NOT_LISTED
    descriptions = [
        reading.text(text, "exhibits", errors, limit=2000) for text in entered.description
    ]
    items = [ExhibitItem(i, d) for i, d in zip(ids, descriptions, strict=False)]
    verb, _, target = entered.action.partition(":")
    chosen = reading.as_uuid(target)
    position = next((n for n, item in enumerate(items) if item.attachment_id == chosen), None)
    if verb == "add":
        added = reading.optional_id(entered.add_attachment, "add_attachment", errors)
        text = reading.text(entered.add_description, "add_description", errors, limit=2000)
        if added is None or added not in offered:
            errors["add_attachment"] = reading.NOT_LISTED
        else:
            items.append(ExhibitItem(added, text))
    elif verb in ("move-up", "move-down", "remove") and position is not None:
        items = _moved(items, position, verb)
    elif verb != "save":
        errors["exhibits"] = reading.NOT_LISTED
    return (None if errors else items), errors


def _moved(items: list[ExhibitItem], position: int, verb: str) -> list[ExhibitItem]:
    item = items.pop(position)
    if verb == "remove":
        return items
    step = -1 if verb == "move-up" else 1
    items.insert(max(0, min(len(items), position + step)), item)
    return items
