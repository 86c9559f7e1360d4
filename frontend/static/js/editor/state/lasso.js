// @ts-check
/**
 * The lasso: a freehand outline (the pointer's positions in image pixels) made into a closed
 * polygon with as few corners as keep it within a tolerance (Ramer-Douglas-Peucker).
 */

import { polygonArea } from "./bezier.js";

/** @typedef {import("./bezier.js").Point} Point */

/** A lasso with less area than this (image px^2) was a click, not a region. */
export const MIN_LASSO_AREA = 4;

/**
 * @param {Point} p @param {Point} a @param {Point} b
 * @returns {number} distance from p to the segment ab
 */
export function segmentDistance(p, a, b) {
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const length2 = dx * dx + dy * dy;
  const t = length2 === 0 ? 0 : Math.max(0, Math.min(1, ((p.x - a.x) * dx + (p.y - a.y) * dy) / length2));
  return Math.hypot(p.x - (a.x + t * dx), p.y - (a.y + t * dy));
}

/**
 * Simplify an open polyline: every dropped point lies within `tolerance` of the result.
 * @param {readonly Point[]} points @param {number} tolerance
 * @returns {Point[]}
 */
export function simplifyPolyline(points, tolerance) {
  if (points.length <= 2) return points.slice();
  const keep = new Uint8Array(points.length);
  keep[0] = 1;
  keep[points.length - 1] = 1;
  /** @type {[number, number][]} */
  const stack = [[0, points.length - 1]];
  while (stack.length) {
    const [from, to] = /** @type {[number, number]} */ (stack.pop());
    let worst = -1;
    let worstDistance = tolerance;
    for (let i = from + 1; i < to; i += 1) {
      const d = segmentDistance(points[i], points[from], points[to]);
      if (d > worstDistance) {
        worstDistance = d;
        worst = i;
      }
    }
    if (worst >= 0) {
      keep[worst] = 1;
      stack.push([from, worst], [worst, to]);
    }
  }
  return points.filter((_, index) => keep[index]);
}

/**
 * A closed lasso outline, simplified: split at the point farthest from the start and simplify
 * both halves, so the start point is no special corner.
 * @param {readonly Point[]} points the pointer's track
 * @param {number} tolerance image pixels
 * @returns {Point[] | null} null when the track encloses (almost) nothing
 */
export function lassoPolygon(points, tolerance) {
  const track = points.filter((point, index) => index === 0 || point.x !== points[index - 1].x || point.y !== points[index - 1].y);
  if (track.length < 3 || Math.abs(polygonArea(track)) < MIN_LASSO_AREA) return null;
  let far = 0;
  let farDistance = -1;
  track.forEach((point, index) => {
    const d = Math.hypot(point.x - track[0].x, point.y - track[0].y);
    if (d > farDistance) {
      farDistance = d;
      far = index;
    }
  });
  const first = simplifyPolyline(track.slice(0, far + 1), tolerance);
  const second = simplifyPolyline([...track.slice(far), track[0]], tolerance);
  const polygon = [...first, ...second.slice(1, -1)];
  return polygon.length >= 3 && Math.abs(polygonArea(polygon)) >= MIN_LASSO_AREA ? polygon : null;
}
