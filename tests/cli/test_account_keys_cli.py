"""Account keys from the command line against a real server process: enrolment at the first
login and its emergency kit, logging in on a new device with the Secret Key, password change,
recovery with the recovery code, safety numbers, and refusing weak parameters from a server.

Each Argon2id derivation (libsodium MODERATE) costs about a second and 256 MiB: the tests
count on a handful each."""

from __future__ import annotations

import json
import re
import stat
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import click
import httpx
import pytest

from casebook.cli import credentials, keyring
from casebook.cli.api_client import Api
from casebook.crypto.kdf import format_secret_key, generate_secret_key
from tests.cli.conftest import EMAIL, Scene, api, invoke, stored_file
from tests.conftest import PASSWORD

NEW_PASSWORD = "lanterns drift past the old mill"
SECRET_KEY_TEXT = re.compile(r"Secret Key:\s+(CBSK1-[0-9A-Z-]+)")
RECOVERY_CODE_TEXT = re.compile(r"Recovery code:\s+(CBRC1-[0-9A-Z-]+)")
SAFETY_ROW = re.compile(r"^\s+(\d{5} \d{5} \d{5} \d{5})$", re.MULTILINE)


def device(tmp_path: Path, name: str) -> dict[str, str]:
    """The environment of another device: a configuration directory of its own."""
    return {"XDG_CONFIG_HOME": str(tmp_path / name)}


def device_file(home: dict[str, str]) -> Path:
    return Path(home["XDG_CONFIG_HOME"]) / "casebook" / "device.json"


def login(scene: Scene, home: dict[str, str], *lines: str) -> Any:
    return invoke(
        ["login", "--server", scene.url, "--email", EMAIL],
        input="".join(f"{x}\n" for x in lines),
        **home,
    )


def first_login(scene: Scene, home: dict[str, str]) -> dict[str, Any]:
    """Log in for the first time (enrolment); the kit as printed."""
    result = login(scene, home, PASSWORD, "")
    assert result.exit_code == 0, result.output
    kit = result.stdout
    secret_key = SECRET_KEY_TEXT.search(kit)
    code = RECOVERY_CODE_TEXT.search(kit)
    assert secret_key is not None, kit
    assert code is not None, kit
    return {
        "secret_key": secret_key.group(1),
        "recovery_code": code.group(1),
        "safety": SAFETY_ROW.findall(kit),
        "token": token_of(home),
    }


def token_of(home: dict[str, str]) -> str:
    token: str = json.loads(stored_file(home).read_text())["token"]
    return token


def token_login(scene: Scene, secret: str) -> int:
    response = httpx.post(
        scene.url + "/api/v1/auth/tokens", json={"email": EMAIL, "password": secret}
    )
    return response.status_code


def safety_shown(home: dict[str, str]) -> list[str]:
    result = invoke(["keys", "show"], **home)
    assert result.exit_code == 0, result.output
    return SAFETY_ROW.findall(result.stdout)


def unlock(
    scene: Scene, home: dict[str, str], password: str, monkeypatch: pytest.MonkeyPatch
) -> str:
    """Open the bundle as `casebook vault` will; the identity's user id."""
    monkeypatch.setenv("XDG_CONFIG_HOME", home["XDG_CONFIG_HOME"])
    stored = credentials.load()
    with Api(stored.server, stored.token) as client:
        bundle = keyring.unlock(client, stored.server, stored.email, password)
    return bundle.identity.user_id


def test_the_first_login_makes_keys_and_a_new_device_needs_the_secret_key(
    scene: Scene, tmp_path: Path
) -> None:
    laptop = device(tmp_path, "laptop")
    kit = first_login(scene, laptop)
    assert len(kit["safety"]) == 3
    stored = device_file(laptop)
    assert stat.S_IMODE(stored.stat().st_mode) == 0o600
    assert stat.S_IMODE(stored.parent.stat().st_mode) == 0o700
    assert kit["secret_key"] in stored.read_text()
    assert kit["recovery_code"] not in stored.read_text()
    assert kit["recovery_code"] not in stored_file(laptop).read_text()
    me = api(scene, kit["token"], "GET", "/api/v1/me/keys")
    assert me.status_code == 200, me.text
    assert kit["secret_key"] not in me.text
    assert token_login(scene, PASSWORD) == 401, "the password alone must no longer log in"

    again = login(scene, laptop, PASSWORD)  # this device knows the Secret Key: no question
    assert again.exit_code == 0, again.output
    assert "EMERGENCY KIT" not in again.output
    assert safety_shown(laptop) == kit["safety"]

    phone = device(tmp_path, "phone")
    without = login(scene, phone, PASSWORD, "")
    assert without.exit_code == 1
    assert "Secret Key from your emergency kit" in without.stderr
    last = kit["secret_key"][-1]
    typo = login(scene, phone, PASSWORD, kit["secret_key"][:-1] + ("1" if last == "0" else "0"))
    assert typo.exit_code == 1
    assert "typo" in typo.stderr
    with_key = login(scene, phone, PASSWORD, kit["secret_key"].lower())
    assert with_key.exit_code == 0, with_key.output
    assert "EMERGENCY KIT" not in with_key.output
    assert safety_shown(phone) == kit["safety"]
    assert PASSWORD not in with_key.output


def test_a_password_change_rewraps_and_logs_out_other_devices(
    scene: Scene, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    laptop, phone, tablet = (device(tmp_path, n) for n in ("laptop", "phone", "tablet"))
    kit = first_login(scene, laptop)
    assert login(scene, phone, PASSWORD, kit["secret_key"]).exit_code == 0
    phone_token = token_of(phone)

    wrong = invoke(["password", "change"], input=f"not my password\n{NEW_PASSWORD}\n", **laptop)
    assert wrong.exit_code == 1
    assert "Wrong password" in wrong.stderr
    weak = invoke(["password", "change"], input=f"{PASSWORD}\nshort\n", **laptop)
    assert weak.exit_code == 1
    assert "at least" in weak.stderr

    changed = invoke(["password", "change"], input=f"{PASSWORD}\n{NEW_PASSWORD}\n", **laptop)
    assert changed.exit_code == 0, changed.output
    assert "log in there again" in changed.stdout
    assert api(scene, phone_token, "GET", "/api/v1/me").status_code == 401
    assert api(scene, kit["token"], "GET", "/api/v1/me").status_code == 200

    old = login(scene, tablet, PASSWORD, kit["secret_key"])
    assert old.exit_code == 1
    assert login(scene, tablet, NEW_PASSWORD, kit["secret_key"]).exit_code == 0
    assert unlock(scene, laptop, NEW_PASSWORD, monkeypatch) == str(scene.organizer.id)
    assert safety_shown(tablet) == kit["safety"]


def test_recovery_with_the_code_sets_a_new_password_and_a_new_code(
    scene: Scene, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    laptop, spare, other = (device(tmp_path, n) for n in ("laptop", "spare", "other"))
    kit = first_login(scene, laptop)

    args = ["recover", "--server", scene.url, "--email", EMAIL]
    lines = f"{kit['recovery_code']}\n{NEW_PASSWORD}\n{kit['secret_key']}\n"
    recovered = invoke(args, input=lines, **spare)
    assert recovered.exit_code == 0, recovered.output
    new_code = RECOVERY_CODE_TEXT.search(recovered.stdout)
    assert new_code is not None, recovered.stdout
    assert new_code.group(1) != kit["recovery_code"]
    assert kit["secret_key"] in recovered.stdout, "the Secret Key given is kept"
    assert SAFETY_ROW.findall(recovered.stdout) == kit["safety"]
    assert api(scene, kit["token"], "GET", "/api/v1/me").status_code == 401
    assert api(scene, token_of(spare), "GET", "/api/v1/me").status_code == 200

    reused = invoke(args, input=lines, **other)
    assert reused.exit_code == 1
    assert "Email or recovery code is incorrect." in reused.stderr
    assert unlock(scene, spare, NEW_PASSWORD, monkeypatch) == str(scene.organizer.id)
    assert login(scene, other, NEW_PASSWORD, kit["secret_key"]).exit_code == 0


def test_unlocking_needs_this_devices_secret_key(
    scene: Scene, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    laptop = device(tmp_path, "laptop")
    first_login(scene, laptop)
    device_file(laptop).unlink()
    with pytest.raises(click.ClickException, match="run `casebook login` on this device"):
        unlock(scene, laptop, PASSWORD, monkeypatch)


# --- a server that sends weak parameters -----------------------------------------------------

WEAK = {"alg": "argon2id13", "opslimit": 1, "memlimit": 8192, "salt": "AAAAAAAAAAAAAAAAAAAAAA"}


class WeakParamsServer(BaseHTTPRequestHandler):
    """Answers login parameters and keys with cheap Argon2id parameters; records every path."""

    requests: list[str] = []

    def do_POST(self) -> None:
        self._answer({**WEAK})

    def do_GET(self) -> None:
        self._answer({"kdf": {**WEAK}, "bundle": {}, "version": 1})

    def _answer(self, body: dict[str, Any]) -> None:
        self.requests.append(f"{self.command} {self.path}")
        payload = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def weak_server() -> Iterator[str]:
    WeakParamsServer.requests = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), WeakParamsServer)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_weak_parameters_from_a_server_are_refused(
    weak_server: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = device(tmp_path, "laptop")
    monkeypatch.setenv("XDG_CONFIG_HOME", home["XDG_CONFIG_HOME"])
    secret_key = format_secret_key(generate_secret_key())
    result = invoke(
        ["login", "--server", weak_server, "--email", EMAIL], input=f"{PASSWORD}\n{secret_key}\n"
    )
    assert result.exit_code == 1
    assert "refusing Argon2id parameters opslimit=1" in result.stderr
    assert WeakParamsServer.requests == ["POST /api/v1/auth/kdf-params"], "nothing was sent"

    keyring.save_secret_key(weak_server, EMAIL, generate_secret_key())
    with (
        Api(weak_server, "cbt_whatever") as client,
        pytest.raises(click.ClickException, match="weaker than the minimum"),
    ):
        keyring.unlock(client, weak_server, EMAIL, PASSWORD)
