"""`casebook report patterns` and `casebook report releases` against a real server process:
files in every format written whole, the format taken from the file name, a bad request
explained with nothing written, and the release log."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from tests.cli.conftest import Scene, api, invoke, log_in

Env = dict[str, str]


def add_incidents(scene: Scene, token: str) -> None:
    activity = {
        "kind": "protest",
        "occurred_on": "2024-03-01",
        "title": "Vigil",
        "group_ids": [scene.group_id],
    }
    assert api(scene, token, "POST", "/api/v1/activities", json=activity).status_code == 201
    for day in ("2024-03-02", "2024-03-20", "2024-05-01"):
        body = {"group_id": scene.group_id, "occurred_on": day, "tactics": ["stakeout"]}
        assert api(scene, token, "POST", "/api/v1/incidents", json=body).status_code == 201


def test_report_patterns_writes_each_format(scene: Scene, config_home: Env, tmp_path: Path) -> None:
    add_incidents(scene, log_in(scene, config_home))
    target = tmp_path / "report.json"
    result = invoke(["report", "patterns", "-o", str(target)], **config_home)
    assert result.exit_code == 0, result.output
    assert f"to {target}" in result.output
    body = json.loads(target.read_text())
    assert body["overview"]["incidents"] == 3
    assert body["timing"]["shares"]["30"] == 2 / 3

    sheet = tmp_path / "march.data"
    args = ["report", "patterns", "--format", "csv", "--from", "2024-03-01", "--to", "2024-03-31"]
    result = invoke([*args, "-o", str(sheet)], **config_home)
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(sheet.read_text().splitlines()))
    assert rows, "the CSV has rows"

    pdf = tmp_path / "report.pdf"
    assert invoke(["report", "patterns", "-o", str(pdf)], **config_home).exit_code == 0
    assert pdf.read_bytes().startswith(b"%PDF")

    listed = invoke(["report", "releases"], **config_home)
    assert listed.exit_code == 0, listed.output
    header, *lines = listed.output.strip().splitlines()
    assert header.split()[:2] == ["RELEASED", "(UTC)"]
    assert [line.split()[2] for line in lines] == ["pdf", "csv", "json"]
    assert "from=2024-03-01 to=2024-03-31" in lines[1]


def test_a_refused_report_leaves_the_old_file_alone(
    scene: Scene, config_home: Env, tmp_path: Path
) -> None:
    log_in(scene, config_home)
    (tmp_path / "reports").mkdir()
    target = tmp_path / "reports" / "report.json"
    target.write_text("the previous report")
    args = ["report", "patterns", "--from", "2024-05-01", "--to", "2024-04-01", "-o", str(target)]
    result = invoke(args, **config_home)
    assert result.exit_code == 1
    assert "to: must be on or after the start date" in result.output
    assert target.read_text() == "the previous report"
    assert [p.name for p in target.parent.iterdir()] == ["report.json"]

    other = invoke(
        ["report", "patterns", "--group", scene.other_group_id, "-o", str(target)], **config_home
    )
    assert other.exit_code == 1
    assert "not found" in other.output.lower()


def test_the_format_must_be_known(scene: Scene, config_home: Env, tmp_path: Path) -> None:
    log_in(scene, config_home)
    result = invoke(["report", "patterns", "-o", str(tmp_path / "report.docx")], **config_home)
    assert result.exit_code == 2
    assert "give --format" in result.output
