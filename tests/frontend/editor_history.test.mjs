// Undo and redo as change sets, and the editor state's reducer (transient edits, selection, ids).
import assert from "node:assert/strict";
import { test } from "node:test";

import {
  currentRecipe,
  displayedOps,
  editorReduce,
  historyLabels,
  initialEditorState,
  nextOpId,
  opChange,
} from "../../frontend/static/js/editor/state/editor_state.js";
import { HISTORY_LIMIT, MERGE_WINDOW_MS, applySet, commit, emptyHistory, invertSet, redo, undo } from "../../frontend/static/js/editor/state/history.js";
import { sameRecipe } from "../../frontend/static/js/editor/state/drafts.js";
import { fromRecipe, isShaped, newPathOp, newRefineOp, opSummary, pathDataOf, toRecipe, withShape } from "../../frontend/static/js/editor/state/ops.js";
import { shapeFromPolygon, shapeStartingAt } from "../../frontend/static/js/editor/state/path_shape.js";

const square = (x, y, side = 10) =>
  shapeFromPolygon([{ x, y }, { x: x + side, y }, { x: x + side, y: y + side }, { x, y: y + side }]);

test("every kind of change undoes to exactly the document before it", () => {
  const a = newPathOp("o1", square(0, 0));
  const b = newRefineOp("o2");
  const doc0 = { base: "ai", ops: [a, b] };
  const sets = [
    { label: "insert", changes: [{ kind: "insert", index: 1, op: newPathOp("o3", square(5, 5)) }] },
    { label: "update", changes: [{ kind: "update", before: b, after: { ...b, contrast: 40 } }] },
    { label: "move", changes: [{ kind: "move", from: 0, to: 1 }] },
    { label: "remove", changes: [{ kind: "remove", index: 0, op: a }] },
    { label: "base", changes: [{ kind: "base", before: "ai", after: "auto" }] },
    { label: "replace", changes: [{ kind: "replace", before: [a, b], after: [b] }] },
  ];
  for (const set of sets) {
    const forward = applySet(doc0, set);
    assert.notDeepEqual(forward, doc0, set.label);
    assert.deepEqual(applySet(forward, invertSet(set)), doc0, `${set.label} undone`);
  }
  assert.deepEqual(applySet(doc0, sets[2]).ops.map((op) => op.id), ["o2", "o1"]);
});

test("commit, undo and redo move sets between the stacks; a new edit clears redo", () => {
  let state = { doc: { base: "ai", ops: [] }, history: emptyHistory() };
  const first = { label: "first", changes: [{ kind: "insert", index: 0, op: newRefineOp("o1") }] };
  const second = { label: "second", changes: [{ kind: "insert", index: 1, op: newRefineOp("o2") }] };
  state = commit(commit(state, first), second);
  assert.deepEqual(state.doc.ops.map((op) => op.id), ["o1", "o2"]);
  state = undo(undo(state));
  assert.deepEqual(state.doc.ops, []);
  assert.equal(undo(state), state, "nothing more to undo");
  state = redo(state);
  assert.deepEqual(state.doc.ops.map((op) => op.id), ["o1"]);
  state = commit(state, { label: "third", changes: [{ kind: "base", before: "ai", after: "auto" }] });
  assert.equal(state.history.future.length, 0);
  assert.equal(commit(state, { label: "empty", changes: [] }), state, "an empty set is not an edit");
  let long = { doc: { base: "ai", ops: [] }, history: emptyHistory() };
  for (let i = 0; i < HISTORY_LIMIT + 5; i += 1) long = commit(long, { label: `${i}`, changes: [{ kind: "base", before: "ai", after: "ai" }] });
  assert.equal(long.history.past.length, HISTORY_LIMIT);
  assert.equal(long.history.past[0].label, "5");
});

test("a transient edit is drawn and previewed but is not history until committed", () => {
  let state = initialEditorState({ base: "ai", ops: [newRefineOp("o1")] });
  const moved = { ...state.doc.ops[0], contrast: 55 };
  state = editorReduce(state, { type: "transient/set", op: moved });
  assert.equal(displayedOps(state)[0].contrast, 55);
  assert.equal(state.doc.ops[0].contrast, 0);
  assert.equal(currentRecipe(state).ops[0].contrast, 55);
  assert.equal(historyLabels(state).undo, null);
  state = editorReduce(state, { type: "commit", set: opChange(state, moved, "Contrast") });
  assert.equal(state.transient, null);
  assert.equal(state.doc.ops[0].contrast, 55);
  assert.equal(historyLabels(state).undo, "Contrast");
  state = editorReduce(state, { type: "history/undo" });
  assert.equal(state.doc.ops[0].contrast, 0);
  assert.equal(historyLabels(state).redo, "Contrast");
});

test("a new op shown while drawn is inserted where it was shown; ids never repeat", () => {
  let state = initialEditorState({ base: "ai", ops: [newRefineOp("o4")] });
  assert.equal(nextOpId(state), "o5");
  const op = newPathOp(nextOpId(state), square(0, 0));
  state = editorReduce(state, { type: "transient/set", op, index: 0, isNew: true });
  assert.deepEqual(displayedOps(state).map((o) => o.id), ["o5", "o4"]);
  state = editorReduce(state, { type: "commit", set: opChange(state, op, "Draw"), selection: { opId: "o5", anchor: null } });
  assert.deepEqual(state.doc.ops.map((o) => o.id), ["o5", "o4"]);
  assert.equal(nextOpId(state), "o6");
  state = editorReduce(state, { type: "history/undo" });
  assert.equal(state.selection.opId, null, "the selection of an op undone away is dropped");
  assert.equal(nextOpId(state), "o6", "an undone op's id is not handed out again (redo brings it back)");
});

test("undo drops a drawing whose path is gone; tools and brush sizes stay in range", () => {
  let state = initialEditorState({ base: "ai", ops: [] });
  const op = newPathOp("o1", shapeStartingAt({ x: 0, y: 0 }));
  state = editorReduce(state, { type: "commit", set: opChange(state, op, "Start"), drawing: { opId: "o1", subpath: 0 }, selection: { opId: "o1", anchor: { subpath: 0, anchor: 0 } } });
  assert.deepEqual(state.drawing, { opId: "o1", subpath: 0 });
  state = editorReduce(state, { type: "history/undo" });
  assert.equal(state.drawing, null);
  assert.equal(editorReduce(state, { type: "tool/set", tool: "bogus" }), state);
  assert.equal(editorReduce(state, { type: "tool/set", tool: "refine" }).tool, "refine");
  assert.equal(editorReduce(state, { type: "brush/size", size: 9999 }).brushSize, 500);
  assert.equal(editorReduce(state, { type: "brush/size", size: 0 }).brushSize, 2);
});

test("recipes: editor extras stay out, incomplete paths are left out, saved recipes load back", () => {
  const doc = {
    base: "ai",
    ops: [
      newPathOp("o1", square(1, 2)),
      { ...newPathOp("o2", shapeFromPolygon([{ x: 5, y: 5 }])), shape: { subpaths: [{ anchors: [{ x: 5, y: 5, hin: null, hout: null, smooth: false }], closed: false }] } },
      { ...newRefineOp("o3"), contrast: 90, shift_edge: 100, enabled: false },
    ],
  };
  const recipe = toRecipe(doc);
  assert.deepEqual(recipe, {
    version: 1,
    base: "ai",
    ops: [
      { op: "path", d: "M 1 2 L 11 2 L 11 12 L 1 12 Z", mode: "add", feather: 0 },
      { op: "refine", enabled: false, smooth: 0, feather: 0, contrast: 90, shift_edge: 100 },
    ],
  });
  const loaded = fromRecipe({ version: 1, base: "auto", ops: [{ op: "path", d: "M 0 0 H 5 V 5 Z", mode: "subtract", feather: 2 }, { op: "decontaminate", amount: 30 }] });
  assert.equal(loaded.base, "auto");
  assert.equal(loaded.ops[0].shape.subpaths[0].anchors.length, 3);
  assert.equal(loaded.ops[0].d, "M 0 0 H 5 V 5 Z", "saved path data is kept as it was until edited");
  assert.equal(opSummary(loaded.ops[0]), "Path · subtract · feather 2 px");
  assert.equal(opSummary(loaded.ops[1]), "Decontaminate · 30 %");
  assert.equal(fromRecipe({ ops: [{ op: "path", d: "M 0 0 A 5 5 0 0 1 10 0 Z" }] }).ops[0].shape, null);
  // No tool makes the auto-fix's recover op: listed, kept as it was until edited, its box's
  // corners editable like a channel region's; a brush-painted matte region is not anchors.
  const recover = { op: "recover", region: "M 0 0 H 40 V 30 H 0 Z", radius: 16 };
  const withRecover = fromRecipe({ ops: [recover, { op: "matte", region: "M 0 0 H 4 V 4 H 0 Z", radius: 3 }] });
  assert.equal(opSummary(withRecover.ops[0]), "Recover lost detail (auto-fix) · reach 16 px");
  assert.equal(isShaped(withRecover.ops[0]), true, "its region is drawn (and can be moved)");
  assert.equal(withRecover.ops[0].shape.subpaths[0].anchors.length, 4);
  assert.equal(withRecover.ops[1].shape, null);
  withRecover.ops.pop();
  assert.equal(pathDataOf(withRecover.ops[0]), recover.region);
  assert.deepEqual(toRecipe(withRecover).ops, [recover]);
  // Auto-fix's ops follow the lines leaving their box: said in the list and kept on save.
  const following = { ...recover, follow: 32 };
  const withFollow = fromRecipe({ ops: [following] });
  assert.equal(opSummary(withFollow.ops[0]), "Recover lost detail (auto-fix) · reach 16 px · follows lines 32 px");
  assert.deepEqual(toRecipe(withFollow).ops, [following]);
  // Set back to 0 it is left out, as core leaves it out: the recipe is the one saved before.
  assert.deepEqual(toRecipe({ ...withFollow, ops: [{ ...withFollow.ops[0], follow: 0 }] }).ops, [recover]);
});

test("a refine op with a region (auto-fix's bleed fix) loads with editable anchors; the global one has no shape", () => {
  const regional = { op: "refine", smooth: 0, feather: 0, contrast: 90, shift_edge: 100, region: "M 10 20 H 60 V 50 H 10 Z" };
  const loaded = fromRecipe({ ops: [{ op: "refine", smooth: 0, feather: 0, contrast: 30, shift_edge: 0 }, regional] });
  assert.equal(isShaped(loaded.ops[0]), false);
  assert.equal(isShaped(loaded.ops[1]), true);
  assert.equal(loaded.ops[1].shape.subpaths[0].anchors.length, 4);
  assert.equal(pathDataOf(loaded.ops[1]), regional.region, "kept as saved until edited");
  assert.equal(opSummary(loaded.ops[1]), "Refine in a region · smooth 0 · feather 0 · contrast 90 % · shift 100 %");
  assert.equal(opSummary(loaded.ops[0]), "Refine · smooth 0 · feather 0 · contrast 30 % · shift 0 %");
  assert.deepEqual(toRecipe(loaded).ops[1], regional, "the anchors stay out of the recipe");
  const moved = withShape(loaded.ops[1], shapeFromPolygon([{ x: 0, y: 0 }, { x: 8, y: 0 }, { x: 8, y: 8 }]));
  assert.equal(moved.region, "M 0 0 L 8 0 L 8 8 Z");
  assert.equal(moved.contrast, 90);
});

test("a saved recipe and the editor's are the same recipe whatever the key order, floats or spelled-out defaults", () => {
  const editor = toRecipe({ base: "ai", ops: [{ ...newRefineOp("o1"), contrast: 90 }, newPathOp("o2", square(1, 2))] });
  const server = {
    ops: [
      { shift_edge: 0.0, contrast: 90.0, feather: 0.0, smooth: 0.0, op: "refine", enabled: true },
      { feather: 0.0, mode: "add", d: "M 1 2 L 11 2 L 11 12 L 1 12 Z", op: "path" },
    ],
    base: "ai",
    version: 1,
  };
  assert.equal(sameRecipe(editor, server), true);
  assert.equal(sameRecipe(editor, { ...server, ops: [{ ...server.ops[0], contrast: 89 }, server.ops[1]] }), false);
  assert.equal(sameRecipe(editor, { ...server, ops: [server.ops[1], server.ops[0]] }), false, "order matters");
  assert.equal(sameRecipe({ version: 1, base: "ai", ops: [] }, null), true, "no revision and an empty recipe do the same");
  assert.equal(sameRecipe(editor, null), false);
});

test("a slider's steps in quick succession are one undo step; a pause, another slider or an undo starts a new one", () => {
  const refine = newRefineOp("o1");
  let state = { doc: { base: "ai", ops: [refine] }, history: emptyHistory() };
  /** One arrow-key notch of a slider at time `at` (ms). */
  const step = (key, field, value, at) => {
    const before = state.doc.ops[0];
    const set = { label: `Refine: ${field}`, changes: [{ kind: "update", before, after: { ...before, [field]: value } }], merge: { key: `${key}:o1`, at } };
    state = commit(state, set);
  };
  for (let notch = 1; notch <= 5; notch++) step("contrast", "contrast", notch, 100 * notch); // held arrow key
  assert.equal(state.history.past.length, 1);
  assert.equal(state.history.past[0].changes.length, 1, "one change from the first value to the last, however long the key is held");
  assert.equal(state.doc.ops[0].contrast, 5);
  step("contrast", "contrast", 6, 500 + MERGE_WINDOW_MS + 1); // after a pause: its own step
  step("shift_edge", "shift_edge", 10, 500 + MERGE_WINDOW_MS + 50); // another slider: its own step
  assert.equal(state.history.past.length, 3);
  state = undo(undo(state));
  assert.deepEqual([state.doc.ops[0].contrast, state.doc.ops[0].shift_edge], [5, 0]);
  state = undo(state);
  assert.deepEqual(state.doc.ops[0], refine, "one Ctrl+Z takes back the five notches");
  state = redo(state);
  assert.equal(state.doc.ops[0].contrast, 5);
  step("contrast", "contrast", 7, 550); // right after the redo: its own step, not part of the redone one
  assert.equal(state.history.past.length, 2);
  state = undo(state);
  assert.equal(state.doc.ops[0].contrast, 5);
  // Right after an undo (a redo is waiting), a notch never joins the step before the undone one.
  state = { doc: { base: "ai", ops: [refine] }, history: emptyHistory() };
  step("contrast", "contrast", 1, 0);
  step("shift_edge", "shift_edge", 4, 100);
  state = undo(state); // shift_edge back to 0; contrast's step is the newest again
  step("contrast", "contrast", 2, 300);
  assert.equal(state.history.past.length, 2);
  state = undo(state);
  assert.deepEqual([state.doc.ops[0].contrast, state.doc.ops[0].shift_edge], [1, 0]);
  // Moved and moved back within the window: no step is left, since undo would change nothing.
  state = { doc: { base: "ai", ops: [refine] }, history: emptyHistory() };
  step("contrast", "contrast", 1, 0);
  step("contrast", "contrast", 0, 100);
  assert.equal(state.history.past.length, 0);
  // A new op's first notch inserts it; later notches only change what is inserted.
  state = { doc: { base: "ai", ops: [] }, history: emptyHistory() };
  const fresh = newRefineOp("o9");
  state = commit(state, { label: "Refine: contrast", changes: [{ kind: "insert", index: 0, op: { ...fresh, contrast: 1 } }], merge: { key: "contrast:o9", at: 0 } });
  const grown = { ...state.doc.ops[0], contrast: 2 };
  state = commit(state, { label: "Refine: contrast", changes: [{ kind: "update", before: state.doc.ops[0], after: grown }], merge: { key: "contrast:o9", at: 80 } });
  assert.deepEqual(state.history.past.map((set) => set.changes.map((change) => change.kind)), [["insert"]]);
  assert.equal(state.doc.ops[0].contrast, 2);
  state = undo(state);
  assert.deepEqual(state.doc.ops, []);
  // Sets without a slider step (a drag, a click) never merge.
  state = { doc: { base: "ai", ops: [refine] }, history: emptyHistory() };
  const plain = (value) => ({ label: "Drag", changes: [{ kind: "update", before: state.doc.ops[0], after: { ...state.doc.ops[0], feather: value } }] });
  state = commit(state, plain(1));
  state = commit(state, plain(2));
  assert.equal(state.history.past.length, 2); // one per drag
});
