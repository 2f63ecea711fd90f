// Safety numbers (docs/crypto/keys-and-vaults.md, "Safety numbers"), mirroring
// casebook/crypto/fingerprints.py: 60 decimal digits in 12 groups of 5, compared out of band
// to check that the keys the server shows are the person's (or the escrow's) own.

import sodium from "./sodium.js";
import { concatBytes, utf8 } from "./encoding.js";

const DOMAIN_IDENTITY = utf8("casebook.safety-number.identity.v1\0");
const DOMAIN_KEY = utf8("casebook.safety-number.key.v1\0");
const GROUPS = 12;

function digits(data) {
  const digest = sodium.crypto_generichash(64, data, null);
  const groups = [];
  for (let i = 0; i < GROUPS; i++) {
    let value = 0;
    for (const b of digest.subarray(5 * i, 5 * i + 5)) value = value * 256 + b; // < 2^40: exact
    groups.push(String(value % 100000).padStart(5, "0"));
  }
  return groups.join(" ");
}

/** BLAKE2b-512(domain || sign_pk || box_pk) as 12 groups of 5 digits. */
export function identitySafetyNumber(identity) {
  return digits(concatBytes(DOMAIN_IDENTITY, identity.signPk, identity.boxPk));
}

/** The same for a single 32-byte public key (the escrow key, a group admin's signing key). */
export function keySafetyNumber(publicKey) {
  if (publicKey.length !== 32) throw new RangeError("a public key is 32 bytes");
  return digits(concatBytes(DOMAIN_KEY, publicKey));
}

/** Compare two safety numbers as typed or read: whitespace does not matter. */
export function safetyNumbersMatch(a, b) {
  return a.replace(/\s/g, "") === b.replace(/\s/g, "");
}
