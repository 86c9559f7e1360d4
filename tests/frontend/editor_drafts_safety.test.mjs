// Drafts that must not be lost: edits made while a save is in flight, a draft from a browser whose
// clock runs ahead, and local storage freed only of drafts the server or time made stale.
import assert from "node:assert/strict";
import { test } from "node:test";

import { DRAFT_VERSION, LOCAL_DRAFT_MAX_AGE_MS, changedSinceSent, draftDocument, draftToDoc, localDraftKey, localDraftsToDrop, newestDraft, nothingUnsaved } from "../../frontend/static/js/editor/state/drafts.js";
import { fromRecipe } from "../../frontend/static/js/editor/state/ops.js";

const NOW = Date.parse("2026-11-29T12:00:00Z");
const recipe = { version: 1, base: "ai", ops: [{ op: "refine", smooth: 0, feather: 0, contrast: 90, shift_edge: 100 }] };

test("a save notices edits made while it was in flight: the recipe or the note", () => {
  const sent = { recipe, note: "prong" };
  assert.deepEqual(changedSinceSent(sent, { recipe: JSON.parse(JSON.stringify(recipe)), note: "prong" }), { recipe: false, note: false });
  const reordered = { ops: recipe.ops, base: "ai", version: 1 };
  assert.deepEqual(changedSinceSent(sent, { recipe: reordered, note: "prong" }), { recipe: false, note: false }, "key order is not a change");
  const more = { ...recipe, ops: [...recipe.ops, { op: "refine", smooth: 1, feather: 0, contrast: 0, shift_edge: 0 }] };
  assert.deepEqual(changedSinceSent(sent, { recipe: more, note: "prong" }), { recipe: true, note: false });
  assert.deepEqual(changedSinceSent(sent, { recipe, note: "prong, and the clasp" }), { recipe: false, note: true });
});

test("a draft saved 'in the future' by a fast clock does not beat a newer one", () => {
  const document = draftDocument({ base: "ai", ops: [] }, "");
  const future = { document, baseRevision: null, savedAt: "2026-12-05T00:00:00Z", source: "local" };
  const server = { document, baseRevision: 3, savedAt: "2026-11-29T11:59:00Z", source: "server" };
  // Clamped to now, the future draft ties with one stamped now at most: it cannot win on its clock.
  const serverNow = { ...server, savedAt: new Date(NOW).toISOString() };
  assert.equal(newestDraft([serverNow, future], NOW), serverNow);
  assert.equal(newestDraft([future, serverNow], NOW), future, "a tie keeps the first");
  assert.equal(newestDraft([server, { ...future, savedAt: "not a time" }], NOW), server);
});

test("opening the editor frees local drafts made stale by the server copy or by two weeks", () => {
  const own = localDraftKey(7, "tom");
  const fresh = new Date(NOW - 60_000).toISOString();
  const old = new Date(NOW - LOCAL_DRAFT_MAX_AGE_MS - 1).toISOString();
  const entries = [
    { key: own, savedAt: "2026-11-29T11:00:00Z" },
    { key: localDraftKey(7, "ann"), savedAt: old }, // someone else's draft of this photo: kept
    { key: localDraftKey(8, "tom"), savedAt: old },
    { key: localDraftKey(9, "tom"), savedAt: fresh },
    { key: localDraftKey(10, "ann"), savedAt: null }, // damaged
    { key: "other-app:thing", savedAt: old },
  ];
  const context = { photoId: 7, username: "tom", now: NOW };
  assert.deepEqual(localDraftsToDrop(entries, { ...context, serverSavedAt: "2026-11-29T11:30:00Z" }), [own, localDraftKey(8, "tom"), localDraftKey(10, "ann")]);
  assert.deepEqual(localDraftsToDrop(entries, { ...context, serverSavedAt: "2026-11-29T10:30:00Z" }), [localDraftKey(8, "tom"), localDraftKey(10, "ann")], "the local copy is newer: kept");
  assert.deepEqual(localDraftsToDrop(entries, { ...context, serverSavedAt: null }), [localDraftKey(8, "tom"), localDraftKey(10, "ann")]);
  const ahead = [{ key: own, savedAt: "2026-12-30T00:00:00Z" }];
  assert.deepEqual(localDraftsToDrop(ahead, { ...context, serverSavedAt: new Date(NOW).toISOString() }), [], "a future stamp counts as now, not older");
});

test("a draft written before auto-fix's boxes had corners loads them with corners", () => {
  const box = "M 10 20 H 60 V 50 H 10 Z";
  const stored = {
    version: DRAFT_VERSION,
    base: "ai",
    note: "",
    ops: [
      { id: "r1", op: "recover", enabled: true, region: box, shape: null, radius: 16 },
      { id: "r2", op: "refine", enabled: true, smooth: 0, feather: 0, contrast: 90, shift_edge: 100, region: box },
      { id: "r3", op: "refine", enabled: true, smooth: 0, feather: 0, contrast: 20, shift_edge: 0 },
      { id: "r4", op: "matte", enabled: true, region: box, shape: null, radius: 3 },
    ],
  };
  const { doc } = draftToDoc(stored);
  assert.equal(doc.ops[0].shape.subpaths[0].anchors.length, 4);
  assert.equal(doc.ops[1].shape.subpaths[0].anchors.length, 4);
  assert.equal("shape" in doc.ops[2], false, "the whole-mask refine has no region");
  assert.equal(doc.ops[3].shape, null, "a brush region stays the brush's");
  assert.equal(doc.ops[0].region, box, "the region is kept as it was");
});

test("nothing is unsaved when the document is the saved revision again and no note is written", () => {
  const saved = fromRecipe({ version: 1, base: "ai", ops: [{ op: "refine", contrast: 20 }] });
  const again = fromRecipe({ version: 1, base: "ai", ops: [{ op: "refine", contrast: 20, enabled: true }] }, "x");
  const edited = fromRecipe({ version: 1, base: "ai", ops: [{ op: "refine", contrast: 30 }] });
  assert.equal(nothingUnsaved(again, "", saved), true, "same ops, other ids and spellings");
  assert.equal(nothingUnsaved(again, "  ", saved), true);
  assert.equal(nothingUnsaved(again, "prong fixed", saved), false, "a note is unsaved work");
  assert.equal(nothingUnsaved(edited, "", saved), false);
  assert.equal(nothingUnsaved(fromRecipe(null), "", fromRecipe(null)), true, "no revision and no ops");
});
