// The lasso's polygon and the Refine Edge brush's painted region.
import assert from "node:assert/strict";
import { test } from "node:test";

import { polygonArea, windingNumber } from "../../frontend/static/js/editor/state/bezier.js";
import {
  cellFor,
  emptyGrid,
  gridContains,
  gridCount,
  gridCovering,
  gridFill,
  gridOutlines,
  gridPathData,
  stampStroke,
} from "../../frontend/static/js/editor/state/brush_region.js";
import { lassoPolygon, simplifyPolyline } from "../../frontend/static/js/editor/state/lasso.js";
import { shapeFromPathData, shapePolygons } from "../../frontend/static/js/editor/state/path_shape.js";

test("simplifying keeps every dropped point within the tolerance", () => {
  const points = [];
  for (let i = 0; i <= 100; i += 1) points.push({ x: i, y: Math.sin(i / 10) * 5 });
  const kept = simplifyPolyline(points, 0.25);
  assert.ok(kept.length < 40 && kept.length > 5, `${kept.length} points`);
  assert.deepEqual(kept[0], points[0]);
  assert.deepEqual(kept[kept.length - 1], points[100]);
  assert.deepEqual(simplifyPolyline([{ x: 0, y: 0 }, { x: 1, y: 0 }, { x: 2, y: 0 }], 0.1), [{ x: 0, y: 0 }, { x: 2, y: 0 }]);
});

test("a lasso track becomes a closed polygon of its area; a click is no region", () => {
  const track = [];
  for (let i = 0; i < 360; i += 3) {
    const a = (i * Math.PI) / 180;
    track.push({ x: 100 + 40 * Math.cos(a), y: 100 + 40 * Math.sin(a) });
  }
  const polygon = lassoPolygon(track, 0.5);
  assert.ok(polygon.length < track.length);
  assert.ok(Math.abs(Math.abs(polygonArea(polygon)) - Math.PI * 1600) < 120, `${polygonArea(polygon)}`);
  assert.equal(lassoPolygon([{ x: 1, y: 1 }, { x: 1.5, y: 1 }, { x: 1, y: 1.2 }], 0.5), null);
  assert.equal(lassoPolygon([{ x: 1, y: 1 }], 0.5), null);
});

test("a brush dab paints the cells whose centres are within its radius", () => {
  let grid = gridCovering(emptyGrid(1), { x0: -20, y0: -20, x1: 20, y1: 20 });
  stampStroke(grid, [{ x: 0, y: 0 }], 10, 1);
  const count = gridCount(grid);
  assert.ok(Math.abs(count - Math.PI * 100) < 20, `${count} cells for a radius-10 dab`);
  assert.ok(gridContains(grid, { x: 5, y: 5 }) && !gridContains(grid, { x: 9, y: 9 }));
  stampStroke(grid, [{ x: 0, y: 0 }], 4, 0);
  assert.ok(!gridContains(grid, { x: 1, y: 1 }), "erasing clears cells");
  assert.equal(cellFor(12), 4);
  assert.equal(cellFor(0.1), 0.25);
});

test("outlines fill exactly the painted cells (nonzero), holes running the other way", () => {
  let grid = gridCovering(emptyGrid(1), { x0: 0, y0: 0, x1: 12, y1: 12 });
  gridFill(grid, [[{ x: 1, y: 1 }, { x: 11, y: 1 }, { x: 11, y: 11 }, { x: 1, y: 11 }]]);
  stampStroke(grid, [{ x: 6, y: 6 }], 1.6, 0); // a hole in the middle
  const outlines = gridOutlines(grid);
  assert.equal(outlines.length, 2);
  const areas = outlines.map(polygonArea).sort((a, b) => a - b);
  assert.ok(areas[0] < 0 && areas[1] > 0, "outer clockwise on screen, hole counter-clockwise");
  assert.equal(areas[1] + areas[0], gridCount(grid), "outline area = painted cells");
  for (let y = 0.5; y < 12; y += 1) {
    for (let x = 0.5; x < 12; x += 1) {
      assert.equal(windingNumber(outlines, { x, y }) !== 0, gridContains(grid, { x, y }), `cell at ${x}, ${y}`);
    }
  }
});

test("cells touching only at a corner give separate outlines", () => {
  const grid = gridCovering(emptyGrid(1), { x0: 0, y0: 0, x1: 3, y1: 3 });
  grid.bits[0] = 1;
  grid.bits[grid.cols + 1] = 1;
  const outlines = gridOutlines(grid);
  assert.equal(outlines.length, 2);
  assert.deepEqual(outlines.map((o) => o.length), [4, 4]);
});

test("a painted stroke becomes path data whose fill matches the cells, and comes back into a grid", () => {
  let grid = gridCovering(emptyGrid(cellFor(6)), { x0: 0, y0: 0, x1: 220, y1: 120 });
  stampStroke(grid, [{ x: 20, y: 20 }, { x: 100, y: 90 }, { x: 200, y: 30 }], 6, 1);
  const d = gridPathData(grid);
  const shape = shapeFromPathData(d);
  assert.ok(shape && shape.subpaths.length === 1, d.slice(0, 80));
  const polygons = shapePolygons(shape, 0.1);
  let agree = 0;
  let total = 0;
  for (let y = 0; y < 120; y += 1.5) {
    for (let x = 0; x < 220; x += 1.5) {
      total += 1;
      if ((windingNumber(polygons, { x, y }) !== 0) === gridContains(grid, { x, y })) agree += 1;
    }
  }
  assert.ok(agree / total > 0.99, `${agree} of ${total} sample points agree`);
  const again = gridCovering(emptyGrid(grid.cell), { x0: 0, y0: 0, x1: 220, y1: 120 });
  gridFill(again, polygons);
  assert.ok(Math.abs(gridCount(again) - gridCount(grid)) < gridCount(grid) * 0.05);
  assert.equal(gridPathData(gridCovering(emptyGrid(1), { x0: 0, y0: 0, x1: 5, y1: 5 })), "");
});

test("a grid that would pass its cell budget coarsens and keeps what was painted", () => {
  let grid = gridCovering(emptyGrid(0.25), { x0: 0, y0: 0, x1: 40, y1: 40 });
  stampStroke(grid, [{ x: 20, y: 20 }], 8, 1);
  const big = gridCovering(grid, { x0: 0, y0: 0, x1: 6000, y1: 4000 });
  assert.ok(big.cell > grid.cell && big.cols * big.rows <= 16 * 1024 * 1024);
  assert.ok(gridContains(big, { x: 20, y: 20 }) && !gridContains(big, { x: 35, y: 35 }));
});
