"""Unlocking your keys for a command that needs them: your password, asked once."""

from __future__ import annotations

from casebook.cli import credentials, keyring
from casebook.cli.api_client import Api
from casebook.cli.prompts import read_password
from casebook.crypto.keys import KeyBundle


def unlock_keys(api: Api) -> KeyBundle:
    """Ask for the password of the stored login (hidden prompt, or one line on standard input)
    and open your key bundle with it and this device's Secret Key."""
    stored = credentials.load()
    password = read_password(f"Password for {stored.email} (unlocks your keys)")
    return keyring.unlock(api, stored.server, stored.email, password)
