"""The browser's membership-log verifier reaches the same verdict as the Python one
(casebook.crypto.membership_log.LogVerifier) on good logs and on every kind of log a malicious
server may serve: the same error class and the same message, or the same verified state."""

from __future__ import annotations

import copy
import dataclasses
import os
from collections.abc import Callable
from typing import Any

import nacl.signing
import pytest
from playwright.sync_api import Page

from casebook.crypto import membership_log as ml
from casebook.crypto.errors import CryptoFormatError
from casebook.encoding import b64encode
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


def full_log() -> list[Any]:
    """genesis; add_writer bea; remove_reader carlos + rotate to 2; add_reader diego."""
    writer = genesis()
    writer.add_writer(BEA)
    writer.remove_reader("carlos")
    writer.rotate(2, GEN_PKS[2], ["ana", "bea"])
    writer.add_reader(DIEGO)
    return writer.to_json()


LOG = full_log()
HEAD = ml.LogVerifier(GROUP).verify(LOG).head


def mutated(change: Callable[[list[Any]], None]) -> list[Any]:
    served = copy.deepcopy(LOG)
    change(served)
    return served


def extended(*steps: Callable[[ml.LogWriter], object], start: list[Any] | None = None) -> Any:
    writer = ml.LogWriter(GROUP, ADMIN, ml.parse_log(LOG if start is None else start))
    for step in steps:
        step(writer)
    return writer.to_json()


def from_genesis(*steps: Callable[[ml.LogWriter], object]) -> Any:
    writer = genesis()
    for step in steps:
        step(writer)
    return writer.to_json()


def forged() -> Any:
    writer = ml.LogWriter(GROUP, nacl.signing.SigningKey.generate(), ml.parse_log(LOG))
    writer.add_reader(person("mallory"))
    return writer.to_json()


def other_genesis(**kwargs: Any) -> Any:
    writer = ml.LogWriter(GROUP, kwargs.pop("admin", ADMIN))
    writer.genesis(generation_pk=GEN_PKS[1], readers=[ANA], **kwargs)
    return writer.to_json()


EARLIER = dataclasses.replace(HEAD, seq=0)

# name -> (served log, verifier options, verify options)
CASES: dict[str, tuple[Any, dict[str, Any], dict[str, Any]]] = {
    "a good log": (LOG, {}, {}),
    "a good log, pinned and remembered": (
        LOG,
        {"remembered": HEAD, "expected_admin_sign_pk": bytes(ADMIN.verify_key)},
        {"served_identities": [ANA, DIEGO], "served_generation": (2, GEN_PKS[2])},
    ),
    "a longer log than the remembered head": (
        extended(lambda w: w.remove_writer("bea")),
        {"remembered": HEAD},
        {},
    ),
    "an altered entry": (
        mutated(lambda s: s[1]["entry"]["body"].update(member=CARLOS.to_json())),
        {},
        {},
    ),
    "entries signed by another key": (forged(), {}, {}),
    "a genesis by another admin": (
        other_genesis(admin=nacl.signing.SigningKey.generate(), escrow_pk=ESCROW_PK),
        {"remembered": EARLIER},
        {},
    ),
    "a dropped entry": (LOG[:2] + LOG[3:], {}, {}),
    "a prev hash pointing elsewhere": (
        [
            *LOG[:2],
            ml.sign_entry({**LOG[2]["entry"], "prev": b64encode(bytes(32))}, ADMIN).to_json(),
        ],
        {},
        {},
    ),
    "reordered entries": ([LOG[0], LOG[2], LOG[1], *LOG[3:]], {}, {}),
    "a rollback": (LOG[:3], {"remembered": HEAD}, {}),
    "an empty log after a remembered head": ([], {"remembered": HEAD}, {}),
    "an empty log": ([], {}, {}),
    "a fork": (
        extended(
            lambda w: w.rotate(2, GEN_PKS[3], ["ana", "bea"]),
            lambda w: w.add_reader(DIEGO),
            start=LOG[:3],
        ),
        {"remembered": HEAD},
        {},
    ),
    "a removal without rotation": (from_genesis(lambda w: w.remove_reader("carlos")), {}, {}),
    "an entry after a removal without rotation": (
        from_genesis(lambda w: w.remove_reader("carlos"), lambda w: w.add_writer(BEA)),
        {},
        {},
    ),
    "several removals then one rotation": (
        from_genesis(
            lambda w: w.remove_reader("carlos"),
            lambda w: w.remove_writer("diego"),
            lambda w: w.remove_reader("bea"),
            lambda w: w.rotate(2, GEN_PKS[2], ["ana"]),
        ),
        {},
        {},
    ),
    "a rotation sealed to a removed reader": (
        from_genesis(
            lambda w: w.remove_reader("carlos"),
            lambda w: w.rotate(2, GEN_PKS[2], ["ana", "bea", "carlos"]),
        ),
        {},
        {},
    ),
    "a rotation skipping a number": (
        from_genesis(lambda w: w.rotate(3, GEN_PKS[3], ["ana", "bea", "carlos"])),
        {},
        {},
    ),
    "a rotation reusing a key": (
        from_genesis(lambda w: w.rotate(2, GEN_PKS[1], ["ana", "bea", "carlos"])),
        {},
        {},
    ),
    "a served identity that is not the logged one": (
        LOG,
        {},
        {"served_identities": [person("ana")]},
    ),
    "a served identity of a removed member": (LOG, {}, {"served_identities": [CARLOS]}),
    "a signed key change for a current member": (
        from_genesis(lambda w: w.add_writer(person("ana"))),
        {},
        {},
    ),
    "a key change after removal": (
        from_genesis(
            lambda w: w.remove_reader("ana"),
            lambda w: w.rotate(2, GEN_PKS[2], ["bea", "carlos"]),
            lambda w: w.add_reader(person("ana")),
        ),
        {},
        {},
    ),
    "a member identity not signed by its own key": (
        from_genesis(
            lambda w: w.remove_reader("ana"),
            lambda w: w.rotate(2, GEN_PKS[2], ["bea", "carlos"]),
            lambda w: w.add_reader(dataclasses.replace(ANA, box_pk=os.urandom(32))),
        ),
        {},
        {},
    ),
    "a served generation key that is not the logged one": (
        LOG,
        {},
        {"served_generation": (2, GEN_PKS[3])},
    ),
    "a served generation the log does not have": (
        LOG,
        {},
        {"served_generation": (3, GEN_PKS[3])},
    ),
    "an escrow change entry": (
        extended(lambda w: w.append("set_escrow", {"escrow_pk": b64encode(os.urandom(32))})),
        {},
        {},
    ),
    "a rotation carrying an escrow key": (
        extended(
            lambda w: w.append(
                "rotate",
                {
                    "escrow_pk": b64encode(os.urandom(32)),
                    "generation": 3,
                    "generation_pk": b64encode(GEN_PKS[3]),
                    "readers": ["ana", "bea", "diego"],
                },
            )
        ),
        {},
        {},
    ),
    "a new genesis with another escrow key": (
        other_genesis(escrow_pk=os.urandom(32)),
        {"expected_escrow_pk": ESCROW_PK},
        {},
    ),
    "entries of another group": (LOG, {"group_id": "group-other"}, {}),
    "a second genesis": (
        from_genesis(
            lambda w: w.genesis(escrow_pk=ESCROW_PK, generation_pk=GEN_PKS[2], readers=[ANA])
        ),
        {},
        {},
    ),
    "an extra field": (mutated(lambda s: s[1].update(extra=1)), {}, {}),
    "a short signature": (mutated(lambda s: s[1].update(signature="AAAA")), {}, {}),
    "an unknown kind": (mutated(lambda s: s[1]["entry"].update(kind="promote")), {}, {}),
    "a malformed member": (mutated(lambda s: s[1]["entry"]["body"].update(member=1)), {}, {}),
    "another format version": (mutated(lambda s: s[1]["entry"].update(format_version=2)), {}, {}),
    "a boolean sequence number": (mutated(lambda s: s[1]["entry"].update(seq=True)), {}, {}),
    "a float sequence number": (mutated(lambda s: s[1]["entry"].update(seq=1.5)), {}, {}),
}


def python_verdict(served: Any, options: dict[str, Any], verify: dict[str, Any]) -> Any:
    group = options.pop("group_id", GROUP)
    try:
        state = ml.LogVerifier(group, **options).verify(served, **verify)
    except CryptoFormatError as error:
        return {"error": type(error).__name__, "message": str(error)}
    return {
        "head": {
            "admin_sign_pk": b64encode(state.head.admin_sign_pk),
            "escrow_pk": b64encode(state.head.escrow_pk),
            "group_id": state.head.group_id,
            "hash": b64encode(state.head.hash),
            "seq": state.head.seq,
        },
        "generation": state.generation,
        "readers": sorted(state.readers),
        "writers": sorted(state.writers),
    }


def js_options(options: dict[str, Any], verify: dict[str, Any]) -> dict[str, Any]:
    head = options.get("remembered")
    pinned = {
        "admin": options.get("expected_admin_sign_pk"),
        "escrow": options.get("expected_escrow_pk"),
    }
    return {
        "group": options.get("group_id", GROUP),
        "remembered": None
        if head is None
        else {
            "admin_sign_pk": b64encode(head.admin_sign_pk),
            "escrow_pk": b64encode(head.escrow_pk),
            "group_id": head.group_id,
            "hash": b64encode(head.hash),
            "seq": head.seq,
        },
        "pinned": {k: None if v is None else b64encode(v) for k, v in pinned.items()},
        "identities": [i.to_json() for i in verify.get("served_identities", [])],
        "generation": None
        if "served_generation" not in verify
        else [verify["served_generation"][0], b64encode(verify["served_generation"][1])],
    }


@pytest.mark.parametrize("case", CASES)
def test_same_verdict_as_the_python_verifier(page: Page, case: str) -> None:
    served, options, verify = CASES[case]
    expected = python_verdict(served, dict(options), verify)
    got = page.evaluate(
        """({ served, o }) => {
            const ml = cb["membership-log"];
            const { b64decode } = cb.encoding;
            const key = (text) => (text === null ? null : b64decode(text));
            try {
                const state = new ml.LogVerifier(o.group, {
                    remembered: o.remembered === null ? null : ml.parseHead(o.remembered),
                    expectedAdminSignPk: key(o.pinned.admin),
                    expectedEscrowPk: key(o.pinned.escrow),
                }).verify(served, {
                    servedIdentities: o.identities.map(cb.keys.parseIdentity),
                    servedGeneration: o.generation && [o.generation[0], b64decode(o.generation[1])],
                });
                return {
                    head: ml.headJson(state.head),
                    generation: state.generation,
                    readers: [...state.readers.keys()].sort(),
                    writers: [...state.writers.keys()].sort(),
                };
            } catch (error) {
                if (!(error instanceof cb.errors.CryptoFormatError)) throw error;
                return { error: error.name, message: error.message };
            }
        }""",
        {"served": served, "o": js_options(options, verify)},
    )
    assert got == expected
