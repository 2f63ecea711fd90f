"""The one mapper from domain errors (and framework validation errors) to responses."""

from __future__ import annotations

import logging
from typing import Any

from litestar import Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR
from litestar.types import Scope

from casebook.audit.log import record
from casebook.db import transaction
from casebook.errors import (
    Conflict,
    CsrfRejected,
    DomainError,
    FieldError,
    InvalidCredentials,
    NotAuthenticated,
    NotFound,
    Stale,
    TooManyAttempts,
    ValidationFailed,
)
from casebook.http.guard import current_actor
from casebook.runtime import Runtime
from casebook.web.error_pages import error_page, wants_page

logger = logging.getLogger("casebook.http")

NOT_FOUND = "Not found."


def domain_error_response(request: Request[Any, Any, Any], error: DomainError) -> Response[Any]:
    response = _api_error_response(error)
    if wants_page(request):
        return error_page(request, error, response.status_code or HTTP_500_INTERNAL_SERVER_ERROR)
    return response


def _api_error_response(error: DomainError) -> Response[Any]:
    match error:
        case NotFound():
            return _json(404, NOT_FOUND)
        case NotAuthenticated():
            return _json(401, "Log in first.", headers={"WWW-Authenticate": "Bearer"})
        case InvalidCredentials():
            return _json(401, "Email or password is incorrect.")
        case CsrfRejected():
            return _json(403, "The request lacked this session's CSRF token; reload and retry.")
        case ValidationFailed(errors=errors):
            return _json(422, "Some fields need attention.", errors=errors)
        case Conflict(current_version=version):
            return _json(
                409,
                "Someone else changed this record since you loaded it. Reload it, reapply "
                "your changes and save again.",
                current_version=version,
            )
        case Stale(current=current):
            return _json(
                409, "Another client changed this first. Reload it and try again.", **current
            )
        case TooManyAttempts(retry_after_seconds=seconds):
            return _json(
                429,
                f"Too many failed logins. Try again in {seconds} seconds.",
                headers={"Retry-After": str(seconds)},
            )
    logger.error("unmapped domain error %s", type(error).__name__)
    return _json(HTTP_500_INTERNAL_SERVER_ERROR, "Internal error.")


def validation_error_response(
    request: Request[Any, Any, Any], error: ValidationException
) -> Response[Any]:
    """Malformed bodies and parameters, decoded by msgspec: 400 with the offending fields."""
    if wants_page(request):
        return error_page(request, error, 400)
    errors = [
        FieldError(str(item.get("key") or "body"), str(item.get("message", "invalid")))
        for item in (error.extra if isinstance(error.extra, list) else [])
        if isinstance(item, dict)
    ]
    return _json(400, "The request is malformed.", errors=errors or None)


def http_error_response(request: Request[Any, Any, Any], error: HTTPException) -> Response[Any]:
    """Framework errors (unknown route, wrong method, body too large) keep their status but
    never echo request content back."""
    if wants_page(request):
        return error_page(request, error, error.status_code)
    if error.status_code == 404:
        return _json(404, NOT_FOUND)
    if error.status_code >= 500:
        return _json(error.status_code, "Internal error.")
    return _json(error.status_code, str(error.detail), headers=error.headers)


def unexpected_error_response(request: Request[Any, Any, Any], error: Exception) -> Response[Any]:
    """Logged by type and route only: an exception's text may quote what the user sent."""
    logger.error(
        "unexpected %s on %s %s",
        type(error).__name__,
        request.method,
        request.scope.get("path_template", "?"),
    )
    if wants_page(request):
        return error_page(request, error, HTTP_500_INTERNAL_SERVER_ERROR)
    return _json(HTTP_500_INTERNAL_SERVER_ERROR, "Internal error.")


def _json(
    status: int,
    detail: str,
    *,
    headers: dict[str, str] | None = None,
    errors: list[FieldError] | None = None,
    **extra: Any,
) -> Response[Any]:
    body: dict[str, Any] = {"status_code": status, "detail": detail, **extra}
    if errors is not None:
        body["errors"] = [{"field": e.field, "message": e.message} for e in errors]
    return Response(body, status_code=status, headers=headers)


EXCEPTION_HANDLERS: dict[type[Exception], Any] = {
    DomainError: domain_error_response,
    ValidationException: validation_error_response,
    HTTPException: http_error_response,
    Exception: unexpected_error_response,
}


async def audit_denial(error: Exception, scope: Scope) -> None:
    """Every refused request leaves a trace, written after the request's own work rolled back."""
    if not isinstance(error, NotFound | NotAuthenticated | CsrfRejected):
        return
    runtime: Runtime = scope["litestar_app"].state.runtime
    actor = current_actor(Request(scope))
    details: dict[str, str | None] = {
        "method": str(scope.get("method")),
        "route": scope.get("path_template") or None,
        "reason": type(error).__name__,
    }
    target_type = target_id = None
    if isinstance(error, NotFound):
        target_type, target_id = error.target_type, error.target_id
    try:
        async with transaction(runtime.sessions) as session:
            await record(
                session,
                actor_id=actor.user_id if actor else None,
                action="access.denied",
                outcome="denied",
                target_type=target_type,
                target_id=target_id,
                details=details,
            )
    except Exception as failure:  # the refusal must still reach the client
        logger.error("could not audit a denial: %s", type(failure).__name__)
