"""The audit log for admins: whether its hash chain is intact (checked on every visit), then its
entries, newest first, a page at a time. Reading and checking the log are logged themselves."""

from __future__ import annotations

from typing import Any

from litestar import get

from casebook.accounts.service import list_users
from casebook.audit.service import check_chain, list_events
from casebook.http.dependencies import CurrentActor, Db
from casebook.web.page import AnyRequest, render

PAGE_SIZE = 50


def parse_before(value: str | None) -> int | None:
    """The `before=` of an "older entries" link: a positive entry number, else None."""
    if value is not None and value.isdigit() and 0 < int(value) < 2**62:
        return int(value)
    return None


@get("/admin/audit", opt={"permission": "audit.read"})
async def audit_page(request: AnyRequest, db: Db, actor: CurrentActor) -> Any:
    asked = request.query_params.get("before")
    before = parse_before(asked)
    report = await check_chain(db, actor)
    events = await list_events(db, actor, before=before, limit=PAGE_SIZE)
    older = events[-1].seq if len(events) == PAGE_SIZE and events[-1].seq > 1 else None
    users = await list_users(db) if actor.can("user.manage") else []
    return render(
        request,
        "admin/audit.html",
        report=report,
        events=events,
        older=older,
        first_page=before is None,
        bad_page=asked is not None and before is None,
        emails={user.id: user.email for user in users},
    )


ROUTES = [audit_page]
