"""The server's replay of a vault's membership log (docs/crypto/keys-and-vaults.md, section 4).

Clients verify the log themselves and refuse one that breaks any rule, so a log the server let
through with a mistake in it would lock every member out of the vault. The server therefore
replays the whole log on every append with the same rules: exact shapes, the seq and prev chain,
Ed25519 signatures by the admin key pinned at genesis and by each member's own key (public-key
operations only), membership changes that make sense, and a rotation after every removal of a
reader. It also requires member ids to be Casebook account ids, since it keeps a table of them.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import nacl.exceptions
import nacl.signing

from casebook.accounts import keys as account_keys
from casebook.encoding import EncodingError, b64decode, b64encode, canonical_json

LOG_FORMAT = "casebook.membership-log"
LOG_DOMAIN = b"casebook.membership-log.v1\x00"
HASH_DOMAIN = b"casebook.membership-log.hash.v1\x00"
ENTRY_KEYS = {"body", "format", "format_version", "group_id", "kind", "prev", "seq"}
BODY_KEYS: Mapping[str, set[str]] = {
    "genesis": {"admin_sign_pk", "escrow_pk", "generation", "generation_pk", "readers", "writers"},
    "add_reader": {"member"},
    "remove_reader": {"user_id"},
    "add_writer": {"member"},
    "remove_writer": {"user_id"},
    "rotate": {"generation", "generation_pk", "readers"},
}
IDENTITY_KEYS = {"box_pk", "sign_pk", "signature", "user_id"}
#: What may follow the removal of a reader before the rotation that shuts them out.
BEFORE_ROTATION = ("remove_reader", "remove_writer", "rotate")
KEY_BYTES = 32
SIGNATURE_BYTES = 64

Identity = dict[str, Any]


class LogRefused(Exception):
    """Entry `seq` of the log (counting from the genesis) breaks a rule."""

    def __init__(self, seq: int, message: str) -> None:
        super().__init__(message)
        self.seq = seq
        self.message = message


@dataclass(frozen=True)
class CheckedEntry:
    seq: int
    kind: str
    text: str  # the signed entry as canonical JSON
    hash: str  # b64 of its entry hash


@dataclass
class LogState:
    """Where the log stands after its last entry."""

    admin: nacl.signing.VerifyKey
    generation: int
    generation_keys: dict[int, str]
    #: For each generation, the readers its genesis or rotate entry names.
    sealed_for: dict[int, list[str]]
    readers: dict[str, Identity]
    writers: dict[str, Identity]
    entries: list[CheckedEntry] = field(default_factory=list)
    awaiting_rotation: list[str] = field(default_factory=list)

    @property
    def head(self) -> str:
        return self.entries[-1].hash


def entry_hash(entry: Mapping[str, Any], signature: bytes) -> bytes:
    """BLAKE2b-256("casebook.membership-log.hash.v1" 0x00 ‖ canonical(entry) ‖ signature)."""
    message = HASH_DOMAIN + canonical_json(dict(entry)) + signature
    return hashlib.blake2b(message, digest_size=32).digest()


def replay(group_id: str, signed_entries: Sequence[Any]) -> LogState:
    """Check the whole log from its genesis; raise LogRefused at the first broken rule."""
    if not signed_entries:
        raise LogRefused(0, "the log starts with a genesis entry")
    state: LogState | None = None
    for seq, signed in enumerate(signed_entries):
        entry, signature = _envelope(signed, seq)
        _check_position(entry, seq, group_id, None if state is None else state.head)
        if state is None:
            state = _genesis(entry, signature)
        else:
            _verify(state.admin, entry, signature, seq)
            _apply(state, entry, seq)
        state.entries.append(
            CheckedEntry(
                seq=seq,
                kind=entry["kind"],
                text=canonical_json(signed).decode(),
                hash=b64encode(entry_hash(entry, signature)),
            )
        )
    assert state is not None
    if state.awaiting_rotation:
        raise LogRefused(
            len(signed_entries) - 1,
            "a removed reader needs a rotate entry (a new vault generation) in the same request",
        )
    return state


def _envelope(signed: Any, seq: int) -> tuple[dict[str, Any], bytes]:
    if not isinstance(signed, dict) or set(signed) != {"entry", "signature"}:
        raise LogRefused(seq, "a signed entry has exactly the fields entry and signature")
    entry, signature = signed["entry"], _decoded(signed["signature"], SIGNATURE_BYTES)
    if signature is None:
        raise LogRefused(seq, "signature must be 64 bytes in URL-safe base64 without padding")
    if not isinstance(entry, dict) or set(entry) != ENTRY_KEYS:
        raise LogRefused(seq, f"an entry has exactly the fields {', '.join(sorted(ENTRY_KEYS))}")
    try:
        canonical_json(signed)
    except EncodingError as error:
        raise LogRefused(seq, str(error)) from error
    if entry["format"] != LOG_FORMAT or not is_int(entry["format_version"], 1):
        raise LogRefused(seq, "not a version 1 Casebook membership log entry")
    kind = entry["kind"]
    if not isinstance(kind, str) or kind not in BODY_KEYS:
        raise LogRefused(seq, f"unknown kind; known kinds: {', '.join(BODY_KEYS)}")
    if not isinstance(entry["body"], dict) or set(entry["body"]) != BODY_KEYS[kind]:
        raise LogRefused(seq, f"a {kind} body has the fields {', '.join(sorted(BODY_KEYS[kind]))}")
    return entry, signature


def _check_position(entry: dict[str, Any], seq: int, group_id: str, prev: str | None) -> None:
    if entry["group_id"] != group_id:
        raise LogRefused(seq, "group_id must be the id of this vault's group")
    if not is_int(entry["seq"], seq):
        raise LogRefused(seq, f"seq must be {seq}")
    if entry["prev"] != prev:
        expected = "null for the genesis" if prev is None else "the hash of the entry before"
        raise LogRefused(seq, f"prev must be {expected}")
    if (seq == 0) != (entry["kind"] == "genesis"):
        raise LogRefused(seq, "the genesis is the first entry, and only the first")


def _genesis(entry: dict[str, Any], signature: bytes) -> LogState:
    body = entry["body"]
    admin = nacl.signing.VerifyKey(_key(body["admin_sign_pk"], "admin_sign_pk", 0))
    _verify(admin, entry, signature, 0)
    _key(body["escrow_pk"], "escrow_pk", 0)
    generation_pk = _key(body["generation_pk"], "generation_pk", 0)
    if not is_int(body["generation"], 1):
        raise LogRefused(0, "the first vault generation is number 1")
    readers = _members(body["readers"], "readers")
    writers = _members(body["writers"], "writers")
    if not readers:
        raise LogRefused(0, "a vault needs at least one reader")
    for user_id in readers.keys() & writers.keys():
        if readers[user_id] != writers[user_id]:
            raise LogRefused(0, f"{user_id} is listed with two different identities")
    return LogState(
        admin=admin,
        generation=1,
        generation_keys={1: b64encode(generation_pk)},
        sealed_for={1: sorted(readers)},
        readers=readers,
        writers=writers,
    )


def _apply(state: LogState, entry: dict[str, Any], seq: int) -> None:
    kind, body = entry["kind"], entry["body"]
    if state.awaiting_rotation and kind not in BEFORE_ROTATION:
        raise LogRefused(seq, "after remove_reader only removals or a rotate may follow")
    if kind == "rotate":
        _rotate(state, body, seq)
        return
    role = state.readers if kind.endswith("_reader") else state.writers
    other = state.writers if kind.endswith("_reader") else state.readers
    if kind.startswith("add_"):
        member = _identity(body["member"], seq)
        user_id = member["user_id"]
        if user_id in role:
            raise LogRefused(seq, f"{user_id} already has this role")
        if user_id in other and other[user_id] != member:
            raise LogRefused(seq, f"{user_id} is already a member with another identity")
        role[user_id] = member
        return
    user_id = body["user_id"]
    if not isinstance(user_id, str) or user_id not in role:
        raise LogRefused(seq, "user_id must name a current member in this role")
    del role[user_id]
    if kind == "remove_reader":
        state.awaiting_rotation.append(user_id)


def _rotate(state: LogState, body: dict[str, Any], seq: int) -> None:
    number = state.generation + 1
    if not is_int(body["generation"], number):
        raise LogRefused(seq, f"the next generation is number {number}")
    public_key = b64encode(_key(body["generation_pk"], "generation_pk", seq))
    if public_key in state.generation_keys.values():
        raise LogRefused(seq, "generation_pk was used by an earlier generation")
    if body["readers"] != sorted(state.readers) or not state.readers:
        raise LogRefused(seq, "readers must be the current readers, sorted, and not none")
    state.generation = number
    state.generation_keys[number] = public_key
    state.sealed_for[number] = sorted(state.readers)
    state.awaiting_rotation.clear()


def _members(value: Any, name: str) -> dict[str, Identity]:
    if not isinstance(value, list):
        raise LogRefused(0, f"{name} is a list of identities")
    members = [_identity(item, 0) for item in value]
    ids = [m["user_id"] for m in members]
    if ids != sorted(set(ids)):
        raise LogRefused(0, f"{name} must be sorted by user_id, without repeats")
    return {m["user_id"]: m for m in members}


def _identity(value: Any, seq: int) -> Identity:
    """A public identity (docs/crypto/keys-and-vaults.md, section 2), signed by its own key,
    of a Casebook account (a lowercase UUID as user id)."""
    if not isinstance(value, dict) or set(value) != IDENTITY_KEYS:
        raise LogRefused(
            seq, f"an identity has exactly the fields {', '.join(sorted(IDENTITY_KEYS))}"
        )
    user_id = value["user_id"]
    if not isinstance(user_id, str) or not _is_account_id(user_id):
        raise LogRefused(seq, "user_id must be the id of a Casebook account")
    _key(value["box_pk"], "box_pk", seq)
    _key(value["sign_pk"], "sign_pk", seq)
    signature = value["signature"]
    if not isinstance(signature, str) or not account_keys.identity_signed(
        account_keys.Identity(user_id, value["box_pk"], value["sign_pk"], signature)
    ):
        raise LogRefused(seq, f"the identity of {user_id} is not signed by its signing key")
    return value


def _verify(
    admin: nacl.signing.VerifyKey, entry: dict[str, Any], signature: bytes, seq: int
) -> None:
    if not _signed(admin, LOG_DOMAIN + canonical_json(entry), signature):
        raise LogRefused(seq, "not signed by the group admin's key pinned at genesis")


def _signed(key: nacl.signing.VerifyKey, message: bytes, signature: bytes) -> bool:
    try:
        key.verify(message, signature)
    except nacl.exceptions.BadSignatureError:
        return False
    return True


def _key(value: Any, name: str, seq: int) -> bytes:
    raw = _decoded(value, KEY_BYTES)
    if raw is None:
        raise LogRefused(seq, f"{name} must be a 32-byte key in URL-safe base64 without padding")
    return raw


def _decoded(value: Any, size: int) -> bytes | None:
    if not isinstance(value, str):
        return None
    try:
        raw = b64decode(value)
    except EncodingError:
        return None
    return raw if len(raw) == size else None


def is_int(value: Any, expected: int) -> bool:
    """`value` is the JSON integer `expected` (not a boolean, not a float)."""
    return type(value) is int and value == expected


def _is_account_id(text: str) -> bool:
    try:
        return str(uuid.UUID(text)) == text
    except ValueError:
        return False
