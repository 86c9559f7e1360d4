// The editor header's words for its revisions (editor/state/revision_heading.js).
import assert from "node:assert/strict";
import { test } from "node:test";

import { revisionHeading } from "../../frontend/static/js/editor/state/revision_heading.js";

test("normally the header names the current revision, or none before the first", () => {
  assert.equal(revisionHeading({ current: 4 }), " · revision 4");
  assert.equal(revisionHeading({ current: null }), "");
});

test("after a raced save it names the retoucher's revision and the current one", () => {
  assert.equal(revisionHeading({ current: 2, editing: 3, conflict: true }), " · editing your revision 3 · revision 2 is current");
  assert.equal(revisionHeading({ current: null, editing: null, conflict: true }), " · editing your edit, kept as a revision · a newer one is current");
});
