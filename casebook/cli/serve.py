"""`casebook serve`: migrate the database, optionally add demo data, and run the web server."""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import click
import uvicorn
from uvicorn.config import LOG_LEVELS

from casebook.cli.context import load_settings, run
from casebook.cli.database import upgrade_database
from casebook.cli.demo import echo_summary, seed_if_empty
from casebook.config import Settings
from casebook.runtime import Runtime

if TYPE_CHECKING:
    from casebook.demo import DemoSummary

# No access log: request lines carry query strings (search text, names) and client addresses,
# which a seized server's logs must not hold.
UVICORN_OPTIONS: Mapping[str, Any] = MappingProxyType({"access_log": False, "server_header": False})


@click.command()
@click.option(
    "--host",
    metavar="ADDRESS",
    help="Address to listen on (default: CASEBOOK_HOST, or 127.0.0.1: this machine only). "
    "0.0.0.0 listens on every network interface; put a TLS proxy in front then.",
)
@click.option(
    "--port",
    type=click.IntRange(1, 65535),
    help="Port to listen on (default: CASEBOOK_PORT, or 8000).",
)
@click.option(
    "--demo",
    is_flag=True,
    help="Before serving, fill an empty database (no accounts, groups or incidents yet) with "
    "synthetic demo data and print the demo logins. For trying Casebook out only: the demo "
    "accounts share a printed password.",
)
@click.option(
    "--seed",
    type=int,
    help="With --demo: seed for the demo data (the same seed gives the same data).",
)
def serve(host: str | None, port: int | None, demo: bool, seed: int | None) -> None:
    """Run the Casebook server.

    Migrates the database to the newest schema first, then serves Casebook (the JSON API is
    under /api/v1) until stopped with Ctrl+C. Settings come from the CASEBOOK_* environment
    variables (see docs/configuration.md). Requests are not logged one by one: request lines
    would keep search terms and addresses in the server's logs.
    """
    if seed is not None and not demo:
        raise click.UsageError("--seed only applies together with --demo.")
    settings = load_settings()
    host = host or settings.host
    port = port or settings.port
    upgrade_database(settings)
    if demo:
        _seed_demo(settings, seed)
    url = f"http://{_url_host(host)}:{port}/"
    click.echo(f"Casebook is serving at {url}: open it in a browser to log in (Ctrl+C stops it).")
    if not _is_loopback(host):
        click.echo(
            "Reachable from other machines: browsers send Casebook's login cookie only over "
            "HTTPS, so serve it behind a TLS-terminating proxy.",
            err=True,
        )
    log_level = settings.log_level.lower()
    uvicorn.run(
        "casebook.app:create_app",
        factory=True,
        host=host,
        port=port,
        log_level=log_level if log_level in LOG_LEVELS else None,
        proxy_headers=True,
        forwarded_allow_ips=settings.forwarded_allow_ips,
        **UVICORN_OPTIONS,
    )


def _seed_demo(settings: Settings, seed: int | None) -> None:
    async def work(runtime: Runtime) -> DemoSummary | None:
        return await seed_if_empty(runtime, **({} if seed is None else {"seed": seed}))

    summary = run(work, settings)
    if summary is None:
        click.echo("The database already holds accounts or records: no demo data was added.")
    else:
        echo_summary(summary)


def _ip(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


def _is_loopback(host: str) -> bool:
    address = _ip(host)
    return host == "localhost" if address is None else address.is_loopback


def _url_host(host: str) -> str:
    address = _ip(host)
    return f"[{host}]" if address is not None and address.version == 6 else host
