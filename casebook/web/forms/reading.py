"""Pieces shared by the pages' forms and their lists' filters: what a form was sent, kept as
typed, and readers that each turn one submitted string into a typed value and, when they cannot,
record an English message id for the field in `errors` instead of raising, so the form comes
back with every problem at once."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Callable, Collection, Mapping
from datetime import date
from typing import Any, Self, TypeVar
from urllib.parse import urlencode

from casebook.errors import ValidationFailed
from casebook.http.schemas import decode_cursor
from casebook.web.i18n import N_

Errors = dict[str, str]
T = TypeVar("T")

# Messages for the length limits the services' inputs have.
TOO_LONG = {
    120: N_("use at most 120 characters"),
    200: N_("use at most 200 characters"),
    2000: N_("use at most 2,000 characters"),
    20000: N_("use at most 20,000 characters"),
}
REQUIRED = N_("cannot be blank")
NOT_LISTED = N_("choose from the list")
NOT_A_DATE = N_("enter a date as year-month-day, for example 2025-06-30")


@dataclasses.dataclass
class Entered:
    """A form's fields as strings, what the person typed, to show it again as typed. A subclass
    declares its fields: one made by a default factory is a list of all the values sent under
    its name (checkboxes), any other field the one value sent."""

    @classmethod
    def submitted(cls, form: Any) -> Self:
        values: dict[str, Any] = {}
        for field in dataclasses.fields(cls):
            if field.default_factory is dataclasses.MISSING:
                values[field.name] = string(form.get(field.name, ""))
            else:
                values[field.name] = [string(value) for value in form.getall(field.name, [])]
        return cls(**values)


def string(value: object) -> str:
    """A submitted value as text: a file sent in a field's place counts as nothing typed."""
    return value if isinstance(value, str) else ""


def text(value: str, field: str, errors: Errors, *, limit: int, required: bool = False) -> str:
    """`value` with line endings as browsers send them (CRLF) made plain newlines."""
    value = value.replace("\r\n", "\n")
    if required and not value.strip():
        errors[field] = REQUIRED
    elif len(value) > limit:
        errors[field] = TOO_LONG[limit]
    return value


def listed_ids(
    values: list[str], allowed: Collection[uuid.UUID], field: str, errors: Errors
) -> list[uuid.UUID]:
    """The ticked checkboxes: ids the form offered, each once."""
    chosen: list[uuid.UUID] = []
    for value in values:
        parsed = as_uuid(value)
        if parsed is None or parsed not in allowed:
            errors[field] = NOT_LISTED
        elif parsed not in chosen:
            chosen.append(parsed)
    return chosen


def optional_id(value: str, field: str, errors: Errors) -> uuid.UUID | None:
    if not value:
        return None
    parsed = as_uuid(value)
    if parsed is None:
        errors[field] = NOT_LISTED
    return parsed


def optional_date(value: str, field: str, errors: Errors) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        errors[field] = NOT_A_DATE
        return None


def version(value: str) -> int:
    """The version an edit was made from. A missing or mangled one cannot match the saved
    record, so the person is shown the conflict notice rather than an error."""
    try:
        return int(value)
    except ValueError:
        return 0


def service_errors(failure: ValidationFailed, fields: Mapping[str, str] | None = None) -> Errors:
    """A service's field messages keyed by form field. Messages that name ids (and so are not
    message ids of the catalogue) become "choose from the list": the form offered the choices."""
    errors: Errors = {}
    for problem in failure.errors:
        field = (fields or {}).get(problem.field, problem.field)
        errors[field] = NOT_LISTED if _names_ids(problem.message) else problem.message
    return errors


def _names_ids(message: str) -> bool:
    return message.startswith(("unknown ", "you are not an organizer"))


def as_uuid(value: Any) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def cursor_after(value: str, first: Callable[[str], T]) -> tuple[T, uuid.UUID] | None:
    """Where a list page starts: after the row its `cursor` names. A mangled cursor (edited
    by hand) starts the list from its beginning."""
    if not value:
        return None
    try:
        return decode_cursor(value, first)
    except ValidationFailed:
        return None


def next_page(filters: Mapping[str, str], cursor: str | None) -> str | None:
    """The query string of the list's next page: the same filters, the next cursor."""
    if cursor is None:
        return None
    return "?" + urlencode({**{k: v for k, v in filters.items() if v}, "cursor": cursor})


def chosen_row(
    label: str, yours: list[str], saved: list[str], names: Mapping[uuid.UUID, str]
) -> tuple[str, str, str]:
    """The (field label, typed, saved) row of a field of ticked choices: each version's names."""
    return label, _chosen_names(yours, names), _chosen_names(saved, names)


def _chosen_names(ids: list[str], names: Mapping[uuid.UUID, str]) -> str:
    chosen = [as_uuid(value) for value in ids]
    return ", ".join(sorted(names[i] for i in chosen if i is not None and i in names))


def disagreements(rows: list[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
    """The (field label, typed value, saved value) rows whose two values differ."""
    return [row for row in rows if row[1] != row[2]]
