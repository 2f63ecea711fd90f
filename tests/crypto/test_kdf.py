"""Account key derivation, parameter refusal, recovery codes and the key text format."""

from __future__ import annotations

import functools
import json
import unicodedata
from pathlib import Path

import nacl.hash
import nacl.pwhash.argon2id as argon2id
import pytest
from hypothesis import given
from hypothesis import strategies as st

from casebook.crypto import kdf
from casebook.crypto.errors import CryptoFormatError
from casebook.encoding import b64decode, b64encode

SALT = bytes(range(16))
SECRET_KEY = bytes(range(100, 116))
PASSWORD_NFC = "contraseña segura ☂ Ωmega"
MODERATE = kdf.KdfParams(argon2id.OPSLIMIT_MODERATE, argon2id.MEMLIMIT_MODERATE, SALT)


@functools.cache
def moderate_keys(password: str) -> kdf.AccountKeys:
    """One Argon2id MODERATE derivation (~1 s) per distinct password, shared by the tests."""
    return kdf.derive_account_keys(password, SECRET_KEY, MODERATE)


# ------------------------------------------------------------------ refusal of weak parameters


@pytest.mark.parametrize(
    ("opslimit", "memlimit"),
    [
        (argon2id.OPSLIMIT_INTERACTIVE, argon2id.MEMLIMIT_INTERACTIVE),
        (argon2id.OPSLIMIT_MODERATE, argon2id.MEMLIMIT_INTERACTIVE),
        (argon2id.OPSLIMIT_INTERACTIVE, argon2id.MEMLIMIT_MODERATE),
        (1, 8192),
        (3, 268435455),
        (0, 0),
    ],
)
def test_weak_parameters_from_server_are_refused(opslimit: int, memlimit: int) -> None:
    served = {
        "alg": "argon2id13",
        "opslimit": opslimit,
        "memlimit": memlimit,
        "salt": b64encode(SALT),
    }
    with pytest.raises(kdf.WeakParameters, match="weaker than the minimum"):
        kdf.KdfParams.from_server(served)


def test_weak_parameters_are_refused_at_derivation_too() -> None:
    weak = kdf.KdfParams(argon2id.OPSLIMIT_INTERACTIVE, argon2id.MEMLIMIT_INTERACTIVE, SALT)
    with pytest.raises(kdf.WeakParameters, match="MODERATE"):
        kdf.derive_account_keys("pw", SECRET_KEY, weak)
    with pytest.raises(kdf.WeakParameters):
        kdf.derive_password_key("pw", weak)


def test_weak_parameters_are_a_crypto_format_error() -> None:
    assert issubclass(kdf.WeakParameters, CryptoFormatError)


@pytest.mark.parametrize(
    "served",
    [
        {"alg": "argon2i13", "opslimit": 3, "memlimit": 268435456, "salt": b64encode(SALT)},
        {"alg": "argon2id13", "opslimit": 3.0, "memlimit": 268435456, "salt": b64encode(SALT)},
        {"alg": "argon2id13", "opslimit": True, "memlimit": 268435456, "salt": b64encode(SALT)},
        {"alg": "argon2id13", "opslimit": 3, "memlimit": 268435456, "salt": b64encode(SALT[:8])},
        {"alg": "argon2id13", "opslimit": 3, "memlimit": 268435456, "salt": "AAA="},
        {"alg": "argon2id13", "opslimit": 3, "memlimit": 268435456},
        {"alg": "argon2id13", "opslimit": "3", "memlimit": 268435456, "salt": b64encode(SALT)},
    ],
)
def test_malformed_parameters_from_server_are_refused(served: dict[str, object]) -> None:
    with pytest.raises(kdf.WeakParameters):
        kdf.KdfParams.from_server(served)


@pytest.mark.parametrize(("opslimit", "memlimit"), [(17, 268435456), (3, 2 * 1024**3)])
def test_absurd_parameters_are_refused(opslimit: int, memlimit: int) -> None:
    served = {
        "alg": "argon2id13",
        "opslimit": opslimit,
        "memlimit": memlimit,
        "salt": b64encode(SALT),
    }
    with pytest.raises(kdf.ExcessiveParameters, match="above the maximum"):
        kdf.KdfParams.from_server(served)


def test_moderate_and_stronger_parameters_are_accepted() -> None:
    for ops, mem in [(3, 268435456), (4, 1024**3), (16, 512 * 1024**2)]:
        served = {"alg": "argon2id13", "opslimit": ops, "memlimit": mem, "salt": b64encode(SALT)}
        assert kdf.KdfParams.from_server(served) == kdf.KdfParams(ops, mem, SALT)


def test_generated_parameters_are_moderate_with_fresh_salt() -> None:
    a, b = kdf.KdfParams.generate(), kdf.KdfParams.generate()
    assert (a.opslimit, a.memlimit) == (3, 268435456)
    assert a.salt != b.salt
    assert kdf.KdfParams.from_server(a.to_json()) == a


# ------------------------------------------------------------------ derivation


def test_account_keys_match_the_specified_construction() -> None:
    keys = moderate_keys(PASSWORD_NFC)
    pwk = argon2id.kdf(
        32, PASSWORD_NFC.encode(), SALT, opslimit=3, memlimit=268435456
    )  # the spec, written out independently
    master = nacl.hash.blake2b(
        b"",
        digest_size=32,
        key=pwk,
        salt=SECRET_KEY,
        person=b"casebook-auk\x00\x00\x00\x00",
        encoder=nacl.encoding.RawEncoder,
    )
    login = nacl.hash.blake2b(
        b"",
        digest_size=32,
        key=master,
        salt=(1).to_bytes(8, "little") + bytes(8),
        person=b"CBlogin_" + bytes(8),
        encoder=nacl.encoding.RawEncoder,
    )
    assert keys.login_credential == b64encode(login)
    assert keys.unwrap_key == kdf.kdf_derive_from_key(master, 2, b"CBunwrap")
    assert b64decode(keys.login_credential) != keys.unwrap_key
    assert len(keys.unwrap_key) == 32


def test_password_typed_in_nfd_derives_the_same_keys_as_nfc() -> None:
    nfd = unicodedata.normalize("NFD", PASSWORD_NFC)
    assert nfd != PASSWORD_NFC
    assert moderate_keys(nfd) == moderate_keys(PASSWORD_NFC)


def test_secret_key_changes_everything() -> None:
    pwk = bytes(32)
    a = kdf.account_keys_from_password_key(pwk, SECRET_KEY)
    b = kdf.account_keys_from_password_key(pwk, bytes(16))
    assert a.unwrap_key != b.unwrap_key
    assert a.login_credential != b.login_credential


def test_kdf_derive_from_key_rejects_bad_inputs() -> None:
    with pytest.raises(ValueError, match="crypto_kdf"):
        kdf.kdf_derive_from_key(bytes(31), 1, b"CBlogin_")
    with pytest.raises(ValueError, match="crypto_kdf"):
        kdf.kdf_derive_from_key(bytes(32), 1, b"short")


def test_recovery_keys_are_independent_of_each_other() -> None:
    code = bytes(range(16))
    keys = kdf.derive_recovery_keys(code)
    assert b64decode(keys.login_credential) != keys.recovery_key
    assert kdf.derive_recovery_keys(code) == keys
    assert kdf.derive_recovery_keys(bytes(16)).recovery_key != keys.recovery_key
    with pytest.raises(ValueError, match="16 bytes"):
        kdf.derive_recovery_keys(bytes(15))


# ------------------------------------------------------------------ text format

KINDS = sorted(kdf.TEXT_KINDS)


def payloads(kind: str) -> st.SearchStrategy[bytes]:
    size = kdf.TEXT_KINDS[kind][1]
    return st.binary(min_size=size, max_size=size)


@given(st.data())
def test_text_round_trips(data: st.DataObject) -> None:
    kind = data.draw(st.sampled_from(KINDS))
    payload = data.draw(payloads(kind))
    text = kdf.format_key_text(kind, payload)
    assert kdf.parse_key_text(kind, text) == payload
    assert kdf.parse_key_text(kind, text.lower()) == payload
    assert kdf.parse_key_text(kind, text.replace("-", " ")) == payload
    groups = text.split("-")
    assert groups[0] == kdf.TEXT_KINDS[kind][0]
    assert all(len(g) == 5 for g in groups[1:])


@given(st.data())
def test_any_single_character_typo_is_detected(data: st.DataObject) -> None:
    kind = data.draw(st.sampled_from(KINDS))
    text = kdf.format_key_text(kind, data.draw(payloads(kind)))
    prefix_len = len(kdf.TEXT_KINDS[kind][0]) + 1
    positions = [i for i in range(prefix_len, len(text)) if text[i] != "-"]
    i = data.draw(st.sampled_from(positions))
    wrong = data.draw(st.sampled_from([c for c in kdf.CROCKFORD if c != text[i]]))
    typo = text[:i] + wrong + text[i + 1 :]
    with pytest.raises(kdf.TextFormatError, match="typo"):
        kdf.parse_key_text(kind, typo)


@given(st.data())
def test_adjacent_transpositions_are_detected(data: st.DataObject) -> None:
    kind = data.draw(st.sampled_from(KINDS))
    text = kdf.format_key_text(kind, data.draw(payloads(kind)))
    chars = text.replace("-", "")[len(kdf.TEXT_KINDS[kind][0]) :]
    i = data.draw(st.integers(0, len(chars) - 2))
    if chars[i] == chars[i + 1]:
        return
    swapped = chars[:i] + chars[i + 1] + chars[i] + chars[i + 2 :]
    with pytest.raises(kdf.TextFormatError):
        kdf.parse_key_text(kind, kdf.TEXT_KINDS[kind][0] + swapped)


def test_crockford_aliases_are_read_as_their_digits() -> None:
    payload = bytes(16)
    text = kdf.format_secret_key(payload)
    assert "0" in text
    assert kdf.parse_secret_key(text.replace("0", "O").replace("CBSK1", "CBSK1")) == payload


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("CBRC1-00000-00000-00000-00000-00000-00000", "looks like a recovery code"),
        ("CBSK1-00000-00000", "characters after"),
        ("CBSK1-0000U-00000-00000-00000-00000-00000", "cannot appear"),
        ("hello", "starts with CBSK1-"),
    ],
)
def test_text_errors_explain_themselves(text: str, message: str) -> None:
    with pytest.raises(kdf.TextFormatError, match=message):
        kdf.parse_secret_key(text)


def test_recovery_code_is_not_accepted_as_secret_key() -> None:
    code = kdf.generate_recovery_code()
    text = kdf.format_recovery_code(code)
    assert kdf.parse_recovery_code(text) == code
    with pytest.raises(kdf.TextFormatError):
        kdf.parse_secret_key(text.replace("CBRC1", "CBSK1"))


def test_non_canonical_padding_bits_are_a_typo() -> None:
    text = kdf.format_secret_key(bytes(16))
    body = text.replace("-", "")[5:]
    # the 26th data character carries 3 payload bits and 2 zero padding bits
    bad = "CBSK1" + body[:25] + "1" + body[26:]
    with pytest.raises(kdf.TextFormatError, match="typo"):
        kdf.parse_secret_key(bad)


def test_generated_secret_keys_are_random_and_formatted() -> None:
    a, b = kdf.generate_secret_key(), kdf.generate_secret_key()
    assert len(a) == 16
    assert a != b
    assert kdf.parse_secret_key(kdf.format_secret_key(a)) == a


# ------------------------------------------------------------------ golden vectors

VECTORS = Path(__file__).parent / "vectors"


def test_golden_vector_account_keys() -> None:
    """One Argon2id MODERATE derivation; the rest is BLAKE2b."""
    v = json.loads((VECTORS / "keys-account.json").read_text())
    params = kdf.KdfParams.from_server(v["kdf_params"])
    assert kdf.normalize_password(v["password_nfd"]) == b64decode(v["password_nfc_utf8"])
    assert kdf.normalize_password(v["password"]) == b64decode(v["password_nfc_utf8"])
    secret_key = kdf.parse_secret_key(v["secret_key_text"])
    assert secret_key == b64decode(v["secret_key"])
    pwk = kdf.derive_password_key(v["password"], params)
    expected = v["expected"]
    assert b64encode(pwk) == expected["pwk"]
    master = kdf.blake2b_256(b"", key=pwk, salt=secret_key, person=kdf.PERSON_ACCOUNT_MASTER)
    assert b64encode(master) == expected["master"]
    keys = kdf.account_keys_from_password_key(pwk, secret_key)
    assert keys.login_credential == expected["login_credential"]
    assert b64encode(keys.unwrap_key) == expected["unwrap_key"]

    rec = v["recovery"]
    code = kdf.parse_recovery_code(rec["recovery_code_text"])
    assert code == b64decode(rec["recovery_code"])
    recovery = kdf.derive_recovery_keys(code)
    assert recovery.login_credential == rec["expected"]["login_credential"]
    assert b64encode(recovery.recovery_key) == rec["expected"]["recovery_key"]
    rmaster = kdf.blake2b_256(b"", key=code, person=kdf.PERSON_RECOVERY_MASTER)
    assert b64encode(rmaster) == rec["expected"]["recovery_master"]

    for case in v["crypto_kdf_derive_from_key"]:
        derived = kdf.kdf_derive_from_key(
            b64decode(case["key"]), case["subkey_id"], case["context"].encode("ascii")
        )
        assert b64encode(derived) == case["expected"]


def test_golden_vector_texts() -> None:
    v = json.loads((VECTORS / "keys-text.json").read_text())
    assert len(v["cases"]) == 9
    for case in v["cases"]:
        payload = b64decode(case["payload"])
        assert kdf.format_key_text(case["kind"], payload) == case["text"]
        assert kdf.parse_key_text(case["kind"], case["text"]) == payload
