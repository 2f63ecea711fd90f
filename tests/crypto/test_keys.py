"""The key bundle: signed public identity, two wraps, password change and recovery drills."""

from __future__ import annotations

import dataclasses
import json
import os
from pathlib import Path

import nacl.pwhash.argon2id as argon2id
import nacl.signing
import pytest

from casebook.crypto import fingerprints, kdf, keys
from casebook.crypto.errors import SignatureError, TamperedError, UnsupportedFormatError
from casebook.encoding import b64decode, b64encode, canonical_json

USER = "user-7f3a"


def make(user: str = USER) -> tuple[keys.KeyBundle, keys.WrappedBundle, bytes, bytes]:
    unwrap, recovery = os.urandom(32), os.urandom(32)
    bundle, wrapped = keys.create_bundle(user, unwrap, recovery)
    return bundle, wrapped, unwrap, recovery


def test_bundle_opens_with_unwrap_key_and_recovery_key() -> None:
    bundle, wrapped, unwrap, recovery = make()
    assert keys.open_bundle(wrapped, unwrap) == bundle
    assert keys.open_bundle_with_recovery(wrapped, recovery) == bundle
    bundle.identity.verify()
    assert bundle.identity.user_id == USER


def test_bundle_json_round_trips_canonically() -> None:
    _, wrapped, unwrap, _ = make()
    parsed = keys.parse_wrapped_bundle(wrapped.to_json())
    assert parsed == wrapped
    assert parsed.to_bytes() == canonical_json(wrapped.to_json())
    keys.open_bundle(parsed, unwrap)


def test_wrong_key_is_refused() -> None:
    _, wrapped, unwrap, recovery = make()
    with pytest.raises(TamperedError, match="does not open"):
        keys.open_bundle(wrapped, recovery)
    with pytest.raises(TamperedError, match="does not open"):
        keys.open_bundle_with_recovery(wrapped, unwrap)


def test_a_wrap_moved_to_another_user_is_refused() -> None:
    _, wrapped, unwrap, _ = make()
    _, other, _, _ = make("user-mallory")
    moved = dataclasses.replace(other, password_wrap=wrapped.password_wrap)
    with pytest.raises(TamperedError):
        keys.open_bundle(moved, unwrap)


def test_a_changed_bundle_version_is_refused() -> None:
    _, wrapped, unwrap, _ = make()
    with pytest.raises(TamperedError):
        keys.open_bundle(dataclasses.replace(wrapped, bundle_version=2), unwrap)


def test_swapping_the_two_wraps_is_refused() -> None:
    _, wrapped, _, recovery = make()
    swapped = dataclasses.replace(
        wrapped, password_wrap=wrapped.recovery_wrap, recovery_wrap=wrapped.password_wrap
    )
    with pytest.raises(TamperedError):
        keys.open_bundle(swapped, recovery)


def test_server_substituted_public_identity_is_refused() -> None:
    """The server swaps the public half: the private keys no longer match it."""
    _, wrapped, unwrap, _ = make()
    _, other, _, _ = make()
    forged = dataclasses.replace(wrapped, identity=other.identity)
    with pytest.raises(keys.CryptoFormatError):
        keys.open_bundle(forged, unwrap)


def test_box_key_not_signed_by_signing_key_is_refused() -> None:
    bundle, _, _, _ = make()
    mallory_box = os.urandom(32)
    forged = dataclasses.replace(bundle.identity, box_pk=mallory_box)
    with pytest.raises(SignatureError, match="not signed by their signing key"):
        forged.verify()


def test_identity_signed_for_another_user_id_is_refused() -> None:
    bundle, _, _, _ = make()
    with pytest.raises(SignatureError):
        dataclasses.replace(bundle.identity, user_id="user-mallory").verify()


def test_identity_signature_uses_the_domain_separated_message() -> None:
    bundle, _, _, _ = make()
    ident = bundle.identity
    message = keys.IDENTITY_DOMAIN + canonical_json(
        {
            "box_pk": ident.to_json()["box_pk"],
            "sign_pk": ident.to_json()["sign_pk"],
            "user_id": USER,
        }
    )
    nacl.signing.VerifyKey(ident.sign_pk).verify(message, ident.signature)
    # the same key signing the raw JSON (no domain) would not be accepted
    raw = nacl.signing.SigningKey(bundle.sign_seed).sign(message[len(keys.IDENTITY_DOMAIN) :])
    with pytest.raises(SignatureError):
        dataclasses.replace(ident, signature=raw.signature).verify()


def test_identity_json_round_trips() -> None:
    bundle, _, _, _ = make()
    assert keys.PublicIdentity.from_json(bundle.identity.to_json()) == bundle.identity


@pytest.mark.parametrize(
    "mutate",
    [
        lambda j: j.update(format="other"),
        lambda j: j.update(format_version=2),
        lambda j: j.update(bundle_version=0),
        lambda j: j.update(extra=1),
        lambda j: j["identity"].update(box_pk="AAAA"),
        lambda j: j["password_wrap"].update(nonce="not base64!"),
    ],
)
def test_malformed_bundles_are_refused(mutate: object) -> None:
    _, wrapped, _, _ = make()
    value = wrapped.to_json()
    mutate(value)  # type: ignore[operator]
    with pytest.raises(UnsupportedFormatError):
        keys.parse_wrapped_bundle(value)


def test_rewrap_changes_only_the_password_wrap() -> None:
    bundle, wrapped, unwrap, recovery = make()
    new_unwrap = os.urandom(32)
    rewrapped = keys.rewrap_for_new_password(wrapped, unwrap, new_unwrap)
    assert rewrapped.recovery_wrap == wrapped.recovery_wrap
    assert rewrapped.identity == wrapped.identity
    assert keys.open_bundle(rewrapped, new_unwrap) == bundle
    with pytest.raises(TamperedError):
        keys.open_bundle(rewrapped, unwrap)
    assert keys.open_bundle_with_recovery(rewrapped, recovery) == bundle


def test_new_recovery_code_replaces_the_old_one() -> None:
    bundle, wrapped, _, recovery = make()
    new_recovery = kdf.derive_recovery_keys(kdf.generate_recovery_code()).recovery_key
    rewrapped = keys.rewrap_for_new_recovery_code(wrapped, bundle, new_recovery)
    assert keys.open_bundle_with_recovery(rewrapped, new_recovery) == bundle
    with pytest.raises(TamperedError):
        keys.open_bundle_with_recovery(rewrapped, recovery)


# ------------------------------------------------------------------ drills with real derivations


def test_drill_password_change_and_lost_password() -> None:
    """Account creation, password change, then a lost password recovered with the code.

    Two Argon2id MODERATE derivations (old and new password)."""
    params = kdf.KdfParams(argon2id.OPSLIMIT_MODERATE, argon2id.MEMLIMIT_MODERATE, os.urandom(16))
    secret_key = kdf.generate_secret_key()
    code = kdf.generate_recovery_code()
    old = kdf.derive_account_keys("old password", secret_key, params)
    rec = kdf.derive_recovery_keys(kdf.parse_recovery_code(kdf.format_recovery_code(code)))
    bundle, wrapped = keys.create_bundle(USER, old.unwrap_key, rec.recovery_key)

    # password change: new salt too (params are stored per user)
    new_params = kdf.KdfParams.generate()
    new = kdf.derive_account_keys("new password", secret_key, new_params)
    assert new.login_credential != old.login_credential
    changed = keys.rewrap_for_new_password(wrapped, old.unwrap_key, new.unwrap_key)
    assert keys.open_bundle(changed, new.unwrap_key) == bundle
    with pytest.raises(TamperedError):
        keys.open_bundle(changed, old.unwrap_key)

    # lost password: the recovery code opens the bundle, which is rewrapped for a new password
    # (no derivation needed for the sake of the test: any fresh unwrap key will do)
    opened = keys.open_bundle_with_recovery(changed, rec.recovery_key)
    assert opened == bundle
    fresh = os.urandom(32)
    recovered = keys.rewrap_opened(changed, opened, fresh)
    assert keys.open_bundle(recovered, fresh) == bundle
    with pytest.raises(TamperedError):
        keys.open_bundle(recovered, new.unwrap_key)


# ------------------------------------------------------------------ safety numbers


def test_safety_number_shape_and_stability() -> None:
    bundle, _, _, _ = make()
    number = fingerprints.identity_safety_number(bundle.identity)
    groups = number.split(" ")
    assert len(groups) == 12
    assert all(len(g) == 5 and g.isdigit() for g in groups)
    assert fingerprints.identity_safety_number(bundle.identity) == number
    other, _, _, _ = make()
    assert fingerprints.identity_safety_number(other.identity) != number
    assert fingerprints.safety_numbers_match(number, number.replace(" ", "\n"))
    assert not fingerprints.safety_numbers_match(number, groups[0] * 12)


def test_safety_number_changes_with_either_key_and_not_with_user_id() -> None:
    bundle, _, _, _ = make()
    ident = bundle.identity
    number = fingerprints.identity_safety_number(ident)
    swapped_box = dataclasses.replace(ident, box_pk=os.urandom(32))
    swapped_sign = dataclasses.replace(ident, sign_pk=os.urandom(32))
    renamed = dataclasses.replace(ident, user_id="someone-else")
    assert fingerprints.identity_safety_number(swapped_box) != number
    assert fingerprints.identity_safety_number(swapped_sign) != number
    assert fingerprints.identity_safety_number(renamed) == number
    # a single key's number is domain-separated from an identity's
    assert fingerprints.key_safety_number(ident.sign_pk) != number
    with pytest.raises(ValueError, match="32 bytes"):
        fingerprints.key_safety_number(bytes(31))


# ------------------------------------------------------------------ golden vectors

VECTORS = Path(__file__).parent / "vectors"


def test_golden_vector_bundles_and_safety_numbers() -> None:
    v = json.loads((VECTORS / "keys-bundle.json").read_text())
    for case in v["cases"]:
        i, expected = case["inputs"], case["expected"]
        bundle, wrapped = keys.create_bundle(
            i["user_id"],
            b64decode(i["unwrap_key"]),
            b64decode(i["recovery_key"]),
            bundle_version=i["bundle_version"],
            _box_sk=b64decode(i["box_sk"]),
            _sign_seed=b64decode(i["sign_seed"]),
            _nonces=(b64decode(i["password_wrap_nonce"]), b64decode(i["recovery_wrap_nonce"])),
        )
        ident = bundle.identity
        message = keys.PublicIdentity.signed_message(ident.user_id, ident.box_pk, ident.sign_pk)
        assert b64encode(message) == expected["identity_signed_message"]
        ad = keys.wrap_associated_data(i["user_id"], 1, keys.WRAP_UNWRAP_KEY)
        assert b64encode(ad) == expected["password_wrap_ad"]
        ad = keys.wrap_associated_data(i["user_id"], 1, keys.WRAP_RECOVERY)
        assert b64encode(ad) == expected["recovery_wrap_ad"]
        assert wrapped.to_json() == expected["wrapped_bundle"]
        assert b64encode(wrapped.to_bytes()) == expected["wrapped_bundle_canonical"]
        served = keys.parse_wrapped_bundle(expected["wrapped_bundle"])
        assert keys.open_bundle(served, b64decode(i["unwrap_key"])) == bundle
        assert keys.open_bundle_with_recovery(served, b64decode(i["recovery_key"])) == bundle
        assert fingerprints.identity_safety_number(ident) == expected["identity_safety_number"]

    rewrap = v["rewrap"]
    first = v["cases"][0]
    served = keys.parse_wrapped_bundle(first["expected"]["wrapped_bundle"])
    opened = keys.open_bundle(served, b64decode(first["inputs"]["unwrap_key"]))
    new = keys.rewrap_opened(
        served, opened, b64decode(rewrap["new_unwrap_key"]), _nonce=b64decode(rewrap["nonce"])
    )
    assert new.to_json() == rewrap["expected_wrapped_bundle"]

    for case in v["key_safety_numbers"]:
        assert fingerprints.key_safety_number(b64decode(case["public_key"])) == case["expected"]
