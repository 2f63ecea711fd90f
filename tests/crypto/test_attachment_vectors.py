"""Golden vectors (tests/crypto/vectors/attachment-*.json): fixed keys, ids, headers and nonces
with the expected bytes, so the browser implementation can be checked against the same files.

Regenerate (only when the format version changes!) with
``python -m tests.crypto.test_attachment_vectors``.
"""

from __future__ import annotations

import hashlib
import io
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from nacl.public import PrivateKey
from nacl.signing import SigningKey

from casebook.crypto.attachment import (
    ciphertext_size,
    decrypt_to_file,
    encrypt_stream,
    padded_size,
)
from casebook.crypto.envelope import open_file_key, seal_file_key
from casebook.crypto.manifest import (
    Manifest,
    Uploader,
    associated_data,
    manifest_key,
    open_manifest,
    seal_manifest,
    signed_message,
)
from casebook.crypto.padding import padme
from casebook.encoding import b64decode, b64encode, canonical_json

VECTORS = Path(__file__).parent / "vectors"
FILE_KEY = bytes(range(32))
ATTACHMENT_ID = UUID("0190f5d2-7b1e-7c3a-9d4e-5f6a7b8c9d0e")
VAULT_ID = UUID("11111111-2222-4333-8444-555555555555")
GENERATION = 7
HEADER = bytes(range(0xA0, 0xA0 + 24))
VAULT_SECRET = bytes(range(0x40, 0x60))
SIGNING_SEED = bytes(range(0x80, 0xA0))
MANIFEST_NONCE = bytes(range(0xC0, 0xC0 + 24))


def pattern(size: int) -> bytes:
    """Plaintext of the larger vectors: byte i is i mod 251."""
    return bytes(i % 251 for i in range(size))


STREAMS = {
    "empty": b"",
    "hello": "¡Hola! evidence 📷\n".encode(),
    "one-full-chunk": pattern(65_528),  # 8 + 65,528 = 65,536: exactly one chunk
    "two-chunks": pattern(65_600),  # padme(65,608) = 67,584: 65,536 + 2,048
}


def stream_vector(name: str, plaintext: bytes) -> dict[str, Any]:
    sink = io.BytesIO()
    result = encrypt_stream(
        io.BytesIO(plaintext),
        sink,
        file_key=FILE_KEY,
        attachment_id=ATTACHMENT_ID,
        vault_id=VAULT_ID,
        generation=GENERATION,
        _header=HEADER,
    )
    blob = sink.getvalue()
    return {
        "description": f"encrypted attachment stream: {name}",
        "format": "casebook attachment v1 (docs/crypto/attachment-format.md)",
        "encoding": "binary values are unpadded URL-safe base64; digests are lowercase hex",
        "file_key": b64encode(FILE_KEY),
        "attachment_id": str(ATTACHMENT_ID),
        "vault_id": str(VAULT_ID),
        "generation": GENERATION,
        "secretstream_header": b64encode(HEADER),
        "plaintext": b64encode(plaintext),
        "plaintext_size": len(plaintext),
        "padded_size": padded_size(len(plaintext)),
        "ciphertext_size": len(blob),
        "preamble": b64encode(blob[:65]),
        "ciphertext": b64encode(blob),
        "plaintext_sha256": result.plaintext_sha256.hex(),
        "plaintext_blake2b": result.plaintext_blake2b.hex(),
        "ciphertext_sha256": result.ciphertext_sha256.hex(),
    }


def padme_vector() -> dict[str, Any]:
    lengths = [0, 1, 2, 7, 8, 9, 13, 100, 129, 1000, 65_528, 65_529, 65_536, 1_000_000]
    lengths += [5 * 2**20, 2**30 + 1, 4_700_000_000, 2**50]
    return {
        "description": "PADMÉ and blob sizes: padded_size = padme(8 + L); ciphertext_size = "
        "65 + padded_size + 17 * ceil(padded_size / 65536)",
        "padme": [[n, padme(n)] for n in lengths],
        "blob_sizes": [
            {
                "plaintext_size": n,
                "padded_size": padded_size(n),
                "ciphertext_size": ciphertext_size(n),
            }
            for n in lengths
        ],
    }


def manifest() -> Manifest:
    plaintext = STREAMS["hello"]
    blob_sha = hashlib.sha256(b64decode(stream_vector("hello", plaintext)["ciphertext"]))
    return Manifest(
        attachment_id=ATTACHMENT_ID,
        vault_id=VAULT_ID,
        generation=GENERATION,
        filename="Redada calle Ñ — 2026-11-20.jpg",
        media_type="image/jpeg",
        size=len(plaintext),
        sha256=hashlib.sha256(plaintext).digest(),
        blake2b=hashlib.blake2b(plaintext, digest_size=32).digest(),
        ciphertext_sha256=blob_sha.digest(),
        captured_at=datetime(2026, 11, 20, 18, 2, 0, tzinfo=UTC),
        uploaded_at=datetime(2026, 11, 22, 7, 30, 5, tzinfo=UTC),
        uploader=Uploader("8d0c5b8e-1f2a-4b3c-9d4e-000000000017", _signing_key_public()),
    )


def _signing_key_public() -> bytes:
    return bytes(SigningKey(SIGNING_SEED).verify_key)


def manifest_vector() -> dict[str, Any]:
    m = manifest()
    sealed = seal_manifest(
        m, signing_key=SigningKey(SIGNING_SEED), file_key=FILE_KEY, _nonce=MANIFEST_NONCE
    )
    message = signed_message(m)
    return {
        "description": "signed, encrypted manifest of the 'hello' attachment",
        "encoding": "binary values are unpadded URL-safe base64; digests are lowercase hex",
        "file_key": b64encode(FILE_KEY),
        "attachment_id": str(ATTACHMENT_ID),
        "vault_id": str(VAULT_ID),
        "generation": GENERATION,
        "signing_seed": b64encode(SIGNING_SEED),
        "signing_public_key": b64encode(_signing_key_public()),
        "manifest": m.to_json(),
        "manifest_canonical": canonical_json(m.to_json()).decode(),
        "signed_message": b64encode(message),
        "signature": b64encode(SigningKey(SIGNING_SEED).sign(message).signature),
        "manifest_key": b64encode(manifest_key(FILE_KEY)),
        "associated_data": b64encode(associated_data(ATTACHMENT_ID, VAULT_ID, GENERATION)),
        "nonce": b64encode(MANIFEST_NONCE),
        "sealed": b64encode(sealed),
    }


def envelope_vector() -> dict[str, Any]:
    """crypto_box_seal is randomised: the vector is one sealed envelope to open."""
    secret = PrivateKey(VAULT_SECRET)
    envelope = seal_file_key(
        FILE_KEY,
        bytes(secret.public_key),
        attachment_id=ATTACHMENT_ID,
        vault_id=VAULT_ID,
        generation=GENERATION,
    )
    body = {
        "v": 1,
        "kind": "casebook.file-key",
        "attachment_id": str(ATTACHMENT_ID),
        "vault_id": str(VAULT_ID),
        "generation": GENERATION,
        "file_key": b64encode(FILE_KEY),
    }
    return {
        "description": "file-key envelope sealed to a vault generation (sealed boxes are "
        "randomised: open `envelope`, and compare the opened bytes with `sealed_plaintext`)",
        "encoding": "binary values are unpadded URL-safe base64",
        "vault_secret_key": b64encode(VAULT_SECRET),
        "vault_public_key": b64encode(bytes(secret.public_key)),
        "attachment_id": str(ATTACHMENT_ID),
        "vault_id": str(VAULT_ID),
        "generation": GENERATION,
        "file_key": b64encode(FILE_KEY),
        "sealed_plaintext": canonical_json(body).decode(),
        "envelope": b64encode(envelope),
    }


def all_vectors() -> dict[str, dict[str, Any]]:
    vectors = {f"attachment-stream-{n}.json": stream_vector(n, p) for n, p in STREAMS.items()}
    vectors["attachment-padme.json"] = padme_vector()
    vectors["attachment-manifest.json"] = manifest_vector()
    vectors["attachment-envelope.json"] = envelope_vector()
    return vectors


def load(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((VECTORS / name).read_text(encoding="utf-8"))
    return data


@pytest.mark.parametrize("name", sorted(f"attachment-stream-{n}.json" for n in STREAMS))
def test_stream_vectors_reproduce(name: str, tmp_path: Path) -> None:
    stored = load(name)
    plaintext = b64decode(stored["plaintext"])
    assert stream_vector(name[len("attachment-stream-") : -5], plaintext) == stored
    out = tmp_path / "plain"
    result = decrypt_to_file(
        io.BytesIO(b64decode(stored["ciphertext"])),
        out,
        file_key=b64decode(stored["file_key"]),
        attachment_id=UUID(stored["attachment_id"]),
        vault_id=UUID(stored["vault_id"]),
        generation=stored["generation"],
    )
    assert out.read_bytes() == plaintext
    assert result.ciphertext_sha256.hex() == stored["ciphertext_sha256"]


def test_stream_vector_plaintexts_are_documented() -> None:
    for name, plaintext in STREAMS.items():
        assert b64decode(load(f"attachment-stream-{name}.json")["plaintext"]) == plaintext


def test_padme_vector() -> None:
    assert padme_vector() == load("attachment-padme.json")


def test_manifest_vector() -> None:
    stored = load("attachment-manifest.json")
    assert manifest_vector() == stored
    opened = open_manifest(
        b64decode(stored["sealed"]),
        file_key=FILE_KEY,
        attachment_id=ATTACHMENT_ID,
        vault_id=VAULT_ID,
        generation=GENERATION,
        expected_signing_key=b64decode(stored["signing_public_key"]),
    )
    assert opened == manifest()


def test_envelope_vector() -> None:
    stored = load("attachment-envelope.json")
    fresh = envelope_vector()
    assert {k: v for k, v in fresh.items() if k != "envelope"} == {
        k: v for k, v in stored.items() if k != "envelope"
    }
    key = open_file_key(
        b64decode(stored["envelope"]),
        b64decode(stored["vault_secret_key"]),
        attachment_id=ATTACHMENT_ID,
        vault_id=VAULT_ID,
        generation=GENERATION,
    )
    assert key == FILE_KEY


def test_no_stray_vector_files() -> None:
    assert sorted(p.name for p in VECTORS.glob("attachment-*.json")) == sorted(all_vectors())


def _write() -> None:
    for name, vector in all_vectors().items():
        text = json.dumps(vector, indent=2, ensure_ascii=False) + "\n"
        (VECTORS / name).write_text(text, encoding="utf-8")


if __name__ == "__main__":
    _write()
