// Account keys (docs/crypto/keys-and-vaults.md, "Account keys", "Text format"), mirroring
// casebook/crypto/kdf.py: password + Secret Key -> login credential and unwrap key (Argon2id,
// never below libsodium's MODERATE), recovery codes, and the printable text of Secret Keys,
// recovery codes and escrow keys. Every constant here is part of the format.

import sodium from "./sodium.js";
import { EncodingError, b64decode, b64encode, bytesEqual, concatBytes, utf8 } from "./encoding.js";
import { CryptoFormatError, describe } from "./errors.js";

export const MIN_OPSLIMIT = 3; // libsodium's MODERATE
export const MIN_MEMLIMIT = 268435456; // 256 MiB
export const MAX_OPSLIMIT = 16;
export const MAX_MEMLIMIT = 1073741824; // 1 GiB (SENSITIVE)
export const SALT_BYTES = 16;
export const KEY_BYTES = 32;
export const SECRET_KEY_BYTES = 16;
export const RECOVERY_CODE_BYTES = 16;

const PERSON_ACCOUNT_MASTER = pad16(utf8("casebook-auk"));
const PERSON_RECOVERY_MASTER = pad16(utf8("casebook-rck"));
const DOMAIN_TEXT_CHECK = utf8("casebook.text-check.v1\0");
const SUBKEY_LOGIN = [1, "CBlogin_"];
const SUBKEY_UNWRAP = [2, "CBunwrap"];
const SUBKEY_RECOVERY_LOGIN = [3, "CBrlogin"];
const SUBKEY_RECOVERY_UNWRAP = [4, "CBrunwrp"];

/** Key-derivation parameters below libsodium's MODERATE: refused whoever sent them. */
export class WeakParameters extends CryptoFormatError {}

/** Key-derivation parameters so large they look like a denial-of-service attempt. */
export class ExcessiveParameters extends CryptoFormatError {}

/** A Secret Key, recovery code or escrow key text that does not parse or check. */
export class TextFormatError extends CryptoFormatError {}

function pad16(bytes) {
  const out = new Uint8Array(16);
  out.set(bytes);
  return out;
}

/** libsodium's crypto_kdf_derive_from_key(32, id, context, key). */
export function kdfDeriveFromKey(key, subkeyId, context) {
  return sodium.crypto_kdf_derive_from_key(KEY_BYTES, subkeyId, context, key);
}

/** Refuse parameters weaker than MODERATE (or absurdly large), with the reason. */
export function checkParams({ opslimit, memlimit, salt }) {
  if (!(salt instanceof Uint8Array) || salt.length !== SALT_BYTES) {
    throw new WeakParameters(`the Argon2id salt must be ${SALT_BYTES} bytes`);
  }
  if (opslimit < MIN_OPSLIMIT || memlimit < MIN_MEMLIMIT) {
    throw new WeakParameters(
      `refusing Argon2id parameters opslimit=${opslimit}, memlimit=${memlimit}: they are ` +
        `weaker than the minimum this client accepts (opslimit ${MIN_OPSLIMIT}, memlimit ` +
        `${MIN_MEMLIMIT} bytes = 256 MiB, libsodium's MODERATE). A server that sends weak ` +
        "parameters may be trying to make your password cheap to guess; do not log in and " +
        "tell your coordinator.",
    );
  }
  if (opslimit > MAX_OPSLIMIT || memlimit > MAX_MEMLIMIT) {
    throw new ExcessiveParameters(
      `refusing Argon2id parameters opslimit=${opslimit}, memlimit=${memlimit}: above the ` +
        `maximum this client runs (opslimit ${MAX_OPSLIMIT}, memlimit ${MAX_MEMLIMIT} bytes).`,
    );
  }
}

/** Parse the parameters the server sent ({alg, memlimit, opslimit, salt}) and refuse them if
 *  weak. Returns {opslimit, memlimit, salt} with the salt as bytes. */
export function paramsFromServer(value) {
  const keys = value !== null && typeof value === "object" ? Object.keys(value).sort().join() : "";
  if (Array.isArray(value) || keys !== "alg,memlimit,opslimit,salt") {
    throw new WeakParameters("Argon2id parameters: unexpected structure");
  }
  if (value.alg !== "argon2id13") {
    throw new WeakParameters(`refusing key-derivation algorithm ${describe(value.alg)}`);
  }
  const { opslimit, memlimit } = value;
  if (!Number.isInteger(opslimit) || !Number.isInteger(memlimit) || typeof value.salt !== "string") {
    throw new WeakParameters("Argon2id parameters: opslimit/memlimit must be integers");
  }
  let salt;
  try {
    salt = b64decode(value.salt);
  } catch (error) {
    if (!(error instanceof EncodingError)) throw error;
    throw new WeakParameters(`Argon2id parameters: salt: ${error.message}`);
  }
  const params = { opslimit, memlimit, salt };
  checkParams(params);
  return params;
}

/** Parameters for a new account (or a password change): MODERATE and a fresh 16-byte salt. */
export function generateParams() {
  return { opslimit: MIN_OPSLIMIT, memlimit: MIN_MEMLIMIT, salt: sodium.randombytes_buf(SALT_BYTES) };
}

/** The parameters as the server stores them ({alg, memlimit, opslimit, salt}). */
export function paramsJson({ opslimit, memlimit, salt }) {
  return { alg: "argon2id13", memlimit, opslimit, salt: b64encode(salt) };
}

/** A new Secret Key: 16 bytes from the CSPRNG. */
export function generateSecretKey() {
  return sodium.randombytes_buf(SECRET_KEY_BYTES);
}

/** A new recovery code: 16 bytes from the CSPRNG. */
export function generateRecoveryCode() {
  return sodium.randombytes_buf(RECOVERY_CODE_BYTES);
}

export function normalizePassword(password) {
  return utf8(password.normalize("NFC"));
}

/** pwk = Argon2id(NFC(password) as UTF-8, salt, opslimit, memlimit), 32 bytes. The parameters
 *  are checked on every call: there is no way to derive below MODERATE. */
export function derivePasswordKey(password, params) {
  checkParams(params);
  return sodium.crypto_pwhash(
    KEY_BYTES,
    normalizePassword(password),
    params.salt,
    params.opslimit,
    params.memlimit,
    sodium.crypto_pwhash_ALG_ARGON2ID13,
  );
}

/** master = BLAKE2b-256("", key = pwk, salt = Secret Key, person = "casebook-auk");
 *  loginCredential = b64(kdf(master, 1, "CBlogin_")), unwrapKey = kdf(master, 2, "CBunwrap").
 *  Also returns master, for the golden vectors. */
export function accountKeysFromPasswordKey(pwk, secretKey) {
  if (pwk.length !== KEY_BYTES || secretKey.length !== SECRET_KEY_BYTES) {
    throw new RangeError("pwk is 32 bytes, the Secret Key 16 bytes");
  }
  const master = sodium.crypto_generichash_blake2b_salt_personal(
    KEY_BYTES,
    pwk,
    secretKey,
    PERSON_ACCOUNT_MASTER,
  );
  return {
    master,
    loginCredential: b64encode(kdfDeriveFromKey(master, ...SUBKEY_LOGIN)),
    unwrapKey: kdfDeriveFromKey(master, ...SUBKEY_UNWRAP),
  };
}

export function deriveAccountKeys(password, secretKey, params) {
  return accountKeysFromPasswordKey(derivePasswordKey(password, params), secretKey);
}

/** rmaster = BLAKE2b-256("", key = recovery code, person = "casebook-rck");
 *  loginCredential = b64(kdf(rmaster, 3, "CBrlogin")), recoveryKey = kdf(rmaster, 4, "CBrunwrp"). */
export function deriveRecoveryKeys(recoveryCode) {
  if (recoveryCode.length !== RECOVERY_CODE_BYTES) {
    throw new RangeError("a recovery code is 16 bytes");
  }
  const master = sodium.crypto_generichash_blake2b_salt_personal(
    KEY_BYTES,
    recoveryCode,
    new Uint8Array(16),
    PERSON_RECOVERY_MASTER,
  );
  return {
    master,
    loginCredential: b64encode(kdfDeriveFromKey(master, ...SUBKEY_RECOVERY_LOGIN)),
    recoveryKey: kdfDeriveFromKey(master, ...SUBKEY_RECOVERY_UNWRAP),
  };
}

// --------------------------------------------------------------------------- text format

export const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const DECODE = new Map([...CROCKFORD].map((c, i) => [c, i]));
DECODE.set("O", 0).set("I", 1).set("L", 1);

// kind -> [prefix, payload bytes, number of hash check characters]
export const TEXT_KINDS = {
  "secret-key": ["CBSK1", 16, 3],
  "recovery-code": ["CBRC1", 16, 3],
  "escrow-key": ["CBEK1", 32, 2],
};

function toBigInt(bytes) {
  let value = 0n;
  for (const b of bytes) value = (value << 8n) | BigInt(b);
  return value;
}

function base32(payload) {
  const bits = payload.length * 8;
  const count = Math.ceil(bits / 5);
  const value = toBigInt(payload) << BigInt(count * 5 - bits);
  let text = "";
  for (let i = 0; i < count; i++) {
    text += CROCKFORD[Number((value >> BigInt(5 * (count - 1 - i))) & 31n)];
  }
  return text;
}

/** Luhn mod 32 check symbol over the data symbols. */
function luhn32(symbols) {
  let factor = 2;
  let total = 0;
  for (let i = symbols.length - 1; i >= 0; i--) {
    const addend = factor * symbols[i];
    total += Math.floor(addend / 32) + (addend % 32);
    factor = 3 - factor;
  }
  return (32 - (total % 32)) % 32;
}

function checkChars(prefix, payload, data, nhash) {
  const luhn = CROCKFORD[luhn32([...data].map((c) => DECODE.get(c)))];
  const digest = sodium.crypto_generichash(32, concatBytes(DOMAIN_TEXT_CHECK, utf8(prefix), payload), null);
  const top = new DataView(digest.buffer, digest.byteOffset).getUint32(0) >>> (32 - 5 * nhash);
  let hash = "";
  for (let i = 0; i < nhash; i++) hash += CROCKFORD[(top >>> (5 * (nhash - 1 - i))) & 31];
  return luhn + hash;
}

export function formatKeyText(kind, payload) {
  const [prefix, size, nhash] = TEXT_KINDS[kind];
  if (payload.length !== size) throw new RangeError(`a ${kind} is ${size} bytes`);
  const data = base32(payload);
  const chars = data + checkChars(prefix, payload, data, nhash);
  const groups = chars.match(/.{1,5}/g);
  return [prefix, ...groups].join("-");
}

export function parseKeyText(kind, text) {
  const [prefix, size, nhash] = TEXT_KINDS[kind];
  const label = kind.replace("-", " ");
  const cleaned = text.replace(/\s/g, "").replaceAll("-", "").toUpperCase();
  if (!cleaned.startsWith(prefix)) {
    const other = Object.entries(TEXT_KINDS).find(([, v]) => cleaned.startsWith(v[0]));
    const hint = other ? ` (this looks like a ${other[0].replace("-", " ")})` : "";
    throw new TextFormatError(`a ${label} starts with ${prefix}-${hint}`);
  }
  const body = cleaned.slice(prefix.length);
  const ndata = Math.ceil((size * 8) / 5);
  if (body.length !== ndata + 1 + nhash) {
    throw new TextFormatError(
      `a ${label} has ${ndata + 1 + nhash} characters after ${prefix}-, this has ${body.length}`,
    );
  }
  const bad = [...new Set([...body].filter((c) => !DECODE.has(c)))].sort();
  if (bad.length) {
    throw new TextFormatError(`'${bad.join("")}' cannot appear in a ${label} (Crockford base32)`);
  }
  const data = [...body.slice(0, ndata)].map((c) => CROCKFORD[DECODE.get(c)]).join("");
  let value = 0n;
  for (const c of data) value = (value << 5n) | BigInt(DECODE.get(c));
  const spare = BigInt(ndata * 5 - size * 8);
  if (value & ((1n << spare) - 1n)) {
    throw new TextFormatError(`this ${label} has a typo (the last data character is impossible)`);
  }
  value >>= spare;
  const payload = new Uint8Array(size);
  for (let i = size - 1; i >= 0; i--) {
    payload[i] = Number(value & 255n);
    value >>= 8n;
  }
  const check = [...body.slice(ndata)].map((c) => CROCKFORD[DECODE.get(c)]).join("");
  if (!bytesEqual(utf8(check), utf8(checkChars(prefix, payload, data, nhash)))) {
    throw new TextFormatError(`this ${label} has a typo: its check characters do not match`);
  }
  return payload;
}

export function formatSecretKey(secretKey) {
  return formatKeyText("secret-key", secretKey);
}

export function parseSecretKey(text) {
  return parseKeyText("secret-key", text);
}

export function formatRecoveryCode(code) {
  return formatKeyText("recovery-code", code);
}

export function parseRecoveryCode(text) {
  return parseKeyText("recovery-code", text);
}
