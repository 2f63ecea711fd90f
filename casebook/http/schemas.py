"""Building blocks shared by the request and response schemas of every domain."""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import Callable
from typing import Annotated, Any, TypeVar

import msgspec
from litestar.params import QueryParameter

from casebook.errors import ValidationFailed

Email = Annotated[
    str, msgspec.Meta(max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$", description="Email")
]
ShortText = Annotated[str, msgspec.Meta(min_length=1, max_length=120)]
OptionalText = Annotated[str, msgspec.Meta(max_length=200)]
LongText = Annotated[str, msgspec.Meta(max_length=20000)]
PageSize = Annotated[int, QueryParameter(ge=1, le=200, description="Items per page")]
SearchText = Annotated[str | None, QueryParameter(max_length=200)]
Cursor = Annotated[
    str | None, QueryParameter(max_length=500, description="next_cursor of the previous page")
]


class Input(msgspec.Struct, forbid_unknown_fields=True):
    """Request bodies: unknown fields are an error, not silently dropped. Subclasses pass
    `kw_only=True` (msgspec does not inherit it) so required and optional fields can mix."""


class Output(msgspec.Struct):
    """Response bodies; subclasses pass `kw_only=True` too."""


GroupIds = Annotated[list[uuid.UUID], msgspec.Meta(min_length=1, max_length=50)]

T = TypeVar("T")


def encode_cursor(values: list[Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


View = TypeVar("View")


def one_page(
    views: list[View], limit: int, sort_key: Callable[[View], tuple[object, uuid.UUID]]
) -> tuple[list[View], str | None]:
    """A page and the cursor of the next one. Services are asked for `limit + 1` rows: the
    extra row only tells whether another page follows."""
    if len(views) <= limit:
        return views, None
    page = views[:limit]
    return page, encode_cursor([str(value) for value in sort_key(page[-1])])


def decode_cursor(cursor: str, first: Callable[[str], T]) -> tuple[T, uuid.UUID]:
    """A cursor from `encode_cursor([sort value, id])`, with the sort value parsed by `first`."""
    try:
        value, key = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        return first(value), uuid.UUID(key)
    except (ValueError, TypeError, AttributeError, UnicodeDecodeError) as error:
        raise ValidationFailed.single("cursor", "is not a cursor this server issued") from error
