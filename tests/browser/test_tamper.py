"""Altered, cut, reordered, spliced, misplaced and malformed blobs are refused in the browser
exactly as the Python client refuses them: the same error class and the same message, and no
plaintext returned."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from uuid import uuid4

import nacl.utils
import pytest
from nacl import bindings as nb
from playwright.sync_api import Page

from casebook.crypto.attachment import (
    ABYTES,
    CHUNK_SIZE,
    PREAMBLE_BYTES,
    decrypt_to_file,
    encode_ids,
    encrypt_stream,
)
from casebook.crypto.errors import CryptoFormatError
from tests.browser.conftest import b64

SIZE = 3 * 65536 + 5  # padme(8 + SIZE) = 200,704: chunks of 65,536 x 3 and 4,096
FULL = CHUNK_SIZE + ABYTES
MESSAGE, FINAL = 0, 3


class Attachment:
    """Ids and key of one attachment, and blobs encrypted for it."""

    def __init__(self, generation: int = 7) -> None:
        self.file_key = nacl.utils.random(32)
        self.attachment_id = uuid4()
        self.vault_id = uuid4()
        self.generation = generation

    def kwargs(self) -> dict[str, object]:
        return {
            "file_key": self.file_key,
            "attachment_id": self.attachment_id,
            "vault_id": self.vault_id,
            "generation": self.generation,
        }

    def js(self) -> dict[str, object]:
        return {
            "fileKey": b64(self.file_key),
            "attachmentId": str(self.attachment_id),
            "vaultId": str(self.vault_id),
            "generation": self.generation,
        }

    def encrypt(self, data: bytes) -> bytes:
        sink = io.BytesIO()
        encrypt_stream(io.BytesIO(data), sink, **self.kwargs())  # type: ignore[arg-type]
        return sink.getvalue()

    def forge(self, stream_chunks: list[tuple[bytes, int]]) -> bytes:
        """Authentic chunks built by a key holder who breaks the format."""
        state = nb.crypto_secretstream_xchacha20poly1305_state()
        header = nb.crypto_secretstream_xchacha20poly1305_init_push(state, self.file_key)
        ids = encode_ids(self.attachment_id, self.vault_id, self.generation)
        preamble = b"CBEV\x01" + ids + header
        out = preamble
        for plain, tag in stream_chunks:
            out += nb.crypto_secretstream_xchacha20poly1305_push(state, plain, preamble, tag)
        return out


A = Attachment()
OTHER = Attachment()
BLOB = A.encrypt(nacl.utils.random(SIZE))
SMALL = A.encrypt(b"hello")
OTHER_BLOB = A.encrypt(nacl.utils.random(SIZE))  # same key and ids, another file


def chunk(index: int, blob: bytes = BLOB) -> bytes:
    start = PREAMBLE_BYTES + index * FULL
    return blob[start : start + FULL]


def flip(blob: bytes, offset: int) -> bytes:
    return blob[:offset] + bytes([blob[offset] ^ 0x01]) + blob[offset + 1 :]


def with_ids(attachment: Attachment, **changes: object) -> Attachment:
    other = Attachment(attachment.generation)
    other.file_key = attachment.file_key
    other.attachment_id = attachment.attachment_id
    other.vault_id = attachment.vault_id
    for name, value in changes.items():
        setattr(other, name, value)
    return other


LENGTH = 65_600  # padme(65_608) = 67_584: chunks of 65,536 and 2,048
FIRST = LENGTH.to_bytes(8, "big") + b"a" * (CHUNK_SIZE - 8)

CASES: dict[str, Callable[[], tuple[bytes, Attachment]]] = {
    "not a blob": lambda: (b"GIF89a" + BLOB[6:], A),
    "unknown version": lambda: (BLOB[:4] + b"\x02" + BLOB[5:], A),
    "flipped byte in the preamble's attachment id": lambda: (flip(BLOB, 5), A),
    "flipped byte in the preamble's generation": lambda: (flip(BLOB, 40), A),
    "flipped byte in the preamble's header": lambda: (flip(BLOB, 50), A),
    "flipped byte in the first chunk": lambda: (flip(BLOB, PREAMBLE_BYTES + 100), A),
    "flipped byte in a middle chunk": lambda: (flip(BLOB, PREAMBLE_BYTES + FULL + 7), A),
    "flipped byte in the last chunk": lambda: (flip(BLOB, len(BLOB) - 1), A),
    "truncated inside the preamble": lambda: (BLOB[:40], A),
    "truncated after the preamble": lambda: (BLOB[:PREAMBLE_BYTES], A),
    "truncated inside chunk 0": lambda: (BLOB[: PREAMBLE_BYTES + 1000], A),
    "truncated at a chunk boundary": lambda: (BLOB[: PREAMBLE_BYTES + 2 * FULL], A),
    "truncated inside a chunk": lambda: (BLOB[: PREAMBLE_BYTES + 2 * FULL + 10], A),
    "dropped final chunk": lambda: (BLOB[: PREAMBLE_BYTES + 3 * FULL], A),
    "dropped middle chunk": lambda: (BLOB[: PREAMBLE_BYTES + FULL] + BLOB[-4113:], A),
    "reordered chunks": lambda: (
        BLOB[:PREAMBLE_BYTES] + chunk(0) + chunk(2) + chunk(1) + BLOB[PREAMBLE_BYTES + 3 * FULL :],
        A,
    ),
    "duplicated chunk": lambda: (BLOB[: PREAMBLE_BYTES + 2 * FULL] + chunk(1) + BLOB[-4113:], A),
    "chunk spliced from another file with the same key": lambda: (
        BLOB[: PREAMBLE_BYTES + FULL] + chunk(1, OTHER_BLOB) + BLOB[PREAMBLE_BYTES + 2 * FULL :],
        A,
    ),
    "trailing bytes": lambda: (BLOB + b"\0", A),
    "trailing bytes after a single chunk": lambda: (SMALL + b"extra", A),
    "blob of another attachment": lambda: (BLOB, with_ids(A, attachment_id=uuid4())),
    "blob of another vault": lambda: (BLOB, with_ids(A, vault_id=uuid4())),
    "wrong generation": lambda: (BLOB, with_ids(A, generation=8)),
    "wrong key": lambda: (BLOB, with_ids(A, file_key=OTHER.file_key)),
    "nonzero padding": lambda: (A.forge([((3).to_bytes(8, "big") + b"abc\x01", FINAL)]), A),
    "nonzero padding in a later chunk": lambda: (
        A.forge([(FIRST, MESSAGE), (b"a" * 72 + b"\0" * 100 + b"\x80" + b"\0" * 1875, FINAL)]),
        A,
    ),
    "length inconsistent with the chunk size": lambda: (
        A.forge([((3).to_bytes(8, "big") + b"abc" + b"\0" * 5, FINAL)]),
        A,
    ),
    "chunk too short for the length": lambda: (A.forge([(b"abc", FINAL)]), A),
    "length out of range": lambda: (A.forge([(b"\xff" * 8, FINAL)]), A),
    "missing final tag": lambda: (A.forge([((3).to_bytes(8, "big") + b"abc\0", MESSAGE)]), A),
    "early final tag": lambda: (A.forge([(FIRST, FINAL), (b"a" * 2048, FINAL)]), A),
}


def python_refusal(blob: bytes, attachment: Attachment, tmp_path: Path) -> dict[str, str]:
    out = tmp_path / "evidence.bin"
    with pytest.raises(CryptoFormatError) as refusal:
        decrypt_to_file(io.BytesIO(blob), out, **attachment.kwargs())  # type: ignore[arg-type]
    assert not out.exists()
    return {"error": type(refusal.value).__name__, "message": str(refusal.value)}


@pytest.mark.parametrize("case", CASES)
def test_refused_like_the_python_client(page: Page, tmp_path: Path, case: str) -> None:
    blob, attachment = CASES[case]()
    expected = python_refusal(blob, attachment, tmp_path)
    got = page.evaluate(
        """async ({ blob, ids }) => {
            let decrypted = null;
            try {
                decrypted = await cb.attachment.decryptBlob(new Blob([sodium.from_base64(blob)]), {
                    ...ids,
                    fileKey: cb.encoding.b64decode(ids.fileKey),
                });
            } catch (error) {
                return {
                    error: error.name,
                    message: error.message,
                    refusal: error instanceof cb.errors.CryptoFormatError,
                };
            }
            return { error: null, plaintextSize: decrypted.plaintextSize };
        }""",
        {"blob": b64(blob), "ids": attachment.js()},
    )
    assert got == {**expected, "refusal": True}
