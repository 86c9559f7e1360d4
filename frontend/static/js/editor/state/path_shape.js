// @ts-check
/**
 * The pen's shapes: subpaths of anchors with Bezier handles, in image pixels, and the edits the
 * pen and the selection tool make to them. Immutable: every edit returns a new shape and leaves
 * the old one alone (the undo stack keeps old ones), sharing untouched subpaths.
 *
 * An anchor's handles are absolute points; `null` means the handle sits on the anchor (a corner
 * on that side). A smooth anchor keeps its two handles opposite each other: moving one swings the
 * other round (keeping its length) until Alt breaks the pair, which makes the anchor a corner.
 */

import { controlBounds, distance, flatten, lineCubic, nearest, split, stepsFor, windingNumber } from "./bezier.js";
import { parsePathData, writePathData } from "./path_data.js";

/** @typedef {import("./bezier.js").Point} Point */
/** @typedef {import("./bezier.js").Cubic} Cubic */
/** @typedef {{x: number, y: number, hin: Point | null, hout: Point | null, smooth: boolean}} Anchor */
/** @typedef {{anchors: readonly Anchor[], closed: boolean}} ShapePath */
/** @typedef {{subpaths: readonly ShapePath[]}} Shape */
/** @typedef {{subpath: number, anchor: number}} AnchorRef */

/** Handles closer than this to their anchor (image px) are the anchor itself. */
const SAME_POINT = 1e-6;
/** Opposite handles within this angle (radians) make a smooth anchor when a path is read. */
const SMOOTH_ANGLE = 0.02;

/** @param {Point} point @returns {Anchor} */
export function cornerAnchor(point) {
  return { x: point.x, y: point.y, hin: null, hout: null, smooth: false };
}

/**
 * A smooth anchor at `point` whose out-handle is `handle` (the in-handle mirrored).
 * @param {Point} point @param {Point} handle @returns {Anchor}
 */
export function smoothAnchor(point, handle) {
  return { x: point.x, y: point.y, hin: { x: 2 * point.x - handle.x, y: 2 * point.y - handle.y }, hout: { ...handle }, smooth: true };
}

/** @param {Point} point @returns {Shape} */
export function shapeStartingAt(point) {
  return { subpaths: [{ anchors: [cornerAnchor(point)], closed: false }] };
}

/**
 * A closed polygon of corner anchors (the lasso's outline).
 * @param {readonly Point[]} points
 * @returns {Shape}
 */
export function shapeFromPolygon(points) {
  return { subpaths: [{ anchors: points.map(cornerAnchor), closed: true }] };
}

/** @param {ShapePath} path */
export function segmentCount(path) {
  if (path.anchors.length < 2) return 0;
  return path.closed ? path.anchors.length : path.anchors.length - 1;
}

/**
 * Segment `index` of a subpath as a cubic (a straight one when both handles are on their anchors).
 * @param {ShapePath} path @param {number} index
 * @returns {Cubic}
 */
export function segmentCubic(path, index) {
  const a = path.anchors[index];
  const b = path.anchors[(index + 1) % path.anchors.length];
  if (!a.hout && !b.hin) return lineCubic(a, b);
  return [{ x: a.x, y: a.y }, a.hout ?? { x: a.x, y: a.y }, b.hin ?? { x: b.x, y: b.y }, { x: b.x, y: b.y }];
}

/** @param {ShapePath} path @param {number} index */
function isLine(path, index) {
  return !path.anchors[index].hout && !path.anchors[(index + 1) % path.anchors.length].hin;
}

/**
 * SVG path data of a shape (subpaths with fewer than two anchors are left out: nothing to fill).
 * @param {Shape} shape
 */
export function shapeToPathData(shape) {
  const subpaths = [];
  for (const path of shape.subpaths) {
    if (path.anchors.length < 2) continue;
    const segments = [];
    for (let i = 0; i < segmentCount(path); i += 1) {
      const cubic = segmentCubic(path, i);
      const closing = path.closed && i === path.anchors.length - 1;
      if (isLine(path, i)) {
        if (!closing) segments.push({ kind: /** @type {const} */ ("line"), to: cubic[3] });
      } else {
        segments.push({ kind: /** @type {const} */ ("cubic"), c1: cubic[1], c2: cubic[2], to: cubic[3] });
      }
    }
    subpaths.push({ start: path.anchors[0], segments, closed: path.closed });
  }
  return writePathData(subpaths);
}

/**
 * The anchors of path data, or null when it cannot be edited as anchors (arcs, malformed).
 * A subpath that returns to its start before Z merges its last anchor into the first.
 * @param {string} d
 * @returns {Shape | null}
 */
export function shapeFromPathData(d) {
  let parsed;
  try {
    parsed = parsePathData(d);
  } catch {
    return null;
  }
  if (!parsed) return null;
  const subpaths = parsed.map((subpath) => {
    /** @type {Anchor[]} */
    const anchors = [cornerAnchor(subpath.start)];
    for (const segment of subpath.segments) {
      const previous = anchors[anchors.length - 1];
      if (segment.kind === "cubic") anchors[anchors.length - 1] = { ...previous, hout: handleOrNull(previous, segment.c1) };
      anchors.push({ ...cornerAnchor(segment.to), hin: segment.kind === "cubic" ? handleOrNull(segment.to, segment.c2) : null });
    }
    if (subpath.closed && anchors.length > 1) {
      const first = anchors[0];
      const last = anchors[anchors.length - 1];
      if (distance(first, last) < 1e-9) {
        anchors[0] = { ...first, hin: last.hin };
        anchors.pop();
      }
    }
    return { anchors: anchors.map((anchor) => ({ ...anchor, smooth: isSmooth(anchor) })), closed: subpath.closed };
  });
  return { subpaths };
}

/** @param {Point} anchor @param {Point} handle */
function handleOrNull(anchor, handle) {
  return distance(anchor, handle) < SAME_POINT ? null : { x: handle.x, y: handle.y };
}

/** @param {Anchor} anchor */
function isSmooth(anchor) {
  if (!anchor.hin || !anchor.hout) return false;
  const a = Math.atan2(anchor.hin.y - anchor.y, anchor.hin.x - anchor.x);
  const b = Math.atan2(anchor.hout.y - anchor.y, anchor.hout.x - anchor.x);
  const turn = Math.abs(Math.atan2(Math.sin(a - b), Math.cos(a - b)));
  return Math.abs(turn - Math.PI) < SMOOTH_ANGLE;
}

/**
 * Replace one anchor (a new shape sharing the other subpaths).
 * @param {Shape} shape @param {AnchorRef} ref @param {(anchor: Anchor) => Anchor} change
 * @returns {Shape}
 */
export function updateAnchor(shape, ref, change) {
  const path = shape.subpaths[ref.subpath];
  const anchors = path.anchors.slice();
  anchors[ref.anchor] = change(anchors[ref.anchor]);
  return withPath(shape, ref.subpath, { ...path, anchors });
}

/** @param {Shape} shape @param {number} index @param {ShapePath} path @returns {Shape} */
function withPath(shape, index, path) {
  const subpaths = shape.subpaths.slice();
  subpaths[index] = path;
  return { subpaths };
}

/** @param {Point | null} point @param {number} dx @param {number} dy */
function shift(point, dx, dy) {
  return point ? { x: point.x + dx, y: point.y + dy } : null;
}

/**
 * Move an anchor to `to`; its handles travel with it.
 * @param {Shape} shape @param {AnchorRef} ref @param {Point} to
 */
export function moveAnchor(shape, ref, to) {
  return updateAnchor(shape, ref, (anchor) => {
    const dx = to.x - anchor.x;
    const dy = to.y - anchor.y;
    return { ...anchor, x: to.x, y: to.y, hin: shift(anchor.hin, dx, dy), hout: shift(anchor.hout, dx, dy) };
  });
}

/**
 * Move one handle of an anchor. On a smooth anchor the other handle swings round to stay
 * opposite (keeping its length, or taking this one's when it had none) unless `breakPair`
 * (Alt), which leaves it and makes the anchor a corner.
 * @param {Shape} shape @param {AnchorRef} ref @param {"in" | "out"} which @param {Point} to
 * @param {{breakPair?: boolean}} [options]
 */
export function moveHandle(shape, ref, which, to, { breakPair = false } = {}) {
  return updateAnchor(shape, ref, (anchor) => {
    const own = distance(anchor, to) < SAME_POINT ? null : { x: to.x, y: to.y };
    const otherKey = which === "in" ? "hout" : "hin";
    const ownKey = which === "in" ? "hin" : "hout";
    if (breakPair || !anchor.smooth || !own) return { ...anchor, [ownKey]: own, smooth: false };
    const other = anchor[otherKey];
    const length = other ? distance(anchor, other) : distance(anchor, own);
    const reach = distance(anchor, own);
    const mirrored = { x: anchor.x - ((own.x - anchor.x) / reach) * length, y: anchor.y - ((own.y - anchor.y) / reach) * length };
    return { ...anchor, [ownKey]: own, [otherKey]: mirrored, smooth: true };
  });
}

/**
 * Pull symmetric handles out of an anchor (its out-handle at `handle`): the pen's drag.
 * @param {Shape} shape @param {AnchorRef} ref @param {Point} handle
 */
export function pullHandles(shape, ref, handle) {
  return updateAnchor(shape, ref, (anchor) =>
    distance(anchor, handle) < SAME_POINT ? { ...anchor, hin: null, hout: null, smooth: false } : smoothAnchor(anchor, handle),
  );
}

/** Make an anchor a corner with no handles (Alt-click). @param {Shape} shape @param {AnchorRef} ref */
export function retractHandles(shape, ref) {
  return updateAnchor(shape, ref, (anchor) => ({ ...anchor, hin: null, hout: null, smooth: false }));
}

/**
 * Add an anchor at the end of an open subpath.
 * @param {Shape} shape @param {number} subpath @param {Point} point
 * @returns {{shape: Shape, ref: AnchorRef}}
 */
export function appendAnchor(shape, subpath, point) {
  const path = shape.subpaths[subpath];
  const anchors = [...path.anchors, cornerAnchor(point)];
  return { shape: withPath(shape, subpath, { ...path, anchors }), ref: { subpath, anchor: anchors.length - 1 } };
}

/** @param {Shape} shape @param {number} subpath */
export function closeSubpath(shape, subpath) {
  return withPath(shape, subpath, { ...shape.subpaths[subpath], closed: true });
}

/**
 * Insert an anchor on segment `segment` at parameter `t`, splitting the curve so the shape does
 * not change (the new anchor is smooth when the segment was a curve).
 * @param {Shape} shape @param {number} subpath @param {number} segment @param {number} t
 * @returns {{shape: Shape, ref: AnchorRef}}
 */
export function insertAnchor(shape, subpath, segment, t) {
  const path = shape.subpaths[subpath];
  const count = path.anchors.length;
  const nextIndex = (segment + 1) % count;
  const anchors = path.anchors.slice();
  const [left, right] = split(segmentCubic(path, segment), t);
  const line = isLine(path, segment);
  const a = anchors[segment];
  const b = anchors[nextIndex];
  /** @type {Anchor} */
  const added = line
    ? cornerAnchor(left[3])
    : { x: left[3].x, y: left[3].y, hin: handleOrNull(left[3], left[2]), hout: handleOrNull(left[3], right[1]), smooth: true };
  if (!line) {
    anchors[segment] = { ...a, hout: handleOrNull(a, left[1]) };
    anchors[nextIndex] = { ...b, hin: handleOrNull(b, right[2]) };
  }
  anchors.splice(segment + 1, 0, added);
  return { shape: withPath(shape, subpath, { ...path, anchors }), ref: { subpath, anchor: segment + 1 } };
}

/**
 * Delete an anchor; a subpath left without anchors goes too.
 * @param {Shape} shape @param {AnchorRef} ref
 * @returns {Shape}
 */
export function deleteAnchor(shape, ref) {
  const path = shape.subpaths[ref.subpath];
  const anchors = path.anchors.filter((_, index) => index !== ref.anchor);
  if (anchors.length === 0) return { subpaths: shape.subpaths.filter((_, index) => index !== ref.subpath) };
  return withPath(shape, ref.subpath, { ...path, anchors, closed: path.closed && anchors.length > 2 });
}

/** @param {Shape} shape @param {number} dx @param {number} dy @returns {Shape} */
export function translateShape(shape, dx, dy) {
  return {
    subpaths: shape.subpaths.map((path) => ({
      ...path,
      anchors: path.anchors.map((a) => ({ ...a, x: a.x + dx, y: a.y + dy, hin: shift(a.hin, dx, dy), hout: shift(a.hout, dx, dy) })),
    })),
  };
}

/** @param {Shape} shape */
export function anchorTotal(shape) {
  return shape.subpaths.reduce((sum, path) => sum + path.anchors.length, 0);
}

/**
 * The nearest anchor within `tolerance` of `point` (image px), or null.
 * @param {Shape} shape @param {Point} point @param {number} tolerance
 * @returns {AnchorRef | null}
 */
export function anchorAt(shape, point, tolerance) {
  /** @type {AnchorRef | null} */
  let found = null;
  let best = tolerance;
  shape.subpaths.forEach((path, subpath) => {
    path.anchors.forEach((anchor, index) => {
      const d = distance(anchor, point);
      if (d <= best) {
        best = d;
        found = { subpath, anchor: index };
      }
    });
  });
  return found;
}

/**
 * The nearest point on the shape's outline within `tolerance`, with its segment and parameter.
 * @param {Shape} shape @param {Point} point @param {number} tolerance
 * @returns {{subpath: number, segment: number, t: number, point: Point} | null}
 */
export function segmentAt(shape, point, tolerance) {
  /** @type {{subpath: number, segment: number, t: number, point: Point} | null} */
  let found = null;
  let best = tolerance;
  shape.subpaths.forEach((path, subpath) => {
    for (let segment = 0; segment < segmentCount(path); segment += 1) {
      const cubic = segmentCubic(path, segment);
      const box = controlBounds(cubic);
      if (point.x < box.x0 - best || point.x > box.x1 + best || point.y < box.y0 - best || point.y > box.y1 + best) continue;
      const hit = nearest(cubic, point);
      if (hit.distance <= best) {
        best = hit.distance;
        found = { subpath, segment, t: hit.t, point: hit.point };
      }
    }
  });
  return found;
}

/**
 * Each subpath as a closed polygon within about `tolerance` px of the curves (as filled).
 * @param {Shape} shape @param {number} tolerance
 * @returns {Point[][]}
 */
export function shapePolygons(shape, tolerance) {
  const polygons = [];
  for (const path of shape.subpaths) {
    if (path.anchors.length < 2) continue;
    const points = [];
    const total = path.anchors.length; // the fill closes an open subpath with a straight line
    for (let i = 0; i < total; i += 1) {
      const cubic = i < segmentCount(path) ? segmentCubic(path, i) : lineCubic(path.anchors[i], path.anchors[0]);
      points.push(...flatten(cubic, stepsFor(cubic, tolerance)).slice(0, -1));
    }
    polygons.push(points);
  }
  return polygons;
}

/**
 * Whether `point` is inside the filled shape (nonzero rule, as core fills it).
 * @param {Shape} shape @param {Point} point
 */
export function shapeContains(shape, point) {
  return windingNumber(shapePolygons(shape, 0.25), point) !== 0;
}

/**
 * Bounds of the shape's anchors and handles (which contain its curves).
 * @param {Shape} shape
 */
export function shapeBounds(shape) {
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (const path of shape.subpaths) {
    for (const anchor of path.anchors) {
      for (const p of [anchor, anchor.hin, anchor.hout]) {
        if (!p) continue;
        x0 = Math.min(x0, p.x);
        y0 = Math.min(y0, p.y);
        x1 = Math.max(x1, p.x);
        y1 = Math.max(y1, p.y);
      }
    }
  }
  return { x0, y0, x1, y1 };
}
