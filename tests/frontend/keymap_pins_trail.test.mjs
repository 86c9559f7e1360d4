// Pure keyboard map, pin geometry and the J/K trail.
import assert from "node:assert/strict";
import { test } from "node:test";

import { commandForKey } from "../../frontend/static/js/state/keymap.js";
import { labelSpot, overlaps } from "../../frontend/static/js/state/label_spots.js";
import { MIN_DRAG_SCREEN_PX, pinBounds, pinFromDrag, pinLabel, pinNumberLabels, pointPin, regionLetter } from "../../frontend/static/js/state/pins.js";
import {
  EMPTY_TRAIL,
  MAX_TRAIL,
  trailBack,
  trailForward,
  trailParse,
  trailSerialise,
  trailVisit,
} from "../../frontend/static/js/state/trail.js";

const idle = { inTextField: false, flagOpen: false };

test("every documented letter maps to its command, in either case", () => {
  const expected = { a: "approve", f: "flag", j: "next", k: "previous", z: "zoom-toggle", b: "backdrop", o: "original", m: "mask", x: "autofix", "?": "help", "+": "zoom-in", "=": "zoom-in", "-": "zoom-out", _: "zoom-out" };
  for (const [key, command] of Object.entries(expected)) {
    assert.equal(commandForKey({ key }, idle), command, key);
  }
  assert.equal(commandForKey({ key: "A" }, idle), "approve");
  assert.equal(commandForKey({ key: "B" }, idle), "backdrop-back");
  assert.equal(commandForKey({ key: "X" }, idle), "autofix");
  assert.equal(commandForKey({ key: "+", shiftKey: true }, idle), "zoom-in");
  assert.equal(commandForKey({ key: "-", ctrlKey: true }, idle), null, "Ctrl+- is the browser's page zoom");
  assert.equal(commandForKey({ key: "q" }, idle), null);
  assert.equal(commandForKey({ key: "ArrowLeft" }, idle), null);
});

test("letters do nothing while typing, or with Ctrl, Cmd or Alt", () => {
  assert.equal(commandForKey({ key: "a" }, { inTextField: true, flagOpen: true }), null);
  assert.equal(commandForKey({ key: "a", ctrlKey: true }, idle), null);
  assert.equal(commandForKey({ key: "f", metaKey: true }, idle), null);
  assert.equal(commandForKey({ key: "j", altKey: true }, idle), null);
});

test("Escape works everywhere; Ctrl+Enter sends the flag only while the form is open", () => {
  assert.equal(commandForKey({ key: "Escape" }, { inTextField: true, flagOpen: true }), "escape");
  assert.equal(commandForKey({ key: "Enter", ctrlKey: true }, { inTextField: true, flagOpen: true }), "send-flag");
  assert.equal(commandForKey({ key: "Enter", metaKey: true }, { inTextField: false, flagOpen: true }), "send-flag");
  assert.equal(commandForKey({ key: "Enter", ctrlKey: true }, idle), null);
  assert.equal(commandForKey({ key: "Enter" }, { inTextField: false, flagOpen: true }), null);
});

test("while the help is open only Escape and ? act", () => {
  const help = { inTextField: false, flagOpen: false, helpOpen: true };
  assert.equal(commandForKey({ key: "a" }, help), null);
  assert.equal(commandForKey({ key: "j" }, help), null);
  assert.equal(commandForKey({ key: "?" }, help), "help");
  assert.equal(commandForKey({ key: "Escape" }, help), "escape");
});

test("P pins the centre only while flagging", () => {
  assert.equal(commandForKey({ key: "p" }, idle), null);
  assert.equal(commandForKey({ key: "p" }, { inTextField: false, flagOpen: true }), "pin-centre");
});

const size = { width: 600, height: 400 };

test("a short drag is a point; a drag is a box with ordered corners", () => {
  assert.deepEqual(pinFromDrag({ x: 10, y: 10 }, { x: 12.34, y: 11.06 }, MIN_DRAG_SCREEN_PX - 1, size), { x: 12.3, y: 11.1 });
  assert.deepEqual(pinFromDrag({ x: 50, y: 80 }, { x: 20, y: 30 }, 40, size), { x0: 20, y0: 30, x1: 50, y1: 80 });
});

test("pins are clamped into the photo, so the API never refuses them", () => {
  assert.deepEqual(pointPin({ x: -4, y: 999 }, size), { x: 0, y: 400 });
  assert.deepEqual(pinFromDrag({ x: -20, y: -20 }, { x: 700, y: 500 }, 100, size), { x0: 0, y0: 0, x1: 600, y1: 400 });
});

test("a box with no area outside the photo becomes a point at the release", () => {
  assert.deepEqual(pinFromDrag({ x: -30, y: 10 }, { x: -5, y: 60 }, 50, size), { x: 0, y: 60 });
});

test("pins in words and their bounds", () => {
  assert.equal(pinLabel({ x: 10.4, y: 20.6 }), "point at 10, 21");
  assert.equal(pinLabel({ x0: 10, y0: 20, x1: 40, y1: 80 }), "box 30 × 60 px at 10, 20");
  assert.deepEqual(pinBounds({ x: 10, y: 20 }, 5), { x0: 5, y0: 15, x1: 15, y1: 25 });
});

test("the trail records visits, steps back and forward, and forgets the future on a new visit", () => {
  let trail = EMPTY_TRAIL;
  for (const id of [1, 2, 3]) trail = trailVisit(trail, id);
  assert.deepEqual(trail, { ids: [1, 2, 3], index: 2 });
  assert.equal(trailBack(trail), 2);
  assert.equal(trailForward(trail), null);
  trail = trailVisit(trail, 2); // K
  assert.deepEqual(trail, { ids: [1, 2, 3], index: 1 });
  assert.equal(trailForward(trail), 3);
  trail = trailVisit(trail, 3); // J
  assert.equal(trail.index, 2);
  trail = trailVisit(trailVisit(trail, 2), 9); // back, then somewhere new
  assert.deepEqual(trail, { ids: [1, 2, 9], index: 2 });
  assert.equal(trailVisit(trail, 9), trail);
});

test("the trail keeps the last MAX_TRAIL photos and survives a round trip", () => {
  let trail = EMPTY_TRAIL;
  for (let id = 1; id <= MAX_TRAIL + 10; id += 1) trail = trailVisit(trail, id);
  assert.equal(trail.ids.length, MAX_TRAIL);
  assert.equal(trail.ids[0], 11);
  assert.deepEqual(trailParse(trailSerialise(trail)), trail);
});

test("a damaged stored trail is read as empty", () => {
  for (const text of [null, "", "{", '{"ids": [1, "x"], "index": 0}', '{"ids": [0], "index": 0}', "[]", "null"]) {
    assert.deepEqual(trailParse(text), EMPTY_TRAIL, String(text));
  }
  assert.deepEqual(trailParse('{"ids": [4, 5], "index": 7}'), { ids: [4, 5], index: 1 });
});

test("detected regions are lettered as an <ol type=A> counts, so they never read like the numbered pins", () => {
  assert.deepEqual([0, 1, 25, 26, 27, 51, 52, 701, 702].map(regionLetter), ["A", "B", "Z", "AA", "AB", "AZ", "BA", "ZZ", "AAA"]);
});

const IMAGE = { x0: 0, y0: 0, x1: 1200, y1: 900 };

test("region labels take the first free spot beside their box and never cover one another", () => {
  const taken = [];
  const box = { x0: 100, y0: 100, x1: 200, y1: 150 };
  const first = labelSpot(box, 20, 10, taken, 2, IMAGE);
  assert.deepEqual(first, { x0: 100, y0: 88, x1: 120, y1: 98 }, "just above the top-left corner");
  const twin = labelSpot({ x0: 105, y0: 101, x1: 190, y1: 160 }, 20, 10, taken, 2, IMAGE);
  assert.deepEqual(twin, { x0: 107, y0: 103, x1: 127, y1: 113 }, "inside its corner when above is taken");
  for (let i = 0; i < 10; i++) labelSpot({ x0: 100 + i, y0: 100, x1: 200, y1: 150 }, 20, 10, taken, 2, IMAGE);
  for (let i = 0; i < taken.length; i++) {
    for (let j = i + 1; j < taken.length; j++) assert.equal(overlaps(taken[i], taken[j]), false, `${i} and ${j}`);
  }
  assert.equal(taken.length, 8, "eight spots round the box");
  assert.equal(labelSpot({ x0: 101, y0: 100, x1: 199, y1: 150 }, 20, 10, taken, 2, IMAGE), null, "no room: unlabelled");
});

test("region labels stay inside the image: a box on the top edge is lettered inside its corner", () => {
  assert.deepEqual(labelSpot({ x0: 100, y0: 0, x1: 220, y1: 80 }, 20, 10, [], 2, IMAGE), { x0: 102, y0: 2, x1: 122, y1: 12 });
  // A box thinner than the label, on the top edge: inside spots reach below it, still in the image.
  assert.deepEqual(labelSpot({ x0: 600, y0: 0, x1: 640, y1: 5 }, 20, 10, [], 2, IMAGE), { x0: 602, y0: 2, x1: 622, y1: 12 });
  // On the bottom edge and the image's full height: inside, as no spot above or below fits.
  assert.deepEqual(labelSpot({ x0: 300, y0: 0, x1: 400, y1: 900 }, 20, 10, [], 2, IMAGE), { x0: 302, y0: 2, x1: 322, y1: 12 });
  // Past a side edge (a box narrower than its label at the right edge): slid back in.
  assert.deepEqual(labelSpot({ x0: 1190, y0: 500, x1: 1200, y1: 600 }, 20, 10, [], 2, IMAGE), { x0: 1180, y0: 488, x1: 1200, y1: 498 });
  // Every spot found lies in the image, wherever the box is.
  const taken = [];
  for (let y = 0; y < 900; y += 37) {
    for (let x = 0; x < 1200; x += 53) {
      const spot = labelSpot({ x0: x, y0: y, x1: Math.min(x + 40, 1200), y1: Math.min(y + 30, 900) }, 20, 10, taken, 2, IMAGE);
      if (spot) assert.ok(spot.x0 >= 0 && spot.y0 >= 0 && spot.x1 <= 1200 && spot.y1 <= 900, JSON.stringify(spot));
    }
  }
  assert.ok(taken.length > 0);
});

test("while a flag is written, A, J, K and X only say so; viewing keys and F still act", () => {
  const writing = { inTextField: false, flagOpen: true };
  for (const key of ["a", "A", "j", "k", "x"]) assert.equal(commandForKey({ key }, writing), "flag-pending", key);
  assert.equal(commandForKey({ key: "z" }, writing), "zoom-toggle");
  assert.equal(commandForKey({ key: "b" }, writing), "backdrop");
  assert.equal(commandForKey({ key: "f" }, writing), "flag");
  assert.equal(commandForKey({ key: "p" }, writing), "pin-centre");
  assert.equal(commandForKey({ key: "a" }, { inTextField: true, flagOpen: true }), null, "typed into the note");
  assert.equal(commandForKey({ key: "a" }, { inTextField: false, inSelect: true, flagOpen: true }), null);
  assert.equal(commandForKey({ key: "a" }, idle), "approve");
});

test("pins at one spot share one number label, \"2,3\", instead of printing over each other", () => {
  const metrics = { charWidth: 9, height: 13, gap: 4, pointOffset: 10.8 }; // at 100 %
  // QA: a point pinned at the centre (800, 800) and a box dragged from there.
  const pins = [{ x: 200, y: 200 }, { x0: 800, y0: 800, x1: 900, y1: 880 }, { x: 800, y: 800 }];
  assert.deepEqual(pinNumberLabels(pins, metrics), [
    { x: 210.8, y: 189.2, numbers: [1], text: "1" },
    { x: 800, y: 796, numbers: [2, 3], text: "2,3" },
  ]);
  const zoomed = { charWidth: 9 / 8, height: 13 / 8, gap: 4 / 8, pointOffset: 10.8 / 8 }; // at 800 %
  assert.deepEqual(pinNumberLabels(pins, zoomed).map((label) => label.text), ["1", "2,3"], "one spot at any zoom");
  // Points 6 px apart: one label at 100 %, their own once zoomed in far enough to tell them apart.
  const near = [{ x: 500, y: 500 }, { x: 506, y: 500 }];
  assert.deepEqual(pinNumberLabels(near, metrics).map((label) => label.text), ["1,2"]);
  assert.deepEqual(pinNumberLabels(near, zoomed).map((label) => label.text), ["1", "2"]);
  assert.deepEqual(pinNumberLabels([], metrics), []);
  // Review: "1" grew to "1,3" and ran into "2", placed before it grew, reading "1,32".
  const row = [{ x: 500, y: 500 }, { x: 521, y: 500 }, { x: 502, y: 500 }];
  assert.deepEqual(pinNumberLabels(row, metrics).map((label) => label.text), ["1,2,3"]);
});
