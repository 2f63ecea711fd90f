"""Query conditions shared by the record lists."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import ColumnElement, SQLColumnExpression
from sqlalchemy.orm import InstrumentedAttribute


def contains(column: SQLColumnExpression[str], text: str) -> ColumnElement[bool]:
    """Case-insensitive substring match that treats LIKE wildcards in `text` literally."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return column.ilike(f"%{escaped}%", escape="\\")


def newest_first_after(
    day: InstrumentedAttribute[date],
    key: InstrumentedAttribute[uuid.UUID],
    after: tuple[date, uuid.UUID],
) -> ColumnElement[bool]:
    """Keyset condition: the rows after `after` in the order (day DESC, key DESC)."""
    after_day, after_key = after
    return (day < after_day) | ((day == after_day) & (key < after_key))
