// A group's vault as this browser trusts it, mirroring casebook/cli/vault_state.py: fetched
// from the server, its membership log verified against the head this browser remembered (no
// rollback, no fork, no key changed without a signed entry), every published generation
// checked against the log, and the new head remembered in localStorage. Also the role checks
// and opening the vault's generation keys as one of its readers. The words shown come from the
// page (messages.js; templates/_evidence_messages.html renders them).

import { ApiError, request } from "./api.js";
import { CryptoFormatError, WrongContextError } from "./crypto/errors.js";
import { identitiesEqual, parseIdentity } from "./crypto/keys.js";
import { LogVerifier, headJson, parseHead } from "./crypto/membership-log.js";
import { openAllGenerations, openAsReader, parsePublishedGeneration } from "./crypto/vault.js";
import { t } from "./messages.js";

const LOG_HEADS = "casebook.log-heads";

/** The vault the server served does not verify: nothing is read from it or sealed to it. */
export class VaultRefused extends Error {
  constructor(groupId, error) {
    super(t("vaultRefused", { group: groupId, reason: error.message }));
  }

  get name() {
    return "VaultRefused";
  }
}

/** You are not a reader (or writer), or the log lists other keys for you. */
export class RoleError extends Error {
  get name() {
    return "RoleError";
  }
}

function storedHeads() {
  const value = JSON.parse(localStorage.getItem(LOG_HEADS) ?? "{}");
  return value !== null && typeof value === "object" && !Array.isArray(value) ? value : {};
}

function rememberHead(groupId, head) {
  const heads = storedHeads();
  heads[groupId] = headJson(head);
  localStorage.setItem(LOG_HEADS, JSON.stringify(heads));
}

/** The group's vault, verified; the new head is remembered in this browser. */
export async function fetchVault(groupId) {
  let served;
  try {
    served = await request("GET", `/api/v1/groups/${groupId}/vault`);
  } catch (error) {
    if (!(error instanceof ApiError) || error.status !== 404) throw error;
    throw new RoleError(t("noVault", { group: groupId }));
  }
  let vault;
  try {
    const remembered = storedHeads()[groupId];
    const verifier = new LogVerifier(groupId, {
      remembered: remembered === undefined ? null : parseHead(remembered),
    });
    const state = verifier.verify(served.log);
    const vaultId = served.vault_id;
    if (typeof vaultId !== "string") throw new WrongContextError(t("vaultWithoutId"));
    vault = { groupId, vaultId, log: served.log, generations: published(served.generations, state, vaultId), state };
  } catch (error) {
    if (!(error instanceof CryptoFormatError || error instanceof TypeError || error instanceof SyntaxError)) {
      throw error;
    }
    throw new VaultRefused(groupId, error);
  }
  rememberHead(groupId, vault.state.head);
  return vault;
}

/** Generations 1..current, each for this vault and with the public key the log names. */
function published(served, state, vaultId) {
  if (!Array.isArray(served)) throw new WrongContextError("the vault's generations are a list");
  const generations = new Map(served.map((g) => parsePublishedGeneration(g)).map((g) => [g.number, g]));
  const numbers = [...generations.keys()].sort((a, b) => a - b);
  const expected = Array.from({ length: state.generation }, (_, i) => i + 1);
  if (numbers.join() !== expected.join() || served.length !== expected.length) {
    throw new WrongContextError(
      t("generationsDiffer", { served: numbers.join(", "), generation: state.generation }),
    );
  }
  for (const generation of generations.values()) {
    if (generation.vaultId !== vaultId) {
      throw new WrongContextError(t("foreignGeneration", { generation: generation.number }));
    }
    state.checkGeneration(generation.number, generation.publicKey);
  }
  return generations;
}

/** Every identity the verified log ever gave `userId` as a writer, newest first: the keys an
 *  upload by them may be signed with. */
export function writerIdentities(vault, userId) {
  const found = [];
  for (const { entry } of vault.log) {
    let listed = [];
    if (entry.kind === "genesis") listed = entry.body.writers;
    else if (entry.kind === "add_writer") listed = [entry.body.member];
    found.push(...listed.map(parseIdentity).filter((identity) => identity.userId === userId));
  }
  return found.reverse();
}

// The messages that name a role, one per role: a sentence is translated whole.
const MESSAGES = {
  reader: { replaced: "readerKeysReplaced", missing: "notReader" },
  writer: { replaced: "writerKeysReplaced", missing: "notWriter" },
};

/** Whether the verified log makes you a reader (or writer) with the keys you unlocked; throws
 *  RoleError if it lists other keys for you. */
export function hasRole(vault, bundle, role) {
  const holders = role === "reader" ? vault.state.readers : vault.state.writers;
  const logged = holders.get(bundle.identity.userId);
  if (logged === undefined) return false;
  if (!identitiesEqual(logged, bundle.identity)) {
    throw new RoleError(t(MESSAGES[role].replaced, { group: vault.groupId }));
  }
  return true;
}

/** Refuse unless the verified log makes you a reader (or writer) with your keys. */
export function requireRole(vault, bundle, role) {
  if (!hasRole(vault, bundle, role)) {
    throw new RoleError(t(MESSAGES[role].missing, { group: vault.groupId }));
  }
}

/** Every generation's private key, opened with your box key as a reader of the current
 *  generation and walking back. Returns a Map number -> {vaultId, number, publicKey, privateKey}. */
export function openGenerations(vault, bundle) {
  requireRole(vault, bundle, "reader");
  const state = vault.state;
  try {
    const current = openAsReader(
      vault.generations.get(state.generation),
      bundle.identity.userId,
      bundle.boxSk,
      { vaultId: vault.vaultId, loggedPublicKey: state.generationPk },
    );
    return openAllGenerations(current, vault.generations, state.generationPks);
  } catch (error) {
    if (!(error instanceof CryptoFormatError)) throw error;
    throw new VaultRefused(vault.groupId, error);
  }
}
