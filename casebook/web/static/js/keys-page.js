// Setting up one's account keys (templates/account/keys.html), as `casebook login` does the
// first time (casebook/cli/enrolment.py): this browser makes a Secret Key, a recovery code,
// Argon2id parameters and a key bundle wrapped under the password-derived unwrap key and the
// recovery key. The server receives the bundle, the parameters and the two derived
// credentials, and the password the account logs in with until now, which it checks (it
// already holds a hash of it). The emergency kit is shown once, on this page only.

import { ApiError, request } from "./api.js";
import { identitySafetyNumber } from "./crypto/fingerprints.js";
import {
  deriveAccountKeys,
  deriveRecoveryKeys,
  formatRecoveryCode,
  formatSecretKey,
  generateParams,
  generateRecoveryCode,
  generateSecretKey,
  paramsJson,
} from "./crypto/kdf.js";
import { createBundle, wrappedBundleJson } from "./crypto/keys.js";
import { pageValue, t } from "./messages.js";
import { keepSecretKey, keepUnlocked } from "./unlock.js";

const $ = (id) => document.getElementById(id);

function status(text) {
  $("status").textContent = text;
}

/** Give the page time to show the status line before the derivation keeps the main thread
 *  busy for seconds. */
function nextFrame() {
  return new Promise((resolve) => setTimeout(resolve, 50));
}

/** The new keys, and what PUT /api/v1/me/keys takes at enrolment. */
async function makeKeys(userId, password) {
  status(t("generating"));
  const secretKey = generateSecretKey();
  const recoveryCode = generateRecoveryCode();
  const params = generateParams();
  status(t("deriving"));
  await nextFrame();
  const keys = deriveAccountKeys(password, secretKey, params);
  const recovery = deriveRecoveryKeys(recoveryCode);
  const { bundle, wrapped } = createBundle(userId, keys.unwrapKey, recovery.recoveryKey);
  const body = {
    kdf: paramsJson(params),
    bundle: wrappedBundleJson(wrapped),
    login_credential: keys.loginCredential,
    recovery_credential: recovery.loginCredential,
    // The account logs in with this password until now: the server checks it, so that a
    // stolen session cannot give the account keys (and a login) of someone else's choosing.
    current_credential: password,
  };
  return { secretKey, recoveryCode, unwrapKey: keys.unwrapKey, identity: bundle.identity, body };
}

function wrongPassword(error) {
  const errors = error instanceof ApiError && error.status === 422 ? error.body?.errors : null;
  return Array.isArray(errors) && errors.some((e) => e.field === "current_credential");
}

function failure(error) {
  if (error instanceof ApiError && error.status === 409) return t("already");
  if (wrongPassword(error)) return t("wrongPassword");
  return t("failed", { reason: error instanceof Error ? error.message : String(error) });
}

function showKit(email, made) {
  $("kit-server").textContent = window.location.origin;
  $("kit-email").textContent = email;
  $("kit-secret-key").textContent = formatSecretKey(made.secretKey);
  $("kit-recovery-code").textContent = formatRecoveryCode(made.recoveryCode);
  $("kit-safety-number").textContent = identitySafetyNumber(made.identity);
  $("keys-intro").hidden = true;
  $("kit").hidden = false;
  document.body.classList.add("kit-shown");
  $("kit").focus();
}

function passwordTyped() {
  const password = $("password").value;
  if (!password) return [null, t("noPassword")];
  if (password !== $("password-again").value) return [null, t("mismatch")];
  return [password, null];
}

async function setUp(event) {
  event.preventDefault();
  const [password, problem] = passwordTyped();
  if (problem !== null) {
    status(problem);
    $("password").focus();
    return;
  }
  const email = pageValue("email");
  const userId = pageValue("userId");
  $("keys-button").disabled = true;
  try {
    const made = await makeKeys(userId, password);
    status(t("saving"));
    await request("PUT", "/api/v1/me/keys", made.body);
    keepUnlocked(userId, made.unwrapKey);
    keepSecretKey(email, made.secretKey, $("remember").checked);
    $("password").value = "";
    $("password-again").value = "";
    status(t("done"));
    showKit(email, made);
  } catch (error) {
    status(failure(error));
    $("keys-button").disabled = false;
  }
}

$("keys-form").addEventListener("submit", setUp);
$("print-kit").addEventListener("click", () => window.print());
$("keys-button").disabled = false;
status(t("ready"));
