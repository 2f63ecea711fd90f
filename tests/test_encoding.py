"""The byte encodings every crypto format shares."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from casebook.encoding import EncodingError, b64decode, b64encode, canonical_json


@given(st.binary(max_size=200))
def test_base64_round_trips_without_padding_or_standard_alphabet(data: bytes) -> None:
    text = b64encode(data)
    assert b64decode(text) == data
    assert not set(text) & set("=+/")


@pytest.mark.parametrize("text", ["+/8", "-_8=", "-_8 ", "-_9", "a", "é"])
def test_base64_refuses_other_variants_and_non_canonical_text(text: str) -> None:
    with pytest.raises(EncodingError):
        b64decode(text)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.text(alphabet=st.characters(max_codepoint=127)), children, max_size=4)
    ),
    max_leaves=12,
)


@given(json_values)
def test_canonical_json_does_not_depend_on_key_order(value: object) -> None:
    if isinstance(value, dict):
        reordered = dict(reversed(list(value.items())))
        assert canonical_json(reordered) == canonical_json(value)
    assert json.loads(canonical_json(value)) == value


def test_canonical_json_is_the_specified_bytes() -> None:
    value = {"b": [1, None, True], "a": "é\n"}
    assert canonical_json(value) == b'{"a":"\xc3\xa9\\n","b":[1,null,true]}'


@pytest.mark.parametrize("value", [{"x": 1.5}, {"é": 1}, [0.0]])
def test_canonical_json_refuses_floats_and_non_ascii_keys(value: object) -> None:
    with pytest.raises(EncodingError):
        canonical_json(value)
