"""Exhibit labels: letters as spreadsheet columns, or a Bates prefix and number."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from casebook.claims.labels import BATES_PREFIX, bates, exhibit_labels, letters


def test_letters_run_past_z() -> None:
    assert [letters(i) for i in (0, 1, 25, 26, 27, 51, 52, 701, 702)] == [
        "A", "B", "Z", "AA", "AB", "AZ", "BA", "ZZ", "AAA",
    ]  # fmt: skip


@given(st.integers(min_value=0, max_value=20000), st.integers(min_value=0, max_value=20000))
def test_letters_are_distinct_and_sort_like_their_numbers(a: int, b: int) -> None:
    la, lb = letters(a), letters(b)
    assert (la == lb) == (a == b)
    assert ((len(la), la) < (len(lb), lb)) == (a < b)


def test_bates_labels_count_from_the_start_number() -> None:
    assert exhibit_labels("bates", "RIVERA-", 41, 3) == [
        "RIVERA-000041",
        "RIVERA-000042",
        "RIVERA-000043",
    ]
    assert exhibit_labels("letters", "ignored", 41, 3) == ["A", "B", "C"]
    assert bates("CB", 1) == "CB000001"


def test_a_bates_prefix_cannot_name_another_directory() -> None:
    assert BATES_PREFIX.fullmatch("RIVERA-2024_")
    for bad in ("../x", "a/b", ".hidden", "", "x" * 21, "a b", "é"):
        assert not BATES_PREFIX.fullmatch(bad), bad
