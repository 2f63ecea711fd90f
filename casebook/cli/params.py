"""Option types: dates of varying exactness, moments, and people with their role."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any

import click

PRECISIONS = ("day", "month", "year")
DATE_FORMS = (("%Y-%m-%d", "day"), ("%Y-%m", "month"), ("%Y", "year"))
DATE_EXAMPLES = {"day": "YYYY-MM-DD", "month": "YYYY-MM", "year": "YYYY"}


class IncidentDate(click.ParamType[tuple[date, str], Any]):
    """YYYY-MM-DD, or YYYY-MM / YYYY when only the month or the year is known."""

    name = "date"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> tuple[date, str]:
        if isinstance(value, tuple):
            return value
        for form, precision in DATE_FORMS:
            try:
                return datetime.strptime(value, form).date(), precision
            except ValueError:
                continue
        self.fail(f"{value!r} is not YYYY-MM-DD, YYYY-MM or YYYY", param, ctx)


class Involvement(click.ParamType[dict[str, str], Any]):
    """PERSON_ID:ROLE, e.g. 6f1c…:target."""

    name = "person_id:role"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> dict[str, str]:
        if isinstance(value, dict):
            return value
        person, _, role = str(value).rpartition(":")
        try:
            person_id = uuid.UUID(person)
        except ValueError:
            self.fail(f"{value!r} is not PERSON_ID:ROLE (e.g. <id>:target)", param, ctx)
        if not role:
            self.fail(f"{value!r} names no role (target, family-member, witness, ...)", param, ctx)
        return {"person_id": str(person_id), "role": role}


class Day(click.ParamType[date, Any]):
    """A day written YYYY-MM-DD."""

    name = "yyyy-mm-dd"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> date:
        if isinstance(value, date):
            return value
        try:
            return datetime.strptime(value, "%Y-%m-%d").date()
        except ValueError:
            self.fail(f"{value!r} is not a date written YYYY-MM-DD", param, ctx)


class Moment(click.ParamType[datetime, Any]):
    """A date and time in ISO 8601, e.g. 2024-03-01T18:30 (your computer's time zone) or
    2024-03-01T18:30:00-08:00; kept in UTC, to the second."""

    name = "date-time"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> datetime:
        if isinstance(value, datetime):
            return value
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            self.fail(f"{value!r} is not a date and time like 2024-03-01T18:30", param, ctx)
        return moment.astimezone(UTC).replace(microsecond=0)
