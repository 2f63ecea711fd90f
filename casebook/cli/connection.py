"""How client commands reach the server: the stored credentials, and server errors shown the
command line's way (detail, then `field: message` lines, on stderr; exit status 1)."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO, Any

import click
import httpx

from casebook.cli import credentials
from casebook.cli.api_client import Api, ApiError
from casebook.cli.output import printable


class ServerProblem(click.ClickException):
    def __init__(self, error: ApiError) -> None:
        self.lines = [printable(error.detail)]
        self.lines += [
            f"{printable(field)}: {printable(message)}" for field, message in error.errors
        ]
        super().__init__(self.lines[0])

    def show(self, file: IO[Any] | None = None) -> None:
        click.echo(f"Error: {self.lines[0]}", err=True)
        for line in self.lines[1:]:
            click.echo(f"  {line}", err=True)


@contextmanager
def reporting() -> Iterator[None]:
    """Turn ApiError and NotLoggedIn raised in the block into command line errors."""
    try:
        yield
    except ApiError as error:
        raise ServerProblem(error) from error
    except credentials.NotLoggedIn as error:
        raise click.ClickException(str(error)) from error


@contextmanager
def logged_in() -> Iterator[Api]:
    """An Api for the stored server and token."""
    with reporting():
        stored = credentials.load()
        with Api(stored.server, stored.token) as api:
            yield api


def server_url(value: str) -> str:
    """A server address as the client stores it. Plain http is refused except to this
    machine: the password and the token would cross the network readable by anyone on it."""
    try:
        url = httpx.URL(value.strip())
    except httpx.InvalidURL as error:
        raise click.BadParameter(str(error), param_hint="--server") from error
    if url.scheme not in {"http", "https"} or not url.host:
        raise click.BadParameter(
            "give the server's address, e.g. https://casebook.example.org", param_hint="--server"
        )
    if url.scheme == "http" and not _is_loopback(url.host):
        raise click.BadParameter(
            f"refusing to send your password to {url.host} over plain http: use its https:// "
            "address (plain http is only allowed to this machine)",
            param_hint="--server",
        )
    return str(url.copy_with(query=None, fragment=None)).rstrip("/")


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"
