// @ts-check
/**
 * Binds `arrowStepped` (state/slider_steps.js) to fine sliders: an arrow key sets the value and
 * sends the `input` and `change` events a native step sends, so the slider previews and commits
 * as it does when dragged.
 */

import { arrowStepped } from "../state/slider_steps.js";

/**
 * @param {HTMLInputElement} slider @param {number} coarse
 * @returns {() => void} removes the binding
 */
export function coarseArrowKeys(slider, coarse) {
  /** @param {KeyboardEvent} event */
  const onKey = (event) => {
    if (event.altKey || event.ctrlKey || event.metaKey) return; // the slider's own fine step
    const bounds = { min: Number(slider.min), max: Number(slider.max) };
    const next = arrowStepped(Number(slider.value), event.key, event.shiftKey, bounds, coarse);
    if (next === null) return;
    event.preventDefault();
    if (next === Number(slider.value)) return;
    slider.value = String(next);
    slider.dispatchEvent(new Event("input", { bubbles: true }));
    slider.dispatchEvent(new Event("change", { bubbles: true }));
  };
  slider.addEventListener("keydown", onKey);
  return () => slider.removeEventListener("keydown", onKey);
}
