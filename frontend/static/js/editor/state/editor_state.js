// @ts-check
/**
 * The editor's state as pure data and a reducer (no DOM, no viewer): the document (base mask and
 * ops), its undo history, the tool, the selection, the path being drawn, and the *transient* op,
 * an edit in progress (an anchor being dragged, a slider being moved) that is drawn and previewed
 * but not yet in the history. Releasing the pointer or the slider commits it as one change set.
 */

import { commit, emptyHistory, redo, undo } from "./history.js";
import { toRecipe } from "./ops.js";

/** @typedef {import("./ops.js").EditorOp} EditorOp */
/** @typedef {import("./ops.js").EditorDoc} EditorDoc */
/** @typedef {import("./history.js").ChangeSet} ChangeSet */
/** @typedef {import("./path_shape.js").AnchorRef} AnchorRef */
/** @typedef {"select" | "pen" | "channel" | "refine"} Tool */
/** @typedef {{opId: string | null, anchor: AnchorRef | null}} Selection */
/** @typedef {{opId: string, subpath: number}} Drawing */
/** @typedef {{op: EditorOp, index: number, isNew: boolean}} Transient */

/** @type {readonly Tool[]} */
export const TOOLS = ["select", "pen", "channel", "refine"];
/** Brush diameter in screen pixels, as in Photoshop; [ and ] step it by 10 %. */
export const BRUSH_MIN = 2;
export const BRUSH_MAX = 500;

/**
 * @typedef {object} EditorState
 * @property {EditorDoc} doc committed document
 * @property {import("./history.js").History} history
 * @property {Transient | null} transient
 * @property {Tool} tool
 * @property {"lasso" | "pen"} channelDraw how the channel tool draws its region
 * @property {Selection} selection
 * @property {Drawing | null} drawing the open path the pen is adding anchors to
 * @property {number} brushSize screen pixels
 * @property {number} nextId the number of the next op id ("o<n>")
 */

/**
 * @typedef {{type: "tool/set", tool: Tool}
 *   | {type: "channel-draw/set", mode: "lasso" | "pen"}
 *   | {type: "select", opId: string | null, anchor?: AnchorRef | null}
 *   | {type: "transient/set", op: EditorOp, index?: number, isNew?: boolean}
 *   | {type: "transient/clear"}
 *   | {type: "commit", set: ChangeSet, selection?: Selection, drawing?: Drawing | null}
 *   | {type: "drawing/set", drawing: Drawing | null}
 *   | {type: "history/undo"} | {type: "history/redo"}
 *   | {type: "brush/size", size: number}
 *   | {type: "doc/load", doc: EditorDoc}} EditorAction
 */

/** @param {EditorDoc} doc @returns {EditorState} */
export function initialEditorState(doc) {
  return {
    doc,
    history: emptyHistory(),
    transient: null,
    tool: "pen",
    channelDraw: "lasso",
    selection: { opId: null, anchor: null },
    drawing: null,
    brushSize: 24,
    nextId: nextNumber(doc.ops, 1),
  };
}

/** @param {EditorState} state the id a new op gets */
export function nextOpId(state) {
  return `o${state.nextId}`;
}

/**
 * @param {readonly EditorOp[]} ops @param {number} from
 */
function nextNumber(ops, from) {
  let next = from;
  for (const op of ops) {
    const match = /^o(\d+)$/.exec(op.id);
    if (match) next = Math.max(next, Number(match[1]) + 1);
  }
  return next;
}

/**
 * @param {EditorState} state
 * @param {EditorAction} action
 * @returns {EditorState}
 */
export function editorReduce(state, action) {
  switch (action.type) {
    case "tool/set":
      if (!TOOLS.includes(action.tool) || action.tool === state.tool) return state;
      return { ...state, tool: action.tool, drawing: null, transient: null };
    case "channel-draw/set":
      return action.mode === state.channelDraw ? state : { ...state, channelDraw: action.mode, drawing: null };
    case "select": {
      const opId = action.opId && state.doc.ops.some((op) => op.id === action.opId) ? action.opId : null;
      const anchor = opId ? action.anchor ?? null : null;
      if (opId === state.selection.opId && sameRef(anchor, state.selection.anchor)) return state;
      const drawing = state.drawing && state.drawing.opId !== opId ? null : state.drawing;
      return { ...state, selection: { opId, anchor }, drawing };
    }
    case "transient/set": {
      const index = action.index ?? state.doc.ops.findIndex((op) => op.id === action.op.id);
      return { ...state, transient: { op: action.op, index: index < 0 ? state.doc.ops.length : index, isNew: Boolean(action.isNew) } };
    }
    case "transient/clear":
      return state.transient ? { ...state, transient: null } : state;
    case "commit": {
      const next = commit(state, action.set);
      const inserted = action.set.changes.flatMap((change) => (change.kind === "insert" ? [change.op] : change.kind === "replace" ? change.after : []));
      return sanitize({
        ...state,
        ...next,
        transient: null,
        selection: action.selection ?? state.selection,
        drawing: action.drawing === undefined ? state.drawing : action.drawing,
        nextId: nextNumber(inserted, state.nextId),
      });
    }
    case "drawing/set":
      return { ...state, drawing: action.drawing };
    case "history/undo":
    case "history/redo": {
      const next = action.type === "history/undo" ? undo(state) : redo(state);
      if (next === state) return state;
      return sanitize({ ...state, ...next, transient: null });
    }
    case "brush/size": {
      const size = Math.round(Math.min(BRUSH_MAX, Math.max(BRUSH_MIN, action.size)));
      return size === state.brushSize ? state : { ...state, brushSize: size };
    }
    case "doc/load":
      return sanitize({ ...state, doc: action.doc, history: emptyHistory(), transient: null, drawing: null, nextId: nextNumber(action.doc.ops, state.nextId) });
    default:
      return state;
  }
}

/**
 * Drop a selection or drawing that points at an op (or anchor) that no longer exists.
 * @param {EditorState} state @returns {EditorState}
 */
function sanitize(state) {
  const selected = state.selection.opId ? state.doc.ops.find((op) => op.id === state.selection.opId) : null;
  let selection = state.selection;
  if (!selected) selection = { opId: null, anchor: null };
  else if (selection.anchor) {
    const shape = "shape" in selected ? selected.shape : null;
    const path = shape ? shape.subpaths[selection.anchor.subpath] : null;
    if (!path || selection.anchor.anchor >= path.anchors.length) selection = { opId: selection.opId, anchor: null };
  }
  let drawing = state.drawing;
  if (drawing) {
    const op = state.doc.ops.find((candidate) => candidate.id === drawing?.opId);
    const shape = op && "shape" in op ? op.shape : null;
    const path = shape ? shape.subpaths[drawing.subpath] : null;
    if (!path || path.closed) drawing = null;
  }
  return selection === state.selection && drawing === state.drawing ? state : { ...state, selection, drawing };
}

/** @param {AnchorRef | null} a @param {AnchorRef | null} b */
function sameRef(a, b) {
  return a === b || Boolean(a && b && a.subpath === b.subpath && a.anchor === b.anchor);
}

/**
 * The ops as drawn and previewed: the committed ones with the transient edit applied.
 * @param {EditorState} state
 * @returns {readonly EditorOp[]}
 */
export function displayedOps(state) {
  const transient = state.transient;
  if (!transient) return state.doc.ops;
  if (transient.isNew) {
    const ops = state.doc.ops.slice();
    ops.splice(transient.index, 0, transient.op);
    return ops;
  }
  return state.doc.ops.map((op) => (op.id === transient.op.id ? transient.op : op));
}

/** @param {EditorState} state @param {string} id @returns {EditorOp | null} */
export function findOp(state, id) {
  return displayedOps(state).find((op) => op.id === id) ?? null;
}

/** @param {EditorState} state @returns {EditorOp | null} */
export function selectedOp(state) {
  return state.selection.opId ? findOp(state, state.selection.opId) : null;
}

/** The recipe of what is shown now (transient edit included). @param {EditorState} state */
export function currentRecipe(state) {
  return toRecipe({ base: state.doc.base, ops: displayedOps(state) });
}

/** The recipe of the committed document. @param {EditorState} state */
export function committedRecipe(state) {
  return toRecipe(state.doc);
}

/**
 * A change set that replaces one op (or inserts it when it is new).
 * @param {EditorState} state @param {EditorOp} after @param {string} label
 * @returns {ChangeSet}
 */
export function opChange(state, after, label) {
  const index = state.doc.ops.findIndex((op) => op.id === after.id);
  if (index < 0) {
    const at = state.transient && state.transient.op.id === after.id ? state.transient.index : state.doc.ops.length;
    return { label, changes: [{ kind: "insert", index: at, op: after }] };
  }
  const before = state.doc.ops[index];
  return before === after ? { label, changes: [] } : { label, changes: [{ kind: "update", before, after }] };
}

/** Whether undo / redo can do anything. @param {EditorState} state */
export function historyLabels(state) {
  const past = state.history.past[state.history.past.length - 1];
  const future = state.history.future[0];
  return { undo: past ? past.label : null, redo: future ? future.label : null };
}
