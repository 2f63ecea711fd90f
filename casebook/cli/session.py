"""`casebook login` and `casebook logout`: the API token the client commands use."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import click

from casebook.cli import credentials, keyring
from casebook.cli.api_client import Api, ApiError
from casebook.cli.connection import reporting, server_url
from casebook.cli.credentials import Credentials
from casebook.cli.enrolment import enrol
from casebook.cli.prompts import read_password


@click.command()
@click.option(
    "--server",
    required=True,
    metavar="URL",
    help="Address of the Casebook server, e.g. https://casebook.example.org. Later commands "
    "use the server you logged in to.",
)
@click.option("--email", required=True, help="The email address of your account.")
@click.option(
    "--label",
    default="casebook CLI",
    show_default=True,
    help="A name for this login in your list of API tokens. Avoid names that identify you or "
    "your device.",
)
def login(server: str, email: str, label: str) -> None:
    """Log in and keep an API token for the other client commands.

    Asks for your password at a hidden prompt, then, if this device does not know your Secret
    Key yet, for the Secret Key from your emergency kit (press Enter at your very first
    login: Casebook then makes your keys and shows your emergency kit once). Piped to standard
    input instead: the password on the first line, the Secret Key (or an empty line) on the
    second. The password never reaches the server once your keys exist: what is sent is
    derived from it and the Secret Key, which stays on this device.

    The token, never the password, is stored in ~/.config/casebook/credentials.json
    ($XDG_CONFIG_HOME/casebook/ when set) and the Secret Key in device.json next to it, both
    readable by you only. The token lasts 30 days unless the server's policy says otherwise;
    `casebook logout` ends it sooner. Logging in again replaces, and revokes, the stored
    token.
    """
    server, email = server_url(server), email.strip().lower()
    password = read_password(f"Password for {email}")
    known_key = keyring.load_secret_key(server, email)
    secret_key = known_key or keyring.ask_secret_key("if this is your first login")
    with reporting(), Api(server) as api:
        if secret_key is None:
            issued = _first_login(api, email, password, label)
        else:
            params = api.post("/api/v1/auth/kdf-params", {"email": email})
            keys = keyring.derive(password, secret_key, params)
            issued = _issue(api, email, keys.login_credential, label)
    path = store_login(server, email, issued)
    if secret_key is None:
        with Api(server, str(issued["token"])) as api:
            enrol(api, server, email, password)
    elif known_key is None:
        keyring.save_secret_key(server, email, secret_key)
    click.echo(f"Logged in to {server} as {email}.")
    click.echo(f"Your token is stored in {path} and expires {_when(str(issued['expires_at']))}.")


def _issue(api: Api, email: str, secret: str, label: str) -> dict[str, Any]:
    issued: dict[str, Any] = api.post(
        "/api/v1/auth/tokens", {"email": email, "password": secret, "label": label}
    )
    return issued


def _first_login(api: Api, email: str, password: str, label: str) -> dict[str, Any]:
    try:
        return _issue(api, email, password, label)
    except ApiError as error:
        if error.status != 401:
            raise
        raise click.ClickException(
            f"{error.detail} If you have logged in to Casebook before (on any device), "
            "your password alone no longer logs in: run `casebook login` again and give the "
            "Secret Key from your emergency kit."
        ) from error


def store_login(server: str, email: str, issued: dict[str, Any]) -> Path:
    """Keep the new API token, and revoke the one it replaces."""
    try:
        previous: Credentials | None = credentials.load()
    except credentials.NotLoggedIn:
        previous = None
    path = credentials.save(
        Credentials(
            server=server,
            email=email,
            token_id=str(issued["id"]),
            expires_at=str(issued["expires_at"]),
            token=str(issued["token"]),
        )
    )
    if previous is not None and previous.token_id != str(issued["id"]):
        _revoke_quietly(previous)
    return path


@click.command("accept-invite")
@click.option(
    "--server",
    required=True,
    metavar="URL",
    help="Address of the Casebook server the invitation came from.",
)
@click.option(
    "--name",
    required=True,
    help="The name others on Casebook see for you; it need not be your legal name.",
)
def accept_invite(server: str, name: str) -> None:
    """Accept an invitation and choose your password.

    Asks for the invitation token your admin gave you and then for a new password (15 to 128
    characters; a few unrelated words work well), both at hidden prompts. Piped to standard
    input instead: the token on the first line, the password on the second. Neither is ever
    taken from the command line, where the shell history would keep it. Then log in with
    `casebook login`.
    """
    server = server_url(server)
    token = read_password("Invitation token")
    password = read_password("New password", confirm=True)
    with reporting(), Api(server) as api:
        account = api.post(
            "/api/v1/invitations/accept",
            {"token": token, "display_name": name, "password": password},
        )
    click.echo(
        f"Welcome, {account['display_name']}: your {account['role']} account "
        f"{account['email']} is ready. Log in with `casebook login --server {server} "
        f"--email {account['email']}`."
    )


@click.command()
def logout() -> None:
    """Log out: revoke the stored API token on the server, then delete it here.

    If the server cannot be reached the token is kept, so that it can still be revoked: run
    `casebook logout` again later.
    """
    try:
        stored = credentials.load()
    except credentials.NotLoggedIn:
        click.echo("You are not logged in.")
        return
    note = ""
    try:
        with Api(stored.server, stored.token) as api:
            api.delete(f"/api/v1/auth/tokens/{stored.token_id}")
    except ApiError as error:
        if error.status != 401:
            raise click.ClickException(
                f"{error.detail} The token was not revoked and is still stored; run "
                "`casebook logout` again when the server can be reached."
            ) from error
        note = " (the token had already expired or been revoked)"
    credentials.remove()
    click.echo(f"Logged out of {stored.server}{note}.")


def _revoke_quietly(stored: Credentials) -> None:
    try:
        with Api(stored.server, stored.token) as api:
            api.delete(f"/api/v1/auth/tokens/{stored.token_id}")
    except ApiError:
        pass


def _when(timestamp: str) -> str:
    try:
        return datetime.fromisoformat(timestamp).strftime("%Y-%m-%d %H:%M %Z").strip()
    except ValueError:
        return timestamp
