"""Refuses NUL characters in query strings, paths, JSON bodies and form fields before any
handler runs: PostgreSQL text cannot hold them, and no honest input contains one."""

from __future__ import annotations

import re
from typing import Any

from litestar import Request
from litestar.exceptions import ValidationException

from casebook.http.authentication import FORM_TYPES, SAFE_METHODS

# An escaped NUL in JSON: \u0000 preceded by an even number of backslashes (zero included).
_JSON_NUL = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000")
MESSAGE = "must not contain NUL characters"


async def _body_holds_nul(request: Request[Any, Any, Any]) -> bool:
    if request.content_type[0] in FORM_TYPES:
        # A form's body may already have been read (for its CSRF token): look at the parsed
        # fields, where a NUL sent as %00 shows up decoded.
        fields = (await request.form()).multi_items()
        return any("\x00" in f"{name}{value}" for name, value in fields if isinstance(value, str))
    body = await request.body()
    return b"\x00" in body or _JSON_NUL.search(body) is not None


async def refuse_nul_characters(request: Request[Any, Any, Any]) -> None:
    where = []
    if b"%00" in request.scope.get("query_string", b""):
        where.append("query")
    if b"%00" in (request.scope.get("raw_path") or b"") or "\x00" in request.scope["path"]:
        where.append("path")
    if request.method not in SAFE_METHODS and await _body_holds_nul(request):
        where.append("body")
    if where:
        raise ValidationException(
            detail="The request is malformed.",
            extra=[{"key": part, "message": MESSAGE} for part in where],
        )
