// The pen and the selection tool as press/drag/release sequences on the pure state.
import assert from "node:assert/strict";
import { test } from "node:test";

import { displayedOps, editorReduce, initialEditorState, nextOpId } from "../../frontend/static/js/editor/state/editor_state.js";
import { fromRecipe, toRecipe } from "../../frontend/static/js/editor/state/ops.js";
import { gestureEnd, gestureOp, penPress, selectPress, visibleHandles } from "../../frontend/static/js/editor/state/pen_gestures.js";

const TOLERANCE = 4;

/** One pointer gesture: press at `from`, optionally drag to `to`, release; returns the new state. */
function gesture(state, from, to = from, { alt = false, tool = "pen", target = "path" } = {}) {
  const context = { tolerance: TOLERANCE, alt, newId: nextOpId(state), target };
  const started = tool === "pen" ? penPress(state, from, context) : selectPress(state, from, context);
  if (!started) return state;
  const dragged = Math.hypot(to.x - from.x, to.y - from.y) > 1;
  const shown = gestureOp(started, to, { alt, dragged });
  state = editorReduce(state, { type: "transient/set", op: shown, index: started.index, isNew: started.origin === null });
  const end = gestureEnd(state, started, to, { alt, dragged });
  return editorReduce(state, { type: "commit", set: end.set, selection: end.selection, drawing: end.drawing });
}

const empty = () => initialEditorState({ base: "ai", ops: [] });

test("clicks make corners and a click on the first anchor closes the path", () => {
  let state = empty();
  for (const point of [{ x: 10, y: 10 }, { x: 50, y: 10 }, { x: 50, y: 40 }]) state = gesture(state, point);
  assert.deepEqual(state.drawing, { opId: "o1", subpath: 0 });
  state = gesture(state, { x: 11, y: 9 }); // within the tolerance of the first anchor
  assert.equal(state.drawing, null);
  assert.deepEqual(toRecipe(state.doc).ops, [{ op: "path", d: "M 10 10 L 50 10 L 50 40 Z", mode: "add", feather: 0 }]);
  assert.equal(state.history.past.length, 4, "each click is one undo step");
  state = editorReduce(state, { type: "history/undo" });
  assert.deepEqual(state.drawing, null, "the path is open again but nobody is drawing it");
  assert.equal(state.doc.ops[0].shape.subpaths[0].closed, false);
});

test("a drag makes a smooth anchor whose handles mirror the drag; Alt drags the out-handle alone", () => {
  let state = empty();
  state = gesture(state, { x: 0, y: 0 });
  state = gesture(state, { x: 100, y: 0 }, { x: 120, y: 10 });
  const anchor = state.doc.ops[0].shape.subpaths[0].anchors[1];
  assert.deepEqual([anchor.hin, anchor.hout, anchor.smooth], [{ x: 80, y: -10 }, { x: 120, y: 10 }, true]);
  assert.equal(toRecipe(state.doc).ops[0].d, "M 0 0 C 0 0 80 -10 100 0");
  state = gesture(state, { x: 100, y: 100 }, { x: 110, y: 130 }, { alt: true });
  const broken = state.doc.ops[0].shape.subpaths[0].anchors[2];
  assert.deepEqual([broken.hin, broken.hout, broken.smooth], [null, { x: 110, y: 130 }, false]);
});

test("the visible handles of the selected anchor can be dragged; Alt breaks the pair", () => {
  let state = empty();
  state = gesture(state, { x: 0, y: 0 });
  state = gesture(state, { x: 100, y: 0 }, { x: 120, y: 0 });
  state = gesture(state, { x: 100, y: 100 });
  state = gesture(state, { x: 0, y: 0 }); // close
  state = gesture(state, { x: 100, y: 0 }); // click the smooth anchor: selects it
  assert.deepEqual(state.selection.anchor, { subpath: 0, anchor: 1 });
  const handles = visibleHandles(state.doc.ops[0].shape, state.selection.anchor);
  assert.deepEqual(handles.map((h) => h.which), ["in", "out"]);
  state = gesture(state, { x: 120, y: 0 }, { x: 100, y: 20 });
  let anchor = state.doc.ops[0].shape.subpaths[0].anchors[1];
  assert.ok(Math.abs(anchor.hin.x - 100) < 1e-9 && Math.abs(anchor.hin.y + 20) < 1e-9, "the in-handle follows");
  state = gesture(state, { x: 100, y: 20 }, { x: 130, y: 20 }, { alt: true });
  anchor = state.doc.ops[0].shape.subpaths[0].anchors[1];
  assert.deepEqual([anchor.hout, anchor.smooth], [{ x: 130, y: 20 }, false]);
  assert.ok(Math.abs(anchor.hin.y + 20) < 1e-9, "Alt leaves the other handle where it was");
});

test("dragging an anchor moves it; a click on a segment adds one; Alt-click makes a corner", () => {
  let state = empty();
  for (const point of [{ x: 0, y: 0 }, { x: 100, y: 0 }, { x: 100, y: 100 }, { x: 0, y: 0 }]) state = gesture(state, point);
  state = gesture(state, { x: 100, y: 100 }, { x: 90, y: 120 });
  assert.equal(toRecipe(state.doc).ops[0].d, "M 0 0 L 100 0 L 90 120 Z");
  state = gesture(state, { x: 50, y: 1 }); // on the first segment, selected path
  assert.equal(toRecipe(state.doc).ops[0].d, "M 0 0 L 50 0 L 100 0 L 90 120 Z");
  assert.deepEqual(state.selection.anchor, { subpath: 0, anchor: 1 });
  state = gesture(state, { x: 90, y: 120 }, { x: 110, y: 120 }, { alt: true }); // Alt-drag pulls handles
  assert.equal(state.doc.ops[0].shape.subpaths[0].anchors[3].smooth, true);
  state = gesture(state, { x: 90, y: 120 }, { x: 90, y: 120 }, { alt: true }); // Alt-click: a corner again
  assert.equal(state.doc.ops[0].shape.subpaths[0].anchors[3].hout, null);
});

test("the selection tool selects the topmost shape under the pointer and drags it whole", () => {
  let state = empty();
  for (const point of [{ x: 0, y: 0 }, { x: 50, y: 0 }, { x: 50, y: 50 }, { x: 0, y: 0 }]) state = gesture(state, point);
  for (const point of [{ x: 200, y: 200 }, { x: 260, y: 200 }, { x: 260, y: 260 }, { x: 200, y: 200 }]) state = gesture(state, point);
  state = editorReduce(state, { type: "select", opId: null });
  assert.equal(selectPress(state, { x: 500, y: 500 }, { tolerance: TOLERANCE }), null, "nothing there: the viewer pans");
  state = gesture(state, { x: 30, y: 10 }, { x: 40, y: 20 }, { tool: "select" });
  assert.equal(state.selection.opId, "o1");
  assert.equal(toRecipe(state.doc).ops[0].d, "M 10 10 L 60 10 L 60 60 Z");
  assert.equal(state.doc.ops[1].d, "M 200 200 L 260 200 L 260 260 Z", "the other path did not move");
});

test("a channel region drawn with the pen becomes a channel op", () => {
  let state = empty();
  for (const point of [{ x: 0, y: 0 }, { x: 40, y: 0 }, { x: 40, y: 40 }, { x: 0, y: 0 }]) state = gesture(state, point, point, { target: "channel" });
  const [op] = toRecipe(state.doc).ops;
  assert.deepEqual(op, { op: "channel", region: "M 0 0 L 40 0 L 40 40 Z", channel: "auto", black: null, white: null, gamma: 1, invert: null, mode: "add" });
  assert.equal(displayedOps(state).length, 1);
});

test("auto-fix's refine op with a region: a press inside pans, a click on its outline selects it, a corner drags", () => {
  const refine = { op: "refine", smooth: 0, feather: 0, contrast: 90, shift_edge: 100, region: "M 100 100 H 200 V 160 H 100 Z" };
  const global = { op: "refine", smooth: 0, feather: 0, contrast: 20, shift_edge: 0 };
  let state = initialEditorState(fromRecipe({ version: 1, base: "ai", ops: [global, refine] }));
  assert.equal(selectPress(state, { x: 20, y: 20 }, { tolerance: TOLERANCE }), null, "the global refine has no shape to hit");
  assert.equal(selectPress(state, { x: 150, y: 130 }, { tolerance: TOLERANCE }), null, "inside the box: the viewer pans");
  state = gesture(state, { x: 150, y: 101 }, { x: 150, y: 101 }, { tool: "select" }); // on its top edge
  assert.equal(state.selection.opId, "r2");
  state = gesture(state, { x: 200, y: 160 }, { x: 230, y: 175 }, { tool: "select" }); // the bottom-right corner
  const ops = toRecipe({ base: "ai", ops: displayedOps(state) }).ops;
  assert.deepEqual(ops[0], global, "the global refine is untouched");
  assert.deepEqual(ops[1], { ...refine, region: "M 100 100 L 200 100 L 230 175 L 100 160 Z" });
});

test("ops of one kind sharing a region (auto-fix's two bleed refines) move and reshape together, in one undo step", () => {
  const box = "M 100 100 H 200 V 160 H 100 Z";
  const first = { op: "refine", smooth: 0, feather: 0, contrast: 0, shift_edge: 40, region: box };
  const second = { op: "refine", smooth: 0, feather: 0, contrast: 90, shift_edge: 100, region: box };
  const channel = { op: "channel", region: box, channel: "auto", black: null, white: null, gamma: 1, invert: null, mode: "add" };
  let state = initialEditorState(fromRecipe({ version: 1, base: "ai", ops: [first, second, channel] }));
  state = editorReduce(state, { type: "select", opId: "r2" });
  state = gesture(state, { x: 200, y: 160 }, { x: 230, y: 175 }, { tool: "select" });
  let ops = toRecipe({ base: "ai", ops: displayedOps(state) }).ops;
  const moved = "M 100 100 L 200 100 L 230 175 L 100 160 Z";
  assert.deepEqual(ops.map((op) => op.region), [moved, moved, box], "the channel op of the same box is another kind: it stays");
  assert.deepEqual([ops[0].shift_edge, ops[1].contrast], [40, 90], "each keeps its own settings");
  state = editorReduce(state, { type: "history/undo" });
  ops = toRecipe({ base: "ai", ops: displayedOps(state) }).ops;
  assert.deepEqual(ops.map((op) => op.region), [box, box, box]);
});

test("an outline under the pointer wins over a larger region the pointer is inside of", () => {
  const channel = { op: "channel", region: "M 0 0 H 400 V 400 H 0 Z", channel: "auto", black: null, white: null, gamma: 1, invert: null, mode: "add" };
  const bleed = { op: "refine", smooth: 0, feather: 0, contrast: 90, shift_edge: 100, region: "M 100 100 H 200 V 160 H 100 Z" };
  const state = initialEditorState(fromRecipe({ version: 1, base: "ai", ops: [bleed, channel] }));
  const press = (point) => selectPress(state, point, { tolerance: TOLERANCE });
  assert.equal(press({ x: 150, y: 101 }).opId, "r1", "on the bleed box's edge, under the channel box");
  assert.equal(press({ x: 200, y: 160 }).opId, "r1", "on its corner");
  assert.equal(press({ x: 150, y: 130 }).opId, "r2", "inside the bleed box: the channel region around it");
  assert.equal(press({ x: 500, y: 500 }), null);
});
