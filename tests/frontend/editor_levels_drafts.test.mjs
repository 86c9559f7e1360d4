// The channel panel's numbers, drafts (newest wins, damaged ones ignored) and the editor's keys.
import assert from "node:assert/strict";
import { test } from "node:test";

import { draftDiffers, draftDocument, draftToDoc, localDraftKey, newestDraft, stableJson } from "../../frontend/static/js/editor/state/drafts.js";
import { editorCommandForKey } from "../../frontend/static/js/editor/state/editor_keymap.js";
import { gammaToSlider, histogramBars, levelsTable, orderedLevels, sliderToGamma } from "../../frontend/static/js/editor/state/levels.js";
import { newPathOp, newRefineOp } from "../../frontend/static/js/editor/state/ops.js";
import { shapeFromPolygon } from "../../frontend/static/js/editor/state/path_shape.js";

test("the gamma slider is logarithmic: 0.1 at the left, 1 in the middle, 10 at the right", () => {
  assert.deepEqual([sliderToGamma(0), sliderToGamma(100), sliderToGamma(200)], [0.1, 1, 10]);
  for (const gamma of [0.1, 0.5, 1, 2.5, 10]) assert.ok(Math.abs(sliderToGamma(gammaToSlider(gamma)) - gamma) <= gamma * 0.012);
  assert.equal(gammaToSlider(50), 200);
});

test("Levels points stay in order, the moved one winning", () => {
  assert.deepEqual(orderedLevels(100, 50, "black"), { black: 100, white: 101 });
  assert.deepEqual(orderedLevels(100, 50, "white"), { black: 49, white: 50 });
  assert.deepEqual(orderedLevels(255, 255, "black"), { black: 254, white: 255 });
  assert.deepEqual(orderedLevels(-5, 300, "white"), { black: 0, white: 255 });
});

test("the Levels table is core's (core/levels.py doctest values)", () => {
  const table = levelsTable(50, 150, 1, false);
  assert.deepEqual([table[50], table[100], table[150], table[200]], [0, 128, 255, 255]);
  assert.equal(levelsTable(50, 150, 1, true)[100], 127);
});

test("histogram bars use a square-root scale capped at the 99th percentile", () => {
  const counts = new Array(256).fill(0);
  counts[10] = 100;
  counts[200] = 400;
  counts[230] = 1_000_000;
  const bars = histogramBars(counts);
  assert.equal(bars.length, 256);
  assert.equal(bars[230], 1);
  assert.equal(bars[0], 0);
  assert.ok(Math.abs(bars[10] / bars[200] - 0.5) < 1e-9);
  assert.deepEqual(histogramBars(new Array(256).fill(0)), new Array(256).fill(0));
});

test("the newest readable draft wins; damaged or foreign drafts are ignored", () => {
  const doc = { base: "ai", ops: [newPathOp("o1", shapeFromPolygon([{ x: 0, y: 0 }, { x: 9, y: 0 }, { x: 9, y: 9 }]))] };
  const good = draftDocument(doc, "prong");
  const older = { document: good, baseRevision: null, savedAt: "2026-11-29T10:00:00Z", source: "server" };
  const newer = { document: draftDocument({ base: "ai", ops: [] }, ""), baseRevision: null, savedAt: "2026-11-29T10:05:00Z", source: "local" };
  assert.equal(newestDraft([older, newer, null]), newer);
  const damaged = { ...newer, savedAt: "2026-11-29T11:00:00Z", document: { version: 1, ops: [{ id: "o1", op: "path", shape: { subpaths: [{ anchors: [{ x: "a" }], closed: true }] } }] } };
  assert.equal(newestDraft([older, damaged]), older);
  assert.equal(draftToDoc({ version: 2, ops: [] }), null);
  assert.equal(draftToDoc({ version: 1, ops: [{ id: "o1", op: "refine" }, { id: "o1", op: "refine" }] }), null, "ids repeat");
  assert.deepEqual(draftToDoc(JSON.parse(JSON.stringify(good))).note, "prong");
  assert.equal(localDraftKey(7, "tom"), "jewelreview:editor-draft:7:tom");
});

test("a draft that only repeats the revision is no news", () => {
  const revision = { version: 1, base: "ai", ops: [{ op: "refine", smooth: 0, feather: 0, contrast: 90, shift_edge: 100 }] };
  const same = { document: draftDocument({ base: "ai", ops: [{ ...newRefineOp("o1"), contrast: 90, shift_edge: 100 }] }, ""), baseRevision: 1, savedAt: "2026-11-29T10:00:00Z", source: "local" };
  assert.equal(draftDiffers(same, revision), false);
  const noted = { ...same, document: { ...same.document, note: "bleed fixed" } };
  assert.equal(draftDiffers(noted, revision), true);
  const changed = { ...same, document: draftDocument({ base: "ai", ops: [{ ...newRefineOp("o1"), contrast: 80, shift_edge: 100 }] }, "") };
  assert.equal(draftDiffers(changed, revision), true);
  assert.equal(draftDiffers({ ...same, document: draftDocument({ base: "ai", ops: [] }, "") }, null), false);
  assert.equal(stableJson({ b: 1, a: [{ d: 2, c: 3 }] }), '{"a":[{"c":3,"d":2}],"b":1}');
});

test("editor keys: tools, brush size, history; letters wait outside text fields", () => {
  const key = (k, extra = {}) => editorCommandForKey({ key: k, ...extra }, { inTextField: false });
  assert.deepEqual(["v", "p", "c", "r", "[", "]", "Delete", "Enter"].map((k) => key(k)), [
    "tool-select", "tool-pen", "tool-channel", "tool-refine", "brush-smaller", "brush-larger", "delete", "finish",
  ]);
  assert.equal(key("z", { ctrlKey: true }), "undo");
  assert.equal(key("Z", { ctrlKey: true, shiftKey: true }), "redo");
  assert.equal(key("y", { metaKey: true }), "redo");
  assert.equal(key("s", { ctrlKey: true }), "save");
  assert.equal(key("z"), "zoom-toggle");
  assert.equal(key("B"), "backdrop-back");
  assert.equal(key("p", { altKey: true }), null);
  assert.equal(editorCommandForKey({ key: "p" }, { inTextField: true }), null);
  assert.equal(editorCommandForKey({ key: "z", ctrlKey: true }, { inTextField: true }), null, "the note's own undo");
  assert.equal(editorCommandForKey({ key: "s", ctrlKey: true }, { inTextField: true }), "save");
  assert.equal(editorCommandForKey({ key: "Escape" }, { inTextField: true }), "escape");
});
