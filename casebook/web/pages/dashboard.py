"""The first page after login: for people who read records, the recent incidents of their
groups, a month's incidents by tactic (this month unless another is asked for) and how many
incidents wait for review."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from litestar import get

from casebook.accounts.keys import has_keys
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
    this_month = utcnow().date().replace(day=1)
    month = _chosen_month(request.query_params.get("month"), this_month)
    following = _next_month(month)
    return render(
        request,
        "dashboard.html",
        groups=await list_groups(db, actor),
        recent=await list_incidents(db, actor, IncidentFilter(), after=None, limit=RECENT),
        month=month,
        month_end=following - timedelta(days=1),
        previous_month=(month - timedelta(days=1)).replace(day=1),
        next_month=following if following <= this_month else None,
        tactic_counts=await tactic_counts(db, actor, month, following),
        awaiting_review=await awaiting_review_count(db, actor),
        awaiting_status=AWAITING_REVIEW,
        has_keys=await has_keys(db, actor),
    )


def _chosen_month(text: str | None, this_month: date) -> date:
    """The first day of the month asked for as `YYYY-MM`; this month for anything else, a
    month in the future included."""
    try:
        chosen = datetime.strptime(text or "", "%Y-%m").date()
    except ValueError:
        return this_month
    return min(chosen, this_month)


def _next_month(month: date) -> date:
    return (month + timedelta(days=31)).replace(day=1)


ROUTES = [dashboard]
