// @ts-check
/**
 * The editor's ops: the recipe's ops (README "The recipe"; core/recipe.py validates them) plus
 * what only the editor needs, an `id` and, for pen-made paths and regions, the anchors (`shape`)
 * their SVG path data comes from. `toRecipe` drops those extras; `fromRecipe` restores anchors
 * from path data where it can (a path with arcs keeps its data and is not editable as anchors).
 * A refine op may have a region (auto-fix proposes them for bleed bands): it then refines inside
 * it only, and its region is drawn and edited like a channel op's; so is an auto-fix recover op's.
 */

import { shapeFromPathData, shapeToPathData } from "./path_shape.js";

/** @typedef {import("./path_shape.js").Shape} Shape */
/**
 * @typedef {{id: string, op: "path", enabled: boolean, d: string, shape: Shape | null, mode: "add" | "subtract", feather: number}} PathOp
 * @typedef {{id: string, op: "channel", enabled: boolean, region: string, shape: Shape | null, channel: "auto" | "r" | "g" | "b",
 *   black: number | null, white: number | null, gamma: number, invert: boolean | null, mode: "replace" | "add" | "subtract"}} ChannelOp
 * @typedef {{id: string, op: "matte", enabled: boolean, region: string, shape: Shape | null, radius: number}} MatteOp
 * @typedef {{id: string, op: "recover", enabled: boolean, region: string, shape: Shape | null, radius: number, follow?: number}} RecoverOp
 * @typedef {{id: string, op: "refine", enabled: boolean, smooth: number, feather: number, contrast: number, shift_edge: number,
 *   region?: string, shape?: Shape | null}} RefineOp
 * @typedef {RefineOp & {region: string, shape: Shape | null}} RegionRefineOp
 * @typedef {PathOp | ChannelOp | MatteOp | RecoverOp | RegionRefineOp} ShapedOp
 * @typedef {{id: string, op: "decontaminate", enabled: boolean, amount: number}} DecontaminateOp
 * @typedef {PathOp | ChannelOp | MatteOp | RecoverOp | RefineOp | DecontaminateOp} EditorOp
 * @typedef {{base: "ai" | "auto", ops: readonly EditorOp[]}} EditorDoc
 */

/** Photoshop's ranges, as core validates them (core/recipe.py). */
export const RANGES = {
  smooth: { min: 0, max: 100, step: 1 },
  feather: { min: 0, max: 250, step: 0.1 },
  contrast: { min: 0, max: 100, step: 1 },
  shift_edge: { min: -100, max: 100, step: 1 },
  amount: { min: 0, max: 100, step: 1 },
  radius: { min: 1, max: 64, step: 1 },
  gamma: { min: 0.1, max: 10, step: 0.01 },
  level: { min: 0, max: 255, step: 1 },
};

/** Ops whose geometry the editor draws (their SVG path data field); a refine op only when it has a region. */
export const SHAPED = /** @type {const} */ ({ path: "d", channel: "region", matte: "region", recover: "region", refine: "region" });

/** @param {EditorOp} op @returns {op is ShapedOp} */
export function isShaped(op) {
  return Object.hasOwn(SHAPED, op.op) && (op.op !== "refine" || typeof op.region === "string");
}

/** @param {ShapedOp} op @returns {string} its SVG path data */
export function pathDataOf(op) {
  return op.op === "path" ? op.d : op.region;
}

/**
 * The op with new anchors (and the path data they make).
 * @template {ShapedOp} T
 * @param {T} op @param {Shape} shape @returns {T}
 */
export function withShape(op, shape) {
  const data = shapeToPathData(shape);
  return op.op === "path" ? { ...op, shape, d: data } : { ...op, shape, region: data };
}

/**
 * @param {string} id @param {Shape} shape @param {"add" | "subtract"} [mode]
 * @returns {PathOp}
 */
export function newPathOp(id, shape, mode = "add") {
  return withShape({ id, op: "path", enabled: true, d: "", shape, mode, feather: 0 }, shape);
}

/** @param {string} id @param {Shape} shape @returns {ChannelOp} */
export function newChannelOp(id, shape) {
  return withShape(
    { id, op: "channel", enabled: true, region: "", shape, channel: "auto", black: null, white: null, gamma: 1, invert: null, mode: "add" },
    shape,
  );
}

/** @param {string} id @param {string} region @param {number} [radius] @returns {MatteOp} */
export function newMatteOp(id, region, radius = 3) {
  return { id, op: "matte", enabled: true, region, shape: null, radius };
}

/** Photoshop's Select and Mask at zero: the identity. @param {string} id @returns {RefineOp} */
export function newRefineOp(id) {
  return { id, op: "refine", enabled: true, smooth: 0, feather: 0, contrast: 0, shift_edge: 0 };
}

/** @param {string} id @returns {DecontaminateOp} */
export function newDecontaminateOp(id) {
  return { id, op: "decontaminate", enabled: true, amount: 60 };
}

/**
 * The anchors an op's geometry is edited by, from its path data; null where it has none to edit:
 * a path with arcs, or a matte op (the brush's painted outline, redrawn by the brush).
 * @param {ShapedOp} op @returns {Shape | null}
 */
export function anchorsOf(op) {
  return op.op === "matte" ? null : shapeFromPathData(pathDataOf(op));
}

/**
 * Whether an op has anything to render (a pen path needs two anchors, a region some data).
 * @param {EditorOp} op
 */
export function isComplete(op) {
  if (!isShaped(op)) return true;
  if (op.shape) return op.shape.subpaths.some((path) => path.anchors.length >= 2);
  return pathDataOf(op).trim() !== "";
}

/**
 * The recipe (README "The recipe") of a document: ops in order, incomplete ones left out.
 * @param {EditorDoc} doc
 */
export function toRecipe(doc) {
  const ops = [];
  for (const op of doc.ops) {
    if (!isComplete(op)) continue;
    /** @type {Record<string, unknown>} */
    const out = {};
    for (const [key, value] of Object.entries(op)) {
      // Defaults core leaves out of a recipe: written, they would make an unchanged recipe differ.
      if (key === "id" || key === "shape" || (key === "enabled" && value === true) || (key === "follow" && value === 0)) continue;
      out[key] = value;
    }
    ops.push(out);
  }
  return { version: 1, base: doc.base, ops };
}

/**
 * An editor document from a recipe (a saved revision's), ids `prefix1`, `prefix2`, ...
 * @param {any} recipe @param {string} [prefix]
 * @returns {EditorDoc}
 */
export function fromRecipe(recipe, prefix = "r") {
  const ops = (recipe && Array.isArray(recipe.ops) ? recipe.ops : []).map((/** @type {any} */ raw, /** @type {number} */ index) => {
    const op = { ...raw, id: `${prefix}${index + 1}`, enabled: raw.enabled !== false };
    const shaped = op.op === "path" ? { mode: "add", feather: 0, ...op } : op;
    return isShaped(shaped) ? { ...shaped, shape: anchorsOf(shaped) } : shaped;
  });
  return { base: recipe && recipe.base === "auto" ? "auto" : "ai", ops };
}

/** @param {number} value */
function short(value) {
  return String(Math.round(value * 10) / 10);
}

/**
 * The op in a few words, for the list of ops.
 * @param {EditorOp} op
 */
export function opSummary(op) {
  switch (op.op) {
    case "path":
      return `Path · ${op.mode}${op.feather ? ` · feather ${short(op.feather)} px` : ""}${isComplete(op) ? "" : " · unfinished"}`;
    case "channel": {
      const levels = op.black === null || op.white === null ? "auto levels" : `levels ${short(op.black)}–${short(op.white)}`;
      return `Channel ${op.channel === "auto" ? "auto" : op.channel.toUpperCase()} · ${levels} · ${op.mode}`;
    }
    case "matte":
      return `Refine Edge brush · radius ${short(op.radius)} px`;
    case "recover":
      return `Recover lost detail (auto-fix) · reach ${short(op.radius)} px${op.follow ? ` · follows lines ${short(op.follow)} px` : ""}`;
    case "refine":
      return `Refine${op.region ? " in a region" : ""} · smooth ${short(op.smooth)} · feather ${short(op.feather)} · contrast ${short(op.contrast)} % · shift ${short(op.shift_edge)} %`;
    case "decontaminate":
      return `Decontaminate · ${short(op.amount)} %`;
    default:
      return "Unknown op";
  }
}
