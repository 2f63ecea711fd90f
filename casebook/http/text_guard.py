"""Refuses NUL characters in query strings, paths and JSON bodies before any handler runs:
PostgreSQL text cannot hold them, and no honest input contains one."""

from __future__ import annotations

import re
from typing import Any

from litestar import Request
from litestar.exceptions import ValidationException

# An escaped NUL in JSON: \u0000 preceded by an even number of backslashes (zero included).
_JSON_NUL = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000")
MESSAGE = "must not contain NUL characters"


async def refuse_nul_characters(request: Request[Any, Any, Any]) -> None:
    where = []
    if b"%00" in request.scope.get("query_string", b""):
        where.append("query")
    if b"%00" in (request.scope.get("raw_path") or b"") or "\x00" in request.scope["path"]:
        where.append("path")
    if request.method not in ("GET", "HEAD", "OPTIONS"):
        body = await request.body()
        if b"\x00" in body or _JSON_NUL.search(body):
            where.append("body")
    if where:
        raise ValidationException(
            detail="The request is malformed.",
            extra=[{"key": part, "message": MESSAGE} for part in where],
        )
