// The pen's geometry: SVG path data in and out, anchors and handles, exact splits, hit tests.
import assert from "node:assert/strict";
import { test } from "node:test";

import { nearest, pointAt, polygonArea, split } from "../../frontend/static/js/editor/state/bezier.js";
import { formatNumber, parsePathData, writePathData } from "../../frontend/static/js/editor/state/path_data.js";
import {
  anchorAt,
  deleteAnchor,
  insertAnchor,
  moveAnchor,
  moveHandle,
  pullHandles,
  retractHandles,
  segmentAt,
  segmentCubic,
  shapeContains,
  shapeFromPathData,
  shapeFromPolygon,
  shapePolygons,
  shapeToPathData,
  translateShape,
} from "../../frontend/static/js/editor/state/path_shape.js";

const near = (a, b, tolerance, message) => assert.ok(Math.abs(a - b) <= tolerance, `${message}: ${a} vs ${b}`);

test("numbers in path data keep two decimals and never read -0", () => {
  assert.equal(formatNumber(10), "10");
  assert.equal(formatNumber(10.504), "10.5");
  assert.equal(formatNumber(-0.001), "0");
  assert.equal(formatNumber(1 / 3), "0.33");
});

test("the parser reads absolute and relative commands, implicit repeats and odd numbers", () => {
  const [square] = parsePathData("M 0 0 H 10 V 10 H 0 Z");
  assert.deepEqual(square.segments.map((s) => s.to), [{ x: 10, y: 0 }, { x: 10, y: 10 }, { x: 0, y: 10 }]);
  assert.equal(square.closed, true);
  const [relative] = parsePathData("m5,5 10,0 0,10 -10,0z");
  assert.deepEqual(relative.segments.map((s) => s.to), [{ x: 15, y: 5 }, { x: 15, y: 15 }, { x: 5, y: 15 }]);
  const [packed] = parsePathData("M.5.5L-.5e1,2");
  assert.deepEqual(packed.start, { x: 0.5, y: 0.5 });
  assert.deepEqual(packed.segments[0].to, { x: -5, y: 2 });
  const two = parsePathData("M 0 0 L 1 1 Z M 5 5 L 6 6 Z");
  assert.equal(two.length, 2);
  assert.deepEqual(two[1].start, { x: 5, y: 5 });
});

test("S reflects the previous control point and Q is raised to a cubic exactly", () => {
  const [s] = parsePathData("M 0 0 C 0 10 10 10 10 0 S 20 -10 20 0");
  assert.deepEqual(s.segments[1].c1, { x: 10, y: -10 });
  const [q] = parsePathData("M 0 0 Q 10 20 20 0");
  const cubic = [q.start, q.segments[0].c1, q.segments[0].c2, q.segments[0].to];
  for (const t of [0.1, 0.3, 0.5, 0.9]) {
    const quadratic = { x: 2 * (1 - t) * t * 10 + t * t * 20, y: 2 * (1 - t) * t * 20 };
    const p = pointAt(cubic, t);
    near(p.x, quadratic.x, 1e-9, "x");
    near(p.y, quadratic.y, 1e-9, "y");
  }
  const [t] = parsePathData("M 0 0 Q 10 20 20 0 T 40 0");
  assert.deepEqual(t.segments[1].to, { x: 40, y: 0 });
  near(pointAt([t.segments[0].to, t.segments[1].c1, t.segments[1].c2, t.segments[1].to], 0.5).y, -10, 1e-9, "T mirrors Q");
});

test("arcs have no anchor form and malformed data is refused", () => {
  assert.equal(parsePathData("M 0 0 A 5 5 0 0 1 10 0"), null);
  assert.equal(shapeFromPathData("M 0 0 A 5 5 0 0 1 10 0 Z"), null);
  assert.throws(() => parsePathData("M 0 0 L 5"), /L needs 2 numbers/);
  assert.throws(() => parsePathData("M 0 0 X 5 5"), /unexpected "X"/);
  assert.throws(() => parsePathData("5 5"), /numbers without a command/);
  assert.equal(shapeFromPathData("M 0 0 L 5"), null);
});

test("our own path data round-trips through anchors, curves and corners alike", () => {
  const d = "M 10 10 C 20 0 30 0 40 10 L 40 40 C 30 50 20 50 10 40 Z";
  const shape = shapeFromPathData(d);
  assert.equal(shape.subpaths[0].anchors.length, 4);
  assert.equal(shapeToPathData(shape), d);
  const closingCurve = "M 0 0 L 10 0 C 10 5 5 10 0 0 Z";
  const parsed = shapeFromPathData(closingCurve);
  assert.equal(parsed.subpaths[0].anchors.length, 2, "the anchor back at the start merges into the first");
  assert.equal(shapeToPathData(parsed), closingCurve);
  assert.equal(writePathData(parsePathData("M 1 2 H 5 V 6 Z")), "M 1 2 L 5 2 L 5 6 Z");
});

test("inserting an anchor splits the curve without changing its shape", () => {
  const shape = shapeFromPathData("M 0 0 C 0 40 60 40 60 0 L 30 -30 Z");
  const before = segmentCubic(shape.subpaths[0], 0);
  const { shape: after, ref } = insertAnchor(shape, 0, 0, 0.3);
  assert.deepEqual(ref, { subpath: 0, anchor: 1 });
  assert.equal(after.subpaths[0].anchors.length, 4);
  assert.equal(after.subpaths[0].anchors[1].smooth, true);
  const left = segmentCubic(after.subpaths[0], 0);
  const right = segmentCubic(after.subpaths[0], 1);
  for (const t of [0, 0.25, 0.5, 0.75, 1]) {
    const a = pointAt(before, 0.3 * t);
    const b = pointAt(left, t);
    near(a.x, b.x, 1e-9, "left x");
    near(a.y, b.y, 1e-9, "left y");
    const c = pointAt(before, 0.3 + 0.7 * t);
    const d = pointAt(right, t);
    near(c.x, d.x, 1e-9, "right x");
    near(c.y, d.y, 1e-9, "right y");
  }
  const line = insertAnchor(shapeFromPolygon([{ x: 0, y: 0 }, { x: 10, y: 0 }, { x: 10, y: 10 }]), 0, 0, 0.5);
  assert.deepEqual(line.shape.subpaths[0].anchors[1], { x: 5, y: 0, hin: null, hout: null, smooth: false });
  assert.deepEqual(split([{ x: 0, y: 0 }, { x: 0, y: 0 }, { x: 1, y: 1 }, { x: 1, y: 1 }], 0.5)[0][3], { x: 0.5, y: 0.5 });
});

test("a smooth anchor's handles stay opposite; Alt breaks the pair and makes a corner", () => {
  const start = pullHandles(shapeFromPolygon([{ x: 0, y: 0 }, { x: 50, y: 0 }, { x: 50, y: 50 }]), { subpath: 0, anchor: 1 }, { x: 60, y: 0 });
  const anchor = start.subpaths[0].anchors[1];
  assert.deepEqual([anchor.hin, anchor.hout, anchor.smooth], [{ x: 40, y: 0 }, { x: 60, y: 0 }, true]);
  const turned = moveHandle(start, { subpath: 0, anchor: 1 }, "out", { x: 50, y: 20 }).subpaths[0].anchors[1];
  near(turned.hin.x, 50, 1e-9, "in-handle swings round");
  near(turned.hin.y, -10, 1e-9, "keeping its 10 px length");
  assert.equal(turned.smooth, true);
  const broken = moveHandle(start, { subpath: 0, anchor: 1 }, "out", { x: 50, y: 20 }, { breakPair: true }).subpaths[0].anchors[1];
  assert.deepEqual([broken.hin, broken.hout, broken.smooth], [{ x: 40, y: 0 }, { x: 50, y: 20 }, false]);
  const corner = retractHandles(start, { subpath: 0, anchor: 1 }).subpaths[0].anchors[1];
  assert.deepEqual([corner.hin, corner.hout], [null, null]);
});

test("moving an anchor carries its handles; deleting anchors and translating shapes", () => {
  const shape = pullHandles(shapeFromPolygon([{ x: 0, y: 0 }, { x: 50, y: 0 }, { x: 50, y: 50 }]), { subpath: 0, anchor: 1 }, { x: 60, y: 0 });
  const moved = moveAnchor(shape, { subpath: 0, anchor: 1 }, { x: 55, y: 5 }).subpaths[0].anchors[1];
  assert.deepEqual([moved.hin, moved.hout], [{ x: 45, y: 5 }, { x: 65, y: 5 }]);
  assert.equal(shape.subpaths[0].anchors[1].x, 50, "the original shape is untouched");
  const fewer = deleteAnchor(shape, { subpath: 0, anchor: 2 });
  assert.equal(fewer.subpaths[0].anchors.length, 2);
  assert.equal(fewer.subpaths[0].closed, false, "two anchors cannot stay closed");
  const gone = deleteAnchor(shapeFromPolygon([{ x: 1, y: 1 }]), { subpath: 0, anchor: 0 });
  assert.equal(gone.subpaths.length, 0);
  assert.deepEqual(translateShape(shape, 3, -2).subpaths[0].anchors[1].hout, { x: 63, y: -2 });
});

test("hit tests find the nearest anchor and the nearest point of a segment within a tolerance", () => {
  const shape = shapeFromPathData("M 0 0 L 100 0 L 100 100 L 0 100 Z");
  assert.deepEqual(anchorAt(shape, { x: 98, y: 3 }, 5), { subpath: 0, anchor: 1 });
  assert.equal(anchorAt(shape, { x: 50, y: 50 }, 5), null);
  const hit = segmentAt(shape, { x: 40, y: 2 }, 4);
  assert.equal(hit.segment, 0);
  near(hit.point.x, 40, 1e-6, "foot x");
  near(hit.point.y, 0, 1e-6, "foot y");
  assert.equal(segmentAt(shape, { x: 40, y: 6 }, 4), null);
  assert.equal(segmentAt(shape, { x: 2, y: 50 }, 4).segment, 3, "the closing segment");
  const curve = [{ x: 0, y: 0 }, { x: 0, y: 100 }, { x: 100, y: 100 }, { x: 100, y: 0 }];
  near(nearest(curve, { x: 50, y: 100 }).distance, 25, 1e-6, "apex of the curve");
});

test("filled shapes: the nonzero rule and areas as core fills them", () => {
  const square = shapeFromPathData("M 10 10 H 20 V 20 H 10 Z");
  assert.equal(Math.abs(polygonArea(shapePolygons(square, 0.1)[0])), 100);
  assert.ok(shapeContains(square, { x: 15, y: 15 }));
  assert.ok(!shapeContains(square, { x: 25, y: 15 }));
  const withHole = shapeFromPathData("M 0 0 H 30 V 30 H 0 Z M 10 10 V 20 H 20 V 10 Z");
  assert.ok(!shapeContains(withHole, { x: 15, y: 15 }), "a hole drawn the other way round");
  assert.ok(shapeContains(withHole, { x: 5, y: 15 }));
  const circle = shapeFromPathData("M 50 0 C 77.6 0 100 22.4 100 50 C 100 77.6 77.6 100 50 100 C 22.4 100 0 77.6 0 50 C 0 22.4 22.4 0 50 0 Z");
  near(Math.abs(polygonArea(shapePolygons(circle, 0.05)[0])), Math.PI * 2500, 20, "a Bezier circle");
});
