"""The people, keys and genesis shared by the membership-log tests (Python and browser)."""

from __future__ import annotations

import os

import nacl.signing

from casebook.crypto import keys
from casebook.crypto import membership_log as ml

GROUP = "group-riverside"


def person(user_id: str) -> keys.PublicIdentity:
    _, wrapped = keys.create_bundle(user_id, os.urandom(32), os.urandom(32))
    return wrapped.identity


ANA, BEA, CARLOS, DIEGO = (person(u) for u in ("ana", "bea", "carlos", "diego"))
ADMIN = nacl.signing.SigningKey.generate()
ESCROW_PK = os.urandom(32)
GEN_PKS = {n: os.urandom(32) for n in range(1, 5)}


def genesis(signing_key: nacl.signing.SigningKey = ADMIN) -> ml.LogWriter:
    writer = ml.LogWriter(GROUP, signing_key)
    writer.genesis(
        escrow_pk=ESCROW_PK, generation_pk=GEN_PKS[1], readers=[ANA, BEA, CARLOS], writers=[DIEGO]
    )
    return writer
