// @ts-check
/**
 * The review screen's calls to the JSON API (session cookie + CSRF token, as Django expects).
 * Every answer becomes {ok, status, data}; an error's `data.message` is written for people.
 */

/**
 * @typedef {{ok: boolean, status: number, data: any}} Answer
 */

/** @returns {string} the CSRF token the page was rendered with */
function csrfToken() {
  const input = /** @type {HTMLInputElement | null} */ (document.querySelector("input[name=csrfmiddlewaretoken]"));
  return input ? input.value : "";
}

/**
 * @param {string} url
 * @param {unknown} body
 * @param {{keepalive?: boolean}} [options] ``keepalive``: the request outlives the page (sent as it
 *   is left; unlike ``navigator.sendBeacon`` it carries the CSRF header the API asks of sessions)
 * @returns {Promise<Answer>}
 */
export async function postJson(url, body, { keepalive = false } = {}) {
  let response;
  try {
    response = await fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify(body),
      keepalive,
    });
  } catch {
    return { ok: false, status: 0, data: { message: "The server could not be reached. Check the connection and try again." } };
  }
  let data = null;
  try {
    data = await response.json();
  } catch {
    data = { message: `The server answered ${response.status} without JSON.` };
  }
  return { ok: response.ok, status: response.status, data };
}

/**
 * The message to show for a failed answer.
 * @param {Answer} answer
 */
export function problemText(answer) {
  const code = answer.data && answer.data.code;
  if (answer.status === 401 || code === "not_authenticated") {
    return "You are signed out (perhaps in another tab): sign in again, then retry; nothing was changed.";
  }
  return (answer.data && answer.data.message) || `The server answered ${answer.status}.`;
}
