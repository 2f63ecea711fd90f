// Unlocking one's keys in the browser, mirroring casebook/cli/keyring.py: Argon2id parameters
// from the server (refused if weak), the login credential and unwrap key derived from the
// password and the Secret Key, a session opened with the credential, and the key bundle the
// server stores opened with the unwrap key. The Secret Key stays in this browser; it is kept
// in localStorage only when the person asks for it. The unwrap key is kept in sessionStorage,
// for this tab only, so that the pages opened after login can open the bundle again; logging
// out or closing the tab forgets it. The words shown come from the page (messages.js).

import { ApiError, request, useCsrfToken } from "./api.js";
import { CryptoFormatError, TamperedError } from "./crypto/errors.js";
import { deriveAccountKeys, formatSecretKey, paramsFromServer, parseSecretKey } from "./crypto/kdf.js";
import { bytesEqual } from "./crypto/encoding.js";
import { openBundle, parseWrappedBundle } from "./crypto/keys.js";
import { b64decode, b64encode } from "./crypto/encoding.js";
import { t } from "./messages.js";

const SECRET_KEYS = "casebook.secret-keys";
const UNLOCKED = "casebook.unlocked";

/** Unlocking stopped; the message says why and what to do. */
export class UnlockError extends Error {
  get name() {
    return "UnlockError";
  }
}

function normalEmail(email) {
  return email.trim().toLowerCase();
}

function storedSecretKeys() {
  try {
    const value = JSON.parse(localStorage.getItem(SECRET_KEYS) ?? "{}");
    return value !== null && typeof value === "object" && !Array.isArray(value) ? value : {};
  } catch {
    return {};
  }
}

/** The Secret Key text remembered in this browser for `email`, or null. */
export function rememberedSecretKey(email) {
  const text = storedSecretKeys()[normalEmail(email)];
  return typeof text === "string" ? text : null;
}

/** Remember (or, with `remember` false, forget) the Secret Key of `email` in this browser. */
export function keepSecretKey(email, secretKey, remember) {
  const keys = storedSecretKeys();
  if (remember) keys[normalEmail(email)] = formatSecretKey(secretKey);
  else delete keys[normalEmail(email)];
  localStorage.setItem(SECRET_KEYS, JSON.stringify(keys));
}

function checkedParams(value) {
  try {
    return paramsFromServer(value);
  } catch (error) {
    if (!(error instanceof CryptoFormatError)) throw error;
    throw new UnlockError(t("weakParams", { detail: error.message }));
  }
}

function sameParams(a, b) {
  return a.opslimit === b.opslimit && a.memlimit === b.memlimit && bytesEqual(a.salt, b.salt);
}

/** Give the page time to show the status line before a step that keeps the main thread busy
 *  (a few frames: requestAnimationFrame does not run in a hidden tab). */
function nextFrame() {
  return new Promise((resolve) => setTimeout(resolve, 50));
}

async function derive(password, secretKey, params, step) {
  step(t("deriving"));
  await nextFrame();
  return deriveAccountKeys(password, secretKey, params);
}

async function openSession(email, credential) {
  try {
    return await request("POST", "/api/v1/auth/session", { email, password: credential });
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    if (error.status === 401 || error.status === 400 || error.status === 422) {
      throw new UnlockError(t("wrong"));
    }
    if (error.status === 429) throw new UnlockError(t("tooMany"));
    if (error.status === 0) throw new UnlockError(t("unreachable"));
    throw new UnlockError(t("failed", { reason: error.message }));
  }
}

/**
 * Log in and open the key bundle. `step(text)` reports progress. Returns {account, bundle}:
 * the account the session belongs to and the opened bundle ({identity, boxSk, signSeed}).
 */
export async function unlock({ email, password, secretKeyText }, step) {
  let secretKey;
  try {
    secretKey = parseSecretKey(secretKeyText);
  } catch (error) {
    if (!(error instanceof CryptoFormatError)) throw error;
    throw new UnlockError(t("badSecretKey"));
  }
  step(t("params"));
  const params = checkedParams(await request("POST", "/api/v1/auth/kdf-params", { email }));
  let keys = await derive(password, secretKey, params, step);
  step(t("loggingIn"));
  const session = await openSession(email, keys.loginCredential);
  useCsrfToken(session.csrf_token);
  step(t("opening"));
  const stored = await request("GET", "/api/v1/me/keys");
  const storedParams = checkedParams(stored?.kdf);
  if (!sameParams(params, storedParams)) {
    keys = await derive(password, secretKey, storedParams, step);
  }
  const bundle = openStored(stored, keys.unwrapKey, session.account);
  keepUnlocked(session.account.id, keys.unwrapKey);
  return { account: session.account, bundle, secretKey };
}

function openStored(stored, unwrapKey, account) {
  let bundle;
  try {
    bundle = openBundle(parseWrappedBundle(stored.bundle), unwrapKey);
  } catch (error) {
    if (error instanceof TamperedError) throw new UnlockError(t("notOpening"));
    if (!(error instanceof CryptoFormatError)) throw error;
    throw new UnlockError(t("badBundle"));
  }
  if (bundle.identity.userId !== String(account.id)) throw new UnlockError(t("foreignKeys"));
  return bundle;
}

/** Log in with the password alone: for an account that has not set up its keys yet. */
export async function logInWithoutKeys({ email, password }, step) {
  step(t("loggingIn"));
  const session = await openSession(email, password);
  useCsrfToken(session.csrf_token);
  forgetUnlocked();
  return { account: session.account, bundle: null };
}

/** The keys unlocked at login in this tab ({account, bundle}), or null when this tab has not
 *  unlocked them (another tab, a login without keys) or the session belongs to someone else. */
export async function restoreUnlocked() {
  let saved;
  try {
    saved = JSON.parse(sessionStorage.getItem(UNLOCKED) ?? "null");
  } catch {
    saved = null;
  }
  if (saved === null || typeof saved.unwrapKey !== "string") return null;
  const account = await request("GET", "/api/v1/me");
  if (String(account.id) !== saved.userId) {
    forgetUnlocked();
    return null;
  }
  const stored = await request("GET", "/api/v1/me/keys");
  return { account, bundle: openStored(stored, b64decode(saved.unwrapKey), account) };
}

/** Keep the unwrap key of account `userId` for this tab, so that the pages opened next can
 *  open its key bundle (restoreUnlocked). */
export function keepUnlocked(userId, unwrapKey) {
  sessionStorage.setItem(UNLOCKED, JSON.stringify({ userId: String(userId), unwrapKey: b64encode(unwrapKey) }));
}

/** Forget the keys unlocked in this tab (at logout, and on the login page). */
export function forgetUnlocked() {
  sessionStorage.removeItem(UNLOCKED);
}
