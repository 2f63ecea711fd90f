// File-key envelope (docs/crypto/attachment-format.md, "File-key envelope"), mirroring
// casebook/crypto/envelope.py: the 32-byte file key sealed (crypto_box_seal) to a vault
// generation's X25519 public key inside canonical JSON naming the attachment, the vault and the
// generation, so an envelope moved to another attachment, vault or generation is refused.

import sodium from "./sodium.js";
import { EncodingError, b64decode, b64encode, canonicalJson, bytesEqual, fromUtf8 } from "./encoding.js";
import { checkGeneration } from "./attachment.js";
import { TamperedError, UnsupportedFormatError, WrongContextError, describe } from "./errors.js";

export const KIND = "casebook.file-key";
export const VERSION = 1;
export const FILE_KEY_BYTES = 32;
const FIELDS = ["attachment_id", "file_key", "generation", "kind", "v", "vault_id"];

/** Seal `fileKey` to a vault generation's X25519 public key (anonymous sender). */
export function sealFileKey(fileKey, generationPublicKey, { attachmentId, vaultId, generation }) {
  if (!(fileKey instanceof Uint8Array) || fileKey.length !== FILE_KEY_BYTES) {
    throw new RangeError("a file key is 32 bytes");
  }
  checkGeneration(generation);
  const body = canonicalJson({
    v: VERSION,
    kind: KIND,
    attachment_id: attachmentId,
    vault_id: vaultId,
    generation,
    file_key: b64encode(fileKey),
  });
  return sodium.crypto_box_seal(body, generationPublicKey);
}

/** Open an envelope with the vault generation's private key and return the file key,
 *  refusing one that names another attachment, vault or generation. */
export function openFileKey(envelope, generationPrivateKey, { attachmentId, vaultId, generation }) {
  checkGeneration(generation);
  let body;
  try {
    const publicKey = sodium.crypto_scalarmult_base(generationPrivateKey);
    body = sodium.crypto_box_seal_open(envelope, publicKey, generationPrivateKey);
  } catch {
    throw new TamperedError(
      "the file-key envelope was altered, or was not sealed to this vault key generation",
    );
  }
  const fields = parse(body);
  if (fields.attachment_id !== attachmentId || fields.vault_id !== vaultId) {
    throw new WrongContextError("this file-key envelope belongs to another attachment or vault");
  }
  if (fields.generation !== generation) {
    throw new WrongContextError(
      `this file-key envelope names vault key generation ${fields.generation}, not ${generation}`,
    );
  }
  let key;
  try {
    key = b64decode(fields.file_key);
  } catch {
    throw new UnsupportedFormatError("the file key in the envelope is not base64");
  }
  if (key.length !== FILE_KEY_BYTES) {
    throw new UnsupportedFormatError("the file key in the envelope is not 32 bytes");
  }
  return key;
}

function parse(body) {
  let fields;
  try {
    fields = JSON.parse(fromUtf8(body));
  } catch {
    throw new UnsupportedFormatError("the file-key envelope does not hold JSON");
  }
  if (fields === null || typeof fields !== "object" || Array.isArray(fields) || fields.kind !== KIND) {
    throw new UnsupportedFormatError("this is not a Casebook file-key envelope");
  }
  if (fields.v !== VERSION) {
    throw new UnsupportedFormatError(`unsupported file-key envelope version ${describe(fields.v)}`);
  }
  if (Object.keys(fields).sort().join() !== FIELDS.join()) {
    throw new UnsupportedFormatError("the file-key envelope has missing or unknown fields");
  }
  let canonical;
  try {
    canonical = canonicalJson(fields);
  } catch (error) {
    if (!(error instanceof EncodingError)) throw error;
    throw new UnsupportedFormatError("the file-key envelope is not canonical JSON");
  }
  if (!bytesEqual(canonical, body)) {
    throw new UnsupportedFormatError("the file-key envelope is not canonical JSON");
  }
  for (const name of ["attachment_id", "vault_id", "file_key"]) {
    if (typeof fields[name] !== "string") {
      throw new UnsupportedFormatError(`the file-key envelope's ${name} is not text`);
    }
  }
  if (!Number.isInteger(fields.generation)) {
    throw new UnsupportedFormatError("the file-key envelope's generation is not an integer");
  }
  return fields;
}
