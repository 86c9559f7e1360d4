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

/**
 * @typedef {object} PinNumberLabel
 * @property {number} x where its text starts (image pixels)
 * @property {number} y its text's baseline (image pixels)
 * @property {number[]} numbers the pins it numbers (1-based, as the page's lists count)
 * @property {string} text "2" or, for pins whose labels would print over each other, "2,3"
 */

/**
 * The pins' number labels: a box's just above its top-left corner, a point's up and right of its
 * ring. Labels that would overlap or touch at this zoom (pins at one spot, as a box dragged from
 * where a point was pinned: at every zoom; pins a little apart: until zoomed in) are one label,
 * "2,3", so no number hides or runs into another. Pure: sizes in image pixels.
 * @param {readonly Pin[]} pins
 * @param {{charWidth: number, height: number, gap: number, pointOffset: number}} metrics at the
 *   current zoom: a character's width and a label's height, the gap above a box, a point's label offset
 * @returns {PinNumberLabel[]}
 */
export function pinNumberLabels(pins, metrics) {
  /** @type {PinNumberLabel[]} */
  const labels = [];
  // Half a character of room on each side: labels closer than that read as one number ("23").
  const pad = metrics.charWidth / 2;
  /** @param {PinNumberLabel} label @param {string} text */
  const box = (label, text) => ({ x0: label.x - pad, y0: label.y - metrics.height, x1: label.x + text.length * metrics.charWidth + pad, y1: label.y });
  pins.forEach((pin, index) => {
    const number = index + 1;
    const at = isRegion(pin) ? { x: pin.x0, y: pin.y0 - metrics.gap } : { x: pin.x + metrics.pointOffset, y: pin.y - metrics.pointOffset };
    const own = { ...at, numbers: [number], text: String(number) };
    const mine = box(own, own.text);
    const shared = labels.find((label) => boxesOverlap(box(label, label.text), mine));
    if (!shared) labels.push(own);
    else {
      shared.numbers.push(number);
      shared.text = shared.numbers.join(",");
    }
  });
  // A label that grew ("1" -> "1,3") may now run into one placed before it grew ("1,32"): merge
  // until no two touch.
  for (let merged = true; merged; ) {
    merged = false;
    for (let i = 0; i < labels.length && !merged; i += 1) {
      const j = labels.findIndex((other, k) => k > i && boxesOverlap(box(labels[i], labels[i].text), box(other, other.text)));
      if (j < 0) continue;
      labels[i].numbers = [...labels[i].numbers, ...labels[j].numbers].sort((a, b) => a - b);
      labels[i].text = labels[i].numbers.join(",");
      labels.splice(j, 1);
      merged = true;
    }
  }
  return labels;
}

/** @param {{x0: number, y0: number, x1: number, y1: number}} a @param {{x0: number, y0: number, x1: number, y1: number}} b */
function boxesOverlap(a, b) {
  return a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1;
}
