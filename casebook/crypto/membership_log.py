"""The membership log of a group's vault: append-only, hash-chained, every entry signed by the
group admin's Ed25519 key pinned at genesis; and the client-side verifier that refuses what a
malicious server may serve (forged entries, broken chains, rollbacks, omitted rotations,
substituted keys).

Specified in docs/crypto/keys-and-vaults.md ("Membership log").
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import nacl.exceptions
import nacl.signing

from casebook.crypto.errors import CryptoFormatError, SignatureError, UnsupportedFormatError
from casebook.crypto.kdf import blake2b_256
from casebook.crypto.keys import PublicIdentity
from casebook.encoding import EncodingError, b64decode, b64encode, canonical_json

__all__ = [
    "LOG_DOMAIN",
    "AdminKeyChangedError",
    "BrokenChainError",
    "EscrowChangedError",
    "ForkError",
    "GenerationKeyMismatchError",
    "LogError",
    "LogFormatError",
    "LogHead",
    "LogSignatureError",
    "LogVerifier",
    "LogWriter",
    "MemberKeyChangedError",
    "OmittedRotationError",
    "RollbackError",
    "SignedEntry",
    "VerifiedState",
    "entry_hash",
]

LOG_FORMAT = "casebook.membership-log"
LOG_FORMAT_VERSION = 1
LOG_DOMAIN = b"casebook.membership-log.v1\x00"
HASH_DOMAIN = b"casebook.membership-log.hash.v1\x00"

KINDS = ("genesis", "add_reader", "remove_reader", "add_writer", "remove_writer", "rotate")
BODY_KEYS: dict[str, set[str]] = {
    "genesis": {"admin_sign_pk", "escrow_pk", "generation", "generation_pk", "readers", "writers"},
    "add_reader": {"member"},
    "remove_reader": {"user_id"},
    "add_writer": {"member"},
    "remove_writer": {"user_id"},
    "rotate": {"generation", "generation_pk", "readers"},
}
ENTRY_KEYS = {"body", "format", "format_version", "group_id", "kind", "prev", "seq"}


class LogError(CryptoFormatError):
    """The membership log served by the server is refused."""


class LogFormatError(LogError, UnsupportedFormatError):
    """An entry that is not well formed."""


class LogSignatureError(LogError, SignatureError):
    """An entry not signed by the admin key pinned at genesis."""


class BrokenChainError(LogError):
    """seq or prev hash do not link an entry to the one before it."""


class RollbackError(LogError):
    """The log is shorter than the head this client saw earlier."""


class ForkError(LogError):
    """The log differs from the head this client saw earlier."""


class OmittedRotationError(LogError):
    """A reader was removed but no new generation followed."""


class MemberKeyChangedError(LogError):
    """A member's keys differ from the logged ones without a signed entry."""


class GenerationKeyMismatchError(LogError):
    """A vault generation public key that is not the logged one."""


class EscrowChangedError(LogError):
    """An attempt to change the escrow key (never allowed after genesis)."""


class AdminKeyChangedError(LogError):
    """The genesis names another admin key than the one pinned."""


# --------------------------------------------------------------------------- entries


@dataclass(frozen=True)
class SignedEntry:
    entry: Mapping[str, Any]
    signature: bytes

    def canonical(self) -> bytes:
        return canonical_json(dict(self.entry))

    def to_json(self) -> dict[str, Any]:
        return {"entry": dict(self.entry), "signature": b64encode(self.signature)}

    @classmethod
    def from_json(cls, value: Any) -> SignedEntry:
        if not isinstance(value, dict) or set(value) != {"entry", "signature"}:
            raise LogFormatError("a log entry is {entry, signature}")
        if not isinstance(value["entry"], dict) or not isinstance(value["signature"], str):
            raise LogFormatError("a log entry is {entry: object, signature: base64}")
        try:
            signature = b64decode(value["signature"])
            canonical_json(value["entry"])
        except EncodingError as error:
            raise LogFormatError(f"log entry: {error}") from error
        if len(signature) != 64:
            raise LogFormatError("log entry: the signature is 64 bytes")
        return cls(value["entry"], signature)


def entry_hash(signed: SignedEntry) -> bytes:
    """BLAKE2b-256(HASH_DOMAIN || canonical entry bytes || 64-byte signature), unkeyed."""
    return blake2b_256(HASH_DOMAIN + signed.canonical() + signed.signature)


def sign_entry(entry: Mapping[str, Any], signing_key: nacl.signing.SigningKey) -> SignedEntry:
    message = LOG_DOMAIN + canonical_json(dict(entry))
    return SignedEntry(dict(entry), signing_key.sign(message).signature)


def _members_json(members: Iterable[PublicIdentity]) -> list[dict[str, Any]]:
    return [m.to_json() for m in sorted(members, key=lambda m: m.user_id)]


class LogWriter:
    """The admin's side: builds and signs entries. It does not police its own input (the
    verifier does), so tests can build the logs a malicious server would serve."""

    def __init__(
        self,
        group_id: str,
        signing_key: nacl.signing.SigningKey,
        entries: Sequence[SignedEntry] = (),
    ) -> None:
        self.group_id = group_id
        self.signing_key = signing_key
        self.entries: list[SignedEntry] = list(entries)

    def append(self, kind: str, body: Mapping[str, Any]) -> SignedEntry:
        prev = entry_hash(self.entries[-1]) if self.entries else None
        entry = {
            "body": dict(body),
            "format": LOG_FORMAT,
            "format_version": LOG_FORMAT_VERSION,
            "group_id": self.group_id,
            "kind": kind,
            "prev": None if prev is None else b64encode(prev),
            "seq": len(self.entries),
        }
        signed = sign_entry(entry, self.signing_key)
        self.entries.append(signed)
        return signed

    def genesis(
        self,
        *,
        escrow_pk: bytes,
        generation_pk: bytes,
        readers: Iterable[PublicIdentity],
        writers: Iterable[PublicIdentity] = (),
    ) -> SignedEntry:
        return self.append(
            "genesis",
            {
                "admin_sign_pk": b64encode(bytes(self.signing_key.verify_key)),
                "escrow_pk": b64encode(escrow_pk),
                "generation": 1,
                "generation_pk": b64encode(generation_pk),
                "readers": _members_json(readers),
                "writers": _members_json(writers),
            },
        )

    def add_reader(self, member: PublicIdentity) -> SignedEntry:
        return self.append("add_reader", {"member": member.to_json()})

    def remove_reader(self, user_id: str) -> SignedEntry:
        return self.append("remove_reader", {"user_id": user_id})

    def add_writer(self, member: PublicIdentity) -> SignedEntry:
        return self.append("add_writer", {"member": member.to_json()})

    def remove_writer(self, user_id: str) -> SignedEntry:
        return self.append("remove_writer", {"user_id": user_id})

    def rotate(self, generation: int, generation_pk: bytes, readers: Iterable[str]) -> SignedEntry:
        return self.append(
            "rotate",
            {
                "generation": generation,
                "generation_pk": b64encode(generation_pk),
                "readers": sorted(readers),
            },
        )

    def to_json(self) -> list[dict[str, Any]]:
        return [e.to_json() for e in self.entries]


# --------------------------------------------------------------------------- verification


@dataclass(frozen=True)
class LogHead:
    """What a client remembers between visits (per group)."""

    group_id: str
    seq: int
    hash: bytes
    admin_sign_pk: bytes
    escrow_pk: bytes

    def to_json(self) -> dict[str, Any]:
        return {
            "admin_sign_pk": b64encode(self.admin_sign_pk),
            "escrow_pk": b64encode(self.escrow_pk),
            "group_id": self.group_id,
            "hash": b64encode(self.hash),
            "seq": self.seq,
        }

    @classmethod
    def from_json(cls, value: Mapping[str, Any]) -> LogHead:
        return cls(
            group_id=str(value["group_id"]),
            seq=int(value["seq"]),
            hash=b64decode(value["hash"]),
            admin_sign_pk=b64decode(value["admin_sign_pk"]),
            escrow_pk=b64decode(value["escrow_pk"]),
        )


@dataclass(frozen=True)
class VerifiedState:
    group_id: str
    admin_sign_pk: bytes
    escrow_pk: bytes
    generation: int
    generation_pk: bytes
    generation_pks: Mapping[int, bytes]
    readers: Mapping[str, PublicIdentity]
    writers: Mapping[str, PublicIdentity]
    head: LogHead

    @property
    def reader_box_keys(self) -> dict[str, bytes]:
        """user id -> box public key: what a new generation is sealed to."""
        return {uid: m.box_pk for uid, m in self.readers.items()}

    def check_identity(self, identity: PublicIdentity) -> None:
        """Refuse a member key served by the server that differs from the logged one."""
        logged = self.readers.get(identity.user_id) or self.writers.get(identity.user_id)
        if logged is None:
            raise MemberKeyChangedError(
                f"{identity.user_id!r} is not a member of group {self.group_id!r} in the signed "
                "membership log"
            )
        if logged != identity:
            raise MemberKeyChangedError(
                f"the keys served for {identity.user_id!r} differ from the ones in the signed "
                "membership log: a key changed without a signed entry; refusing to use them"
            )

    def check_generation(self, number: int, public_key: bytes) -> None:
        logged = self.generation_pks.get(number)
        if logged is None:
            raise GenerationKeyMismatchError(
                f"generation {number} is not in the membership log (newest: {self.generation})"
            )
        if logged != public_key:
            raise GenerationKeyMismatchError(
                f"the public key served for generation {number} differs from the one in the "
                "signed membership log: the server may be substituting keys"
            )


@dataclass
class _State:
    group_id: str
    admin: nacl.signing.VerifyKey
    admin_sign_pk: bytes
    escrow_pk: bytes
    generation: int
    generation_pks: dict[int, bytes]
    readers: dict[str, PublicIdentity]
    writers: dict[str, PublicIdentity]
    pending_rotation: list[str] = field(default_factory=list)


def _key(value: Any, name: str, seq: int) -> bytes:
    try:
        raw = b64decode(value) if isinstance(value, str) else b""
    except EncodingError:
        raw = b""
    if len(raw) != 32:
        raise LogFormatError(f"entry {seq}: {name} is not a 32-byte key")
    return raw


def _user_id(value: Any, seq: int) -> str:
    if not isinstance(value, str) or not value:
        raise LogFormatError(f"entry {seq}: user_id is non-empty text")
    return value


def _member(value: Any, seq: int) -> PublicIdentity:
    try:
        identity = PublicIdentity.from_json(value)
    except CryptoFormatError as error:
        raise LogFormatError(f"entry {seq}: member: {error}") from error
    try:
        identity.verify()
    except SignatureError as error:
        raise LogSignatureError(f"entry {seq}: {error}") from error
    return identity


def _members(value: Any, seq: int, name: str) -> dict[str, PublicIdentity]:
    if not isinstance(value, list):
        raise LogFormatError(f"entry {seq}: {name} is a list")
    members = [_member(v, seq) for v in value]
    ids = [m.user_id for m in members]
    if ids != sorted(set(ids)):
        raise LogFormatError(f"entry {seq}: {name} must be sorted by user_id, without repeats")
    return {m.user_id: m for m in members}


class LogVerifier:
    """Verifies the log of one group as served by the server.

    `remembered` is the head returned by the previous successful verification (stored by the
    client); `expected_admin_sign_pk` / `expected_escrow_pk` pin keys learnt out of band
    (an invitation checked with safety numbers, the escrow paper)."""

    def __init__(
        self,
        group_id: str,
        *,
        remembered: LogHead | None = None,
        expected_admin_sign_pk: bytes | None = None,
        expected_escrow_pk: bytes | None = None,
    ) -> None:
        if remembered is not None and remembered.group_id != group_id:
            raise ValueError("the remembered head belongs to another group")
        self.group_id = group_id
        self.remembered = remembered
        self.expected_admin: bytes | None = expected_admin_sign_pk
        self.expected_escrow: bytes | None = expected_escrow_pk
        if remembered is not None:
            self.expected_admin = self.expected_admin or remembered.admin_sign_pk
            self.expected_escrow = self.expected_escrow or remembered.escrow_pk

    def verify(
        self,
        served: Sequence[Any],
        *,
        served_identities: Iterable[PublicIdentity] = (),
        served_generation: tuple[int, bytes] | None = None,
    ) -> VerifiedState:
        entries = [e if isinstance(e, SignedEntry) else SignedEntry.from_json(e) for e in served]
        if not entries:
            if self.remembered is not None:
                raise RollbackError(self._rollback_message(0))
            raise LogFormatError(f"the membership log of {self.group_id!r} is empty")
        remembered = self.remembered
        if remembered is not None and len(entries) <= remembered.seq:
            raise RollbackError(self._rollback_message(len(entries)))

        state: _State | None = None
        prev_hash: bytes | None = None
        for seq, signed in enumerate(entries):
            entry = self._check_envelope(signed, seq, prev_hash)
            if seq == 0:
                state = self._genesis(signed, entry)
            else:
                assert state is not None
                self._check_signature(state.admin, signed, seq)
                self._apply(state, entry, seq)
            prev_hash = entry_hash(signed)
            if remembered is not None and seq == remembered.seq and prev_hash != remembered.hash:
                raise ForkError(
                    f"the membership log of {self.group_id!r} differs from the one this device "
                    f"verified earlier at entry {seq}: the server is showing a different "
                    "history; refusing it"
                )
        assert state is not None
        assert prev_hash is not None
        if state.pending_rotation:
            raise OmittedRotationError(
                f"reader(s) {', '.join(state.pending_rotation)} were removed but no new vault "
                "generation follows: they could still read new evidence; refusing the log"
            )
        head = LogHead(
            self.group_id, len(entries) - 1, prev_hash, state.admin_sign_pk, state.escrow_pk
        )
        result = VerifiedState(
            group_id=self.group_id,
            admin_sign_pk=state.admin_sign_pk,
            escrow_pk=state.escrow_pk,
            generation=state.generation,
            generation_pk=state.generation_pks[state.generation],
            generation_pks=dict(state.generation_pks),
            readers=dict(state.readers),
            writers=dict(state.writers),
            head=head,
        )
        for identity in served_identities:
            result.check_identity(identity)
        if served_generation is not None:
            result.check_generation(*served_generation)
        return result

    def _rollback_message(self, length: int) -> str:
        assert self.remembered is not None
        return (
            f"the membership log of {self.group_id!r} has {length} entries, but this device "
            f"already verified entry {self.remembered.seq}: the server rolled the log back "
            "(perhaps to hide a removal); refusing it"
        )

    def _check_envelope(
        self, signed: SignedEntry, seq: int, prev_hash: bytes | None
    ) -> Mapping[str, Any]:
        entry = signed.entry
        if set(entry) != ENTRY_KEYS:
            raise LogFormatError(f"entry {seq}: expected exactly the fields {sorted(ENTRY_KEYS)}")
        if entry["format"] != LOG_FORMAT or entry["format_version"] != LOG_FORMAT_VERSION:
            raise LogFormatError(f"entry {seq}: not a version-1 casebook membership log entry")
        if entry["group_id"] != self.group_id:
            raise BrokenChainError(
                f"entry {seq} belongs to group {entry['group_id']!r}, not {self.group_id!r}"
            )
        if type(entry["seq"]) is not int or entry["seq"] != seq:
            raise BrokenChainError(
                f"entry {seq} carries sequence number {entry['seq']!r}: entries were removed, "
                "repeated or reordered"
            )
        expected = None if prev_hash is None else b64encode(prev_hash)
        if entry["prev"] != expected:
            raise BrokenChainError(
                f"entry {seq} does not link to the hash of entry {seq - 1}: the chain is broken "
                "(an entry was altered, removed or inserted)"
            )
        if not isinstance(entry["body"], dict):
            raise LogFormatError(f"entry {seq}: body is an object")
        kind = entry["kind"]
        if kind not in KINDS:
            if "escrow" in str(kind) or "escrow_pk" in entry["body"]:
                raise EscrowChangedError(
                    f"entry {seq} tries to change the escrow key: the escrow key is fixed at "
                    "genesis; refusing the log"
                )
            raise LogFormatError(f"entry {seq}: unknown kind {kind!r}")
        if (seq == 0) != (kind == "genesis"):
            raise LogFormatError(f"entry {seq}: genesis is the first entry and only the first")
        if set(entry["body"]) != BODY_KEYS[kind]:
            if "escrow_pk" in entry["body"]:
                raise EscrowChangedError(
                    f"entry {seq} ({kind}) carries an escrow key: the escrow key is fixed at "
                    "genesis; refusing the log"
                )
            raise LogFormatError(f"entry {seq}: {kind} has the fields {sorted(BODY_KEYS[kind])}")
        return entry

    @staticmethod
    def _check_signature(admin: nacl.signing.VerifyKey, signed: SignedEntry, seq: int) -> None:
        try:
            admin.verify(LOG_DOMAIN + signed.canonical(), signed.signature)
        except nacl.exceptions.BadSignatureError as error:
            raise LogSignatureError(
                f"entry {seq} is not signed by the group admin's key pinned at genesis: "
                "forged or altered; refusing the log"
            ) from error

    def _genesis(self, signed: SignedEntry, entry: Mapping[str, Any]) -> _State:
        body = entry["body"]
        admin_pk = _key(body["admin_sign_pk"], "admin_sign_pk", 0)
        if self.expected_admin is not None and admin_pk != self.expected_admin:
            raise AdminKeyChangedError(
                "the membership log's genesis names another admin signing key than the one "
                "this device pinned: refusing the log"
            )
        escrow_pk = _key(body["escrow_pk"], "escrow_pk", 0)
        if self.expected_escrow is not None and escrow_pk != self.expected_escrow:
            raise EscrowChangedError(
                "the membership log names another escrow key than the one this device "
                "remembered: the escrow key never changes; refusing the log"
            )
        admin = nacl.signing.VerifyKey(admin_pk)
        self._check_signature(admin, signed, 0)
        if body["generation"] != 1 or type(body["generation"]) is not int:
            raise LogFormatError("entry 0: the first vault generation is number 1")
        readers = _members(body["readers"], 0, "readers")
        writers = _members(body["writers"], 0, "writers")
        if not readers:
            raise LogFormatError("entry 0: a vault needs at least one reader")
        for user_id in readers.keys() & writers.keys():
            if readers[user_id] != writers[user_id]:
                raise MemberKeyChangedError(
                    f"entry 0 gives {user_id!r} different keys as reader and as writer"
                )
        return _State(
            group_id=self.group_id,
            admin=admin,
            admin_sign_pk=admin_pk,
            escrow_pk=escrow_pk,
            generation=1,
            generation_pks={1: _key(body["generation_pk"], "generation_pk", 0)},
            readers=readers,
            writers=writers,
        )

    @staticmethod
    def _check_consistent(state: _State, member: PublicIdentity, seq: int) -> None:
        known = state.readers.get(member.user_id) or state.writers.get(member.user_id)
        if known is not None and known != member:
            raise MemberKeyChangedError(
                f"entry {seq} gives {member.user_id!r} other keys than the logged ones while "
                "they are still a member: a key change needs a removal first"
            )

    def _apply(self, state: _State, entry: Mapping[str, Any], seq: int) -> None:
        kind, body = entry["kind"], entry["body"]
        if state.pending_rotation and kind not in ("remove_reader", "remove_writer", "rotate"):
            raise OmittedRotationError(
                f"entry {seq} ({kind}) follows the removal of reader(s) "
                f"{', '.join(state.pending_rotation)} without a new vault generation: "
                "refusing the log"
            )
        if kind in ("add_reader", "add_writer"):
            member = _member(body["member"], seq)
            self._check_consistent(state, member, seq)
            target = state.readers if kind == "add_reader" else state.writers
            if member.user_id in target:
                raise LogFormatError(f"entry {seq}: {member.user_id!r} is already in that role")
            target[member.user_id] = member
        elif kind in ("remove_reader", "remove_writer"):
            user_id = _user_id(body["user_id"], seq)
            target = state.readers if kind == "remove_reader" else state.writers
            if user_id not in target:
                raise LogFormatError(f"entry {seq}: {user_id!r} is not in that role")
            del target[user_id]
            if kind == "remove_reader":
                state.pending_rotation.append(user_id)
        else:  # rotate
            number = body["generation"]
            if type(number) is not int or number != state.generation + 1:
                raise LogFormatError(
                    f"entry {seq}: rotation to generation {number!r}, expected "
                    f"{state.generation + 1}"
                )
            readers = body["readers"]
            if readers != sorted(state.readers) or not readers:
                raise LogFormatError(
                    f"entry {seq}: the new generation must be sealed to exactly the current "
                    f"readers {sorted(state.readers)}, the entry says {readers!r}"
                )
            pk = _key(body["generation_pk"], "generation_pk", seq)
            if pk in state.generation_pks.values():
                raise LogFormatError(f"entry {seq}: a new generation reuses an old public key")
            state.generation = number
            state.generation_pks[number] = pk
            state.pending_rotation.clear()


def parse_log(value: Any) -> list[SignedEntry]:
    if not isinstance(value, list):
        raise LogFormatError("a membership log is a list of entries")
    return [SignedEntry.from_json(v) for v in value]
