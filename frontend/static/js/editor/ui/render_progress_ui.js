// @ts-check
/**
 * A revision's full-resolution render, followed until it ends: queued, running (how long so
 * far), then done (how long it took, its preview, a link to the PNG) or failed (why, and a retry).
 * Polls GET /api/renders/{id}/ every second, then every two once it has run for a while.
 */

import { problemText, requestJson } from "./api.js";

const POLL_MS = 1000;
const SLOW_POLL_MS = 2000;
/** After this many polls the render is a long one: poll less often. */
const FAST_POLLS = 20;

/**
 * @param {HTMLElement} box where the progress is shown
 * @param {{onRendered: (render: any, revision: any) => void}} hooks
 */
export function renderProgress(box, { onRendered }) {
  /** @type {ReturnType<typeof setTimeout> | null} */
  let timer = null;
  let following = 0;

  /** @param {string} tag @param {Record<string, string>} attributes @param {string} [text] */
  function element(tag, attributes, text) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, value);
    if (text !== undefined) node.textContent = text;
    return node;
  }

  /** @param {any} render @param {any} revision */
  function show(render, revision) {
    const label = `Revision ${revision ? revision.number : "?"}`;
    box.hidden = false;
    box.dataset.state = render.state;
    const seconds = (/** @type {string | null} */ from, /** @type {string | null} */ to) =>
      from ? ((to ? Date.parse(to) : Date.now()) - Date.parse(from)) / 1000 : 0;
    if (render.state === "queued" || render.state === "running") {
      const bar = element("progress", { "aria-label": `${label} rendering` });
      const text =
        render.state === "queued" ? `${label}: waiting for a render worker…` : `${label}: rendering at full resolution (${seconds(render.started_at, null).toFixed(0)} s)…`;
      box.replaceChildren(element("p", {}, text), bar);
      return;
    }
    if (render.state === "failed") {
      const retry = element("button", { type: "button", class: "button-secondary" }, "Retry the render");
      retry.addEventListener("click", async () => {
        const answer = await requestJson("POST", `/api/renders/${render.id}/retry/`, {});
        if (answer.ok) follow(answer.data, revision);
        else box.append(element("p", { class: "form-errors" }, problemText(answer)));
      });
      box.replaceChildren(element("p", { class: "form-errors" }, `${label}: the render failed: ${render.error || "no reason given"}`), retry);
      return;
    }
    const took = render.timings && render.timings.total_ms ? `${(render.timings.total_ms / 1000).toFixed(1)} s` : `${seconds(render.started_at, render.finished_at).toFixed(1)} s`;
    const children = [element("p", { class: "render-done" }, `${label} rendered in ${took}.`)];
    if (render.preview_url) children.push(element("img", { src: render.preview_url, alt: `${label}, rendered`, class: "render-preview" }));
    if (render.final_url) children.push(element("a", { href: render.final_url, download: "" }, "Download the full-resolution PNG"));
    box.replaceChildren(...children);
  }

  /** @param {any} render @param {any} revision */
  function follow(render, revision) {
    if (timer) clearTimeout(timer);
    following += 1;
    const ticket = following;
    let polls = 0;
    const poll = async () => {
      const answer = await requestJson("GET", `/api/renders/${render.id}/`);
      if (ticket !== following) return;
      if (!answer.ok) {
        box.replaceChildren(element("p", { class: "form-errors" }, `The render's state could not be read: ${problemText(answer)}`));
        return;
      }
      show(answer.data, revision);
      if (answer.data.state === "done") onRendered(answer.data, revision);
      else if (answer.data.state !== "failed") {
        polls += 1;
        timer = setTimeout(poll, polls > FAST_POLLS ? SLOW_POLL_MS : POLL_MS);
      }
    };
    show(render, revision);
    if (render.state === "done") onRendered(render, revision);
    else if (render.state !== "failed") timer = setTimeout(poll, 200);
  }

  return {
    follow,
    destroy() {
      if (timer) clearTimeout(timer);
    },
  };
}
