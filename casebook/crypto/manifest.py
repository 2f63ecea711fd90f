"""Signed, encrypted attachment manifest (docs/crypto/attachment-format.md, "Manifest").

The manifest (canonical JSON) is signed with the uploader's Ed25519 key over
``b"casebook manifest v1\\0" || manifest``; the pair {manifest, signature} (canonical JSON) is
encrypted with XChaCha20-Poly1305-IETF under a key derived from the file key, with the
attachment's ids as associated data.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any
from uuid import UUID

import nacl.hash
import nacl.utils
from nacl import bindings as nb
from nacl.encoding import RawEncoder
from nacl.exceptions import BadSignatureError, CryptoError
from nacl.signing import SigningKey, VerifyKey

from casebook.crypto.attachment import MAX_PLAINTEXT_SIZE, EncryptResult, encode_ids
from casebook.crypto.errors import (
    IntegrityError,
    SignatureError,
    TamperedError,
    TruncatedError,
    UnsupportedFormatError,
    WrongContextError,
)
from casebook.encoding import EncodingError, b64decode, b64encode, canonical_json

KIND = "casebook.manifest"
VERSION = 1
MAGIC = b"CBMF"
SIGNATURE_DOMAIN = b"casebook manifest v1\0"
KDF_CONTEXT = b"cbmanife"
KDF_SUBKEY_ID = 1
NONCE_BYTES: int = nb.crypto_aead_xchacha20poly1305_ietf_NPUBBYTES  # 24
ABYTES: int = nb.crypto_aead_xchacha20poly1305_ietf_ABYTES  # 16
PREFIX_BYTES = len(MAGIC) + 1
_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z\Z")
_HEX = re.compile(r"[0-9a-f]*\Z")
_FIELDS = frozenset(
    {
        "v",
        "kind",
        "attachment_id",
        "vault_id",
        "generation",
        "filename",
        "media_type",
        "size",
        "sha256",
        "blake2b",
        "ciphertext_sha256",
        "captured_at",
        "uploaded_at",
        "uploader",
    }
)


@dataclass(frozen=True, slots=True)
class Uploader:
    user_id: str
    signing_key: bytes  # Ed25519 public key, 32 bytes


@dataclass(frozen=True, slots=True)
class Manifest:
    attachment_id: UUID
    vault_id: UUID
    generation: int
    filename: str
    media_type: str
    size: int
    sha256: bytes
    blake2b: bytes
    ciphertext_sha256: bytes
    captured_at: datetime | None  # UTC, whole seconds
    uploaded_at: datetime  # UTC, whole seconds
    uploader: Uploader

    def __post_init__(self) -> None:
        if not 0 <= self.generation <= 0xFFFF_FFFF:
            raise ValueError("generation is an unsigned 32-bit integer")
        if not 0 <= self.size <= MAX_PLAINTEXT_SIZE:
            raise ValueError("size out of range")
        for name in ("sha256", "blake2b", "ciphertext_sha256"):
            if len(getattr(self, name)) != 32:
                raise ValueError(f"{name} is a 32-byte digest")
        if len(self.uploader.signing_key) != 32:
            raise ValueError("a signing key is 32 bytes")
        for moment in (self.captured_at, self.uploaded_at):
            if moment is not None:
                _format_time(moment)

    @classmethod
    def for_upload(
        cls,
        result: EncryptResult,
        *,
        attachment_id: UUID,
        vault_id: UUID,
        generation: int,
        filename: str,
        media_type: str,
        captured_at: datetime | None,
        uploaded_at: datetime,
        uploader: Uploader,
    ) -> Manifest:
        """The manifest of a just-encrypted attachment (times are truncated to seconds)."""
        return cls(
            attachment_id=attachment_id,
            vault_id=vault_id,
            generation=generation,
            filename=filename,
            media_type=media_type,
            size=result.plaintext_size,
            sha256=result.plaintext_sha256,
            blake2b=result.plaintext_blake2b,
            ciphertext_sha256=result.ciphertext_sha256,
            captured_at=None if captured_at is None else captured_at.replace(microsecond=0),
            uploaded_at=uploaded_at.replace(microsecond=0),
            uploader=uploader,
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "v": VERSION,
            "kind": KIND,
            "attachment_id": str(self.attachment_id),
            "vault_id": str(self.vault_id),
            "generation": self.generation,
            "filename": self.filename,
            "media_type": self.media_type,
            "size": self.size,
            "sha256": self.sha256.hex(),
            "blake2b": self.blake2b.hex(),
            "ciphertext_sha256": self.ciphertext_sha256.hex(),
            "captured_at": None if self.captured_at is None else _format_time(self.captured_at),
            "uploaded_at": _format_time(self.uploaded_at),
            "uploader": {
                "user_id": self.uploader.user_id,
                "signing_key": b64encode(self.uploader.signing_key),
            },
        }

    @classmethod
    def from_json(cls, fields: Any) -> Manifest:
        """Parse a manifest object; raises UnsupportedFormatError on anything unexpected."""
        if not isinstance(fields, dict) or fields.get("kind") != KIND:
            raise UnsupportedFormatError("this is not a Casebook manifest")
        if fields.get("v") != VERSION:
            raise UnsupportedFormatError(f"unsupported manifest version {fields.get('v')!r}")
        if set(fields) != _FIELDS:
            raise UnsupportedFormatError("the manifest has missing or unknown fields")
        uploader = fields["uploader"]
        if not isinstance(uploader, dict) or set(uploader) != {"user_id", "signing_key"}:
            raise UnsupportedFormatError("the manifest's uploader is malformed")
        try:
            manifest = cls(
                attachment_id=_uuid(fields["attachment_id"]),
                vault_id=_uuid(fields["vault_id"]),
                generation=_int(fields["generation"]),
                filename=_text(fields["filename"]),
                media_type=_text(fields["media_type"]),
                size=_int(fields["size"]),
                sha256=_hex(fields["sha256"]),
                blake2b=_hex(fields["blake2b"]),
                ciphertext_sha256=_hex(fields["ciphertext_sha256"]),
                captured_at=(
                    None if fields["captured_at"] is None else _time(fields["captured_at"])
                ),
                uploaded_at=_time(fields["uploaded_at"]),
                uploader=Uploader(_text(uploader["user_id"]), b64decode(uploader["signing_key"])),
            )
        except (ValueError, TypeError) as error:  # EncodingError is a ValueError
            raise UnsupportedFormatError(f"the manifest is malformed: {error}") from error
        if manifest.to_json() != fields:
            raise UnsupportedFormatError("the manifest is not in canonical form")
        return manifest


def manifest_key(file_key: bytes) -> bytes:
    """crypto_kdf_derive_from_key(32, 1, "cbmanife", file_key), as keyed BLAKE2b-256."""
    if not isinstance(file_key, bytes) or len(file_key) != 32:
        raise ValueError("a file key is 32 bytes")
    key: bytes = nacl.hash.blake2b(
        b"",
        digest_size=32,
        key=file_key,
        salt=KDF_SUBKEY_ID.to_bytes(8, "little") + bytes(8),
        person=KDF_CONTEXT + bytes(8),
        encoder=RawEncoder,
    )
    return key


def associated_data(attachment_id: UUID, vault_id: UUID, generation: int) -> bytes:
    """b"CBMF" || 0x01 || attachment id || vault id || u32be(generation): 41 bytes."""
    return MAGIC + bytes([VERSION]) + encode_ids(attachment_id, vault_id, generation)


def signed_message(manifest: Manifest) -> bytes:
    return SIGNATURE_DOMAIN + canonical_json(manifest.to_json())


def seal_manifest(
    manifest: Manifest,
    *,
    signing_key: SigningKey,
    file_key: bytes,
    _nonce: bytes | None = None,
) -> bytes:
    """Sign ``manifest`` with the uploader's key and encrypt it under the file key.

    ``_nonce`` fixes the AEAD nonce, for golden vectors only."""
    if bytes(signing_key.verify_key) != manifest.uploader.signing_key:
        raise ValueError("the manifest names another uploader signing key")
    signature = signing_key.sign(signed_message(manifest)).signature
    body = canonical_json({"manifest": manifest.to_json(), "signature": b64encode(signature)})
    nonce = nacl.utils.random(NONCE_BYTES) if _nonce is None else _nonce
    if len(nonce) != NONCE_BYTES:
        raise ValueError("a nonce is 24 bytes")
    ad = associated_data(manifest.attachment_id, manifest.vault_id, manifest.generation)
    sealed = nb.crypto_aead_xchacha20poly1305_ietf_encrypt(body, ad, nonce, manifest_key(file_key))
    return MAGIC + bytes([VERSION]) + nonce + sealed


@dataclass(frozen=True, slots=True)
class SignedManifest:
    """A manifest with its uploader's signature, as court exports carry it."""

    manifest: Manifest
    signature: bytes

    def to_json(self) -> dict[str, Any]:
        return {"manifest": self.manifest.to_json(), "signature": b64encode(self.signature)}

    @classmethod
    def verified(cls, pair: Any) -> SignedManifest:
        """A {manifest, signature} pair (`to_json`) checked offline against the signing key
        the manifest names; raises a CryptoFormatError if it was altered."""
        if not isinstance(pair, dict) or set(pair) != {"manifest", "signature"}:
            raise UnsupportedFormatError("the manifest is not a {manifest, signature} pair")
        try:
            signature = b64decode(pair["signature"])
        except (EncodingError, TypeError) as error:
            raise UnsupportedFormatError(f"the manifest is malformed: {error}") from error
        manifest = Manifest.from_json(pair["manifest"])
        _check_signature(pair["manifest"], signature, manifest.uploader.signing_key)
        return cls(manifest, signature)


def open_manifest(
    blob: bytes,
    *,
    file_key: bytes,
    attachment_id: UUID,
    vault_id: UUID,
    generation: int,
    expected_signing_key: bytes,
) -> Manifest:
    """Decrypt a manifest, check it belongs to this attachment and was signed by
    ``expected_signing_key`` (the uploader's Ed25519 public key, from the membership log)."""
    return open_signed_manifest(
        blob,
        file_key=file_key,
        attachment_id=attachment_id,
        vault_id=vault_id,
        generation=generation,
        expected_signing_key=expected_signing_key,
    ).manifest


def open_signed_manifest(
    blob: bytes,
    *,
    file_key: bytes,
    attachment_id: UUID,
    vault_id: UUID,
    generation: int,
    expected_signing_key: bytes,
) -> SignedManifest:
    """`open_manifest`, keeping the signature for an export."""
    if blob[: len(MAGIC)] != MAGIC:
        raise UnsupportedFormatError("this is not a Casebook encrypted manifest")
    if len(blob) > len(MAGIC) and blob[len(MAGIC)] != VERSION:
        raise UnsupportedFormatError(f"unsupported manifest format version {blob[len(MAGIC)]}")
    if len(blob) < PREFIX_BYTES + NONCE_BYTES + ABYTES:
        raise TruncatedError("the encrypted manifest was cut short")
    nonce = blob[PREFIX_BYTES : PREFIX_BYTES + NONCE_BYTES]
    ad = associated_data(attachment_id, vault_id, generation)
    try:
        body = nb.crypto_aead_xchacha20poly1305_ietf_decrypt(
            blob[PREFIX_BYTES + NONCE_BYTES :], ad, nonce, manifest_key(file_key)
        )
    except CryptoError as error:
        raise TamperedError(
            "the manifest was altered, or belongs to another attachment, vault, generation "
            "or file key"
        ) from error
    fields, signature = _parse_pair(body)
    if not isinstance(fields, dict) or not isinstance(fields.get("uploader"), dict):
        raise UnsupportedFormatError("this is not a Casebook manifest")
    if fields["uploader"].get("signing_key") != b64encode(expected_signing_key):
        raise SignatureError("the manifest was signed by another key than the uploader's")
    _check_signature(fields, signature, expected_signing_key)
    manifest = Manifest.from_json(fields)
    if manifest.attachment_id != attachment_id or manifest.vault_id != vault_id:
        raise WrongContextError("this manifest belongs to another attachment or vault")
    if manifest.generation != generation:
        raise WrongContextError(
            f"this manifest names vault key generation {manifest.generation}, not {generation}"
        )
    return SignedManifest(manifest, signature)


def _check_signature(fields: Any, signature: bytes, signing_key: bytes) -> None:
    try:
        VerifyKey(signing_key).verify(SIGNATURE_DOMAIN + canonical_json(fields), signature)
    except (BadSignatureError, ValueError) as error:
        raise SignatureError("the manifest's signature is not valid") from error


def verify_download(plaintext_path: Path, manifest: Manifest) -> None:
    """Re-hash a decrypted file and compare size, SHA-256 and BLAKE2b with the manifest."""
    with Path(plaintext_path).open("rb") as source:
        verify_plaintext(source, manifest)


def verify_plaintext(source: IO[bytes], manifest: Manifest) -> None:
    """`verify_download` for an open stream, such as a file inside a zip."""
    sha = hashlib.sha256()
    b2 = hashlib.blake2b(digest_size=32)
    size = 0
    while block := source.read(65_536):
        sha.update(block)
        b2.update(block)
        size += len(block)
    check_digests(manifest, size=size, sha256=sha.digest(), blake2b=b2.digest())


def check_digests(manifest: Manifest, *, size: int, sha256: bytes, blake2b: bytes) -> None:
    """Compare a plaintext's size, SHA-256 and BLAKE2b (as decrypting measured them, or as
    `verify_download` re-hashed them) with the manifest."""
    if size != manifest.size:
        raise IntegrityError(f"the file has {size} bytes, the manifest says {manifest.size}")
    if sha256 != manifest.sha256:
        raise IntegrityError("the file's SHA-256 does not match the manifest")
    if blake2b != manifest.blake2b:
        raise IntegrityError("the file's BLAKE2b does not match the manifest")


def _parse_pair(body: bytes) -> tuple[Any, bytes]:
    try:
        pair = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as error:
        raise UnsupportedFormatError("the manifest does not hold JSON") from error
    if not isinstance(pair, dict) or set(pair) != {"manifest", "signature"}:
        raise UnsupportedFormatError("the manifest is not a {manifest, signature} pair")
    try:
        canonical = canonical_json(pair)
        signature = b64decode(pair["signature"])
    except EncodingError as error:
        raise UnsupportedFormatError(f"the manifest is malformed: {error}") from error
    if canonical != body:
        raise UnsupportedFormatError("the manifest is not canonical JSON")
    if len(signature) != 64:
        raise UnsupportedFormatError("the manifest's signature is not 64 bytes")
    return pair["manifest"], signature


def _format_time(moment: datetime) -> str:
    if moment.tzinfo is None or moment.utcoffset() != UTC.utcoffset(None):
        raise ValueError("manifest times are in UTC")
    if moment.microsecond:
        raise ValueError("manifest times have whole seconds")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _time(text: Any) -> datetime:
    if not isinstance(text, str) or not _TIME.match(text):
        raise ValueError("a time is YYYY-MM-DDTHH:MM:SSZ")
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


def _uuid(text: Any) -> UUID:
    value = UUID(_text(text))
    if str(value) != text:
        raise ValueError("an id is a lowercase hyphenated UUID")
    return value


def _hex(text: Any) -> bytes:
    if not isinstance(text, str) or not _HEX.match(text) or len(text) != 64:
        raise ValueError("a digest is 64 lowercase hex digits")
    return bytes.fromhex(text)


def _int(value: Any) -> int:
    if type(value) is not int:
        raise TypeError("expected an integer")
    return value


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError("expected text")
    return value
