// Evidence chosen on the incident form (templates/incidents/form.html with its evidence field,
// templates/incidents/_evidence_upload.html). With no file chosen, the form posts as it does
// without this script. With files: the keys unlocked at login in this tab are opened first;
// the form's fields are posted as the form would post them; once the incident is saved (the
// answer is its page), each file is encrypted in this browser and uploaded to it, with a
// progress bar, and the incident's page opens. A form that comes back with errors replaces
// the page's content, and the files chosen move into it, so nothing typed or chosen is lost.
// The words shown come from the page (messages.js).

import { request } from "./api.js";
import { upload } from "./evidence.js";
import { t } from "./messages.js";
import { restoreUnlocked } from "./unlock.js";
import { fetchVault, requireRole } from "./vault-state.js";

const $ = (id) => document.getElementById(id);
const INCIDENT_PAGE = /^\/incidents\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

/** Say `text` on the evidence field's status line, with a link after it when given. */
function status(text, link = null) {
  const line = $("evidence-status");
  line.textContent = text;
  if (link !== null) {
    const anchor = document.createElement("a");
    anchor.href = link.href;
    anchor.textContent = link.text;
    line.append(" ", anchor);
  }
}

function reason(error) {
  return error instanceof Error ? error.message : String(error);
}

function showProgress(step, number, count, done, total) {
  const percent = total ? Math.min(100, Math.floor((100 * done) / total)) : 0;
  $("evidence-progress-line").hidden = false;
  $("evidence-progress-label").textContent = t("fileProgress", { step, number, count, percent });
  const bar = $("evidence-progress");
  bar.max = 100;
  bar.value = percent;
}

function hideProgress() {
  $("evidence-progress-line").hidden = true;
}

/** The keys unlocked at login in this tab, or null after saying why there are none. */
async function openKeys() {
  try {
    const keys = await restoreUnlocked();
    if (keys === null) status(t("needsKeys"));
    return keys;
  } catch (error) {
    status(t("keysFailed", { reason: reason(error) }));
    return null;
  }
}

/** Post the form's fields (never its files) as the form itself would. */
async function post(form) {
  const fields = new URLSearchParams();
  for (const [name, value] of new FormData(form)) {
    if (typeof value === "string") fields.append(name, value);
  }
  return fetch(form.action, {
    method: "POST",
    body: fields,
    credentials: "same-origin",
    headers: { Accept: "text/html" },
  });
}

async function onSubmit(event) {
  const form = event.currentTarget;
  const files = [...$("evidence-files").files];
  if (files.length === 0) return; // the form posts as it does without this script
  event.preventDefault();
  const button = form.querySelector('button[type="submit"]');
  if (button.disabled) return;
  button.disabled = true;
  const keys = await openKeys();
  if (keys === null) {
    button.disabled = false;
    return;
  }
  status(t("saving"));
  let response;
  try {
    response = await post(form);
  } catch {
    status(t("notSaved", { reason: t("unreachable") }));
    button.disabled = false;
    return;
  }
  const path = new URL(response.url).pathname;
  const saved = response.redirected && response.ok ? INCIDENT_PAGE.exec(path) : null;
  // Once the incident is saved the button stays disabled: pressing it again would save it twice.
  if (saved !== null) await attach(saved[1], path, files, keys.bundle);
  else if (response.redirected) window.location.assign(response.url); // e.g. the login page
  else await showAnswer(response);
}

/** Encrypt and upload each file to the saved incident, then open its page. */
async function attach(incidentId, path, files, bundle) {
  let current = files[0];
  try {
    status(t("checking"));
    const incident = await request("GET", `/api/v1/incidents/${incidentId}`);
    const vault = await fetchVault(String(incident.group_id));
    requireRole(vault, bundle, "writer");
    const count = files.length;
    for (const [index, file] of files.entries()) {
      current = file;
      const number = index + 1;
      status(t("addingFile", { name: file.name, number, count }));
      await upload(vault, bundle, incidentId, file, (stage, done, total) =>
        showProgress(t(stage, { name: file.name }), number, count, done, total),
      );
    }
    status(t("attached"));
    window.location.assign(path);
  } catch (error) {
    hideProgress();
    status(t("notAttached", { name: current.name, reason: reason(error) }), {
      href: path,
      text: t("openIncident"),
    });
  }
}

/** The form's answer when it did not save (field errors, an edit conflict, an expired form):
 *  it replaces the page's content, and the file input with its files moves into it. */
async function showAnswer(response) {
  const answer = new DOMParser().parseFromString(await response.text(), "text/html");
  const content = answer.querySelector("main");
  const input = $("evidence-files");
  if (content === null) {
    status(t("notSaved", { reason: t("answered", { status: response.status }) }));
    return;
  }
  document.title = answer.title;
  document.querySelector("main").replaceChildren(...content.childNodes);
  const fresh = $("evidence-files");
  const form = $("incident-form");
  if (fresh !== null && form !== null) {
    fresh.replaceWith(input);
    start(form);
    status(t("keptFiles"));
  }
  const summary = $("error-summary") ?? $("conflict");
  window.scrollTo(0, 0);
  summary?.focus();
}

function start(form) {
  $("evidence-upload").hidden = false;
  form.addEventListener("submit", onSubmit);
}

const form = $("incident-form");
if (form !== null && $("evidence-upload") !== null) start(form);
