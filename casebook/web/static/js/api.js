// Casebook's HTTP API as the browser pages call it: same-origin requests carrying the session
// cookie, the CSRF token on unsafe methods, JSON bodies, and binary uploads and downloads with
// progress. Every failure is an ApiError with a message meant for a human, in the page's
// language (messages.js; templates/_api_messages.html renders them).

import { t } from "./messages.js";

const CSRF_HEADER = "X-CSRF-Token";
const SAFE_METHODS = new Set(["GET", "HEAD"]);
// A page rendered for a signed-in person names its session's token in a <meta> element.
let csrfToken = document.querySelector('meta[name="csrf-token"]')?.content ?? null;

/** An answer other than 2xx, or no answer at all (status 0). */
export class ApiError extends Error {
  constructor(status, body, message) {
    super(message ?? describeFailure(status, body));
    this.status = status;
    this.body = body;
  }

  get name() {
    return "ApiError";
  }
}

function describeFailure(status, body) {
  if (status === 401) return t("sessionEnded");
  const detail = body !== null && typeof body === "object" ? body.detail : null;
  const fields = Array.isArray(body?.errors)
    ? body.errors.map((e) => `${e.field}: ${e.message}`).join("; ")
    : "";
  const text = [typeof detail === "string" ? detail : "", fields].filter(Boolean).join(" — ");
  return text ? t("answeredWith", { status, detail: text }) : t("answered", { status });
}

const unreachable = () => new ApiError(0, null, t("unreachable"));

/** The CSRF token of the session just opened (POST /api/v1/auth/session). */
export function useCsrfToken(token) {
  csrfToken = token;
}

function headersFor(method, extra) {
  const headers = { ...extra };
  if (!SAFE_METHODS.has(method) && csrfToken !== null) headers[CSRF_HEADER] = csrfToken;
  return headers;
}

async function parsed(response) {
  const text = await response.text();
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** A JSON request; returns the parsed answer (null when empty). */
export async function request(method, path, body = undefined) {
  const extra = { Accept: "application/json" };
  if (body !== undefined) extra["Content-Type"] = "application/json";
  let response;
  try {
    response = await fetch(path, {
      method,
      headers: headersFor(method, extra),
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: "same-origin",
      cache: "no-store",
    });
  } catch {
    throw unreachable();
  }
  const answer = await parsed(response);
  if (!response.ok) throw new ApiError(response.status, answer);
  return answer;
}

/** PUT a Blob as application/octet-stream (the browser sends its Content-Length);
 *  `progress(sent, total)` is called as it goes up. */
export function putBlob(path, blob, progress = null) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("PUT", path);
    for (const [name, value] of Object.entries(
      headersFor("PUT", { "Content-Type": "application/octet-stream" }),
    )) {
      xhr.setRequestHeader(name, value);
    }
    if (progress) xhr.upload.onprogress = (event) => progress(event.loaded, blob.size);
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        resolve();
        return;
      }
      let body = xhr.responseText;
      try {
        body = JSON.parse(body);
      } catch {
        // a body that is not JSON is described as it is
      }
      reject(new ApiError(xhr.status, body));
    };
    xhr.onerror = () => reject(unreachable());
    xhr.send(blob);
  });
}

/** GET binary content as a Blob, handing each piece to `each(bytes, received, total)` as it
 *  arrives (total from Content-Length, or null). */
export async function getBlob(path, each = null) {
  let response;
  try {
    response = await fetch(path, { credentials: "same-origin", cache: "no-store" });
  } catch {
    throw unreachable();
  }
  if (!response.ok) throw new ApiError(response.status, await parsed(response));
  const length = Number(response.headers.get("Content-Length"));
  const total = Number.isSafeInteger(length) && length > 0 ? length : null;
  const parts = [];
  let received = 0;
  const reader = response.body.getReader();
  for (;;) {
    let step;
    try {
      step = await reader.read();
    } catch {
      throw new ApiError(0, null, t("interrupted"));
    }
    if (step.done) break;
    parts.push(step.value);
    received += step.value.length;
    if (each) each(step.value, received, total);
  }
  return new Blob(parts, { type: "application/octet-stream" });
}
