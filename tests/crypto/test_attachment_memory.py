"""Constant memory: 64 MiB streams through encryption and decryption hold only a few chunks."""

from __future__ import annotations

import hashlib
import io
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

from casebook.crypto.attachment import decrypt_to_file, encrypt_stream
from tests.crypto import new_ctx

SIZE = 64 * 2**20
LIMIT = 2 * 2**20


class GeneratorReader(io.RawIOBase):
    """A read-only, non-seekable file object fed by a generator of byte strings."""

    def __init__(self, parts: Iterator[bytes]) -> None:
        self._parts = parts
        self._rest = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        while not self._rest:
            try:
                self._rest = next(self._parts)
            except StopIteration:
                return 0
        n = min(len(buffer), len(self._rest))
        buffer[:n] = self._rest[:n]
        self._rest = self._rest[n:]
        return n


class CountingSink(io.RawIOBase):
    def __init__(self) -> None:
        self.size = 0
        self.hash = hashlib.sha256()

    def writable(self) -> bool:
        return True

    def write(self, data: bytes) -> int:  # type: ignore[override]
        self.size += len(data)
        self.hash.update(data)
        return len(data)


def pattern(total: int) -> Iterator[bytes]:
    block = bytes(range(256)) * 40  # 10,240 bytes, not aligned with chunks
    sent = 0
    while sent < total:
        part = block[: total - sent]
        sent += len(part)
        yield part


def test_encrypting_64_mib_from_a_generator_holds_a_few_chunks() -> None:
    ctx = new_ctx()
    sink = CountingSink()
    tracemalloc.start()
    try:
        result = encrypt_stream(
            GeneratorReader(pattern(SIZE)),  # type: ignore[arg-type]
            sink,  # type: ignore[arg-type]
            size=SIZE,
            **ctx.kwargs(),
        )
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < LIMIT, f"peak {peak} bytes"
    assert result.plaintext_size == SIZE
    assert result.ciphertext_size == sink.size
    assert result.ciphertext_sha256 == sink.hash.digest()


def test_decrypting_64_mib_holds_a_few_chunks(tmp_path: Path) -> None:
    ctx = new_ctx()
    blob = tmp_path / "blob"
    with blob.open("wb") as sink:
        enc = encrypt_stream(
            GeneratorReader(pattern(SIZE)),  # type: ignore[arg-type]
            sink,
            size=SIZE,
            **ctx.kwargs(),
        )
    tracemalloc.start()
    try:
        with blob.open("rb", buffering=0) as source:
            dec = decrypt_to_file(source, tmp_path / "out", **ctx.kwargs())
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < LIMIT, f"peak {peak} bytes"
    assert dec.plaintext_sha256 == enc.plaintext_sha256
    assert (tmp_path / "out").stat().st_size == SIZE
