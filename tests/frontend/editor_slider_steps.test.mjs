// Arrow keys on the Feather sliders (0.1 px steps over 0-250 px) move whole pixels.
import assert from "node:assert/strict";
import { test } from "node:test";

import { arrowStepped } from "../../frontend/static/js/editor/state/slider_steps.js";

const feather = { min: 0, max: 250 };

test("an arrow moves one whole pixel, Shift ten, from the value rounded that way", () => {
  assert.equal(arrowStepped(0, "ArrowRight", false, feather, 1), 1);
  assert.equal(arrowStepped(0, "ArrowUp", true, feather, 1), 10);
  assert.equal(arrowStepped(3.4, "ArrowUp", false, feather, 1), 4);
  assert.equal(arrowStepped(3.4, "ArrowDown", false, feather, 1), 3);
  assert.equal(arrowStepped(4, "ArrowLeft", false, feather, 1), 3);
  assert.equal(arrowStepped(12, "ArrowRight", true, feather, 1), 22);
  assert.equal(arrowStepped(3.4, "ArrowUp", true, feather, 1), 13);
  assert.equal(arrowStepped(12.5, "ArrowDown", true, feather, 1), 3); // 12, then nine more
  assert.equal(arrowStepped(0.30000000000000004, "ArrowDown", false, feather, 1), 0);
});

test("the ends hold and other keys are left to the slider", () => {
  assert.equal(arrowStepped(249.5, "ArrowRight", true, feather, 1), 250);
  assert.equal(arrowStepped(0, "ArrowLeft", false, feather, 1), 0);
  assert.equal(arrowStepped(5, "PageUp", false, feather, 1), null);
  assert.equal(arrowStepped(5, "Home", false, feather, 1), null);
});
