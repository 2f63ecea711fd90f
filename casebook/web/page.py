"""Rendering a page: its template plus what every page needs (who is signed in, the page's
language, the session's CSRF token for its forms)."""

from __future__ import annotations

from typing import Any

from litestar import MediaType, Request
from litestar.response import Redirect, Template

from casebook.accounts.sessions import SESSION_COOKIE, csrf_token
from casebook.http.guard import current_actor
from casebook.runtime import Runtime
from casebook.vocabulary import DEFAULT_LOCALE
from casebook.web.i18n import from_accept_language, gettext_for, supported

AnyRequest = Request[Any, Any, Any]


def page_locale(request: AnyRequest) -> str:
    """The signed-in person's language; before login, the browser's preferred one."""
    actor = current_actor(request)
    if actor is not None:
        return supported(actor.locale) or DEFAULT_LOCALE
    return from_accept_language(request.headers.get("accept-language")) or DEFAULT_LOCALE


def gettext(request: AnyRequest) -> Any:
    """The translation function for messages a handler composes in Python."""
    return gettext_for(page_locale(request))


def session_csrf_token(request: AnyRequest) -> str | None:
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie is None:
        return None
    runtime: Runtime = request.app.state.runtime
    return csrf_token(runtime.secret, cookie)


def render(
    request: AnyRequest, template: str, *, status_code: int = 200, **context: Any
) -> Template:
    return Template(
        template_name=template,
        status_code=status_code,
        media_type=MediaType.HTML,
        context={
            "locale": page_locale(request),
            "actor": current_actor(request),
            "csrf_token": session_csrf_token(request),
            "path": request.url.path,
            **context,
        },
    )


def see_other(path: str) -> Redirect:
    """After a form is handled: the browser loads `path` with a GET (303)."""
    return Redirect(path=path, status_code=303)


def local_path(candidate: str | None, fallback: str = "/") -> str:
    """`candidate` if it is a path on this site, else `fallback`: a `next=` parameter must
    never send anyone to another site."""
    if candidate and candidate.startswith("/") and not candidate.startswith(("//", "/\\")):
        return candidate
    return fallback
