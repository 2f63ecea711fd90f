"""The pattern report page: filters, the report itself once asked for, downloads in every
format, and the person's release log (with what is left of a researcher's budget)."""

from __future__ import annotations

from typing import Any

from litestar import get, post

from casebook.errors import ValidationFailed
from casebook.groups.service import list_groups
from casebook.http.dependencies import CurrentActor, CurrentRuntime, Db
from casebook.reports import releases, service
from casebook.reports.download import download
from casebook.reports.render import report_context
from casebook.reports.report import PatternReport
from casebook.web.forms import reading
from casebook.web.forms.report import FORMATS, LABELS, SERVICE_FIELDS, ReportForm, parse
from casebook.web.page import AnyRequest, page_locale, render

REPORT = {"permission": "report.read"}


@get("/reports", opt=REPORT)
async def report_page(
    request: AnyRequest, db: Db, actor: CurrentActor, runtime: CurrentRuntime
) -> Any:
    form = ReportForm.submitted(request.query_params)
    report = None
    errors: reading.Errors = {}
    if request.query_params.get("show"):
        wanted, errors = parse(form, download=False)
        if wanted is not None:
            try:
                report = await service.pattern_report(db, runtime, actor, wanted, "page")
            except ValidationFailed as failure:
                errors = reading.service_errors(failure, SERVICE_FIELDS)
    return await _page(request, db, actor, runtime, form, errors, report)


@post("/reports", status_code=200, opt=REPORT)
async def download_report(
    request: AnyRequest, db: Db, actor: CurrentActor, runtime: CurrentRuntime
) -> Any:
    form = ReportForm.submitted(await request.form())
    wanted, errors = parse(form, download=True)
    if wanted is not None:
        try:
            report = await service.pattern_report(db, runtime, actor, wanted, form.format)
        except ValidationFailed as failure:
            errors = reading.service_errors(failure, SERVICE_FIELDS)
        else:
            return await download(report, form.format, page_locale(request))
    return await _page(request, db, actor, runtime, form, errors, None)


async def _page(
    request: AnyRequest,
    db: Db,
    actor: CurrentActor,
    runtime: CurrentRuntime,
    form: ReportForm,
    errors: reading.Errors,
    report: PatternReport | None,
) -> Any:
    policy = runtime.policies.disclosure
    disclosed = policy.applies_to(actor.role)
    return render(
        request,
        "reports/page.html",
        status_code=422 if errors else 200,
        form=form,
        errors=errors,
        labels=LABELS,
        formats=FORMATS,
        **(report_context(report) if report is not None else {"report": None}),
        disclosed=disclosed,
        groups=[] if disclosed else await list_groups(db, actor),
        releases=await releases.list_releases(db, actor),
        budget=await releases.budget(db, actor, policy) if disclosed else None,
    )


ROUTES = [report_page, download_report]
