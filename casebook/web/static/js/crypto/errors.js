// Error types of the browser crypto library, mirroring casebook/crypto/errors.py. Every refusal
// to accept encrypted or signed data throws a subclass of CryptoFormatError, with a message
// meant for a human.

export class CryptoFormatError extends Error {
  get name() {
    return this.constructor.name;
  }
}

/** Wrong magic bytes or an unknown format version. */
export class UnsupportedFormatError extends CryptoFormatError {}

/** Data belongs to another attachment, vault or key generation. */
export class WrongContextError extends CryptoFormatError {}

/** The data was cut short. */
export class TruncatedError extends CryptoFormatError {}

/** Authentication failed: bytes were altered, moved, or the key is wrong. */
export class TamperedError extends CryptoFormatError {}

/** Bytes follow the authenticated end of the data. */
export class TrailingDataError extends CryptoFormatError {}

/** The decrypted padding or length field is inconsistent. */
export class PaddingError extends CryptoFormatError {}

/** A signature is invalid or made by an unexpected key. */
export class SignatureError extends CryptoFormatError {}

/** A downloaded file does not match the hashes in its manifest. */
export class IntegrityError extends CryptoFormatError {}

/** A value as refusal messages show it, written as the Python client writes it (Python's
 *  repr), so both clients word a refusal identically: 'text', ['a', 'b'], True, None. */
export function describe(value) {
  if (typeof value === "string") {
    const quote = value.includes("'") && !value.includes('"') ? '"' : "'";
    const escaped = value.replaceAll("\\", "\\\\").replaceAll(quote, `\\${quote}`);
    return quote + escaped + quote;
  }
  if (Array.isArray(value)) return `[${value.map(describe).join(", ")}]`;
  if (value === true) return "True";
  if (value === false) return "False";
  if (value === null || value === undefined) return "None";
  if (typeof value === "object") {
    return `{${Object.entries(value).map(([k, v]) => `${describe(k)}: ${describe(v)}`).join(", ")}}`;
  }
  return String(value);
}
