// The login page (templates/login.html): the password and Secret Key become the login
// credential and the unwrap key in this browser (unlock.js); only the credential is sent.
// An account that has not set up its keys yet logs in with its password.

import { t, pageValue } from "./messages.js";
import {
  UnlockError,
  forgetUnlocked,
  keepSecretKey,
  logInWithoutKeys,
  rememberedSecretKey,
  unlock,
} from "./unlock.js";

const $ = (id) => document.getElementById(id);

function status(text) {
  $("status").textContent = text;
}

function fillRememberedSecretKey() {
  const remembered = rememberedSecretKey($("email").value);
  if (remembered !== null && !$("secret-key").value) {
    $("secret-key").value = remembered;
    $("remember").checked = true;
  }
}

async function logIn(event) {
  event.preventDefault();
  const email = $("email").value.trim();
  const password = $("password").value;
  const secretKeyText = $("secret-key").value.trim();
  $("login-button").disabled = true;
  try {
    if (secretKeyText) {
      const unlocked = await unlock({ email, password, secretKeyText }, status);
      keepSecretKey(email, unlocked.secretKey, $("remember").checked);
    } else {
      await logInWithoutKeys({ email, password }, status);
    }
    status(t("welcome"));
    window.location.assign(pageValue("next") || "/");
  } catch (error) {
    status(error instanceof UnlockError ? error.message : t("failed", { reason: String(error) }));
    $("login-button").disabled = false;
    $("password").focus();
  }
}

forgetUnlocked();
$("email").addEventListener("change", fillRememberedSecretKey);
$("login-form").addEventListener("submit", logIn);
$("login-button").disabled = false;
status(t("ready"));
