"""A group's vault as this device trusts it: fetched from the server, its membership log
verified against the head this device remembered (no rollback, no fork, no key changed
without a signed entry), every published generation checked against the log, and the new head
remembered. Also opening the vault's generation keys as one of its readers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import click

from casebook.cli import keyring
from casebook.cli.api_client import Api, ApiError
from casebook.crypto.errors import CryptoFormatError, WrongContextError
from casebook.crypto.keys import KeyBundle, PublicIdentity
from casebook.crypto.membership_log import (
    LogHead,
    LogVerifier,
    SignedEntry,
    VerifiedState,
    parse_log,
)
from casebook.crypto.vault import (
    PublishedGeneration,
    VaultGeneration,
    open_all_generations,
    open_as_reader,
)


class VaultRefused(click.ClickException):
    """The vault the server served does not verify: nothing is read from it or sealed to it."""

    def __init__(self, group_id: str, error: Exception) -> None:
        super().__init__(
            f"Refusing the vault of group {group_id}: {error}. Nothing was read from it or "
            "added to it. If this persists, tell the group's coordinator: the server may be "
            "serving keys or a history that the coordinator did not sign."
        )


@dataclass(frozen=True)
class Vault:
    group_id: str
    vault_id: str
    log: list[SignedEntry]
    generations: dict[int, PublishedGeneration]
    state: VerifiedState

    @property
    def current(self) -> PublishedGeneration:
        return self.generations[self.state.generation]

    def writer_identities(self, user_id: str) -> list[PublicIdentity]:
        """Every identity the verified log ever gave `user_id` as a writer, newest first: the
        keys an upload by them may be signed with."""
        found: list[PublicIdentity] = []
        for signed in self.log:
            kind, body = signed.entry["kind"], signed.entry["body"]
            listed = body["writers"] if kind == "genesis" else []
            listed = [body["member"]] if kind == "add_writer" else listed
            found += [i for i in map(PublicIdentity.from_json, listed) if i.user_id == user_id]
        return found[::-1]


def path(group_id: str) -> str:
    return f"/api/v1/groups/{group_id}/vault"


def fetch(api: Api, group_id: str) -> Vault:
    """The group's vault, verified; the new head is remembered on this device."""
    try:
        served = api.get(path(group_id))
    except ApiError as error:
        if error.status != 404:
            raise
        raise click.ClickException(
            f"Group {group_id} has no vault yet, or you are not one of its members: its "
            "coordinator creates it with `casebook vault create`."
        ) from error
    return trust(api, group_id, served)


def trust(
    api: Api,
    group_id: str,
    served: Any,
    *,
    admin_sign_pk: bytes | None = None,
    escrow_pk: bytes | None = None,
) -> Vault:
    """Verify a vault as served (by GET, or in answer to a change) and remember its head.
    `admin_sign_pk` and `escrow_pk` pin keys known on this device (a vault just created)."""
    remembered = keyring.load_log_head(api.server, group_id)
    try:
        verifier = LogVerifier(
            group_id,
            remembered=None if remembered is None else LogHead.from_json(remembered),
            expected_admin_sign_pk=admin_sign_pk,
            expected_escrow_pk=escrow_pk,
        )
        log = parse_log(served["log"])
        state = verifier.verify(log)
        vault_id = str(served["vault_id"])
        generations = _generations(served["generations"], state, vault_id)
    except (CryptoFormatError, KeyError, TypeError, ValueError) as error:
        raise VaultRefused(group_id, error) from error
    keyring.save_log_head(api.server, group_id, state.head.to_json())
    return Vault(group_id, vault_id, log, generations, state)


def _generations(
    served: Any, state: VerifiedState, vault_id: str
) -> dict[int, PublishedGeneration]:
    """Generations 1..current, each for this vault and with the public key the log names."""
    generations = {g.number: g for g in map(PublishedGeneration.from_json, served)}
    expected = list(range(1, state.generation + 1))
    if sorted(generations) != expected or len(served) != len(expected):
        raise WrongContextError(
            f"the server sent vault generations {sorted(generations)}, but the membership log "
            f"has generations 1 to {state.generation}"
        )
    for generation in generations.values():
        if generation.vault_id != vault_id:
            raise WrongContextError(f"generation {generation.number} belongs to another vault")
        state.check_generation(generation.number, generation.public_key)
    return generations


ROLES = {"reader": "open its evidence", "writer": "add evidence to it"}


def require_role(vault: Vault, keys: KeyBundle, role: str) -> None:
    """Refuse unless the verified log makes you a reader (or writer) with the keys you
    unlocked."""
    me, group = keys.identity.user_id, vault.group_id
    holders = vault.state.readers if role == "reader" else vault.state.writers
    logged = holders.get(me)
    if logged is None:
        raise click.ClickException(
            f"You are not a {role} of the vault of group {group}: only its {role}s can "
            f"{ROLES[role]}. Its coordinator can make you one with `casebook vault add-{role} "
            f"{group} {me}`."
        )
    if logged != keys.identity:
        raise click.ClickException(
            f"The vault of group {group} lists other keys for you than the ones you unlocked "
            f"(your keys were replaced since you became a {role}): ask its coordinator to run "
            f"`casebook vault remove-{role}` and then `add-{role}` for you."
        )


def open_generations(vault: Vault, keys: KeyBundle) -> dict[int, VaultGeneration]:
    """Every generation's private key, opened with your box key as a reader of the current
    generation and walking back."""
    require_role(vault, keys, "reader")
    try:
        current = open_as_reader(
            vault.current,
            keys.identity.user_id,
            keys.box_sk,
            vault_id=vault.vault_id,
            logged_public_key=vault.state.generation_pk,
        )
        return open_all_generations(current, vault.generations, vault.state.generation_pks)
    except CryptoFormatError as error:
        raise VaultRefused(vault.group_id, error) from error
