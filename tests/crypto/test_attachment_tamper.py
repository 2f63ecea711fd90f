"""Tamper suite: every altered, cut, reordered, spliced or misplaced blob is refused with a
clear message, and no output file (nor temp file) is left behind."""

from __future__ import annotations

import io
from pathlib import Path

import nacl.utils
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from casebook.crypto.attachment import ABYTES, CHUNK_SIZE, PREAMBLE_BYTES
from casebook.crypto.attachment import decrypt_to_file as decrypt
from casebook.crypto.errors import (
    CryptoFormatError,
    PaddingError,
    TamperedError,
    TrailingDataError,
    TruncatedError,
    UnsupportedFormatError,
    WrongContextError,
)
from tests.crypto import Ctx, encrypt_bytes, leftovers, new_ctx

SIZE = 3 * 65536 + 5  # padme(8 + SIZE) = 200,704: chunks of 65,536 x 3 and 4,096
FULL = CHUNK_SIZE + ABYTES
LAST = 4_096 + ABYTES
CTX = new_ctx()
PLAIN = nacl.utils.random(SIZE)
BLOB, _ = encrypt_bytes(PLAIN, CTX)


def chunk(index: int, blob: bytes = BLOB) -> bytes:
    start = PREAMBLE_BYTES + index * FULL
    return blob[start : start + FULL]


def chunks(blob: bytes = BLOB) -> list[bytes]:
    return [chunk(i, blob) for i in range(4)]


def flip(blob: bytes, offset: int) -> bytes:
    return blob[:offset] + bytes([blob[offset] ^ 0x01]) + blob[offset + 1 :]


def refused(
    tmp_path: Path, blob: bytes, error: type[CryptoFormatError], match: str, ctx: Ctx = CTX
) -> None:
    out = tmp_path / "evidence.mp4"
    with pytest.raises(error, match=match):
        decrypt(io.BytesIO(blob), out, **ctx.kwargs())
    assert leftovers(tmp_path) == []


def test_layout_assumption() -> None:
    assert len(BLOB) == PREAMBLE_BYTES + 3 * FULL + LAST
    assert b"".join(chunks()) == BLOB[PREAMBLE_BYTES:]


def test_untouched_blob_decrypts(tmp_path: Path) -> None:
    decrypt(io.BytesIO(BLOB), tmp_path / "ok", **CTX.kwargs())
    assert (tmp_path / "ok").read_bytes() == PLAIN


@pytest.mark.parametrize(
    ("offset", "error", "match"),
    [
        (0, UnsupportedFormatError, "not a Casebook encrypted attachment"),
        (3, UnsupportedFormatError, "not a Casebook encrypted attachment"),
        (4, UnsupportedFormatError, "unsupported attachment format version 0"),
        (5, WrongContextError, "belongs to another attachment or vault"),
        (30, WrongContextError, "belongs to another attachment or vault"),
        (40, WrongContextError, "generation 0, not 1"),
        (41, TamperedError, r"chunk 0 was altered or moved"),  # stream header
        (64, TamperedError, r"chunk 0 was altered or moved"),
    ],
)
def test_flipped_byte_in_preamble(
    tmp_path: Path, offset: int, error: type[CryptoFormatError], match: str
) -> None:
    refused(tmp_path, flip(BLOB, offset), error, match)


@pytest.mark.parametrize(
    ("offset", "index"),
    [
        (PREAMBLE_BYTES, 0),  # first byte of chunk 0 (the encrypted tag)
        (PREAMBLE_BYTES + 5, 0),  # inside the length field
        (PREAMBLE_BYTES + FULL - 1, 0),  # MAC of chunk 0
        (PREAMBLE_BYTES + FULL + 1000, 1),  # a middle chunk
        (PREAMBLE_BYTES + 2 * FULL + 65_000, 2),
        (PREAMBLE_BYTES + 3 * FULL + 10, 3),  # the last chunk
        (len(BLOB) - 1, 3),
    ],
)
def test_flipped_byte_in_chunk(tmp_path: Path, offset: int, index: int) -> None:
    refused(tmp_path, flip(BLOB, offset), TamperedError, rf"chunk {index} was altered or moved")


@pytest.mark.parametrize(
    ("cut", "match"),
    [
        (PREAMBLE_BYTES, "ends after its preamble"),
        (PREAMBLE_BYTES + FULL, r"chunk 1 is missing \(4 chunks expected\)"),
        (PREAMBLE_BYTES + 2 * FULL, r"chunk 2 is missing \(4 chunks expected\)"),
        (
            PREAMBLE_BYTES + 3 * FULL,
            r"chunk 3 is missing \(4 chunks expected\)",
        ),  # FINAL chunk dropped
        (PREAMBLE_BYTES + FULL + 1, r"chunk 1 is incomplete \(4 chunks expected\)"),
        (PREAMBLE_BYTES + 2 * FULL + 30_000, r"chunk 2 is incomplete \(4 chunks expected\)"),
        (len(BLOB) - 1, r"chunk 3 is incomplete \(4 chunks expected\)"),
        (len(BLOB) - LAST + 1, r"chunk 3 is incomplete \(4 chunks expected\)"),
    ],
)
def test_truncated_at_and_between_chunk_boundaries(tmp_path: Path, cut: int, match: str) -> None:
    refused(tmp_path, BLOB[:cut], TruncatedError, f"cut short.*{match}")


@pytest.mark.parametrize("cut", [0, 2, 4, 5, 40, PREAMBLE_BYTES - 1])
def test_truncated_inside_preamble(tmp_path: Path, cut: int) -> None:
    error: type[CryptoFormatError] = TruncatedError if cut >= 5 else UnsupportedFormatError
    refused(tmp_path, BLOB[:cut], error, "cut short|not a Casebook")


def test_truncated_inside_chunk_zero(tmp_path: Path) -> None:
    refused(tmp_path, BLOB[: PREAMBLE_BYTES + 1000], TamperedError, "cut short inside it")


def test_dropped_final_chunk_of_a_small_file(tmp_path: Path) -> None:
    blob, _ = encrypt_bytes(b"small", CTX)
    refused(tmp_path, blob[:PREAMBLE_BYTES], TruncatedError, "cut short")


def test_dropped_middle_chunk(tmp_path: Path) -> None:
    c = chunks()
    blob = BLOB[:PREAMBLE_BYTES] + c[0] + c[2] + c[3]
    refused(tmp_path, blob, TamperedError, "chunk 1 was altered or moved")


def test_reordered_chunks(tmp_path: Path) -> None:
    c = chunks()
    blob = BLOB[:PREAMBLE_BYTES] + c[0] + c[2] + c[1] + c[3]
    refused(tmp_path, blob, TamperedError, "chunk 1 was altered or moved")


def test_first_chunks_swapped(tmp_path: Path) -> None:
    c = chunks()
    blob = BLOB[:PREAMBLE_BYTES] + c[1] + c[0] + c[2] + c[3]
    refused(tmp_path, blob, TamperedError, "chunk 0 was altered or moved")


def test_duplicated_chunk(tmp_path: Path) -> None:
    c = chunks()
    blob = BLOB[:PREAMBLE_BYTES] + c[0] + c[1] + c[1] + c[2] + c[3]
    refused(tmp_path, blob, TamperedError, "chunk 2 was altered or moved")


def test_chunk_spliced_from_another_file_with_the_same_key(tmp_path: Path) -> None:
    other, _ = encrypt_bytes(nacl.utils.random(SIZE), CTX)  # same key and ids, new header
    c = chunks()
    blob = BLOB[:PREAMBLE_BYTES] + c[0] + chunk(1, other) + c[2] + c[3]
    refused(tmp_path, blob, TamperedError, "chunk 1 was altered or moved")


def test_preamble_of_another_file_with_the_same_key(tmp_path: Path) -> None:
    other, _ = encrypt_bytes(PLAIN, CTX)
    refused(tmp_path, other[:PREAMBLE_BYTES] + BLOB[PREAMBLE_BYTES:], TamperedError, "chunk 0")


@pytest.mark.parametrize("extra", [b"\0", b"x" * 100, b"y" * FULL])
def test_trailing_bytes(tmp_path: Path, extra: bytes) -> None:
    refused(tmp_path, BLOB + extra, TrailingDataError, "bytes follow the end of the file")


@pytest.mark.parametrize("size", [0, 1, 1000, 65_000])
@pytest.mark.parametrize("extra", [b"\0", b"z" * 70_000])
def test_trailing_bytes_after_a_single_chunk(tmp_path: Path, size: int, extra: bytes) -> None:
    blob, _ = encrypt_bytes(b"s" * size, CTX)
    refused(tmp_path, blob + extra, TrailingDataError, "bytes follow the end of the file")


def test_blob_of_attachment_a_presented_as_b(tmp_path: Path) -> None:
    b = Ctx(CTX.file_key, new_ctx().attachment_id, CTX.vault_id, CTX.generation)
    refused(tmp_path, BLOB, WrongContextError, "another attachment or vault", ctx=b)


def test_blob_from_another_vault(tmp_path: Path) -> None:
    b = Ctx(CTX.file_key, CTX.attachment_id, new_ctx().vault_id, CTX.generation)
    refused(tmp_path, BLOB, WrongContextError, "another attachment or vault", ctx=b)


def test_wrong_generation(tmp_path: Path) -> None:
    b = Ctx(CTX.file_key, CTX.attachment_id, CTX.vault_id, 2)
    refused(tmp_path, BLOB, WrongContextError, "generation 1, not 2", ctx=b)


def test_relabelled_preamble_ids_fail_authentication(tmp_path: Path) -> None:
    # An attacker rewrites the ids in the preamble to match B: the chunks' AD no longer match.
    b = new_ctx()
    forged = BLOB[:5] + b.attachment_id.bytes + BLOB[21:]
    ctx = Ctx(CTX.file_key, b.attachment_id, CTX.vault_id, CTX.generation)
    refused(tmp_path, forged, TamperedError, "chunk 0 was altered", ctx=ctx)


def test_wrong_key(tmp_path: Path) -> None:
    ctx = Ctx(nacl.utils.random(32), CTX.attachment_id, CTX.vault_id, CTX.generation)
    refused(tmp_path, BLOB, TamperedError, "key or header is wrong", ctx=ctx)


def _forge(stream_chunks: list[tuple[bytes, int]], ctx: Ctx = CTX) -> bytes:
    """A blob whose chunks are authentic but were built by a key holder breaking the format."""
    from nacl import bindings as nb

    from casebook.crypto.attachment import encode_ids

    state = nb.crypto_secretstream_xchacha20poly1305_state()
    header = nb.crypto_secretstream_xchacha20poly1305_init_push(state, ctx.file_key)
    preamble = b"CBEV\x01" + encode_ids(ctx.attachment_id, ctx.vault_id, ctx.generation) + header
    out = preamble
    for plain, tag in stream_chunks:
        out += nb.crypto_secretstream_xchacha20poly1305_push(state, plain, preamble, tag)
    return out


FINAL, MESSAGE = 3, 0


def test_nonzero_padding(tmp_path: Path) -> None:
    blob = _forge([((3).to_bytes(8, "big") + b"abc" + b"\x01", FINAL)])  # padme(11) = 12
    refused(tmp_path, blob, PaddingError, "padding in chunk 0 is not all zeros")


def test_nonzero_padding_in_a_later_chunk(tmp_path: Path) -> None:
    length = 65_600  # padme(65_608) = 67_584: chunks of 65,536 and 2,048
    first = length.to_bytes(8, "big") + b"a" * (CHUNK_SIZE - 8)
    second = b"a" * (length - (CHUNK_SIZE - 8)) + b"\0" * 100 + b"\x80" + b"\0" * 1875
    assert len(second) == 2_048
    blob = _forge([(first, MESSAGE), (second, FINAL)])
    refused(tmp_path, blob, PaddingError, "padding in chunk 1 is not all zeros")


def test_length_inconsistent_with_chunk_size(tmp_path: Path) -> None:
    blob = _forge([((3).to_bytes(8, "big") + b"abc" + b"\0" * 5, FINAL)])
    refused(tmp_path, blob, PaddingError, "does not have the size")


def test_chunk_too_short_for_the_length(tmp_path: Path) -> None:
    refused(tmp_path, _forge([(b"abc", FINAL)]), PaddingError, "too short to hold")


def test_missing_final_tag(tmp_path: Path) -> None:
    blob = _forge([((3).to_bytes(8, "big") + b"abc\0", MESSAGE)])
    refused(tmp_path, blob, TamperedError, "chunk 0 carries the wrong tag")


def test_early_final_tag(tmp_path: Path) -> None:
    length = 65_600
    first = length.to_bytes(8, "big") + b"a" * (CHUNK_SIZE - 8)
    blob = _forge([(first, FINAL), (b"a" * 2048, FINAL)])
    refused(tmp_path, blob, TamperedError, "chunk 0 carries the wrong tag")


def test_length_out_of_range(tmp_path: Path) -> None:
    blob = _forge([(b"\xff" * 8, FINAL)])
    refused(tmp_path, blob, PaddingError, "out of range")


SMALL_CTX = new_ctx()
SMALL_BLOB, _ = encrypt_bytes(nacl.utils.random(70_000), SMALL_CTX)  # two chunks


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(offset=st.integers(0, len(SMALL_BLOB) - 1), mask=st.integers(1, 255))
def test_any_altered_byte_is_refused(
    tmp_path_factory: pytest.TempPathFactory, offset: int, mask: int
) -> None:
    directory = tmp_path_factory.mktemp("flip")
    blob = SMALL_BLOB[:offset] + bytes([SMALL_BLOB[offset] ^ mask]) + SMALL_BLOB[offset + 1 :]
    with pytest.raises(CryptoFormatError):
        decrypt(io.BytesIO(blob), directory / "out", **SMALL_CTX.kwargs())
    assert leftovers(directory) == []


@settings(max_examples=150, deadline=None)
@given(cut=st.integers(0, len(SMALL_BLOB) - 1))
def test_any_truncation_is_refused(tmp_path_factory: pytest.TempPathFactory, cut: int) -> None:
    directory = tmp_path_factory.mktemp("cut")
    with pytest.raises(CryptoFormatError):
        decrypt(io.BytesIO(SMALL_BLOB[:cut]), directory / "out", **SMALL_CTX.kwargs())
    assert leftovers(directory) == []


@settings(max_examples=50, deadline=None)
@given(extra=st.binary(min_size=1, max_size=200))
def test_any_trailing_bytes_are_refused(
    tmp_path_factory: pytest.TempPathFactory, extra: bytes
) -> None:
    directory = tmp_path_factory.mktemp("tail")
    with pytest.raises(TrailingDataError, match="bytes follow the end of the file"):
        decrypt(io.BytesIO(SMALL_BLOB + extra), directory / "out", **SMALL_CTX.kwargs())
    assert leftovers(directory) == []


class Trickle(io.RawIOBase):
    """A source that returns at most 7 bytes per read, like a slow network stream."""

    def __init__(self, data: bytes) -> None:
        self._data = io.BytesIO(data)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        part = self._data.read(min(7, len(buffer)))
        buffer[: len(part)] = part
        return len(part)


def test_short_reads_are_handled(tmp_path: Path) -> None:
    out = tmp_path / "out"
    decrypt(Trickle(SMALL_BLOB), out, **SMALL_CTX.kwargs())  # type: ignore[arg-type]
    assert out.stat().st_size == 70_000
    with pytest.raises(TrailingDataError):
        decrypt(Trickle(SMALL_BLOB + b"!"), out, **SMALL_CTX.kwargs())  # type: ignore[arg-type]
