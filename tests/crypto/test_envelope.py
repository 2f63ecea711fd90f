"""File-key envelope: sealed to a vault generation, bound to the attachment, vault, generation."""

from __future__ import annotations

from uuid import UUID, uuid4

import nacl.utils
import pytest
from nacl.public import PrivateKey, PublicKey, SealedBox

from casebook.crypto.envelope import open_file_key, seal_file_key
from casebook.crypto.errors import (
    CryptoFormatError,
    TamperedError,
    UnsupportedFormatError,
    WrongContextError,
)
from casebook.encoding import b64encode, canonical_json

VAULT_KEY = PrivateKey.generate()
PUBLIC = bytes(VAULT_KEY.public_key)
PRIVATE = bytes(VAULT_KEY)
A, B, VAULT, OTHER_VAULT = uuid4(), uuid4(), uuid4(), uuid4()
FILE_KEY = nacl.utils.random(32)


def seal(
    attachment_id: UUID = A, vault_id: UUID = VAULT, generation: int = 3, key: bytes = PUBLIC
) -> bytes:
    return seal_file_key(
        FILE_KEY, key, attachment_id=attachment_id, vault_id=vault_id, generation=generation
    )


def open_(
    envelope: bytes,
    attachment_id: UUID = A,
    vault_id: UUID = VAULT,
    generation: int = 3,
    key: bytes = PRIVATE,
) -> bytes:
    return open_file_key(
        envelope, key, attachment_id=attachment_id, vault_id=vault_id, generation=generation
    )


def test_round_trip() -> None:
    envelope = seal()
    assert open_(envelope) == FILE_KEY
    assert len(envelope) == 48 + len(
        canonical_json(
            {
                "v": 1,
                "kind": "casebook.file-key",
                "attachment_id": str(A),
                "vault_id": str(VAULT),
                "generation": 3,
                "file_key": b64encode(FILE_KEY),
            }
        )
    )


def test_sealed_plaintext_is_canonical_json() -> None:
    body = SealedBox(VAULT_KEY).decrypt(seal())
    assert body == (
        b'{"attachment_id":"%s","file_key":"%s","generation":3,"kind":"casebook.file-key",'
        b'"v":1,"vault_id":"%s"}'
        % (str(A).encode(), b64encode(FILE_KEY).encode(), str(VAULT).encode())
    )


def test_each_seal_differs() -> None:
    assert seal() != seal()


def test_swapped_between_attachments() -> None:
    with pytest.raises(WrongContextError, match="another attachment or vault"):
        open_(seal(attachment_id=B))


def test_swapped_between_vaults() -> None:
    with pytest.raises(WrongContextError, match="another attachment or vault"):
        open_(seal(vault_id=OTHER_VAULT))


def test_stale_generation() -> None:
    with pytest.raises(WrongContextError, match="generation 2, not 3"):
        open_(seal(generation=2))


def test_wrong_private_key() -> None:
    with pytest.raises(TamperedError, match="not sealed to this vault key generation"):
        open_(seal(), key=bytes(PrivateKey.generate()))


@pytest.mark.parametrize("offset", [0, 31, 32, 40, -1])
def test_altered_envelope(offset: int) -> None:
    envelope = bytearray(seal())
    envelope[offset] ^= 0x20
    with pytest.raises(TamperedError, match="altered"):
        open_(bytes(envelope))


def test_truncated_envelope() -> None:
    with pytest.raises(TamperedError):
        open_(seal()[:-1])
    with pytest.raises(TamperedError):
        open_(b"")


def _raw(body: bytes) -> bytes:
    return bytes(SealedBox(PublicKey(PUBLIC)).encrypt(body))


GOOD = {
    "v": 1,
    "kind": "casebook.file-key",
    "attachment_id": str(A),
    "vault_id": str(VAULT),
    "generation": 3,
    "file_key": b64encode(FILE_KEY),
}


@pytest.mark.parametrize(
    ("body", "match"),
    [
        (b"\xff", "does not hold JSON"),
        (b"[]", "not a Casebook file-key envelope"),
        (canonical_json({**GOOD, "kind": "casebook.manifest"}), "not a Casebook file-key"),
        (canonical_json({**GOOD, "v": 2}), "version 2"),
        (canonical_json({**GOOD, "extra": 1}), "missing or unknown fields"),
        (canonical_json({k: v for k, v in GOOD.items() if k != "file_key"}), "missing"),
        (canonical_json(GOOD).replace(b",", b", "), "not canonical"),
        (canonical_json({**GOOD, "generation": "3"}), "not an integer"),
        (canonical_json({**GOOD, "generation": True}), "not an integer"),
        (canonical_json({**GOOD, "file_key": b64encode(b"x" * 16)}), "not 32 bytes"),
        (canonical_json({**GOOD, "file_key": "a+b/"}), "not base64"),
        (canonical_json({**GOOD, "vault_id": 7}), "not text"),
    ],
)
def test_malformed_contents(body: bytes, match: str) -> None:
    with pytest.raises(UnsupportedFormatError, match=match):
        open_(_raw(body))


def test_all_refusals_share_the_base_class() -> None:
    for error in (TamperedError, UnsupportedFormatError, WrongContextError):
        assert issubclass(error, CryptoFormatError)


def test_bad_arguments() -> None:
    with pytest.raises(ValueError, match="32 bytes"):
        seal_file_key(b"short", PUBLIC, attachment_id=A, vault_id=VAULT, generation=1)
    with pytest.raises(ValueError, match="32-bit"):
        seal(generation=-1)


def test_with_a_vault_generation_from_casebook_crypto_vault() -> None:
    from casebook.crypto.vault import create_vault, rotate_vault

    escrow = bytes(PrivateKey.generate().public_key)
    readers = {"custodian": bytes(PrivateKey.generate().public_key)}
    first, _ = create_vault(str(VAULT), readers, escrow)
    second, _ = rotate_vault(first, readers, escrow)
    envelope = seal_file_key(
        FILE_KEY, second.public_key, attachment_id=A, vault_id=VAULT, generation=second.number
    )
    opened = open_file_key(
        envelope, second.private_key, attachment_id=A, vault_id=VAULT, generation=second.number
    )
    assert opened == FILE_KEY
    with pytest.raises(WrongContextError, match=f"generation {second.number}, not {first.number}"):
        open_file_key(
            envelope, second.private_key, attachment_id=A, vault_id=VAULT, generation=first.number
        )
    with pytest.raises(TamperedError):
        open_file_key(
            envelope, first.private_key, attachment_id=A, vault_id=VAULT, generation=second.number
        )
