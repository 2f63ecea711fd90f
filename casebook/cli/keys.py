"""`casebook keys show`: your identity's safety number, for others to check your keys."""

from __future__ import annotations

import click

from casebook.cli import keyring
from casebook.cli.connection import logged_in
from casebook.cli.enrolment import KEYS, safety_rows
from casebook.crypto.errors import CryptoFormatError


@click.group()
def keys() -> None:
    """Your keys."""


@keys.command("show")
def show() -> None:
    """Show your safety number.

    Read it aloud to the people you work with (in person or on a call): the number they see
    for you must be the same. A different one means the server gave them keys that are not
    yours. Needs no password: it is computed from your public keys.
    """
    with logged_in() as api:
        identity = keyring.parse_bundle(api.get(KEYS)["bundle"]).identity
        try:
            identity.verify()
        except CryptoFormatError as error:
            raise click.ClickException(str(error)) from error
        keyring.check_own(api, identity)
    click.echo("Your safety number:")
    for row in safety_rows(identity):
        click.echo(f"  {row}")
