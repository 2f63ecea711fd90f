"""`casebook report`: pattern reports and research exports from the server you logged in to."""

from __future__ import annotations

import uuid
from datetime import date
from pathlib import Path
from typing import Any

import click

from casebook.atomic_file import replaced_when_complete
from casebook.cli.connection import logged_in
from casebook.cli.output import echo_table, printable
from casebook.cli.params import Day

FORMATS = ("html", "pdf", "csv", "json")


@click.group()
def report() -> None:
    """Pattern reports and research exports (needs `casebook login` first).

    Organizers and attorneys get exact reports over the groups they may see; researchers get
    releases that pass the server's disclosure policy (counts by month and region, small
    counts withheld). Every report is logged as a release: `casebook report releases`.
    """


@report.command("patterns")
@click.option(
    "--group", "group_id", type=click.UUID, help="Only this group (see `casebook group list`)."
)
@click.option("--from", "date_from", type=Day(), help="First day included, YYYY-MM-DD.")
@click.option("--to", "date_to", type=Day(), help="Last day included, YYYY-MM-DD.")
@click.option(
    "--format",
    "file_format",
    type=click.Choice(FORMATS),
    help="File format (default: from the output file's extension).",
)
@click.option(
    "--epsilon",
    type=click.FloatRange(min=0, min_open=True, max=100),
    help="Researchers: add differentially private noise to the counts, spending this much "
    "of your privacy-loss budget (needs --from and --to).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="File to write; an existing file is replaced only once the report is complete.",
)
def patterns(
    group_id: uuid.UUID | None,
    date_from: date | None,
    date_to: date | None,
    file_format: str | None,
    epsilon: float | None,
    output: Path,
) -> None:
    """Incidents by tactic, agency, group, region and month, escalation per person, and
    retaliation timing with a permutation test, as HTML, PDF, CSV or JSON."""
    chosen = file_format or output.suffix.lstrip(".").lower()
    if chosen not in FORMATS:
        raise click.BadParameter(
            f"give --format ({', '.join(FORMATS)}) or an output file ending in one of them",
            param_hint="--format",
        )
    body: dict[str, Any] = {"format": chosen}
    optional = {
        "group_id": group_id and str(group_id),
        "from": date_from and date_from.isoformat(),
        "to": date_to and date_to.isoformat(),
        "epsilon": epsilon,
    }
    body.update({key: value for key, value in optional.items() if value is not None})
    click.echo(
        "The server is building the report; over many incidents this takes a while.", err=True
    )
    with logged_in() as api:
        content = api.post_for_file("/api/v1/reports/patterns", body)
    with replaced_when_complete(output) as file:
        file.write(content)
    click.echo(f"Wrote the pattern report ({chosen.upper()}, {len(content):,} bytes) to {output}.")


@report.command("releases")
def releases() -> None:
    """List your releases (newest first) and, for researchers, the privacy-loss budget left."""
    with logged_in() as api:
        found = api.get("/api/v1/reports/releases")
    rows = [
        (
            str(item["released_at"])[:19].replace("T", " "),
            item["format"],
            "disclosed" if item["disclosed"] else "exact",
            "-" if item["epsilon"] is None else f"{item['epsilon']:g}",
            printable(_filters(item["parameters"])),
        )
        for item in found["items"]
    ]
    echo_table(("RELEASED (UTC)", "FORMAT", "KIND", "EPSILON", "FILTERS"), rows)
    budget = found.get("budget")
    if budget:
        click.echo(
            f"\nPrivacy-loss budget: {budget['remaining']:g} of {budget['limit']:g} left until "
            f"{str(budget['period_end'])[:10]}."
        )


def _filters(parameters: dict[str, Any]) -> str:
    shown = [
        f"{key}={parameters[key]}" for key in ("group_id", "from", "to") if parameters.get(key)
    ]
    return " ".join(shown) or "all"
