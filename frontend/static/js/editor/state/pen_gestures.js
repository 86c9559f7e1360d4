// @ts-check
/**
 * What a press, a drag and a release do with the pen and the selection tool, as pure functions
 * of the editor state and points in image pixels (the pointer module converts from the screen).
 *
 * Pen, while drawing a path: a click adds a corner anchor, a drag a smooth one with handles (Alt
 * while dragging moves the out-handle alone), a click on the first anchor closes the path.
 * Pen or selection tool, on the selected path: drag an anchor to move it, a handle to turn it
 * (the opposite handle follows on a smooth anchor; Alt breaks the pair), Alt-click an anchor to
 * make it a corner, Alt-drag one to pull new handles; the pen clicks a segment to add an anchor.
 * The selection tool selects a path by a click on it and drags it whole: an outline under the
 * pointer wins over a shape the pointer is inside of. Auto-fix's boxes (a refine limited to a
 * region, a recover op) are hit on their outline only: they lie along the piece's edge, where a
 * press inside should pan the view, not pick up a box. Ops of one kind
 * sharing one region (auto-fix's two bleed refines) are reshaped and moved together.
 *
 * A gesture keeps the op as it was at the press (`origin`) and computes the op from that and the
 * pointer at every move, so a drag never accumulates rounding.
 */

import { distance } from "./bezier.js";
import { displayedOps, findOp, opChange } from "./editor_state.js";
import { isShaped, newChannelOp, newPathOp, pathDataOf, withShape } from "./ops.js";
import {
  anchorAt,
  appendAnchor,
  closeSubpath,
  insertAnchor,
  moveAnchor,
  moveHandle,
  pullHandles,
  retractHandles,
  segmentAt,
  shapeContains,
  shapeFromPathData,
  shapeStartingAt,
  translateShape,
} from "./path_shape.js";

/** @typedef {import("./bezier.js").Point} Point */
/** @typedef {import("./editor_state.js").EditorState} EditorState */
/** @typedef {import("./editor_state.js").Selection} Selection */
/** @typedef {import("./editor_state.js").Drawing} Drawing */
/** @typedef {import("./ops.js").EditorOp} EditorOp */
/** @typedef {import("./ops.js").ShapedOp} ShapedOp */
/** @typedef {import("./path_shape.js").Shape} Shape */
/** @typedef {import("./path_shape.js").AnchorRef} AnchorRef */
/** @typedef {import("./history.js").ChangeSet} ChangeSet */
/**
 * @typedef {{kind: "start" | "add" | "close" | "anchor" | "handle" | "insert" | "shape",
 *   opId: string, origin: ShapedOp | null, index: number, start: Point, ref: AnchorRef,
 *   which?: "in" | "out", segment?: number, t?: number, target?: "path" | "channel"}} Gesture
 * @typedef {{tolerance: number, alt: boolean, newId: string, target: "path" | "channel"}} PressContext
 */

/**
 * The handles shown on the selected path: the selected anchor's, and its neighbours' handles
 * that face it (as Photoshop shows them).
 * @param {Shape} shape @param {AnchorRef | null} selected
 * @returns {{ref: AnchorRef, which: "in" | "out", point: Point}[]}
 */
export function visibleHandles(shape, selected) {
  if (!selected) return [];
  const path = shape.subpaths[selected.subpath];
  if (!path) return [];
  const count = path.anchors.length;
  const handles = [];
  const own = path.anchors[selected.anchor];
  if (!own) return [];
  if (own.hin) handles.push({ ref: selected, which: /** @type {const} */ ("in"), point: own.hin });
  if (own.hout) handles.push({ ref: selected, which: /** @type {const} */ ("out"), point: own.hout });
  const previous = selected.anchor - 1 >= 0 ? selected.anchor - 1 : path.closed ? count - 1 : -1;
  const next = selected.anchor + 1 < count ? selected.anchor + 1 : path.closed ? 0 : -1;
  if (previous >= 0 && previous !== selected.anchor && path.anchors[previous].hout) {
    handles.push({ ref: { subpath: selected.subpath, anchor: previous }, which: /** @type {const} */ ("out"), point: /** @type {Point} */ (path.anchors[previous].hout) });
  }
  if (next >= 0 && next !== selected.anchor && path.anchors[next].hin) {
    handles.push({ ref: { subpath: selected.subpath, anchor: next }, which: /** @type {const} */ ("in"), point: /** @type {Point} */ (path.anchors[next].hin) });
  }
  return handles;
}

/** @param {EditorState} state @returns {ShapedOp | null} the selected op when it has editable anchors */
function editableSelection(state) {
  const op = state.selection.opId ? findOp(state, state.selection.opId) : null;
  return op && isShaped(op) && op.shape ? op : null;
}

/** @param {EditorState} state @param {string} id */
function indexOf(state, id) {
  return state.doc.ops.findIndex((op) => op.id === id);
}

/**
 * Hits on the selected path: a visible handle first, then an anchor.
 * @param {EditorState} state @param {Point} point @param {number} tolerance
 * @returns {Gesture | null}
 */
function pressOnSelection(state, point, tolerance) {
  const op = editableSelection(state);
  if (!op || !op.shape) return null;
  const base = { opId: op.id, origin: op, index: indexOf(state, op.id), start: point };
  let best = null;
  let bestDistance = tolerance;
  for (const handle of visibleHandles(op.shape, state.selection.anchor)) {
    const d = distance(handle.point, point);
    if (d <= bestDistance) {
      bestDistance = d;
      best = handle;
    }
  }
  if (best) return { ...base, kind: "handle", ref: best.ref, which: best.which };
  const ref = anchorAt(op.shape, point, tolerance);
  if (ref) return { ...base, kind: "anchor", ref };
  return null;
}

/**
 * The pen's press.
 * @param {EditorState} state @param {Point} point @param {PressContext} context
 * @returns {Gesture}
 */
export function penPress(state, point, context) {
  const drawing = state.drawing;
  const drawn = drawing ? findOp(state, drawing.opId) : null;
  if (drawing && drawn && isShaped(drawn) && drawn.shape) {
    const path = drawn.shape.subpaths[drawing.subpath];
    const base = { opId: drawn.id, origin: drawn, index: indexOf(state, drawn.id), start: point };
    const first = path.anchors[0];
    if (path.anchors.length >= 2 && distance(first, point) <= context.tolerance) {
      return { ...base, kind: "close", ref: { subpath: drawing.subpath, anchor: 0 } };
    }
    const onSelection = pressOnSelection(state, point, context.tolerance);
    if (onSelection) return onSelection;
    return { ...base, kind: "add", ref: { subpath: drawing.subpath, anchor: path.anchors.length } };
  }
  const onSelection = pressOnSelection(state, point, context.tolerance);
  if (onSelection) return onSelection;
  const selected = editableSelection(state);
  if (selected && selected.shape) {
    const hit = segmentAt(selected.shape, point, context.tolerance);
    if (hit) {
      return {
        kind: "insert",
        opId: selected.id,
        origin: selected,
        index: indexOf(state, selected.id),
        start: hit.point,
        ref: { subpath: hit.subpath, anchor: hit.segment + 1 },
        segment: hit.segment,
        t: hit.t,
      };
    }
  }
  return {
    kind: "start",
    opId: context.newId,
    origin: null,
    index: state.doc.ops.length,
    start: point,
    ref: { subpath: 0, anchor: 0 },
    target: context.target,
  };
}

/**
 * The selection tool's press: on the selected path's handles and anchors, else on any shape
 * (the topmost); null when it hits nothing (the viewer pans instead).
 * @param {EditorState} state @param {Point} point @param {{tolerance: number}} context
 * @returns {Gesture | null}
 */
export function selectPress(state, point, context) {
  const onSelection = pressOnSelection(state, point, context.tolerance);
  if (onSelection) return onSelection;
  const ops = displayedOps(state);
  const shapes = ops.map((op) => (isShaped(op) ? op.shape ?? shapeFromPathData(pathDataOf(op)) : null));
  // Outlines first (the topmost), then insides: a small box drawn inside a large one stays pickable.
  const onOutline = (/** @type {number} */ i) => segmentAt(/** @type {Shape} */ (shapes[i]), point, context.tolerance) !== null;
  const inside = (/** @type {number} */ i) => ops[i].op !== "refine" && ops[i].op !== "recover" && shapeContains(/** @type {Shape} */ (shapes[i]), point);
  for (const hit of [onOutline, inside]) {
    for (let i = ops.length - 1; i >= 0; i -= 1) {
      const op = ops[i];
      if (!shapes[i] || !isShaped(op) || !hit(i)) continue;
      return { kind: "shape", opId: op.id, origin: op, index: i, start: point, ref: { subpath: 0, anchor: 0 } };
    }
  }
  return null;
}

/**
 * The op as the gesture makes it with the pointer at `point`.
 * @param {Gesture} gesture @param {Point} point
 * @param {{alt: boolean, dragged: boolean}} mods `dragged`: the pointer moved past the click distance
 * @returns {ShapedOp}
 */
export function gestureOp(gesture, point, { alt, dragged }) {
  const origin = gesture.origin;
  const dx = point.x - gesture.start.x;
  const dy = point.y - gesture.start.y;
  if (gesture.kind === "start" || !origin) {
    let shape = shapeStartingAt(gesture.start);
    if (dragged) shape = pullHandles(shape, gesture.ref, point);
    return gesture.target === "channel" ? newChannelOp(gesture.opId, shape) : newPathOp(gesture.opId, shape);
  }
  if (!origin.shape) return origin;
  let shape = origin.shape;
  const ref = gesture.ref;
  switch (gesture.kind) {
    case "add": {
      shape = appendAnchor(shape, ref.subpath, gesture.start).shape;
      if (dragged) shape = alt ? moveHandle(shape, ref, "out", point, { breakPair: true }) : pullHandles(shape, ref, point);
      break;
    }
    case "close":
      shape = closeSubpath(shape, ref.subpath);
      if (dragged) shape = pullHandles(shape, ref, point);
      break;
    case "anchor": {
      const anchor = shape.subpaths[ref.subpath].anchors[ref.anchor];
      if (!dragged) shape = alt ? retractHandles(shape, ref) : shape;
      else if (alt) shape = pullHandles(shape, ref, point);
      else shape = moveAnchor(shape, ref, { x: anchor.x + dx, y: anchor.y + dy });
      break;
    }
    case "handle":
      if (dragged) shape = moveHandle(shape, ref, gesture.which ?? "out", point, { breakPair: alt });
      break;
    case "insert": {
      shape = insertAnchor(shape, ref.subpath, gesture.segment ?? 0, gesture.t ?? 0.5).shape;
      if (dragged) shape = moveAnchor(shape, ref, { x: gesture.start.x + dx, y: gesture.start.y + dy });
      break;
    }
    case "shape":
      if (dragged) shape = translateShape(shape, dx, dy);
      break;
    default:
      break;
  }
  return shape === origin.shape ? origin : withShape(origin, shape);
}

/**
 * What the release commits: the change set, the selection and the path still being drawn.
 * @param {EditorState} state @param {Gesture} gesture @param {Point} point
 * @param {{alt: boolean, dragged: boolean}} mods
 * @returns {{set: ChangeSet, selection: Selection, drawing: Drawing | null}}
 */
export function gestureEnd(state, gesture, point, mods) {
  const op = gestureOp(gesture, point, mods);
  const labels = {
    start: "Start a path",
    add: "Add an anchor",
    close: "Close the path",
    anchor: mods.dragged ? (mods.alt ? "Pull handles" : "Move an anchor") : "Make a corner",
    handle: "Move a handle",
    insert: "Add an anchor on a segment",
    shape: "Move a shape",
  };
  const set = gesture.origin ? reshapeChange(state, gesture.origin, op, labels[gesture.kind]) : opChange(state, op, labels[gesture.kind]);
  const ref = gesture.kind === "close" ? { subpath: gesture.ref.subpath, anchor: 0 } : gesture.ref;
  const selection = { opId: op.id, anchor: gesture.kind === "shape" ? null : ref };
  /** @type {Drawing | null} */
  let drawing = state.drawing;
  if (gesture.kind === "start") drawing = { opId: op.id, subpath: 0 };
  if (gesture.kind === "close") drawing = null;
  return { set, selection, drawing };
}

/**
 * The change set that makes `origin` into `after` (a new shape of it), the ops sharing
 * `origin`'s region (:func:`regionTwins`) given the same shape in the same undo step.
 * @param {EditorState} state @param {ShapedOp} origin @param {ShapedOp} after @param {string} label
 */
export function reshapeChange(state, origin, after, label) {
  const set = opChange(state, after, label);
  const shape = after.shape;
  if (after === origin || !shape) return set;
  const twins = regionTwins(state, origin).map((twin) => ({ kind: /** @type {const} */ ("update"), before: twin, after: withShape(twin, shape) }));
  return { ...set, changes: [...set.changes, ...twins] };
}

/**
 * The other ops of `op`'s kind whose region is exactly `op`'s (auto-fix's two bleed refines share
 * one box): a reshape or move of one applies to them too.
 * @param {EditorState} state @param {ShapedOp} op @returns {ShapedOp[]}
 */
export function regionTwins(state, op) {
  if (op.op === "path") return [];
  const region = pathDataOf(op);
  return /** @type {ShapedOp[]} */ (state.doc.ops.filter((other) => other.id !== op.id && other.op === op.op && isShaped(other) && pathDataOf(other) === region));
}
