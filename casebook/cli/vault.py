"""`casebook vault`: a group's evidence vault — who may read its evidence, who may add to it,
the keys everyone can check by safety number, and recovery with the escrow paper."""

from __future__ import annotations

import sys
import uuid
from collections.abc import Callable

import click

from casebook.cli import members, vault_changes, vault_state
from casebook.cli.api_client import Api
from casebook.cli.connection import logged_in
from casebook.cli.output import echo_table, printable
from casebook.cli.prompts import read_password
from casebook.cli.unlocking import unlock_keys
from casebook.cli.vault_state import Vault
from casebook.crypto.errors import CryptoFormatError
from casebook.crypto.fingerprints import key_safety_number
from casebook.crypto.keys import KeyBundle, PublicIdentity
from casebook.crypto.vault import (
    EscrowKeyPair,
    escrow_paper,
    generate_escrow,
    parse_escrow_paper,
    recover_with_escrow,
)

UNLOCK_NOTE = (
    "Asks for your password to unlock your keys (hidden prompt, or one line on standard input)."
)
SINGLE_READER_HELP = (
    "Accept a vault with a single reader. Without it, fewer than two readers is refused: "
    "evidence should survive one person losing their keys."
)

Adding = Callable[[Api, Vault, KeyBundle, PublicIdentity], Vault]

group_argument = click.argument("group_id", metavar="GROUP_ID", type=click.UUID)
member_argument = click.argument("member", metavar="MEMBER")


@click.group(
    help="A group's evidence vault: who reads its evidence, who adds to it (needs `casebook "
    "login` first).\n\nEvidence is encrypted on your device. Readers (custodians, granted "
    "attorneys) can open it; writers can add evidence but open nothing. The group's "
    "coordinator signs every change on their own device, and every device checks those "
    "signatures: compare the safety numbers `casebook vault show` prints with the people "
    f"themselves.\n\nMEMBER is {members.MEMBER_HELP}."
)
def vault() -> None:
    pass


@vault.command("members")
@group_argument
def list_members(group_id: uuid.UUID) -> None:
    """List the people of a group, and the attorneys it granted access (as far as you may
    see them), with the user ids that name them in vault commands."""
    with logged_in() as api:
        listed = api.get(f"/api/v1/groups/{group_id}/members")
        attorneys = members.granted_attorneys(api, str(group_id))
    rows = [(str(m["user_id"]), printable(str(m["display_name"])), str(m["role"])) for m in listed]
    rows += [(attorney, "-", "granted attorney") for attorney in attorneys]
    echo_table(("USER ID", "NAME", "ROLE"), rows)


@vault.command(
    help="Create the group's vault (coordinators; once per group).\n\nGenerates the escrow "
    "key here, on this device, and prints it once: write it on paper and keep it offline. It "
    "is never sent anywhere. With it the group can recover its evidence if its readers lose "
    "their keys (`casebook vault recover`); whoever holds it can read all of the group's "
    f"evidence. Your key signs the vault's membership log from now on. {UNLOCK_NOTE}"
)
@group_argument
@click.option(
    "--reader",
    "readers",
    metavar="MEMBER",
    multiple=True,
    help="Someone who may open the group's evidence (a custodian, a granted attorney). Repeat "
    "for several. You are always a reader too.",
)
@click.option(
    "--writer",
    "writers",
    metavar="MEMBER",
    multiple=True,
    help="Someone who may add evidence without being able to open any. Repeat for several.",
)
@click.option("--single-reader", is_flag=True, help=SINGLE_READER_HELP)
def create(
    group_id: uuid.UUID, readers: tuple[str, ...], writers: tuple[str, ...], single_reader: bool
) -> None:
    group = str(group_id)
    with logged_in() as api:
        me = str(api.get("/api/v1/me")["id"])
        reader_ids = {me, *(members.user_id_of(api, who) for who in readers)}
        writer_ids = {members.user_id_of(api, who) for who in writers}
        vault_changes.check_reader_count(len(reader_ids), single_reader=single_reader)
        found = {u: members.identity_of(api, u) for u in sorted((reader_ids | writer_ids) - {me})}
        keys = unlock_keys(api)
        found[me] = keys.identity
        escrow = generate_escrow()
        created = vault_changes.create(
            api,
            group,
            keys,
            escrow,
            readers=[found[user_id] for user_id in sorted(reader_ids)],
            writers=[found[user_id] for user_id in sorted(writer_ids)],
        )
        known = members.names(api, group)
    click.echo(f"Created the vault of group {group}.")
    _echo_vault(created, known)
    _echo_escrow_paper(escrow)


@vault.command()
@group_argument
def show(group_id: uuid.UUID) -> None:
    """Check the vault's signed membership log and show its readers, writers and keys.

    Refuses a log that does not verify, that goes back from what this device saw before, or
    that changes a key without a signed entry.
    """
    with logged_in() as api:
        checked = vault_state.fetch(api, str(group_id))
        known = members.names(api, str(group_id))
    _echo_vault(checked, known)


@vault.command(
    "add-reader",
    help=f"Let MEMBER open the group's evidence, old and new (coordinator). {UNLOCK_NOTE}",
)
@group_argument
@member_argument
def add_reader(group_id: uuid.UUID, member: str) -> None:
    _add(group_id, member, "reader", vault_changes.add_reader)


@vault.command(
    "remove-reader",
    help="Stop MEMBER opening new evidence (coordinator).\n\nPublishes a new vault generation "
    "sealed to the remaining readers and the escrow key only. What MEMBER could open before "
    f"stays open to them: they may have kept copies. {UNLOCK_NOTE}",
)
@group_argument
@member_argument
@click.option("--single-reader", is_flag=True, help=SINGLE_READER_HELP)
def remove_reader(group_id: uuid.UUID, member: str, single_reader: bool) -> None:
    with logged_in() as api:
        keys, checked, user_id = _removal(api, group_id, member, "reader")
        remaining = len(checked.state.readers) - 1
        vault_changes.check_reader_count(remaining, single_reader=single_reader)
        changed = vault_changes.remove_reader(api, checked, keys, user_id)
    click.echo(
        f"{user_id} is no longer a reader. New evidence goes to generation "
        f"{changed.state.generation}, sealed to {', '.join(sorted(changed.state.readers))} "
        "and the escrow key."
    )


@vault.command(
    "add-writer",
    help=f"Let MEMBER add evidence, without opening any (coordinator). {UNLOCK_NOTE}",
)
@group_argument
@member_argument
def add_writer(group_id: uuid.UUID, member: str) -> None:
    _add(group_id, member, "writer", vault_changes.add_writer)


@vault.command("remove-writer", help=f"Stop MEMBER adding evidence (coordinator). {UNLOCK_NOTE}")
@group_argument
@member_argument
def remove_writer(group_id: uuid.UUID, member: str) -> None:
    with logged_in() as api:
        keys, checked, user_id = _removal(api, group_id, member, "writer")
        vault_changes.remove_writer(api, checked, keys, user_id)
    click.echo(f"{user_id} can no longer add evidence to the vault of group {group_id}.")


@vault.command()
@group_argument
def recover(group_id: uuid.UUID) -> None:
    """Recover the vault with its escrow paper when its readers lost their keys (coordinator).

    Opens every generation with the escrow key, then publishes a new generation sealed to the
    current readers and the escrow key. Asks for your password, then for the escrow paper
    (hidden prompts; piped to standard input: the password on the first line, the paper on
    the second). A reader whose keys were replaced gets access back with `remove-reader` and
    `add-reader` afterwards.
    """
    with logged_in() as api:
        keys, checked = _unlocked_vault(api, group_id)
        paper = read_password("Escrow paper (CBEK1-…)")
        try:
            escrow = parse_escrow_paper(paper, expected_public_key=checked.state.escrow_pk)
            opened = recover_with_escrow(
                escrow, checked.generations, checked.state.generation_pks, vault_id=checked.vault_id
            )
        except CryptoFormatError as error:
            raise click.ClickException(
                f"The escrow paper does not open this vault: {error}"
            ) from error
        changed = vault_changes.rotate(api, checked, keys, opened[checked.state.generation])
    click.echo(
        f"Recovered generations 1 to {checked.state.generation} with the escrow key. New "
        f"evidence goes to generation {changed.state.generation}, sealed to "
        f"{', '.join(sorted(changed.state.readers))} and the escrow key."
    )


def _unlocked_vault(api: Api, group_id: uuid.UUID) -> tuple[KeyBundle, Vault]:
    keys = unlock_keys(api)
    return keys, vault_state.fetch(api, str(group_id))


def _identity(api: Api, keys: KeyBundle, user_id: str) -> PublicIdentity:
    """A verified identity; yours from your own unlocked bundle."""
    return keys.identity if user_id == keys.identity.user_id else members.identity_of(api, user_id)


def _add(group_id: uuid.UUID, member: str, role: str, change: Adding) -> None:
    with logged_in() as api:
        keys, checked = _unlocked_vault(api, group_id)
        identity = _identity(api, keys, members.user_id_of(api, member))
        _require(checked, identity.user_id, role, wanted=False)
        changed = change(api, checked, keys, identity)
        known = members.names(api, str(group_id))
    click.echo(f"Added as a {role} of the vault of group {changed.group_id}:")
    click.echo(f"  {members.described(identity, known)}")
    click.echo("Compare the safety number with theirs (in person or on a call).")


def _removal(api: Api, group_id: uuid.UUID, member: str, role: str) -> tuple[KeyBundle, Vault, str]:
    """Your keys, the verified vault and the user id of the MEMBER who has `role` in it."""
    keys, checked = _unlocked_vault(api, group_id)
    user_id = members.user_id_of(api, member)
    _require(checked, user_id, role, wanted=True)
    return keys, checked, user_id


def _require(checked: Vault, user_id: str, role: str, *, wanted: bool) -> None:
    """Refuse a change that does nothing: `user_id` must (not) have `role` already."""
    holders = checked.state.readers if role == "reader" else checked.state.writers
    if (user_id in holders) != wanted:
        state = "not" if wanted else "already"
        raise click.ClickException(
            f"{user_id} is {state} a {role} of this vault: nothing was changed."
        )


def _echo_escrow_paper(escrow: EscrowKeyPair) -> None:
    """The escrow private key, shown this once, with its safety number."""
    click.echo("")
    click.echo("ESCROW KEY: write it on paper now. It is shown only this once:")
    click.echo("")
    click.echo(f"    {escrow_paper(escrow)}")
    click.echo("")
    click.echo(f"Its safety number: {key_safety_number(escrow.public_key)}")
    click.echo(
        "Keep the paper offline and away from the readers' devices. With it the group opens "
        "all its evidence if every reader loses their keys; anyone who has it can too."
    )
    if not sys.stdout.isatty():
        click.echo(
            "Warning: the escrow key went to a file or a program, not to a screen: once it is "
            "on paper, delete every copy of that output.",
            err=True,
        )


def _echo_vault(checked: Vault, known: dict[str, str]) -> None:
    state = checked.state
    click.echo(f"Vault:       {checked.vault_id} (group {checked.group_id})")
    entries = f"{len(checked.log)} entr{'y' if len(checked.log) == 1 else 'ies'}"
    click.echo(f"Generation:  {state.generation} (membership log of {entries}, verified)")
    click.echo(f"Admin key:   {key_safety_number(state.admin_sign_pk)}")
    click.echo(f"Escrow key:  {key_safety_number(state.escrow_pk)}")
    for title, people in (("Readers", state.readers), ("Writers", state.writers)):
        click.echo(f"{title} ({len(people)}):")
        for identity in people.values():
            click.echo(f"  {members.described(identity, known)}")
