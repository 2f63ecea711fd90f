"""`casebook admin` and `casebook user`: accounts managed on the server itself."""

from __future__ import annotations

from datetime import UTC

import click
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from casebook.access.actor import Actor, load_actor
from casebook.accounts.credentials import normalize_email
from casebook.accounts.models import ROLES, Invitation, User
from casebook.accounts.service import create_user, disable_user, invite
from casebook.cli.context import FieldProblems, run
from casebook.cli.prompts import read_password
from casebook.db import transaction
from casebook.errors import FieldError, ValidationFailed
from casebook.groups.models import GROUP_ROLES, Group
from casebook.runtime import Runtime

# Service field names as the options that set them.
OPTION_LABELS = {
    "email": "--email",
    "role": "--role",
    "group_id": "--group",
    "group_role": "--group-role",
    "user_id": "EMAIL",
}

AS_ADMIN_HELP = (
    "Email of the admin account on whose behalf this is done; the audit log records it. "
    "May be left out when exactly one active admin account exists."
)


@click.group()
def admin() -> None:
    """Create admin accounts (server side).

    Run on the server, with the same CASEBOOK_* settings as `casebook serve`.
    """


@admin.command("create")
@click.option("--email", required=True, help="Email address the admin logs in with.")
@click.option("--name", required=True, help="Name shown to other users, e.g. 'Ana (admin)'.")
def create_admin(email: str, name: str) -> None:
    """Create an admin account.

    The password is asked for twice at a hidden prompt, or, when standard input is not a
    terminal, read from its first line (e.g. from a password manager:
    `pass show casebook | casebook admin create ...`). It is never accepted as an option.
    Passwords need at least 15 characters; a few unrelated words work well.

    Admins manage accounts, invitations, groups and grants and read the audit log; being an
    admin gives no access to evidence.
    """
    password = read_password("Password for the new admin", confirm=True)

    async def work(runtime: Runtime) -> User:
        async with transaction(runtime.sessions) as session:
            return await create_user(
                session, runtime, email=email, display_name=name, role="admin", password=password
            )

    try:
        user = run(work)
    except ValidationFailed as error:
        raise FieldProblems(error.errors, OPTION_LABELS) from error
    click.echo(f"Created admin account {user.email}.")


@click.group()
def user() -> None:
    """Invite people and disable accounts (server side).

    Run on the server, with the same CASEBOOK_* settings as `casebook serve`. Each change is
    recorded in the audit log under an admin account: name it with --as, or leave --as out
    when the server has exactly one active admin.
    """


@user.command("invite")
@click.option("--email", required=True, help="Email address of the person invited.")
@click.option(
    "--role",
    required=True,
    type=click.Choice(ROLES),
    help="Their role: organizer, attorney, researcher or admin.",
)
@click.option(
    "--group",
    "group_name",
    metavar="NAME",
    help="Name of a group an organizer joins on accepting (needs --group-role).",
)
@click.option(
    "--group-role",
    type=click.Choice(GROUP_ROLES),
    help="Their place in --group: a coordinator manages the group's members, grants and "
    "vault; a member records incidents.",
)
@click.option("--as", "acting_admin", metavar="ADMIN_EMAIL", help=AS_ADMIN_HELP)
def invite_user(
    email: str, role: str, group_name: str | None, group_role: str | None, acting_admin: str | None
) -> None:
    """Invite someone, and print their one-time invitation token.

    The token is shown only this once and is valid for the time set in
    policies/sessions.toml (72 hours by default). Give it to the person over a channel you
    trust. They accept it at POST /api/v1/invitations/accept and
    choose their own password there.
    """
    if (group_name is None) != (group_role is None):
        raise click.UsageError("Give --group and --group-role together.")

    async def work(runtime: Runtime) -> tuple[Invitation, str, User]:
        async with transaction(runtime.sessions) as session:
            admin_user, actor = await _acting_admin(session, runtime, acting_admin)
            group_id = None
            if group_name is not None:
                group_id = await session.scalar(select(Group.id).where(Group.name == group_name))
                if group_id is None:
                    raise FieldProblems([FieldError("--group", f"no group named {group_name!r}")])
            invitation, token = await invite(
                session,
                runtime,
                actor,
                email=email,
                role=role,
                group_id=group_id,
                group_role=group_role,
            )
            return invitation, token, admin_user

    try:
        invitation, token, admin_user = run(work)
    except ValidationFailed as error:
        raise FieldProblems(error.errors, OPTION_LABELS) from error
    membership = f", {group_role} of {group_name!r}" if group_name else ""
    expires = invitation.expires_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    click.echo(
        f"Invited {invitation.email} as {role}{membership}, on behalf of {admin_user.email}."
    )
    click.echo("One-time invitation token (shown only now; pass it on over a channel you trust):")
    click.echo("")
    click.echo(f"    {token}")
    click.echo("")
    click.echo(f"It expires {expires}.")


@user.command("disable")
@click.argument("email")
@click.option("--as", "acting_admin", metavar="ADMIN_EMAIL", help=AS_ADMIN_HELP)
def disable(email: str, acting_admin: str | None) -> None:
    """Disable the account with this EMAIL.

    The account can no longer log in, and its browser sessions and API tokens stop working
    at once. Its records stay. Nobody can disable their own account.
    """

    async def work(runtime: Runtime) -> tuple[User, bool]:
        async with transaction(runtime.sessions) as session:
            _, actor = await _acting_admin(session, runtime, acting_admin)
            target = await session.scalar(select(User).where(User.email == normalize_email(email)))
            if target is None:
                raise click.ClickException(f"No account has the email {email}.")
            already = target.disabled_at is not None
            await disable_user(session, actor, target.id)
            return target, already

    try:
        target, already = run(work)
    except ValidationFailed as error:
        raise FieldProblems(error.errors, OPTION_LABELS) from error
    if already:
        click.echo(f"{target.email} was already disabled.")
    else:
        click.echo(f"Disabled {target.email}: its sessions and API tokens no longer work.")


async def _acting_admin(
    session: AsyncSession, runtime: Runtime, email: str | None
) -> tuple[User, Actor]:
    """The admin named by --as, or the only active admin."""
    query = select(User).where(User.role == "admin", User.disabled_at.is_(None))
    if email is not None:
        found = await session.scalar(query.where(User.email == normalize_email(email)))
        if found is None:
            raise click.ClickException(f"--as: {email} is not an active admin account.")
    else:
        admins = list(await session.scalars(query.limit(2)))
        if not admins:
            raise click.ClickException(
                "No active admin account exists yet: create one with `casebook admin create`."
            )
        if len(admins) > 1:
            raise click.ClickException(
                "Several admin accounts exist: name the one acting with --as ADMIN_EMAIL."
            )
        found = admins[0]
    return found, await load_actor(session, found, runtime.policies)
