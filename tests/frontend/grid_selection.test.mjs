// The grid's pure modules: selection (click, Shift ranges, all/none, arrow neighbours) and backdrops.
import assert from "node:assert/strict";
import { test } from "node:test";

import { backdropClass, backdropOf, isHexColour, withBackdrop } from "../../frontend/static/js/grid/backdrop.js";
import {
  createSelection,
  describe,
  neighbour,
  selectAll,
  selectedIds,
  selectNone,
  setOne,
  setRange,
  toggle,
} from "../../frontend/static/js/grid/selection.js";

const ORDER = ["a", "b", "c", "d", "e", "f"];

test("createSelection keeps known ids once, in order", () => {
  const state = createSelection(["a", "b", "a", "c"], ["c", "zz"]);
  assert.deepEqual(state.order, ["a", "b", "c"]);
  assert.deepEqual(selectedIds(state), ["c"]);
  assert.equal(state.anchor, null);
});

test("setOne and toggle set the anchor and never change their input", () => {
  const start = createSelection(ORDER);
  const one = setOne(start, "b", true);
  assert.deepEqual(selectedIds(one), ["b"]);
  assert.equal(one.anchor, "b");
  assert.deepEqual(selectedIds(start), []);
  assert.equal(start.anchor, null);
  const off = toggle(one, "b");
  assert.deepEqual(selectedIds(off), []);
  assert.equal(setOne(start, "unknown", true), start);
});

test("Shift ranges run from the anchor to the clicked item, both ways, to its new value", () => {
  let state = setOne(createSelection(ORDER), "b", true);
  state = setRange(state, "e", true);
  assert.deepEqual(selectedIds(state), ["b", "c", "d", "e"]);
  assert.equal(state.anchor, "b"); // the anchor stays: the next Shift-click re-spans from b
  state = setRange(state, "a", true);
  assert.deepEqual(selectedIds(state), ["a", "b", "c", "d", "e"]);
  state = setRange(setOne(state, "d", false), "b", false);
  assert.deepEqual(selectedIds(state), ["a", "e"]);
});

test("a range without an anchor selects just the item", () => {
  const state = setRange(createSelection(ORDER), "c", true);
  assert.deepEqual(selectedIds(state), ["c"]);
  assert.equal(state.anchor, "c");
});

test("select all and none", () => {
  const all = selectAll(setOne(createSelection(ORDER), "c", true));
  assert.deepEqual(selectedIds(all), ORDER);
  assert.equal(describe(all), "6 of 6 selected");
  const none = selectNone(all);
  assert.deepEqual(selectedIds(none), []);
  assert.equal(none.anchor, null);
  assert.equal(describe(none), "0 of 6 selected");
});

test("neighbour moves by steps and stops at the ends", () => {
  assert.equal(neighbour(ORDER, "c", 1), "d");
  assert.equal(neighbour(ORDER, "c", -1), "b");
  assert.equal(neighbour(ORDER, "c", 3), "f");
  assert.equal(neighbour(ORDER, "b", -3), "a");
  assert.equal(neighbour(ORDER, "f", 100), "f");
  assert.equal(neighbour(ORDER, "zz", 1), null);
  assert.equal(neighbour([], "a", 1), null);
});

test("backdrops: names, colours, classes", () => {
  assert.equal(backdropOf("black"), "black");
  assert.equal(backdropOf("plaid"), "checkerboard");
  assert.equal(backdropOf(null), "checkerboard");
  assert.equal(backdropClass("grey"), "backdrop-grey");
  assert.ok(isHexColour("#3C6e71"));
  assert.ok(!isHexColour("#3c6e7"));
  assert.ok(!isHexColour("red"));
});

test("withBackdrop keeps other parameters and sets or drops the colour", () => {
  const base = "http://x.test/grid/?batch=2";
  assert.equal(withBackdrop("?page=2&batch=2", base, "black", "#112233"), "/grid/?page=2&batch=2&backdrop=black");
  assert.equal(
    withBackdrop("/grid/?colour=%23000000&backdrop=white", base, "custom", "#aa3300"),
    "/grid/?colour=%23aa3300&backdrop=custom",
  );
  assert.equal(withBackdrop("/grid/?colour=%23000000", base, "grey", "#aa3300"), "/grid/?backdrop=grey");
  assert.equal(withBackdrop("/grid/#top", base, "nonsense", ""), "/grid/?backdrop=checkerboard#top");
});
