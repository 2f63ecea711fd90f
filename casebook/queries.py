"""Query conditions shared by the record lists."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import ColumnElement, SQLColumnExpression, tuple_
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
    """Keyset condition: the rows after `after` in the order (day DESC, key DESC). Written as a
    row-value comparison, which both databases answer by seeking in the (day, key) index; the
    equivalent OR of comparisons makes SQLite read and sort every earlier row."""
    return tuple_(day, key) < tuple_(*after)
