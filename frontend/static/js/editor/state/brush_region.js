// @ts-check
/**
 * The Refine Edge brush's region: strokes painted into a grid of cells (image pixels), whose
 * outline becomes the `matte` op's SVG path data.
 *
 * A grid cell is set when its centre lies within the brush radius of a stroke. The outline is
 * traced along cell edges (filled cells on the right, so outer outlines run clockwise on screen
 * and holes the other way: the nonzero fill core uses gives exactly the painted cells), then
 * simplified within a fraction of a cell. Cells are a third of the brush radius: the matte op
 * re-solves alpha in a band around the edge, so its region needs no finer outline.
 *
 * `stampStroke` and `gridFill` paint into the grid they are given (a working buffer the brush
 * owns during a stroke); every other function is pure.
 */

import { lassoPolygon } from "./lasso.js";
import { formatNumber } from "./path_data.js";

/** @typedef {import("./bezier.js").Point} Point */
/** @typedef {{x0: number, y0: number, cell: number, cols: number, rows: number, bits: Uint8Array}} Grid */

/** At most 16 M cells (16 MB): past that the grid coarsens (a brush region over a whole 24 MP photo). */
export const MAX_CELLS = 16 * 1024 * 1024;

/** @param {number} radius brush radius in image px */
export function cellFor(radius) {
  return Math.min(16, Math.max(0.25, radius / 3));
}

/** @param {number} cell @returns {Grid} */
export function emptyGrid(cell) {
  return { x0: 0, y0: 0, cell, cols: 0, rows: 0, bits: new Uint8Array(0) };
}

/**
 * A grid holding `grid`'s cells and covering the box (image px), coarsened if it would be too big.
 * @param {Grid} grid @param {{x0: number, y0: number, x1: number, y1: number}} box
 * @returns {Grid}
 */
export function gridCovering(grid, box) {
  let cell = grid.cell;
  const has = grid.cols > 0;
  for (;;) {
    const x0 = Math.floor(Math.min(box.x0, has ? grid.x0 : box.x0) / cell) * cell;
    const y0 = Math.floor(Math.min(box.y0, has ? grid.y0 : box.y0) / cell) * cell;
    const x1 = Math.max(box.x1, has ? grid.x0 + grid.cols * grid.cell : box.x1);
    const y1 = Math.max(box.y1, has ? grid.y0 + grid.rows * grid.cell : box.y1);
    const cols = Math.ceil((x1 - x0) / cell) + 1;
    const rows = Math.ceil((y1 - y0) / cell) + 1;
    if (cols * rows > MAX_CELLS) {
      cell *= 2;
      continue;
    }
    if (has && cell === grid.cell && x0 === grid.x0 && y0 === grid.y0 && cols === grid.cols && rows === grid.rows) return grid;
    const next = { x0, y0, cell, cols, rows, bits: new Uint8Array(cols * rows) };
    if (has) resample(grid, next);
    return next;
  }
}

/** Copy `from`'s cells into `to` (cell centres of `to` looked up in `from`). @param {Grid} from @param {Grid} to */
function resample(from, to) {
  for (let r = 0; r < to.rows; r += 1) {
    const y = to.y0 + (r + 0.5) * to.cell;
    const fr = Math.floor((y - from.y0) / from.cell);
    if (fr < 0 || fr >= from.rows) continue;
    for (let c = 0; c < to.cols; c += 1) {
      const fc = Math.floor((to.x0 + (c + 0.5) * to.cell - from.x0) / from.cell);
      if (fc >= 0 && fc < from.cols && from.bits[fr * from.cols + fc]) to.bits[r * to.cols + c] = 1;
    }
  }
}

/**
 * Paint (value 1) or erase (0) a stroke: every cell whose centre is within `radius` of the
 * polyline. The grid must already cover the stroke grown by the radius (gridCovering).
 * @param {Grid} grid @param {readonly Point[]} points @param {number} radius @param {0 | 1} value
 */
export function stampStroke(grid, points, radius, value) {
  const segments = points.length === 1 ? [[points[0], points[0]]] : points.slice(1).map((p, i) => [points[i], p]);
  for (const [a, b] of segments) {
    const c0 = Math.max(0, Math.floor((Math.min(a.x, b.x) - radius - grid.x0) / grid.cell));
    const c1 = Math.min(grid.cols - 1, Math.floor((Math.max(a.x, b.x) + radius - grid.x0) / grid.cell));
    const r0 = Math.max(0, Math.floor((Math.min(a.y, b.y) - radius - grid.y0) / grid.cell));
    const r1 = Math.min(grid.rows - 1, Math.floor((Math.max(a.y, b.y) + radius - grid.y0) / grid.cell));
    const dx = b.x - a.x;
    const dy = b.y - a.y;
    const length2 = dx * dx + dy * dy;
    for (let r = r0; r <= r1; r += 1) {
      const y = grid.y0 + (r + 0.5) * grid.cell;
      for (let c = c0; c <= c1; c += 1) {
        const x = grid.x0 + (c + 0.5) * grid.cell;
        const t = length2 === 0 ? 0 : Math.max(0, Math.min(1, ((x - a.x) * dx + (y - a.y) * dy) / length2));
        const ex = x - (a.x + t * dx);
        const ey = y - (a.y + t * dy);
        if (ex * ex + ey * ey <= radius * radius) grid.bits[r * grid.cols + c] = value;
      }
    }
  }
}

/**
 * Set the cells whose centres are inside closed polygons (nonzero rule): an existing region
 * brought into a grid so more strokes can add to it. The grid must cover the polygons.
 * @param {Grid} grid @param {readonly (readonly Point[])[]} polygons
 */
export function gridFill(grid, polygons) {
  for (let r = 0; r < grid.rows; r += 1) {
    const y = grid.y0 + (r + 0.5) * grid.cell;
    /** @type {{x: number, winding: number}[]} */
    const crossings = [];
    for (const polygon of polygons) {
      for (let i = 0; i < polygon.length; i += 1) {
        const a = polygon[i];
        const b = polygon[(i + 1) % polygon.length];
        if ((a.y <= y && b.y > y) || (b.y <= y && a.y > y)) {
          crossings.push({ x: a.x + ((y - a.y) / (b.y - a.y)) * (b.x - a.x), winding: b.y > a.y ? 1 : -1 });
        }
      }
    }
    crossings.sort((p, q) => p.x - q.x);
    let winding = 0;
    for (let k = 0; k < crossings.length - 1; k += 1) {
      winding += crossings[k].winding;
      if (winding === 0) continue;
      const from = Math.max(0, Math.ceil((crossings[k].x - grid.x0) / grid.cell - 0.5));
      const to = Math.min(grid.cols - 1, Math.floor((crossings[k + 1].x - grid.x0) / grid.cell - 0.5));
      for (let c = from; c <= to; c += 1) grid.bits[r * grid.cols + c] = 1;
    }
  }
}

/** @param {Grid} grid @param {number} c @param {number} r */
function filled(grid, c, r) {
  return c >= 0 && r >= 0 && c < grid.cols && r < grid.rows && grid.bits[r * grid.cols + c] === 1;
}

/**
 * The outlines of the filled cells, as closed polygons in image pixels (clockwise on screen
 * around filled areas, the other way around holes), collinear corners removed.
 * @param {Grid} grid
 * @returns {Point[][]}
 */
export function gridOutlines(grid) {
  const width = grid.cols + 1;
  /** @type {Map<number, number[]>} vertex -> edges starting there */
  const outgoing = new Map();
  /** @type {number[]} */
  const starts = [];
  /** @type {number[]} */
  const ends = [];
  /** @param {number} c0 @param {number} r0 @param {number} c1 @param {number} r1 */
  const edge = (c0, r0, c1, r1) => {
    const from = r0 * width + c0;
    starts.push(from);
    ends.push(r1 * width + c1);
    const list = outgoing.get(from);
    if (list) list.push(starts.length - 1);
    else outgoing.set(from, [starts.length - 1]);
  };
  for (let r = 0; r < grid.rows; r += 1) {
    for (let c = 0; c < grid.cols; c += 1) {
      if (!filled(grid, c, r)) continue;
      if (!filled(grid, c, r - 1)) edge(c, r, c + 1, r);
      if (!filled(grid, c + 1, r)) edge(c + 1, r, c + 1, r + 1);
      if (!filled(grid, c, r + 1)) edge(c + 1, r + 1, c, r + 1);
      if (!filled(grid, c - 1, r)) edge(c, r + 1, c, r);
    }
  }
  const used = new Uint8Array(starts.length);
  const loops = [];
  for (let first = 0; first < starts.length; first += 1) {
    if (used[first]) continue;
    const vertices = [];
    let current = first;
    while (!used[current]) {
      used[current] = 1;
      vertices.push(starts[current]);
      const candidates = (outgoing.get(ends[current]) || []).filter((index) => !used[index]);
      if (candidates.length === 0) break;
      current = candidates.length === 1 ? candidates[0] : rightmost(candidates, current, starts, ends, width);
    }
    loops.push(withoutStraightCorners(vertices.map((v) => ({ x: grid.x0 + (v % width) * grid.cell, y: grid.y0 + Math.floor(v / width) * grid.cell }))));
  }
  return loops;
}

/**
 * At a vertex where two filled cells touch corner to corner, turn right: the loop keeps to its
 * own cell and the two cells get separate outlines touching at a point.
 * @param {number[]} candidates @param {number} incoming @param {number[]} starts @param {number[]} ends @param {number} width
 */
function rightmost(candidates, incoming, starts, ends, width) {
  const dx = (ends[incoming] % width) - (starts[incoming] % width);
  const dy = Math.floor(ends[incoming] / width) - Math.floor(starts[incoming] / width);
  const right = { x: -dy, y: dx };
  for (const index of candidates) {
    const ex = (ends[index] % width) - (starts[index] % width);
    const ey = Math.floor(ends[index] / width) - Math.floor(starts[index] / width);
    if (ex === right.x && ey === right.y) return index;
  }
  return candidates[0];
}

/** @param {Point[]} points closed polygon @returns {Point[]} */
function withoutStraightCorners(points) {
  return points.filter((point, index) => {
    const previous = points[(index - 1 + points.length) % points.length];
    const next = points[(index + 1) % points.length];
    return (point.x - previous.x) * (next.y - point.y) - (point.y - previous.y) * (next.x - point.x) !== 0;
  });
}

/**
 * The grid's region as SVG path data (empty string when nothing is painted), each outline
 * simplified within 0.75 cell.
 * @param {Grid} grid
 */
export function gridPathData(grid) {
  const parts = [];
  for (const outline of gridOutlines(grid)) {
    const polygon = outline.length > 8 ? lassoPolygon(outline, grid.cell * 0.75) ?? outline : outline;
    if (polygon.length < 3) continue;
    parts.push(`M ${polygon.map((p) => `${formatNumber(p.x)} ${formatNumber(p.y)}`).join(" L ")} Z`);
  }
  return parts.join(" ");
}

/** How many cells are painted. @param {Grid} grid */
export function gridCount(grid) {
  let count = 0;
  for (let i = 0; i < grid.bits.length; i += 1) count += grid.bits[i];
  return count;
}

/**
 * Whether an image point is inside the painted region (for tests and hit testing).
 * @param {Grid} grid @param {Point} point
 */
export function gridContains(grid, point) {
  return filled(grid, Math.floor((point.x - grid.x0) / grid.cell), Math.floor((point.y - grid.y0) / grid.cell));
}
