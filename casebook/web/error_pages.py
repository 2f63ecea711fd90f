"""What a browser is shown when a page cannot be: the not-found page (for records and pages the
person may not see as much as for those that do not exist), the login page for an ended session,
and a plain page for the rest. None of them repeats what the request carried."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from litestar import Request, Response

from casebook.errors import CsrfRejected, NotAuthenticated, NotFound
from casebook.web.page import render, see_other

AnyRequest = Request[Any, Any, Any]


def wants_page(request: AnyRequest) -> bool:
    """Whether the failed request was for a page (an HTML answer) rather than for the API."""
    handler = request.scope.get("route_handler")
    if handler is not None:
        return bool(handler.opt.get("page"))
    path = request.scope.get("path", "")
    accept = request.headers.get("accept", "")
    return not path.startswith(("/api/", "/static/")) and "text/html" in accept


def login_redirect(request: AnyRequest) -> Response[Any]:
    target = request.scope.get("path", "/")
    query = request.scope.get("query_string", b"").decode("latin-1")
    if query:
        target += "?" + query
    return see_other("/login?next=" + quote(target, safe="/"))


def error_page(request: AnyRequest, error: Exception, status_code: int) -> Response[Any]:
    if isinstance(error, NotAuthenticated):
        return login_redirect(request)
    if isinstance(error, NotFound) or status_code == 404:
        return render(request, "errors/not_found.html", status_code=404)
    if isinstance(error, CsrfRejected):
        return render(request, "errors/expired_form.html", status_code=403)
    return render(request, "errors/problem.html", status_code=status_code)
