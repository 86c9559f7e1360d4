// @ts-check
/**
 * Flag pins in image pixels of the upright photo (x right, y down, origin top-left), as the flag API
 * takes them (reviews/pins.py): points `{x, y}` and regions `{x0, y0, x1, y1}`.
 */

/** A drag shorter than this many screen pixels is a click: a point pin, not a box. */
export const MIN_DRAG_SCREEN_PX = 6;

/** @typedef {{x: number, y: number}} Point */
/** @typedef {{x: number, y: number} | {x0: number, y0: number, x1: number, y1: number}} Pin */

/**
 * @param {number} value
 * @param {number} limit
 */
function clamp(value, limit) {
  return Math.min(limit, Math.max(0, value));
}

/** Round to a tenth of a pixel: enough for a pin, and short JSON. @param {number} value */
function tenth(value) {
  return Math.round(value * 10) / 10;
}

/**
 * A point pin, kept inside the photo.
 * @param {Point} image a point in image pixels
 * @param {{width: number, height: number}} size
 * @returns {{x: number, y: number}}
 */
export function pointPin(image, size) {
  return { x: tenth(clamp(image.x, size.width)), y: tenth(clamp(image.y, size.height)) };
}

/**
 * The pin a press-drag-release makes: a box between the two corners (either order), or a point
 * when the pointer moved less than `MIN_DRAG_SCREEN_PX` on screen or the box has no area.
 * @param {Point} startImage press position, image pixels
 * @param {Point} endImage release position, image pixels
 * @param {number} screenDistance how far the pointer moved, in screen pixels
 * @param {{width: number, height: number}} size
 * @returns {Pin}
 */
export function pinFromDrag(startImage, endImage, screenDistance, size) {
  if (screenDistance < MIN_DRAG_SCREEN_PX) return pointPin(endImage, size);
  const a = pointPin(startImage, size);
  const b = pointPin(endImage, size);
  const box = { x0: Math.min(a.x, b.x), y0: Math.min(a.y, b.y), x1: Math.max(a.x, b.x), y1: Math.max(a.y, b.y) };
  if (box.x1 <= box.x0 || box.y1 <= box.y0) return pointPin(endImage, size);
  return box;
}

/** @param {Pin} pin @returns {pin is {x0: number, y0: number, x1: number, y1: number}} */
export function isRegion(pin) {
  return "x0" in pin;
}

/**
 * A pin in words, for its list item and button labels.
 * @param {Pin} pin
 */
export function pinLabel(pin) {
  if (isRegion(pin)) {
    const w = Math.round(pin.x1 - pin.x0);
    const h = Math.round(pin.y1 - pin.y0);
    return `box ${w} × ${h} px at ${Math.round(pin.x0)}, ${Math.round(pin.y0)}`;
  }
  return `point at ${Math.round(pin.x)}, ${Math.round(pin.y)}`;
}

/**
 * Where a pin is drawn and what the view zooms to: its box, or a small square around a point.
 * @param {Pin} pin
 * @param {number} pad image pixels around a point
 */
export function pinBounds(pin, pad) {
  if (isRegion(pin)) return { x0: pin.x0, y0: pin.y0, x1: pin.x1, y1: pin.y1 };
  return { x0: pin.x - pad, y0: pin.y - pad, x1: pin.x + pad, y1: pin.y + pad };
}

/**
 * The letter a detected region goes by (A, B, ... Z, AA, AB, ...), as an HTML `<ol type="A">`
 * counts: pins are numbered, so regions are lettered and the two never read alike.
 * @param {number} index 0-based
 */
export function regionLetter(index) {
  let text = "";
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) text = String.fromCharCode(65 + ((n - 1) % 26)) + text;
  return text;
}
