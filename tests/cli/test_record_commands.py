"""`casebook person`, `casebook activity` and `casebook incident edit` against a real server
process: round trips, filters and paging, edits of only the given fields, stale versions
explained, and other groups' records not found."""

from __future__ import annotations

import json
import shlex
import uuid
from pathlib import Path
from typing import Any

import pytest

from tests.cli.conftest import OTHER_EMAIL, Scene, api, invoke, log_in

Env = dict[str, str]


def ok(args: list[str], env: Env, input: str | None = None) -> str:
    result = invoke(args, input=input, **env)
    assert result.exit_code == 0, result.output
    return result.stdout


def added(args: list[str], env: Env, input: str | None = None) -> str:
    return str(uuid.UUID(ok(args, env, input).strip()))


def shown(kind: str, record_id: str, env: Env) -> dict[str, Any]:
    item: dict[str, Any] = json.loads(ok([kind, "show", record_id, "--json"], env))
    return item


def json_ids(args: list[str], env: Env) -> list[str]:
    return [json.loads(line)["id"] for line in ok([*args, "--json"], env).splitlines()]


def test_person_add_list_show_and_edit(scene: Scene, config_home: Env, tmp_path: Path) -> None:
    log_in(scene, config_home)
    notes = tmp_path / "rosa.txt"
    notes.write_text("Speaks at the vigils.\nLives near the detention center.")
    args = ["person", "add", "--group", scene.group_id, "--alias", "Rosa"]
    rosa = added([*args, "--legal-name", "Rosa Martínez", "--notes-file", str(notes)], config_home)
    beto = added(
        ["person", "add", "--group", scene.group_id, "--alias", "Beto", "--notes", "Driver"],
        config_home,
    )

    header, *rows = ok(["person", "list"], config_home).splitlines()
    assert header.split() == ["ALIAS", "NOTES", "ID"]
    assert [row.split()[0] for row in rows] == ["Beto", "Rosa"]
    assert rows[0].endswith(beto)
    assert "Speaks at the vigils. Lives near" in rows[1]
    assert json_ids(["person", "list", "--text", "ros"], config_home) == [rosa]

    page = ok(["person", "show", rosa], config_home)
    assert f"Id:           {rosa}" in page
    assert "Alias:        Rosa\n" in page
    assert "Legal name:   Rosa Martínez" in page
    assert f"Groups:       {scene.group_id}" in page
    assert "Version:      1" in page
    assert page.rstrip().endswith("Speaks at the vigils.\nLives near the detention center.")

    saved = ok(["person", "edit", rosa, "--alias", "Rosa M.", "--legal-name", ""], config_home)
    assert saved == f"Saved person {rosa}: it is now at version 2.\n"
    after = shown("person", rosa, config_home)
    assert after["alias"] == "Rosa M."
    assert after["legal_name"] is None
    assert after["notes"] == notes.read_text()
    assert after["group_ids"] == [scene.group_id]
    assert "Legal name" not in ok(["person", "show", rosa], config_home)

    stale = invoke(["person", "edit", rosa, "--version", "1", "--notes", "x"], **config_home)
    assert stale.exit_code == 1
    assert f"someone else changed person {rosa} after version 1; it is now at version 2." in (
        stale.stderr
    )
    ahead = invoke(["person", "edit", rosa, "--version", "7", "--notes", "x"], **config_home)
    assert ahead.exit_code == 1
    assert f"person {rosa} has no version 7 yet; it is now at version 2." in ahead.stderr
    assert shown("person", rosa, config_home)["notes"] == notes.read_text()


def test_activity_add_list_show_and_edit(scene: Scene, config_home: Env) -> None:
    token = log_in(scene, config_home)
    body = {"alias": "Rosa", "group_ids": [scene.group_id]}
    rosa = api(scene, token, "POST", "/api/v1/people", json=body).json()["id"]
    args = ["activity", "add", "--group", scene.group_id, "--kind", "protest"]
    args += ["--date", "2024-03-01", "--title", "Vigil outside the detention center"]
    args += ["--description-file", "-"]
    args += ["--url", "https://example.org/vigil", "--person", rosa]
    vigil = invoke(
        args,
        input="Forty people, candles, two speeches.",
        **config_home,
    )
    assert vigil.exit_code == 0, vigil.output
    assert vigil.stderr == ""
    vigil_id = str(uuid.UUID(vigil.stdout.strip()))
    args = ["activity", "add", "--group", scene.group_id, "--kind", "civil-disobedience"]
    args += ["--date", "2024-04-02", "--title", "Sit-in at the field office"]
    sit_in = invoke(args, **config_home)
    assert sit_in.exit_code == 0, sit_in.output
    assert "civil-disobedience is marked as needing review" in sit_in.stderr
    sit_in_id = sit_in.stdout.strip()

    page = ok(["activity", "show", sit_in_id], config_home)
    assert "Needs review: yes (set because of its kind" in page
    assert "Kind:         civil-disobedience" in page
    page = ok(["activity", "show", vigil_id], config_home)
    assert "Needs review: no" in page
    assert "Date:         2024-03-01" in page
    assert "Link:         https://example.org/vigil" in page
    assert f"People:       {rosa}" in page
    assert page.rstrip().endswith("Forty people, candles, two speeches.")

    header, *rows = ok(["activity", "list"], config_home).splitlines()
    assert header.split() == ["DATE", "KIND", "TITLE", "REVIEW", "ID"]
    assert rows[0].split()[:2] == ["2024-04-02", "civil-disobedience"]
    assert rows[0].split()[-2:] == ["yes", sit_in_id]
    assert rows[1].split()[-2:] == ["-", vigil_id]

    saved = ok(
        ["activity", "edit", vigil_id, "--title", "Vigil and march", "--url", ""], config_home
    )
    assert saved == f"Saved activity {vigil_id}: it is now at version 2.\n"
    after = shown("activity", vigil_id, config_home)
    assert after["title"] == "Vigil and march"
    assert after["public_url"] is None
    assert after["description"] == "Forty people, candles, two speeches."
    assert after["person_ids"] == [rosa]
    assert after["kind"] == "protest"
    assert after["needs_review"] is False

    ok(["activity", "edit", vigil_id, "--kind", "civil-disobedience"], config_home)
    assert shown("activity", vigil_id, config_home)["needs_review"] is True
    assert "Needs review: yes" in ok(["activity", "show", vigil_id], config_home)


def test_incident_edit_changes_only_the_given_fields(scene: Scene, config_home: Env) -> None:
    token = log_in(scene, config_home)
    body = {"alias": "Rosa", "group_ids": [scene.group_id]}
    rosa = api(scene, token, "POST", "/api/v1/people", json=body).json()["id"]
    args = ["incident", "add", "--group", scene.group_id, "--date", "2024-03-14", "--time", "21:30"]
    args += ["--tactic", "physical-following", "--agency", "ice-ero", "--person", f"{rosa}:target"]
    args += ["--city", "Seattle", "--region", "Washington", "--narrative", "Followed home."]
    incident = added(args, config_home)
    before = shown("incident", incident, config_home)

    args = ["incident", "edit", incident, "--tactic", "ruse", "--tactic", "arrest-at-home"]
    args += ["--status", "submitted", "--verification", "corroborated", "--city", ""]
    saved = ok(args, config_home)
    assert saved == f"Saved incident {incident}: it is now at version 2.\n"
    after = shown("incident", incident, config_home)
    changed = {name for name in before if before[name] != after[name]}
    assert changed == {
        "tactics",
        "workflow_status",
        "verification_status",
        "city",
        "version",
        "updated_at",
    }
    assert sorted(after["tactics"]) == ["arrest-at-home", "ruse"]
    assert (after["workflow_status"], after["verification_status"]) == ("submitted", "corroborated")
    assert after["city"] == ""
    assert after["people"] == [{"person_id": rosa, "role": "target"}]
    assert after["narrative"] == "Followed home."

    ok(["incident", "edit", incident, "--version", "2", "--date", "2024-03"], config_home)
    after = shown("incident", incident, config_home)
    assert (after["occurred_on"], after["date_precision"]) == ("2024-03-01", "month")
    assert after["occurred_time"] is None
    assert after["version"] == 3

    nothing = invoke(["incident", "edit", incident], **config_home)
    assert nothing.exit_code == 2
    assert "Nothing to change" in nothing.stderr
    refused = invoke(
        ["incident", "edit", incident, "--group", scene.other_group_id, "--person", f"{rosa}:boss"],
        **config_home,
    )
    assert refused.exit_code == 1
    assert "  --group: unknown group(s)" in refused.stderr
    assert "  --person #1: unknown involvement role 'boss'" in refused.stderr
    assert shown("incident", incident, config_home)["version"] == 3

    verified = json_ids(["incident", "list", "--verification", "corroborated"], config_home)
    assert verified == [incident]
    assert json_ids(["incident", "list", "--verification", "verified"], config_home) == []


def test_a_stale_version_is_explained_and_nothing_is_lost(
    scene: Scene, config_home: Env, tmp_path: Path
) -> None:
    token = log_in(scene, config_home)
    body = {"group_id": scene.group_id, "occurred_on": "2024-03-14", "tactics": ["ruse"]}
    body |= {"region": "Washington", "narrative": "First account."}
    incident = api(scene, token, "POST", "/api/v1/incidents", json=body).json()["id"]
    # Someone else saves first: version 1 becomes version 2.
    other_edit = {"version": 1, "region": "Oregon", "workflow_status": "submitted"}
    assert api(scene, token, "PATCH", f"/api/v1/incidents/{incident}", json=other_edit).is_success

    notes = tmp_path / "my notes.txt"
    notes.write_text("Second, longer account of the night.\n")
    args = ["incident", "edit", incident, "--version", "1", "--region", "Washington"]
    args += ["--narrative-file", str(notes), "--status", "submitted"]
    stale = invoke(args, **config_home)

    assert stale.exit_code == 1
    assert stale.stdout == ""
    err = stale.stderr
    assert (
        f"someone else changed incident {incident} after version 1; it is now at version 2" in err
    )
    assert "Your changes were NOT applied" in err
    assert (
        "  --region\n      on the server now: Oregon\n      you sent:          Washington\n" in err
    )
    assert "on the server now: First account.\n      you sent:          Second, longer" in err
    assert "  --status\n" not in err  # the server already holds what was sent
    retry = f"casebook incident edit {incident} --region Washington --narrative-file "
    retry += f"'{notes}' --status submitted --version 2"
    assert f"  {retry}\n" in err
    assert "standard input" not in err

    held = api(scene, token, "GET", f"/api/v1/incidents/{incident}").json()
    assert (held["version"], held["region"], held["narrative"]) == (2, "Oregon", "First account.")
    assert notes.read_text() == "Second, longer account of the night.\n"

    again = ok(shlex.split(retry)[1:], config_home)
    assert again == f"Saved incident {incident}: it is now at version 3.\n"
    held = api(scene, token, "GET", f"/api/v1/incidents/{incident}").json()
    assert (held["region"], held["narrative"]) == ("Washington", notes.read_text())


@pytest.mark.parametrize("kind", ["person", "activity"])
def test_people_and_activities_explain_stale_versions_too(
    scene: Scene, config_home: Env, kind: str
) -> None:
    token = log_in(scene, config_home)
    if kind == "person":
        path, body = "/api/v1/people", {"alias": "Rosa", "group_ids": [scene.group_id]}
        theirs, option, field = {"notes": "From the other laptop."}, "--notes-file", "notes"
    else:
        path = "/api/v1/activities"
        body = {"group_ids": [scene.group_id], "kind": "press", "title": "Interview"}
        body |= {"occurred_on": "2024-01-05"}
        theirs, option = {"description": "From the other laptop."}, "--description-file"
        field = "description"
    record = api(scene, token, "POST", path, json=body).json()["id"]
    assert api(scene, token, "PATCH", f"{path}/{record}", json={"version": 1, **theirs}).is_success

    stale = invoke([kind, "edit", record, "--version=1", option, "-"], input="Mine.", **config_home)
    assert stale.exit_code == 1
    assert (
        f"  {option.removesuffix('-file')}\n      on the server now: From the other" in stale.stderr
    )
    assert "      you sent:          Mine.\n" in stale.stderr
    assert f"  casebook {kind} edit {record} {option} - --version 2\n" in stale.stderr
    assert "(with the same text piped to standard input again)" in stale.stderr
    held = api(scene, token, "GET", f"{path}/{record}").json()
    assert (held["version"], held[field]) == (2, "From the other laptop.")


def test_people_and_activities_filter_and_page(scene: Scene, config_home: Env) -> None:
    token = log_in(scene, config_home)
    mine = {"group_ids": [scene.group_id]}
    people = [
        api(scene, token, "POST", "/api/v1/people", json={"alias": alias, **mine}).json()["id"]
        for alias in ("Ana", "Beto", "Carla", "Dani", "Eva")
    ]
    activities = []
    for day, kind in enumerate(["protest", "press", "protest", "online-speech", "protest"], 1):
        body = {"kind": kind, "occurred_on": f"2024-05-0{day}", "title": f"Day {day} {kind}"}
        body |= {"person_ids": people[:day], "description": "march" if day == 2 else "", **mine}
        activities.append(api(scene, token, "POST", "/api/v1/activities", json=body).json()["id"])
    other_env = {"XDG_CONFIG_HOME": config_home["XDG_CONFIG_HOME"] + "-mateo"}
    other_token = log_in(scene, other_env, OTHER_EMAIL)
    theirs = {"alias": "Ana B.", "group_ids": [scene.other_group_id]}
    ana_b = api(scene, other_token, "POST", "/api/v1/people", json=theirs).json()["id"]

    page = invoke(["person", "list", "--json", "--limit", "2"], **config_home)
    assert [json.loads(line)["alias"] for line in page.stdout.splitlines()] == ["Ana", "Beto"]
    assert "More people match: use --all" in page.stderr
    everything = invoke(["person", "list", "--json", "--limit", "2", "--all"], **config_home)
    assert [json.loads(line)["id"] for line in everything.stdout.splitlines()] == people
    assert everything.stderr == ""
    assert json_ids(["person", "list", "--group", scene.group_id, "--text", "an"], config_home) == [
        people[0],
        people[3],
    ]
    assert json_ids(["person", "list", "--group", scene.other_group_id], config_home) == []
    assert json_ids(["person", "list", "--text", "Ana"], config_home) == [people[0]]
    assert json_ids(["person", "list", "--text", "Ana"], other_env) == [ana_b]

    page = invoke(["activity", "list", "--json", "--limit", "2"], **config_home)
    assert len(page.stdout.splitlines()) == 2
    assert "More activities match" in page.stderr
    everything = invoke(["activity", "list", "--json", "--limit", "2", "--all"], **config_home)
    assert [json.loads(line)["id"] for line in everything.stdout.splitlines()] == activities[::-1]
    assert everything.stderr == ""
    newest_first = activities[::-1]
    assert json_ids(["activity", "list", "--kind", "protest"], config_home) == [
        newest_first[0],
        newest_first[2],
        newest_first[4],
    ]
    assert json_ids(["activity", "list", "--person", people[3]], config_home) == newest_first[:2]
    between = ["activity", "list", "--from", "2024-05-02", "--to", "2024-05-03"]
    assert json_ids(between, config_home) == [activities[2], activities[1]]
    assert json_ids(["activity", "list", "--text", "march"], config_home) == [activities[1]]
    assert json_ids(["activity", "list", "--group", scene.group_id], config_home) == newest_first
    nothing = invoke(["activity", "list", "--kind", "art"], **config_home)
    assert (nothing.exit_code, nothing.stdout, nothing.stderr) == (0, "", "No activities match.\n")


def test_an_organizer_of_another_group_finds_nothing(scene: Scene, config_home: Env) -> None:
    token = log_in(scene, config_home)
    mine = {"group_ids": [scene.group_id]}
    person = api(scene, token, "POST", "/api/v1/people", json={"alias": "Rosa", **mine})
    body = {"kind": "press", "occurred_on": "2024-01-05", "title": "Interview", **mine}
    activity = api(scene, token, "POST", "/api/v1/activities", json=body)
    body = {"group_id": scene.group_id, "occurred_on": "2024-01-06", "tactics": ["ruse"]}
    incident = api(scene, token, "POST", "/api/v1/incidents", json=body)
    records = {
        "person": (person.json()["id"], ["--alias", "Renamed"]),
        "activity": (activity.json()["id"], ["--title", "Renamed"]),
        "incident": (incident.json()["id"], ["--region", "Oregon"]),
    }
    other_env = {"XDG_CONFIG_HOME": config_home["XDG_CONFIG_HOME"] + "-mateo"}
    log_in(scene, other_env, OTHER_EMAIL)

    for kind, (record, change) in records.items():
        for args in (
            [kind, "show", record],
            [kind, "edit", record, *change],
            [kind, "edit", record, "--version", "1", *change],
        ):
            result = invoke(args, **other_env)
            assert result.exit_code == 1, (args, result.output)
            assert result.stderr == "Error: Not found.\n", args
            assert result.stdout == ""
        assert shown(kind, record, config_home)["version"] == 1


def test_field_errors_name_the_options(scene: Scene, config_home: Env) -> None:
    log_in(scene, config_home)
    elsewhere = invoke(
        ["person", "add", "--group", scene.other_group_id, "--alias", "Rosa"], **config_home
    )
    assert elsewhere.exit_code == 1
    assert "  --group: you are not an organizer of group(s)" in elsewhere.stderr
    args = ["activity", "add", "--group", scene.group_id, "--kind", "picnic"]
    args += ["--date", "2999-01-01", "--title", "x", "--url", "ftp://example.org/x"]
    args += ["--person", str(uuid.uuid4())]
    wrong = invoke(args, **config_home)
    assert wrong.exit_code == 1
    lines = wrong.stderr.splitlines()
    assert lines[0] == "Error: Some fields need attention."
    assert "  --kind: unknown activity kind 'picnic'" in lines
    assert "  --date: cannot be in the future" in lines
    assert "  --url: must be an http:// or https:// address" in lines
    assert any(line.startswith("  --person: unknown person(s)") for line in lines)
    args = ["person", "add", "--group", scene.group_id, "--alias", "R", "--notes", "a"]
    both = invoke([*args, "--notes-file", "-"], input="b", **config_home)
    assert both.exit_code == 2
    assert "Give --notes or --notes-file, not both." in both.stderr
