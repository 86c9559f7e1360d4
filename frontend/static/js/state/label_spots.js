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
 * The first free spot for a `width` x `height` label of `box`: just above its top-left corner,
 * then inside that corner, below its bottom-left, above its top-right, inside its top-right,
 * bottom-left and bottom-right corners, below its bottom-right. Only spots inside `bounds` (the
 * image: the viewer shows nothing past its edges) count, so a box touching the image's top edge
 * is lettered inside its top-left corner; a spot past a side edge slides back in along it. Null
 * when every spot overlaps a label in `taken` (the region is then drawn unlabelled: its list
 * entry names it). The spot found is added to `taken`.
 * @param {Box} box @param {number} width @param {number} height @param {Box[]} taken @param {number} gap
 * @param {Box} bounds
 * @returns {Box | null} the label's box
 */
export function labelSpot(box, width, height, taken, gap, bounds) {
  const [left, right] = [box.x0, box.x1 - width];
  const [above, below] = [box.y0 - gap - height, box.y1 + gap];
  const [insideLeft, insideRight] = [box.x0 + gap, box.x1 - gap - width];
  const [insideTop, insideBottom] = [box.y0 + gap, box.y1 - gap - height];
  const corners = [
    { x: left, y: above },
    { x: insideLeft, y: insideTop },
    { x: left, y: below },
    { x: right, y: above },
    { x: insideRight, y: insideTop },
    { x: insideLeft, y: insideBottom },
    { x: insideRight, y: insideBottom },
    { x: right, y: below },
  ];
  for (const corner of corners) {
    if (corner.y < bounds.y0 || corner.y + height > bounds.y1) continue;
    const x = Math.max(bounds.x0, Math.min(corner.x, bounds.x1 - width));
    const spot = { x0: x, y0: corner.y, x1: x + width, y1: corner.y + height };
    if (!taken.some((other) => overlaps(spot, other))) {
      taken.push(spot);
      return spot;
    }
  }
  return null;
}
