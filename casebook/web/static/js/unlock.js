// Unlocking one's keys in the browser, mirroring casebook/cli/keyring.py: Argon2id parameters
// from the server (refused if weak), the login credential and unwrap key derived from the
// password and the Secret Key, a session opened with the credential, and the key bundle the
// server stores opened with the unwrap key. The Secret Key stays in this browser; it is kept
// in localStorage only when the person asks for it.

import { ApiError, request, useCsrfToken } from "./api.js";
import { CryptoFormatError, TamperedError } from "./crypto/errors.js";
import { deriveAccountKeys, formatSecretKey, paramsFromServer, parseSecretKey } from "./crypto/kdf.js";
import { bytesEqual } from "./crypto/encoding.js";
import { openBundle, parseWrappedBundle } from "./crypto/keys.js";

const SECRET_KEYS = "casebook.secret-keys";

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
    throw new UnlockError(error.message);
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
  step("Deriving your keys from your password and Secret Key (this takes a few seconds)…");
  await nextFrame();
  return deriveAccountKeys(password, secretKey, params);
}

async function openSession(email, credential) {
  try {
    return await request("POST", "/api/v1/auth/session", { email, password: credential });
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    if (error.status === 401 || error.status === 400 || error.status === 422) {
      throw new UnlockError(
        "Wrong email, password or Secret Key (or this account has not set up its keys yet: " +
          "do that once with `casebook login`).",
      );
    }
    if (error.status === 429) {
      throw new UnlockError("Too many attempts: wait a few minutes before trying again.");
    }
    throw new UnlockError(`Could not log in: ${error.message}.`);
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
    throw new UnlockError(`Secret Key: ${error.message}.`);
  }
  step("Asking the server for your key-derivation parameters…");
  const params = checkedParams(await request("POST", "/api/v1/auth/kdf-params", { email }));
  let keys = await derive(password, secretKey, params, step);
  step("Logging in…");
  const session = await openSession(email, keys.loginCredential);
  useCsrfToken(session.csrf_token);
  step("Opening your keys…");
  const stored = await request("GET", "/api/v1/me/keys");
  const storedParams = checkedParams(stored?.kdf);
  if (!sameParams(params, storedParams)) {
    keys = await derive(password, secretKey, storedParams, step);
  }
  let bundle;
  try {
    bundle = openBundle(parseWrappedBundle(stored.bundle), keys.unwrapKey);
  } catch (error) {
    if (error instanceof TamperedError) {
      throw new UnlockError("Your keys do not open with this password and Secret Key.");
    }
    if (!(error instanceof CryptoFormatError)) throw error;
    throw new UnlockError(`The server sent a key bundle that is unusable: ${error.message}.`);
  }
  if (bundle.identity.userId !== String(session.account.id)) {
    throw new UnlockError(
      "The server sent the keys of another account: refusing to use them. Tell your " +
        "coordinator: the server may be compromised.",
    );
  }
  return { account: session.account, bundle, secretKey };
}
