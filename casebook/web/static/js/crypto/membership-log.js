// Membership log verification (docs/crypto/keys-and-vaults.md, "Membership log"), a port of
// LogVerifier in casebook/crypto/membership_log.py: the same checks in the same order, refusing
// what a malicious server may serve (forged entries, broken chains, rollbacks, forks, omitted
// rotations, substituted keys).

import sodium from "./sodium.js";
import { EncodingError, b64decode, b64encode, bytesEqual, canonicalJson, concatBytes, utf8 } from "./encoding.js";
import { CryptoFormatError, describe as repr } from "./errors.js";
import { identitiesEqual, parseIdentity, verifyIdentity } from "./keys.js";

export const LOG_FORMAT = "casebook.membership-log";
export const LOG_FORMAT_VERSION = 1;
export const LOG_DOMAIN = utf8("casebook.membership-log.v1\0");
export const HASH_DOMAIN = utf8("casebook.membership-log.hash.v1\0");
const BODY_KEYS = {
  genesis: ["admin_sign_pk", "escrow_pk", "generation", "generation_pk", "readers", "writers"],
  add_reader: ["member"],
  remove_reader: ["user_id"],
  add_writer: ["member"],
  remove_writer: ["user_id"],
  rotate: ["generation", "generation_pk", "readers"],
};
const ENTRY_KEYS = ["body", "format", "format_version", "group_id", "kind", "prev", "seq"].join();

/** The membership log served by the server is refused. */
export class LogError extends CryptoFormatError {}
/** An entry that is not well formed. */
export class LogFormatError extends LogError {}
/** An entry (or a member's identity) not signed by the key it must be signed by. */
export class LogSignatureError extends LogError {}
/** seq or prev hash do not link an entry to the one before it. */
export class BrokenChainError extends LogError {}
/** The log is shorter than the head this client saw earlier. */
export class RollbackError extends LogError {}
/** The log differs from the head this client saw earlier. */
export class ForkError extends LogError {}
/** A reader was removed but no new generation followed. */
export class OmittedRotationError extends LogError {}
/** A member's keys differ from the logged ones without a signed entry. */
export class MemberKeyChangedError extends LogError {}
/** A vault generation public key that is not the logged one. */
export class GenerationKeyMismatchError extends LogError {}
/** An attempt to change the escrow key (never allowed after genesis). */
export class EscrowChangedError extends LogError {}
/** The genesis names another admin key than the one pinned. */
export class AdminKeyChangedError extends LogError {}

const isObject = (value) => value !== null && typeof value === "object" && !Array.isArray(value);
const keysOf = (value) => Object.keys(value).sort().join();

/** Parse a served {entry, signature}: returns {entry, signature (bytes), canonical (bytes)}. */
export function parseSignedEntry(value) {
  if (!isObject(value) || keysOf(value) !== "entry,signature") {
    throw new LogFormatError("a log entry is {entry, signature}");
  }
  if (!isObject(value.entry) || typeof value.signature !== "string") {
    throw new LogFormatError("a log entry is {entry: object, signature: base64}");
  }
  let signature;
  let canonical;
  try {
    signature = b64decode(value.signature);
    canonical = canonicalJson(value.entry);
  } catch (error) {
    if (!(error instanceof EncodingError)) throw error;
    throw new LogFormatError(`log entry: ${error.message}`);
  }
  if (signature.length !== 64) throw new LogFormatError("log entry: the signature is 64 bytes");
  return { entry: value.entry, signature, canonical };
}

/** BLAKE2b-256(HASH_DOMAIN || canonical entry bytes || 64-byte signature), unkeyed. */
export function entryHash(signed) {
  return sodium.crypto_generichash(32, concatBytes(HASH_DOMAIN, signed.canonical, signed.signature), null);
}

export function signedMessage(signed) {
  return concatBytes(LOG_DOMAIN, signed.canonical);
}

function key(value, name, seq) {
  let raw = new Uint8Array(0);
  if (typeof value === "string") {
    try {
      raw = b64decode(value);
    } catch (error) {
      if (!(error instanceof EncodingError)) throw error;
    }
  }
  if (raw.length !== 32) throw new LogFormatError(`entry ${seq}: ${name} is not a 32-byte key`);
  return raw;
}

function userId(value, seq) {
  if (typeof value !== "string" || !value) {
    throw new LogFormatError(`entry ${seq}: user_id is non-empty text`);
  }
  return value;
}

function member(value, seq) {
  let identity;
  try {
    identity = parseIdentity(value);
  } catch (error) {
    if (!(error instanceof CryptoFormatError)) throw error;
    throw new LogFormatError(`entry ${seq}: member: ${error.message}`);
  }
  try {
    verifyIdentity(identity);
  } catch (error) {
    if (!(error instanceof CryptoFormatError)) throw error;
    throw new LogSignatureError(`entry ${seq}: ${error.message}`);
  }
  return identity;
}

/** Code-point order, as Python's sorted() on str. */
function compareIds(a, b) {
  const x = [...a].map((c) => c.codePointAt(0));
  const y = [...b].map((c) => c.codePointAt(0));
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i] - y[i];
  return x.length - y.length;
}

function sortedIds(ids) {
  return [...new Set(ids)].sort(compareIds);
}

function members(value, seq, name) {
  if (!Array.isArray(value)) throw new LogFormatError(`entry ${seq}: ${name} is a list`);
  const list = value.map((v) => member(v, seq));
  const ids = list.map((m) => m.userId);
  if (ids.join("\0") !== sortedIds(ids).join("\0") || new Set(ids).size !== ids.length) {
    throw new LogFormatError(`entry ${seq}: ${name} must be sorted by user_id, without repeats`);
  }
  return new Map(list.map((m) => [m.userId, m]));
}

/**
 * The verified state: groupId, adminSignPk, escrowPk, generation (newest number),
 * generationPk, generationPks (Map number -> key), readers and writers (Maps user id ->
 * identity), and head {group_id, seq, hash, admin_sign_pk, escrow_pk} (base64 in JSON form)
 * for the client to store and pass as `remembered` next time.
 */
export class VerifiedState {
  constructor(fields) {
    Object.assign(this, fields);
  }

  /** Refuse a member key served by the server that differs from the logged one. */
  checkIdentity(identity) {
    const logged = this.readers.get(identity.userId) ?? this.writers.get(identity.userId);
    if (logged === undefined) {
      throw new MemberKeyChangedError(
        `${repr(identity.userId)} is not a member of group ${repr(this.groupId)} in the signed ` +
          "membership log",
      );
    }
    if (!identitiesEqual(logged, identity)) {
      throw new MemberKeyChangedError(
        `the keys served for ${repr(identity.userId)} differ from the ones in the signed ` +
          "membership log: a key changed without a signed entry; refusing to use them",
      );
    }
  }

  checkGeneration(number, publicKey) {
    const logged = this.generationPks.get(number);
    if (logged === undefined) {
      throw new GenerationKeyMismatchError(
        `generation ${number} is not in the membership log (newest: ${this.generation})`,
      );
    }
    if (!bytesEqual(logged, publicKey)) {
      throw new GenerationKeyMismatchError(
        `the public key served for generation ${number} differs from the one in the ` +
          "signed membership log: the server may be substituting keys",
      );
    }
  }
}

/** A stored head back to bytes: {groupId, seq, hash, adminSignPk, escrowPk}. */
export function parseHead(value) {
  return {
    groupId: value.group_id,
    seq: value.seq,
    hash: b64decode(value.hash),
    adminSignPk: b64decode(value.admin_sign_pk),
    escrowPk: b64decode(value.escrow_pk),
  };
}

export function headJson(head) {
  return {
    admin_sign_pk: b64encode(head.adminSignPk),
    escrow_pk: b64encode(head.escrowPk),
    group_id: head.groupId,
    hash: b64encode(head.hash),
    seq: head.seq,
  };
}

/**
 * Verifies the log of one group as served by the server. `remembered` is the head returned by
 * the previous successful verification (parseHead of what the client stored);
 * `expectedAdminSignPk` / `expectedEscrowPk` pin keys learnt out of band.
 */
export class LogVerifier {
  constructor(groupId, { remembered = null, expectedAdminSignPk = null, expectedEscrowPk = null } = {}) {
    if (remembered !== null && remembered.groupId !== groupId) {
      throw new RangeError("the remembered head belongs to another group");
    }
    this.groupId = groupId;
    this.remembered = remembered;
    this.expectedAdmin = expectedAdminSignPk ?? remembered?.adminSignPk ?? null;
    this.expectedEscrow = expectedEscrowPk ?? remembered?.escrowPk ?? null;
  }

  /** `served`: the list of {entry, signature} objects; `servedIdentities`: identities the
   *  server sent elsewhere (parsed); `servedGeneration`: [number, public key] it sent. */
  verify(served, { servedIdentities = [], servedGeneration = null } = {}) {
    if (!Array.isArray(served)) throw new LogFormatError("a membership log is a list of entries");
    const entries = served.map(parseSignedEntry);
    const remembered = this.remembered;
    if (entries.length === 0) {
      if (remembered !== null) throw new RollbackError(this.rollbackMessage(0));
      throw new LogFormatError(`the membership log of ${repr(this.groupId)} is empty`);
    }
    if (remembered !== null && entries.length <= remembered.seq) {
      throw new RollbackError(this.rollbackMessage(entries.length));
    }
    let state = null;
    let prevHash = null;
    entries.forEach((signed, seq) => {
      const entry = this.checkEnvelope(signed, seq, prevHash);
      if (seq === 0) {
        state = this.genesis(signed, entry);
      } else {
        checkSignature(state.adminSignPk, signed, seq);
        this.apply(state, entry, seq);
      }
      prevHash = entryHash(signed);
      if (remembered !== null && seq === remembered.seq && !bytesEqual(prevHash, remembered.hash)) {
        throw new ForkError(
          `the membership log of ${repr(this.groupId)} differs from the one this device ` +
            `verified earlier at entry ${seq}: the server is showing a different history; refusing it`,
        );
      }
    });
    if (state.pendingRotation.length) {
      throw new OmittedRotationError(
        `reader(s) ${state.pendingRotation.join(", ")} were removed but no new vault ` +
          "generation follows: they could still read new evidence; refusing the log",
      );
    }
    const result = new VerifiedState({
      groupId: this.groupId,
      adminSignPk: state.adminSignPk,
      escrowPk: state.escrowPk,
      generation: state.generation,
      generationPk: state.generationPks.get(state.generation),
      generationPks: new Map(state.generationPks),
      readers: new Map(state.readers),
      writers: new Map(state.writers),
      head: {
        groupId: this.groupId,
        seq: entries.length - 1,
        hash: prevHash,
        adminSignPk: state.adminSignPk,
        escrowPk: state.escrowPk,
      },
    });
    for (const identity of servedIdentities) result.checkIdentity(identity);
    if (servedGeneration !== null) result.checkGeneration(...servedGeneration);
    return result;
  }

  rollbackMessage(length) {
    return (
      `the membership log of ${repr(this.groupId)} has ${length} entries, but this device ` +
      `already verified entry ${this.remembered.seq}: the server rolled the log back ` +
      "(perhaps to hide a removal); refusing it"
    );
  }

  checkEnvelope(signed, seq, prevHash) {
    const entry = signed.entry;
    if (keysOf(entry) !== ENTRY_KEYS) {
      throw new LogFormatError(`entry ${seq}: expected exactly the fields [${ENTRY_KEYS}]`);
    }
    if (entry.format !== LOG_FORMAT || entry.format_version !== LOG_FORMAT_VERSION) {
      throw new LogFormatError(`entry ${seq}: not a version-1 casebook membership log entry`);
    }
    if (entry.group_id !== this.groupId) {
      throw new BrokenChainError(
        `entry ${seq} belongs to group ${repr(entry.group_id)}, not ${repr(this.groupId)}`,
      );
    }
    if (!Number.isInteger(entry.seq) || entry.seq !== seq) {
      throw new BrokenChainError(
        `entry ${seq} carries sequence number ${repr(entry.seq)}: entries were removed, ` +
          "repeated or reordered",
      );
    }
    const expected = prevHash === null ? null : b64encode(prevHash);
    if (entry.prev !== expected) {
      throw new BrokenChainError(
        `entry ${seq} does not link to the hash of entry ${seq - 1}: the chain is broken ` +
          "(an entry was altered, removed or inserted)",
      );
    }
    if (!isObject(entry.body)) throw new LogFormatError(`entry ${seq}: body is an object`);
    const kind = entry.kind;
    if (!Object.hasOwn(BODY_KEYS, kind)) {
      if (String(kind).includes("escrow") || Object.hasOwn(entry.body, "escrow_pk")) {
        throw new EscrowChangedError(
          `entry ${seq} tries to change the escrow key: the escrow key is fixed at ` +
            "genesis; refusing the log",
        );
      }
      throw new LogFormatError(`entry ${seq}: unknown kind ${repr(kind)}`);
    }
    if ((seq === 0) !== (kind === "genesis")) {
      throw new LogFormatError(`entry ${seq}: genesis is the first entry and only the first`);
    }
    if (keysOf(entry.body) !== [...BODY_KEYS[kind]].sort().join()) {
      if (Object.hasOwn(entry.body, "escrow_pk")) {
        throw new EscrowChangedError(
          `entry ${seq} (${kind}) carries an escrow key: the escrow key is fixed at ` +
            "genesis; refusing the log",
        );
      }
      throw new LogFormatError(`entry ${seq}: ${kind} has the fields [${BODY_KEYS[kind]}]`);
    }
    return entry;
  }

  genesis(signed, entry) {
    const body = entry.body;
    const adminPk = key(body.admin_sign_pk, "admin_sign_pk", 0);
    if (this.expectedAdmin !== null && !bytesEqual(adminPk, this.expectedAdmin)) {
      throw new AdminKeyChangedError(
        "the membership log's genesis names another admin signing key than the one " +
          "this device pinned: refusing the log",
      );
    }
    const escrowPk = key(body.escrow_pk, "escrow_pk", 0);
    if (this.expectedEscrow !== null && !bytesEqual(escrowPk, this.expectedEscrow)) {
      throw new EscrowChangedError(
        "the membership log names another escrow key than the one this device " +
          "remembered: the escrow key never changes; refusing the log",
      );
    }
    checkSignature(adminPk, signed, 0);
    if (body.generation !== 1) {
      throw new LogFormatError("entry 0: the first vault generation is number 1");
    }
    const readers = members(body.readers, 0, "readers");
    const writers = members(body.writers, 0, "writers");
    if (readers.size === 0) throw new LogFormatError("entry 0: a vault needs at least one reader");
    for (const [id, reader] of readers) {
      const writer = writers.get(id);
      if (writer !== undefined && !identitiesEqual(reader, writer)) {
        throw new MemberKeyChangedError(
          `entry 0 gives ${repr(id)} different keys as reader and as writer`,
        );
      }
    }
    return {
      adminSignPk: adminPk,
      escrowPk,
      generation: 1,
      generationPks: new Map([[1, key(body.generation_pk, "generation_pk", 0)]]),
      readers,
      writers,
      pendingRotation: [],
    };
  }

  apply(state, entry, seq) {
    const { kind, body } = entry;
    if (state.pendingRotation.length && !["remove_reader", "remove_writer", "rotate"].includes(kind)) {
      throw new OmittedRotationError(
        `entry ${seq} (${kind}) follows the removal of reader(s) ` +
          `${state.pendingRotation.join(", ")} without a new vault generation: refusing the log`,
      );
    }
    if (kind === "add_reader" || kind === "add_writer") {
      const added = member(body.member, seq);
      const known = state.readers.get(added.userId) ?? state.writers.get(added.userId);
      if (known !== undefined && !identitiesEqual(known, added)) {
        throw new MemberKeyChangedError(
          `entry ${seq} gives ${repr(added.userId)} other keys than the logged ones while ` +
            "they are still a member: a key change needs a removal first",
        );
      }
      const target = kind === "add_reader" ? state.readers : state.writers;
      if (target.has(added.userId)) {
        throw new LogFormatError(`entry ${seq}: ${repr(added.userId)} is already in that role`);
      }
      target.set(added.userId, added);
    } else if (kind === "remove_reader" || kind === "remove_writer") {
      const id = userId(body.user_id, seq);
      const target = kind === "remove_reader" ? state.readers : state.writers;
      if (!target.has(id)) throw new LogFormatError(`entry ${seq}: ${repr(id)} is not in that role`);
      target.delete(id);
      if (kind === "remove_reader") state.pendingRotation.push(id);
    } else {
      const number = body.generation;
      if (!Number.isInteger(number) || number !== state.generation + 1) {
        throw new LogFormatError(
          `entry ${seq}: rotation to generation ${repr(number)}, expected ${state.generation + 1}`,
        );
      }
      const current = sortedIds([...state.readers.keys()]);
      const readers = body.readers;
      const same =
        Array.isArray(readers) &&
        readers.length === current.length &&
        readers.every((id, i) => id === current[i]);
      if (!same || readers.length === 0) {
        throw new LogFormatError(
          `entry ${seq}: the new generation must be sealed to exactly the current ` +
            `readers ${repr(current)}, the entry says ${repr(readers)}`,
        );
      }
      const pk = key(body.generation_pk, "generation_pk", seq);
      if ([...state.generationPks.values()].some((old) => bytesEqual(old, pk))) {
        throw new LogFormatError(`entry ${seq}: a new generation reuses an old public key`);
      }
      state.generation = number;
      state.generationPks.set(number, pk);
      state.pendingRotation = [];
    }
  }
}

function checkSignature(adminPk, signed, seq) {
  let valid = false;
  try {
    valid = sodium.crypto_sign_verify_detached(signed.signature, signedMessage(signed), adminPk);
  } catch {
    valid = false;
  }
  if (!valid) {
    throw new LogSignatureError(
      `entry ${seq} is not signed by the group admin's key pinned at genesis: ` +
        "forged or altered; refusing the log",
    );
  }
}
