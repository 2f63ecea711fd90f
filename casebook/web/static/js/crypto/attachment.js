// Encrypted attachment stream (docs/crypto/attachment-format.md, "The blob"), mirroring
// casebook/crypto/attachment.py.
//
// Blob = preamble (65 bytes) followed by secretstream chunks; the preamble is the associated
// data of every chunk. The encrypted plaintext stream is u64be(L) || data || zeros of total
// length padme(8 + L), cut into 65,536-byte chunks; the last is tagged FINAL, all others
// MESSAGE. Both directions read their input one chunk at a time; decryption returns the
// plaintext only once the whole blob has been verified.

import sodium from "./sodium.js";
import { concatBytes, uuidBytes } from "./encoding.js";
import {
  PaddingError,
  TamperedError,
  TrailingDataError,
  TruncatedError,
  UnsupportedFormatError,
  WrongContextError,
} from "./errors.js";
import { padme } from "./padding.js";

export const MAGIC = Uint8Array.of(0x43, 0x42, 0x45, 0x56); // "CBEV"
export const VERSION = 1;
export const CHUNK_SIZE = 65536;
export const ABYTES = sodium.crypto_secretstream_xchacha20poly1305_ABYTES; // 17
export const HEADER_BYTES = sodium.crypto_secretstream_xchacha20poly1305_HEADERBYTES; // 24
export const KEY_BYTES = sodium.crypto_secretstream_xchacha20poly1305_KEYBYTES; // 32
export const CIPHER_CHUNK_SIZE = CHUNK_SIZE + ABYTES;
export const LENGTH_BYTES = 8;
export const MAX_PLAINTEXT_SIZE = 2 ** 50;
export const TAG_MESSAGE = sodium.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE; // 0
export const TAG_FINAL = sodium.crypto_secretstream_xchacha20poly1305_TAG_FINAL; // 3
export const IDS_BYTES = 36;
export const PREAMBLE_BYTES = MAGIC.length + 1 + IDS_BYTES + HEADER_BYTES; // 65

/** attachment id (16) || vault id (16) || u32be(generation): 36 bytes. */
export function encodeIds(attachmentId, vaultId, generation) {
  checkGeneration(generation);
  const out = new Uint8Array(IDS_BYTES);
  out.set(uuidBytes(attachmentId), 0);
  out.set(uuidBytes(vaultId), 16);
  new DataView(out.buffer).setUint32(32, generation);
  return out;
}

export function checkGeneration(generation) {
  if (!Number.isInteger(generation) || generation < 0 || generation > 0xffffffff) {
    throw new RangeError("generation is an unsigned 32-bit integer");
  }
}

/** Length of the encrypted plaintext stream: padme(8 + L). */
export function paddedSize(plaintextSize) {
  return padme(LENGTH_BYTES + plaintextSize);
}

/** Exact blob size for a plaintext of `plaintextSize` bytes. */
export function ciphertextSize(plaintextSize) {
  const padded = paddedSize(plaintextSize);
  return PREAMBLE_BYTES + padded + Math.ceil(padded / CHUNK_SIZE) * ABYTES;
}

/** Streaming SHA-256 and BLAKE2b-256 (unkeyed crypto_generichash) of the same bytes. */
class Digests {
  constructor() {
    this.sha256 = sodium.crypto_hash_sha256_init();
    this.blake2b = sodium.crypto_generichash_init(null, 32);
  }

  update(bytes) {
    sodium.crypto_hash_sha256_update(this.sha256, bytes);
    sodium.crypto_generichash_update(this.blake2b, bytes);
  }

  final() {
    return {
      sha256: sodium.crypto_hash_sha256_final(this.sha256),
      blake2b: sodium.crypto_generichash_final(this.blake2b, 32),
    };
  }
}

class Sha256 {
  constructor(first) {
    this.state = sodium.crypto_hash_sha256_init();
    this.update(first);
  }

  update(bytes) {
    sodium.crypto_hash_sha256_update(this.state, bytes);
  }

  final() {
    return sodium.crypto_hash_sha256_final(this.state);
  }
}

async function read(blob, start, end) {
  return new Uint8Array(await blob.slice(start, end).arrayBuffer());
}

function checkKey(fileKey) {
  if (!(fileKey instanceof Uint8Array) || fileKey.length !== KEY_BYTES) {
    throw new RangeError("a file key is 32 bytes");
  }
}

/**
 * Encrypt `file` (a File or Blob) for one attachment. Returns the blob (a Blob) with its size
 * and SHA-256, and the plaintext's size, SHA-256 and BLAKE2b-256 for the manifest (never send
 * the plaintext hashes anywhere else). `progress` receives the plaintext bytes read so far.
 * `header` fixes the secretstream header, for golden vectors only.
 */
export async function encryptBlob(
  file,
  { fileKey, attachmentId, vaultId, generation, progress = null, header = null },
) {
  checkKey(fileKey);
  const length = file.size;
  if (length > MAX_PLAINTEXT_SIZE) throw new RangeError("plaintext size out of range");
  const ids = encodeIds(attachmentId, vaultId, generation);
  let state;
  if (header === null) {
    ({ state, header } = sodium.crypto_secretstream_xchacha20poly1305_init_push(fileKey));
  } else {
    // init_push draws a random header and derives the state from it exactly as init_pull
    // does; push and pull share one state structure (golden vectors only).
    if (header.length !== HEADER_BYTES) throw new RangeError("a secretstream header is 24 bytes");
    state = sodium.crypto_secretstream_xchacha20poly1305_init_pull(header, fileKey);
  }
  const preamble = concatBytes(MAGIC, Uint8Array.of(VERSION), ids, header);
  const cipherHash = new Sha256(preamble);
  const plain = new Digests();
  const parts = [preamble];
  const padded = paddedSize(length);
  let produced = 0;
  let consumed = 0;
  while (produced < padded) {
    const want = Math.min(CHUNK_SIZE, padded - produced);
    const prefix = produced === 0 ? LENGTH_BYTES : 0;
    const take = Math.min(length - consumed, want - prefix);
    const data = await read(file, consumed, consumed + take);
    if (data.length !== take) throw new Error("the file changed size while it was read");
    const chunk = new Uint8Array(want); // zero padding after the data
    if (prefix) new DataView(chunk.buffer).setBigUint64(0, BigInt(length));
    chunk.set(data, prefix);
    consumed += take;
    produced += want;
    plain.update(data);
    const tag = produced === padded ? TAG_FINAL : TAG_MESSAGE;
    const sealed = sodium.crypto_secretstream_xchacha20poly1305_push(state, chunk, preamble, tag);
    cipherHash.update(sealed);
    parts.push(sealed);
    if (progress) progress(consumed);
  }
  const digests = plain.final();
  const blob = new Blob(parts, { type: "application/octet-stream" });
  return {
    blob,
    ciphertextSize: blob.size,
    ciphertextSha256: cipherHash.final(),
    plaintextSize: length,
    plaintextSha256: digests.sha256,
    plaintextBlake2b: digests.blake2b,
  };
}

function pull(state, sealed, preamble, index, short) {
  let result = false;
  try {
    // libsodium-wrappers returns false (rather than throwing) when a chunk does not verify.
    result = sodium.crypto_secretstream_xchacha20poly1305_pull(state, sealed, preamble);
  } catch {
    result = false;
  }
  if (!result) {
    const how = short ? ", or the file was cut short inside it" : "";
    throw new TamperedError(
      `chunk ${index} was altered or moved${how} (or the key or header is wrong)`,
    );
  }
  return result;
}

let singleChunkSizes = null;

/** On the error path only: does `sealed` start with a whole valid one-chunk stream? Chunk 0's
 *  length is unknown until it decrypts, so a small blob with bytes appended fails as one
 *  oversized chunk; trying each possible one-chunk size tells that case apart. */
function isSingleChunkWithTrailer(sealed, preamble, fileKey) {
  if (singleChunkSizes === null) {
    const sizes = new Set();
    for (let n = 0; n < CHUNK_SIZE; n++) {
      const padded = paddedSize(n);
      if (padded <= CHUNK_SIZE) sizes.add(padded);
    }
    singleChunkSizes = [...sizes].sort((a, b) => a - b);
  }
  const header = preamble.subarray(PREAMBLE_BYTES - HEADER_BYTES);
  for (const padded of singleChunkSizes) {
    if (padded + ABYTES >= sealed.length) break;
    const state = sodium.crypto_secretstream_xchacha20poly1305_init_pull(header, fileKey);
    let result = false;
    try {
      result = sodium.crypto_secretstream_xchacha20poly1305_pull(
        state,
        sealed.subarray(0, padded + ABYTES),
        preamble,
      );
    } catch {
      result = false;
    }
    if (result) return result.tag === TAG_FINAL;
  }
  return false;
}

/**
 * Decrypt a blob (a Blob) of the attachment named by the ids the caller expects (from the
 * record it asked for). Every check of the format is made; any failure throws a
 * CryptoFormatError subclass and returns no plaintext. On success returns the plaintext as a
 * Blob of type `mediaType` with the blob's size and SHA-256 and the plaintext's size, SHA-256
 * and BLAKE2b-256.
 */
export async function decryptBlob(
  source,
  { fileKey, attachmentId, vaultId, generation, progress = null, mediaType = "" },
) {
  checkKey(fileKey);
  const expectedIds = encodeIds(attachmentId, vaultId, generation);
  const preamble = await read(source, 0, PREAMBLE_BYTES);
  if (preamble.length < MAGIC.length + 1 || !MAGIC.every((b, i) => preamble[i] === b)) {
    throw new UnsupportedFormatError("this is not a Casebook encrypted attachment");
  }
  if (preamble[MAGIC.length] !== VERSION) {
    throw new UnsupportedFormatError(
      `unsupported attachment format version ${preamble[MAGIC.length]}`,
    );
  }
  if (preamble.length < PREAMBLE_BYTES) {
    throw new TruncatedError("the file was cut short inside its preamble");
  }
  const ids = preamble.subarray(MAGIC.length + 1, MAGIC.length + 1 + IDS_BYTES);
  if (!ids.subarray(0, 32).every((b, i) => b === expectedIds[i])) {
    throw new WrongContextError("this blob belongs to another attachment or vault");
  }
  const found = new DataView(ids.buffer, ids.byteOffset).getUint32(32);
  if (found !== generation) {
    throw new WrongContextError(
      `this blob was encrypted for vault key generation ${found}, not ${generation}`,
    );
  }
  const header = preamble.subarray(PREAMBLE_BYTES - HEADER_BYTES);
  const state = sodium.crypto_secretstream_xchacha20poly1305_init_pull(header, fileKey);
  const cipherHash = new Sha256(preamble);
  const plain = new Digests();
  const parts = [];
  let offset = PREAMBLE_BYTES;

  // Chunk 0: its size is unknown until it is decrypted (it holds the length).
  let sealed = await read(source, offset, offset + CIPHER_CHUNK_SIZE);
  if (sealed.length === 0) {
    throw new TruncatedError("the file was cut short: it ends after its preamble");
  }
  let result;
  try {
    result = pull(state, sealed, preamble, 0, sealed.length < CIPHER_CHUNK_SIZE);
  } catch (error) {
    if (isSingleChunkWithTrailer(sealed, preamble, fileKey)) {
      throw new TrailingDataError("bytes follow the end of the file");
    }
    throw error;
  }
  cipherHash.update(sealed);
  offset += sealed.length;
  let chunk = result.message;
  if (chunk.length < LENGTH_BYTES) {
    throw new PaddingError("chunk 0 is too short to hold the file length");
  }
  const recorded = new DataView(chunk.buffer, chunk.byteOffset).getBigUint64(0);
  if (recorded > BigInt(MAX_PLAINTEXT_SIZE)) {
    throw new PaddingError("the recorded file length is out of range");
  }
  const length = Number(recorded);
  const padded = paddedSize(length);
  const count = Math.ceil(padded / CHUNK_SIZE);
  if (chunk.length !== Math.min(padded, CHUNK_SIZE)) {
    throw new PaddingError("chunk 0 does not have the size its recorded file length implies");
  }
  let remaining = length;
  let index = 0;
  let dataStart = LENGTH_BYTES;
  for (;;) {
    const last = index === count - 1;
    if (result.tag !== (last ? TAG_FINAL : TAG_MESSAGE)) {
      throw new TamperedError(`chunk ${index} carries the wrong tag`);
    }
    const take = Math.min(remaining, chunk.length - dataStart);
    const data = chunk.slice(dataStart, dataStart + take);
    if (chunk.subarray(dataStart + take).some((b) => b !== 0)) {
      throw new PaddingError(`the padding in chunk ${index} is not all zeros`);
    }
    parts.push(data);
    plain.update(data);
    remaining -= take;
    if (progress) progress(length - remaining);
    if (last) break;
    index += 1;
    dataStart = 0;
    const want = Math.min(CHUNK_SIZE, padded - index * CHUNK_SIZE) + ABYTES;
    sealed = await read(source, offset, offset + want);
    if (sealed.length < want) {
      const what = sealed.length === 0 ? "missing" : "incomplete";
      throw new TruncatedError(
        `the file was cut short: chunk ${index} is ${what} (${count} chunks expected)`,
      );
    }
    result = pull(state, sealed, preamble, index, false);
    chunk = result.message;
    cipherHash.update(sealed);
    offset += sealed.length;
  }
  if (source.size > offset) throw new TrailingDataError("bytes follow the end of the file");
  const digests = plain.final();
  return {
    blob: new Blob(parts, { type: mediaType }),
    ciphertextSize: offset,
    ciphertextSha256: cipherHash.final(),
    plaintextSize: length,
    plaintextSha256: digests.sha256,
    plaintextBlake2b: digests.blake2b,
  };
}
