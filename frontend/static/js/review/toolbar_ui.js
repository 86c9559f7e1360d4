// @ts-check
/**
 * The review screen's view controls (backdrop, compare mode and reference, original and mask
 * toggles, zoom, help): DOM events become store actions, and every state change is shown back
 * (checked radios, pressed toggles, the stage's backdrop class, the legend).
 */

import { viewLegend } from "../state/review_state.js";

/** @typedef {import("../state/review_state.js").ReviewState} ReviewState */
/** @typedef {import("../state/review_state.js").ReviewAction} ReviewAction */
/** @typedef {{getState: () => ReviewState, dispatch: (action: ReviewAction) => ReviewState}} Store */

/** @param {string} id */
function byId(id) {
  const element = document.getElementById(id);
  if (!element) throw new Error(`the review page has no #${id}`);
  return element;
}

/**
 * @param {Store} store
 * @param {{onZoomToggle: () => void, onHelp: () => void, label: (key: string) => string, current: string}} hooks
 */
export function bindToolbar(store, hooks) {
  const stage = byId("stage");
  const colour = /** @type {HTMLInputElement} */ (byId("backdrop-colour"));
  const reference = /** @type {HTMLSelectElement} */ (byId("reference"));
  const original = byId("toggle-original");
  const mask = byId("toggle-mask");
  const legend = byId("stage-legend");
  /** @type {NodeListOf<HTMLInputElement>} */
  const backdrops = document.querySelectorAll("input[name=backdrop]");
  /** @type {NodeListOf<HTMLInputElement>} */
  const compares = document.querySelectorAll("input[name=compare]");

  for (const radio of backdrops) {
    radio.addEventListener("change", () => {
      if (radio.checked) store.dispatch({ type: "backdrop/set", backdrop: /** @type {any} */ (radio.value) });
    });
  }
  colour.addEventListener("input", () => store.dispatch({ type: "backdrop/colour", colour: colour.value }));
  for (const radio of compares) {
    radio.addEventListener("change", () => {
      if (radio.checked) store.dispatch({ type: "compare/set", mode: /** @type {any} */ (radio.value) });
    });
  }
  reference.addEventListener("change", () => {
    store.dispatch({ type: "reference/set", key: reference.value });
    reference.blur(); // a focused select keeps the letters: give the shortcuts back
  });
  original.addEventListener("click", () => store.dispatch({ type: "original/toggle" }));
  mask.addEventListener("click", () => store.dispatch({ type: "mask/toggle" }));
  byId("zoom-toggle").addEventListener("click", hooks.onZoomToggle);
  byId("help-open").addEventListener("click", hooks.onHelp);

  /** @param {ReviewState} state */
  function render(state) {
    for (const radio of backdrops) radio.checked = radio.value === state.backdrop;
    for (const radio of compares) radio.checked = radio.value === state.compare;
    for (const name of ["checker", "white", "black", "grey", "custom"]) {
      stage.classList.toggle(`backdrop-${name}`, name === state.backdrop);
    }
    stage.style.setProperty("--custom-backdrop", state.customColour);
    stage.style.setProperty("--swipe", `${state.swipe * 100}%`);
    stage.dataset.compare = state.compare;
    colour.value = state.customColour;
    reference.value = state.reference;
    original.setAttribute("aria-pressed", String(state.showOriginal));
    mask.setAttribute("aria-pressed", String(state.mask));
    legend.textContent = viewLegend(state, hooks.label, hooks.current);
  }

  render(store.getState());
  return { render };
}

/**
 * The zoom readout next to the Fit / 100 % button.
 * @param {number} imageZoom
 * @param {{deepest: number, top: number}} levels
 */
export function zoomText(imageZoom, levels) {
  const percent = `${Math.round(imageZoom * 100)} %`;
  if (levels.top < 0 || levels.deepest < 0) return percent;
  return levels.deepest >= levels.top && imageZoom >= 0.999 ? `${percent} · full resolution` : percent;
}
