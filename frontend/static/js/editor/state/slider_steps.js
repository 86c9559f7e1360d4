// @ts-check
/**
 * Arrow keys on a fine slider. Feather takes 0.1 px steps from 0 to 250 px (Photoshop's
 * precision), so an arrow key moved it 0.1 px and crossing the range took 2,500 presses. Such a
 * slider's arrows move a whole `coarse` step (Shift: ten), the first of them to the value
 * rounded to that step in the key's direction; dragging and Alt+arrow keep the fine step.
 */

/** @typedef {{min: number, max: number}} Bounds */

const UP = new Set(["ArrowUp", "ArrowRight"]);
const DOWN = new Set(["ArrowDown", "ArrowLeft"]);

/**
 * The slider's next value for an arrow key, or null for any other key.
 * @param {number} value @param {string} key @param {boolean} shift @param {Bounds} bounds @param {number} coarse
 * @returns {number | null}
 */
export function arrowStepped(value, key, shift, bounds, coarse) {
  const direction = UP.has(key) ? 1 : DOWN.has(key) ? -1 : 0;
  if (!direction) return null;
  const count = shift ? 10 : 1;
  // From 3.4 up goes to 4 (Shift: 13), down to 3 (Shift: 0 at the end): whole steps in the key's direction.
  const steps = direction > 0 ? Math.floor(value / coarse + 1e-9) + count : Math.ceil(value / coarse - 1e-9) - count;
  return Math.min(bounds.max, Math.max(bounds.min, steps * coarse));
}
