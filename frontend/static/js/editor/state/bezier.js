// @ts-check
/**
 * Cubic Bezier arithmetic in image pixels (x right, y down): points on a segment, splitting it
 * (de Casteljau, so inserting an anchor keeps the shape exactly), the nearest point to the
 * pointer, flattening to a polyline and bounds. Pure functions of plain {x, y} objects.
 */

/** @typedef {{x: number, y: number}} Point */
/** @typedef {[Point, Point, Point, Point]} Cubic p0, c1, c2, p1 */

/** @param {Point} a @param {Point} b @param {number} t */
export function lerp(a, b, t) {
  return { x: a.x + (b.x - a.x) * t, y: a.y + (b.y - a.y) * t };
}

/** @param {Point} a @param {Point} b */
export function distance(a, b) {
  return Math.hypot(a.x - b.x, a.y - b.y);
}

/** @param {Cubic} cubic @param {number} t 0..1 @returns {Point} */
export function pointAt(cubic, t) {
  const [p0, c1, c2, p1] = cubic;
  const u = 1 - t;
  const a = u * u * u;
  const b = 3 * u * u * t;
  const c = 3 * u * t * t;
  const d = t * t * t;
  return { x: a * p0.x + b * c1.x + c * c2.x + d * p1.x, y: a * p0.y + b * c1.y + c * c2.y + d * p1.y };
}

/**
 * Split a cubic at `t` into two cubics that trace exactly the same curve.
 * @param {Cubic} cubic @param {number} t
 * @returns {[Cubic, Cubic]}
 */
export function split(cubic, t) {
  const [p0, c1, c2, p1] = cubic;
  const a = lerp(p0, c1, t);
  const b = lerp(c1, c2, t);
  const c = lerp(c2, p1, t);
  const d = lerp(a, b, t);
  const e = lerp(b, c, t);
  const mid = lerp(d, e, t);
  return [
    [p0, a, d, mid],
    [mid, e, c, p1],
  ];
}

/**
 * Points along a cubic, `steps` + 1 of them including both ends.
 * @param {Cubic} cubic @param {number} steps
 * @returns {Point[]}
 */
export function flatten(cubic, steps) {
  const points = [];
  for (let i = 0; i <= steps; i += 1) points.push(pointAt(cubic, i / steps));
  return points;
}

/**
 * How many straight pieces approximate a cubic within about `tolerance` px (at least 1).
 * @param {Cubic} cubic @param {number} tolerance
 */
export function stepsFor(cubic, tolerance) {
  const [p0, c1, c2, p1] = cubic;
  // The control polygon's deviation from the chord bounds the curve's; pieces shrink it by n^2.
  const deviation = Math.max(
    Math.hypot(p0.x - 2 * c1.x + c2.x, p0.y - 2 * c1.y + c2.y),
    Math.hypot(c1.x - 2 * c2.x + p1.x, c1.y - 2 * c2.y + p1.y),
  );
  return Math.min(256, Math.max(1, Math.ceil(Math.sqrt((0.75 * deviation) / Math.max(tolerance, 1e-6)))));
}

/**
 * The point of the cubic nearest to `target`: a coarse scan, then a golden-section refinement.
 * @param {Cubic} cubic @param {Point} target
 * @returns {{t: number, point: Point, distance: number}}
 */
export function nearest(cubic, target) {
  const samples = 24;
  let bestT = 0;
  let best = Infinity;
  for (let i = 0; i <= samples; i += 1) {
    const t = i / samples;
    const d = distance(pointAt(cubic, t), target);
    if (d < best) {
      best = d;
      bestT = t;
    }
  }
  let lo = Math.max(0, bestT - 1 / samples);
  let hi = Math.min(1, bestT + 1 / samples);
  const ratio = (Math.sqrt(5) - 1) / 2;
  for (let i = 0; i < 40; i += 1) {
    const a = hi - (hi - lo) * ratio;
    const b = lo + (hi - lo) * ratio;
    if (distance(pointAt(cubic, a), target) < distance(pointAt(cubic, b), target)) hi = b;
    else lo = a;
  }
  const t = (lo + hi) / 2;
  const point = pointAt(cubic, t);
  return { t, point, distance: distance(point, target) };
}

/**
 * Bounds of a cubic (of its control polygon, which contains the curve).
 * @param {Cubic} cubic
 */
export function controlBounds(cubic) {
  const xs = cubic.map((p) => p.x);
  const ys = cubic.map((p) => p.y);
  return { x0: Math.min(...xs), y0: Math.min(...ys), x1: Math.max(...xs), y1: Math.max(...ys) };
}

/**
 * A straight line as a cubic (control points at thirds), so every segment has one form.
 * @param {Point} a @param {Point} b @returns {Cubic}
 */
export function lineCubic(a, b) {
  return [a, lerp(a, b, 1 / 3), lerp(a, b, 2 / 3), b];
}

/**
 * Signed area of a closed polygon (shoelace): positive when it runs clockwise on screen (y down).
 * @param {readonly Point[]} points
 */
export function polygonArea(points) {
  let sum = 0;
  for (let i = 0; i < points.length; i += 1) {
    const a = points[i];
    const b = points[(i + 1) % points.length];
    sum += a.x * b.y - b.x * a.y;
  }
  return sum / 2;
}

/**
 * The winding number of closed polygons around `point` (nonzero rule: inside when not 0).
 * @param {readonly (readonly Point[])[]} polygons @param {Point} point
 */
export function windingNumber(polygons, point) {
  let winding = 0;
  for (const polygon of polygons) {
    for (let i = 0; i < polygon.length; i += 1) {
      const a = polygon[i];
      const b = polygon[(i + 1) % polygon.length];
      if (a.y <= point.y) {
        if (b.y > point.y && cross(a, b, point) > 0) winding += 1;
      } else if (b.y <= point.y && cross(a, b, point) < 0) {
        winding -= 1;
      }
    }
  }
  return winding;
}

/** @param {Point} a @param {Point} b @param {Point} p */
function cross(a, b, p) {
  return (b.x - a.x) * (p.y - a.y) - (p.x - a.x) * (b.y - a.y);
}
