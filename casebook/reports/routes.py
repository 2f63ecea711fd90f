"""HTTP routes for pattern reports and the release log."""

from __future__ import annotations

import json
import uuid
from datetime import date, datetime
from typing import Annotated, Any, Literal

import msgspec
from litestar import Response, get, post
from litestar.params import JSONBody

from casebook.http.dependencies import CurrentActor, CurrentRuntime, Db
from casebook.http.schemas import Input, Output
from casebook.reports import releases, service
from casebook.reports.download import download
from casebook.reports.report import ReportRequest

Format = Literal["html", "pdf", "csv", "json"]
Epsilon = Annotated[float, msgspec.Meta(gt=0, le=100)]


class PatternReportInput(Input, kw_only=True):
    format: Format = "json"
    group_id: uuid.UUID | None = None
    date_from: date | None = msgspec.field(default=None, name="from")
    date_to: date | None = msgspec.field(default=None, name="to")
    epsilon: Epsilon | None = None

    def request(self) -> ReportRequest:
        return ReportRequest(self.group_id, self.date_from, self.date_to, self.epsilon)


@post(
    "/api/v1/reports/patterns",
    tags=["reports"],
    status_code=200,
    response_description="The report file: JSON, CSV, HTML or PDF as asked for (docs/reports.md).",
    opt={"permission": "report.read"},
)
async def pattern_report(
    data: JSONBody[PatternReportInput], db: Db, actor: CurrentActor, runtime: CurrentRuntime
) -> Response[Any]:
    """The pattern report over the records in your scope as a file (HTML, PDF, CSV or JSON);
    for researchers, a release under the disclosure policy. Every call is logged as a
    release."""
    report = await service.pattern_report(db, runtime, actor, data.request(), data.format)
    return await download(report, data.format, actor.locale)


class ReleaseOut(Output, kw_only=True):
    id: uuid.UUID
    released_at: datetime
    report: str
    format: str
    disclosed: bool
    parameters: dict[str, Any]
    epsilon: float | None


class BudgetOut(Output, kw_only=True):
    limit: float
    spent: float
    remaining: float
    period_start: datetime
    period_end: datetime


class ReleasesOut(Output, kw_only=True):
    items: list[ReleaseOut]
    budget: BudgetOut | None
    """The privacy-loss budget, for those whose releases pass the disclosure policy."""


@get("/api/v1/reports/releases", tags=["reports"], opt={"permission": "report.read"})
async def list_releases(db: Db, actor: CurrentActor, runtime: CurrentRuntime) -> ReleasesOut:
    """Your releases, newest first (the latest 200), and what is left of your budget."""
    policy = runtime.policies.disclosure
    items = [
        ReleaseOut(
            id=r.id,
            released_at=r.released_at,
            report=r.report,
            format=r.format,
            disclosed=r.disclosed,
            parameters=json.loads(r.parameters),
            epsilon=r.epsilon,
        )
        for r in await releases.list_releases(db, actor)
    ]
    budget = None
    if policy.applies_to(actor.role):
        b = await releases.budget(db, actor, policy)
        budget = BudgetOut(
            limit=b.limit,
            spent=b.spent,
            remaining=b.remaining,
            period_start=b.period_start,
            period_end=b.period_end,
        )
    return ReleasesOut(items=items, budget=budget)


ROUTES = [pattern_report, list_releases]
