"""Encrypting while uploading: the bytes sent are the bytes encrypted, in constant memory;
a failed upload stops the encryption, and a failed encryption is reported rather than the
upload it cut short."""

from __future__ import annotations

import io
import threading
import tracemalloc
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO

import pytest

from casebook.cli import transfer
from casebook.cli.api_client import Api, ApiError
from casebook.crypto.attachment import (
    EncryptResult,
    ciphertext_size,
    encrypt_stream,
)

PLAINTEXT = bytes(range(256)) * (5 * transfer.BLOCK_BYTES // 256)  # several pipe buffers
SIZE = ciphertext_size(len(PLAINTEXT))


class Discarding(Api):
    """An Api that counts what an upload sends and keeps none of it."""

    def __init__(self) -> None:
        super().__init__("http://127.0.0.1:9")
        self.count = 0

    def put_stream(self, path: str, body: Iterable[bytes], size: int) -> None:
        for block in body:
            self.count += len(block)


class Receiving(Api):
    """An Api that keeps what an upload sends, or breaks off after `fail_after` blocks."""

    def __init__(self, fail_after: int | None = None) -> None:
        super().__init__("http://127.0.0.1:9")
        self.fail_after = fail_after
        self.received = bytearray()

    def put_stream(self, path: str, body: Iterable[bytes], size: int) -> None:
        for index, block in enumerate(body):
            if index == self.fail_after:
                raise ApiError("The connection was reset.")
            self.received += block
        if len(self.received) != size:
            raise ApiError("Too little data for the declared Content-Length.")


def encrypt(sink: BinaryIO) -> EncryptResult:
    return encrypt_stream(
        io.BytesIO(PLAINTEXT),
        sink,
        file_key=bytes(32),
        attachment_id=uuid.uuid4(),
        vault_id=uuid.uuid4(),
        generation=1,
    )


def encrypting_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "casebook-encrypt"]


def test_the_upload_sends_exactly_what_is_encrypted() -> None:
    api = Receiving()
    result = transfer.upload_encrypted(api, "/content", SIZE, encrypt, "Uploading")
    assert len(api.received) == result.ciphertext_size == SIZE
    assert result.plaintext_size == len(PLAINTEXT)
    assert encrypting_threads() == []


def test_a_failed_upload_stops_the_encryption() -> None:
    with pytest.raises(ApiError, match="reset"):
        transfer.upload_encrypted(Receiving(fail_after=2), "/content", SIZE, encrypt, "Uploading")
    assert encrypting_threads() == []


def test_a_failed_encryption_is_what_is_reported() -> None:
    def shrinking(sink: BinaryIO) -> EncryptResult:
        sink.write(b"partial")
        raise ValueError("the source is shorter than its announced size")

    with pytest.raises(ValueError, match="shorter"):
        transfer.upload_encrypted(Receiving(), "/content", SIZE, shrinking, "Uploading")
    assert encrypting_threads() == []


def test_a_large_file_is_encrypted_and_sent_in_constant_memory(tmp_path: Path) -> None:
    big = tmp_path / "video.mp4"
    with big.open("wb") as file:
        for _ in range(32):
            file.write(bytes(range(256)) * 4096)  # 1 MiB
    size = big.stat().st_size
    api = Discarding()

    def encrypt_file(sink: BinaryIO) -> EncryptResult:
        with big.open("rb") as source:
            return encrypt_stream(
                source,
                sink,
                file_key=bytes(32),
                attachment_id=uuid.uuid4(),
                vault_id=uuid.uuid4(),
                generation=1,
                size=size,
            )

    tracemalloc.start()
    try:
        transfer.upload_encrypted(api, "/content", ciphertext_size(size), encrypt_file, "Up")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert api.count == ciphertext_size(size)
    assert peak < 2 * 2**20, f"peak {peak} bytes for a {size}-byte file"
