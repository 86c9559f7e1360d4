// How long a message on the editor's status line stays true (editor/state/status_message.js).
import assert from "node:assert/strict";
import { test } from "node:test";

import { editorReduce, initialEditorState } from "../../frontend/static/js/editor/state/editor_state.js";
import { newRefineOp } from "../../frontend/static/js/editor/state/ops.js";
import { outlived, statusMessage } from "../../frontend/static/js/editor/state/status_message.js";

const op = newRefineOp("o1");
const deleted = () => {
  const start = initialEditorState({ base: "ai", ops: [op] });
  return editorReduce(start, { type: "commit", set: { label: "Delete an op", changes: [{ kind: "remove", index: 0, op }] } });
};

test("a passing message stands while nothing happened since it was said", () => {
  const state = deleted();
  const message = statusMessage("Op deleted (Ctrl+Z brings it back).", state);
  assert.equal(outlived(message, state), false);
  assert.equal(outlived(message, editorReduce(state, { type: "tool/set", tool: "pen" })), false, "the tool it already had");
  assert.equal(outlived(message, editorReduce(state, { type: "brush/size", size: 40 })), false, "a brush size is no action on the document");
});

test("undoing the edit it describes ends it, and so does redoing, a later edit, another tool or selection", () => {
  const state = deleted();
  const message = statusMessage("Op deleted (Ctrl+Z brings it back).", state);
  const undone = editorReduce(state, { type: "history/undo" });
  assert.deepEqual(undone.doc.ops, [op]);
  assert.equal(outlived(message, undone), true, "undone");
  assert.equal(outlived(statusMessage("Undone.", undone), editorReduce(undone, { type: "history/redo" })), true, "redone");
  const later = editorReduce(state, { type: "commit", set: { label: "Add", changes: [{ kind: "insert", index: 0, op: newRefineOp("o2") }] } });
  assert.equal(outlived(message, later), true, "a later edit");
  assert.equal(outlived(message, editorReduce(state, { type: "tool/set", tool: "channel" })), true, "another tool");
  assert.equal(outlived(message, editorReduce(later, { type: "select", opId: "o2" })), true, "another selection");
});

test("a lasting message (a problem) stays whatever happens next", () => {
  const state = deleted();
  const problem = statusMessage("Could not open the tiles.", state, true);
  assert.equal(outlived(problem, editorReduce(state, { type: "history/undo" })), false);
  assert.equal(outlived(problem, editorReduce(state, { type: "tool/set", tool: "channel" })), false);
});
