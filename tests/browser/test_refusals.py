"""What the browser refuses besides blobs: weak key-derivation parameters, mistyped Secret Keys
and recovery codes, misplaced or altered file-key envelopes and manifests, vault keys that do
not match the membership log. Each case is refused like the Python client refuses it: the same
error class and, except where the message quotes a Python exception, the same message."""

from __future__ import annotations

import dataclasses
import json
import os
from collections.abc import Callable
from datetime import UTC, datetime
from hashlib import blake2b, sha256
from pathlib import Path
from typing import Any
from uuid import uuid4

import nacl.signing
import pytest
from nacl.bindings import crypto_aead_xchacha20poly1305_ietf_encrypt, crypto_box_seal
from nacl.public import PrivateKey
from playwright.sync_api import Page

from casebook.crypto import kdf, vault
from casebook.crypto.attachment import EncryptResult
from casebook.crypto.envelope import open_file_key, seal_file_key
from casebook.crypto.errors import CryptoFormatError
from casebook.crypto.manifest import (
    SIGNATURE_DOMAIN,
    Manifest,
    Uploader,
    associated_data,
    manifest_key,
    open_manifest,
    seal_manifest,
    verify_download,
)
from casebook.encoding import b64decode, b64encode, canonical_json

VECTORS = Path(__file__).parent.parent / "crypto" / "vectors"


@dataclasses.dataclass(frozen=True)
class Case:
    python: Callable[[], object]
    js: str  # an arrow function of `a`, with `cb` and `sodium` in scope
    arg: dict[str, Any] = dataclasses.field(default_factory=dict)
    same_message: bool = True


# ---------------------------------------------------------------- key-derivation parameters

SALT = b64encode(bytes(range(16)))


def params(**changes: Any) -> dict[str, Any]:
    served = {"alg": "argon2id13", "memlimit": 268435456, "opslimit": 3, "salt": SALT}
    served.update(changes)
    return {k: v for k, v in served.items() if v is not None}


PARAMS = {
    "interactive parameters": params(opslimit=2, memlimit=67108864),
    "moderate passes, interactive memory": params(memlimit=67108864),
    "one byte less than moderate memory": params(memlimit=268435455),
    "zero": params(opslimit=0, memlimit=0),
    "too many passes": params(opslimit=17),
    "too much memory": params(memlimit=2 * 1073741824),
    "another algorithm": params(alg="argon2i13"),
    "a boolean": params(opslimit=True),
    "a fraction": params(opslimit=3.5),
    "text": params(memlimit="268435456"),
    "a missing salt": params(salt=None),
    "an extra field": params(pepper=1),
    "a short salt": params(salt=b64encode(bytes(8))),
    "a padded salt": params(salt=SALT + "=="),
}

CASES: dict[str, Case] = {
    f"parameters: {name}": Case(
        lambda v=value: kdf.KdfParams.from_server(v),
        "(a) => cb.kdf.paramsFromServer(a.params)",
        {"params": value},
    )
    for name, value in PARAMS.items()
}

# ---------------------------------------------------------------- Secret Keys, recovery codes

GOOD_SECRET_KEY = json.loads((VECTORS / "keys-account.json").read_text())["secret_key_text"]
TEXTS = {
    "another prefix": "XBSK1-A08CC-5H9S3-VVMSF-TT67C-PBDME-8WTD4",
    "a recovery code": "CBRC1-8ZCH8-RZB3M-5S1VK-YCA6D-9TJP9-CJH7S",
    "a missing character": GOOD_SECRET_KEY[:-1],
    "a U": GOOD_SECRET_KEY[:10] + "U" + GOOD_SECRET_KEY[11:],
    "a substitution": GOOD_SECRET_KEY[:10] + "9" + GOOD_SECRET_KEY[11:],
    "a transposition": GOOD_SECRET_KEY[:7]
    + GOOD_SECRET_KEY[8]
    + GOOD_SECRET_KEY[7]
    + GOOD_SECRET_KEY[9:],
    "impossible spare bits": "CBSK1-00000-00000-00000-00000-00001-00000",
}
CASES.update(
    {
        f"secret key: {name}": Case(
            lambda t=text: kdf.parse_secret_key(t),
            "(a) => cb.kdf.parseSecretKey(a.text)",
            {"text": text},
        )
        for name, text in TEXTS.items()
    }
)

# ---------------------------------------------------------------- file-key envelopes

VAULT = PrivateKey.generate()
FILE_KEY = os.urandom(32)
A, V, GENERATION = uuid4(), uuid4(), 3
IDS = {"attachment_id": A, "vault_id": V, "generation": GENERATION}
ENVELOPE = seal_file_key(FILE_KEY, bytes(VAULT.public_key), **IDS)
GOOD_BODY = {
    "v": 1,
    "kind": "casebook.file-key",
    "attachment_id": str(A),
    "vault_id": str(V),
    "generation": GENERATION,
    "file_key": b64encode(FILE_KEY),
}


def envelope_case(envelope: bytes, sk: bytes = bytes(VAULT), **changes: Any) -> Case:
    ids = {**IDS, **changes}
    return Case(
        lambda: open_file_key(envelope, sk, **ids),
        """(a) => cb.envelope.openFileKey(cb.encoding.b64decode(a.envelope),
            cb.encoding.b64decode(a.sk), a.ids)""",
        {
            "envelope": b64encode(envelope),
            "sk": b64encode(sk),
            "ids": {
                "attachmentId": str(ids["attachment_id"]),
                "vaultId": str(ids["vault_id"]),
                "generation": ids["generation"],
            },
        },
    )


def sealed_body(body: bytes) -> bytes:
    return crypto_box_seal(body, bytes(VAULT.public_key))


CASES.update(
    {
        "envelope: another attachment": envelope_case(ENVELOPE, attachment_id=uuid4()),
        "envelope: another vault": envelope_case(ENVELOPE, vault_id=uuid4()),
        "envelope: another generation": envelope_case(ENVELOPE, generation=4),
        "envelope: another private key": envelope_case(ENVELOPE, sk=os.urandom(32)),
        "envelope: altered": envelope_case(ENVELOPE[:50] + b"\0" + ENVELOPE[51:]),
        "envelope: truncated": envelope_case(ENVELOPE[:-1]),
        "envelope: empty": envelope_case(b""),
        "envelope: not JSON": envelope_case(sealed_body(b"\xff")),
        "envelope: a list": envelope_case(sealed_body(b"[]")),
        "envelope: another version": envelope_case(
            sealed_body(canonical_json({**GOOD_BODY, "v": 2}))
        ),
        "envelope: an extra field": envelope_case(
            sealed_body(canonical_json({**GOOD_BODY, "extra": 1}))
        ),
        "envelope: not canonical": envelope_case(
            sealed_body(canonical_json(GOOD_BODY).replace(b",", b", "))
        ),
        "envelope: generation as text": envelope_case(
            sealed_body(canonical_json({**GOOD_BODY, "generation": "3"}))
        ),
        "envelope: generation as a boolean": envelope_case(
            sealed_body(canonical_json({**GOOD_BODY, "generation": True}))
        ),
        "envelope: a short file key": envelope_case(
            sealed_body(canonical_json({**GOOD_BODY, "file_key": b64encode(bytes(16))}))
        ),
        "envelope: a file key in standard base64": envelope_case(
            sealed_body(canonical_json({**GOOD_BODY, "file_key": "a+b/"}))
        ),
        "envelope: a vault id that is not text": envelope_case(
            sealed_body(canonical_json({**GOOD_BODY, "vault_id": 7}))
        ),
    }
)

# ---------------------------------------------------------------- manifests

SIGNER = nacl.signing.SigningKey.generate()
MANIFEST = Manifest.for_upload(
    EncryptResult(112, os.urandom(32), 22, os.urandom(32), os.urandom(32)),
    filename="foto.jpg",
    media_type="image/jpeg",
    captured_at=None,
    uploaded_at=datetime(2026, 11, 22, 7, 30, 5, tzinfo=UTC),
    uploader=Uploader("ana", bytes(SIGNER.verify_key)),
    **IDS,
)
SEALED = seal_manifest(MANIFEST, signing_key=SIGNER, file_key=FILE_KEY)
GOOD_MANIFEST = MANIFEST.to_json()


def manifest_case(
    sealed: bytes, *, same_message: bool = True, key: bytes = FILE_KEY, **changes: Any
) -> Case:
    ids = {**IDS, **changes}
    signer = ids.pop("signer", bytes(SIGNER.verify_key))
    return Case(
        lambda: open_manifest(sealed, file_key=key, expected_signing_key=signer, **ids),
        """(a) => cb.manifest.openManifest(cb.encoding.b64decode(a.sealed), {
            ...a.ids,
            fileKey: cb.encoding.b64decode(a.key),
            expectedSigningKey: cb.encoding.b64decode(a.signer),
        })""",
        {
            "sealed": b64encode(sealed),
            "key": b64encode(key),
            "signer": b64encode(signer),
            "ids": {
                "attachmentId": str(ids["attachment_id"]),
                "vaultId": str(ids["vault_id"]),
                "generation": ids["generation"],
            },
        },
        same_message,
    )


def resealed(body: bytes) -> bytes:
    nonce = os.urandom(24)
    ad = associated_data(A, V, GENERATION)
    ct = crypto_aead_xchacha20poly1305_ietf_encrypt(body, ad, nonce, manifest_key(FILE_KEY))
    return b"CBMF\x01" + nonce + ct


def signed_pair(fields: object, signer: nacl.signing.SigningKey = SIGNER) -> bytes:
    signature = signer.sign(SIGNATURE_DOMAIN + canonical_json(fields)).signature
    return canonical_json({"manifest": fields, "signature": b64encode(signature)})


MALLORY = nacl.signing.SigningKey.generate()
CASES.update(
    {
        "manifest: another attachment": manifest_case(SEALED, attachment_id=uuid4()),
        "manifest: another vault": manifest_case(SEALED, vault_id=uuid4()),
        "manifest: another generation": manifest_case(SEALED, generation=4),
        "manifest: another file key": manifest_case(SEALED, key=os.urandom(32)),
        "manifest: another expected uploader": manifest_case(
            SEALED, signer=bytes(MALLORY.verify_key)
        ),
        "manifest: signed by another key": manifest_case(
            resealed(
                signed_pair(
                    {
                        **GOOD_MANIFEST,
                        "uploader": {
                            "signing_key": b64encode(bytes(SIGNER.verify_key)),
                            "user_id": "ana",
                        },
                    },
                    MALLORY,
                )
            )
        ),
        "manifest: empty": manifest_case(b""),
        "manifest: a blob": manifest_case(b"CBEV\x01" + bytes(60)),
        "manifest: another version": manifest_case(b"CBMF\x02" + bytes(60)),
        "manifest: truncated": manifest_case(SEALED[:44]),
        "manifest: a byte short": manifest_case(SEALED[:-1]),
        "manifest: a byte more": manifest_case(SEALED + b"\0"),
        "manifest: not JSON": manifest_case(resealed(b"\xff")),
        "manifest: not a pair": manifest_case(resealed(b'{"manifest":{}}')),
        "manifest: a short signature": manifest_case(
            resealed(canonical_json({"manifest": GOOD_MANIFEST, "signature": "AA"}))
        ),
        "manifest: not canonical": manifest_case(
            resealed(signed_pair(GOOD_MANIFEST).replace(b":", b": ", 1))
        ),
        "manifest: another kind": manifest_case(
            resealed(signed_pair({**GOOD_MANIFEST, "kind": "casebook.file-key"}))
        ),
        "manifest: another version inside": manifest_case(
            resealed(signed_pair({**GOOD_MANIFEST, "v": 2}))
        ),
        "manifest: an extra field": manifest_case(
            resealed(signed_pair({**GOOD_MANIFEST, "extra": True}))
        ),
        "manifest: size as text": manifest_case(
            resealed(signed_pair({**GOOD_MANIFEST, "size": "22"})), same_message=False
        ),
        "manifest: upper-case digest": manifest_case(
            resealed(signed_pair({**GOOD_MANIFEST, "sha256": GOOD_MANIFEST["sha256"].upper()})),
            same_message=False,
        ),
        "manifest: a time with an offset": manifest_case(
            resealed(signed_pair({**GOOD_MANIFEST, "uploaded_at": "2026-11-22T07:30:05+00:00"})),
            same_message=False,
        ),
        "manifest: an impossible date": manifest_case(
            resealed(signed_pair({**GOOD_MANIFEST, "captured_at": "2026-02-30T07:30:05Z"})),
            same_message=False,
        ),
        "manifest: an upper-case id": manifest_case(
            resealed(signed_pair({**GOOD_MANIFEST, "attachment_id": str(A).upper()})),
            same_message=False,
        ),
        "manifest: an uploader with an extra field": manifest_case(
            resealed(
                signed_pair({**GOOD_MANIFEST, "uploader": {**GOOD_MANIFEST["uploader"], "x": 1}})
            )
        ),
    }
)

# ---------------------------------------------------------------- vault generations

VAULT_VECTOR = json.loads((VECTORS / "keys-vault.json").read_text())


def vault_case(
    number: int, reader: str, box_sk: str, logged: str, *, vault_id: str | None = None
) -> Case:
    published = VAULT_VECTOR["published"][number - 1]
    vid = vault_id or VAULT_VECTOR["vault_id"]

    def python() -> object:
        return vault.open_as_reader(
            vault.PublishedGeneration.from_json(published),
            reader,
            b64decode(box_sk),
            vault_id=vid,
            logged_public_key=b64decode(logged),
        )

    return Case(
        python,
        """(a) => cb.vault.openAsReader(
            cb.vault.parsePublishedGeneration(a.published),
            a.reader,
            cb.encoding.b64decode(a.boxSk),
            { vaultId: a.vaultId, loggedPublicKey: cb.encoding.b64decode(a.logged) },
        )""",
        {
            "published": published,
            "reader": reader,
            "boxSk": box_sk,
            "logged": logged,
            "vaultId": vid,
        },
    )


READERS = VAULT_VECTOR["readers"]
EXPECTED = VAULT_VECTOR["expected"]
CASES.update(
    {
        "vault: a removed reader": vault_case(
            2, "bea", READERS["bea"]["box_sk"], EXPECTED["2"]["public_key"]
        ),
        "vault: another reader's key": vault_case(
            1, "bea", READERS["ana"]["box_sk"], EXPECTED["1"]["public_key"]
        ),
        "vault: a key not in the membership log": vault_case(
            1, "ana", READERS["ana"]["box_sk"], EXPECTED["2"]["public_key"]
        ),
        "vault: another vault": vault_case(
            1, "ana", READERS["ana"]["box_sk"], EXPECTED["1"]["public_key"], vault_id="other"
        ),
    }
)


def python_refusal(case: Case) -> dict[str, str]:
    with pytest.raises(CryptoFormatError) as refusal:
        case.python()
    return {"error": type(refusal.value).__name__, "message": str(refusal.value)}


@pytest.mark.parametrize("name", CASES)
def test_refused_like_the_python_client(page: Page, name: str) -> None:
    case = CASES[name]
    expected = python_refusal(case)
    got = page.evaluate(
        f"""(a) => {{
            try {{
                ({case.js})(a);
            }} catch (error) {{
                if (!(error instanceof cb.errors.CryptoFormatError)) throw error;
                return {{ error: error.name, message: error.message }};
            }}
            return {{ error: null }};
        }}""",
        case.arg,
    )
    if not case.same_message:
        expected["message"] = got.get("message", "")
    assert got == expected


DOWNLOADED = b"the file a reader decrypted"


@pytest.mark.parametrize(
    "content",
    [DOWNLOADED + b"!", DOWNLOADED.upper()],
    ids=["another size", "other bytes"],
)
def test_a_download_that_does_not_match_its_manifest_is_refused(
    page: Page, tmp_path: Path, content: bytes
) -> None:
    """verifyDownload compares size, SHA-256 and BLAKE2b as verify_download does."""
    manifest = dataclasses.replace(
        MANIFEST,
        size=len(DOWNLOADED),
        sha256=sha256(DOWNLOADED).digest(),
        blake2b=blake2b(DOWNLOADED, digest_size=32).digest(),
    )
    path = tmp_path / "download"
    path.write_bytes(content)
    with pytest.raises(CryptoFormatError) as refusal:
        verify_download(path, manifest)
    got = page.evaluate(
        """(a) => {
            const { b64decode } = cb.encoding;
            const decrypted = {
                plaintextSize: a.size,
                plaintextSha256: b64decode(a.sha256),
                plaintextBlake2b: b64decode(a.blake2b),
                ciphertextSha256: b64decode(a.ciphertextSha256),
            };
            try {
                cb.manifest.verifyDownload(decrypted, a.manifest);
            } catch (error) {
                return { error: error.name, message: error.message };
            }
            return { error: null };
        }""",
        {
            "size": len(content),
            "sha256": b64encode(sha256(content).digest()),
            "blake2b": b64encode(blake2b(content, digest_size=32).digest()),
            "ciphertextSha256": b64encode(manifest.ciphertext_sha256),
            "manifest": manifest.to_json(),
        },
    )
    assert got == {"error": type(refusal.value).__name__, "message": str(refusal.value)}


def test_a_download_whose_blob_is_not_the_signed_one_is_refused(page: Page) -> None:
    """The browser always has the blob at hand, so it also checks the blob's SHA-256."""
    got = page.evaluate(
        """(manifest) => {
            const hex = (text) => Uint8Array.from(text.match(/../g), (h) => parseInt(h, 16));
            try {
                cb.manifest.verifyDownload(
                    {
                        plaintextSize: manifest.size,
                        plaintextSha256: hex(manifest.sha256),
                        plaintextBlake2b: hex(manifest.blake2b),
                        ciphertextSha256: new Uint8Array(32),
                    },
                    manifest,
                );
            } catch (error) {
                return [error.name, error.message];
            }
            return null;
        }""",
        MANIFEST.to_json(),
    )
    assert got == ["IntegrityError", "the encrypted file's SHA-256 does not match the manifest"]
