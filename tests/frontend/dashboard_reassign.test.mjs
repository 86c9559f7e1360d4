// The dashboard's bulk reassign checks: a choice must be made; "No one" over photos in repair asks first.
import assert from "node:assert/strict";
import { test } from "node:test";

import { reassignCheck } from "../../frontend/static/js/dashboard/reassign.js";

const NO_ONE = "(no one)";

test("no choice is refused, whatever is selected", () => {
  assert.deepEqual(reassignCheck({ choice: "", noOne: NO_ONE, statuses: ["flagged"] }), {
    refuse: 'Choose whom to assign the selected photos to: a person, or "No one" to unassign them.',
  });
});

test("a person is sent as is, in repair or not", () => {
  assert.equal(reassignCheck({ choice: "tess", noOne: NO_ONE, statuses: ["in_repair", "flagged"] }), null);
});

test("No one asks first only when a selected photo is in repair, counting them", () => {
  const ask = (/** @type {string[]} */ statuses) => reassignCheck({ choice: NO_ONE, noOne: NO_ONE, statuses });
  assert.equal(ask(["flagged", "needs_review"]), null);
  assert.deepEqual(ask(["in_repair"]), {
    ask: "Unassign the selected photo? It is in repair: unassigning releases its claim, and the retoucher holding it loses it.",
  });
  assert.deepEqual(ask(["in_repair", "flagged"]), {
    ask: "Unassign the 2 selected photos? 1 of them is in repair: unassigning releases its claim, and the retoucher holding it loses it.",
  });
  assert.deepEqual(ask(["in_repair", "flagged", "in_repair"]), {
    ask: "Unassign the 3 selected photos? 2 of them are in repair: unassigning releases their claims, and the retouchers holding them lose them.",
  });
  assert.deepEqual(ask(["in_repair", "in_repair"]), {
    ask: "Unassign the 2 selected photos? All of them are in repair: unassigning releases their claims, and the retouchers holding them lose them.",
  });
});
