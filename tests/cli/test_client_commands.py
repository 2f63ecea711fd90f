"""The client commands against a real server process: log in, record, list, show, log out."""

from __future__ import annotations

import json
import stat
import uuid

import pytest

from casebook.cli import credentials
from casebook.cli.api_client import EXPIRED
from tests.cli.conftest import EMAIL, Scene, api, free_port, invoke, log_in, stored_file
from tests.conftest import PASSWORD

NARRATIVE = (
    "Two agents in an unmarked car followed Rosa home from the vigil outside the detention "
    "center and photographed the house.\nThey came back the next morning."
)


def test_log_in_record_list_show_and_log_out(scene: Scene, config_home: dict[str, str]) -> None:
    token = log_in(scene, config_home)
    path = stored_file(config_home)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    stored = json.loads(path.read_text())
    assert stored["server"] == scene.url
    assert stored["email"] == EMAIL
    assert "password" not in path.read_text()
    me = api(scene, token, "GET", "/api/v1/me")
    assert me.json()["email"] == EMAIL

    body = {"alias": "Rosa", "group_ids": [scene.group_id]}
    person = api(scene, token, "POST", "/api/v1/people", json=body).json()["id"]
    args = ["incident", "add", "--group", scene.group_id, "--date", "2024-03-14", "--time", "21:30"]
    args += ["--tactic", "physical-following", "--tactic", "photographing-or-filming"]
    args += ["--agency", "ice-ero", "--person", f"{person}:target", "--city", "Seattle"]
    args += ["--region", "Washington", "--source-kind", "witness", "--narrative-file", "-"]
    added = invoke(args, input=NARRATIVE, **config_home)
    assert added.exit_code == 0, added.output
    first = str(uuid.UUID(added.stdout.strip()))
    args = ["incident", "add", "--group", scene.group_id, "--date", "2023-07"]
    args += ["--tactic", "social-media-monitoring", "--region", "Washington"]
    args += ["--narrative", "Posts about the march were screenshotted by a county account."]
    older = invoke(args, **config_home)
    assert older.exit_code == 0, older.output
    second = older.stdout.strip()

    listed = invoke(["incident", "list"], **config_home)
    assert listed.exit_code == 0, listed.output
    header, *rows = listed.stdout.splitlines()
    assert header.split() == ["DATE", "REGION", "TACTICS", "NARRATIVE", "ID"]
    assert len(rows) == 2
    assert rows[0].startswith("2024-03-14")
    assert rows[0].endswith(first)
    assert "photographing-or-filming,physical-following" in rows[0]
    assert NARRATIVE[:59] in rows[0]
    assert NARRATIVE[:61] not in rows[0]
    assert rows[1].startswith("2023-07 ")
    assert rows[1].endswith(second)

    as_json = invoke(["incident", "list", "--json"], **config_home)
    items = [json.loads(line) for line in as_json.stdout.splitlines()]
    assert [i["id"] for i in items] == [first, second]
    assert items[0]["people"] == [{"person_id": person, "role": "target"}]
    assert items[1]["occurred_on"] == "2023-07-01"
    assert items[1]["date_precision"] == "month"

    filtered = invoke(
        ["incident", "list", "--json", "--tactic", "social-media-monitoring"], **config_home
    )
    assert [json.loads(line)["id"] for line in filtered.stdout.splitlines()] == [second]
    recent = invoke(["incident", "list", "--json", "--from", "2024-01-01"], **config_home)
    assert [json.loads(line)["id"] for line in recent.stdout.splitlines()] == [first]
    nothing = invoke(["incident", "list", "--text", "no such words"], **config_home)
    assert nothing.exit_code == 0
    assert (nothing.stdout, nothing.stderr) == ("", "No incidents match.\n")

    shown = invoke(["incident", "show", first], **config_home)
    assert shown.exit_code == 0, shown.output
    assert "Date:         2024-03-14 21:30" in shown.stdout
    assert "Place:        Seattle, Washington, US" in shown.stdout
    assert f"People:       {person} (target)" in shown.stdout
    assert "Source:       witness" in shown.stdout
    assert shown.stdout.rstrip().endswith(NARRATIVE)
    shown_json = json.loads(invoke(["incident", "show", first, "--json"], **config_home).stdout)
    assert shown_json == items[0]

    logged_out = invoke(["logout"], **config_home)
    assert logged_out.exit_code == 0, logged_out.output
    assert not path.exists()
    assert api(scene, token, "GET", "/api/v1/me").status_code == 401
    after = invoke(["incident", "list"], **config_home)
    assert after.exit_code == 1
    assert "You are not logged in: run `casebook login" in after.stderr


def test_server_refusals_show_each_field_message(scene: Scene, config_home: dict[str, str]) -> None:
    log_in(scene, config_home)
    args = ["incident", "add", "--group", scene.group_id, "--date", "2999-01-01"]
    args += ["--tactic", "no-such-tactic", "--narrative", "x"]
    result = invoke(args, **config_home)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "Error: Some fields need attention." in result.stderr
    assert "  --date: cannot be in the future" in result.stderr
    assert "  --tactic: unknown tactics id(s): no-such-tactic" in result.stderr

    args = ["incident", "add", "--group", scene.other_group_id, "--date", "2024-01-01"]
    elsewhere = invoke([*args, "--tactic", "ruse"], **config_home)
    assert elsewhere.exit_code == 1
    assert "  --group: you are not an organizer of group(s)" in elsewhere.stderr
    missing = invoke(["incident", "show", str(uuid.uuid4())], **config_home)
    assert missing.exit_code == 1
    assert "Not found." in missing.stderr


def test_a_revoked_token_asks_to_log_in_again(scene: Scene, config_home: dict[str, str]) -> None:
    token = log_in(scene, config_home)
    token_id = json.loads(stored_file(config_home).read_text())["token_id"]
    assert api(scene, token, "DELETE", f"/api/v1/auth/tokens/{token_id}").status_code == 204
    result = invoke(["incident", "list"], **config_home)
    assert result.exit_code == 1
    assert result.stderr == f"Error: {EXPIRED}\n"
    assert EXPIRED == "Your token is missing or expired: run `casebook login`."
    logged_out = invoke(["logout"], **config_home)
    assert logged_out.exit_code == 0
    assert "already expired or been revoked" in logged_out.stdout
    assert not stored_file(config_home).exists()


def test_logging_in_again_revokes_the_previous_token(
    scene: Scene, config_home: dict[str, str]
) -> None:
    first = log_in(scene, config_home)
    second = log_in(scene, config_home)
    assert first != second
    assert api(scene, first, "GET", "/api/v1/me").status_code == 401
    assert api(scene, second, "GET", "/api/v1/me").status_code == 200


def test_a_wrong_password_stores_nothing(scene: Scene, config_home: dict[str, str]) -> None:
    result = invoke(
        ["login", "--server", scene.url, "--email", EMAIL],
        input="not the password at all\n",
        **config_home,
    )
    assert result.exit_code == 1
    assert "Email or password is incorrect." in result.stderr
    assert not stored_file(config_home).exists()


def test_list_all_follows_the_cursor(scene: Scene, config_home: dict[str, str]) -> None:
    token = log_in(scene, config_home)
    for day in range(1, 6):
        body = {"group_id": scene.group_id, "occurred_on": f"2024-02-0{day}", "tactics": ["ruse"]}
        assert api(scene, token, "POST", "/api/v1/incidents", json=body).status_code == 201
    page = invoke(["incident", "list", "--json", "--limit", "2"], **config_home)
    assert len(page.stdout.splitlines()) == 2
    assert "More incidents match" in page.stderr
    everything = invoke(["incident", "list", "--json", "--limit", "2", "--all"], **config_home)
    assert everything.exit_code == 0, everything.output
    dates = [json.loads(line)["occurred_on"] for line in everything.stdout.splitlines()]
    assert dates == [f"2024-02-0{day}" for day in range(5, 0, -1)]
    assert everything.stderr == ""


def test_terminal_control_characters_in_narratives_are_not_printed(
    scene: Scene, config_home: dict[str, str]
) -> None:
    token = log_in(scene, config_home)
    body = {
        "group_id": scene.group_id,
        "occurred_on": "2024-02-01",
        "tactics": ["ruse"],
        "narrative": "\x1b]0;owned\x07\x1b[2Jcleared \u202eright-to-left",
        "region": "Wash\x1b[31mington",
    }
    created = api(scene, token, "POST", "/api/v1/incidents", json=body).json()["id"]
    for command in (["incident", "list"], ["incident", "show", created]):
        result = invoke(command, **config_home)
        assert result.exit_code == 0, result.output
        assert not any(ch in result.output for ch in "\x1b\x07\u202e")
        assert "cleared right-to-left" in result.output


def test_an_unreachable_server_is_named(config_home: dict[str, str]) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    result = invoke(["login", "--server", url, "--email", EMAIL], input="whatever\n", **config_home)
    assert result.exit_code == 1
    assert f"Could not connect to the Casebook server at {url}" in result.stderr


def test_logout_keeps_a_token_it_could_not_revoke(
    config_home: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", config_home["XDG_CONFIG_HOME"])
    path = credentials.save(
        credentials.Credentials(
            server=f"http://127.0.0.1:{free_port()}",
            email=EMAIL,
            token_id=str(uuid.uuid4()),
            expires_at="2030-01-01T00:00:00Z",
            token="cbt_not-a-real-token",
        )
    )
    result = invoke(["logout"])
    assert result.exit_code == 1
    assert "still stored" in result.stderr
    assert path.exists()


def test_plain_http_to_another_machine_is_refused(config_home: dict[str, str]) -> None:
    result = invoke(
        ["login", "--server", "http://casebook.example.org", "--email", EMAIL],
        input=f"{PASSWORD}\n",
        **config_home,
    )
    assert result.exit_code == 2
    assert "over plain http" in result.stderr
