"""The claim packet: a PDF with a cover, the chronology, the element matrix and the exhibit
index with each exhibit's SHA-256, rendered on the attorney's machine from the claim as the API
gives it and the exhibits as the export verified them (templates/claims/packet.html)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from weasyprint import HTML

from casebook.cli.claim_bundle import Exhibit
from casebook.web.templating import document_environment

TEMPLATE = "claims/packet.html"


@dataclass(frozen=True)
class Event:
    """A chronology row: a protected activity or an adverse action."""

    kind: str
    on: date
    precision: str
    title: str
    tactics: list[str]
    place: str
    gap_days: int | None
    approximate: bool


def chronology(claim: dict[str, Any]) -> list[Event]:
    activities = {a["id"]: a for a in claim["activities"]}
    actions = {e["incident_id"]: e for e in claim["elements"]}
    events = []
    for entry in claim["chronology"]:
        if entry["kind"] == "activity":
            activity = activities[entry["id"]]
            title, tactics, place = activity["title"], [], ""
        else:
            action = actions[entry["id"]]
            title, tactics, place = "", action["tactics"], _place(action)
        events.append(
            Event(
                kind=entry["kind"],
                on=date.fromisoformat(entry["date"]),
                precision=entry["date_precision"],
                title=title,
                tactics=tactics,
                place=place,
                gap_days=entry["gap_days"],
                approximate=entry["gap_approximate"],
            )
        )
    return events


def _place(action: dict[str, Any]) -> str:
    return ", ".join(part for part in (action["city"], action["region"]) if part)


def packet_context(
    claim: dict[str, Any], exhibits: list[Exhibit], exported_at: datetime
) -> dict[str, Any]:
    activities = {a["id"]: a for a in claim["activities"]}
    return {
        "claim": claim,
        "chronology": chronology(claim),
        "elements": [
            {
                **row,
                "on": date.fromisoformat(row["occurred_on"]),
                "place": _place(row),
                "answers": activities.get(row["answers_activity_id"]),
                "answers_on": _date_of(activities.get(row["answers_activity_id"])),
            }
            for row in claim["elements"]
        ],
        "exhibits": [exhibit.to_json() for exhibit in exhibits],
        "exported_at": exported_at,
    }


def _date_of(activity: dict[str, Any] | None) -> date | None:
    return None if activity is None else date.fromisoformat(activity["occurred_on"])


def render_packet(
    claim: dict[str, Any], exhibits: list[Exhibit], exported_at: datetime, locale: str
) -> bytes:
    """The packet as a PDF in `locale`; it fetches nothing (no font, image or stylesheet)."""
    template = document_environment().get_template(TEMPLATE)
    document = template.render(locale=locale, **packet_context(claim, exhibits, exported_at))
    pdf: bytes = HTML(string=document, base_url=None).write_pdf()
    return pdf
