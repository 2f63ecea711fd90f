// The evidence page of one incident (templates/evidence.html): unlock your keys, check the
// group's vault, add files encrypted in this browser, and decrypt and verify attachments.
// Every step reports on the status line; any refusal is shown there and offers no file.
// Keys unlocked at login in this tab are used without asking again. The words shown come from
// the page (messages.js).

import { ApiError, request } from "./api.js";
import { identitySafetyNumber, keySafetyNumber } from "./crypto/fingerprints.js";
import { download, openRecord, safeName, upload } from "./evidence.js";
import { t } from "./messages.js";
import { keepSecretKey, rememberedSecretKey, restoreUnlocked, unlock } from "./unlock.js";
import { fetchVault, hasRole, openGenerations } from "./vault-state.js";

const $ = (id) => document.getElementById(id);
const incidentId = $("incident").dataset.incidentId;

let session = null; // {account, bundle, vault, generations (readers only, opened on demand)}

function status(text) {
  $("status").textContent = text;
}

function failed(error) {
  status(error instanceof Error ? error.message : String(error));
  hideProgress();
}

function showProgress(stage, name, done, total) {
  $("progress-line").hidden = false;
  $("progress-label").textContent = t(stage, { name });
  const bar = $("progress");
  if (total) {
    bar.max = total;
    bar.value = Math.min(done, total);
  } else {
    bar.removeAttribute("value"); // indeterminate
  }
}

function hideProgress() {
  $("progress-line").hidden = true;
}

function element(tag, text = "", attributes = {}) {
  const node = document.createElement(tag);
  if (text) node.textContent = text;
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  return node;
}

/** A long unbroken value (a hash) that may wrap anywhere on a narrow screen: <wbr> every 8
 *  characters, which copying leaves out. */
function wrappable(text) {
  const code = element("code");
  for (let i = 0; i < text.length; i += 8) {
    if (i) code.append(element("wbr"));
    code.append(text.slice(i, i + 8));
  }
  return code;
}

function definitions(rows) {
  const list = element("dl");
  for (const [term, value] of rows) {
    const description = element("dd");
    description.append(value);
    list.append(element("dt", term), description);
  }
  return list;
}

// --------------------------------------------------------------------------- unlocking

function fillRememberedSecretKey() {
  const remembered = rememberedSecretKey($("email").value);
  if (remembered !== null) {
    $("secret-key").value = remembered;
    $("remember").checked = true;
  }
}

async function onUnlock(event) {
  event.preventDefault();
  const form = $("unlock-form");
  const email = $("email").value;
  form.querySelector("button").disabled = true;
  try {
    const unlocked = await unlock(
      { email, password: $("password").value, secretKeyText: $("secret-key").value },
      status,
    );
    keepSecretKey(email, unlocked.secretKey, $("remember").checked);
    $("password").value = "";
    $("secret-key").value = "";
    await open(unlocked);
  } catch (error) {
    failed(error);
  } finally {
    form.querySelector("button").disabled = false;
  }
}

/** With the keys unlocked: check the incident's vault, show the keys and the attachments. */
async function open({ account, bundle }) {
  status(t("checking"));
  const incident = await readIncident();
  const vault = await fetchVault(String(incident.group_id));
  session = { account, bundle, vault, generations: null };
  showKeys();
  $("unlock").hidden = true;
  $("evidence").hidden = false;
  await listAttachments();
  status(t("unlocked", { email: account.email }));
}

/** The keys unlocked at login in this tab, or null (then the unlock form asks for them). */
async function restored() {
  try {
    return await restoreUnlocked();
  } catch {
    return null; // no session, or keys that no longer open: unlocking asks again
  }
}

async function readIncident() {
  try {
    return await request("GET", `/api/v1/incidents/${incidentId}`);
  } catch (error) {
    if (!(error instanceof ApiError) || error.status !== 404) throw error;
    throw new Error(t("noIncident", { id: incidentId }));
  }
}

function showKeys() {
  const { account, bundle, vault } = session;
  const state = vault.state;
  $("me").textContent = `${account.display_name} <${account.email}> (${account.id})`;
  $("my-safety-number").textContent = identitySafetyNumber(bundle.identity);
  $("escrow-safety-number").textContent = keySafetyNumber(state.escrowPk);
  $("admin-safety-number").textContent = keySafetyNumber(state.adminSignPk);
  const entries = state.head.seq + 1;
  $("log-head").textContent = t(entries === 1 ? "logHeadOne" : "logHeadMany", {
    entries,
    generation: state.generation,
    readers: state.readers.size,
    writers: state.writers.size,
  });
  $("add").hidden = !hasRole(vault, bundle, "writer");
}

// --------------------------------------------------------------------------- adding

async function onAdd(event) {
  event.preventDefault();
  const files = [...$("files").files];
  const button = $("add-form").querySelector("button");
  button.disabled = true;
  try {
    for (const file of files) {
      status(t("adding", { name: file.name }));
      const { ids, manifest } = await upload(
        session.vault,
        session.bundle,
        incidentId,
        file,
        (stage, done, total) => showProgress(stage, file.name, done, total),
      );
      const line = element("li", t("addedLine", { name: file.name, id: ids.attachmentId }));
      line.append(" ", wrappable(manifest.sha256));
      $("added").append(line);
      status(t("added", { name: file.name }));
    }
    hideProgress();
    $("files").value = "";
    await listAttachments();
  } catch (error) {
    failed(error);
  } finally {
    button.disabled = false;
  }
}

// --------------------------------------------------------------------------- reading

async function listAttachments() {
  const { items } = await request("GET", `/api/v1/incidents/${incidentId}/attachments`);
  const reader = hasRole(session.vault, session.bundle, "reader");
  $("attachments-note").textContent = t(
    items.length ? (reader ? "decryptHint" : "readersOnly") : "noAttachments",
  );
  const list = $("attachment-list");
  list.replaceChildren();
  for (const item of items) {
    const entry = element("li", "", { "data-attachment-id": item.id });
    entry.append(
      element(
        "p",
        t("attachmentLine", {
          id: item.id,
          size: item.ciphertext_size,
          when: item.completed_at,
          uploader: item.uploader_id,
        }),
      ),
    );
    if (reader) {
      const button = element("button", t("decrypt"), { type: "button" });
      button.setAttribute("aria-label", t("decryptLabel", { id: item.id }));
      button.addEventListener("click", () => decrypt(item.id, entry, button));
      entry.append(button);
    }
    list.append(entry);
  }
}

async function decrypt(attachmentId, entry, button) {
  button.disabled = true;
  forget(entry.querySelector(".result"));
  const result = element("div", "", { class: "result" });
  try {
    status(t("openingAttachment", { id: attachmentId }));
    session.generations ??= openGenerations(session.vault, session.bundle);
    const record = await request("GET", `/api/v1/attachments/${attachmentId}`);
    if (record.id !== attachmentId) {
      throw new Error(t("otherAttachment", { id: attachmentId }));
    }
    const opened = openRecord(session.vault, session.generations, record);
    const name = safeName(opened.manifest.filename, attachmentId);
    const plaintext = await download(opened, (stage, done, total) =>
      showProgress(stage, name, done, total),
    );
    hideProgress();
    result.append(savedLink(plaintext, name), manifestDetails(opened));
    entry.append(result);
    status(t("decrypted", { name }));
  } catch (error) {
    failed(error);
  } finally {
    button.disabled = false;
  }
}

/** Remove an earlier result and release the decrypted file it held. */
function forget(result) {
  if (result === null) return;
  for (const link of result.querySelectorAll("a[href^='blob:']")) URL.revokeObjectURL(link.href);
  result.remove();
}

function savedLink(plaintext, name) {
  // application/octet-stream: the browser saves the file rather than opening it in this origin.
  const url = URL.createObjectURL(plaintext);
  const paragraph = element("p");
  paragraph.append(element("a", t("save", { name }), { href: url, download: name }));
  return paragraph;
}

function manifestDetails({ manifest, uploader }) {
  return definitions([
    [t("fileName"), manifest.filename],
    [t("mediaType"), manifest.media_type],
    [t("size"), t("bytes", { size: manifest.size })],
    ["SHA-256", wrappable(manifest.sha256)],
    ["BLAKE2b", wrappable(manifest.blake2b)],
    [t("captured"), manifest.captured_at ?? t("notRecorded")],
    [t("uploaded"), manifest.uploaded_at],
    [t("uploader"), manifest.uploader.user_id],
    [t("uploaderSafetyNumber"), identitySafetyNumber(uploader)],
  ]);
}

// --------------------------------------------------------------------------- start

async function start() {
  $("email").addEventListener("change", fillRememberedSecretKey);
  $("unlock-form").addEventListener("submit", onUnlock);
  $("add-form").addEventListener("submit", onAdd);
  status(t("restoring"));
  const unlocked = await restored();
  if (unlocked === null) status(t("ready"));
  else await open(unlocked).catch(failed);
  $("unlock-button").disabled = false;
}

start();
