"""The key bundle: an X25519 box key pair and an Ed25519 signing key pair per user, the public
halves as a signed PublicIdentity, the private halves wrapped twice (unwrap key, recovery key).

Specified in docs/crypto/keys-and-vaults.md ("Key bundle").
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

import nacl.bindings
import nacl.exceptions
import nacl.signing

from casebook.crypto.errors import (
    CryptoFormatError,
    SignatureError,
    TamperedError,
    UnsupportedFormatError,
    WrongContextError,
)
from casebook.encoding import (
    IDENTITY_DOMAIN,
    EncodingError,
    b64decode,
    b64encode,
    canonical_json,
    identity_message,
)

__all__ = [
    "BUNDLE_FORMAT",
    "IDENTITY_DOMAIN",
    "KeyBundle",
    "PublicIdentity",
    "WrappedBundle",
    "create_bundle",
    "open_bundle",
    "open_bundle_with_recovery",
    "rewrap_for_new_password",
    "rewrap_for_new_recovery_code",
]

BUNDLE_FORMAT = "casebook.key-bundle"
BUNDLE_FORMAT_VERSION = 1
WRAP_UNWRAP_KEY = "unwrap-key"
WRAP_RECOVERY = "recovery-key"
NONCE_BYTES = 24
SECRET_BYTES = 64  # box_sk (32) || sign_seed (32)


def _bytes_field(value: Any, name: str, size: int) -> bytes:
    if not isinstance(value, str):
        raise UnsupportedFormatError(f"{name}: expected base64 text")
    try:
        raw = b64decode(value)
    except EncodingError as error:
        raise UnsupportedFormatError(f"{name}: {error}") from error
    if len(raw) != size:
        raise UnsupportedFormatError(f"{name}: expected {size} bytes, got {len(raw)}")
    return raw


def _str_field(value: Any, name: str) -> str:
    if not isinstance(value, str) or not value:
        raise UnsupportedFormatError(f"{name}: expected non-empty text")
    return value


def _exact_keys(value: Any, keys: set[str], what: str) -> dict[str, Any]:
    if not isinstance(value, dict) or set(value) != keys:
        raise UnsupportedFormatError(f"{what}: expected exactly the fields {sorted(keys)}")
    return value


@dataclass(frozen=True)
class PublicIdentity:
    """A user's public keys as others see them. `signature` is Ed25519 by sign_pk over
    IDENTITY_DOMAIN || canonical_json({"box_pk", "sign_pk", "user_id"})."""

    user_id: str
    box_pk: bytes
    sign_pk: bytes
    signature: bytes

    @staticmethod
    def signed_message(user_id: str, box_pk: bytes, sign_pk: bytes) -> bytes:
        return identity_message(user_id, b64encode(box_pk), b64encode(sign_pk))

    def verify(self) -> None:
        """Refuse a box key that the signing key did not sign (for this user id)."""
        message = self.signed_message(self.user_id, self.box_pk, self.sign_pk)
        try:
            nacl.signing.VerifyKey(self.sign_pk).verify(message, self.signature)
        except (nacl.exceptions.BadSignatureError, nacl.exceptions.ValueError) as error:
            raise SignatureError(
                f"the box key published for user {self.user_id!r} is not signed by their "
                "signing key: the server may be substituting keys; refusing to use it"
            ) from error

    def to_json(self) -> dict[str, Any]:
        return {
            "box_pk": b64encode(self.box_pk),
            "sign_pk": b64encode(self.sign_pk),
            "signature": b64encode(self.signature),
            "user_id": self.user_id,
        }

    @classmethod
    def from_json(cls, value: Any) -> PublicIdentity:
        v = _exact_keys(value, {"box_pk", "sign_pk", "signature", "user_id"}, "identity")
        return cls(
            user_id=_str_field(v["user_id"], "user_id"),
            box_pk=_bytes_field(v["box_pk"], "box_pk", 32),
            sign_pk=_bytes_field(v["sign_pk"], "sign_pk", 32),
            signature=_bytes_field(v["signature"], "signature", 64),
        )


@dataclass(frozen=True)
class Wrap:
    nonce: bytes
    ciphertext: bytes

    def to_json(self) -> dict[str, Any]:
        return {"ciphertext": b64encode(self.ciphertext), "nonce": b64encode(self.nonce)}

    @classmethod
    def from_json(cls, value: Any, name: str) -> Wrap:
        v = _exact_keys(value, {"ciphertext", "nonce"}, name)
        return cls(
            nonce=_bytes_field(v["nonce"], f"{name}.nonce", NONCE_BYTES),
            ciphertext=_bytes_field(v["ciphertext"], f"{name}.ciphertext", SECRET_BYTES + 16),
        )


@dataclass(frozen=True)
class WrappedBundle:
    """What the server stores: public identity plus the private halves wrapped twice."""

    identity: PublicIdentity
    bundle_version: int
    password_wrap: Wrap
    recovery_wrap: Wrap

    @property
    def user_id(self) -> str:
        return self.identity.user_id

    def to_json(self) -> dict[str, Any]:
        return {
            "bundle_version": self.bundle_version,
            "format": BUNDLE_FORMAT,
            "format_version": BUNDLE_FORMAT_VERSION,
            "identity": self.identity.to_json(),
            "password_wrap": self.password_wrap.to_json(),
            "recovery_wrap": self.recovery_wrap.to_json(),
        }

    def to_bytes(self) -> bytes:
        return canonical_json(self.to_json())

    @classmethod
    def from_json(cls, value: Any) -> WrappedBundle:
        keys = {"bundle_version", "format", "format_version", "identity"}
        v = _exact_keys(value, keys | {"password_wrap", "recovery_wrap"}, "key bundle")
        if v["format"] != BUNDLE_FORMAT or v["format_version"] != BUNDLE_FORMAT_VERSION:
            raise UnsupportedFormatError("not a version-1 casebook key bundle")
        version = v["bundle_version"]
        if type(version) is not int or version < 1:
            raise UnsupportedFormatError("bundle_version: expected a positive integer")
        return cls(
            identity=PublicIdentity.from_json(v["identity"]),
            bundle_version=version,
            password_wrap=Wrap.from_json(v["password_wrap"], "password_wrap"),
            recovery_wrap=Wrap.from_json(v["recovery_wrap"], "recovery_wrap"),
        )


@dataclass(frozen=True)
class KeyBundle:
    """The opened bundle: private keys in memory on the client only."""

    identity: PublicIdentity
    bundle_version: int
    box_sk: bytes = field(repr=False)
    sign_seed: bytes = field(repr=False)

    @property
    def signing_key(self) -> nacl.signing.SigningKey:
        return nacl.signing.SigningKey(self.sign_seed)

    @property
    def box_pk(self) -> bytes:
        return self.identity.box_pk


def wrap_associated_data(user_id: str, bundle_version: int, wrapped_with: str) -> bytes:
    return canonical_json(
        {
            "bundle_version": bundle_version,
            "format": BUNDLE_FORMAT,
            "format_version": BUNDLE_FORMAT_VERSION,
            "user_id": user_id,
            "wrapped_with": wrapped_with,
        }
    )


def _wrap(secret: bytes, key: bytes, ad: bytes, nonce: bytes | None) -> Wrap:
    if len(key) != 32:
        raise ValueError("wrapping keys are 32 bytes")
    nonce = os.urandom(NONCE_BYTES) if nonce is None else nonce
    ct = nacl.bindings.crypto_aead_xchacha20poly1305_ietf_encrypt(secret, ad, nonce, key)
    return Wrap(nonce=nonce, ciphertext=ct)


def _unwrap(wrap: Wrap, key: bytes, ad: bytes, what: str) -> bytes:
    try:
        return nacl.bindings.crypto_aead_xchacha20poly1305_ietf_decrypt(
            wrap.ciphertext, ad, wrap.nonce, key
        )
    except nacl.exceptions.CryptoError as error:
        raise TamperedError(
            f"the key bundle does not open with this {what}: wrong {what}, "
            "or the bundle was altered or belongs to another user"
        ) from error


def _keypairs(box_sk: bytes, sign_seed: bytes) -> tuple[bytes, bytes, nacl.signing.SigningKey]:
    box_pk = nacl.bindings.crypto_scalarmult_base(box_sk)
    signing = nacl.signing.SigningKey(sign_seed)
    return box_pk, bytes(signing.verify_key), signing


def create_bundle(
    user_id: str,
    unwrap_key: bytes,
    recovery_key: bytes,
    *,
    bundle_version: int = 1,
    _box_sk: bytes | None = None,
    _sign_seed: bytes | None = None,
    _nonces: tuple[bytes, bytes] | None = None,
) -> tuple[KeyBundle, WrappedBundle]:
    """New key pairs for `user_id`, wrapped under the unwrap key and the recovery key.
    The underscore parameters exist for golden vectors only."""
    box_sk = os.urandom(32) if _box_sk is None else _box_sk
    sign_seed = os.urandom(32) if _sign_seed is None else _sign_seed
    box_pk, sign_pk, signing = _keypairs(box_sk, sign_seed)
    message = PublicIdentity.signed_message(user_id, box_pk, sign_pk)
    identity = PublicIdentity(user_id, box_pk, sign_pk, signing.sign(message).signature)
    secret = box_sk + sign_seed
    n1, n2 = (None, None) if _nonces is None else _nonces
    wrapped = WrappedBundle(
        identity=identity,
        bundle_version=bundle_version,
        password_wrap=_wrap(
            secret, unwrap_key, wrap_associated_data(user_id, bundle_version, WRAP_UNWRAP_KEY), n1
        ),
        recovery_wrap=_wrap(
            secret, recovery_key, wrap_associated_data(user_id, bundle_version, WRAP_RECOVERY), n2
        ),
    )
    return KeyBundle(identity, bundle_version, box_sk, sign_seed), wrapped


def _check_opened(wrapped: WrappedBundle, secret: bytes) -> KeyBundle:
    box_sk, sign_seed = secret[:32], secret[32:]
    box_pk, sign_pk, _ = _keypairs(box_sk, sign_seed)
    identity = wrapped.identity
    if box_pk != identity.box_pk or sign_pk != identity.sign_pk:
        raise WrongContextError("the key bundle's private keys do not match its public identity")
    identity.verify()
    return KeyBundle(identity, wrapped.bundle_version, box_sk, sign_seed)


def open_bundle(wrapped: WrappedBundle, unwrap_key: bytes) -> KeyBundle:
    ad = wrap_associated_data(wrapped.user_id, wrapped.bundle_version, WRAP_UNWRAP_KEY)
    return _check_opened(wrapped, _unwrap(wrapped.password_wrap, unwrap_key, ad, "password"))


def open_bundle_with_recovery(wrapped: WrappedBundle, recovery_key: bytes) -> KeyBundle:
    ad = wrap_associated_data(wrapped.user_id, wrapped.bundle_version, WRAP_RECOVERY)
    secret = _unwrap(wrapped.recovery_wrap, recovery_key, ad, "recovery code")
    return _check_opened(wrapped, secret)


def rewrap_for_new_password(
    wrapped: WrappedBundle, old_unwrap_key: bytes, new_unwrap_key: bytes
) -> WrappedBundle:
    """Password change (or recovery after a lost password: pass the bundle opened with the
    recovery key through `rewrap_opened`): only the password wrap changes."""
    return rewrap_opened(wrapped, open_bundle(wrapped, old_unwrap_key), new_unwrap_key)


def rewrap_opened(
    wrapped: WrappedBundle, bundle: KeyBundle, new_unwrap_key: bytes, *, _nonce: bytes | None = None
) -> WrappedBundle:
    if bundle.identity != wrapped.identity:
        raise WrongContextError("this opened bundle belongs to another identity")
    ad = wrap_associated_data(wrapped.user_id, wrapped.bundle_version, WRAP_UNWRAP_KEY)
    new = _wrap(bundle.box_sk + bundle.sign_seed, new_unwrap_key, ad, _nonce)
    return WrappedBundle(wrapped.identity, wrapped.bundle_version, new, wrapped.recovery_wrap)


def rewrap_for_new_recovery_code(
    wrapped: WrappedBundle, bundle: KeyBundle, new_recovery_key: bytes
) -> WrappedBundle:
    """After a recovery code was used (or printed somewhere unsafe): a new recovery wrap."""
    if bundle.identity != wrapped.identity:
        raise WrongContextError("this opened bundle belongs to another identity")
    ad = wrap_associated_data(wrapped.user_id, wrapped.bundle_version, WRAP_RECOVERY)
    new = _wrap(bundle.box_sk + bundle.sign_seed, new_recovery_key, ad, None)
    return WrappedBundle(wrapped.identity, wrapped.bundle_version, wrapped.password_wrap, new)


def parse_wrapped_bundle(value: Any) -> WrappedBundle:
    try:
        return WrappedBundle.from_json(value)
    except CryptoFormatError:
        raise
    except (TypeError, ValueError) as error:
        raise UnsupportedFormatError(f"malformed key bundle: {error}") from error
