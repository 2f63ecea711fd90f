"""Files encrypted in Chromium open byte for byte with the Python client (envelope, blob,
manifest, download check), and files encrypted by the Python client open in Chromium."""

from __future__ import annotations

import io
import os
from datetime import UTC, datetime
from pathlib import Path
from uuid import uuid4

import nacl.signing
import pytest
from nacl.public import PrivateKey
from playwright.sync_api import Page

from casebook.crypto.attachment import decrypt_to_file, encrypt_stream
from casebook.crypto.envelope import open_file_key, seal_file_key
from casebook.crypto.manifest import (
    Manifest,
    Uploader,
    open_manifest,
    seal_manifest,
    verify_download,
)
from tests.browser.conftest import b64, unb64

SIZES = [0, 1, 65535, 65536, 65537, 3 * 65536 + 5, 5 * 1024 * 1024]
GENERATION = 3
UPLOADER_ID = "8d0c5b8e-1f2a-4b3c-9d4e-000000000017"


@pytest.fixture(scope="module")
def vault_key() -> PrivateKey:
    return PrivateKey.generate()


@pytest.fixture(scope="module")
def uploader_key() -> nacl.signing.SigningKey:
    return nacl.signing.SigningKey.generate()


@pytest.mark.parametrize("size", SIZES)
def test_encrypted_in_the_browser_opens_in_python(
    page: Page,
    tmp_path: Path,
    size: int,
    vault_key: PrivateKey,
    uploader_key: nacl.signing.SigningKey,
) -> None:
    plaintext = os.urandom(size)
    attachment_id, vault_id = uuid4(), uuid4()
    sealed = page.evaluate(
        """async (a) => {
            const { b64decode, b64encode } = cb.encoding;
            const { attachmentId, vaultId, generation } = a;
            const ids = { attachmentId, vaultId, generation };
            const fileKey = sodium.crypto_secretstream_xchacha20poly1305_keygen();
            const file = new File([sodium.from_base64(a.plaintext)], "evidence.mp4", {
                type: "video/mp4",
            });
            const encrypted = await cb.attachment.encryptBlob(file, { ...ids, fileKey });
            const seed = b64decode(a.signingSeed);
            const manifest = cb.manifest.manifestForUpload(encrypted, {
                ...ids,
                filename: file.name,
                mediaType: file.type,
                capturedAt: null,
                uploadedAt: new Date(),
                uploader: {
                    userId: a.uploaderId,
                    signingKey: sodium.crypto_sign_seed_keypair(seed).publicKey,
                },
            });
            return {
                blob: sodium.to_base64(new Uint8Array(await encrypted.blob.arrayBuffer())),
                envelope: b64encode(cb.envelope.sealFileKey(fileKey, b64decode(a.vaultPk), ids)),
                manifest: b64encode(
                    cb.manifest.sealManifest(manifest, { signingSeed: seed, fileKey }),
                ),
            };
        }""",
        {
            "plaintext": b64(plaintext),
            "attachmentId": str(attachment_id),
            "vaultId": str(vault_id),
            "generation": GENERATION,
            "vaultPk": b64(bytes(vault_key.public_key)),
            "signingSeed": b64(bytes(uploader_key)),
            "uploaderId": UPLOADER_ID,
        },
    )
    ids = {"attachment_id": attachment_id, "vault_id": vault_id, "generation": GENERATION}
    file_key = open_file_key(unb64(sealed["envelope"]), bytes(vault_key), **ids)
    manifest = open_manifest(
        unb64(sealed["manifest"]),
        file_key=file_key,
        expected_signing_key=bytes(uploader_key.verify_key),
        **ids,
    )
    out = tmp_path / "evidence.mp4"
    blob = unb64(sealed["blob"])
    result = decrypt_to_file(io.BytesIO(blob), out, file_key=file_key, **ids)
    verify_download(out, manifest)
    assert out.read_bytes() == plaintext
    assert result.ciphertext_sha256 == manifest.ciphertext_sha256
    assert (manifest.filename, manifest.media_type, manifest.size) == (
        "evidence.mp4",
        "video/mp4",
        size,
    )
    assert manifest.uploader == Uploader(UPLOADER_ID, bytes(uploader_key.verify_key))


@pytest.mark.parametrize("size", SIZES)
def test_encrypted_in_python_opens_in_the_browser(
    page: Page,
    size: int,
    vault_key: PrivateKey,
    uploader_key: nacl.signing.SigningKey,
) -> None:
    plaintext = os.urandom(size)
    attachment_id, vault_id = uuid4(), uuid4()
    ids = {"attachment_id": attachment_id, "vault_id": vault_id, "generation": GENERATION}
    file_key = os.urandom(32)
    sink = io.BytesIO()
    result = encrypt_stream(io.BytesIO(plaintext), sink, file_key=file_key, **ids)
    manifest = Manifest.for_upload(
        result,
        filename="Redada calle Ñ.jpg",
        media_type="image/jpeg",
        captured_at=datetime(2026, 11, 20, 18, 2, tzinfo=UTC),
        uploaded_at=datetime.now(UTC),
        uploader=Uploader(UPLOADER_ID, bytes(uploader_key.verify_key)),
        **ids,
    )
    opened = page.evaluate(
        """async (a) => {
            const { b64decode, b64encode } = cb.encoding;
            const { attachmentId, vaultId, generation } = a;
            const ids = { attachmentId, vaultId, generation };
            const vaultSk = b64decode(a.vaultSk);
            const fileKey = cb.envelope.openFileKey(b64decode(a.envelope), vaultSk, ids);
            const manifest = cb.manifest.openManifest(b64decode(a.manifest), {
                ...ids,
                fileKey,
                expectedSigningKey: b64decode(a.signingKey),
            });
            const blob = new Blob([sodium.from_base64(a.blob)]);
            const decrypted = await cb.attachment.decryptBlob(blob, {
                ...ids,
                fileKey,
                mediaType: manifest.media_type,
            });
            cb.manifest.verifyDownload(decrypted, manifest);
            return {
                plaintext: sodium.to_base64(new Uint8Array(await decrypted.blob.arrayBuffer())),
                type: decrypted.blob.type,
                manifest,
            };
        }""",
        {
            "blob": b64(sink.getvalue()),
            "envelope": b64(seal_file_key(file_key, bytes(vault_key.public_key), **ids)),
            "manifest": b64(seal_manifest(manifest, signing_key=uploader_key, file_key=file_key)),
            "vaultSk": b64(bytes(vault_key)),
            "signingKey": b64(bytes(uploader_key.verify_key)),
            "attachmentId": str(attachment_id),
            "vaultId": str(vault_id),
            "generation": GENERATION,
        },
    )
    assert unb64(opened["plaintext"]) == plaintext
    assert opened["type"] == "image/jpeg"
    assert opened["manifest"] == manifest.to_json()
