"""Vault generations: one X25519 key pair per generation of a group's vault, its private key
sealed to every reader and to the offline escrow key, the previous generation's private key
sealed to the new public key; the escrow key's paper format and recovery with it.

Specified in docs/crypto/keys-and-vaults.md ("Vault generations", "Escrow").
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import nacl.bindings
import nacl.exceptions

from casebook.crypto.errors import (
    TamperedError,
    UnsupportedFormatError,
    WrongContextError,
)
from casebook.crypto.kdf import format_key_text, parse_key_text
from casebook.encoding import EncodingError, b64decode, b64encode, canonical_json

__all__ = [
    "EscrowKeyPair",
    "PublishedGeneration",
    "VaultGeneration",
    "create_vault",
    "escrow_paper",
    "generate_escrow",
    "open_all_generations",
    "open_as_reader",
    "open_previous",
    "parse_escrow_paper",
    "recover_with_escrow",
    "rotate_vault",
    "seal_to_reader",
]

KEY_FORMAT = "casebook.vault-key"
PREVIOUS_FORMAT = "casebook.vault-previous-key"
GENERATION_FORMAT = "casebook.vault-generation"
FORMAT_VERSION = 1
SEAL_BYTES = 48


def _public(private_key: bytes) -> bytes:
    return nacl.bindings.crypto_scalarmult_base(private_key)


@dataclass(frozen=True)
class VaultGeneration:
    """An opened generation: the private key is in memory on a reader's client only."""

    vault_id: str
    number: int
    public_key: bytes
    private_key: bytes = field(repr=False)


@dataclass(frozen=True)
class EscrowKeyPair:
    public_key: bytes
    private_key: bytes = field(repr=False)


@dataclass(frozen=True)
class PublishedGeneration:
    """What the server stores for one generation: nothing here opens without a private key."""

    vault_id: str
    number: int
    public_key: bytes
    sealed_to_readers: Mapping[str, bytes]
    sealed_to_escrow: bytes
    previous: bytes | None

    def to_json(self) -> dict[str, Any]:
        return {
            "format": GENERATION_FORMAT,
            "format_version": FORMAT_VERSION,
            "generation": self.number,
            "previous": None if self.previous is None else b64encode(self.previous),
            "public_key": b64encode(self.public_key),
            "sealed_to_escrow": b64encode(self.sealed_to_escrow),
            "sealed_to_readers": {k: b64encode(v) for k, v in self.sealed_to_readers.items()},
            "vault_id": self.vault_id,
        }

    @classmethod
    def from_json(cls, value: Any) -> PublishedGeneration:
        keys = {
            "format",
            "format_version",
            "generation",
            "previous",
            "public_key",
            "sealed_to_escrow",
            "sealed_to_readers",
            "vault_id",
        }
        if not isinstance(value, dict) or set(value) != keys:
            raise UnsupportedFormatError(f"vault generation: expected the fields {sorted(keys)}")
        if value["format"] != GENERATION_FORMAT or value["format_version"] != FORMAT_VERSION:
            raise UnsupportedFormatError("not a version-1 casebook vault generation")
        number, vault_id = value["generation"], value["vault_id"]
        if type(number) is not int or number < 1 or not isinstance(vault_id, str):
            raise UnsupportedFormatError("vault generation: bad generation number or vault id")
        readers = value["sealed_to_readers"]
        if not isinstance(readers, dict):
            raise UnsupportedFormatError("vault generation: sealed_to_readers is an object")
        try:
            public_key = b64decode(value["public_key"])
            if len(public_key) != 32:
                raise UnsupportedFormatError("vault generation: public_key is 32 bytes")
            previous = None if value["previous"] is None else b64decode(value["previous"])
            return cls(
                vault_id=vault_id,
                number=number,
                public_key=public_key,
                sealed_to_readers={str(k): b64decode(v) for k, v in readers.items()},
                sealed_to_escrow=b64decode(value["sealed_to_escrow"]),
                previous=previous,
            )
        except (EncodingError, TypeError) as error:
            raise UnsupportedFormatError(f"vault generation: {error}") from error


# --------------------------------------------------------------------------- sealing


def _key_plaintext(vault_id: str, number: int, private_key: bytes) -> bytes:
    return canonical_json(
        {
            "format": KEY_FORMAT,
            "format_version": FORMAT_VERSION,
            "generation": number,
            "private_key": b64encode(private_key),
            "vault_id": vault_id,
        }
    )


def _previous_plaintext(vault_id: str, number: int, private_key: bytes) -> bytes:
    return canonical_json(
        {
            "format": PREVIOUS_FORMAT,
            "format_version": FORMAT_VERSION,
            "generation": number - 1,
            "opened_by_generation": number,
            "private_key": b64encode(private_key),
            "vault_id": vault_id,
        }
    )


def _seal(message: bytes, recipient_pk: bytes) -> bytes:
    return nacl.bindings.crypto_box_seal(message, recipient_pk)


def _unseal(sealed: bytes, recipient_sk: bytes, what: str) -> dict[str, Any]:
    try:
        plaintext = nacl.bindings.crypto_box_seal_open(sealed, _public(recipient_sk), recipient_sk)
    except nacl.exceptions.CryptoError as error:
        raise TamperedError(
            f"{what} does not open with this key: it was not sealed to you, or it was altered"
        ) from error
    try:
        value = json.loads(plaintext)
    except ValueError as error:
        raise UnsupportedFormatError(f"{what}: not JSON inside the seal") from error
    if not isinstance(value, dict) or canonical_json(value) != plaintext:
        raise UnsupportedFormatError(f"{what}: not canonical JSON inside the seal")
    return value


def _check_opened(
    value: dict[str, Any],
    *,
    fmt: str,
    extra: Mapping[str, Any],
    vault_id: str,
    number: int,
    expected_public_key: bytes,
    what: str,
) -> VaultGeneration:
    keys = {"format", "format_version", "generation", "private_key", "vault_id", *extra}
    if set(value) != keys or value["format"] != fmt or value["format_version"] != FORMAT_VERSION:
        raise UnsupportedFormatError(f"{what}: unexpected content")
    if value["vault_id"] != vault_id:
        raise WrongContextError(
            f"{what} belongs to vault {value['vault_id']!r}, not {vault_id!r}: "
            "the server may be substituting keys"
        )
    if value["generation"] != number or any(value[k] != v for k, v in extra.items()):
        raise WrongContextError(
            f"{what} is for generation {value['generation']!r}, not {number}: "
            "the server may be substituting keys"
        )
    try:
        private_key = b64decode(value["private_key"])
    except EncodingError as error:
        raise UnsupportedFormatError(f"{what}: {error}") from error
    if len(private_key) != 32 or _public(private_key) != expected_public_key:
        raise WrongContextError(
            f"{what}: the private key does not match generation {number}'s public key "
            "in the membership log"
        )
    return VaultGeneration(vault_id, number, expected_public_key, private_key)


def _publish(
    generation: VaultGeneration,
    readers: Mapping[str, bytes],
    escrow_pk: bytes,
    previous: VaultGeneration | None,
) -> PublishedGeneration:
    if not readers:
        raise ValueError("a vault generation needs at least one reader")
    plaintext = _key_plaintext(generation.vault_id, generation.number, generation.private_key)
    link = None
    if previous is not None:
        link_plaintext = _previous_plaintext(
            generation.vault_id, generation.number, previous.private_key
        )
        link = _seal(link_plaintext, generation.public_key)
    return PublishedGeneration(
        vault_id=generation.vault_id,
        number=generation.number,
        public_key=generation.public_key,
        sealed_to_readers={uid: _seal(plaintext, pk) for uid, pk in sorted(readers.items())},
        sealed_to_escrow=_seal(plaintext, escrow_pk),
        previous=link,
    )


def _new_generation(vault_id: str, number: int, private_key: bytes | None) -> VaultGeneration:
    sk = os.urandom(32) if private_key is None else private_key
    return VaultGeneration(vault_id, number, _public(sk), sk)


def create_vault(
    vault_id: str,
    readers: Mapping[str, bytes],
    escrow_pk: bytes,
    *,
    _private_key: bytes | None = None,
) -> tuple[VaultGeneration, PublishedGeneration]:
    """Generation 1. `readers` maps user id -> box public key, taken from verified identities
    (the membership log state), never straight from the server."""
    generation = _new_generation(vault_id, 1, _private_key)
    return generation, _publish(generation, readers, escrow_pk, None)


def rotate_vault(
    current: VaultGeneration,
    readers: Mapping[str, bytes],
    escrow_pk: bytes,
    *,
    _private_key: bytes | None = None,
) -> tuple[VaultGeneration, PublishedGeneration]:
    """A new generation sealed to `readers` (a removed reader is simply left out) and the
    escrow key; the current private key is sealed to the new public key."""
    generation = _new_generation(current.vault_id, current.number + 1, _private_key)
    return generation, _publish(generation, readers, escrow_pk, current)


def seal_to_reader(
    generation: VaultGeneration, published: PublishedGeneration, reader_id: str, box_pk: bytes
) -> PublishedGeneration:
    """The published generation sealed to one more reader (adding a reader needs no new
    generation: they open this one and walk back). `box_pk` comes from a verified identity."""
    if published.number != generation.number or published.public_key != generation.public_key:
        raise ValueError("the opened generation is not the published one")
    plaintext = _key_plaintext(generation.vault_id, generation.number, generation.private_key)
    sealed = {**published.sealed_to_readers, reader_id: _seal(plaintext, box_pk)}
    return replace(published, sealed_to_readers=dict(sorted(sealed.items())))


# --------------------------------------------------------------------------- opening


def _expected(published: PublishedGeneration, logged_public_key: bytes | None) -> bytes:
    if logged_public_key is not None and logged_public_key != published.public_key:
        raise WrongContextError(
            f"generation {published.number}'s public key differs from the membership log: "
            "the server may be substituting keys"
        )
    return published.public_key if logged_public_key is None else logged_public_key


def open_as_reader(
    published: PublishedGeneration,
    reader_id: str,
    reader_box_sk: bytes,
    *,
    vault_id: str,
    logged_public_key: bytes,
) -> VaultGeneration:
    """Open the generation key sealed to this reader; `logged_public_key` comes from the
    verified membership log and must match."""
    expected = _expected(published, logged_public_key)
    sealed = published.sealed_to_readers.get(reader_id)
    if sealed is None:
        raise WrongContextError(
            f"generation {published.number} of vault {vault_id!r} is not sealed to {reader_id!r}"
        )
    what = f"generation {published.number} key"
    return _check_opened(
        _unseal(sealed, reader_box_sk, what),
        fmt=KEY_FORMAT,
        extra={},
        vault_id=vault_id,
        number=published.number,
        expected_public_key=expected,
        what=what,
    )


def open_previous(
    current: VaultGeneration,
    published_current: PublishedGeneration,
    *,
    logged_previous_public_key: bytes,
) -> VaultGeneration:
    """Walk back one generation: the previous private key is sealed to the current one."""
    if published_current.number != current.number or current.number < 2:
        raise WrongContextError("no previous generation to open from here")
    if published_current.previous is None:
        raise UnsupportedFormatError(f"generation {current.number} lacks its link to the previous")
    what = f"generation {current.number - 1} key (linked from {current.number})"
    value = _unseal(published_current.previous, current.private_key, what)
    return _check_opened(
        value,
        fmt=PREVIOUS_FORMAT,
        extra={"opened_by_generation": current.number},
        vault_id=current.vault_id,
        number=current.number - 1,
        expected_public_key=logged_previous_public_key,
        what=what,
    )


def open_all_generations(
    current: VaultGeneration,
    published: Mapping[int, PublishedGeneration],
    logged_public_keys: Mapping[int, bytes],
) -> dict[int, VaultGeneration]:
    """From an opened generation n, open n-1, ..., 1 by walking the links back.
    `logged_public_keys` maps generation number -> public key from the verified log."""
    opened = {current.number: current}
    generation = current
    while generation.number > 1:
        record = published.get(generation.number)
        logged = logged_public_keys.get(generation.number - 1)
        if record is None or logged is None:
            raise WrongContextError(f"generation {generation.number} or its predecessor missing")
        _expected(record, logged_public_keys.get(generation.number))
        generation = open_previous(generation, record, logged_previous_public_key=logged)
        opened[generation.number] = generation
    return opened


# --------------------------------------------------------------------------- escrow


def generate_escrow(*, _private_key: bytes | None = None) -> EscrowKeyPair:
    """Run offline (the CLI on an air-gapped machine): print the paper, publish the public key."""
    sk = os.urandom(32) if _private_key is None else _private_key
    return EscrowKeyPair(_public(sk), sk)


def escrow_paper(escrow: EscrowKeyPair) -> str:
    """The private key as "CBEK1-" + Crockford base32 groups with check characters."""
    return format_key_text("escrow-key", escrow.private_key)


def parse_escrow_paper(text: str, *, expected_public_key: bytes | None = None) -> EscrowKeyPair:
    escrow = generate_escrow(_private_key=parse_key_text("escrow-key", text))
    if expected_public_key is not None and escrow.public_key != expected_public_key:
        raise WrongContextError("this escrow paper is not the escrow key of this vault")
    return escrow


def recover_with_escrow(
    escrow: EscrowKeyPair,
    published: Mapping[int, PublishedGeneration],
    logged_public_keys: Mapping[int, bytes],
    *,
    vault_id: str,
) -> dict[int, VaultGeneration]:
    """Every reader lost: open the newest generation with the escrow key, then walk back."""
    if not published:
        raise WrongContextError("no vault generation to recover")
    newest = published[max(published)]
    logged = logged_public_keys.get(newest.number)
    if logged is None:
        raise WrongContextError(f"generation {newest.number} is not in the membership log")
    expected = _expected(newest, logged)
    what = f"generation {newest.number} key (escrow)"
    current = _check_opened(
        _unseal(newest.sealed_to_escrow, escrow.private_key, what),
        fmt=KEY_FORMAT,
        extra={},
        vault_id=vault_id,
        number=newest.number,
        expected_public_key=expected,
        what=what,
    )
    return open_all_generations(current, published, logged_public_keys)
