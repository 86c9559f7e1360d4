// @ts-check
/**
 * Placing flag pins with the pointer while the flag form is open: a click makes a point, a drag a
 * box (shown while dragging). Shift+drag still pans, the wheel still zooms.
 */

import { pinFromDrag } from "../state/pins.js";

/** @typedef {import("../state/pins.js").Pin} Pin */
/** @typedef {{x0: number, y0: number, x1: number, y1: number}} Box */

/**
 * @param {import("./deep_zoom_ui.js").DeepZoom} deepZoom
 * @param {{size: {width: number, height: number}, onPin: (pin: Pin) => void, onBand: (box: Box | null) => void}} options
 */
export function attachPinInput(deepZoom, { size, onPin, onBand }) {
  const viewer = deepZoom.viewer;
  let enabled = false;
  /** @type {{x: number, y: number} | null} */
  let start = null;
  let panning = false;

  /** @param {{x: number, y: number}} a @param {{x: number, y: number}} b @returns {Box} */
  function band(a, b) {
    const p = deepZoom.elementToImage(a);
    const q = deepZoom.elementToImage(b);
    return { x0: Math.min(p.x, q.x), y0: Math.min(p.y, q.y), x1: Math.max(p.x, q.x), y1: Math.max(p.y, q.y) };
  }

  /** @param {any} event */
  function press(event) {
    if (!enabled) return;
    start = { x: event.position.x, y: event.position.y };
    panning = Boolean(event.originalEvent && event.originalEvent.shiftKey);
  }

  /** @param {any} event */
  function drag(event) {
    if (!enabled || !start || panning) return;
    event.preventDefaultAction = true;
    onBand(band(start, event.position));
  }

  /** @param {any} event (raised after canvas-release, so `start` is already cleared) */
  function dragEnd(event) {
    if (enabled && !panning) event.preventDefaultAction = true; // no flick after drawing a box
  }

  /** @param {any} event */
  function release(event) {
    if (!enabled || !start) return;
    const from = start;
    start = null;
    if (panning || !event.insideElementReleased) {
      onBand(null);
      return;
    }
    const to = { x: event.position.x, y: event.position.y };
    const distance = Math.hypot(to.x - from.x, to.y - from.y);
    onBand(null);
    onPin(pinFromDrag(deepZoom.elementToImage(from), deepZoom.elementToImage(to), distance, size));
  }

  viewer.addHandler("canvas-press", press);
  viewer.addHandler("canvas-drag", drag);
  viewer.addHandler("canvas-drag-end", dragEnd);
  viewer.addHandler("canvas-release", release);

  return {
    /** @param {boolean} on */
    setEnabled(on) {
      enabled = on;
      start = null;
      viewer.element.classList.toggle("placing-pins", on);
    },
    destroy() {
      viewer.removeHandler("canvas-press", press);
      viewer.removeHandler("canvas-drag", drag);
      viewer.removeHandler("canvas-drag-end", dragEnd);
      viewer.removeHandler("canvas-release", release);
    },
  };
}
