"""The membership log and what a malicious server cannot get past the client's verifier."""

from __future__ import annotations

import copy
import dataclasses
import json
import os
from pathlib import Path
from typing import Any

import nacl.signing
import pytest
from hypothesis import given
from hypothesis import strategies as st

from casebook.crypto import fingerprints, keys
from casebook.crypto import membership_log as ml
from casebook.crypto.errors import CryptoFormatError, SignatureError
from casebook.encoding import b64decode, b64encode, canonical_json
from tests.crypto.log_cast import (
    ADMIN,
    ANA,
    BEA,
    CARLOS,
    DIEGO,
    ESCROW_PK,
    GEN_PKS,
    GROUP,
    genesis,
    person,
)


def full_log() -> ml.LogWriter:
    """genesis; add_writer bea; remove_reader carlos + rotate to 2; add_reader diego."""
    writer = genesis()
    writer.add_writer(BEA)
    writer.remove_reader("carlos")
    writer.rotate(2, GEN_PKS[2], ["ana", "bea"])
    writer.add_reader(DIEGO)
    return writer


def verify(served: list[Any], **kwargs: Any) -> ml.VerifiedState:
    return ml.LogVerifier(GROUP, **kwargs).verify(served)


def test_a_good_log_gives_the_verified_state() -> None:
    state = verify(full_log().to_json())
    assert state.generation == 2
    assert state.generation_pk == GEN_PKS[2]
    assert state.generation_pks == {1: GEN_PKS[1], 2: GEN_PKS[2]}
    assert state.readers == {"ana": ANA, "bea": BEA, "diego": DIEGO}
    assert state.writers == {"bea": BEA, "diego": DIEGO}
    assert state.escrow_pk == ESCROW_PK
    assert state.admin_sign_pk == bytes(ADMIN.verify_key)
    assert state.reader_box_keys["ana"] == ANA.box_pk
    assert state.head.seq == 4
    assert state.head.hash == ml.entry_hash(full_log_entries()[-1])


def full_log_entries() -> list[ml.SignedEntry]:
    return ml.parse_log(LOG_JSON)


LOG_JSON = full_log().to_json()


def test_the_remembered_head_accepts_the_same_or_a_longer_log() -> None:
    first = genesis()
    head = verify(first.to_json()).head
    state = verify(LOG_JSON[:1], remembered=head)
    assert state.head == head
    # a log grown by the same admin from the same genesis: entry 0 is the same
    grown = ml.LogWriter(GROUP, ADMIN, ml.parse_log(LOG_JSON[:1]))
    grown.add_writer(BEA)
    assert verify(grown.to_json(), remembered=head).head.seq == 1
    # head round-trips through JSON (what the client stores)
    assert ml.LogHead.from_json(head.to_json()) == head
    assert canonical_json(head.to_json())


def test_bad_signature_is_refused() -> None:
    served = copy.deepcopy(LOG_JSON)
    served[1]["entry"]["body"]["member"] = CARLOS.to_json()  # swap who became writer
    with pytest.raises(ml.LogSignatureError, match="not signed by the group admin"):
        verify(served)


def test_entries_signed_by_another_key_are_refused() -> None:
    mallory = nacl.signing.SigningKey.generate()
    forged = ml.LogWriter(GROUP, mallory, ml.parse_log(LOG_JSON))
    forged.add_reader(person("mallory"))
    with pytest.raises(ml.LogSignatureError):
        verify(forged.to_json())
    assert issubclass(ml.LogSignatureError, SignatureError)


def test_a_genesis_by_another_admin_is_refused_once_pinned() -> None:
    head = verify(LOG_JSON).head
    other = genesis(nacl.signing.SigningKey.generate())
    with pytest.raises(ml.AdminKeyChangedError, match="another admin signing key"):
        verify(other.to_json(), remembered=dataclasses.replace(head, seq=0))
    with pytest.raises(ml.AdminKeyChangedError):
        verify(other.to_json(), expected_admin_sign_pk=bytes(ADMIN.verify_key))


def test_broken_chain_is_refused() -> None:
    entries = ml.parse_log(LOG_JSON)
    # drop entry 2 and re-sign the rest as if by the admin, keeping the old prev hashes
    dropped = [entries[0], entries[1], *entries[3:]]
    with pytest.raises(ml.BrokenChainError, match="sequence number"):
        verify([e.to_json() for e in dropped])
    # right seq but prev hash pointing elsewhere (entry re-signed by the admin key)
    bad = dict(entries[2].entry)
    bad["prev"] = b64encode(bytes(32))
    resigned = ml.sign_entry(bad, ADMIN)
    with pytest.raises(ml.BrokenChainError, match="does not link"):
        verify([entries[0].to_json(), entries[1].to_json(), resigned.to_json()])


def test_reordered_entries_are_refused() -> None:
    served = [LOG_JSON[0], LOG_JSON[2], LOG_JSON[1], *LOG_JSON[3:]]
    with pytest.raises(ml.BrokenChainError):
        verify(served)


def test_a_log_shorter_than_the_remembered_head_is_refused() -> None:
    head = verify(LOG_JSON).head
    with pytest.raises(ml.RollbackError, match="rolled the log back"):
        verify(LOG_JSON[:3], remembered=head)
    with pytest.raises(ml.RollbackError):
        verify([], remembered=head)


def test_a_log_diverging_from_the_remembered_head_is_refused() -> None:
    head = verify(LOG_JSON).head
    fork = ml.LogWriter(GROUP, ADMIN, ml.parse_log(LOG_JSON[:3]))
    fork.rotate(2, GEN_PKS[3], ["ana", "bea"])  # a different generation 2
    fork.add_reader(DIEGO)
    with pytest.raises(ml.ForkError, match="differs from the one this device verified"):
        verify(fork.to_json(), remembered=head)


def test_remove_reader_without_rotation_is_refused() -> None:
    writer = genesis()
    writer.remove_reader("carlos")
    with pytest.raises(ml.OmittedRotationError, match="carlos"):
        verify(writer.to_json())
    writer.add_writer(BEA)
    with pytest.raises(ml.OmittedRotationError, match="without a new vault generation"):
        verify(writer.to_json())


def test_several_removals_then_one_rotation_are_accepted() -> None:
    writer = genesis()
    writer.remove_reader("carlos")
    writer.remove_writer("diego")
    writer.remove_reader("bea")
    writer.rotate(2, GEN_PKS[2], ["ana"])
    state = verify(writer.to_json())
    assert set(state.readers) == {"ana"}
    assert state.writers == {}


def test_rotation_must_name_exactly_the_current_readers_and_next_number() -> None:
    writer = genesis()
    writer.remove_reader("carlos")
    writer.rotate(2, GEN_PKS[2], ["ana", "bea", "carlos"])
    with pytest.raises(ml.LogFormatError, match="exactly the current readers"):
        verify(writer.to_json())
    writer = genesis()
    writer.rotate(3, GEN_PKS[3], ["ana", "bea", "carlos"])
    with pytest.raises(ml.LogFormatError, match="expected 2"):
        verify(writer.to_json())
    writer = genesis()
    writer.rotate(2, GEN_PKS[1], ["ana", "bea", "carlos"])
    with pytest.raises(ml.LogFormatError, match="reuses"):
        verify(writer.to_json())


def test_member_key_changed_without_a_signed_entry_is_refused() -> None:
    ana_new = person("ana")
    with pytest.raises(ml.MemberKeyChangedError, match="changed without a signed entry"):
        ml.LogVerifier(GROUP).verify(LOG_JSON, served_identities=[ana_new])
    state = verify(LOG_JSON)
    state.check_identity(ANA)
    with pytest.raises(ml.MemberKeyChangedError, match="not a member"):
        state.check_identity(CARLOS)  # removed


def test_signed_key_change_for_a_current_member_is_refused() -> None:
    writer = genesis()
    writer.add_writer(person("ana"))  # other keys while ana is a reader
    with pytest.raises(ml.MemberKeyChangedError, match="needs a removal first"):
        verify(writer.to_json())


def test_key_change_after_removal_is_accepted() -> None:
    ana_new = person("ana")
    writer = genesis()
    writer.remove_reader("ana")
    writer.rotate(2, GEN_PKS[2], ["bea", "carlos"])
    writer.add_reader(ana_new)
    assert verify(writer.to_json()).readers["ana"] == ana_new


def test_member_identity_not_self_signed_is_refused() -> None:
    forged = dataclasses.replace(ANA, box_pk=os.urandom(32))
    writer = genesis()
    writer.remove_reader("ana")
    writer.rotate(2, GEN_PKS[2], ["bea", "carlos"])
    writer.add_reader(forged)
    with pytest.raises(ml.LogSignatureError, match="not signed by their signing key"):
        verify(writer.to_json())


def test_generation_key_differing_from_the_log_is_refused() -> None:
    with pytest.raises(ml.GenerationKeyMismatchError, match="differs from the one in the signed"):
        ml.LogVerifier(GROUP).verify(LOG_JSON, served_generation=(2, GEN_PKS[3]))
    state = verify(LOG_JSON)
    state.check_generation(1, GEN_PKS[1])
    with pytest.raises(ml.GenerationKeyMismatchError, match="not in the membership log"):
        state.check_generation(3, GEN_PKS[3])


def test_escrow_key_change_is_refused() -> None:
    writer = ml.LogWriter(GROUP, ADMIN, ml.parse_log(LOG_JSON))
    writer.append("set_escrow", {"escrow_pk": b64encode(os.urandom(32))})
    with pytest.raises(ml.EscrowChangedError, match="fixed at genesis"):
        verify(writer.to_json())
    writer = ml.LogWriter(GROUP, ADMIN, ml.parse_log(LOG_JSON))
    writer.append(
        "rotate",
        {
            "escrow_pk": b64encode(os.urandom(32)),
            "generation": 3,
            "generation_pk": b64encode(GEN_PKS[3]),
            "readers": ["ana", "bea", "diego"],
        },
    )
    with pytest.raises(ml.EscrowChangedError):
        verify(writer.to_json())


def test_a_new_genesis_with_another_escrow_key_is_refused() -> None:
    head = verify(LOG_JSON).head
    writer = ml.LogWriter(GROUP, ADMIN)
    writer.genesis(escrow_pk=os.urandom(32), generation_pk=GEN_PKS[1], readers=[ANA])
    with pytest.raises(ml.EscrowChangedError, match="remembered"):
        verify(writer.to_json(), remembered=dataclasses.replace(head, seq=0))
    with pytest.raises(ml.EscrowChangedError):
        verify(writer.to_json(), expected_escrow_pk=ESCROW_PK)


def test_entries_of_another_group_are_refused() -> None:
    with pytest.raises(ml.BrokenChainError, match="belongs to group"):
        ml.LogVerifier("group-other").verify(LOG_JSON)


def test_genesis_only_first() -> None:
    writer = genesis()
    writer.genesis(escrow_pk=ESCROW_PK, generation_pk=GEN_PKS[2], readers=[ANA])
    with pytest.raises(ml.LogFormatError, match="genesis is the first entry"):
        verify(writer.to_json())
    with pytest.raises(ml.LogFormatError, match="empty"):
        verify([])


@pytest.mark.parametrize(
    "mutate",
    [
        lambda e: e.update(extra=1),
        lambda e: e.update(signature="AAAA"),
        lambda e: e["entry"].update(kind="promote"),
        lambda e: e["entry"]["body"].update(member=1),
        lambda e: e["entry"].update(format_version=2),
        lambda e: e["entry"].update(seq=True),
    ],
)
def test_malformed_entries_are_refused(mutate: Any) -> None:
    served = copy.deepcopy(LOG_JSON)
    mutate(served[1])
    with pytest.raises(ml.LogError):
        verify(served)


@given(st.data())
def test_any_single_field_change_is_refused(data: st.DataObject) -> None:
    """Change one scalar anywhere in any entry: the log is refused (by some check)."""
    served = copy.deepcopy(LOG_JSON)
    index = data.draw(st.integers(0, len(served) - 1))
    paths: list[tuple[Any, Any]] = []

    def walk(node: Any) -> None:
        items = node.items() if isinstance(node, dict) else enumerate(node)
        for key, value in items:
            if isinstance(value, dict | list):
                walk(value)
            else:
                paths.append((node, key))

    walk(served[index])
    node, key = data.draw(st.sampled_from(paths))
    old = node[key]
    new = data.draw(
        st.one_of(st.integers(-2, 10), st.text(max_size=8), st.none()).filter(
            lambda v: v != old or type(v) is not type(old)
        )
    )
    node[key] = new
    with pytest.raises(CryptoFormatError):
        verify(served)


# ------------------------------------------------------------------ golden vectors


def test_golden_vector_membership_log() -> None:
    v = json.loads((Path(__file__).parent / "vectors" / "keys-membership-log.json").read_text())
    ids = {u: keys.PublicIdentity.from_json(i) for u, i in v["identities"].items()}
    admin = nacl.signing.SigningKey(b64decode(v["admin_sign_seed"]))
    gens = {int(n): b64decode(pk) for n, pk in v["generation_pks"].items()}
    writer = ml.LogWriter(v["group_id"], admin)
    writer.genesis(
        escrow_pk=b64decode(v["escrow_pk"]),
        generation_pk=gens[1],
        readers=[ids["ana"], ids["bea"]],
        writers=[ids["carlos"]],
    )
    writer.add_writer(ids["ana"])
    writer.remove_reader("bea")
    writer.rotate(2, gens[2], ["ana"])
    writer.remove_writer("carlos")
    assert writer.to_json() == v["entries"]
    expected = v["expected"]
    assert [b64encode(ml.LOG_DOMAIN + e.canonical()) for e in writer.entries] == expected[
        "signed_messages"
    ]
    assert [b64encode(ml.entry_hash(e)) for e in writer.entries] == expected["entry_hashes"]
    state = ml.LogVerifier(v["group_id"]).verify(v["entries"])
    assert state.head.to_json() == expected["head"]
    assert state.generation_pks == gens
    assert set(state.readers) == {"ana"}
    assert set(state.writers) == {"ana"}
    admin_number = fingerprints.key_safety_number(state.admin_sign_pk)
    assert admin_number == expected["admin_safety_number"]
