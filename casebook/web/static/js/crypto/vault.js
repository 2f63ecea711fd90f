// Vault generations, reader side (docs/crypto/keys-and-vaults.md, "Vault generations"),
// mirroring casebook/crypto/vault.py: open the generation key sealed to a reader, and walk
// back to older generations through the links sealed to each newer one. Every public key is
// checked against the verified membership log, never taken from the server alone.

import sodium from "./sodium.js";
import { EncodingError, b64decode, bytesEqual, parseCanonicalJson } from "./encoding.js";
import { TamperedError, UnsupportedFormatError, WrongContextError, describe } from "./errors.js";

export const KEY_FORMAT = "casebook.vault-key";
export const PREVIOUS_FORMAT = "casebook.vault-previous-key";
export const GENERATION_FORMAT = "casebook.vault-generation";
export const FORMAT_VERSION = 1;
const GENERATION_FIELDS = [
  "format",
  "format_version",
  "generation",
  "previous",
  "public_key",
  "sealed_to_escrow",
  "sealed_to_readers",
  "vault_id",
].join();

function decode(text, what) {
  try {
    return b64decode(text);
  } catch (error) {
    if (!(error instanceof EncodingError)) throw error;
    throw new UnsupportedFormatError(`vault generation: ${what}: ${error.message}`);
  }
}

/** Parse a published generation (what the server stores): returns {vaultId, number,
 *  publicKey, sealedToReaders (user id -> bytes), sealedToEscrow, previous (bytes or null)}. */
export function parsePublishedGeneration(value) {
  const ok = value !== null && typeof value === "object" && !Array.isArray(value);
  if (!ok || Object.keys(value).sort().join() !== GENERATION_FIELDS) {
    throw new UnsupportedFormatError(`vault generation: expected the fields [${GENERATION_FIELDS}]`);
  }
  if (value.format !== GENERATION_FORMAT || value.format_version !== FORMAT_VERSION) {
    throw new UnsupportedFormatError("not a version-1 casebook vault generation");
  }
  if (!Number.isInteger(value.generation) || value.generation < 1 || typeof value.vault_id !== "string") {
    throw new UnsupportedFormatError("vault generation: bad generation number or vault id");
  }
  const readers = value.sealed_to_readers;
  if (readers === null || typeof readers !== "object" || Array.isArray(readers)) {
    throw new UnsupportedFormatError("vault generation: sealed_to_readers is an object");
  }
  const publicKey = decode(value.public_key, "public_key");
  if (publicKey.length !== 32) {
    throw new UnsupportedFormatError("vault generation: public_key is 32 bytes");
  }
  return {
    vaultId: value.vault_id,
    number: value.generation,
    publicKey,
    sealedToReaders: new Map(Object.entries(readers).map(([k, v]) => [k, decode(v, k)])),
    sealedToEscrow: decode(value.sealed_to_escrow, "sealed_to_escrow"),
    previous: value.previous === null ? null : decode(value.previous, "previous"),
  };
}

function unseal(sealed, recipientSk, what) {
  let plaintext;
  try {
    plaintext = sodium.crypto_box_seal_open(sealed, sodium.crypto_scalarmult_base(recipientSk), recipientSk);
  } catch {
    throw new TamperedError(`${what} does not open with this key: it was not sealed to you, or it was altered`);
  }
  try {
    const value = parseCanonicalJson(plaintext);
    if (value !== null && typeof value === "object" && !Array.isArray(value)) return value;
  } catch (error) {
    if (!(error instanceof EncodingError)) throw error;
  }
  throw new UnsupportedFormatError(`${what}: not canonical JSON inside the seal`);
}

function checkOpened(value, { format, extra, vaultId, number, expectedPublicKey, what }) {
  const keys = ["format", "format_version", "generation", "private_key", "vault_id", ...Object.keys(extra)];
  if (
    Object.keys(value).sort().join() !== keys.sort().join() ||
    value.format !== format ||
    value.format_version !== FORMAT_VERSION
  ) {
    throw new UnsupportedFormatError(`${what}: unexpected content`);
  }
  if (value.vault_id !== vaultId) {
    throw new WrongContextError(
      `${what} belongs to vault ${describe(value.vault_id)}, not ${describe(vaultId)}: ` +
        "the server may be substituting keys",
    );
  }
  if (value.generation !== number || Object.entries(extra).some(([k, v]) => value[k] !== v)) {
    throw new WrongContextError(
      `${what} is for generation ${describe(value.generation)}, not ${number}: ` +
        "the server may be substituting keys",
    );
  }
  let privateKey;
  try {
    privateKey = b64decode(value.private_key);
  } catch (error) {
    if (!(error instanceof EncodingError)) throw error;
    throw new UnsupportedFormatError(`${what}: ${error.message}`);
  }
  if (privateKey.length !== 32 || !bytesEqual(sodium.crypto_scalarmult_base(privateKey), expectedPublicKey)) {
    throw new WrongContextError(
      `${what}: the private key does not match generation ${number}'s public key in the membership log`,
    );
  }
  return { vaultId, number, publicKey: expectedPublicKey, privateKey };
}

function expected(published, loggedPublicKey) {
  if (!bytesEqual(loggedPublicKey, published.publicKey)) {
    throw new WrongContextError(
      `generation ${published.number}'s public key differs from the membership log: ` +
        "the server may be substituting keys",
    );
  }
  return loggedPublicKey;
}

/** Open the generation key sealed to this reader; `loggedPublicKey` comes from the verified
 *  membership log and must match. Returns {vaultId, number, publicKey, privateKey}. */
export function openAsReader(published, readerId, readerBoxSk, { vaultId, loggedPublicKey }) {
  const publicKey = expected(published, loggedPublicKey);
  const sealed = published.sealedToReaders.get(readerId);
  if (sealed === undefined) {
    throw new WrongContextError(
      `generation ${published.number} of vault ${describe(vaultId)} is not sealed to ${describe(readerId)}`,
    );
  }
  const what = `generation ${published.number} key`;
  return checkOpened(unseal(sealed, readerBoxSk, what), {
    format: KEY_FORMAT,
    extra: {},
    vaultId,
    number: published.number,
    expectedPublicKey: publicKey,
    what,
  });
}

/** Walk back one generation: the previous private key is sealed to the current one. */
export function openPrevious(current, publishedCurrent, { loggedPreviousPublicKey }) {
  if (publishedCurrent.number !== current.number || current.number < 2) {
    throw new WrongContextError("no previous generation to open from here");
  }
  if (publishedCurrent.previous === null) {
    throw new UnsupportedFormatError(`generation ${current.number} lacks its link to the previous`);
  }
  const what = `generation ${current.number - 1} key (linked from ${current.number})`;
  return checkOpened(unseal(publishedCurrent.previous, current.privateKey, what), {
    format: PREVIOUS_FORMAT,
    extra: { opened_by_generation: current.number },
    vaultId: current.vaultId,
    number: current.number - 1,
    expectedPublicKey: loggedPreviousPublicKey,
    what,
  });
}

/** From an opened generation n, open n-1, ..., 1 by walking the links back. `published` and
 *  `loggedPublicKeys` are Maps keyed by generation number. Returns a Map number -> generation. */
export function openAllGenerations(current, published, loggedPublicKeys) {
  const opened = new Map([[current.number, current]]);
  let generation = current;
  while (generation.number > 1) {
    const record = published.get(generation.number);
    const logged = loggedPublicKeys.get(generation.number - 1);
    if (record === undefined || logged === undefined) {
      throw new WrongContextError(`generation ${generation.number} or its predecessor missing`);
    }
    expected(record, loggedPublicKeys.get(generation.number) ?? record.publicKey);
    generation = openPrevious(generation, record, { loggedPreviousPublicKey: logged });
    opened.set(generation.number, generation);
  }
  return opened;
}

