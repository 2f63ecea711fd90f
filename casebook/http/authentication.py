"""Who is making the request: an API token (Authorization: Bearer) or a session cookie."""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.connection import ASGIConnection
from sqlalchemy.ext.asyncio import AsyncSession

from casebook.accounts.api_tokens import resolve_token
from casebook.accounts.models import User
from casebook.accounts.sessions import CSRF_HEADER, SESSION_COOKIE, csrf_token, resolve_session
from casebook.accounts.tokens import same
from casebook.errors import CsrfRejected, NotAuthenticated
from casebook.runtime import Runtime

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
FORM_TYPES = frozenset({"application/x-www-form-urlencoded", "multipart/form-data"})
CSRF_FIELD = "csrf_token"


async def authenticate(
    session: AsyncSession, runtime: Runtime, connection: ASGIConnection[Any, Any, Any, Any]
) -> User:
    authorization = connection.headers.get("authorization")
    if authorization is not None:
        scheme, _, secret = authorization.partition(" ")
        user = await resolve_token(session, secret.strip()) if scheme.lower() == "bearer" else None
        if user is None:
            raise NotAuthenticated()
        return user
    cookie = connection.cookies.get(SESSION_COOKIE)
    if cookie is None:
        raise NotAuthenticated()
    user = await resolve_session(session, cookie, runtime.policies.sessions)
    if user is None:
        raise NotAuthenticated()
    if connection.scope.get("method", "GET") not in SAFE_METHODS:
        sent = connection.headers.get(CSRF_HEADER) or await _form_csrf_token(connection)
        if not same(sent, csrf_token(runtime.secret, cookie)):
            raise CsrfRejected()
    return user


async def _form_csrf_token(connection: ASGIConnection[Any, Any, Any, Any]) -> str:
    """The token a page's form carries in its hidden `csrf_token` field. The parsed form is
    cached on the request, so the handler reads the same form again without the body."""
    if not isinstance(connection, Request):
        return ""
    if connection.content_type[0] not in FORM_TYPES:
        return ""
    token = (await connection.form()).get(CSRF_FIELD)
    return token if isinstance(token, str) else ""


def client_address(connection: ASGIConnection[Any, Any, Any, Any]) -> str:
    """The network address logins are throttled by."""
    return connection.client.host if connection.client else "unknown"


def presented_secret(connection: ASGIConnection[Any, Any, Any, Any]) -> str | None:
    """The API token or session cookie the request came with (checked by `authenticate`)."""
    authorization = connection.headers.get("authorization")
    if authorization is not None:
        return authorization.partition(" ")[2].strip()
    return connection.cookies.get(SESSION_COOKIE)
