// @ts-check
/**
 * The editor's calls to the JSON API (session cookie + CSRF token, as Django expects): JSON
 * requests of any method, and the preview endpoint's PNG answers. Every answer becomes
 * {ok, status, data}; an error's `data.message` is written for people.
 */

export { problemText } from "../../review/api.js";

/** @typedef {{ok: boolean, status: number, data: any}} Answer */

/** @returns {string} the CSRF token the page was rendered with */
function csrfToken() {
  const input = /** @type {HTMLInputElement | null} */ (document.querySelector("input[name=csrfmiddlewaretoken]"));
  return input ? input.value : "";
}

/** @param {string} method */
function headers(method) {
  /** @type {Record<string, string>} */
  const out = { Accept: "application/json" };
  if (method !== "GET") {
    out["Content-Type"] = "application/json";
    out["X-CSRFToken"] = csrfToken();
  }
  return out;
}

/**
 * @param {string} method @param {string} url @param {unknown} [body]
 * @param {{keepalive?: boolean}} [options] keepalive: the request outlives the page (a draft on unload)
 * @returns {Promise<Answer>}
 */
export async function requestJson(method, url, body, { keepalive = false } = {}) {
  let response;
  try {
    response = await fetch(url, {
      method,
      credentials: "same-origin",
      headers: headers(method),
      body: body === undefined ? undefined : JSON.stringify(body),
      keepalive,
    });
  } catch {
    return { ok: false, status: 0, data: { message: "The server could not be reached. Check the connection and try again." } };
  }
  if (response.status === 204) return { ok: true, status: 204, data: null };
  let data = null;
  try {
    data = await response.json();
  } catch {
    data = { message: `The server answered ${response.status} without JSON.` };
  }
  return { ok: response.ok, status: response.status, data };
}

/**
 * POST JSON, expecting an image: the blob and the server's timings (Server-Timing), or the error.
 * @param {string} url @param {unknown} body @param {AbortSignal} signal
 * @returns {Promise<{ok: true, blob: Blob, serverMs: number | null} | {ok: false, aborted: boolean, status: number, data: any}>}
 */
export async function postForImage(url, body, signal) {
  let response;
  try {
    response = await fetch(url, { method: "POST", credentials: "same-origin", headers: headers("POST"), body: JSON.stringify(body), signal });
  } catch (error) {
    const aborted = error instanceof DOMException && error.name === "AbortError";
    return { ok: false, aborted, status: 0, data: { message: aborted ? "superseded" : "The server could not be reached." } };
  }
  if (!response.ok) {
    let data;
    try {
      data = await response.json();
    } catch {
      data = { message: `The server answered ${response.status}.` };
    }
    return { ok: false, aborted: false, status: response.status, data };
  }
  const timing = /total;dur=([\d.]+)/.exec(response.headers.get("Server-Timing") || "");
  try {
    return { ok: true, blob: await response.blob(), serverMs: timing ? Number(timing[1]) : null };
  } catch {
    return { ok: false, aborted: signal.aborted, status: response.status, data: { message: "The preview did not arrive whole." } };
  }
}
