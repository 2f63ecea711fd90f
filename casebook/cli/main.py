"""The `casebook` command: server administration and a client for a running server."""

from __future__ import annotations

import click

from casebook.cli.accounts import admin, user
from casebook.cli.activities import activity
from casebook.cli.audit import audit
from casebook.cli.claims import claim
from casebook.cli.database import db
from casebook.cli.demo import demo
from casebook.cli.evidence import evidence
from casebook.cli.groups import group
from casebook.cli.incidents import incident
from casebook.cli.keys import keys
from casebook.cli.password import password, recover
from casebook.cli.people import person
from casebook.cli.reports import report
from casebook.cli.serve import serve
from casebook.cli.session import accept_invite, login, logout
from casebook.cli.vault import vault


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="casebook")
def cli() -> None:
    """Casebook: document government surveillance and retaliation against organizers.

    \b
    On the server (reads the CASEBOOK_* settings; see docs/configuration.md):
      serve, db, admin, user, demo, audit
    From your own computer, against a running server:
      accept-invite, login, group, incident, person, activity, vault, evidence, keys,
      password, recover, report, claim, logout
    """


for command in (
    serve, db, admin, user, demo, audit,
    accept_invite, login, logout, group, incident, person, activity, vault, evidence,
    keys, password, recover, report, claim,
):  # fmt: skip
    cli.add_command(command)


if __name__ == "__main__":
    cli()
