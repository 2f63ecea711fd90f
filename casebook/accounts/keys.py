"""Account keys on the server: store what the client made, hand it back, never open it.

The client format is docs/crypto/keys-and-vaults.md. The server checks shapes and sizes (strict
unpadded URL-safe base64, byte lengths, the MODERATE floor) and that the public identity's
signature verifies (a public-key check, with PyNaCl directly); it never imports the client-side
cryptography and holds no key that opens a bundle. Clients verify identities themselves anyway:
the server's check only refuses garbage early. Key material never goes into
audit details or logs; audit events name the account and the action only."""

from __future__ import annotations

import base64
import json
import uuid
from dataclasses import dataclass
from typing import Any

import nacl.exceptions
import nacl.signing
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from casebook.access.actor import Actor
from casebook.accounts.credentials import LOGIN, RECOVERY, check_credentials, normalize_email
from casebook.accounts.logins import revoke_other_logins
from casebook.accounts.models import AccountKeys, User
from casebook.accounts.tokens import keyed_digest
from casebook.audit.log import record
from casebook.db import utcnow
from casebook.encoding import EncodingError, b64decode, identity_message
from casebook.errors import Conflict, FieldError, InvalidCredentials, NotFound, ValidationFailed
from casebook.groups.models import Grant, Membership
from casebook.runtime import Runtime

KDF_ALG = "argon2id13"
MIN_OPSLIMIT = 3  # libsodium crypto_pwhash_OPSLIMIT_MODERATE
MIN_MEMLIMIT = 268435456  # crypto_pwhash_MEMLIMIT_MODERATE (256 MiB)
MAX_OPSLIMIT = 16  # what clients agree to run (kdf.py refuses more)
MAX_MEMLIMIT = 1073741824  # 1 GiB, crypto_pwhash_MEMLIMIT_SENSITIVE
SALT_BYTES = 16
KEY_BYTES = 32
SIGNATURE_BYTES = 64
NONCE_BYTES = 24
WRAP_BYTES = 80  # 64-byte secret + 16-byte tag
BUNDLE_FORMAT = "casebook.key-bundle"
BUNDLE_FORMAT_VERSION = 1


def b64_decode(value: str) -> bytes | None:
    """The bytes `value` encodes, or None unless it is canonical unpadded URL-safe base64."""
    try:
        return b64decode(value)
    except EncodingError:
        return None


def _sized(problems: list[FieldError], field: str, value: str, size: int) -> None:
    raw = b64_decode(value)
    if raw is None:
        problems.append(FieldError(field, "must be URL-safe base64 without padding"))
    elif len(raw) != size:
        problems.append(FieldError(field, f"must encode exactly {size} bytes"))


@dataclass(frozen=True)
class Identity:
    user_id: str
    box_pk: str
    sign_pk: str
    signature: str

    def as_json(self) -> dict[str, str]:
        return {
            "box_pk": self.box_pk,
            "sign_pk": self.sign_pk,
            "signature": self.signature,
            "user_id": self.user_id,
        }


@dataclass(frozen=True)
class Wrap:
    ciphertext: str
    nonce: str


@dataclass(frozen=True)
class KeyMaterial:
    """What a client sends at enrolment or on a password change, as plain values."""

    opslimit: int
    memlimit: int
    salt: str
    bundle_version: int
    identity: Identity
    password_wrap: Wrap
    recovery_wrap: Wrap

    def bundle_json(self) -> str:
        """The wrapped bundle exactly as the format defines it (keys sorted, no whitespace)."""
        bundle = {
            "bundle_version": self.bundle_version,
            "format": BUNDLE_FORMAT,
            "format_version": BUNDLE_FORMAT_VERSION,
            "identity": self.identity.as_json(),
            "password_wrap": {
                "ciphertext": self.password_wrap.ciphertext,
                "nonce": self.password_wrap.nonce,
            },
            "recovery_wrap": {
                "ciphertext": self.recovery_wrap.ciphertext,
                "nonce": self.recovery_wrap.nonce,
            },
        }
        return json.dumps(bundle, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def material_problems(material: KeyMaterial, actor: Actor) -> list[FieldError]:
    problems: list[FieldError] = []
    if material.opslimit < MIN_OPSLIMIT:
        problems.append(
            FieldError("kdf.opslimit", f"must be at least {MIN_OPSLIMIT} (libsodium MODERATE)")
        )
    elif material.opslimit > MAX_OPSLIMIT:
        problems.append(FieldError("kdf.opslimit", f"must be at most {MAX_OPSLIMIT}"))
    if material.memlimit < MIN_MEMLIMIT:
        problems.append(
            FieldError(
                "kdf.memlimit", f"must be at least {MIN_MEMLIMIT} bytes (libsodium MODERATE)"
            )
        )
    elif material.memlimit > MAX_MEMLIMIT:
        problems.append(FieldError("kdf.memlimit", f"must be at most {MAX_MEMLIMIT} bytes"))
    _sized(problems, "kdf.salt", material.salt, SALT_BYTES)
    if material.bundle_version < 1:
        problems.append(FieldError("bundle.bundle_version", "must be at least 1"))
    identity = material.identity
    if identity.user_id != str(actor.user_id):
        problems.append(FieldError("bundle.identity.user_id", "must be your own account's id"))
    _sized(problems, "bundle.identity.box_pk", identity.box_pk, KEY_BYTES)
    _sized(problems, "bundle.identity.sign_pk", identity.sign_pk, KEY_BYTES)
    _sized(problems, "bundle.identity.signature", identity.signature, SIGNATURE_BYTES)
    shaped = not any(p.field.startswith("bundle.identity.") for p in problems)
    if shaped and not identity_signed(identity):
        problems.append(
            FieldError(
                "bundle.identity.signature",
                "does not verify: the box key and user id must be signed by sign_pk",
            )
        )
    for name, wrap in (
        ("password_wrap", material.password_wrap),
        ("recovery_wrap", material.recovery_wrap),
    ):
        _sized(problems, f"bundle.{name}.ciphertext", wrap.ciphertext, WRAP_BYTES)
        _sized(problems, f"bundle.{name}.nonce", wrap.nonce, NONCE_BYTES)
    return problems


def identity_signed(identity: Identity) -> bool:
    """The identity's own signature verifies: Ed25519 by sign_pk over "casebook.identity.v1"
    0x00 canonical({box_pk, sign_pk, user_id}). A public-key check, also made on the members
    a vault's membership log names."""
    message = identity_message(identity.user_id, identity.box_pk, identity.sign_pk)
    sign_pk, signature = b64_decode(identity.sign_pk), b64_decode(identity.signature)
    if sign_pk is None or signature is None:
        return False
    try:
        nacl.signing.VerifyKey(sign_pk).verify(message, signature)
    except (nacl.exceptions.BadSignatureError, nacl.exceptions.ValueError):
        return False
    return True


def credential_problems(field: str, credential: str) -> list[FieldError]:
    """A login or recovery credential is b64 of a 32-byte subkey: 43 characters, nothing
    else."""
    raw = b64_decode(credential)
    if len(credential) != 43 or raw is None or len(raw) != KEY_BYTES:
        return [
            FieldError(
                field,
                "must be the client-derived credential: 43 characters of URL-safe base64 "
                "encoding 32 bytes",
            )
        ]
    return []


@dataclass(frozen=True)
class KeyCredentials:
    """The secrets that come with one's keys: the new login credential, the new recovery
    credential (when the recovery wrap is new), and whether the request proved the current
    login or recovery credential (needed to change existing keys)."""

    login: str
    recovery: str | None
    current_confirmed: bool

    def problems(self) -> list[FieldError]:
        problems = credential_problems("login_credential", self.login)
        if self.recovery is not None:
            problems += credential_problems("recovery_credential", self.recovery)
        return problems


async def confirm_current(runtime: Runtime, actor: Actor, credential: str, address: str) -> None:
    """Check the current login credential or recovery credential of the actor's account,
    through the login throttle. A wrong one is a field error (422), not a 401: the request
    itself is authenticated, and a 401 would read as an expired token."""
    try:
        await check_credentials(runtime, actor.email, credential, address, kinds=LOGIN + RECOVERY)
    except InvalidCredentials:
        raise ValidationFailed.single(
            "current_credential",
            "is neither your current login credential nor your current recovery credential",
        ) from None


def identity_of(keys: AccountKeys) -> Identity:
    return Identity(
        user_id=str(keys.user_id),
        box_pk=keys.box_pk,
        sign_pk=keys.sign_pk,
        signature=keys.signature,
    )


def stored_bundle(keys: AccountKeys) -> dict[str, Any]:
    value: dict[str, Any] = json.loads(keys.wrapped_bundle)
    return value


async def put_keys(
    session: AsyncSession,
    runtime: Runtime,
    actor: Actor,
    material: KeyMaterial,
    credentials: KeyCredentials,
    *,
    version: int | None,
    current_secret: str | None,
) -> AccountKeys:
    """First enrolment (no keys yet, no version) or a change: a new password or a renewed
    recovery code (the version read, the current credential confirmed, the same identity and
    bundle version, new parameters, a re-wrapped bundle and new credentials). Either way the
    account's login secret becomes the client-derived credential: from then on the password
    itself never reaches the server. A change ends every other session and API token of the
    account; `current_secret` (the token or cookie of this request) stays valid."""
    problems = material_problems(material, actor) + credentials.problems()
    if problems:
        raise ValidationFailed(problems)
    # Lock the account row: two devices enrolling at once queue, and the second sees the first.
    user = await session.scalar(select(User).where(User.id == actor.user_id).with_for_update())
    if user is None:  # pragma: no cover - the guard loaded this account moments ago
        raise NotFound("user", actor.user_id)
    keys = await session.get(AccountKeys, actor.user_id, populate_existing=True)
    changed = keys is not None
    if keys is None:
        keys = _enrolment(actor, credentials, version)
    else:
        _check_change(keys, material, credentials, version)
        keys.version += 1
        keys.updated_at = utcnow()
    _store(keys, material)
    session.add(keys)
    user.password_hash = await runtime.hasher.hash(credentials.login)
    if credentials.recovery is not None:
        keys.recovery_hash = await runtime.hasher.hash(credentials.recovery)
    await session.flush()
    if changed:
        await revoke_other_logins(session, actor.user_id, current_secret)
    await record(
        session,
        actor_id=actor.user_id,
        action="keys.change" if changed else "keys.enroll",
        target_type="user",
        target_id=actor.user_id,
        details={"version": keys.version, "new_recovery_code": credentials.recovery is not None},
    )
    return keys


def _enrolment(actor: Actor, credentials: KeyCredentials, version: int | None) -> AccountKeys:
    if version is not None:
        raise Conflict("account keys", 0)
    if credentials.recovery is None:
        raise ValidationFailed.single(
            "recovery_credential", "is required at enrolment: derive it from the recovery code"
        )
    return AccountKeys(user_id=actor.user_id, version=1)


def _check_change(
    keys: AccountKeys, material: KeyMaterial, credentials: KeyCredentials, version: int | None
) -> None:
    if version != keys.version:
        raise Conflict("account keys", keys.version)
    change = []
    if not credentials.current_confirmed:
        change.append(
            FieldError(
                "current_credential",
                "is required to change existing keys: your current login credential or "
                "recovery credential",
            )
        )
    if identity_of(keys) != material.identity:
        change.append(
            FieldError(
                "bundle.identity",
                "a password change keeps the public identity; replacing key pairs is a "
                "separate key reset",
            )
        )
    if keys.bundle_version != material.bundle_version:
        change.append(
            FieldError("bundle.bundle_version", "a password change keeps the bundle version")
        )
    if credentials.recovery is None and _recovery_wrap(keys) != material.recovery_wrap:
        change.append(
            FieldError(
                "recovery_credential",
                "is required with a new recovery wrap: derive it from the new recovery code",
            )
        )
    if change:
        raise ValidationFailed(change)


def _recovery_wrap(keys: AccountKeys) -> Wrap:
    stored = stored_bundle(keys)["recovery_wrap"]
    return Wrap(ciphertext=stored["ciphertext"], nonce=stored["nonce"])


def _store(keys: AccountKeys, material: KeyMaterial) -> None:
    keys.opslimit = material.opslimit
    keys.memlimit = material.memlimit
    keys.salt = material.salt
    keys.bundle_version = material.bundle_version
    keys.wrapped_bundle = material.bundle_json()
    keys.box_pk = material.identity.box_pk
    keys.sign_pk = material.identity.sign_pk
    keys.signature = material.identity.signature


async def has_keys(session: AsyncSession, actor: Actor) -> bool:
    """Whether the actor's account has set up its keys (and so logs in with the Secret Key)."""
    found = await session.scalar(
        select(AccountKeys.user_id).where(AccountKeys.user_id == actor.user_id)
    )
    return found is not None


async def own_keys(session: AsyncSession, actor: Actor) -> AccountKeys:
    keys = await session.get(AccountKeys, actor.user_id)
    if keys is None:
        raise NotFound("account keys", actor.user_id)
    return keys


@dataclass(frozen=True)
class LoginParams:
    opslimit: int
    memlimit: int
    salt: str


async def login_params(session: AsyncSession, runtime: Runtime, email: str) -> LoginParams:
    """The account's KDF parameters; for an unknown email, or an account without keys yet,
    parameters derived from the server secret and the email, so that the answer neither says
    whether the account exists nor whether it has keys, and is the same on every call. The same
    query and the same HMAC run on both paths.

    A client knows which login to use by itself: without a Secret Key (first login) it sends
    the password; with one it derives the credential from these parameters."""
    normalized = normalize_email(email)
    digest = keyed_digest(runtime.secret, "kdf-salt", normalized)
    fake_salt = base64.urlsafe_b64encode(bytes.fromhex(digest)[:SALT_BYTES]).decode().rstrip("=")
    row = (
        await session.execute(
            select(AccountKeys.opslimit, AccountKeys.memlimit, AccountKeys.salt)
            .join(User, User.id == AccountKeys.user_id)
            .where(User.email == normalized)
        )
    ).one_or_none()
    if row is None:
        return LoginParams(MIN_OPSLIMIT, MIN_MEMLIMIT, fake_salt)
    return LoginParams(row.opslimit, row.memlimit, row.salt)


async def read_identity(session: AsyncSession, actor: Actor, user_id: uuid.UUID) -> AccountKeys:
    """A user's public identity, for sealing vault keys to them. Who may read whose: admins
    anyone's; everyone their own; organizers and attorneys the members of the groups they read
    (their own groups, the groups that granted them); organizers also the attorneys their
    groups granted. Anyone else, a disabled account or an account without keys: not found."""
    if user_id != actor.user_id and not (
        actor.role == "admin" or await _shares_scope(session, actor, user_id)
    ):
        raise NotFound("identity", user_id)
    row = (
        await session.execute(
            select(AccountKeys)
            .join(User, User.id == AccountKeys.user_id)
            .where(AccountKeys.user_id == user_id, User.disabled_at.is_(None))
        )
    ).scalar_one_or_none()
    if row is None:
        raise NotFound("identity", user_id)
    if user_id != actor.user_id:
        await record(
            session,
            actor_id=actor.user_id,
            action="identity.read",
            target_type="user",
            target_id=user_id,
        )
    return row


async def _shares_scope(session: AsyncSession, actor: Actor, user_id: uuid.UUID) -> bool:
    readable = list(actor.readable_groups)
    if readable and await session.scalar(
        select(Membership.user_id)
        .where(Membership.user_id == user_id, Membership.group_id.in_(readable))
        .limit(1)
    ):
        return True
    own = list(actor.member_groups)
    return bool(
        own
        and await session.scalar(
            select(Grant.attorney_id)
            .where(
                Grant.attorney_id == user_id,
                Grant.group_id.in_(own),
                Grant.revoked_at.is_(None),
            )
            .limit(1)
        )
    )
