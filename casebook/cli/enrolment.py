"""New account keys at the first login, and the emergency kit that is shown once.

Enrolment makes, on this device: a Secret Key, a recovery code, Argon2id parameters (libsodium's
MODERATE, a fresh salt) and a key bundle wrapped under the password-derived unwrap key and the
recovery key. The server receives the bundle, the parameters and the two derived login
credentials; from then on the password alone no longer logs in anywhere."""

from __future__ import annotations

from typing import Any

import click

from casebook.cli import keyring
from casebook.cli.api_client import Api
from casebook.cli.connection import reporting
from casebook.crypto.fingerprints import identity_safety_number
from casebook.crypto.kdf import (
    KdfParams,
    derive_account_keys,
    derive_recovery_keys,
    format_recovery_code,
    format_secret_key,
    generate_recovery_code,
    generate_secret_key,
)
from casebook.crypto.keys import PublicIdentity, create_bundle

KEYS = "/api/v1/me/keys"


def enrol(api: Api, server: str, email: str, password: str) -> None:
    """Make and upload the account's keys, show the emergency kit, keep the Secret Key here."""
    with reporting():
        account = api.get("/api/v1/me")
    secret_key, code = generate_secret_key(), generate_recovery_code()
    params = KdfParams.generate()
    keys = derive_account_keys(password, secret_key, params)
    recovery = derive_recovery_keys(code)
    bundle, wrapped = create_bundle(str(account["id"]), keys.unwrap_key, recovery.recovery_key)
    body: dict[str, Any] = {
        "kdf": params.to_json(),
        "bundle": wrapped.to_json(),
        "login_credential": keys.login_credential,
        "recovery_credential": recovery.login_credential,
    }
    with reporting():
        api.put(KEYS, body)
    show_emergency_kit(server, email, secret_key, code, bundle.identity)
    keyring.save_secret_key(server, email, secret_key)


def show_emergency_kit(
    server: str, email: str, secret_key: bytes, recovery_code: bytes, identity: PublicIdentity
) -> None:
    """The kit, on the terminal only: it is shown this once and never stored or sent."""
    lines = [
        "",
        "=" * 72,
        "CASEBOOK EMERGENCY KIT (shown only now: print it or write it down, and keep it",
        "offline, somewhere safe; never in email, chat or a cloud drive)",
        "",
        f"  Server:         {server}",
        f"  Email:          {email}",
        f"  Secret Key:     {format_secret_key(secret_key)}",
        f"  Recovery code:  {format_recovery_code(recovery_code)}",
        "",
        "  Your safety number (others compare it to check your keys):",
        *(f"    {row}" for row in safety_rows(identity)),
        "",
        "On a new device, log in with your password and the Secret Key. If you forget your",
        "password: `casebook recover` with the recovery code. Nobody, not even an admin, can",
        "recover your keys without them.",
        "=" * 72,
        "",
    ]
    click.echo("\n".join(lines))


def safety_rows(identity: PublicIdentity) -> list[str]:
    """The identity's safety number in 3 rows of 4 groups, for reading aloud."""
    groups = identity_safety_number(identity).split()
    return [" ".join(groups[row : row + 4]) for row in range(0, len(groups), 4)]
