"""The pattern report's form: the filters (group, period), and for a download its format and,
for releases under the disclosure policy, the privacy loss to spend on noise."""

from __future__ import annotations

import math
from dataclasses import dataclass

from casebook.reports.report import ReportRequest
from casebook.web.forms import reading
from casebook.web.i18n import N_

FORMATS = ("html", "pdf", "csv", "json")
MAX_EPSILON = 100.0

LABELS = {
    "group_id": N_("Group"),
    "date_from": N_("From"),
    "date_to": N_("To"),
    "format": N_("File format"),
    "epsilon": N_("Privacy loss to spend on noise (ε)"),
}
NOT_AN_EPSILON = N_("enter a number above 0 and at most 100, for example 0.5")
# The services' field names, as the form calls them.
SERVICE_FIELDS = {"group": "group_id", "from": "date_from", "to": "date_to"}


@dataclass
class ReportForm(reading.Entered):
    group_id: str = ""
    date_from: str = ""
    date_to: str = ""
    format: str = ""
    epsilon: str = ""


def parse(form: ReportForm, *, download: bool) -> tuple[ReportRequest | None, reading.Errors]:
    """The report asked for. Only a download may spend privacy loss on noise: showing the
    report on the page ignores `epsilon`."""
    errors: reading.Errors = {}
    group_id = reading.optional_id(form.group_id, "group_id", errors)
    since = reading.optional_date(form.date_from, "date_from", errors)
    until = reading.optional_date(form.date_to, "date_to", errors)
    epsilon = _epsilon(form.epsilon, errors) if download else None
    if download and form.format not in FORMATS:
        errors["format"] = reading.NOT_LISTED
    if errors:
        return None, errors
    return ReportRequest(group_id, since, until, epsilon), errors


def _epsilon(value: str, errors: reading.Errors) -> float | None:
    if not value.strip():
        return None
    try:
        epsilon = float(value)
    except ValueError:
        epsilon = math.nan
    if not 0 < epsilon <= MAX_EPSILON:
        errors["epsilon"] = NOT_AN_EPSILON
        return None
    return epsilon
