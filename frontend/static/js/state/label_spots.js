// @ts-check
/**
 * Where a region's label goes on the viewer so labels never cover each other: detection finds
 * many regions side by side along a piece's edge, and at fit their letters piled up into
 * unreadable pairs ("IG") or hid one another. Pure: boxes and label sizes in image pixels.
 */

/** @typedef {{x0: number, y0: number, x1: number, y1: number}} Box */

/** @param {Box} a @param {Box} b */
export function overlaps(a, b) {
  return a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1;
}

/**
 * The first free spot for a `width` x `height` label of `box` (just above its top-left corner,
 * then inside that corner, below its bottom-left, above its top-right), or null when every spot
 * overlaps a label in `taken` (the region is then drawn unlabelled: its list entry names it).
 * The spot found is added to `taken`.
 * @param {Box} box @param {number} width @param {number} height @param {Box[]} taken @param {number} gap
 * @returns {Box | null} the label's box
 */
export function labelSpot(box, width, height, taken, gap) {
  const corners = [
    { x: box.x0, y: box.y0 - gap - height },
    { x: box.x0 + gap, y: box.y0 + gap },
    { x: box.x0, y: box.y1 + gap },
    { x: box.x1 - width, y: box.y0 - gap - height },
  ];
  for (const { x, y } of corners) {
    const spot = { x0: x, y0: y, x1: x + width, y1: y + height };
    if (!taken.some((other) => overlaps(spot, other))) {
      taken.push(spot);
      return spot;
    }
  }
  return null;
}
