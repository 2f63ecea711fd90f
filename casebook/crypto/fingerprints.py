"""Safety numbers: 60 decimal digits in 12 groups of 5, read aloud or compared on screen to
check out of band that the keys the server shows are the person's (or the escrow's) own.

Specified in docs/crypto/keys-and-vaults.md ("Safety numbers").
"""

from __future__ import annotations

import hmac

import nacl.bindings

from casebook.crypto.keys import PublicIdentity

__all__ = ["identity_safety_number", "key_safety_number", "safety_numbers_match"]

DOMAIN_IDENTITY = b"casebook.safety-number.identity.v1\x00"
DOMAIN_KEY = b"casebook.safety-number.key.v1\x00"
GROUPS = 12
DIGITS = 5


def _digits(data: bytes) -> str:
    """Unkeyed BLAKE2b-512 (crypto_generichash(64, data, null))."""
    digest = nacl.bindings.crypto_generichash_blake2b_salt_personal(
        data, digest_size=64, key=b"", salt=b"\x00" * 16, person=b"\x00" * 16
    )
    groups = [
        f"{int.from_bytes(digest[5 * i : 5 * i + 5], 'big') % 10**DIGITS:05d}"
        for i in range(GROUPS)
    ]
    return " ".join(groups)


def identity_safety_number(identity: PublicIdentity) -> str:
    """BLAKE2b-512(DOMAIN_IDENTITY || sign_pk || box_pk); group i (0..11) is bytes
    5i..5i+4 as a big-endian integer mod 100000, zero-padded to 5 digits; groups joined by
    one space. The user id is not an input: the number names keys, the screen names people."""
    return _digits(DOMAIN_IDENTITY + identity.sign_pk + identity.box_pk)


def key_safety_number(public_key: bytes) -> str:
    """The same for a single 32-byte public key (the escrow key, a group admin's signing key),
    prefixed with DOMAIN_KEY instead."""
    if len(public_key) != 32:
        raise ValueError("a public key is 32 bytes")
    return _digits(DOMAIN_KEY + public_key)


def safety_numbers_match(a: str, b: str) -> bool:
    """Compare two safety numbers as typed or read: spaces and line breaks do not matter."""
    return hmac.compare_digest("".join(a.split()), "".join(b.split()))
