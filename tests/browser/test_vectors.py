"""Every golden vector of tests/crypto/vectors/ reproduced (or, for randomised sealed boxes,
opened) byte for byte by the browser crypto library in Chromium."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page

VECTORS = Path(__file__).parent.parent / "crypto" / "vectors"
STREAMS = ["empty", "hello", "one-full-chunk", "two-chunks"]


def vector(name: str) -> Any:
    return json.loads((VECTORS / f"{name}.json").read_text())


def test_padme_pairs_and_blob_sizes(page: Page) -> None:
    v = vector("attachment-padme")
    got = page.evaluate(
        """(v) => ({
            padme: v.padme.map(([n]) => [n, cb.padding.padme(n)]),
            sizes: v.blob_sizes.map((s) => ({
                plaintext_size: s.plaintext_size,
                padded_size: cb.attachment.paddedSize(s.plaintext_size),
                ciphertext_size: cb.attachment.ciphertextSize(s.plaintext_size),
            })),
        })""",
        v,
    )
    assert got["padme"] == v["padme"]
    assert got["sizes"] == [{k: s[k] for k in got["sizes"][0]} for s in v["blob_sizes"]]


@pytest.mark.parametrize("name", STREAMS)
def test_stream_vector_is_reproduced_and_opened(page: Page, name: str) -> None:
    v = vector(f"attachment-stream-{name}")
    got = page.evaluate(
        """async (v) => {
            const { b64decode, b64encode, toHex } = cb.encoding;
            const ids = {
                fileKey: b64decode(v.file_key),
                attachmentId: v.attachment_id,
                vaultId: v.vault_id,
                generation: v.generation,
            };
            const encrypted = await cb.attachment.encryptBlob(new Blob([b64decode(v.plaintext)]), {
                ...ids,
                header: b64decode(v.secretstream_header),
            });
            const blob = new Uint8Array(await encrypted.blob.arrayBuffer());
            const decrypted = await cb.attachment.decryptBlob(
                new Blob([b64decode(v.ciphertext)]),
                ids,
            );
            return {
                ciphertext: b64encode(blob),
                preamble: b64encode(blob.subarray(0, cb.attachment.PREAMBLE_BYTES)),
                ciphertext_size: encrypted.ciphertextSize,
                ciphertext_sha256: toHex(encrypted.ciphertextSha256),
                plaintext_sha256: toHex(encrypted.plaintextSha256),
                plaintext_blake2b: toHex(encrypted.plaintextBlake2b),
                plaintext: b64encode(new Uint8Array(await decrypted.blob.arrayBuffer())),
                plaintext_size: decrypted.plaintextSize,
                decrypted_digests: [
                    toHex(decrypted.ciphertextSha256),
                    toHex(decrypted.plaintextSha256),
                    toHex(decrypted.plaintextBlake2b),
                ],
            };
        }""",
        v,
    )
    for key in ("ciphertext", "preamble", "ciphertext_size", "plaintext", "plaintext_size"):
        assert got[key] == v[key], key
    for key in ("ciphertext_sha256", "plaintext_sha256", "plaintext_blake2b"):
        assert got[key] == v[key], key
    assert got["decrypted_digests"] == [
        v["ciphertext_sha256"],
        v["plaintext_sha256"],
        v["plaintext_blake2b"],
    ]


def test_manifest_vector_is_reproduced_and_opened(page: Page) -> None:
    v = vector("attachment-manifest")
    got = page.evaluate(
        """(v) => {
            const { b64decode, b64encode, fromUtf8 } = cb.encoding;
            const m = cb.manifest;
            const fileKey = b64decode(v.file_key);
            const opened = m.openManifest(b64decode(v.sealed), {
                fileKey,
                attachmentId: v.attachment_id,
                vaultId: v.vault_id,
                generation: v.generation,
                expectedSigningKey: b64decode(v.signing_public_key),
            });
            const signed = m.signedMessage(v.manifest);
            const seed = b64decode(v.signing_seed);
            return {
                manifest_canonical: fromUtf8(cb.encoding.canonicalJson(v.manifest)),
                signed_message: b64encode(signed),
                signature: b64encode(
                    sodium.crypto_sign_detached(
                        signed,
                        sodium.crypto_sign_seed_keypair(seed).privateKey,
                    ),
                ),
                manifest_key: b64encode(m.manifestKey(fileKey)),
                associated_data: b64encode(
                    m.associatedData(v.attachment_id, v.vault_id, v.generation),
                ),
                sealed: b64encode(
                    m.sealManifest(v.manifest, {
                        signingSeed: seed,
                        fileKey,
                        nonce: b64decode(v.nonce),
                    }),
                ),
                opened,
            };
        }""",
        v,
    )
    for key in ("manifest_canonical", "signed_message", "signature", "manifest_key"):
        assert got[key] == v[key], key
    assert got["associated_data"] == v["associated_data"]
    assert got["sealed"] == v["sealed"]
    assert got["opened"] == v["manifest"]


def test_envelope_vector_is_opened(page: Page) -> None:
    v = vector("attachment-envelope")
    got = page.evaluate(
        """(v) => {
            const { b64decode, b64encode, fromUtf8 } = cb.encoding;
            const sk = b64decode(v.vault_secret_key);
            const envelope = b64decode(v.envelope);
            return {
                public_key: b64encode(sodium.crypto_scalarmult_base(sk)),
                sealed_plaintext: fromUtf8(
                    sodium.crypto_box_seal_open(envelope, sodium.crypto_scalarmult_base(sk), sk),
                ),
                file_key: b64encode(
                    cb.envelope.openFileKey(envelope, sk, {
                        attachmentId: v.attachment_id,
                        vaultId: v.vault_id,
                        generation: v.generation,
                    }),
                ),
            };
        }""",
        v,
    )
    assert got == {
        "public_key": v["vault_public_key"],
        "sealed_plaintext": v["sealed_plaintext"],
        "file_key": v["file_key"],
    }


def test_account_vector(page: Page) -> None:
    """Argon2id MODERATE with the NFC and the NFD password, both masters, the four subkeys,
    the crypto_kdf cases and the Secret Key and recovery code texts."""
    v = vector("keys-account")
    got = page.evaluate(
        """(v) => {
            const { b64decode, b64encode } = cb.encoding;
            const k = cb.kdf;
            const params = k.paramsFromServer(v.kdf_params);
            const secretKey = b64decode(v.secret_key);
            const derive = (password) => {
                const pwk = k.derivePasswordKey(password, params);
                const keys = k.accountKeysFromPasswordKey(pwk, secretKey);
                return {
                    pwk: b64encode(pwk),
                    master: b64encode(keys.master),
                    login_credential: keys.loginCredential,
                    unwrap_key: b64encode(keys.unwrapKey),
                };
            };
            const code = b64decode(v.recovery.recovery_code);
            const recovery = k.deriveRecoveryKeys(code);
            return {
                nfc_utf8: b64encode(k.normalizePassword(v.password_nfd)),
                nfc: derive(v.password),
                nfd: derive(v.password_nfd),
                recovery: {
                    login_credential: recovery.loginCredential,
                    recovery_key: b64encode(recovery.recoveryKey),
                    recovery_master: b64encode(recovery.master),
                },
                kdf: v.crypto_kdf_derive_from_key.map((c) =>
                    b64encode(k.kdfDeriveFromKey(b64decode(c.key), c.subkey_id, c.context)),
                ),
                secret_key_text: k.formatSecretKey(secretKey),
                secret_key_parsed: b64encode(k.parseSecretKey(v.secret_key_text)),
                recovery_code_text: k.formatRecoveryCode(code),
                recovery_code_parsed: b64encode(k.parseRecoveryCode(v.recovery.recovery_code_text)),
            };
        }""",
        v,
    )
    assert got["nfc_utf8"] == v["password_nfc_utf8"]
    assert got["nfc"] == v["expected"]
    assert got["nfd"] == v["expected"]
    assert got["recovery"] == v["recovery"]["expected"]
    assert got["kdf"] == [c["expected"] for c in v["crypto_kdf_derive_from_key"]]
    assert got["secret_key_text"] == v["secret_key_text"]
    assert got["secret_key_parsed"] == v["secret_key"]
    assert got["recovery_code_text"] == v["recovery"]["recovery_code_text"]
    assert got["recovery_code_parsed"] == v["recovery"]["recovery_code"]


def test_text_vectors(page: Page) -> None:
    v = vector("keys-text")
    got = page.evaluate(
        """(cases) => cases.map((c) => ({
            text: cb.kdf.formatKeyText(c.kind, cb.encoding.b64decode(c.payload)),
            payload: cb.encoding.b64encode(cb.kdf.parseKeyText(c.kind, c.text.toLowerCase())),
        }))""",
        v["cases"],
    )
    assert got == [{"text": c["text"], "payload": c["payload"]} for c in v["cases"]]


def test_bundle_vectors(page: Page) -> None:
    """Identity signature, both wrap ADs and the whole wrapped bundle from the fixed inputs;
    the bundle opened with both keys; the rewrapped bundle opened with the new unwrap key; the
    safety numbers."""
    v = vector("keys-bundle")
    got = page.evaluate(
        """(v) => {
            const { b64decode, b64encode, canonicalJson } = cb.encoding;
            const keys = cb.keys;
            const ad = (i, slot) =>
                b64encode(keys.wrapAssociatedData(i.user_id, i.bundle_version, slot));
            const cases = v.cases.map(({ inputs: i }) => {
                const { wrapped } = keys.createBundle(
                    i.user_id,
                    b64decode(i.unwrap_key),
                    b64decode(i.recovery_key),
                    {
                        bundleVersion: i.bundle_version,
                        boxSk: b64decode(i.box_sk),
                        signSeed: b64decode(i.sign_seed),
                        nonces: [
                            b64decode(i.password_wrap_nonce),
                            b64decode(i.recovery_wrap_nonce),
                        ],
                    },
                );
                const json = keys.wrappedBundleJson(wrapped);
                const parsed = keys.parseWrappedBundle(json);
                const opened = keys.openBundle(parsed, b64decode(i.unwrap_key));
                const recovered = keys.openBundleWithRecovery(parsed, b64decode(i.recovery_key));
                const id = wrapped.identity;
                return {
                    expected: {
                        identity_safety_number: cb.fingerprints.identitySafetyNumber(id),
                        identity_signed_message: b64encode(
                            keys.identityMessage(id.userId, id.boxPk, id.signPk),
                        ),
                        password_wrap_ad: ad(i, keys.WRAP_UNWRAP_KEY),
                        recovery_wrap_ad: ad(i, keys.WRAP_RECOVERY),
                        wrapped_bundle: json,
                        wrapped_bundle_canonical: b64encode(canonicalJson(json)),
                    },
                    opened: [b64encode(opened.boxSk), b64encode(opened.signSeed)],
                    recovered: [b64encode(recovered.boxSk), b64encode(recovered.signSeed)],
                };
            });
            const rewrapped = keys.parseWrappedBundle(v.rewrap.expected_wrapped_bundle);
            const reopened = keys.openBundle(rewrapped, b64decode(v.rewrap.new_unwrap_key));
            return {
                cases,
                rewrap_opened: b64encode(reopened.boxSk),
                key_safety_numbers: v.key_safety_numbers.map((c) =>
                    cb.fingerprints.keySafetyNumber(b64decode(c.public_key)),
                ),
                read_aloud_matches: v.key_safety_numbers.map((c) =>
                    cb.fingerprints.safetyNumbersMatch(
                        c.expected.replaceAll(" ", "").replace(/(.{20})/g, "$1\\n"),
                        cb.fingerprints.keySafetyNumber(b64decode(c.public_key)),
                    ),
                ),
            };
        }""",
        v,
    )
    for case, expected in zip(got["cases"], v["cases"], strict=True):
        assert case["expected"] == expected["expected"]
        secrets = [expected["inputs"]["box_sk"], expected["inputs"]["sign_seed"]]
        assert case["opened"] == secrets
        assert case["recovered"] == secrets
    assert got["rewrap_opened"] == v["cases"][0]["inputs"]["box_sk"]
    assert got["key_safety_numbers"] == [c["expected"] for c in v["key_safety_numbers"]]
    assert got["read_aloud_matches"] == [True, True]


def test_vault_vectors(page: Page) -> None:
    """Each reader opens the generations sealed to them; a reader of generation 2 walks back
    to generation 1; the sealed and link plaintexts are the expected bytes."""
    v = vector("keys-vault")
    got = page.evaluate(
        """(v) => {
            const { b64decode, b64encode } = cb.encoding;
            const vault = cb.vault;
            const published = new Map(
                v.published.map((p) => {
                    const g = vault.parsePublishedGeneration(p);
                    return [g.number, g];
                }),
            );
            const logged = new Map(
                Object.entries(v.expected).map(([n, e]) => [Number(n), b64decode(e.public_key)]),
            );
            const opened = {};
            for (const [readerId, reader] of Object.entries(v.readers)) {
                for (const [number, generation] of published) {
                    if (!generation.sealedToReaders.has(readerId)) continue;
                    const sk = b64decode(reader.box_sk);
                    const g = vault.openAsReader(generation, readerId, sk, {
                        vaultId: v.vault_id,
                        loggedPublicKey: logged.get(number),
                    });
                    const plaintext = sodium.crypto_box_seal_open(
                        generation.sealedToReaders.get(readerId),
                        b64decode(reader.box_pk),
                        sk,
                    );
                    opened[`${readerId}/${number}`] = [
                        b64encode(g.privateKey),
                        b64encode(plaintext),
                    ];
                }
            }
            const newest = published.get(2);
            const current = vault.openAsReader(newest, "ana", b64decode(v.readers.ana.box_sk), {
                vaultId: v.vault_id,
                loggedPublicKey: logged.get(2),
            });
            const all = vault.openAllGenerations(current, published, logged);
            const link = sodium.crypto_box_seal_open(
                newest.previous,
                logged.get(2),
                current.privateKey,
            );
            return {
                opened,
                walked: Object.fromEntries([...all].map(([n, g]) => [n, b64encode(g.privateKey)])),
                previous_plaintext: b64encode(link),
            };
        }""",
        v,
    )
    expected = v["expected"]
    assert got["opened"] == {
        f"{reader}/{p['generation']}": [
            expected[str(p["generation"])]["private_key"],
            expected[str(p["generation"])]["sealed_plaintext"],
        ]
        for p in v["published"]
        for reader in p["sealed_to_readers"]
    }
    assert got["walked"] == {n: e["private_key"] for n, e in expected.items()}
    assert got["previous_plaintext"] == expected["2"]["previous_plaintext"]


def test_membership_log_vector(page: Page) -> None:
    v = vector("keys-membership-log")
    got = page.evaluate(
        """(v) => {
            const { b64decode, b64encode } = cb.encoding;
            const ml = cb["membership-log"];
            const signed = v.entries.map(ml.parseSignedEntry);
            const state = new ml.LogVerifier(v.group_id, {
                expectedAdminSignPk: b64decode(v.expected.head.admin_sign_pk),
                expectedEscrowPk: b64decode(v.escrow_pk),
            }).verify(v.entries, {
                servedIdentities: [cb.keys.parseIdentity(v.identities.ana)],
                servedGeneration: [2, b64decode(v.generation_pks["2"])],
            });
            const seed = b64decode(v.admin_sign_seed);
            const adminPk = sodium.crypto_sign_seed_keypair(seed).publicKey;
            return {
                signed_messages: signed.map((s) => b64encode(ml.signedMessage(s))),
                entry_hashes: signed.map((s) => b64encode(ml.entryHash(s))),
                head: ml.headJson(state.head),
                admin_safety_number: cb.fingerprints.keySafetyNumber(adminPk),
                generation: state.generation,
                generation_pks: Object.fromEntries(
                    [...state.generationPks].map(([n, k]) => [n, b64encode(k)]),
                ),
                readers: [...state.readers.keys()],
                writers: [...state.writers.keys()],
            };
        }""",
        v,
    )
    expected = v["expected"]
    assert got["signed_messages"] == expected["signed_messages"]
    assert got["entry_hashes"] == expected["entry_hashes"]
    assert got["head"] == expected["head"]
    assert got["admin_safety_number"] == expected["admin_safety_number"]
    assert got["generation_pks"] == v["generation_pks"]
    assert got["generation"] == 2
