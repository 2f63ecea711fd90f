"""Account keys: password + Secret Key -> login credential and unwrap key; recovery codes;
the printable text format of Secret Keys, recovery codes and escrow keys.

Specified in docs/crypto/keys-and-vaults.md ("Account keys", "Text format"). Every constant
here is part of the format: changing one breaks every existing account.
"""

from __future__ import annotations

import hmac
import os
import unicodedata
from dataclasses import dataclass
from typing import Any

import nacl.bindings
import nacl.pwhash.argon2id as argon2id

from casebook.crypto.errors import CryptoFormatError
from casebook.encoding import EncodingError, b64decode, b64encode

__all__ = [
    "MAX_MEMLIMIT",
    "MAX_OPSLIMIT",
    "MIN_MEMLIMIT",
    "MIN_OPSLIMIT",
    "SECRET_KEY_BYTES",
    "AccountKeys",
    "ExcessiveParameters",
    "KdfParams",
    "RecoveryKeys",
    "TextFormatError",
    "WeakParameters",
    "derive_account_keys",
    "derive_password_key",
    "derive_recovery_keys",
    "format_recovery_code",
    "format_secret_key",
    "generate_recovery_code",
    "generate_secret_key",
    "kdf_derive_from_key",
    "parse_recovery_code",
    "parse_secret_key",
]

# libsodium's MODERATE: the floor the client accepts whatever the server sends.
MIN_OPSLIMIT = argon2id.OPSLIMIT_MODERATE  # 3
MIN_MEMLIMIT = argon2id.MEMLIMIT_MODERATE  # 268435456 (256 MiB)
# A ceiling too, so a malicious server cannot make the client allocate unbounded memory or
# spin for minutes: libsodium's SENSITIVE memory (1 GiB) and 16 passes.
MAX_OPSLIMIT = 16
MAX_MEMLIMIT = argon2id.MEMLIMIT_SENSITIVE  # 1073741824 (1 GiB)
SALT_BYTES = argon2id.SALTBYTES  # 16
KEY_BYTES = 32
SECRET_KEY_BYTES = 16
RECOVERY_CODE_BYTES = 16

PERSON_ACCOUNT_MASTER = b"casebook-auk"  # zero-padded to 16 bytes
PERSON_RECOVERY_MASTER = b"casebook-rck"  # zero-padded to 16 bytes
DOMAIN_TEXT_CHECK = b"casebook.text-check.v1\x00"

# crypto_kdf_derive_from_key subkeys: (subkey id, 8-byte context)
SUBKEY_LOGIN = (1, b"CBlogin_")
SUBKEY_UNWRAP = (2, b"CBunwrap")
SUBKEY_RECOVERY_LOGIN = (3, b"CBrlogin")
SUBKEY_RECOVERY_UNWRAP = (4, b"CBrunwrp")


class WeakParameters(CryptoFormatError):
    """Key-derivation parameters below libsodium's MODERATE: refused whoever sent them."""


class ExcessiveParameters(CryptoFormatError):
    """Key-derivation parameters so large they look like a denial-of-service attempt."""


class TextFormatError(CryptoFormatError):
    """A Secret Key, recovery code or escrow key text that does not parse or check."""


def _pad16(value: bytes) -> bytes:
    assert len(value) <= 16
    return value + b"\x00" * (16 - len(value))


def blake2b_256(data: bytes, *, key: bytes = b"", salt: bytes = b"", person: bytes = b"") -> bytes:
    """Raw 32-byte BLAKE2b (crypto_generichash_blake2b_salt_personal), salt/person
    zero-padded to 16 bytes. With salt and person all zero this is plain crypto_generichash.
    NB: libsodium-wrappers' crypto_generichash_blake2b_salt_personal(len, key, salt, person)
    has no message argument (it hashes the empty message), so the formats only use salt/person
    with data == b"", and prefix a domain string to the data otherwise."""
    return nacl.bindings.crypto_generichash_blake2b_salt_personal(
        data, digest_size=32, key=key, salt=_pad16(salt), person=_pad16(person)
    )


def kdf_derive_from_key(master: bytes, subkey_id: int, context: bytes, length: int = 32) -> bytes:
    """libsodium's crypto_kdf_derive_from_key (absent from PyNaCl): keyed BLAKE2b over the empty
    message with salt = LE64(subkey_id) || 0^8 and person = context || 0^8."""
    if len(master) != 32 or len(context) != 8 or not 0 <= subkey_id < 2**64:
        raise ValueError("crypto_kdf needs a 32-byte key, an 8-byte context and a u64 id")
    return nacl.bindings.crypto_generichash_blake2b_salt_personal(
        b"",
        digest_size=length,
        key=master,
        salt=subkey_id.to_bytes(8, "little") + b"\x00" * 8,
        person=context + b"\x00" * 8,
    )


# --------------------------------------------------------------------------- parameters


@dataclass(frozen=True)
class KdfParams:
    """Argon2id parameters stored per user on the server and sent to the client at login."""

    opslimit: int
    memlimit: int
    salt: bytes

    def check(self) -> None:
        """Refuse parameters weaker than MODERATE (or absurdly large), with the reason."""
        if len(self.salt) != SALT_BYTES:
            raise WeakParameters(f"the Argon2id salt must be {SALT_BYTES} bytes")
        if self.opslimit < MIN_OPSLIMIT or self.memlimit < MIN_MEMLIMIT:
            raise WeakParameters(
                f"refusing Argon2id parameters opslimit={self.opslimit}, "
                f"memlimit={self.memlimit}: they are weaker than the minimum this client "
                f"accepts (opslimit {MIN_OPSLIMIT}, memlimit {MIN_MEMLIMIT} bytes = 256 MiB, "
                "libsodium's MODERATE). A server that sends weak parameters may be trying to "
                "make your password cheap to guess; do not log in and tell your coordinator."
            )
        if self.opslimit > MAX_OPSLIMIT or self.memlimit > MAX_MEMLIMIT:
            raise ExcessiveParameters(
                f"refusing Argon2id parameters opslimit={self.opslimit}, "
                f"memlimit={self.memlimit}: above the maximum this client runs "
                f"(opslimit {MAX_OPSLIMIT}, memlimit {MAX_MEMLIMIT} bytes)."
            )

    @classmethod
    def generate(cls) -> KdfParams:
        """Parameters for a new account (or a password change): MODERATE and a fresh salt."""
        return cls(MIN_OPSLIMIT, MIN_MEMLIMIT, os.urandom(SALT_BYTES))

    def to_json(self) -> dict[str, Any]:
        return {
            "alg": "argon2id13",
            "memlimit": self.memlimit,
            "opslimit": self.opslimit,
            "salt": b64encode(self.salt),
        }

    @classmethod
    def from_server(cls, value: Any) -> KdfParams:
        """Parse the parameters the server sent and refuse them if weak."""
        if not isinstance(value, dict) or set(value) != {"alg", "memlimit", "opslimit", "salt"}:
            raise WeakParameters("Argon2id parameters: unexpected structure")
        if value["alg"] != "argon2id13":
            raise WeakParameters(f"refusing key-derivation algorithm {value['alg']!r}")
        ops, mem = value["opslimit"], value["memlimit"]
        if type(ops) is not int or type(mem) is not int or not isinstance(value["salt"], str):
            raise WeakParameters("Argon2id parameters: opslimit/memlimit must be integers")
        try:
            salt = b64decode(value["salt"])
        except EncodingError as error:
            raise WeakParameters(f"Argon2id parameters: salt: {error}") from error
        params = cls(ops, mem, salt)
        params.check()
        return params


# --------------------------------------------------------------------------- account keys


@dataclass(frozen=True)
class AccountKeys:
    login_credential: str
    """b64 of the 32-byte login subkey: sent to the server instead of the password."""
    unwrap_key: bytes
    """32 bytes; never leaves the client; opens the password wrap of the key bundle."""


@dataclass(frozen=True)
class RecoveryKeys:
    login_credential: str
    """b64 of the 32-byte recovery login subkey (the server stores an argon2 hash of it)."""
    recovery_key: bytes
    """32 bytes; opens the recovery wrap of the key bundle."""


def normalize_password(password: str) -> bytes:
    return unicodedata.normalize("NFC", password).encode("utf-8")


def derive_password_key(password: str, params: KdfParams) -> bytes:
    """pwk = Argon2id(NFC(password) as UTF-8, salt, opslimit, memlimit), 32 bytes. Refuses weak
    parameters: there is no way to derive with parameters below MODERATE."""
    params.check()
    return argon2id.kdf(
        KEY_BYTES,
        normalize_password(password),
        params.salt,
        opslimit=params.opslimit,
        memlimit=params.memlimit,
    )


def account_keys_from_password_key(pwk: bytes, secret_key: bytes) -> AccountKeys:
    if len(pwk) != KEY_BYTES or len(secret_key) != SECRET_KEY_BYTES:
        raise ValueError("pwk is 32 bytes, the Secret Key 16 bytes")
    master = blake2b_256(b"", key=pwk, salt=secret_key, person=PERSON_ACCOUNT_MASTER)
    login = kdf_derive_from_key(master, *SUBKEY_LOGIN)
    unwrap = kdf_derive_from_key(master, *SUBKEY_UNWRAP)
    return AccountKeys(login_credential=b64encode(login), unwrap_key=unwrap)


def derive_account_keys(password: str, secret_key: bytes, params: KdfParams) -> AccountKeys:
    """master = BLAKE2b-256(data="", key=pwk, salt=secret_key, person="casebook-auk");
    login = kdf(master, 1, "CBlogin_"), unwrap = kdf(master, 2, "CBunwrap")."""
    return account_keys_from_password_key(derive_password_key(password, params), secret_key)


def derive_recovery_keys(recovery_code: bytes) -> RecoveryKeys:
    """rmaster = BLAKE2b-256(key=recovery_code, data="", person="casebook-rck");
    login = kdf(rmaster, 3, "CBrlogin"), recovery_key = kdf(rmaster, 4, "CBrunwrp").
    No Argon2: the code is 128 bits from the CSPRNG, so stretching adds no security."""
    if len(recovery_code) != RECOVERY_CODE_BYTES:
        raise ValueError("a recovery code is 16 bytes")
    master = blake2b_256(b"", key=recovery_code, person=PERSON_RECOVERY_MASTER)
    login = kdf_derive_from_key(master, *SUBKEY_RECOVERY_LOGIN)
    key = kdf_derive_from_key(master, *SUBKEY_RECOVERY_UNWRAP)
    return RecoveryKeys(login_credential=b64encode(login), recovery_key=key)


def generate_secret_key() -> bytes:
    return os.urandom(SECRET_KEY_BYTES)


def generate_recovery_code() -> bytes:
    return os.urandom(RECOVERY_CODE_BYTES)


# --------------------------------------------------------------------------- text format

CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_DECODE = {c: i for i, c in enumerate(CROCKFORD)}
_DECODE.update({"O": 0, "I": 1, "L": 1})

# kind -> (prefix, payload bytes, number of hash check characters)
TEXT_KINDS: dict[str, tuple[str, int, int]] = {
    "secret-key": ("CBSK1", 16, 3),
    "recovery-code": ("CBRC1", 16, 3),
    "escrow-key": ("CBEK1", 32, 2),
}


def _base32(payload: bytes) -> str:
    bits = len(payload) * 8
    nchars = -(-bits // 5)
    value = int.from_bytes(payload, "big") << (nchars * 5 - bits)
    return "".join(CROCKFORD[(value >> (5 * (nchars - 1 - i))) & 31] for i in range(nchars))


def _luhn32(symbols: list[int]) -> int:
    """Luhn mod 32 check symbol over the data symbols: catches every single substitution and
    almost every adjacent transposition."""
    factor, total = 2, 0
    for code in reversed(symbols):
        addend = factor * code
        total += addend // 32 + addend % 32
        factor = 3 - factor
    return (32 - total % 32) % 32


def _check_chars(kind: str, prefix: str, payload: bytes, data: str, nhash: int) -> str:
    luhn = CROCKFORD[_luhn32([_DECODE[c] for c in data])]
    digest = blake2b_256(DOMAIN_TEXT_CHECK + prefix.encode("ascii") + payload)
    top = int.from_bytes(digest[:4], "big") >> (32 - 5 * nhash)
    return luhn + "".join(CROCKFORD[(top >> (5 * (nhash - 1 - i))) & 31] for i in range(nhash))


def format_key_text(kind: str, payload: bytes) -> str:
    prefix, size, nhash = TEXT_KINDS[kind]
    if len(payload) != size:
        raise ValueError(f"a {kind} is {size} bytes")
    data = _base32(payload)
    chars = data + _check_chars(kind, prefix, payload, data, nhash)
    groups = [chars[i : i + 5] for i in range(0, len(chars), 5)]
    return "-".join([prefix, *groups])


def parse_key_text(kind: str, text: str) -> bytes:
    prefix, size, nhash = TEXT_KINDS[kind]
    label = kind.replace("-", " ")
    cleaned = "".join(text.split()).replace("-", "").upper()
    if not cleaned.startswith(prefix):
        others = [k for k, v in TEXT_KINDS.items() if cleaned.startswith(v[0])]
        hint = f" (this looks like a {others[0].replace('-', ' ')})" if others else ""
        raise TextFormatError(f"a {label} starts with {prefix}-{hint}")
    body = cleaned[len(prefix) :]
    ndata = -(-size * 8 // 5)
    if len(body) != ndata + 1 + nhash:
        raise TextFormatError(
            f"a {label} has {ndata + 1 + nhash} characters after {prefix}-, this has {len(body)}"
        )
    bad = sorted({c for c in body if c not in _DECODE})
    if bad:
        raise TextFormatError(f"{''.join(bad)!r} cannot appear in a {label} (Crockford base32)")
    data = "".join(CROCKFORD[_DECODE[c]] for c in body[:ndata])
    value = 0
    for c in data:
        value = (value << 5) | _DECODE[c]
    spare = ndata * 5 - size * 8
    if value & ((1 << spare) - 1):
        raise TextFormatError(f"this {label} has a typo (the last data character is impossible)")
    payload = (value >> spare).to_bytes(size, "big")
    check = "".join(CROCKFORD[_DECODE[c]] for c in body[ndata:])
    if not hmac.compare_digest(check, _check_chars(kind, prefix, payload, data, nhash)):
        raise TextFormatError(f"this {label} has a typo: its check characters do not match")
    return payload


def format_secret_key(secret_key: bytes) -> str:
    return format_key_text("secret-key", secret_key)


def parse_secret_key(text: str) -> bytes:
    return parse_key_text("secret-key", text)


def format_recovery_code(code: bytes) -> str:
    return format_key_text("recovery-code", code)


def parse_recovery_code(text: str) -> bytes:
    return parse_key_text("recovery-code", text)
