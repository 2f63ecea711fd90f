"""What this device keeps about your keys, and opening your key bundle with it.

One JSON file, `$XDG_CONFIG_HOME/casebook/device.json` (or `~/.config/casebook/...`), readable
by its owner only, next to credentials.json: per server, the Secret Key of each account that
logged in here, and the newest membership-log head seen for each group (so that a server
cannot roll a group's log back unnoticed). The Secret Key never goes to the server; without it
(and the password) the key bundle the server stores opens nothing.

    {"format": "casebook.device", "version": 1,
     "servers": {SERVER: {"accounts": {EMAIL: {"secret_key": "CBSK1-..."}},
                          "log_heads": {GROUP_ID: LogHead JSON}}}}
"""

from __future__ import annotations

import fcntl
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from casebook.cli import credentials
from casebook.cli.api_client import Api
from casebook.cli.connection import reporting
from casebook.cli.prompts import read_password
from casebook.crypto.errors import CryptoFormatError, TamperedError
from casebook.crypto.kdf import (
    AccountKeys,
    KdfParams,
    TextFormatError,
    derive_account_keys,
    format_secret_key,
    parse_secret_key,
)
from casebook.crypto.keys import (
    KeyBundle,
    PublicIdentity,
    WrappedBundle,
    open_bundle,
    parse_wrapped_bundle,
)

FORMAT = "casebook.device"
VERSION = 1


def device_path() -> Path:
    return credentials.config_dir() / "device.json"


# --------------------------------------------------------------------------- the device file


def _read() -> dict[str, Any]:
    path = device_path()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {"format": FORMAT, "version": VERSION, "servers": {}}
    except (OSError, ValueError) as error:
        raise click.ClickException(
            f"{path} cannot be read ({type(error).__name__}): it holds your Secret Keys; "
            "restore it from a backup, or log in again with the Secret Key from your "
            "emergency kit after moving it aside."
        ) from error
    if not isinstance(data, dict) or data.get("format") != FORMAT or data.get("version") != 1:
        raise click.ClickException(f"{path} is not a Casebook device file (version 1).")
    return data


@contextmanager
def _updating() -> Iterator[dict[str, Any]]:
    """The device file's content, written back when the block ends; other casebook processes
    wait meanwhile, so that no update is lost."""
    directory = credentials.config_dir()
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    with (directory / ".device.lock").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        data = _read()
        yield data
        credentials.write_private(device_path(), data)


def _server(data: dict[str, Any], server: str) -> dict[str, Any]:
    entry: dict[str, Any] = data["servers"].setdefault(server, {})
    entry.setdefault("accounts", {})
    entry.setdefault("log_heads", {})
    return entry


def _email(email: str) -> str:
    return email.strip().lower()


def load_secret_key(server: str, email: str) -> bytes | None:
    """The Secret Key of `email` on `server` kept on this device, or None."""
    account = _read()["servers"].get(server, {}).get("accounts", {}).get(_email(email))
    if account is None:
        return None
    try:
        return parse_secret_key(str(account["secret_key"]))
    except (KeyError, TypeError, TextFormatError) as error:
        raise click.ClickException(
            f"The Secret Key for {_email(email)} in {device_path()} is damaged: log in again "
            "with the Secret Key from your emergency kit."
        ) from error


def save_secret_key(server: str, email: str, secret_key: bytes) -> None:
    with _updating() as data:
        _server(data, server)["accounts"][_email(email)] = {
            "secret_key": format_secret_key(secret_key)
        }


def load_log_head(server: str, group_id: str) -> dict[str, Any] | None:
    """The newest membership-log head of `group_id` this device has seen, or None."""
    head = _read()["servers"].get(server, {}).get("log_heads", {}).get(group_id)
    return head if isinstance(head, dict) else None


def save_log_head(server: str, group_id: str, head: dict[str, Any]) -> None:
    with _updating() as data:
        _server(data, server)["log_heads"][group_id] = head


def parse_key_text(kind: str, parse: Callable[[str], bytes], text: str) -> bytes:
    """A Secret Key or recovery code as typed, or a ClickException naming the typo."""
    try:
        return parse(text)
    except TextFormatError as error:
        raise click.ClickException(f"{kind}: {error}") from error


def ask_secret_key(when_empty: str) -> bytes | None:
    """The Secret Key from the emergency kit (hidden prompt, or the next line of standard
    input); None when the answer is empty."""
    text = read_password(
        f"Secret Key (from your emergency kit; press Enter {when_empty})", optional=True
    )
    return parse_key_text("Secret Key", parse_secret_key, text) if text.strip() else None


# --------------------------------------------------------------------------- unlocking


def parse_params(value: Any) -> KdfParams:
    """The Argon2id parameters a server sent, refused (with the reason) if weak: a malicious
    server may send weak ones to make the password cheap to guess."""
    try:
        return KdfParams.from_server(value)
    except CryptoFormatError as error:
        raise click.ClickException(str(error)) from error


def derive(password: str, secret_key: bytes, params: Any) -> AccountKeys:
    """Login credential and unwrap key from the password, the Secret Key and the parameters
    the server sent (about a second and 256 MiB of memory)."""
    return derive_account_keys(password, secret_key, parse_params(params))


def require_secret_key(server: str, email: str) -> bytes:
    secret_key = load_secret_key(server, email)
    if secret_key is None:
        raise click.ClickException(
            f"This device has no Secret Key for {_email(email)} on {server}: run `casebook "
            "login` on this device with your Secret Key (from your emergency kit)."
        )
    return secret_key


@dataclass(frozen=True)
class OpenedKeys:
    """One's key bundle opened with the password, with what a password change needs."""

    bundle: KeyBundle
    wrapped: WrappedBundle
    account_keys: AccountKeys
    secret_key: bytes
    version: int


def parse_bundle(value: Any) -> WrappedBundle:
    try:
        return parse_wrapped_bundle(value)
    except CryptoFormatError as error:
        raise click.ClickException(
            f"The server sent a key bundle that is unusable: {error}"
        ) from error


def check_own(api: Api, identity: PublicIdentity) -> None:
    """Refuse keys that belong to another account than the one logged in."""
    with reporting():
        account = api.get("/api/v1/me")
    if identity.user_id != str(account["id"]):
        raise click.ClickException(
            "The server sent the keys of another account: refusing to use them. Tell your "
            "coordinator: the server may be compromised."
        )


def open_keys(api: Api, server: str, email: str, password: str) -> OpenedKeys:
    secret_key = require_secret_key(server, email)
    with reporting():
        stored = api.get("/api/v1/me/keys")
    if not isinstance(stored, dict) or not {"kdf", "bundle", "version"} <= set(stored):
        raise click.ClickException("The server's answer for your keys is malformed.")
    params = parse_params(stored["kdf"])
    wrapped = parse_bundle(stored["bundle"])
    keys = derive_account_keys(password, secret_key, params)
    try:
        bundle = open_bundle(wrapped, keys.unwrap_key)
    except TamperedError as error:
        raise click.ClickException(
            "Wrong password: your keys do not open with it and this device's Secret Key."
        ) from error
    except CryptoFormatError as error:
        raise click.ClickException(f"Your key bundle is unusable: {error}") from error
    check_own(api, bundle.identity)
    return OpenedKeys(bundle, wrapped, keys, secret_key, int(stored["version"]))


def unlock(api: Api, server: str, email: str, password: str) -> KeyBundle:
    """Open the logged-in account's key bundle with `password` and this device's Secret Key.
    Raises click.ClickException when this device has no Secret Key, the password is wrong,
    the server sent weak parameters, or the bundle is not the account's own."""
    return open_keys(api, server, email, password).bundle
