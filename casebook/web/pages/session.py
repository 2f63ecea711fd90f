"""Logging in and out of the pages.

Logging in happens in the browser: the login page's script derives the login credential from
the password and the Secret Key (the server never sees either) and opens a session through the
API. Logging out is a form, so it carries the session's CSRF token."""

from __future__ import annotations

from typing import Any

from litestar import Response, get, post
from litestar.params import FromQuery

from casebook.accounts.sessions import SESSION_COOKIE, close_session, session_cookie
from casebook.audit.log import record
from casebook.http.dependencies import CurrentActor, Db
from casebook.web.page import AnyRequest, local_path, render, see_other


@get("/login")
async def login_page(request: AnyRequest, next_path: FromQuery[str | None] = None) -> Any:
    return render(request, "login.html", next_path=local_path(next_path))


@post("/logout", opt={"permission": "account.self"})
async def logout(request: AnyRequest, db: Db, actor: CurrentActor) -> Response[Any]:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        await close_session(db, token)
    await record(db, actor_id=actor.user_id, action="auth.logout")
    response = see_other("/login?logged_out=1")
    response.set_cookie(session_cookie("", max_age=0))
    return response


ROUTES = [login_page, logout]
