"""The first page after login: for people who read records, the recent incidents of their
groups, this month's incidents by tactic and how many incidents wait for review."""

from __future__ import annotations

from typing import Any

from litestar import get

from casebook.db import utcnow
from casebook.groups.service import list_groups
from casebook.http.dependencies import CurrentActor, Db
from casebook.incidents.service import IncidentFilter, list_incidents
from casebook.incidents.summary import AWAITING_REVIEW, awaiting_review_count, tactic_counts
from casebook.web.page import AnyRequest, render

RECENT = 8


@get("/", opt={"permission": "account.self"})
async def dashboard(request: AnyRequest, db: Db, actor: CurrentActor) -> Any:
    if not actor.can("incident.read"):
        return render(request, "dashboard.html")
    month_start = utcnow().date().replace(day=1)
    return render(
        request,
        "dashboard.html",
        groups=await list_groups(db, actor),
        recent=await list_incidents(db, actor, IncidentFilter(), after=None, limit=RECENT),
        month_start=month_start,
        tactic_counts=await tactic_counts(db, actor, month_start),
        awaiting_review=await awaiting_review_count(db, actor),
        awaiting_status=AWAITING_REVIEW,
    )


ROUTES = [dashboard]
