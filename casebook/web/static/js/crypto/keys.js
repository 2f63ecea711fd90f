// The key bundle (docs/crypto/keys-and-vaults.md, "Key bundle"), mirroring
// casebook/crypto/keys.py: a user's X25519 box key pair and Ed25519 signing key pair, the
// public halves as a signed identity, the private halves wrapped under the unwrap key and the
// recovery key. Identities and bundles are the plain JSON objects of the format.

import sodium from "./sodium.js";
import { EncodingError, b64decode, b64encode, bytesEqual, canonicalJson, concatBytes, utf8 } from "./encoding.js";
import { SignatureError, TamperedError, UnsupportedFormatError, WrongContextError, describe } from "./errors.js";

export const BUNDLE_FORMAT = "casebook.key-bundle";
export const BUNDLE_FORMAT_VERSION = 1;
export const WRAP_UNWRAP_KEY = "unwrap-key";
export const WRAP_RECOVERY = "recovery-key";
export const IDENTITY_DOMAIN = utf8("casebook.identity.v1\0");
const NONCE_BYTES = 24;
const SECRET_BYTES = 64; // box_sk (32) || sign_seed (32)

function exactKeys(value, keys, what) {
  const ok =
    value !== null &&
    typeof value === "object" &&
    !Array.isArray(value) &&
    Object.keys(value).sort().join() === [...keys].sort().join();
  if (!ok) {
    throw new UnsupportedFormatError(`${what}: expected exactly the fields ${describe([...keys].sort())}`);
  }
  return value;
}

function bytesField(value, name, size) {
  if (typeof value !== "string") throw new UnsupportedFormatError(`${name}: expected base64 text`);
  let raw;
  try {
    raw = b64decode(value);
  } catch (error) {
    if (!(error instanceof EncodingError)) throw error;
    throw new UnsupportedFormatError(`${name}: ${error.message}`);
  }
  if (raw.length !== size) {
    throw new UnsupportedFormatError(`${name}: expected ${size} bytes, got ${raw.length}`);
  }
  return raw;
}

function textField(value, name) {
  if (typeof value !== "string" || !value) {
    throw new UnsupportedFormatError(`${name}: expected non-empty text`);
  }
  return value;
}

/** What an identity's signature covers: the domain, then canonical JSON of the user id and
 *  both public keys as base64. */
export function identityMessage(userId, boxPk, signPk) {
  return concatBytes(
    IDENTITY_DOMAIN,
    canonicalJson({ box_pk: b64encode(boxPk), sign_pk: b64encode(signPk), user_id: userId }),
  );
}

/** Parse a public identity {box_pk, sign_pk, signature, user_id}: returns it with the keys
 *  as bytes (userId, boxPk, signPk, signature). Does not verify it. */
export function parseIdentity(value) {
  const v = exactKeys(value, ["box_pk", "sign_pk", "signature", "user_id"], "identity");
  return {
    userId: textField(v.user_id, "user_id"),
    boxPk: bytesField(v.box_pk, "box_pk", 32),
    signPk: bytesField(v.sign_pk, "sign_pk", 32),
    signature: bytesField(v.signature, "signature", 64),
  };
}

export function identityJson(identity) {
  return {
    box_pk: b64encode(identity.boxPk),
    sign_pk: b64encode(identity.signPk),
    signature: b64encode(identity.signature),
    user_id: identity.userId,
  };
}

export function identitiesEqual(a, b) {
  return (
    a.userId === b.userId &&
    bytesEqual(a.boxPk, b.boxPk) &&
    bytesEqual(a.signPk, b.signPk) &&
    bytesEqual(a.signature, b.signature)
  );
}

/** Refuse a box key that the signing key did not sign (for this user id). */
export function verifyIdentity(identity) {
  const message = identityMessage(identity.userId, identity.boxPk, identity.signPk);
  let valid = false;
  try {
    valid = sodium.crypto_sign_verify_detached(identity.signature, message, identity.signPk);
  } catch {
    valid = false;
  }
  if (!valid) {
    throw new SignatureError(
      `the box key published for user ${describe(identity.userId)} is not signed by ` +
        "their signing key: the server may be substituting keys; refusing to use it",
    );
  }
}

export function wrapAssociatedData(userId, bundleVersion, wrappedWith) {
  return canonicalJson({
    bundle_version: bundleVersion,
    format: BUNDLE_FORMAT,
    format_version: BUNDLE_FORMAT_VERSION,
    user_id: userId,
    wrapped_with: wrappedWith,
  });
}

function parseWrap(value, name) {
  const v = exactKeys(value, ["ciphertext", "nonce"], name);
  return {
    nonce: bytesField(v.nonce, `${name}.nonce`, NONCE_BYTES),
    ciphertext: bytesField(v.ciphertext, `${name}.ciphertext`, SECRET_BYTES + 16),
  };
}

/** Parse what the server stores for a user: strict, exact keys and sizes. */
export function parseWrappedBundle(value) {
  const keys = ["bundle_version", "format", "format_version", "identity", "password_wrap", "recovery_wrap"];
  const v = exactKeys(value, keys, "key bundle");
  if (v.format !== BUNDLE_FORMAT || v.format_version !== BUNDLE_FORMAT_VERSION) {
    throw new UnsupportedFormatError("not a version-1 casebook key bundle");
  }
  if (!Number.isInteger(v.bundle_version) || v.bundle_version < 1) {
    throw new UnsupportedFormatError("bundle_version: expected a positive integer");
  }
  return {
    identity: parseIdentity(v.identity),
    bundleVersion: v.bundle_version,
    passwordWrap: parseWrap(v.password_wrap, "password_wrap"),
    recoveryWrap: parseWrap(v.recovery_wrap, "recovery_wrap"),
  };
}

function wrapJson(wrap) {
  return { ciphertext: b64encode(wrap.ciphertext), nonce: b64encode(wrap.nonce) };
}

export function wrappedBundleJson(wrapped) {
  return {
    bundle_version: wrapped.bundleVersion,
    format: BUNDLE_FORMAT,
    format_version: BUNDLE_FORMAT_VERSION,
    identity: identityJson(wrapped.identity),
    password_wrap: wrapJson(wrapped.passwordWrap),
    recovery_wrap: wrapJson(wrapped.recoveryWrap),
  };
}

function wrap(secret, key, ad, nonce) {
  if (key.length !== 32) throw new RangeError("wrapping keys are 32 bytes");
  const n = nonce ?? sodium.randombytes_buf(NONCE_BYTES);
  return { nonce: n, ciphertext: sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(secret, ad, null, n, key) };
}

/** New key pairs for `userId`, wrapped under the unwrap key and the recovery key. `boxSk`,
 *  `signSeed` and `nonces` fix the randomness, for golden vectors only. Returns
 *  {bundle, wrapped}: the opened bundle and what the server stores. */
export function createBundle(
  userId,
  unwrapKey,
  recoveryKey,
  { bundleVersion = 1, boxSk = null, signSeed = null, nonces = [null, null] } = {},
) {
  const sk = boxSk ?? sodium.randombytes_buf(32);
  const seed = signSeed ?? sodium.randombytes_buf(32);
  const boxPk = sodium.crypto_scalarmult_base(sk);
  const { publicKey: signPk, privateKey } = sodium.crypto_sign_seed_keypair(seed);
  const signature = sodium.crypto_sign_detached(identityMessage(userId, boxPk, signPk), privateKey);
  const identity = { userId, boxPk, signPk, signature };
  const secret = concatBytes(sk, seed);
  const wrapped = {
    identity,
    bundleVersion,
    passwordWrap: wrap(secret, unwrapKey, wrapAssociatedData(userId, bundleVersion, WRAP_UNWRAP_KEY), nonces[0]),
    recoveryWrap: wrap(secret, recoveryKey, wrapAssociatedData(userId, bundleVersion, WRAP_RECOVERY), nonces[1]),
  };
  return { bundle: { identity, bundleVersion, boxSk: sk, signSeed: seed }, wrapped };
}

function unwrap(w, key, ad, what) {
  try {
    return sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(null, w.ciphertext, ad, w.nonce, key);
  } catch {
    throw new TamperedError(
      `the key bundle does not open with this ${what}: wrong ${what}, ` +
        "or the bundle was altered or belongs to another user",
    );
  }
}

function checkOpened(wrapped, secret) {
  const boxSk = secret.slice(0, 32);
  const signSeed = secret.slice(32);
  const boxPk = sodium.crypto_scalarmult_base(boxSk);
  const signPk = sodium.crypto_sign_seed_keypair(signSeed).publicKey;
  const identity = wrapped.identity;
  if (!bytesEqual(boxPk, identity.boxPk) || !bytesEqual(signPk, identity.signPk)) {
    throw new WrongContextError("the key bundle's private keys do not match its public identity");
  }
  verifyIdentity(identity);
  return { identity, bundleVersion: wrapped.bundleVersion, boxSk, signSeed };
}

/** Open a parsed wrapped bundle with the unwrap key (from the password and Secret Key):
 *  returns {identity, bundleVersion, boxSk, signSeed}. */
export function openBundle(wrapped, unwrapKey) {
  const ad = wrapAssociatedData(wrapped.identity.userId, wrapped.bundleVersion, WRAP_UNWRAP_KEY);
  return checkOpened(wrapped, unwrap(wrapped.passwordWrap, unwrapKey, ad, "password"));
}

export function openBundleWithRecovery(wrapped, recoveryKey) {
  const ad = wrapAssociatedData(wrapped.identity.userId, wrapped.bundleVersion, WRAP_RECOVERY);
  return checkOpened(wrapped, unwrap(wrapped.recoveryWrap, recoveryKey, ad, "recovery code"));
}
