"""PADMÉ padding: the published algorithm, its overhead bound and its few distinct sizes."""

from __future__ import annotations

import math
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from casebook.crypto.attachment import MAX_PLAINTEXT_SIZE, ciphertext_size, padded_size
from casebook.crypto.padding import padme


def reference_padme(length: int) -> int:
    """Algorithm 1 of Nikitin et al. (PETS 2019), written with logarithms as published."""
    exponent = math.floor(math.log2(length))
    size_bits = math.floor(math.log2(exponent)) + 1
    last_bits = exponent - size_bits
    mask = (1 << last_bits) - 1
    return (length + mask) & ~mask


@pytest.mark.parametrize(
    ("length", "padded"),
    [
        (0, 0),
        (1, 1),
        (2, 2),
        (3, 3),
        (8, 8),
        (9, 10),
        (17, 18),
        (100, 104),
        (129, 144),
        (1000, 1024),
        (65536, 65536),
        (65537, 67584),
        (1_000_000, 1_015_808),
    ],
)
def test_known_values(length: int, padded: int) -> None:
    assert padme(length) == padded


@given(st.integers(min_value=2, max_value=2**40))
def test_matches_published_algorithm(length: int) -> None:
    assert padme(length) == reference_padme(length)


@given(st.integers(min_value=0, max_value=2**62))
def test_never_shrinks_and_is_idempotent(length: int) -> None:
    padded = padme(length)
    assert padded >= length
    assert padme(padded) == padded


@given(st.integers(min_value=1, max_value=2**62))
def test_overhead_at_most_12_percent(length: int) -> None:
    assert padme(length) - length <= 0.12 * length


@given(st.integers(min_value=2**10, max_value=2**62))
def test_overhead_shrinks_with_size(length: int) -> None:
    exponent = length.bit_length() - 1
    assert padme(length) - length < length / 2 ** exponent.bit_length()


@given(st.integers(min_value=1, max_value=2**62))
def test_padded_length_keeps_few_significant_bits(length: int) -> None:
    padded = padme(length)
    exponent = length.bit_length() - 1
    significant = padded.bit_length() - (padded & -padded).bit_length() + 1
    assert significant <= exponent.bit_length() + 1


def test_few_distinct_sizes() -> None:
    # The 1,048,576 lengths from 1 MiB up to 2 MiB map to 33 sizes (32 steps of 32 KiB, the
    # last being 2 MiB itself); all lengths below 1 MiB to 300 sizes.
    assert len({padme(n) for n in range(2**20, 2**21)}) == 33
    assert len({padme(n) for n in range(1, 2**20)}) == 300


def test_negative_length_refused() -> None:
    with pytest.raises(ValueError, match="not negative"):
        padme(-1)


@given(st.integers(min_value=0, max_value=2**40))
def test_blob_size_depends_only_on_padded_size(length: int) -> None:
    padded = padded_size(length)
    assert padded == padme(8 + length)
    assert ciphertext_size(length) == 65 + padded + 17 * -(-padded // 65536)
    assert ciphertext_size(padded - 8) == ciphertext_size(length)


def test_size_table_in_the_format_document() -> None:
    doc = Path(__file__).parents[2] / "docs" / "crypto" / "attachment-format.md"
    rows = re.findall(
        r"^\| ([\d,]+)(?: \(5 MiB\))? \| ([\d,]+) \| (\d+)[^|]* \| ([\d,]+) \|$",
        doc.read_text(encoding="utf-8"),
        re.MULTILINE,
    )
    assert len(rows) == 5
    for length, padded, chunks, blob in rows:
        n = int(length.replace(",", ""))
        assert padded_size(n) == int(padded.replace(",", ""))
        assert -(-padded_size(n) // 65536) == int(chunks)
        assert ciphertext_size(n) == int(blob.replace(",", ""))


def test_largest_file_keeps_sizes_exact_in_javascript() -> None:
    assert ciphertext_size(MAX_PLAINTEXT_SIZE) < 2**51
