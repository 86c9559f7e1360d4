// Pure review-screen state: backdrops, compare modes, toggles, the flag draft, and the layer plan.
import assert from "node:assert/strict";
import { test } from "node:test";

import { createStore } from "../../frontend/static/js/state/store.js";
import {
  BACKDROPS,
  MAX_PINS,
  draftProblem,
  initialReviewState,
  reviewReduce,
  viewLegend,
  viewPlan,
} from "../../frontend/static/js/state/review_state.js";
import { sourceLabeller } from "../../frontend/static/js/state/layers.js";

const fresh = () => initialReviewState({ references: ["cutout", "r1"], flagged: null });

test("B cycles through the five backdrops and wraps; shift-B goes back", () => {
  let state = fresh();
  const seen = [state.backdrop];
  for (let i = 0; i < 5; i += 1) {
    state = reviewReduce(state, { type: "backdrop/cycle" });
    seen.push(state.backdrop);
  }
  assert.deepEqual(seen, ["checker", "white", "black", "grey", "custom", "checker"]);
  assert.equal(reviewReduce(fresh(), { type: "backdrop/cycle", step: -1 }).backdrop, "custom");
  assert.equal(BACKDROPS.length, 5);
});

test("a custom colour selects the custom backdrop; a malformed colour changes nothing", () => {
  const state = reviewReduce(fresh(), { type: "backdrop/colour", colour: "#FF8800" });
  assert.equal(state.backdrop, "custom");
  assert.equal(state.customColour, "#ff8800");
  const before = fresh();
  assert.equal(reviewReduce(before, { type: "backdrop/colour", colour: "red; background: url(x)" }), before);
});

test("the flagged result is the default reference on a re-review, else the original", () => {
  assert.equal(initialReviewState({ references: ["cutout", "r1"], flagged: "r1" }).reference, "r1");
  assert.equal(initialReviewState({ references: ["cutout"], flagged: "r9" }).reference, "original");
  assert.equal(fresh().reference, "original");
  assert.deepEqual(fresh().references, ["original", "cutout", "r1"]);
});

test("a reference outside the photo's results is refused", () => {
  const state = fresh();
  assert.equal(reviewReduce(state, { type: "reference/set", key: "r7" }), state);
  assert.equal(reviewReduce(state, { type: "reference/set", key: "cutout" }).reference, "cutout");
});

test("mask overlay and the overlaid compare modes exclude each other", () => {
  let state = reviewReduce(fresh(), { type: "compare/set", mode: "swipe" });
  state = reviewReduce(state, { type: "mask/toggle" });
  assert.equal(state.mask, true);
  assert.equal(state.compare, "single");
  state = reviewReduce(state, { type: "compare/set", mode: "side" });
  assert.equal(state.mask, true, "side by side keeps the mask on the left viewer");
  state = reviewReduce(state, { type: "compare/set", mode: "difference" });
  assert.equal(state.mask, false);
});

test("swipe position is clamped to 0..1", () => {
  assert.equal(reviewReduce(fresh(), { type: "swipe/set", position: 1.7 }).swipe, 1);
  assert.equal(reviewReduce(fresh(), { type: "swipe/set", position: -3 }).swipe, 0);
  assert.equal(reviewReduce(fresh(), { type: "swipe/set", position: Number.NaN }).swipe, 0.5);
});

test("pins are added and removed by index, at most MAX_PINS", () => {
  let state = fresh();
  state = reviewReduce(state, { type: "pin/add", pin: { x: 1, y: 2 } });
  state = reviewReduce(state, { type: "pin/add", pin: { x0: 1, y0: 2, x1: 3, y1: 4 } });
  state = reviewReduce(state, { type: "pin/remove", index: 0 });
  assert.deepEqual(state.draft.pins, [{ x0: 1, y0: 2, x1: 3, y1: 4 }]);
  assert.equal(reviewReduce(state, { type: "pin/remove", index: 5 }), state);
  for (let i = 0; i < MAX_PINS + 5; i += 1) state = reviewReduce(state, { type: "pin/add", pin: { x: i, y: i } });
  assert.equal(state.draft.pins.length, MAX_PINS);
});

test("closing the flag form keeps the draft; reset empties it", () => {
  let state = reviewReduce(fresh(), { type: "flag/open" });
  state = reviewReduce(state, { type: "draft/reason", reason: "halo" });
  state = reviewReduce(state, { type: "pin/add", pin: { x: 5, y: 5 } });
  state = reviewReduce(state, { type: "flag/close" });
  assert.equal(state.draft.reason, "halo");
  assert.equal(state.draft.pins.length, 1);
  state = reviewReduce(state, { type: "flag/reset" });
  assert.deepEqual(state.draft, { reason: "", note: "", pins: [] });
  assert.equal(state.flagOpen, false);
});

test("a draft needs a reason before it is sent", () => {
  assert.equal(draftProblem({ reason: "", note: "x", pins: [] }), "Choose a reason for the flag.");
  assert.equal(draftProblem({ reason: "halo", note: "", pins: [] }), null);
});

test("the quick mask composites the result's alpha, the red tint and the original behind", () => {
  const state = reviewReduce(fresh(), { type: "mask/toggle" });
  assert.deepEqual(viewPlan(state, "r1").main, [
    { source: "r1" },
    { source: "red", composite: "source-out", opacity: 0.5 },
    { source: "original", composite: "destination-over" },
  ]);
});

test("each compare mode's layers, bottom first", () => {
  const base = reviewReduce(fresh(), { type: "reference/set", key: "cutout" });
  const plan = (mode) => viewPlan(reviewReduce(base, { type: "compare/set", mode }), "r1");
  assert.deepEqual(plan("single"), { main: [{ source: "r1" }], reference: null });
  assert.deepEqual(plan("side"), { main: [{ source: "r1" }], reference: [{ source: "cutout" }] });
  assert.deepEqual(plan("swipe").main, [
    { source: "cutout", clip: "right" },
    { source: "r1", clip: "left" },
  ]);
  assert.deepEqual(plan("blink").main, [
    { source: "cutout", blink: "off" },
    { source: "r1", blink: "on" },
  ]);
  assert.deepEqual(plan("difference").main, [{ source: "cutout" }, { source: "r1", composite: "difference" }]);
});

test("O shows the original in place of the result", () => {
  const state = reviewReduce(fresh(), { type: "original/toggle" });
  assert.deepEqual(viewPlan(state, "cutout").main, [{ source: "original" }]);
});

test("the legend says what is on screen", () => {
  const label = sourceLabeller([
    { key: "cutout", label: "AI cutout" },
    { key: "r1", label: "Revision 1" },
  ]);
  const side = reviewReduce(fresh(), { type: "compare/set", mode: "side" });
  assert.equal(viewLegend(side, label, "r1"), "Left: Revision 1. Right: the original. Zoom and pan move both.");
  const mask = reviewReduce(fresh(), { type: "mask/toggle" });
  assert.equal(viewLegend(mask, label, "cutout"), "Mask overlay: the original, red where AI cutout removed the background.");
});

test("the store notifies listeners of changes only, and unsubscribes", () => {
  const store = createStore(reviewReduce, fresh());
  const heard = [];
  const off = store.on((state, previous, action) => heard.push([action.type, previous.backdrop, state.backdrop]));
  store.dispatch({ type: "backdrop/set", backdrop: "checker" }); // no change
  store.dispatch({ type: "backdrop/set", backdrop: "black" });
  off();
  store.dispatch({ type: "backdrop/set", backdrop: "white" });
  assert.deepEqual(heard, [["backdrop/set", "checker", "black"]]);
  assert.equal(store.getState().backdrop, "white");
});
