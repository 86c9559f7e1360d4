// @ts-check
/**
 * Undo and redo as a stack of change sets (as Annotorious v3 does): every edit is a list of
 * changes to the document's ops, each of which knows its inverse. Undo applies the inverse of
 * the newest set, redo applies the set again. Pure: documents are never mutated.
 */

/** @typedef {import("./ops.js").EditorOp} EditorOp */
/** @typedef {import("./ops.js").EditorDoc} EditorDoc */
/**
 * @typedef {{kind: "insert", index: number, op: EditorOp}
 *   | {kind: "remove", index: number, op: EditorOp}
 *   | {kind: "update", before: EditorOp, after: EditorOp}
 *   | {kind: "move", from: number, to: number}
 *   | {kind: "base", before: "ai" | "auto", after: "ai" | "auto"}
 *   | {kind: "replace", before: readonly EditorOp[], after: readonly EditorOp[]}} Change
 * @typedef {{label: string, changes: readonly Change[], merge?: SliderStep}} ChangeSet
 * @typedef {{key: string, at: number}} SliderStep  one step of a slider (key: which slider of which op; at: ms)
 * @typedef {{past: readonly ChangeSet[], future: readonly ChangeSet[]}} History
 */

/** How many edits undo reaches back; older ones are dropped (each holds only changed ops). */
export const HISTORY_LIMIT = 500;

/**
 * Steps of one slider on one op closer together than this (arrow keys pressed in a row, a key
 * held down) are one undo step: Ctrl+Z takes back the whole adjustment, not its last notch.
 */
export const MERGE_WINDOW_MS = 1000;

/** @returns {History} */
export function emptyHistory() {
  return { past: [], future: [] };
}

/**
 * @param {Change} change
 * @returns {Change}
 */
export function invertChange(change) {
  switch (change.kind) {
    case "insert":
      return { kind: "remove", index: change.index, op: change.op };
    case "remove":
      return { kind: "insert", index: change.index, op: change.op };
    case "update":
      return { kind: "update", before: change.after, after: change.before };
    case "move":
      return { kind: "move", from: change.to, to: change.from };
    case "base":
      return { kind: "base", before: change.after, after: change.before };
    case "replace":
      return { kind: "replace", before: change.after, after: change.before };
    default:
      throw new Error("unknown change");
  }
}

/** @param {ChangeSet} set @returns {ChangeSet} */
export function invertSet(set) {
  return { label: set.label, changes: set.changes.map(invertChange).reverse() };
}

/**
 * @param {EditorDoc} doc
 * @param {Change} change
 * @returns {EditorDoc}
 */
export function applyChange(doc, change) {
  switch (change.kind) {
    case "insert": {
      const ops = doc.ops.slice();
      ops.splice(Math.min(change.index, ops.length), 0, change.op);
      return { ...doc, ops };
    }
    case "remove":
      return { ...doc, ops: doc.ops.filter((op) => op.id !== change.op.id) };
    case "update":
      return { ...doc, ops: doc.ops.map((op) => (op.id === change.before.id ? change.after : op)) };
    case "move": {
      const ops = doc.ops.slice();
      const [moved] = ops.splice(change.from, 1);
      if (moved) ops.splice(change.to, 0, moved);
      return { ...doc, ops };
    }
    case "base":
      return { ...doc, base: change.after };
    case "replace":
      return { ...doc, ops: change.after };
    default:
      throw new Error("unknown change");
  }
}

/** @param {EditorDoc} doc @param {ChangeSet} set */
export function applySet(doc, set) {
  return set.changes.reduce(applyChange, doc);
}

/**
 * Apply `set` and push it on the undo stack (the redo stack is cleared).
 * @param {{doc: EditorDoc, history: History}} state
 * @param {ChangeSet} set
 */
export function commit(state, set) {
  if (set.changes.length === 0) return state;
  const { past, future } = state.history;
  const last = past[past.length - 1];
  if (last && future.length === 0 && continues(last, set)) {
    const changes = joined(last.changes, set.changes);
    const doc = applySet(state.doc, set);
    // Moved and moved back: nothing left to undo, so no step is left either.
    const kept = changes.length > 0 ? [{ label: set.label, changes, merge: set.merge }] : [];
    return { doc, history: { past: [...past.slice(0, -1), ...kept], future: [] } };
  }
  return { doc: applySet(state.doc, set), history: { past: [...past, set].slice(-HISTORY_LIMIT), future: [] } };
}

/**
 * The changes of two slider steps as one: an op's update (or insertion) followed by its update
 * is one change from the first state to the last, so a held key does not pile up changes.
 * @param {readonly Change[]} first @param {readonly Change[]} then @returns {Change[]}
 */
function joined(first, then) {
  const [a] = first;
  const [b] = then;
  if (first.length !== 1 || then.length !== 1 || !b || b.kind !== "update" || !a) return [...first, ...then];
  if (a.kind === "update" && a.after.id === b.before.id) {
    return sameOp(a.before, b.after) ? [] : [{ kind: "update", before: a.before, after: b.after }];
  }
  if (a.kind === "insert" && a.op.id === b.before.id) return [{ kind: "insert", index: a.index, op: b.after }];
  return [...first, ...then];
}

/** Field by field (ops are flat records of numbers, strings and booleans, plus their shape). @param {EditorOp} a @param {EditorOp} b */
function sameOp(a, b) {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].every((key) => /** @type {any} */ (a)[key] === /** @type {any} */ (b)[key]);
}

/** Whether `set` is the next step of the slider adjustment `last` ended with. @param {ChangeSet} last @param {ChangeSet} set */
function continues(last, set) {
  if (!last.merge || !set.merge || last.merge.key !== set.merge.key) return false;
  const gap = set.merge.at - last.merge.at;
  return gap >= 0 && gap <= MERGE_WINDOW_MS;
}

/** @param {{doc: EditorDoc, history: History}} state */
export function undo(state) {
  const set = state.history.past[state.history.past.length - 1];
  if (!set) return state;
  return {
    doc: applySet(state.doc, invertSet(set)),
    history: { past: state.history.past.slice(0, -1), future: [set, ...state.history.future] },
  };
}

/** @param {{doc: EditorDoc, history: History}} state */
export function redo(state) {
  const [set, ...future] = state.history.future;
  if (!set) return state;
  // A redone step is finished: the slider's next notch starts a step of its own.
  const { merge, ...finished } = set;
  return { doc: applySet(state.doc, set), history: { past: [...state.history.past, finished], future } };
}
