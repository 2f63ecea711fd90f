"""Encrypted attachment stream (docs/crypto/attachment-format.md).

Blob = preamble (65 bytes) followed by secretstream chunks. The preamble is the associated data
of every chunk. The encrypted plaintext stream is ``u64be(L) || data || zeros`` of total length
``padme(8 + L)``, cut into 65,536-byte chunks; the last is tagged FINAL, all others MESSAGE.
Both directions stream in constant memory.
"""

from __future__ import annotations

import hashlib
import os
import struct
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO
from uuid import UUID

from nacl import bindings as nb
from nacl.exceptions import CryptoError
from nacl.exceptions import RuntimeError as NaclRuntimeError

from casebook.atomic_file import replaced_when_complete
from casebook.crypto.digests import PlaintextDigests
from casebook.crypto.errors import (
    PaddingError,
    TamperedError,
    TrailingDataError,
    TruncatedError,
    UnsupportedFormatError,
    WrongContextError,
)
from casebook.crypto.padding import padme

MAGIC = b"CBEV"
VERSION = 1
CHUNK_SIZE = 65_536
ABYTES: int = nb.crypto_secretstream_xchacha20poly1305_ABYTES  # 17
HEADER_BYTES: int = nb.crypto_secretstream_xchacha20poly1305_HEADERBYTES  # 24
KEY_BYTES: int = nb.crypto_secretstream_xchacha20poly1305_KEYBYTES  # 32
CIPHER_CHUNK_SIZE = CHUNK_SIZE + ABYTES
LENGTH_BYTES = 8
MAX_PLAINTEXT_SIZE = 2**50  # 1 PiB: every derived size stays below 2**53 (exact in JS)
TAG_MESSAGE: int = nb.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE  # 0
TAG_FINAL: int = nb.crypto_secretstream_xchacha20poly1305_TAG_FINAL  # 3
_IDS = struct.Struct(">16s16sI")
IDS_BYTES = _IDS.size  # 36
PREAMBLE_BYTES = len(MAGIC) + 1 + IDS_BYTES + HEADER_BYTES  # 65

Progress = Callable[[int], None]


@dataclass(frozen=True, slots=True)
class EncryptResult:
    ciphertext_size: int
    ciphertext_sha256: bytes
    plaintext_size: int
    plaintext_sha256: bytes
    plaintext_blake2b: bytes  # BLAKE2b-256, unkeyed (crypto_generichash, 32 bytes)


@dataclass(frozen=True, slots=True)
class DecryptResult:
    path: Path
    ciphertext_size: int
    ciphertext_sha256: bytes
    plaintext_size: int
    plaintext_sha256: bytes
    plaintext_blake2b: bytes


def encode_ids(attachment_id: UUID, vault_id: UUID, generation: int) -> bytes:
    """attachment id (16) || vault id (16) || u32be(generation): 36 bytes."""
    if not 0 <= generation <= 0xFFFF_FFFF:
        raise ValueError("generation is an unsigned 32-bit integer")
    return _IDS.pack(attachment_id.bytes, vault_id.bytes, generation)


def padded_size(plaintext_size: int) -> int:
    """Length of the encrypted plaintext stream: padme(8 + L)."""
    return padme(LENGTH_BYTES + plaintext_size)


def ciphertext_size(plaintext_size: int) -> int:
    """Exact blob size for a plaintext of ``plaintext_size`` bytes."""
    padded = padded_size(plaintext_size)
    chunks = -(-padded // CHUNK_SIZE)
    return PREAMBLE_BYTES + padded + chunks * ABYTES


def encrypt_stream(
    source: BinaryIO,
    sink: BinaryIO,
    *,
    file_key: bytes,
    attachment_id: UUID,
    vault_id: UUID,
    generation: int,
    progress: Progress | None = None,
    size: int | None = None,
    _header: bytes | None = None,
) -> EncryptResult:
    """Encrypt ``source`` (read from its current position) into ``sink``.

    The plaintext length must be known first: it is ``size`` if given, otherwise it is measured
    by seeking ``source``. ``progress`` receives the number of plaintext bytes read so far.
    ``_header`` fixes the secretstream header, for golden vectors only.
    """
    _check_key(file_key)
    length = _measure(source) if size is None else size
    if not 0 <= length <= MAX_PLAINTEXT_SIZE:
        raise ValueError("plaintext size out of range")
    state = nb.crypto_secretstream_xchacha20poly1305_state()
    if _header is None:
        header = nb.crypto_secretstream_xchacha20poly1305_init_push(state, file_key)
    else:
        header = _init_push_with_header(state, file_key, _header)
    preamble = MAGIC + bytes([VERSION]) + encode_ids(attachment_id, vault_id, generation) + header
    cipher_hash = hashlib.sha256(preamble)
    sink.write(preamble)
    written = len(preamble)
    read = 0
    with PlaintextDigests() as plain:
        for chunk, data, last in _plain_chunks(source, length):
            plain.update(data)
            read += len(data)
            tag = TAG_FINAL if last else TAG_MESSAGE
            sealed = nb.crypto_secretstream_xchacha20poly1305_push(state, chunk, preamble, tag)
            sink.write(sealed)
            cipher_hash.update(sealed)
            written += len(sealed)
            if progress is not None:
                progress(read)
        plain_sha256, plain_blake2b = plain.digests()
    return EncryptResult(
        ciphertext_size=written,
        ciphertext_sha256=cipher_hash.digest(),
        plaintext_size=length,
        plaintext_sha256=plain_sha256,
        plaintext_blake2b=plain_blake2b,
    )


def decrypt_to_file(
    source: BinaryIO,
    path: Path,
    *,
    file_key: bytes,
    attachment_id: UUID,
    vault_id: UUID,
    generation: int,
    progress: Progress | None = None,
) -> DecryptResult:
    """Decrypt a blob into ``path``. Writes a temp file next to it and renames it into place
    only once the whole blob is verified; on any failure the temp file is removed and a
    :class:`~casebook.crypto.errors.CryptoFormatError` subclass is raised."""
    _check_key(file_key)
    path = Path(path)
    with replaced_when_complete(path) as sink, PlaintextDigests() as plain:
        result = _decrypt(
            source,
            sink,
            plain,
            file_key=file_key,
            expected_ids=encode_ids(attachment_id, vault_id, generation),
            progress=progress,
        )
    return DecryptResult(path, *result)


def _decrypt(
    source: BinaryIO,
    sink: BinaryIO,
    plain: PlaintextDigests,
    *,
    file_key: bytes,
    expected_ids: bytes,
    progress: Progress | None,
) -> tuple[int, bytes, int, bytes, bytes]:
    preamble = _read_exact(source, PREAMBLE_BYTES)
    if len(preamble) < len(MAGIC) + 1 or preamble[: len(MAGIC)] != MAGIC:
        raise UnsupportedFormatError("this is not a Casebook encrypted attachment")
    if preamble[len(MAGIC)] != VERSION:
        raise UnsupportedFormatError(
            f"unsupported attachment format version {preamble[len(MAGIC)]}"
        )
    if len(preamble) < PREAMBLE_BYTES:
        raise TruncatedError("the file was cut short inside its preamble")
    ids = preamble[len(MAGIC) + 1 : len(MAGIC) + 1 + IDS_BYTES]
    if ids[:32] != expected_ids[:32]:
        raise WrongContextError("this blob belongs to another attachment or vault")
    if ids != expected_ids:
        found = _IDS.unpack(ids)[2]
        wanted = _IDS.unpack(expected_ids)[2]
        raise WrongContextError(
            f"this blob was encrypted for vault key generation {found}, not {wanted}"
        )
    header = preamble[-HEADER_BYTES:]
    state = nb.crypto_secretstream_xchacha20poly1305_state()
    nb.crypto_secretstream_xchacha20poly1305_init_pull(state, header, file_key)
    cipher_hash = hashlib.sha256(preamble)
    size = len(preamble)

    # Chunk 0: its size is unknown until it is decrypted (it holds the length).
    sealed = _read_exact(source, CIPHER_CHUNK_SIZE)
    if not sealed:
        raise TruncatedError("the file was cut short: it ends after its preamble")
    try:
        chunk, tag = _pull(state, sealed, preamble, 0, short=len(sealed) < CIPHER_CHUNK_SIZE)
    except TamperedError:
        if _is_single_chunk_with_trailer(sealed, preamble, file_key):
            raise TrailingDataError("bytes follow the end of the file") from None
        raise
    cipher_hash.update(sealed)
    size += len(sealed)
    if len(chunk) < LENGTH_BYTES:
        raise PaddingError("chunk 0 is too short to hold the file length")
    length = int.from_bytes(chunk[:LENGTH_BYTES], "big")
    if length > MAX_PLAINTEXT_SIZE:
        raise PaddingError("the recorded file length is out of range")
    padded = padded_size(length)
    count = -(-padded // CHUNK_SIZE)
    if len(chunk) != min(padded, CHUNK_SIZE):
        raise PaddingError("chunk 0 does not have the size its recorded file length implies")
    remaining = length
    index = 0
    data_start = LENGTH_BYTES
    while True:
        last = index == count - 1
        if tag != (TAG_FINAL if last else TAG_MESSAGE):
            raise TamperedError(f"chunk {index} carries the wrong tag")
        take = min(remaining, len(chunk) - data_start)
        data = chunk[data_start : data_start + take]
        if chunk[data_start + take :].count(0) != len(chunk) - data_start - take:
            raise PaddingError(f"the padding in chunk {index} is not all zeros")
        sink.write(data)
        plain.update(data)
        remaining -= take
        if progress is not None:
            progress(length - remaining)
        if last:
            break
        index += 1
        data_start = 0
        want = min(CHUNK_SIZE, padded - index * CHUNK_SIZE) + ABYTES
        sealed = _read_exact(source, want)
        if len(sealed) < want:
            what = "missing" if not sealed else "incomplete"
            raise TruncatedError(
                f"the file was cut short: chunk {index} is {what} ({count} chunks expected)"
            )
        chunk, tag = _pull(state, sealed, preamble, index, short=False)
        cipher_hash.update(sealed)
        size += len(sealed)
    if source.read(1):
        raise TrailingDataError("bytes follow the end of the file")
    return size, cipher_hash.digest(), length, *plain.digests()


def _pull(
    state: nb.crypto_secretstream_xchacha20poly1305_state,
    sealed: bytes,
    preamble: bytes,
    index: int,
    *,
    short: bool,
) -> tuple[bytes, int]:
    try:
        return nb.crypto_secretstream_xchacha20poly1305_pull(state, sealed, preamble)
    except (NaclRuntimeError, CryptoError, ValueError) as error:
        if short:
            message = (
                f"chunk {index} was altered or moved, or the file was cut short inside it"
                " (or the key or header is wrong)"
            )
        else:
            message = f"chunk {index} was altered or moved (or the key or header is wrong)"
        raise TamperedError(message) from error


def _is_single_chunk_with_trailer(sealed: bytes, preamble: bytes, file_key: bytes) -> bool:
    """On the error path only: does ``sealed`` start with a whole valid one-chunk stream?

    Chunk 0's length is unknown until it decrypts, so a small blob with bytes appended fails
    as one oversized chunk. Trying each possible one-chunk size tells that case apart."""
    for padded in _SINGLE_CHUNK_SIZES:
        if padded + ABYTES >= len(sealed):
            break
        state = nb.crypto_secretstream_xchacha20poly1305_state()
        nb.crypto_secretstream_xchacha20poly1305_init_pull(
            state, preamble[-HEADER_BYTES:], file_key
        )
        try:
            _, tag = nb.crypto_secretstream_xchacha20poly1305_pull(
                state, sealed[: padded + ABYTES], preamble
            )
        except (NaclRuntimeError, CryptoError, ValueError):
            continue
        return tag == TAG_FINAL
    return False


_SINGLE_CHUNK_SIZES = sorted(
    {padded_size(n) for n in range(CHUNK_SIZE) if padded_size(n) <= CHUNK_SIZE}
)


def _plain_chunks(source: BinaryIO, length: int) -> Iterator[tuple[bytes, bytes, bool]]:
    """Yield (stream chunk, file data in it, is last) for the padded plaintext stream."""
    padded = padded_size(length)
    remaining = length
    produced = 0
    prefix = length.to_bytes(LENGTH_BYTES, "big")
    while produced < padded:
        want = min(CHUNK_SIZE, padded - produced)
        take = min(remaining, want - len(prefix))
        data = _read_exact(source, take)
        if len(data) < take:
            raise ValueError("the source ended before its announced size")
        remaining -= take
        chunk = prefix + data + bytes(want - len(prefix) - take)
        produced += want
        prefix = b""
        yield chunk, data, produced == padded
    if source.read(1):
        raise ValueError("the source is longer than its announced size")


def _read_exact(source: BinaryIO, size: int) -> bytes:
    """Read ``size`` bytes, fewer only at end of file."""
    parts: list[bytes] = []
    got = 0
    while got < size:
        part = source.read(size - got)
        if not part:
            break
        parts.append(part)
        got += len(part)
    return b"".join(parts)


def _measure(source: BinaryIO) -> int:
    if not source.seekable():
        raise ValueError("pass size= for a source that cannot seek")
    start = source.tell()
    end = source.seek(0, os.SEEK_END)
    source.seek(start)
    return end - start


def _check_key(file_key: bytes) -> None:
    if not isinstance(file_key, bytes) or len(file_key) != KEY_BYTES:
        raise ValueError("a file key is 32 bytes")


def _init_push_with_header(
    state: nb.crypto_secretstream_xchacha20poly1305_state, key: bytes, header: bytes
) -> bytes:
    """Initialise a push state with a fixed header (golden vectors only).

    libsodium's init_push draws the header at random and derives the state from it exactly as
    init_pull does; the push and pull states are the same structure, so init_pull yields the
    state init_push would have produced for this header."""
    if len(header) != HEADER_BYTES:
        raise ValueError("a secretstream header is 24 bytes")
    nb.crypto_secretstream_xchacha20poly1305_init_pull(state, header, key)
    return header
