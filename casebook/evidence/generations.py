"""Published vault generations (docs/crypto/keys-and-vaults.md, section 3), as the server checks
them before storing: the exact shape, the vault they belong to, the public key the verified log
names for their number, and who they are sealed to. The sealed keys themselves stay opaque."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from casebook.encoding import EncodingError, b64decode, canonical_json
from casebook.evidence.log_checks import LogState, is_int

GENERATION_FORMAT = "casebook.vault-generation"
GENERATION_KEYS = {
    "format",
    "format_version",
    "generation",
    "previous",
    "public_key",
    "sealed_to_escrow",
    "sealed_to_readers",
    "vault_id",
}
#: A sealed generation key is 48 bytes of overhead around ~200 bytes of JSON.
MAX_SEALED_BYTES = 1024


class GenerationRefused(Exception):
    """A published generation the server will not store."""


@dataclass(frozen=True)
class Published:
    number: int
    public_key: str
    previous: str | None
    sealed_to_escrow: str
    sealed_to_readers: dict[str, str]
    text: str  # canonical JSON, as stored and served


def parse(value: Any, vault_id: str) -> Published:
    if not isinstance(value, dict) or set(value) != GENERATION_KEYS:
        raise GenerationRefused(
            f"a published generation has exactly the fields {', '.join(sorted(GENERATION_KEYS))}"
        )
    number = value["generation"]
    if value["format"] != GENERATION_FORMAT or not is_int(value["format_version"], 1):
        raise GenerationRefused("not a version 1 Casebook vault generation")
    if type(number) is not int or number < 1:
        raise GenerationRefused("generation must be a whole number from 1")
    if value["vault_id"] != vault_id:
        raise GenerationRefused("vault_id must be this vault's id")
    readers = value["sealed_to_readers"]
    if not isinstance(readers, dict) or not all(_sealed(v) for v in readers.values()):
        raise GenerationRefused("sealed_to_readers maps user ids to sealed keys in base64")
    if not _sealed(value["sealed_to_escrow"]) or not (
        value["previous"] is None or _sealed(value["previous"])
    ):
        raise GenerationRefused("sealed_to_escrow and previous must be sealed keys in base64")
    try:
        text = canonical_json(value).decode()
    except EncodingError as error:
        raise GenerationRefused(str(error)) from error
    return Published(
        number=number,
        public_key=value["public_key"],
        previous=value["previous"],
        sealed_to_escrow=value["sealed_to_escrow"],
        sealed_to_readers=dict(readers),
        text=text,
    )


def check_new(published: Published, state: LogState) -> None:
    """A generation the log has just introduced: its logged key, sealed to (at least) the readers
    its genesis or rotate entry named, and to no one who is not a reader now."""
    _check_key(published, state)
    if (published.previous is None) != (published.number == 1):
        raise GenerationRefused("previous is null for generation 1 only")
    if not set(state.sealed_for[published.number]) <= published.sealed_to_readers.keys():
        raise GenerationRefused("must be sealed to every reader the log names for it")
    _check_readers(published, set(state.sealed_for[published.number]) | state.readers.keys())


def check_republished(published: Published, stored: Published, state: LogState) -> None:
    """The current generation again, sealed to more readers (a reader was added): everything
    else unchanged, and no seal removed or replaced."""
    _check_key(published, state)
    same = (published.public_key, published.previous, published.sealed_to_escrow) == (
        stored.public_key,
        stored.previous,
        stored.sealed_to_escrow,
    )
    kept = stored.sealed_to_readers.items() <= published.sealed_to_readers.items()
    if not (same and kept):
        raise GenerationRefused("a republished generation may only add sealed_to_readers entries")
    _check_readers(published, state.readers)


def _check_key(published: Published, state: LogState) -> None:
    if state.generation_keys.get(published.number) != published.public_key:
        raise GenerationRefused("public_key must be the one the log names for this generation")


def _check_readers(published: Published, readers: Collection[str]) -> None:
    if not published.sealed_to_readers.keys() <= set(readers):
        raise GenerationRefused("sealed_to_readers may name current readers only")


def _sealed(value: Any) -> bool:
    if not isinstance(value, str) or len(value) > MAX_SEALED_BYTES * 2:
        return False
    try:
        return 0 < len(b64decode(value)) <= MAX_SEALED_BYTES
    except EncodingError:
        return False
