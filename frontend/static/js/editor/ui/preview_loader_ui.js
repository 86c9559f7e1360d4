// @ts-check
/**
 * Asks the server for crop previews (POST /api/photos/{id}/preview/) of what the viewer shows and
 * hands them to the preview layer: at once after an edit is committed, every `LIVE_MS` while a
 * slider moves, and after the view has been still for `SETTLE_MS`. Only the newest request
 * counts: an older one still on its way is aborted, and an answer for a recipe or window that is
 * no longer wanted is dropped. A busy server (503 ``editor_busy``, 429) is asked again after the
 * wait it names, up to `MAX_RETRIES` times in a row.
 */

import { stableJson } from "../state/drafts.js";
import { previewCovers, previewWindow } from "../state/preview_window.js";
import { postForImage, problemText } from "./api.js";

/** Quiet time after a pan or zoom before the new area is asked for (ms). */
const SETTLE_MS = 150;
/** While a slider moves, at most one preview per this many ms. */
const LIVE_MS = 120;
/** Asks in a row a busy server gets before the editor waits for the next edit or view change. */
const MAX_RETRIES = 10;

/** @typedef {import("../state/preview_window.js").PreviewWindow} PreviewWindow */
/** @typedef {{clientMs: number, serverMs: number | null, rect: PreviewWindow["rect"], scale: number}} PreviewTiming */

/**
 * @param {{url: string, deepZoom: import("../../viewer/deep_zoom_ui.js").DeepZoom, size: {width: number, height: number},
 *   layer: import("./preview_layer_ui.js").PreviewLayer, recipe: () => unknown,
 *   onTiming: (timing: PreviewTiming) => void, onProblem: (message: string | null) => void}} options
 */
export function createPreviewLoader({ url, deepZoom, size, layer, recipe, onTiming, onProblem }) {
  /** @type {{key: string, window: PreviewWindow} | null} */
  let shown = null;
  /** @type {{key: string, controller: AbortController} | null} */
  let pending = null;
  /** @type {ReturnType<typeof setTimeout> | null} */
  let timer = null;
  let lastLive = 0;
  let enabled = true;
  let retries = 0;

  /** @param {boolean} force ask even when the shown preview covers the view @param {boolean} [retry] asking a busy server again */
  async function load(force, retry = false) {
    if (!enabled) return;
    if (!retry) retries = 0;
    const wanted = previewWindow(deepZoom.view(), size, window.devicePixelRatio || 1);
    if (!wanted) return;
    const currentRecipe = recipe();
    const recipeKey = stableJson(currentRecipe);
    if (!force && shown && shown.key === recipeKey && previewCovers(shown.window, wanted)) return;
    const key = `${recipeKey}|${stableJson(wanted)}`;
    if (pending && pending.key === key) return;
    if (pending) pending.controller.abort();
    const controller = new AbortController();
    pending = { key, controller };
    const started = performance.now();
    const answer = await postForImage(url, { recipe: currentRecipe, rect: wanted.rect, scale: wanted.scale }, controller.signal);
    if (!pending || pending.controller !== controller) return; // a newer request replaced this one
    pending = null;
    if (!answer.ok) {
      if (answer.aborted) return;
      const busy = (answer.status === 503 || answer.status === 429) && retries < MAX_RETRIES;
      const wait = Math.max(1, Number(answer.data && answer.data.details && answer.data.details.retry_after_seconds) || 1);
      onProblem(busy ? `Preview: the server is busy; asking again in ${wait} s.` : `Preview: ${problemText({ ok: false, status: answer.status, data: answer.data })}`);
      if (busy) {
        retries += 1;
        clearTimer();
        timer = setTimeout(() => load(false, true), wait * 1000);
      }
      return;
    }
    retries = 0;
    const bitmap = await createImageBitmap(answer.blob);
    if (stableJson(recipe()) !== recipeKey) {
      bitmap.close(); // the recipe moved on while this was decoded; its own request is on the way
      return;
    }
    layer.show({ bitmap, rect: wanted.rect });
    shown = { key: recipeKey, window: wanted };
    onProblem(null);
    onTiming({ clientMs: performance.now() - started, serverMs: answer.serverMs, rect: wanted.rect, scale: wanted.scale });
  }

  function clearTimer() {
    if (timer) clearTimeout(timer);
    timer = null;
  }

  const off = deepZoom.onView(() => {
    clearTimer();
    timer = setTimeout(() => load(false), SETTLE_MS);
  });

  return {
    /** The recipe changed for good (an edit was committed): ask now. */
    now() {
      clearTimer();
      load(false);
    },
    /** The recipe is changing (a slider moves): ask now and then, the last change always included. */
    live() {
      const since = performance.now() - lastLive;
      clearTimer();
      if (since >= LIVE_MS) {
        lastLive = performance.now();
        load(false);
      } else {
        timer = setTimeout(() => {
          lastLive = performance.now();
          load(false);
        }, LIVE_MS - since);
      }
    },
    /** @param {boolean} on previews off while the original is shown */
    setEnabled(on) {
      enabled = on;
      if (on) load(false);
    },
    /** Forget what is shown (the photo's inputs changed): the next view asks again. */
    reset() {
      shown = null;
      load(true);
    },
    destroy() {
      off();
      clearTimer();
      if (pending) pending.controller.abort();
    },
  };
}
