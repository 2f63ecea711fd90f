"""Signed, encrypted manifest: round trip, swaps, wrong signer, download verification."""

from __future__ import annotations

import ctypes
import ctypes.util
import dataclasses
import hashlib
import io
import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from uuid import uuid4

import nacl.utils
import pytest
from nacl import bindings as nb
from nacl.signing import SigningKey

from casebook.crypto.attachment import decrypt_to_file
from casebook.crypto.errors import (
    CryptoFormatError,
    IntegrityError,
    SignatureError,
    TamperedError,
    TruncatedError,
    UnsupportedFormatError,
    WrongContextError,
)
from casebook.crypto.manifest import (
    SIGNATURE_DOMAIN,
    Manifest,
    SignedManifest,
    Uploader,
    associated_data,
    manifest_key,
    open_manifest,
    open_signed_manifest,
    seal_manifest,
    verify_download,
)
from casebook.encoding import b64decode, b64encode, canonical_json
from tests.crypto import Ctx, encrypt_bytes, new_ctx

SIGNER = SigningKey.generate()
SIGNER_PUBLIC = bytes(SIGNER.verify_key)
UPLOADED = datetime(2026, 11, 22, 7, 30, 5, 123456, tzinfo=UTC)
CAPTURED = datetime(2026, 11, 20, 18, 2, 0, tzinfo=UTC)


def make(ctx: Ctx, data: bytes = b"evidence bytes") -> tuple[bytes, Manifest]:
    blob, result = encrypt_bytes(data, ctx)
    manifest = Manifest.for_upload(
        result,
        attachment_id=ctx.attachment_id,
        vault_id=ctx.vault_id,
        generation=ctx.generation,
        filename="raid 2026-11-20 — calle Ñ.mp4",
        media_type="video/mp4",
        captured_at=CAPTURED,
        uploaded_at=UPLOADED,
        uploader=Uploader("user-17", SIGNER_PUBLIC),
    )
    return blob, manifest


def open_(sealed: bytes, ctx: Ctx, key: bytes = SIGNER_PUBLIC) -> Manifest:
    return open_manifest(sealed, expected_signing_key=key, **ctx.kwargs())


CTX = new_ctx()
BLOB, MANIFEST = make(CTX)
SEALED = seal_manifest(MANIFEST, signing_key=SIGNER, file_key=CTX.file_key)


def test_round_trip() -> None:
    assert open_(SEALED, CTX) == MANIFEST
    assert MANIFEST.uploaded_at == UPLOADED.replace(microsecond=0)


def test_fields_and_canonical_bytes() -> None:
    fields = MANIFEST.to_json()
    assert fields["sha256"] == hashlib.sha256(b"evidence bytes").hexdigest()
    assert fields["captured_at"] == "2026-11-20T18:02:00Z"
    assert fields["uploaded_at"] == "2026-11-22T07:30:05Z"
    assert fields["uploader"] == {"user_id": "user-17", "signing_key": b64encode(SIGNER_PUBLIC)}
    assert list(json.loads(canonical_json(fields))) == sorted(fields)
    assert Manifest.from_json(fields) == MANIFEST


def test_layout_and_signature() -> None:
    assert SEALED[:5] == b"CBMF\x01"
    nonce = SEALED[5:29]
    body = nb.crypto_aead_xchacha20poly1305_ietf_decrypt(
        SEALED[29:],
        associated_data(CTX.attachment_id, CTX.vault_id, CTX.generation),
        nonce,
        manifest_key(CTX.file_key),
    )
    pair = json.loads(body)
    assert set(pair) == {"manifest", "signature"}
    message = b"casebook manifest v1\x00" + canonical_json(pair["manifest"])
    assert SIGNATURE_DOMAIN == b"casebook manifest v1\x00"
    assert SIGNER.sign(message).signature == b64decode(pair["signature"])


def test_null_capture_time() -> None:
    manifest = Manifest.for_upload(
        encrypt_bytes(b"", CTX)[1],
        attachment_id=CTX.attachment_id,
        vault_id=CTX.vault_id,
        generation=CTX.generation,
        filename="x",
        media_type="application/octet-stream",
        captured_at=None,
        uploaded_at=UPLOADED,
        uploader=Uploader("u", SIGNER_PUBLIC),
    )
    sealed = seal_manifest(manifest, signing_key=SIGNER, file_key=CTX.file_key)
    assert open_(sealed, CTX).captured_at is None


def test_swapped_between_attachments() -> None:
    other = new_ctx()
    _, other_manifest = make(other)
    other_sealed = seal_manifest(other_manifest, signing_key=SIGNER, file_key=other.file_key)
    with pytest.raises(TamperedError, match="belongs to another attachment"):
        open_(other_sealed, CTX)


def test_swapped_with_the_same_file_key() -> None:
    # Even if two attachments shared a file key, the ids in the AD tell them apart.
    other = Ctx(CTX.file_key, uuid4(), CTX.vault_id, CTX.generation)
    with pytest.raises(TamperedError, match="belongs to another attachment"):
        open_(SEALED, other)


def test_another_vault_or_generation() -> None:
    for ctx in (
        Ctx(CTX.file_key, CTX.attachment_id, uuid4(), CTX.generation),
        Ctx(CTX.file_key, CTX.attachment_id, CTX.vault_id, CTX.generation + 1),
    ):
        with pytest.raises(TamperedError, match="another attachment, vault, generation"):
            open_(SEALED, ctx)


def test_inner_ids_checked_too() -> None:
    # A key holder who encrypts A's manifest under B's ids is still refused.
    other = Ctx(CTX.file_key, uuid4(), CTX.vault_id, CTX.generation)
    body = canonical_json(
        {
            "manifest": MANIFEST.to_json(),
            "signature": b64encode(
                SIGNER.sign(SIGNATURE_DOMAIN + canonical_json(MANIFEST.to_json())).signature
            ),
        }
    )
    nonce = nacl.utils.random(24)
    forged = (
        b"CBMF\x01"
        + nonce
        + nb.crypto_aead_xchacha20poly1305_ietf_encrypt(
            body,
            associated_data(other.attachment_id, other.vault_id, other.generation),
            nonce,
            manifest_key(other.file_key),
        )
    )
    with pytest.raises(WrongContextError, match="another attachment or vault"):
        open_(forged, other)


def test_signed_by_another_key() -> None:
    intruder = SigningKey.generate()
    manifest = Manifest.from_json(
        {
            **MANIFEST.to_json(),
            "uploader": {
                "user_id": "user-17",
                "signing_key": b64encode(bytes(intruder.verify_key)),
            },
        }
    )
    sealed = seal_manifest(manifest, signing_key=intruder, file_key=CTX.file_key)
    with pytest.raises(SignatureError, match="signed by another key"):
        open_(sealed, CTX)


def test_expected_key_is_another_uploader() -> None:
    with pytest.raises(SignatureError, match="signed by another key"):
        open_(SEALED, CTX, key=bytes(SigningKey.generate().verify_key))


def _reseal(body: bytes, ctx: Ctx = CTX) -> bytes:
    nonce = nacl.utils.random(24)
    return (
        b"CBMF\x01"
        + nonce
        + nb.crypto_aead_xchacha20poly1305_ietf_encrypt(
            body,
            associated_data(ctx.attachment_id, ctx.vault_id, ctx.generation),
            nonce,
            manifest_key(ctx.file_key),
        )
    )


def test_forged_signature() -> None:
    fields = {**MANIFEST.to_json(), "filename": "innocent.jpg"}
    signature = SIGNER.sign(SIGNATURE_DOMAIN + canonical_json(MANIFEST.to_json())).signature
    sealed = _reseal(canonical_json({"manifest": fields, "signature": b64encode(signature)}))
    with pytest.raises(SignatureError, match="signature is not valid"):
        open_(sealed, CTX)


def test_signature_without_domain_separation_refused() -> None:
    fields = MANIFEST.to_json()
    signature = SIGNER.sign(canonical_json(fields)).signature
    sealed = _reseal(canonical_json({"manifest": fields, "signature": b64encode(signature)}))
    with pytest.raises(SignatureError, match="not valid"):
        open_(sealed, CTX)


@pytest.mark.parametrize("offset", [5, 20, 29, 60, -1])
def test_altered(offset: int) -> None:
    sealed = bytearray(SEALED)
    sealed[offset] ^= 1
    with pytest.raises(TamperedError, match="altered"):
        open_(bytes(sealed), CTX)


def test_wrong_file_key() -> None:
    ctx = Ctx(nacl.utils.random(32), CTX.attachment_id, CTX.vault_id, CTX.generation)
    with pytest.raises(TamperedError):
        open_(SEALED, ctx)


@pytest.mark.parametrize(
    ("blob", "error", "match"),
    [
        (b"", UnsupportedFormatError, "not a Casebook encrypted manifest"),
        (b"CBEV\x01" + bytes(60), UnsupportedFormatError, "not a Casebook encrypted manifest"),
        (b"CBMF\x02" + bytes(60), UnsupportedFormatError, "version 2"),
        (SEALED[:44], TruncatedError, "cut short"),
        (SEALED[:-1], TamperedError, "altered"),
        (SEALED + b"\0", TamperedError, "altered"),
    ],
    ids=["empty", "evidence tag", "version 2", "cut short", "last byte cut", "trailing byte"],
)
def test_malformed_blob(blob: bytes, error: type[Exception], match: str) -> None:
    with pytest.raises(error, match=match):
        open_(blob, CTX)


def _signed_pair(fields: object) -> bytes:
    signature = SIGNER.sign(SIGNATURE_DOMAIN + canonical_json(fields)).signature
    return canonical_json({"manifest": fields, "signature": b64encode(signature)})


GOOD = MANIFEST.to_json()


@pytest.mark.parametrize(
    ("body", "match"),
    [
        (b"\xff", "does not hold JSON"),
        (b'{"manifest":{}}', "pair"),
        (canonical_json({"manifest": GOOD, "signature": "AA"}), "not 64 bytes"),
        (canonical_json({"manifest": GOOD, "signature": "a+"}), "malformed"),
        (_signed_pair(GOOD).replace(b":", b": ", 1), "not canonical"),
        (_signed_pair({**GOOD, "kind": "casebook.file-key"}), "not a Casebook manifest"),
        (_signed_pair({**GOOD, "v": 2}), "version 2"),
        (_signed_pair({**GOOD, "extra": True}), "missing or unknown"),
        (_signed_pair({**GOOD, "size": "14"}), "malformed"),
        (_signed_pair({**GOOD, "sha256": GOOD["sha256"].upper()}), "malformed"),
        (_signed_pair({**GOOD, "uploaded_at": "2026-11-22T07:30:05+00:00"}), "malformed"),
        (_signed_pair({**GOOD, "captured_at": "2026-11-22T07:30:05.5Z"}), "malformed"),
        (_signed_pair({**GOOD, "attachment_id": str(CTX.attachment_id).upper()}), "malformed"),
        (_signed_pair({**GOOD, "uploader": {**GOOD["uploader"], "x": 1}}), "uploader"),
        (_signed_pair([GOOD]), "not a Casebook manifest"),
    ],
)
def test_malformed_contents(body: bytes, match: str) -> None:
    with pytest.raises(UnsupportedFormatError, match=match):
        open_(_reseal(body), CTX)


def test_seal_refuses_a_manifest_naming_another_signer() -> None:
    with pytest.raises(ValueError, match="another uploader"):
        seal_manifest(MANIFEST, signing_key=SigningKey.generate(), file_key=CTX.file_key)


def test_manifest_times_must_be_utc_seconds() -> None:
    plus_one = timezone(timedelta(hours=1))
    with pytest.raises(ValueError, match="UTC"):
        dataclasses.replace(MANIFEST, uploaded_at=UPLOADED.replace(microsecond=0, tzinfo=plus_one))
    with pytest.raises(ValueError, match="UTC"):
        dataclasses.replace(MANIFEST, captured_at=datetime(2026, 1, 1))
    with pytest.raises(ValueError, match="whole seconds"):
        dataclasses.replace(MANIFEST, uploaded_at=UPLOADED)


def test_verify_download(tmp_path: Path) -> None:
    out = tmp_path / "evidence.mp4"
    decrypt_to_file(io.BytesIO(BLOB), out, **CTX.kwargs())
    verify_download(out, open_(SEALED, CTX))


@pytest.mark.parametrize(
    ("content", "match"),
    [
        (b"evidence bytez", "SHA-256"),
        (b"evidence byte", "has 13 bytes, the manifest says 14"),
    ],
)
def test_verify_download_refuses_another_file(tmp_path: Path, content: bytes, match: str) -> None:
    out = tmp_path / "evidence.mp4"
    out.write_bytes(content)
    with pytest.raises(IntegrityError, match=match):
        verify_download(out, MANIFEST)


def test_verify_download_checks_blake2b(tmp_path: Path) -> None:
    out = tmp_path / "evidence.mp4"
    out.write_bytes(b"evidence bytes")
    wrong = Manifest.from_json({**GOOD, "blake2b": "00" * 32})
    with pytest.raises(IntegrityError, match="BLAKE2b"):
        verify_download(out, wrong)


def _libsodium() -> ctypes.CDLL | None:
    name = ctypes.util.find_library("sodium")
    return None if name is None else ctypes.CDLL(name)


@pytest.mark.skipif(_libsodium() is None, reason="no system libsodium to compare with")
def test_manifest_key_equals_libsodium_crypto_kdf_derive_from_key() -> None:
    lib = _libsodium()
    assert lib is not None
    assert lib.sodium_init() >= 0
    for _ in range(5):
        key = nacl.utils.random(32)
        out = ctypes.create_string_buffer(32)
        assert lib.crypto_kdf_derive_from_key(out, 32, ctypes.c_uint64(1), b"cbmanife", key) == 0
        assert out.raw == manifest_key(key)


def _exported() -> dict[str, object]:
    signed = open_signed_manifest(SEALED, expected_signing_key=SIGNER_PUBLIC, **CTX.kwargs())
    assert signed.manifest == MANIFEST
    exported: dict[str, object] = json.loads(json.dumps(signed.to_json()))
    return exported


def test_an_exported_signed_manifest_verifies_offline() -> None:
    assert SignedManifest.verified(_exported()).manifest == MANIFEST


@pytest.mark.parametrize(
    ("field", "value"),
    [("sha256", "00" * 32), ("size", 15), ("filename", "other.jpg"), ("captured_at", None)],
)
def test_an_exported_signed_manifest_changed_in_any_field_fails(field: str, value: object) -> None:
    pair = _exported()
    manifest = pair["manifest"]
    assert isinstance(manifest, dict)
    manifest[field] = value
    with pytest.raises(SignatureError, match="not valid"):
        SignedManifest.verified(pair)


def test_an_exported_pair_that_is_not_one_is_refused() -> None:
    for pair in ({}, {"manifest": {}}, {"manifest": MANIFEST.to_json(), "signature": "%%"}):
        with pytest.raises(CryptoFormatError):
            SignedManifest.verified(pair)
