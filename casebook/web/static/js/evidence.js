// One piece of evidence in this browser, mirroring casebook/cli/attachments.py: encrypted
// here, uploaded, sealed to the vault's current generation with a manifest signed by the
// uploader; and, for a reader, opened, downloaded, decrypted and checked against that signed
// manifest before any file is offered. The words shown come from the page (messages.js;
// templates/_evidence_messages.html renders them).

import { ApiError, getBlob, putBlob, request } from "./api.js";
import { ciphertextSize, decryptBlob, encryptBlob } from "./crypto/attachment.js";
import { b64decode, b64encode, toHex } from "./crypto/encoding.js";
import { openFileKey, sealFileKey } from "./crypto/envelope.js";
import { CryptoFormatError, IntegrityError, SignatureError, WrongContextError } from "./crypto/errors.js";
import { manifestForUpload, openManifest, sealManifest, verifyDownload } from "./crypto/manifest.js";
import sodium from "./crypto/sodium.js";
import { t } from "./messages.js";
import { requireRole, writerIdentities } from "./vault-state.js";

const FILE_KEY_BYTES = 32;
const MAX_NAME_BYTES = 200;
const DEFAULT_MEDIA_TYPE = "application/octet-stream";

/** An attachment that does not open or does not verify: no file is offered. */
export class Refused extends Error {
  constructor(attachmentId, error) {
    super(t("refused", { id: attachmentId, reason: error.message }));
  }

  get name() {
    return "Refused";
  }
}

function idsOf(record) {
  return { attachmentId: record.id, vaultId: record.vault_id, generation: record.generation };
}

/**
 * Encrypt `file` (a File) to the vault's current generation and upload it; complete the
 * attachment with the sealed file key and the signed, encrypted manifest. `progress(stage,
 * done, total)` reports "encrypting" and "uploading". Returns {ids, manifest}.
 */
export async function upload(vault, bundle, incidentId, file, progress) {
  requireRole(vault, bundle, "writer");
  const size = ciphertextSize(file.size);
  const ids = await start(vault, incidentId, size);
  const fileKey = sodium.randombytes_buf(FILE_KEY_BYTES);
  const encrypted = await encryptBlob(file, {
    fileKey,
    ...ids,
    progress: (done) => progress("encrypting", done, file.size),
  });
  if (encrypted.ciphertextSize !== size) throw new Error(t("sizeDiffers"));
  progress("uploading", 0, size);
  await putBlob(`/api/v1/attachments/${ids.attachmentId}/content`, encrypted.blob, (sent, total) =>
    progress("uploading", sent, total),
  );
  const manifest = manifestForUpload(encrypted, {
    ...ids,
    filename: file.name,
    mediaType: file.type || DEFAULT_MEDIA_TYPE,
    capturedAt: null,
    uploadedAt: new Date(),
    uploader: { userId: bundle.identity.userId, signingKey: bundle.identity.signPk },
  });
  const envelope = sealFileKey(fileKey, vault.state.generationPk, ids);
  const sealed = sealManifest(manifest, { signingSeed: bundle.signSeed, fileKey });
  await request("POST", `/api/v1/attachments/${ids.attachmentId}/complete`, {
    envelope: b64encode(envelope),
    manifest: b64encode(sealed),
  });
  return { ids, manifest };
}

async function start(vault, incidentId, size) {
  const generation = vault.state.generation;
  let created;
  try {
    created = await request("POST", `/api/v1/incidents/${incidentId}/attachments`, {
      ciphertext_size: size,
      generation,
    });
  } catch (error) {
    if (!(error instanceof ApiError) || error.status !== 409) throw error;
    throw new Error(t("newGeneration"));
  }
  const ids = idsOf(created);
  if (ids.vaultId !== vault.vaultId || ids.generation !== generation) {
    throw new Error(t("otherVault"));
  }
  return ids;
}

/**
 * The file key and signed manifest of an attachment as served to a reader (GET
 * /api/v1/attachments/{id}, with its envelope and manifest), each checked to belong to this
 * attachment, vault and generation. Returns {ids, fileKey, manifest, uploader}.
 */
export function openRecord(vault, generations, record) {
  const ids = idsOf(record);
  try {
    const generation = generations.get(ids.generation);
    if (ids.vaultId !== vault.vaultId || generation === undefined) {
      throw new WrongContextError(
        t("unknownGeneration", { vault: ids.vaultId, generation: ids.generation }),
      );
    }
    const fileKey = openFileKey(b64decode(record.envelope), generation.privateKey, ids);
    const { manifest, uploader } = signedManifest(vault, record, fileKey, ids);
    return { ids, fileKey, manifest, uploader };
  } catch (error) {
    if (!(error instanceof CryptoFormatError)) throw error;
    throw new Refused(ids.attachmentId, error);
  }
}

/** The manifest, signed by a key the verified log gave its uploader as a writer. */
function signedManifest(vault, record, fileKey, ids) {
  const uploaderId = String(record.uploader_id);
  const sealed = b64decode(record.manifest);
  for (const identity of writerIdentities(vault, uploaderId)) {
    let manifest;
    try {
      manifest = openManifest(sealed, { fileKey, ...ids, expectedSigningKey: identity.signPk });
    } catch (error) {
      if (error instanceof SignatureError) continue;
      throw error;
    }
    if (manifest.uploader.user_id !== uploaderId) {
      throw new SignatureError(t("otherUploader"));
    }
    return { manifest, uploader: identity };
  }
  throw new SignatureError(t("unsignedManifest", { uploader: uploaderId }));
}

/**
 * Download, decrypt and verify an opened attachment. `progress(stage, done, total)` reports
 * "downloading" and "decrypting". Returns the plaintext as a Blob only once every check
 * (ciphertext hash, every chunk, padding, length, SHA-256 and BLAKE2b) has passed.
 */
export async function download(opened, progress) {
  const { ids, fileKey, manifest } = opened;
  const hash = sodium.crypto_hash_sha256_init();
  const blob = await getBlob(`/api/v1/attachments/${ids.attachmentId}/content`, (bytes, received, total) => {
    sodium.crypto_hash_sha256_update(hash, bytes);
    progress("downloading", received, total);
  });
  try {
    if (toHex(sodium.crypto_hash_sha256_final(hash)) !== manifest.ciphertext_sha256) {
      throw new IntegrityError(t("blobDiffers"));
    }
    const decrypted = await decryptBlob(blob, {
      fileKey,
      ...ids,
      mediaType: DEFAULT_MEDIA_TYPE,
      progress: (done) => progress("decrypting", done, manifest.size),
    });
    verifyDownload(decrypted, manifest);
    return decrypted.blob;
  } catch (error) {
    if (!(error instanceof CryptoFormatError)) throw error;
    throw new Refused(ids.attachmentId, error);
  }
}

/** The uploader's file name as one harmless file name (no directories, no hidden, control or
 *  format characters); `fallback` when nothing usable is left. Mirrors safe_name of the CLI. */
export function safeName(filename, fallback) {
  const printable = [...filename]
    .map((c) => (/[\t\r\n]/.test(c) ? " " : c))
    .filter((c) => !/[\p{Cc}\p{Cf}]/u.test(c))
    .join("");
  const name = printable.replace(/[/\\]/g, "_").trim().replace(/^\.+/, "");
  if (!name || new TextEncoder().encode(name).length > MAX_NAME_BYTES) return fallback;
  return name;
}
