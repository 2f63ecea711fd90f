// Byte encodings of the crypto formats (docs/crypto/attachment-format.md, "Conventions"),
// mirroring casebook/encoding.py: strict unpadded URL-safe base64 and canonical JSON.

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const VALUES = new Map([...ALPHABET].map((c, i) => [c, i]));
const UTF8 = new TextEncoder();
const UTF8_STRICT = new TextDecoder("utf-8", { fatal: true });

/** Bytes or text that are not in the specified encoding. */
export class EncodingError extends Error {
  get name() {
    return "EncodingError";
  }
}

/** URL-safe alphabet, no padding (libsodium's URLSAFE_NO_PADDING). */
export function b64encode(bytes) {
  let text = "";
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    const count = Math.min(4, Math.ceil(((bytes.length - i) * 8) / 6));
    for (let j = 0; j < count; j++) text += ALPHABET[(n >> (18 - 6 * j)) & 63];
  }
  return text;
}

/** Strict: only the URL-safe alphabet, no padding, no whitespace, canonical final bits. */
export function b64decode(text) {
  if (typeof text !== "string" || text.length % 4 === 1) {
    throw new EncodingError("not unpadded URL-safe base64");
  }
  const bytes = new Uint8Array(Math.floor((text.length * 6) / 8));
  let acc = 0;
  let bits = 0;
  let out = 0;
  for (const c of text) {
    const value = VALUES.get(c);
    if (value === undefined) throw new EncodingError("not unpadded URL-safe base64");
    acc = ((acc << 6) | value) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes[out++] = (acc >> bits) & 0xff;
    }
  }
  if (acc & ((1 << bits) - 1)) throw new EncodingError("not canonical unpadded URL-safe base64");
  return bytes;
}

export function utf8(text) {
  return UTF8.encode(text);
}

/** UTF-8 bytes to text, refusing invalid UTF-8. */
export function fromUtf8(bytes) {
  try {
    return UTF8_STRICT.decode(bytes);
  } catch {
    throw new EncodingError("not UTF-8");
  }
}

function sorted(value) {
  if (value === null || typeof value === "string" || typeof value === "boolean") return value;
  if (typeof value === "number") {
    if (!Number.isInteger(value)) throw new EncodingError("canonical JSON holds no floating-point numbers");
    if (!Number.isSafeInteger(value)) throw new EncodingError("canonical JSON holds no integers beyond 2^53");
    return value;
  }
  if (Array.isArray(value)) return value.map(sorted);
  if (typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    const out = {};
    for (const key of Object.keys(value).sort()) {
      if (!/^[\x00-\x7f]*$/.test(key)) throw new EncodingError("canonical JSON keys are ASCII text");
      out[key] = sorted(value[key]);
    }
    return out;
  }
  throw new EncodingError(`canonical JSON cannot hold ${typeof value}`);
}

/** UTF-8 JSON with keys sorted, no insignificant whitespace and integers only: the bytes that
 *  are hashed and signed (byte-identical to casebook.encoding.canonical_json). */
export function canonicalJson(value) {
  return UTF8.encode(JSON.stringify(sorted(value)));
}

/** Parse bytes that must be canonical JSON; anything else (other spacing, key order, floats,
 *  duplicate keys, invalid UTF-8) is refused. */
export function parseCanonicalJson(bytes) {
  let value;
  try {
    value = JSON.parse(fromUtf8(bytes));
  } catch {
    throw new EncodingError("not JSON");
  }
  if (!bytesEqual(canonicalJson(value), bytes)) throw new EncodingError("not canonical JSON");
  return value;
}

export function bytesEqual(a, b) {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
  return diff === 0;
}

export function concatBytes(...parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

export function toHex(bytes) {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** A UUID's 16 bytes (RFC 4122 order) from its lowercase hyphenated text form. */
export function uuidBytes(text) {
  if (typeof text !== "string" || !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(text)) {
    throw new EncodingError("an id is a lowercase hyphenated UUID");
  }
  const hex = text.replaceAll("-", "");
  return Uint8Array.from({ length: 16 }, (_, i) => parseInt(hex.slice(2 * i, 2 * i + 2), 16));
}
