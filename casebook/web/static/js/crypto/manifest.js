// Signed, encrypted attachment manifest (docs/crypto/attachment-format.md, "Manifest"),
// mirroring casebook/crypto/manifest.py. A manifest is the plain object of the format (the
// JSON the uploader signed): filename, type, size, SHA-256 and BLAKE2b of the plaintext,
// SHA-256 of the blob, times and uploader. It is signed with the uploader's Ed25519 key over
// "casebook manifest v1\0" || canonical(manifest); the pair {manifest, signature} is encrypted
// with XChaCha20-Poly1305-IETF under a key derived from the file key, the ids as associated data.

import sodium from "./sodium.js";
import {
  EncodingError,
  b64decode,
  b64encode,
  bytesEqual,
  canonicalJson,
  concatBytes,
  fromUtf8,
  toHex,
  utf8,
} from "./encoding.js";
import { MAX_PLAINTEXT_SIZE, checkGeneration, encodeIds } from "./attachment.js";
import {
  IntegrityError,
  SignatureError,
  TamperedError,
  TruncatedError,
  UnsupportedFormatError,
  WrongContextError,
  describe,
} from "./errors.js";

export const KIND = "casebook.manifest";
export const VERSION = 1;
export const MAGIC = utf8("CBMF");
export const SIGNATURE_DOMAIN = utf8("casebook manifest v1\0");
export const KDF_CONTEXT = "cbmanife";
export const KDF_SUBKEY_ID = 1;
export const NONCE_BYTES = sodium.crypto_aead_xchacha20poly1305_ietf_NPUBBYTES; // 24
export const ABYTES = sodium.crypto_aead_xchacha20poly1305_ietf_ABYTES; // 16
const PREFIX_BYTES = MAGIC.length + 1;
const FIELDS = [
  "attachment_id",
  "blake2b",
  "captured_at",
  "ciphertext_sha256",
  "filename",
  "generation",
  "kind",
  "media_type",
  "sha256",
  "size",
  "uploaded_at",
  "uploader",
  "v",
  "vault_id",
].join();
const TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
const HEX = /^[0-9a-f]{64}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A time in the manifest's form: UTC, whole seconds, YYYY-MM-DDTHH:MM:SSZ. */
export function manifestTime(date) {
  const ms = date.getTime();
  return new Date(ms - (((ms % 1000) + 1000) % 1000)).toISOString().replace(".000Z", "Z");
}

/** The manifest of a just-encrypted attachment (`encrypted` is what encryptBlob returned). */
export function manifestForUpload(
  encrypted,
  { attachmentId, vaultId, generation, filename, mediaType, capturedAt, uploadedAt, uploader },
) {
  const manifest = {
    v: VERSION,
    kind: KIND,
    attachment_id: attachmentId,
    vault_id: vaultId,
    generation,
    filename,
    media_type: mediaType,
    size: encrypted.plaintextSize,
    sha256: toHex(encrypted.plaintextSha256),
    blake2b: toHex(encrypted.plaintextBlake2b),
    ciphertext_sha256: toHex(encrypted.ciphertextSha256),
    captured_at: capturedAt === null ? null : manifestTime(capturedAt),
    uploaded_at: manifestTime(uploadedAt),
    uploader: { user_id: uploader.userId, signing_key: b64encode(uploader.signingKey) },
  };
  return checkManifest(manifest);
}

/** crypto_kdf_derive_from_key(32, 1, "cbmanife", file_key). */
export function manifestKey(fileKey) {
  if (!(fileKey instanceof Uint8Array) || fileKey.length !== 32) {
    throw new RangeError("a file key is 32 bytes");
  }
  return sodium.crypto_kdf_derive_from_key(32, KDF_SUBKEY_ID, KDF_CONTEXT, fileKey);
}

/** "CBMF" || 0x01 || attachment id || vault id || u32be(generation): 41 bytes. */
export function associatedData(attachmentId, vaultId, generation) {
  return concatBytes(MAGIC, Uint8Array.of(VERSION), encodeIds(attachmentId, vaultId, generation));
}

export function signedMessage(manifest) {
  return concatBytes(SIGNATURE_DOMAIN, canonicalJson(manifest));
}

/** Sign `manifest` with the uploader's Ed25519 key (`signingSeed`, 32 bytes) and encrypt it
 *  under the file key. `nonce` fixes the AEAD nonce, for golden vectors only. */
export function sealManifest(manifest, { signingSeed, fileKey, nonce = null }) {
  checkManifest(manifest);
  const { publicKey, privateKey } = sodium.crypto_sign_seed_keypair(signingSeed);
  if (b64encode(publicKey) !== manifest.uploader.signing_key) {
    throw new RangeError("the manifest names another uploader signing key");
  }
  const signature = sodium.crypto_sign_detached(signedMessage(manifest), privateKey);
  const body = canonicalJson({ manifest, signature: b64encode(signature) });
  const usedNonce = nonce ?? sodium.randombytes_buf(NONCE_BYTES);
  if (usedNonce.length !== NONCE_BYTES) throw new RangeError("a nonce is 24 bytes");
  const ad = associatedData(manifest.attachment_id, manifest.vault_id, manifest.generation);
  const sealed = sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(
    body,
    ad,
    null,
    usedNonce,
    manifestKey(fileKey),
  );
  return concatBytes(MAGIC, Uint8Array.of(VERSION), usedNonce, sealed);
}

/** Decrypt a manifest, check it belongs to this attachment and was signed by
 *  `expectedSigningKey` (the uploader's Ed25519 public key, from the verified membership log,
 *  never from the server or the manifest itself). Returns the manifest object. */
export function openManifest(
  sealed,
  { fileKey, attachmentId, vaultId, generation, expectedSigningKey },
) {
  if (!MAGIC.every((b, i) => sealed[i] === b)) {
    throw new UnsupportedFormatError("this is not a Casebook encrypted manifest");
  }
  if (sealed.length > MAGIC.length && sealed[MAGIC.length] !== VERSION) {
    throw new UnsupportedFormatError(
      `unsupported manifest format version ${sealed[MAGIC.length]}`,
    );
  }
  if (sealed.length < PREFIX_BYTES + NONCE_BYTES + ABYTES) {
    throw new TruncatedError("the encrypted manifest was cut short");
  }
  const nonce = sealed.subarray(PREFIX_BYTES, PREFIX_BYTES + NONCE_BYTES);
  const ad = associatedData(attachmentId, vaultId, generation);
  let body;
  try {
    body = sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(
      null,
      sealed.subarray(PREFIX_BYTES + NONCE_BYTES),
      ad,
      nonce,
      manifestKey(fileKey),
    );
  } catch {
    throw new TamperedError(
      "the manifest was altered, or belongs to another attachment, vault, generation " +
        "or file key",
    );
  }
  const { fields, signature } = parsePair(body);
  if (!isObject(fields) || !isObject(fields.uploader)) {
    throw new UnsupportedFormatError("this is not a Casebook manifest");
  }
  if (fields.uploader.signing_key !== b64encode(expectedSigningKey)) {
    throw new SignatureError("the manifest was signed by another key than the uploader's");
  }
  let message;
  try {
    message = signedMessage(fields);
  } catch {
    throw new UnsupportedFormatError("the manifest is malformed");
  }
  if (!sodium.crypto_sign_verify_detached(signature, message, expectedSigningKey)) {
    throw new SignatureError("the manifest's signature is not valid");
  }
  const manifest = checkManifest(fields);
  if (manifest.attachment_id !== attachmentId || manifest.vault_id !== vaultId) {
    throw new WrongContextError("this manifest belongs to another attachment or vault");
  }
  if (manifest.generation !== generation) {
    throw new WrongContextError(
      `this manifest names vault key generation ${manifest.generation}, not ${generation}`,
    );
  }
  return manifest;
}

/** Compare a decryption result (what decryptBlob returned) with its manifest: size, SHA-256
 *  and BLAKE2b of the plaintext, and SHA-256 of the blob. */
export function verifyDownload(decrypted, manifest) {
  if (decrypted.plaintextSize !== manifest.size) {
    throw new IntegrityError(
      `the file has ${decrypted.plaintextSize} bytes, the manifest says ${manifest.size}`,
    );
  }
  if (toHex(decrypted.plaintextSha256) !== manifest.sha256) {
    throw new IntegrityError("the file's SHA-256 does not match the manifest");
  }
  if (toHex(decrypted.plaintextBlake2b) !== manifest.blake2b) {
    throw new IntegrityError("the file's BLAKE2b does not match the manifest");
  }
  if (toHex(decrypted.ciphertextSha256) !== manifest.ciphertext_sha256) {
    throw new IntegrityError("the encrypted file's SHA-256 does not match the manifest");
  }
}

function isObject(value) {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function parsePair(body) {
  let pair;
  try {
    pair = JSON.parse(fromUtf8(body));
  } catch {
    throw new UnsupportedFormatError("the manifest does not hold JSON");
  }
  if (!isObject(pair) || Object.keys(pair).sort().join() !== "manifest,signature") {
    throw new UnsupportedFormatError("the manifest is not a {manifest, signature} pair");
  }
  let canonical;
  let signature;
  try {
    canonical = canonicalJson(pair);
    signature = b64decode(pair.signature);
  } catch (error) {
    if (!(error instanceof EncodingError)) throw error;
    throw new UnsupportedFormatError(`the manifest is malformed: ${error.message}`);
  }
  if (!bytesEqual(canonical, body)) {
    throw new UnsupportedFormatError("the manifest is not canonical JSON");
  }
  if (signature.length !== 64) {
    throw new UnsupportedFormatError("the manifest's signature is not 64 bytes");
  }
  return { fields: pair.manifest, signature };
}

/** Check a manifest object field by field (exact key set, types, ranges, canonical forms). */
export function checkManifest(fields) {
  if (!isObject(fields) || fields.kind !== KIND) {
    throw new UnsupportedFormatError("this is not a Casebook manifest");
  }
  if (fields.v !== VERSION) {
    throw new UnsupportedFormatError(`unsupported manifest version ${describe(fields.v)}`);
  }
  if (Object.keys(fields).sort().join() !== FIELDS) {
    throw new UnsupportedFormatError("the manifest has missing or unknown fields");
  }
  const uploader = fields.uploader;
  if (!isObject(uploader) || Object.keys(uploader).sort().join() !== "signing_key,user_id") {
    throw new UnsupportedFormatError("the manifest's uploader is malformed");
  }
  const malformed = (why) => new UnsupportedFormatError(`the manifest is malformed: ${why}`);
  for (const name of ["attachment_id", "vault_id"]) {
    if (typeof fields[name] !== "string" || !UUID.test(fields[name])) {
      throw malformed("an id is a lowercase hyphenated UUID");
    }
  }
  try {
    checkGeneration(fields.generation);
  } catch {
    throw malformed("generation is an unsigned 32-bit integer");
  }
  if (!Number.isInteger(fields.size) || fields.size < 0 || fields.size > MAX_PLAINTEXT_SIZE) {
    throw malformed("size out of range");
  }
  for (const name of ["filename", "media_type"]) {
    if (typeof fields[name] !== "string") throw malformed(`${name} is text`);
  }
  for (const name of ["sha256", "blake2b", "ciphertext_sha256"]) {
    if (typeof fields[name] !== "string" || !HEX.test(fields[name])) {
      throw malformed("a digest is 64 lowercase hex digits");
    }
  }
  for (const name of ["captured_at", "uploaded_at"]) {
    const value = fields[name];
    if (value === null && name === "captured_at") continue;
    if (typeof value !== "string" || !TIME.test(value) || !validTime(value)) {
      throw malformed("a time is YYYY-MM-DDTHH:MM:SSZ");
    }
  }
  if (typeof uploader.user_id !== "string") throw malformed("the uploader's user id is text");
  let key;
  try {
    key = b64decode(uploader.signing_key);
  } catch (error) {
    throw malformed(error.message);
  }
  if (key.length !== 32) throw malformed("a signing key is 32 bytes");
  return fields;
}

function validTime(text) {
  const date = new Date(text);
  return !Number.isNaN(date.getTime()) && manifestTime(date) === text;
}
