"""Encrypted attachment stream: round trips, hashes, layout and progress."""

from __future__ import annotations

import ctypes
import ctypes.util
import hashlib
import io
from pathlib import Path

import nacl.hash
import nacl.utils
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from nacl import bindings as nb
from nacl.encoding import RawEncoder

from casebook.crypto.attachment import (
    ABYTES,
    CHUNK_SIZE,
    PREAMBLE_BYTES,
    _init_push_with_header,
    ciphertext_size,
    decrypt_to_file,
    encrypt_stream,
)
from tests.crypto import Ctx, encrypt_bytes, leftovers, new_ctx

SIZES = [0, 1, 65535, 65536, 65537, 65528, 65529, 3 * 65536 + 5, 5 * 2**20]


@pytest.mark.parametrize("size", SIZES)
def test_round_trip_through_files(tmp_path: Path, size: int) -> None:
    ctx = new_ctx()
    plain = nacl.utils.random(size)
    (tmp_path / "in.bin").write_bytes(plain)
    with (tmp_path / "in.bin").open("rb") as source, (tmp_path / "blob").open("wb") as sink:
        enc = encrypt_stream(source, sink, **ctx.kwargs())
    blob = (tmp_path / "blob").read_bytes()
    assert enc.ciphertext_size == len(blob) == ciphertext_size(size)
    assert enc.ciphertext_sha256 == hashlib.sha256(blob).digest()
    assert enc.plaintext_size == size
    assert enc.plaintext_sha256 == hashlib.sha256(plain).digest()
    assert enc.plaintext_blake2b == nacl.hash.blake2b(plain, digest_size=32, encoder=RawEncoder)
    out = tmp_path / "out.bin"
    with (tmp_path / "blob").open("rb") as source:
        dec = decrypt_to_file(source, out, **ctx.kwargs())
    assert out.read_bytes() == plain
    assert dec.path == out
    assert (dec.plaintext_size, dec.plaintext_sha256, dec.plaintext_blake2b) == (
        enc.plaintext_size,
        enc.plaintext_sha256,
        enc.plaintext_blake2b,
    )
    assert (dec.ciphertext_size, dec.ciphertext_sha256) == (
        enc.ciphertext_size,
        enc.ciphertext_sha256,
    )
    assert leftovers(tmp_path) == ["blob", "in.bin", "out.bin"]


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.binary(max_size=300_000), generation=st.integers(0, 2**32 - 1))
def test_round_trip_random_sizes(tmp_path: Path, data: bytes, generation: int) -> None:
    ctx = new_ctx(generation)
    blob, _ = encrypt_bytes(data, ctx)
    assert len(blob) == ciphertext_size(len(data))
    out = tmp_path / "out.bin"
    decrypt_to_file(io.BytesIO(blob), out, **ctx.kwargs())
    assert out.read_bytes() == data


def test_layout(tmp_path: Path) -> None:
    ctx = new_ctx(generation=0x01020304)
    blob, _ = encrypt_bytes(b"x" * 70_000, ctx)
    assert blob[:4] == b"CBEV"
    assert blob[4] == 1
    assert blob[5:21] == ctx.attachment_id.bytes
    assert blob[21:37] == ctx.vault_id.bytes
    assert blob[37:41] == bytes([1, 2, 3, 4])
    assert PREAMBLE_BYTES == 65
    # padme(70_008) = 71_680 plaintext-stream bytes: one full chunk and one of 6,144.
    assert len(blob) == 65 + CHUNK_SIZE + ABYTES + 6_144 + ABYTES


def test_equal_padded_sizes_give_equal_blob_sizes() -> None:
    ctx = new_ctx()
    sizes = {len(encrypt_bytes(b"\0" * n, ctx)[0]) for n in range(1_000_000, 1_000_100)}
    assert len(sizes) == 1


def test_same_plaintext_encrypts_differently() -> None:
    ctx = new_ctx()
    assert encrypt_bytes(b"same", ctx)[0] != encrypt_bytes(b"same", ctx)[0]


def test_progress_reports_plaintext_bytes(tmp_path: Path) -> None:
    ctx = new_ctx()
    seen: list[int] = []
    sink = io.BytesIO()
    encrypt_stream(io.BytesIO(b"a" * 200_000), sink, progress=seen.append, **ctx.kwargs())
    assert seen == [65_528, 131_064, 196_600, 200_000]
    seen_dec: list[int] = []
    decrypt_to_file(
        io.BytesIO(sink.getvalue()),
        tmp_path / "o",
        progress=seen_dec.append,
        **ctx.kwargs(),
    )
    assert seen_dec == seen


def test_source_read_from_current_position() -> None:
    ctx = new_ctx()
    source = io.BytesIO(b"skip" + b"payload")
    source.seek(4)
    _, enc = encrypt_bytes(b"payload", ctx)
    sink = io.BytesIO()
    res = encrypt_stream(source, sink, **ctx.kwargs())
    assert res.plaintext_sha256 == enc.plaintext_sha256


def test_announced_size_must_match_source() -> None:
    ctx: Ctx = new_ctx()
    with pytest.raises(ValueError, match="ended before"):
        encrypt_stream(io.BytesIO(b"abc"), io.BytesIO(), size=4, **ctx.kwargs())
    with pytest.raises(ValueError, match="longer than"):
        encrypt_stream(io.BytesIO(b"abc"), io.BytesIO(), size=2, **ctx.kwargs())


def test_bad_arguments_refused() -> None:
    ctx = new_ctx()
    with pytest.raises(ValueError, match="32 bytes"):
        encrypt_bytes(b"", Ctx(b"short", ctx.attachment_id, ctx.vault_id, 1))
    with pytest.raises(ValueError, match="32-bit"):
        encrypt_bytes(b"", Ctx(ctx.file_key, ctx.attachment_id, ctx.vault_id, 2**32))


def test_existing_target_replaced_only_on_success(tmp_path: Path) -> None:
    ctx = new_ctx()
    out = tmp_path / "out.bin"
    out.write_bytes(b"previous")
    blob, _ = encrypt_bytes(b"new", ctx)
    with pytest.raises(Exception, match="cut short"):
        decrypt_to_file(io.BytesIO(blob[:-1]), out, **ctx.kwargs())
    assert out.read_bytes() == b"previous"
    decrypt_to_file(io.BytesIO(blob), out, **ctx.kwargs())
    assert out.read_bytes() == b"new"


def _libsodium() -> ctypes.CDLL | None:
    name = ctypes.util.find_library("sodium")
    return None if name is None else ctypes.CDLL(name)


@pytest.mark.skipif(_libsodium() is None, reason="no system libsodium to compare with")
def test_fixed_header_push_equals_libsodium_init_push() -> None:
    """The vectors' private ``_header`` path (init_pull used to seed a push state) gives the
    bytes a genuine libsodium init_push would have given with that random header."""
    lib = _libsodium()
    assert lib is not None
    assert lib.sodium_init() >= 0
    key = nacl.utils.random(32)
    state = ctypes.create_string_buffer(lib.crypto_secretstream_xchacha20poly1305_statebytes())
    header = ctypes.create_string_buffer(24)
    assert lib.crypto_secretstream_xchacha20poly1305_init_push(state, header, key) == 0
    ad = b"associated"
    expected = []
    for message, tag in ((b"first", 0), (b"second chunk", 0), (b"last", 3)):
        out = ctypes.create_string_buffer(len(message) + ABYTES)
        assert (
            lib.crypto_secretstream_xchacha20poly1305_push(
                state,
                out,
                None,
                message,
                ctypes.c_ulonglong(len(message)),
                ad,
                ctypes.c_ulonglong(len(ad)),
                ctypes.c_ubyte(tag),
            )
            == 0
        )
        expected.append(out.raw)
    ours = nb.crypto_secretstream_xchacha20poly1305_state()
    assert _init_push_with_header(ours, key, header.raw) == header.raw
    got = [
        nb.crypto_secretstream_xchacha20poly1305_push(ours, m, ad, t)
        for m, t in ((b"first", 0), (b"second chunk", 0), (b"last", 3))
    ]
    assert got == expected
