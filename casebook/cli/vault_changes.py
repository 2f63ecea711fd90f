"""Changes to a group's vault, signed on this device by the coordinator who created it:
creating the vault, adding and removing readers and writers, and moving to a new generation.
Every change is verified here as a reader would verify it before it is sent, and the vault the
server answers with must hold exactly the signed entries."""

from __future__ import annotations

import uuid
from collections.abc import Callable

import click

from casebook.cli import vault_state
from casebook.cli.api_client import Api, ApiError
from casebook.cli.vault_state import Vault
from casebook.crypto.errors import CryptoFormatError
from casebook.crypto.keys import KeyBundle, PublicIdentity
from casebook.crypto.membership_log import LogVerifier, LogWriter, SignedEntry, entry_hash
from casebook.crypto.vault import (
    EscrowKeyPair,
    PublishedGeneration,
    VaultGeneration,
    create_vault,
    rotate_vault,
    seal_to_reader,
)

# DESIGN: every generation is sealed to at least two readers plus the escrow key, so that
# evidence survives a reader who loses their keys.
MIN_READERS = 2

Write = Callable[[LogWriter], list[PublishedGeneration]]


def check_reader_count(count: int, *, single_reader: bool) -> None:
    """Refuse fewer than MIN_READERS readers unless the coordinator accepts the risk."""
    if count >= MIN_READERS:
        return
    if count == 0:
        raise click.UsageError("A vault needs at least one reader.")
    if not single_reader:
        raise click.UsageError(
            f"The vault would have {count} reader(s): if that person loses their keys, only "
            "the escrow paper can open the evidence. Name at least two readers, or pass "
            "--single-reader to accept that risk."
        )
    click.echo(f"Warning: the vault has {count} reader; keep the escrow paper safe.", err=True)


def create(
    api: Api,
    group_id: str,
    keys: KeyBundle,
    escrow: EscrowKeyPair,
    readers: list[PublicIdentity],
    writers: list[PublicIdentity],
) -> Vault:
    """Genesis and generation 1; the log is signed with your signing key (the group admin's
    key from now on)."""
    vault_id = str(uuid.uuid4())
    boxes = {r.user_id: r.box_pk for r in readers}
    _, generation = create_vault(vault_id, boxes, escrow.public_key)
    log = LogWriter(group_id, keys.signing_key)
    genesis = log.genesis(
        escrow_pk=escrow.public_key,
        generation_pk=generation.public_key,
        readers=readers,
        writers=writers,
    )
    _check(group_id, log, LogVerifier(group_id))
    body = {"vault_id": vault_id, "genesis": genesis.to_json(), "generation": generation.to_json()}
    try:
        served = api.post(vault_state.path(group_id), body)
    except ApiError as error:
        if error.status != 409:
            raise
        raise click.ClickException(
            f"Group {group_id} already has a vault: `casebook vault show {group_id}` shows it."
        ) from error
    admin_sign_pk = bytes(keys.signing_key.verify_key)
    vault = vault_state.trust(
        api, group_id, served, admin_sign_pk=admin_sign_pk, escrow_pk=escrow.public_key
    )
    return _stored(vault, log)


def add_reader(api: Api, vault: Vault, keys: KeyBundle, member: PublicIdentity) -> Vault:
    """The member gets the current generation sealed to them (and walks back from it)."""

    def write(log: LogWriter) -> list[PublishedGeneration]:
        log.add_reader(member)
        current = _current(vault, keys)
        return [seal_to_reader(current, vault.current, member.user_id, member.box_pk)]

    return _append(api, vault, keys, write)


def remove_reader(api: Api, vault: Vault, keys: KeyBundle, user_id: str) -> Vault:
    """A new generation sealed to the remaining readers and the escrow key, not to them."""
    remaining = {u: pk for u, pk in vault.state.reader_box_keys.items() if u != user_id}

    def write(log: LogWriter) -> list[PublishedGeneration]:
        log.remove_reader(user_id)
        return [_rotate(log, vault, _current(vault, keys), remaining)]

    return _append(api, vault, keys, write)


def add_writer(api: Api, vault: Vault, keys: KeyBundle, member: PublicIdentity) -> Vault:
    return _append(api, vault, keys, _entry_only(lambda log: log.add_writer(member)))


def remove_writer(api: Api, vault: Vault, keys: KeyBundle, user_id: str) -> Vault:
    """No new generation: writers never held a generation's private key."""
    return _append(api, vault, keys, _entry_only(lambda log: log.remove_writer(user_id)))


def rotate(api: Api, vault: Vault, keys: KeyBundle, current: VaultGeneration) -> Vault:
    """A new generation sealed to the current readers and the escrow key, linked to
    `current` (opened by a reader, or with the escrow paper)."""
    readers = vault.state.reader_box_keys
    return _append(api, vault, keys, lambda log: [_rotate(log, vault, current, readers)])


def _entry_only(entry: Callable[[LogWriter], SignedEntry]) -> Write:
    def write(log: LogWriter) -> list[PublishedGeneration]:
        entry(log)
        return []

    return write


def _rotate(
    log: LogWriter, vault: Vault, current: VaultGeneration, readers: dict[str, bytes]
) -> PublishedGeneration:
    generation, published = rotate_vault(current, readers, vault.state.escrow_pk)
    log.rotate(generation.number, generation.public_key, readers)
    return published


def _current(vault: Vault, keys: KeyBundle) -> VaultGeneration:
    return vault_state.open_generations(vault, keys)[vault.state.generation]


def _append(api: Api, vault: Vault, keys: KeyBundle, write: Write) -> Vault:
    """Sign what `write` adds to the log, check it, send it with the generations it
    publishes; only the admin whose key the genesis pinned may."""
    if bytes(keys.signing_key.verify_key) != vault.state.admin_sign_pk:
        raise click.ClickException(
            f"Only the coordinator who created the vault of group {vault.group_id} can change "
            "it: their key signs its membership log."
        )
    log = LogWriter(vault.group_id, keys.signing_key, vault.log)
    generations = write(log)
    _check(vault.group_id, log, LogVerifier(vault.group_id, remembered=vault.state.head))
    entries = [e.to_json() for e in log.entries[len(vault.log) :]]
    body = {"entries": entries, "generations": [g.to_json() for g in generations]}
    try:
        served = api.post(f"{vault_state.path(vault.group_id)}/log", body)
    except ApiError as error:
        if error.status != 409:
            raise
        raise click.ClickException(
            f"The vault of group {vault.group_id} changed while this change was being made: "
            "nothing was changed. Run the command again."
        ) from error
    return _stored(vault_state.trust(api, vault.group_id, served), log)


def _check(group_id: str, log: LogWriter, verifier: LogVerifier) -> None:
    try:
        verifier.verify(log.entries)
    except CryptoFormatError as error:
        raise click.ClickException(
            f"Not changing the vault of group {group_id}: {error}."
        ) from error


def _stored(vault: Vault, log: LogWriter) -> Vault:
    """The vault as the server answered, which must end with the entries just signed."""
    if len(vault.log) != len(log.entries) or entry_hash(vault.log[-1]) != entry_hash(
        log.entries[-1]
    ):
        raise click.ClickException(
            f"The server did not store the change to the vault of group {vault.group_id} as "
            "it was signed: run `casebook vault show` and tell the coordinator."
        )
    return vault
