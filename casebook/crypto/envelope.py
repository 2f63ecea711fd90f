"""File-key envelope (docs/crypto/attachment-format.md, "File-key envelope").

The 32-byte file key is sealed (crypto_box_seal) to the X25519 public key of one vault
generation, inside canonical JSON that names the attachment, the vault and the generation, so an
envelope moved to another attachment, vault or generation is refused when opened.
"""

from __future__ import annotations

import json
from typing import Any
from uuid import UUID

from nacl.exceptions import CryptoError
from nacl.public import PrivateKey, PublicKey, SealedBox

from casebook.crypto.errors import (
    TamperedError,
    UnsupportedFormatError,
    WrongContextError,
)
from casebook.encoding import EncodingError, b64decode, b64encode, canonical_json

KIND = "casebook.file-key"
VERSION = 1
FILE_KEY_BYTES = 32
_FIELDS = frozenset({"v", "kind", "attachment_id", "vault_id", "generation", "file_key"})


def seal_file_key(
    file_key: bytes,
    generation_public_key: bytes,
    *,
    attachment_id: UUID,
    vault_id: UUID,
    generation: int,
) -> bytes:
    """Seal ``file_key`` to a vault generation's X25519 public key (anonymous sender)."""
    if not isinstance(file_key, bytes) or len(file_key) != FILE_KEY_BYTES:
        raise ValueError("a file key is 32 bytes")
    _check_generation(generation)
    body = canonical_json(
        {
            "v": VERSION,
            "kind": KIND,
            "attachment_id": str(attachment_id),
            "vault_id": str(vault_id),
            "generation": generation,
            "file_key": b64encode(file_key),
        }
    )
    return bytes(SealedBox(PublicKey(generation_public_key)).encrypt(body))


def open_file_key(
    envelope: bytes,
    generation_private_key: bytes,
    *,
    attachment_id: UUID,
    vault_id: UUID,
    generation: int,
) -> bytes:
    """Open an envelope with the vault generation's private key and return the file key,
    refusing one that names another attachment, vault or generation."""
    _check_generation(generation)
    try:
        body = SealedBox(PrivateKey(generation_private_key)).decrypt(envelope)
    except CryptoError as error:
        raise TamperedError(
            "the file-key envelope was altered, or was not sealed to this vault key generation"
        ) from error
    fields = _parse(body)
    if fields["attachment_id"] != str(attachment_id) or fields["vault_id"] != str(vault_id):
        raise WrongContextError("this file-key envelope belongs to another attachment or vault")
    if fields["generation"] != generation:
        raise WrongContextError(
            f"this file-key envelope names vault key generation {fields['generation']}, "
            f"not {generation}"
        )
    return _file_key(fields["file_key"])


def _parse(body: bytes) -> dict[str, Any]:
    try:
        fields = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as error:
        raise UnsupportedFormatError("the file-key envelope does not hold JSON") from error
    if not isinstance(fields, dict) or fields.get("kind") != KIND:
        raise UnsupportedFormatError("this is not a Casebook file-key envelope")
    if fields.get("v") != VERSION:
        raise UnsupportedFormatError(f"unsupported file-key envelope version {fields.get('v')!r}")
    if set(fields) != _FIELDS:
        raise UnsupportedFormatError("the file-key envelope has missing or unknown fields")
    try:
        canonical = canonical_json(fields)
    except EncodingError as error:
        raise UnsupportedFormatError("the file-key envelope is not canonical JSON") from error
    if canonical != body:
        raise UnsupportedFormatError("the file-key envelope is not canonical JSON")
    for name in ("attachment_id", "vault_id", "file_key"):
        if not isinstance(fields[name], str):
            raise UnsupportedFormatError(f"the file-key envelope's {name} is not text")
    if type(fields["generation"]) is not int:
        raise UnsupportedFormatError("the file-key envelope's generation is not an integer")
    return fields


def _file_key(text: str) -> bytes:
    try:
        key = b64decode(text)
    except EncodingError as error:
        raise UnsupportedFormatError("the file key in the envelope is not base64") from error
    if len(key) != FILE_KEY_BYTES:
        raise UnsupportedFormatError("the file key in the envelope is not 32 bytes")
    return key


def _check_generation(generation: int) -> None:
    if not 0 <= generation <= 0xFFFF_FFFF:
        raise ValueError("generation is an unsigned 32-bit integer")
