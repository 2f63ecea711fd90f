"""Byte encodings shared by the clients' crypto formats and the server that stores their output:
strict unpadded URL-safe base64 and canonical JSON (docs/crypto/)."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any


class EncodingError(ValueError):
    """Bytes or text that are not in the specified encoding."""


def b64encode(data: bytes) -> str:
    """URL-safe alphabet, no padding: libsodium's URLSAFE_NO_PADDING, the browser default."""
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def b64decode(text: str) -> bytes:
    """Strict: only the URL-safe alphabet, no padding, no whitespace, canonical final bits."""
    if not isinstance(text, str) or "=" in text or len(text) % 4 == 1:
        raise EncodingError("not unpadded URL-safe base64")
    try:
        data = base64.b64decode(text + "=" * (-len(text) % 4), altchars=b"-_", validate=True)
    except (binascii.Error, ValueError) as error:
        raise EncodingError("not unpadded URL-safe base64") from error
    if b64encode(data) != text:
        raise EncodingError("not canonical unpadded URL-safe base64")
    return data


def canonical_json(value: Any) -> bytes:
    """UTF-8 JSON with keys sorted, no insignificant whitespace and no floats: the bytes that
    are hashed and signed. Keys are ASCII; numbers are integers."""
    _check(value)
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _check(value: Any) -> None:
    if isinstance(value, float):
        raise EncodingError("canonical JSON holds no floating-point numbers")
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str) or not key.isascii():
                raise EncodingError("canonical JSON keys are ASCII text")
            _check(item)
    elif isinstance(value, list):
        for item in value:
            _check(item)


IDENTITY_DOMAIN = b"casebook.identity.v1\x00"


def identity_message(user_id: str, box_pk: str, sign_pk: str) -> bytes:
    """What a public identity's signature covers (docs/crypto/keys-and-vaults.md): the domain,
    then the canonical JSON of the user id and both public keys as base64. Clients sign it; the
    server checks it before storing what a client enrols."""
    return IDENTITY_DOMAIN + canonical_json(
        {"box_pk": box_pk, "sign_pk": sign_pk, "user_id": user_id}
    )
