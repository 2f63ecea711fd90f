"""Checks on values that several record types share."""

from __future__ import annotations

from datetime import date, timedelta
from urllib.parse import urlsplit

from casebook.db import utcnow
from casebook.errors import FieldError

EARLIEST_DATE = date(1900, 1, 1)


def latest_today() -> date:
    """The latest calendar date anywhere on Earth (UTC+14), so that no time zone's today is
    rejected as future."""
    return (utcnow() + timedelta(hours=14)).date()


def date_problems(field: str, value: date) -> list[FieldError]:
    if value > latest_today():
        return [FieldError(field, "cannot be in the future")]
    if value < EARLIEST_DATE:
        return [FieldError(field, "must be in 1900 or later")]
    return []


def is_web_url(value: str) -> bool:
    if value != value.strip() or any(c.isspace() for c in value):
        return False
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.hostname)
