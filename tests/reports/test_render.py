"""A pattern report as HTML with SVG charts, PDF, CSV and JSON: what each format shows of the
sample reports, and what a disclosed one never shows."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from dataclasses import replace
from datetime import date
from html.parser import HTMLParser

import pytest

from casebook.reports import charts
from casebook.reports.exports import CSV_HEADER, JSON_SCHEMA, render_csv, render_json
from casebook.reports.render import render_html, render_pdf
from casebook.reports.report import GAP_BUCKETS, STAGES, PatternReport, ReportRequest
from casebook.reports.tables import CountTable
from tests.reports.sample import disclosed_report, empty_report, scoped_report

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.I)
SVG = re.compile(r"<svg\b.*?</svg>", re.S)
SVG_NS = "{http://www.w3.org/2000/svg}"
WITHHELD_CELL = '<abbr class="withheld" title="withheld">—</abbr>'


class Tables(HTMLParser):
    """The text of each table's cells, row by row, keyed by the table's caption."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self._rows: list[list[str]] | None = None
        self._text: list[str] | None = None
        self._caption = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self._rows = []
        elif tag == "tr" and self._rows is not None:
            self._rows.append([])
        elif tag in ("td", "th", "caption"):
            self._text = []

    def handle_endtag(self, tag: str) -> None:
        text = " ".join("".join(self._text or []).split())
        if tag == "caption":
            self._caption = text
        elif tag in ("td", "th") and self._rows:
            self._rows[-1].append(text)
        elif tag == "table" and self._rows is not None:
            self.tables[self._caption] = self._rows
            self._rows = None
        if tag in ("td", "th", "caption"):
            self._text = None

    def handle_data(self, data: str) -> None:
        if self._text is not None:
            self._text.append(data)


def svg_root(svg: str) -> ET.Element:
    """Parse a chart the renderer made (no entities or DTD in it, so no XML attack)."""
    return ET.fromstring(svg)  # noqa: S314


def tables_of(html: str) -> dict[str, list[list[str]]]:
    parser = Tables()
    parser.feed(html)
    return parser.tables


def shown(value: int | None) -> str:
    return "—" if value is None else str(value)


def pdf_text(pdf: bytes) -> str:
    result = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    )
    return " ".join(result.stdout.decode("utf-8").split())


@pytest.fixture(scope="module")
def scoped() -> PatternReport:
    return scoped_report()


@pytest.fixture(scope="module")
def disclosed() -> PatternReport:
    return disclosed_report()


@pytest.fixture(scope="module")
def scoped_html(scoped: PatternReport) -> str:
    return render_html(scoped, "en")


@pytest.fixture(scope="module")
def disclosed_html(disclosed: PatternReport) -> str:
    return render_html(disclosed, "en")


@pytest.fixture(scope="module")
def pdf_texts(scoped: PatternReport, disclosed: PatternReport) -> dict[str, str]:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    pdfs = {"scoped": render_pdf(scoped, "en"), "disclosed": render_pdf(disclosed, "en")}
    assert all(pdf.startswith(b"%PDF-") for pdf in pdfs.values())
    return {name: pdf_text(pdf) for name, pdf in pdfs.items()}


def test_the_html_report_has_its_sections_in_order(scoped_html: str) -> None:
    headings = re.findall(r"<h[12][^>]*>([^<]+)</h[12]>", scoped_html)
    assert headings == [
        "Pattern report",
        "Overview",
        "Incidents by month",
        "Tactics",
        "Agencies",
        "Regions",
        "Escalation",
        "Retaliation timing",
        "Groups",
    ]
    assert "From Jan 1, 2025 to Dec 31, 2025" in scoped_html
    assert "Jan 15, 2026" in scoped_html


def test_the_tactics_table_shows_labels_counts_and_totals(
    scoped: PatternReport, scoped_html: str
) -> None:
    table = scoped.tables["tactics_by_group"]
    rows = tables_of(scoped_html)["Incidents by tactic and group"]
    assert rows[0] == ["Tactic", "Southside Tenants Union", "Rapid Response Network", "Total"]
    assert rows[1] == ["Followed in person", "12", "5", "17"]
    assert len(rows) == len(table.rows) + 2
    assert rows[-1] == ["Total", *map(str, table.column_totals), str(table.total)]


def test_withheld_counts_show_as_a_dash_and_zero_as_zero(
    disclosed: PatternReport, disclosed_html: str
) -> None:
    table = disclosed.tables["tactics_by_region"]
    rows = tables_of(disclosed_html)["Incidents by tactic and region"]
    for shown_row, row, cells, total in zip(
        rows[1:], table.rows, table.cells, table.row_totals, strict=False
    ):
        assert shown_row[1:] == [*map(shown, cells), shown(total)], row
    assert rows[3][1:3] == ["—", "0"]
    assert WITHHELD_CELL in disclosed_html


def test_the_escalation_tables_follow_the_stages(scoped: PatternReport, scoped_html: str) -> None:
    tables = tables_of(scoped_html)
    by_stage = tables["People by the furthest stage their incidents reached"]
    assert [row[0] for row in by_stage[1:-1]] == [
        "Surveillance",
        "Contact",
        "Arrest",
        "Detention",
        "Proceedings",
    ]
    people = tables["First date each person reached each stage"]
    assert len(people[0]) == len(STAGES) + 2
    assert people[2] == [
        "El Güero",
        "Apr 11, 2025",
        "May 2, 2025",
        "Jun 9, 2025",
        "Jun 10, 2025",
        "Jul 1, 2025",
        "4",
    ]
    assert people[3][0] == "J. <Doe> & Co"
    assert "J. &lt;Doe&gt; &amp; Co" in scoped_html


def test_the_timing_section_gives_shares_median_and_the_test(scoped_html: str) -> None:
    gaps = tables_of(scoped_html)["Days from protected activity to incident"]
    assert [row[1] for row in gaps[1:]] == ["13", "9", "8", "5", "2", "0", "7", "44"]
    for text in ("29.5%", "50.0%", "68.2%", "24 days", "0.0035", "2000", "20250101", "11.4"):
        assert text in scoped_html
    assert "does not by itself prove" in scoped_html


def test_a_withheld_test_says_why(disclosed_html: str) -> None:
    assert (
        "withheld from this report: a release with noise gives no statistic computed from"
        " exact counts."
    ) in disclosed_html
    assert "p-value</dt>" not in disclosed_html
    assert re.search(r"Within 30 days</dt><dd>withheld</dd>", disclosed_html)


def test_a_disclosed_report_says_what_it_withholds(disclosed_html: str) -> None:
    assert "Counts from 1 to 10 are withheld" in disclosed_html
    assert "privacy loss of ε = 1.0" in disclosed_html


def test_a_report_over_all_dates_says_so(scoped: PatternReport) -> None:
    html = render_html(replace(scoped, request=ReportRequest()), "en")
    assert "All dates" in html


def test_a_report_without_incidents_renders_in_every_format() -> None:
    report = empty_report()
    html = render_html(report, "en")
    assert "From Jan 1, 2026" in html
    assert "Within 7 days</dt><dd>none</dd>" in html
    assert "There is nothing to test" in html
    assert all(svg_root(svg).get("role") == "img" for svg in SVG.findall(html))
    assert json.loads(render_json(report))["timing"]["shares"] == {
        "7": None,
        "30": None,
        "90": None,
    }
    assert "timing,measure,share_within_7,,value,,false" in render_csv(report)


def test_each_group_has_its_chart_and_protected_activities(scoped_html: str) -> None:
    group = scoped_html.split('id="group-1-heading"', 1)[1].split('id="group-2-heading"', 1)[0]
    assert "Southside Tenants Union" in group
    assert group.count("<svg") == 1
    assert "Mar 8, 2025 · Protest · Rent strike rally at City Hall" in re.sub(r"<[^>]+>", "", group)
    months = tables_of(group)["Incidents by month: Southside Tenants Union"]
    assert months[3] == ["2025-03", "0", "1"]


def test_a_disclosed_report_has_a_chart_per_region(
    disclosed: PatternReport, disclosed_html: str
) -> None:
    regions = disclosed.tables["incidents_by_region_month"].rows
    headings = re.findall(r'<h3 id="place-\d+-heading">([^<]+)</h3>', disclosed_html)
    assert headings == list(regions)
    assert "Protected activities</h4>" not in disclosed_html


def test_every_chart_is_an_accessible_svg_image(scoped_html: str, disclosed_html: str) -> None:
    for html, expected in ((scoped_html, 4), (disclosed_html, 5)):
        svgs = SVG.findall(html)
        assert len(svgs) == expected
        for svg in svgs:
            root = svg_root(svg)
            assert root.get("role") == "img"
            title = root.find(f"{SVG_NS}title")
            assert title is not None
            assert title.text
            ids = {element.get("id") for element in root.iter()}
            assert set((root.get("aria-labelledby") or "").split()) <= ids


def test_element_ids_are_unique_in_the_page(scoped_html: str, disclosed_html: str) -> None:
    for html in (scoped_html, disclosed_html):
        ids = re.findall(r'\sid="([^"]+)"', html)
        assert len(ids) == len(set(ids))


def test_a_bar_chart_draws_heights_to_scale_withheld_hatched_and_marks() -> None:
    svg = charts.bar_chart(
        "test",
        [charts.Bar("a<b>", 5), charts.Bar("b", None), charts.Bar("c", 10, marked=True)],
        title="T & t",
        description="D",
        withheld="withheld",
        marked="activity",
    )
    root = svg_root(str(svg))
    rects = root.findall(f"{SVG_NS}rect")
    bars = [rect for rect in rects if rect.get("fill") == charts.BAR_COLOUR]
    assert [float(bar.get("height") or 0) for bar in bars] == [
        charts.PLOT_HEIGHT / 2,
        charts.PLOT_HEIGHT,
    ]
    hatched = [rect for rect in rects if rect.get("fill") == "url(#test-hatch)"]
    assert len(hatched) == 2  # the withheld bar and its legend
    assert len(root.findall(f"{SVG_NS}path")) == 2  # the mark and its legend
    texts = [text.text for text in root.iter(f"{SVG_NS}text")]
    assert {"a<b>", "withheld", "activity"} <= set(texts)
    assert root.findtext(f"{SVG_NS}title") == "T & t"


def test_a_chart_id_must_be_safe_in_the_page() -> None:
    with pytest.raises(ValueError, match="chart id"):
        charts.bar_chart('x" onload="', [], title="", description="", withheld="")


def test_the_document_fetches_nothing(scoped_html: str, disclosed_html: str) -> None:
    for html in (scoped_html, disclosed_html):
        assert html.startswith("<!doctype html>")
        assert not re.search(r"\s(src|href)=|<link|<script|@import", html)
        assert set(re.findall(r"url\((.)", html)) <= {"#"}  # references inside the page only


def test_the_pdf_holds_the_headings_and_numbers(pdf_texts: dict[str, str]) -> None:
    text = pdf_texts["scoped"]
    for expected in (
        "Pattern report",
        "Incidents by month",
        "Followed in person 12 5 17",
        "Retaliation timing",
        "Permutation test",
        "p-value 0.0035",
        "Within 30 days 50.0%",
        "Southside Tenants Union",
        "Rent strike rally at City Hall",
    ):
        assert expected in text


def test_the_disclosed_pdf_shows_what_is_withheld(pdf_texts: dict[str, str]) -> None:
    text = pdf_texts["disclosed"]
    assert "What this release withholds" in text
    assert "Photographed or filmed 37 — — —" in text
    assert not UUID.search(text)


def test_the_csv_round_trips_every_count(scoped: PatternReport, disclosed: PatternReport) -> None:
    for report in (scoped, disclosed):
        reader = csv.reader(io.StringIO(render_csv(report)))
        assert tuple(next(reader)) == CSV_HEADER
        lines = list(reader)
        values = {
            (line[0], line[2], line[4]): None if line[6] == "true" else line[5] for line in lines
        }
        assert len(values) == len(lines)  # keys are unique
        for table in (*report.tables.values(), report.timing.gaps):
            assert csv_table(values, table) == table
        overview = report.overview
        assert values["overview", "incidents", "value"] == shown(overview.incidents)
        assert values["overview", "groups", "value"] == (
            None if overview.groups is None else str(overview.groups)
        )


def csv_table(values: dict[tuple[str, str, str], str | None], table: CountTable) -> CountTable:
    """`table` rebuilt from the CSV's values."""

    def number(row: str, column: str) -> int | None:
        value = values[table.name, row, column]
        return None if value is None else int(value)

    cells = tuple(tuple(number(row, column) for column in table.columns) for row in table.rows)
    one_way = table.one_way
    return replace(
        table,
        cells=cells,
        row_totals=tuple(r[0] for r in cells)
        if one_way
        else tuple(number(row, "total") for row in table.rows),
        column_totals=tuple(number("total", column) for column in table.columns),
        total=number("total", "count" if one_way else "total"),
    )


def test_the_csv_gives_the_timing_figures(scoped: PatternReport) -> None:
    lines = list(csv.DictReader(io.StringIO(render_csv(scoped))))
    figures = {(line["table"], line["row"]): line["value"] for line in lines}
    assert float(figures["timing", "share_within_30"]) == 0.5
    assert figures["timing", "median_gap_days"] == "24"
    assert float(figures["permutation_test", "p_value"]) == 0.0035
    assert figures["permutation_test", "seed"] == "20250101"


def test_the_json_follows_the_schema(scoped: PatternReport, disclosed: PatternReport) -> None:
    document = json.loads(render_json(scoped))
    assert document["schema"] == JSON_SCHEMA
    assert set(document) == {
        "schema",
        "generated_at",
        "disclosed",
        "epsilon_spent",
        "request",
        "overview",
        "tables",
        "timing",
        "group_names",
        "escalation",
        "groups",
    }
    assert document["request"]["since"] == "2025-01-01"
    assert document["generated_at"] == "2026-01-15T09:30:00+00:00"
    timing = document["timing"]
    assert set(timing["shares"]) == {"7", "30", "90"}
    assert timing["test"]["p_value"] == 0.0035
    assert timing["gaps"]["rows"] == list(GAP_BUCKETS)
    assert document["escalation"][1]["first_reached"]["detention"] == "2025-06-10"
    assert document["groups"][0]["activities"][0] == {
        "occurred_on": "2025-03-08",
        "kind": "protest",
        "title": "Rent strike rally at City Hall",
    }
    for report in (scoped, disclosed):
        tables = json.loads(render_json(report))["tables"]
        for name, table in report.tables.items():
            rebuilt = CountTable(name=name, **tables[name])
            assert (
                replace(
                    rebuilt,
                    rows=tuple(rebuilt.rows),
                    columns=tuple(rebuilt.columns),
                    cells=tuple(map(tuple, rebuilt.cells)),
                    row_totals=tuple(rebuilt.row_totals),
                    column_totals=tuple(rebuilt.column_totals),
                )
                == table
            )


def test_disclosed_json_withholds_with_null_and_leaves_out_records(
    disclosed: PatternReport,
) -> None:
    document = json.loads(render_json(disclosed))
    assert not {"escalation", "groups", "group_names"} & set(document)
    assert document["tables"]["tactics_by_region"]["cells"][1] == [37, None, None]
    assert document["timing"]["shares"]["30"] is None
    assert document["timing"]["test"] is None
    assert document["epsilon_spent"] == 1.0


def test_no_disclosed_output_holds_a_record_id(
    disclosed: PatternReport, disclosed_html: str
) -> None:
    leaky = replace(
        disclosed, request=replace(disclosed.request, group_id=scoped_report().groups[0].group_id)
    )
    for text in (disclosed_html, render_html(leaky, "es"), render_csv(leaky), render_json(leaky)):
        assert not UUID.search(text)
    assert ",,true\n" in render_csv(disclosed)


def test_spanish_rendering_uses_spanish_labels_and_dates(scoped: PatternReport) -> None:
    html = render_html(scoped, "es")
    assert '<html lang="es">' in html
    assert "Seguimiento en persona" in html
    assert "8 mar 2025" in html
    assert date(2025, 3, 8).isoformat() in html  # the machine-readable <time> value
