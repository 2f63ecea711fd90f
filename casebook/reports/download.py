"""A report as a downloadable file, in the format asked for."""

from __future__ import annotations

from typing import Any

from anyio import to_thread
from litestar import Response

from casebook.reports import exports, render
from casebook.reports.report import PatternReport

MEDIA_TYPES = {
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
}


async def file_body(report: PatternReport, format: str, locale: str) -> bytes:
    """The report rendered; the PDF off the event loop (laying it out takes a while)."""
    if format == "pdf":
        return await to_thread.run_sync(render.render_pdf, report, locale)
    if format == "html":
        return render.render_html(report, locale).encode()
    if format == "csv":
        return exports.render_csv(report).encode()
    return exports.render_json(report).encode()


def file_name(report: PatternReport, format: str) -> str:
    return f"casebook-patterns-{report.generated_at:%Y%m%d-%H%M%S}.{format}"


async def download(report: PatternReport, format: str, locale: str) -> Response[Any]:
    return Response(
        await file_body(report, format, locale),
        media_type=MEDIA_TYPES[format],
        headers={"Content-Disposition": f'attachment; filename="{file_name(report, format)}"'},
    )
