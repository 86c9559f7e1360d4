// @ts-check
/**
 * SVG path data <-> absolute segments, for the editor's shapes.
 *
 * Parsing reads the grammar core accepts (M L H V C S Q T Z, absolute and relative, implicit
 * repeats, numbers like "-.5e2"), turning every segment into a line or a cubic (quadratics are
 * raised to cubics exactly). Elliptical arcs (A) have no anchor form here: such a path stays in
 * the recipe as it is, drawn by the browser and rendered by core, but its anchors are not
 * editable. Writing emits absolute M, L, C and Z with at most two decimals (0.005 px).
 */

/** @typedef {{x: number, y: number}} Point */
/** @typedef {{kind: "line", to: Point} | {kind: "cubic", c1: Point, c2: Point, to: Point}} Segment */
/** @typedef {{start: Point, segments: Segment[], closed: boolean}} Subpath */

const COMMAND = /[MmLlHhVvCcSsQqTtAaZz]/;
const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/;
const ARGUMENTS = { m: 2, l: 2, h: 1, v: 1, c: 6, s: 4, q: 4, t: 2, a: 7, z: 0 };

/** A number in path data: at most two decimals, no trailing zeros, never "-0". @param {number} value */
export function formatNumber(value) {
  const rounded = Math.round(value * 100) / 100;
  return String(Object.is(rounded, -0) ? 0 : rounded);
}

/** @param {Point} point */
function pair(point) {
  return `${formatNumber(point.x)} ${formatNumber(point.y)}`;
}

/**
 * Path data for segments (absolute M, L, C, Z).
 * @param {readonly Subpath[]} subpaths
 */
export function writePathData(subpaths) {
  const parts = [];
  for (const subpath of subpaths) {
    parts.push(`M ${pair(subpath.start)}`);
    for (const segment of subpath.segments) {
      parts.push(segment.kind === "line" ? `L ${pair(segment.to)}` : `C ${pair(segment.c1)} ${pair(segment.c2)} ${pair(segment.to)}`);
    }
    if (subpath.closed) parts.push("Z");
  }
  return parts.join(" ");
}

/**
 * @param {string} d
 * @returns {Array<string | number>} command letters and numbers, in order
 */
function tokenize(d) {
  const tokens = [];
  let i = 0;
  while (i < d.length) {
    const char = d[i];
    if (char === " " || char === "," || char === "\t" || char === "\n" || char === "\r" || char === "\f") {
      i += 1;
    } else if (COMMAND.test(char)) {
      tokens.push(char);
      i += 1;
    } else {
      const match = NUMBER.exec(d.slice(i, i + 64));
      if (!match) throw new Error(`path data: unexpected "${char}" at ${i}`);
      tokens.push(Number(match[0]));
      i += match[0].length;
    }
  }
  return tokens;
}

/**
 * Parse path data into absolute line and cubic segments.
 * @param {string} d
 * @returns {Subpath[] | null} null when the path uses arcs (not editable as anchors)
 * @throws {Error} on malformed path data
 */
export function parsePathData(d) {
  const tokens = tokenize(d);
  /** @type {Subpath[]} */
  const subpaths = [];
  /** @type {Subpath | null} */
  let current = null;
  let point = { x: 0, y: 0 };
  /** @type {Point | null} */
  let lastCubicControl = null;
  /** @type {Point | null} */
  let lastQuadControl = null;
  let i = 0;
  let command = "";
  while (i < tokens.length) {
    const token = tokens[i];
    if (typeof token === "string") {
      command = token;
      i += 1;
    } else if (!command || command === "z" || command === "Z") {
      throw new Error("path data: numbers without a command");
    }
    const lower = command.toLowerCase();
    if (lower === "a") return null;
    const count = ARGUMENTS[/** @type {keyof typeof ARGUMENTS} */ (lower)];
    const args = /** @type {number[]} */ (tokens.slice(i, i + count));
    if (args.length < count || args.some((value) => typeof value !== "number")) {
      throw new Error(`path data: ${command} needs ${count} numbers`);
    }
    i += count;
    const relative = command === lower && lower !== "z";
    /** @param {number} x @param {number} y @returns {Point} */
    const at = (x, y) => (relative ? { x: point.x + x, y: point.y + y } : { x, y });
    if (lower === "m") {
      point = at(args[0], args[1]);
      current = { start: point, segments: [], closed: false };
      subpaths.push(current);
      command = relative ? "l" : "L"; // further pairs are line-tos
      lastCubicControl = lastQuadControl = null;
      continue;
    }
    if (lower === "z") {
      if (current) {
        current.closed = true;
        point = current.start;
        current = null;
      }
      lastCubicControl = lastQuadControl = null;
      continue;
    }
    if (!current) {
      current = { start: point, segments: [], closed: false };
      subpaths.push(current);
    }
    /** @type {Segment} */
    let segment;
    if (lower === "l") segment = { kind: "line", to: at(args[0], args[1]) };
    else if (lower === "h") segment = { kind: "line", to: { x: relative ? point.x + args[0] : args[0], y: point.y } };
    else if (lower === "v") segment = { kind: "line", to: { x: point.x, y: relative ? point.y + args[0] : args[0] } };
    else if (lower === "c") segment = { kind: "cubic", c1: at(args[0], args[1]), c2: at(args[2], args[3]), to: at(args[4], args[5]) };
    else if (lower === "s") {
      /** @type {Point} */
      const c1 = lastCubicControl ? { x: 2 * point.x - lastCubicControl.x, y: 2 * point.y - lastCubicControl.y } : point;
      segment = { kind: "cubic", c1, c2: at(args[0], args[1]), to: at(args[2], args[3]) };
    } else {
      /** @type {Point} */
      const control =
        lower === "q"
          ? at(args[0], args[1])
          : lastQuadControl
            ? { x: 2 * point.x - lastQuadControl.x, y: 2 * point.y - lastQuadControl.y }
            : point;
      const to = lower === "q" ? at(args[2], args[3]) : at(args[0], args[1]);
      segment = quadraticAsCubic(point, control, to);
      lastQuadControl = control;
    }
    lastCubicControl = segment.kind === "cubic" && (lower === "c" || lower === "s") ? segment.c2 : null;
    if (lower !== "q" && lower !== "t") lastQuadControl = null;
    current.segments.push(segment);
    point = segment.to;
  }
  return subpaths;
}

/** @param {Point} from @param {Point} control @param {Point} to @returns {Segment} */
function quadraticAsCubic(from, control, to) {
  return {
    kind: "cubic",
    c1: { x: from.x + (2 / 3) * (control.x - from.x), y: from.y + (2 / 3) * (control.y - from.y) },
    c2: { x: to.x + (2 / 3) * (control.x - to.x), y: to.y + (2 / 3) * (control.y - to.y) },
    to,
  };
}
