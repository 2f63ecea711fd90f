"""`casebook password change` and `casebook recover`: a new password for one's keys.

Either way the key pairs stay the same (the same identity and safety number): the client
re-wraps the private keys under the new password, sends new Argon2id parameters and the new
login credential, and proves the current one (the old password's credential, or the recovery
code's). The server then ends every other session and API token of the account."""

from __future__ import annotations

from typing import Any

import click

from casebook.access.policy import load_policies
from casebook.accounts.passwords import password_problems
from casebook.cli import credentials, keyring
from casebook.cli.api_client import Api, ApiError
from casebook.cli.connection import logged_in, reporting, server_url
from casebook.cli.enrolment import KEYS, show_emergency_kit
from casebook.cli.prompts import read_password
from casebook.cli.session import store_login
from casebook.config import REPO_ROOT
from casebook.crypto.errors import CryptoFormatError
from casebook.crypto.kdf import (
    KdfParams,
    derive_account_keys,
    derive_recovery_keys,
    generate_recovery_code,
    generate_secret_key,
    parse_recovery_code,
)
from casebook.crypto.keys import (
    KeyBundle,
    WrappedBundle,
    open_bundle_with_recovery,
    rewrap_for_new_recovery_code,
    rewrap_opened,
)

LOGGED_OUT_ELSEWHERE = (
    "Every other device and browser session of your account was logged out: log in there "
    "again with the new password (and your Secret Key)."
)


@click.group()
def password() -> None:
    """Your password."""


@password.command("change")
def change() -> None:
    """Change your password.

    Asks for your current password, then the new one twice, at hidden prompts (piped to
    standard input: the current password on the first line, the new one on the second). Your
    keys stay the same; the Secret Key and recovery code in your emergency kit stay valid.
    """
    with reporting():
        stored = credentials.load()
    current = read_password(f"Current password for {stored.email}")
    new = read_new_password(stored.email)
    with logged_in() as api:
        opened = keyring.open_keys(api, stored.server, stored.email, current)
        params = KdfParams.generate()
        keys = derive_account_keys(new, opened.secret_key, params)
        upload(
            api,
            params,
            rewrap_opened(opened.wrapped, opened.bundle, keys.unwrap_key),
            login_credential=keys.login_credential,
            current_credential=opened.account_keys.login_credential,
            version=opened.version,
        )
    click.echo(f"Your password is changed. {LOGGED_OUT_ELSEWHERE}")


@click.command()
@click.option("--server", required=True, metavar="URL", help="Address of the Casebook server.")
@click.option("--email", required=True, help="The email address of your account.")
@click.option(
    "--label",
    default="casebook CLI",
    show_default=True,
    help="A name for this login in your list of API tokens.",
)
def recover(server: str, email: str, label: str) -> None:
    """Forgot your password? Set a new one with the recovery code from your emergency kit.

    Asks for the recovery code, then a new password (twice at a terminal), and, if this device
    does not know your Secret Key, the Secret Key from your kit (press Enter if you lost it
    too: a new one is made). Piped to standard input: one line each, in that order. Then shows
    a new emergency kit, once: the old recovery code no longer works. You stay logged in here.
    """
    server, email = server_url(server), email.strip().lower()
    code_text = read_password("Recovery code (from your emergency kit)")
    recovery = derive_recovery_keys(
        keyring.parse_key_text("Recovery code", parse_recovery_code, code_text)
    )
    new = read_new_password(email)
    secret_key = keyring.load_secret_key(server, email) or keyring.ask_secret_key(
        "if you lost it: a new one is made"
    )
    with reporting(), Api(server) as api:
        issued = _recovery_token(api, email, recovery.login_credential, label)
    with reporting(), Api(server, str(issued["token"])) as api:
        stored = api.get(KEYS)
        wrapped = keyring.parse_bundle(stored["bundle"])
        bundle = _open_with_recovery(wrapped, recovery.recovery_key)
        keyring.check_own(api, bundle.identity)
        secret_key = secret_key or generate_secret_key()
        params = KdfParams.generate()
        keys = derive_account_keys(new, secret_key, params)
        code = generate_recovery_code()
        new_recovery = derive_recovery_keys(code)
        rewrapped = rewrap_opened(wrapped, bundle, keys.unwrap_key)
        upload(
            api,
            params,
            rewrap_for_new_recovery_code(rewrapped, bundle, new_recovery.recovery_key),
            login_credential=keys.login_credential,
            current_credential=recovery.login_credential,
            version=int(stored["version"]),
            recovery_credential=new_recovery.login_credential,
        )
    show_emergency_kit(server, email, secret_key, code, bundle.identity)
    keyring.save_secret_key(server, email, secret_key)
    store_login(server, email, issued)
    click.echo(f"Your password is changed and you are logged in. {LOGGED_OUT_ELSEWHERE}")


def read_new_password(email: str) -> str:
    """A new password (twice at a terminal), checked against the password rules here: the
    server only ever sees what is derived from it."""
    new = read_password("New password", confirm=True)
    rules = load_policies(REPO_ROOT / "policies").passwords
    problems = password_problems(new, rules, email)
    if problems:
        raise click.ClickException(f"The new password {problems[0].message}.")
    return new


def upload(
    api: Api,
    params: KdfParams,
    wrapped: WrappedBundle,
    *,
    login_credential: str,
    current_credential: str,
    version: int,
    recovery_credential: str | None = None,
) -> None:
    body: dict[str, Any] = {
        "kdf": params.to_json(),
        "bundle": wrapped.to_json(),
        "login_credential": login_credential,
        "current_credential": current_credential,
        "version": version,
    }
    if recovery_credential is not None:
        body["recovery_credential"] = recovery_credential
    with reporting():
        api.put(KEYS, body)


def _recovery_token(api: Api, email: str, credential: str, label: str) -> dict[str, Any]:
    body = {"email": email, "recovery_credential": credential, "label": label}
    try:
        issued: dict[str, Any] = api.post("/api/v1/auth/recovery-tokens", body)
    except ApiError as error:
        if error.status != 401:
            raise
        raise click.ClickException("Email or recovery code is incorrect.") from error
    return issued


def _open_with_recovery(wrapped: WrappedBundle, recovery_key: bytes) -> KeyBundle:
    try:
        return open_bundle_with_recovery(wrapped, recovery_key)
    except CryptoFormatError as error:
        raise click.ClickException(
            f"Your keys do not open with this recovery code: {error}"
        ) from error
