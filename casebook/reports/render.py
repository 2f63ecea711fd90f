"""A pattern report as a document a person reads: a standalone HTML file and a PDF, both from
templates/reports/document.html around the report body the web page shows too
(templates/reports/_report.html).

The document carries its style inline and fetches nothing: no stylesheet, script, font or
image, so it opens the same offline and WeasyPrint reaches no network when printing it."""

from __future__ import annotations

from typing import Any

from weasyprint import HTML

from casebook.reports import charts
from casebook.reports.report import PatternReport
from casebook.web.templating import document_environment

DOCUMENT_TEMPLATE = "reports/document.html"
BODY_TEMPLATE = "reports/_report.html"
"""The report body: the web page includes it with `report_context` in its context."""


def report_context(report: PatternReport) -> dict[str, Any]:
    """What templates/reports/_report.html needs besides the page's `locale`: the report, the
    chart builders, and for a disclosed report the disclosure policy's smallest published count
    (`min_count`), which its notice states."""
    return {"report": report, "charts": charts, "min_count": report.min_count}


def render_html(report: PatternReport, locale: str, *, printed: bool = False) -> str:
    """The report as a complete HTML document in `locale`. `printed` opens the folded tables of
    chart numbers, which paper cannot unfold."""
    template = document_environment().get_template(DOCUMENT_TEMPLATE)
    return template.render(locale=locale, printed=printed, **report_context(report))


def render_pdf(report: PatternReport, locale: str) -> bytes:
    """The report as a PDF in `locale`. It takes CPU for a while on a large report: call it
    from a worker thread in a server."""
    document = render_html(report, locale, printed=True)
    pdf: bytes = HTML(string=document, base_url=None).write_pdf()
    return pdf
