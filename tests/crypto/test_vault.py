"""Vault generations, removal of a reader, walking back, escrow recovery drills."""

from __future__ import annotations

import dataclasses
import json
import os
import uuid
from pathlib import Path

import nacl.bindings
import nacl.exceptions
import pytest

from casebook.crypto import envelope, vault
from casebook.crypto.errors import (
    CryptoFormatError,
    TamperedError,
    UnsupportedFormatError,
    WrongContextError,
)
from casebook.crypto.kdf import TextFormatError
from casebook.encoding import b64decode, b64encode, canonical_json

VAULT = "group-riverside"


@dataclasses.dataclass
class Person:
    user_id: str
    sk: bytes = dataclasses.field(default_factory=lambda: os.urandom(32))

    @property
    def pk(self) -> bytes:
        return nacl.bindings.crypto_scalarmult_base(self.sk)


ANA, BEA, CARLOS = Person("ana"), Person("bea"), Person("carlos")
ESCROW = vault.generate_escrow()


def readers(*people: Person) -> dict[str, bytes]:
    return {p.user_id: p.pk for p in people}


def history(
    n: int = 3,
) -> tuple[list[vault.VaultGeneration], dict[int, vault.PublishedGeneration]]:
    """Generation 1 with Ana, Bea, Carlos; 2 after removing Carlos; 3 a plain rotation."""
    gen, pub = vault.create_vault(VAULT, readers(ANA, BEA, CARLOS), ESCROW.public_key)
    gens, pubs = [gen], {1: pub}
    for i in range(2, n + 1):
        gen, pub = vault.rotate_vault(gens[-1], readers(ANA, BEA), ESCROW.public_key)
        assert gen.number == i
        gens.append(gen)
        pubs[i] = pub
    return gens, pubs


def logged(gens: list[vault.VaultGeneration]) -> dict[int, bytes]:
    return {g.number: g.public_key for g in gens}


def test_every_reader_and_the_escrow_open_generation_one() -> None:
    gens, pubs = history(1)
    for person in (ANA, BEA, CARLOS):
        opened = vault.open_as_reader(
            pubs[1], person.user_id, person.sk, vault_id=VAULT, logged_public_key=gens[0].public_key
        )
        assert opened == gens[0]
    assert vault.recover_with_escrow(ESCROW, pubs, logged(gens), vault_id=VAULT) == {1: gens[0]}


def test_removed_reader_cannot_open_the_new_generation_nor_its_files() -> None:
    gens, pubs = history(2)
    assert set(pubs[2].sealed_to_readers) == {"ana", "bea"}
    # Carlos still holds generation 1 (he was a reader then) ...
    old = vault.open_as_reader(
        pubs[1], "carlos", CARLOS.sk, vault_id=VAULT, logged_public_key=gens[0].public_key
    )
    # ... but neither his box key nor generation 1's private key opens generation 2
    for key in (CARLOS.sk, old.private_key):
        for sealed in [*pubs[2].sealed_to_readers.values(), pubs[2].sealed_to_escrow]:
            with pytest.raises(nacl.exceptions.CryptoError):
                nacl.bindings.crypto_box_seal_open(
                    sealed, nacl.bindings.crypto_scalarmult_base(key), key
                )
    with pytest.raises(WrongContextError, match="not sealed to 'carlos'"):
        vault.open_as_reader(
            pubs[2], "carlos", CARLOS.sk, vault_id=VAULT, logged_public_key=gens[1].public_key
        )
    # a server that hands Carlos Ana's sealed copy gets nothing either
    forged = dataclasses.replace(
        pubs[2], sealed_to_readers={"carlos": pubs[2].sealed_to_readers["ana"]}
    )
    with pytest.raises(TamperedError, match="not sealed to you"):
        vault.open_as_reader(
            forged, "carlos", CARLOS.sk, vault_id=VAULT, logged_public_key=gens[1].public_key
        )
    # a file key sealed to generation 2 (as the attachment envelope does) stays closed to him
    file_key = os.urandom(32)
    sealed_file_key = nacl.bindings.crypto_box_seal(file_key, gens[1].public_key)
    for key in (CARLOS.sk, old.private_key):
        with pytest.raises(nacl.exceptions.CryptoError):
            nacl.bindings.crypto_box_seal_open(
                sealed_file_key, nacl.bindings.crypto_scalarmult_base(key), key
            )
    new = vault.open_as_reader(
        pubs[2], "ana", ANA.sk, vault_id=VAULT, logged_public_key=gens[1].public_key
    )
    assert (
        nacl.bindings.crypto_box_seal_open(sealed_file_key, new.public_key, new.private_key)
        == file_key
    )


def test_a_reader_of_the_newest_generation_opens_all_older_ones() -> None:
    gens, pubs = history(3)
    newest = vault.open_as_reader(
        pubs[3], "bea", BEA.sk, vault_id=VAULT, logged_public_key=gens[2].public_key
    )
    assert vault.open_all_generations(newest, pubs, logged(gens)) == {g.number: g for g in gens}


def test_a_reader_added_to_the_current_generation_opens_it_and_walks_back() -> None:
    gens, pubs = history(2)
    dana = Person("dana")
    added = vault.seal_to_reader(gens[-1], pubs[2], dana.user_id, dana.pk)
    assert set(added.sealed_to_readers) == {"ana", "bea", "dana"}
    assert added.sealed_to_readers["ana"] == pubs[2].sealed_to_readers["ana"]
    assert (added.previous, added.sealed_to_escrow) == (pubs[2].previous, pubs[2].sealed_to_escrow)
    opened = vault.open_as_reader(
        added, "dana", dana.sk, vault_id=VAULT, logged_public_key=gens[-1].public_key
    )
    assert vault.open_all_generations(opened, {1: pubs[1], 2: added}, logged(gens))[1] == gens[0]
    with pytest.raises(ValueError, match="not the published one"):
        vault.seal_to_reader(gens[0], pubs[2], dana.user_id, dana.pk)


def test_drill_escrow_recovers_the_newest_generation_and_all_older_ones() -> None:
    """Every reader lost their device: the escrow paper comes out of the safe."""
    gens, pubs = history(3)
    paper = vault.escrow_paper(ESCROW)
    assert paper.startswith("CBEK1-")
    typed = paper.lower().replace("-", " ")
    escrow = vault.parse_escrow_paper(typed, expected_public_key=ESCROW.public_key)
    served = {n: vault.PublishedGeneration.from_json(p.to_json()) for n, p in pubs.items()}
    recovered = vault.recover_with_escrow(escrow, served, logged(gens), vault_id=VAULT)
    assert recovered == {g.number: g for g in gens}


def test_escrow_paper_with_a_typo_is_refused() -> None:
    paper = vault.escrow_paper(ESCROW)
    i = paper.index("-") + 3
    typo = paper[:i] + ("Z" if paper[i] != "Z" else "Y") + paper[i + 1 :]
    with pytest.raises(TextFormatError, match="typo"):
        vault.parse_escrow_paper(typo)


def test_escrow_paper_of_another_vault_is_refused() -> None:
    other = vault.generate_escrow()
    with pytest.raises(WrongContextError, match="not the escrow key"):
        vault.parse_escrow_paper(vault.escrow_paper(other), expected_public_key=ESCROW.public_key)


def test_generation_public_key_differing_from_the_log_is_refused() -> None:
    _, pubs = history(2)
    with pytest.raises(WrongContextError, match="differs from the membership log"):
        vault.open_as_reader(
            pubs[2], "ana", ANA.sk, vault_id=VAULT, logged_public_key=os.urandom(32)
        )


def test_server_substituted_generation_key_is_refused() -> None:
    """The server makes its own key pair, seals it to Ana and publishes its public key as the
    generation's: the log still says otherwise."""
    gens, pubs = history(2)
    mallory_gen, mallory_pub = vault.create_vault(VAULT, readers(ANA), ESCROW.public_key)
    forged = dataclasses.replace(
        mallory_pub, number=2, public_key=mallory_gen.public_key, previous=pubs[2].previous
    )
    with pytest.raises(WrongContextError):
        vault.open_as_reader(
            forged, "ana", ANA.sk, vault_id=VAULT, logged_public_key=gens[1].public_key
        )
    # even with the public key it claims, the sealed content names generation 1
    with pytest.raises(WrongContextError, match="generation 1, not 2"):
        vault.open_as_reader(
            forged, "ana", ANA.sk, vault_id=VAULT, logged_public_key=mallory_gen.public_key
        )


def test_sealed_key_of_another_vault_is_refused() -> None:
    _, other_pub = vault.create_vault("group-other", readers(ANA), ESCROW.public_key)
    with pytest.raises(WrongContextError, match="belongs to vault 'group-other'"):
        vault.open_as_reader(
            other_pub, "ana", ANA.sk, vault_id=VAULT, logged_public_key=other_pub.public_key
        )


def test_previous_link_is_checked() -> None:
    gens, pubs = history(3)
    newest = vault.open_as_reader(
        pubs[3], "ana", ANA.sk, vault_id=VAULT, logged_public_key=gens[2].public_key
    )
    # the server serves generation 2's link as generation 3's
    spliced = dict(pubs)
    spliced[3] = dataclasses.replace(pubs[3], previous=pubs[2].previous)
    with pytest.raises(TamperedError):
        vault.open_all_generations(newest, spliced, logged(gens))
    # a link sealed to the right key but naming the wrong generation
    bogus = nacl.bindings.crypto_box_seal(
        canonical_json(
            {
                "format": "casebook.vault-previous-key",
                "format_version": 1,
                "generation": 1,
                "opened_by_generation": 3,
                "private_key": b64encode(gens[0].private_key),
                "vault_id": VAULT,
            }
        ),
        gens[2].public_key,
    )
    spliced[3] = dataclasses.replace(pubs[3], previous=bogus)
    with pytest.raises(WrongContextError, match="generation 1, not 2"):
        vault.open_all_generations(newest, spliced, logged(gens))


def test_non_canonical_json_inside_a_seal_is_refused() -> None:
    gens, pubs = history(1)
    loose = b'{"vault_id": "x"}'
    forged = dataclasses.replace(
        pubs[1], sealed_to_readers={"ana": nacl.bindings.crypto_box_seal(loose, ANA.pk)}
    )
    with pytest.raises(UnsupportedFormatError, match="canonical"):
        vault.open_as_reader(
            forged, "ana", ANA.sk, vault_id=VAULT, logged_public_key=gens[0].public_key
        )


def test_published_generation_json_round_trips_and_refuses_junk() -> None:
    _, pubs = history(2)
    for pub in pubs.values():
        assert vault.PublishedGeneration.from_json(pub.to_json()) == pub
    bad = pubs[2].to_json()
    bad["generation"] = 0
    with pytest.raises(UnsupportedFormatError):
        vault.PublishedGeneration.from_json(bad)
    with pytest.raises(UnsupportedFormatError):
        vault.PublishedGeneration.from_json({"format": "casebook.vault-generation"})


def test_a_generation_needs_a_reader() -> None:
    with pytest.raises(ValueError, match="at least one reader"):
        vault.create_vault(VAULT, {}, ESCROW.public_key)


# ------------------------------------------------------------------ golden vectors


def test_golden_vector_vault_opening() -> None:
    """Sealed boxes are randomized: the vector fixes sealed blobs that must open."""
    v = json.loads((Path(__file__).parent / "vectors" / "keys-vault.json").read_text())
    vault_id = v["vault_id"]
    published = {p["generation"]: vault.PublishedGeneration.from_json(p) for p in v["published"]}
    logged = {int(n): b64decode(e["public_key"]) for n, e in v["expected"].items()}
    ana_sk = b64decode(v["readers"]["ana"]["box_sk"])
    bea_sk = b64decode(v["readers"]["bea"]["box_sk"])
    newest = vault.open_as_reader(
        published[2], "ana", ana_sk, vault_id=vault_id, logged_public_key=logged[2]
    )
    opened = vault.open_all_generations(newest, published, logged)
    for n, gen in opened.items():
        assert b64encode(gen.private_key) == v["expected"][str(n)]["private_key"]
    first = vault.open_as_reader(
        published[1], "bea", bea_sk, vault_id=vault_id, logged_public_key=logged[1]
    )
    assert first == opened[1]
    with pytest.raises(WrongContextError):  # bea was removed in generation 2
        vault.open_as_reader(
            published[2], "bea", bea_sk, vault_id=vault_id, logged_public_key=logged[2]
        )
    for n in (1, 2):
        raw = nacl.bindings.crypto_box_seal_open(
            published[n].sealed_to_readers["ana"],
            b64decode(v["readers"]["ana"]["box_pk"]),
            ana_sk,
        )
        assert b64encode(raw) == v["expected"][str(n)]["sealed_plaintext"]
    link = nacl.bindings.crypto_box_seal_open(
        published[2].previous or b"", opened[2].public_key, opened[2].private_key
    )
    assert b64encode(link) == v["expected"]["2"]["previous_plaintext"]
    escrow = vault.parse_escrow_paper(
        v["escrow"]["paper"], expected_public_key=b64decode(v["escrow"]["public_key"])
    )
    assert b64encode(escrow.private_key) == v["escrow"]["private_key"]
    assert vault.recover_with_escrow(escrow, published, logged, vault_id=vault_id) == opened


def test_removed_reader_cannot_open_an_attachment_envelope_of_the_new_generation() -> None:
    """With the real file-key envelope (attachment-format.md) and a UUID vault id."""
    vault_uuid, attachment = uuid.uuid4(), uuid.uuid4()
    g1, p1 = vault.create_vault(str(vault_uuid), readers(ANA, CARLOS), ESCROW.public_key)
    g2, p2 = vault.rotate_vault(g1, readers(ANA), ESCROW.public_key)
    file_key = os.urandom(32)
    sealed = envelope.seal_file_key(
        file_key, g2.public_key, attachment_id=attachment, vault_id=vault_uuid, generation=2
    )
    carlos_old = vault.open_as_reader(
        p1, "carlos", CARLOS.sk, vault_id=str(vault_uuid), logged_public_key=g1.public_key
    )
    for key in (carlos_old.private_key, CARLOS.sk):
        with pytest.raises(CryptoFormatError):
            envelope.open_file_key(
                sealed, key, attachment_id=attachment, vault_id=vault_uuid, generation=2
            )
    ana = vault.open_as_reader(
        p2, "ana", ANA.sk, vault_id=str(vault_uuid), logged_public_key=g2.public_key
    )
    opened = envelope.open_file_key(
        sealed, ana.private_key, attachment_id=attachment, vault_id=vault_uuid, generation=2
    )
    assert opened == file_key
