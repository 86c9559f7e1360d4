// @ts-check
/**
 * "Apply auto-fix" (button and X): POST /api/photos/{id}/autofix/, then wait for the new
 * revision's render and reload the page, which then shows the repaired result for review. When
 * the render fails the page stays as it is, saying why.
 */

import { postJson, problemText } from "./api.js";

/** How often (ms) and how long in all the render is polled before the page reloads anyway. */
const POLL_MS = 1000;
const POLL_LIMIT_MS = 120000;

/**
 * @param {HTMLButtonElement} button
 * @param {any} config the page's configuration (review_views.review_config)
 * @param {{say: (message: string) => void, reload?: () => void}} hooks
 * @returns {{run: () => Promise<void>, destroy: () => void}}
 */
export function bindAutofix(button, config, hooks) {
  const reload = hooks.reload || (() => window.location.reload());
  // A stored proposal with nothing to apply, or already applied: the button stays focusable
  // (aria-disabled) and says why when pressed, as Approve and Flag do.
  const plan = config.autofix_plan;
  const refusal = plan && !plan.usable ? plan.text : null;
  button.disabled = !config.can.autofix;
  button.hidden = !config.can.autofix;
  if (refusal) button.setAttribute("aria-disabled", "true");
  let stopped = false;

  async function run() {
    if (!config.can.autofix || button.disabled) return;
    if (refusal) {
      hooks.say(refusal);
      return;
    }
    button.disabled = true;
    hooks.say(config.autofix_plan ? "Applying auto-fix…" : "Applying auto-fix: detecting the damage and proposing a repair…");
    const answer = await postJson(config.urls.autofix, { version: config.photo.version });
    if (!answer.ok) {
      button.disabled = false;
      hooks.say(`No auto-fix: ${problemText(answer)}`);
      return;
    }
    const revision = answer.data;
    hooks.say(`Auto-fix saved as revision ${revision.number} (${revision.note}). Rendering it…`);
    const renderId = revision.render && revision.render.id;
    const state = renderId ? await waitForRender(renderId) : "done";
    // A failed render keeps its message on screen (a reload would wipe it); the revision is saved
    // and its render can be retried, so the button stays off.
    if (!stopped && state !== "failed") reload();
  }

  /**
   * @param {number} renderId
   * @returns {Promise<"done" | "failed" | "waiting">} "waiting" when it was still running at the limit
   */
  async function waitForRender(renderId) {
    const url = config.urls.render_base.replace("/0/", `/${renderId}/`);
    const started = Date.now();
    while (!stopped && Date.now() - started < POLL_LIMIT_MS) {
      try {
        const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
        if (response.ok) {
          const render = await response.json();
          if (render.state === "done") return "done";
          if (render.state === "failed") {
            hooks.say(`The auto-fix render failed: ${render.error}`);
            return "failed";
          }
        }
      } catch {
        // a dropped connection: try again on the next tick
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
    return "waiting";
  }

  const onClick = () => void run();
  button.addEventListener("click", onClick);
  return {
    run,
    destroy() {
      stopped = true;
      button.removeEventListener("click", onClick);
    },
  };
}
