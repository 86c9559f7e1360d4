// @ts-check
/**
 * The Refine Edge brush: a stroke over soft edges paints the region of a `matte` op (Alt erases).
 * It paints into the selected matte op's region, or starts a new op. While the stroke goes on
 * only its track is drawn; on release the stroke is painted into the op's grid of cells
 * (state/brush_region.js), whose outline becomes the region, committed as one undo step.
 * Its size is in screen pixels, like Photoshop's brushes: [ and ] change it.
 */

import { cellFor, emptyGrid, gridCovering, gridFill, gridPathData, stampStroke } from "../state/brush_region.js";
import { nextOpId, opChange, selectedOp } from "../state/editor_state.js";
import { newMatteOp } from "../state/ops.js";
import { shapeFromPathData, shapePolygons } from "../state/path_shape.js";
import { screenToImageLength } from "../state/screen_space.js";

/** @typedef {import("../state/bezier.js").Point} Point */
/** @typedef {import("../state/brush_region.js").Grid} Grid */
/** @typedef {import("../state/ops.js").MatteOp} MatteOp */

/**
 * @param {{element: HTMLElement, deepZoom: import("../../viewer/deep_zoom_ui.js").DeepZoom, size: {width: number, height: number},
 *   store: {getState: () => import("../state/editor_state.js").EditorState, dispatch: (action: any) => any},
 *   shapes: import("./shapes_layer_ui.js").ShapesLayer}} options
 */
export function createBrush({ element, deepZoom, size, store, shapes }) {
  /** @type {Map<string, {region: string, grid: Grid}>} the grids of matte ops painted in this session */
  const grids = new Map();
  /** @type {{points: Point[], erase: boolean, radius: number} | null} */
  let stroke = null;
  const cursor = document.createElement("div");
  cursor.className = "brush-cursor";
  cursor.hidden = true;
  element.append(cursor);

  function radiusNow() {
    return screenToImageLength(store.getState().brushSize / 2, deepZoom.view(), size.width);
  }

  /** The grid of a matte op, rebuilt from its region when it changed elsewhere (undo, a draft). @param {MatteOp} op @param {number} cell */
  function gridOf(op, cell) {
    const known = grids.get(op.id);
    if (known && known.region === op.region) return known.grid;
    const shape = shapeFromPathData(op.region);
    const polygons = shape ? shapePolygons(shape, cell / 4) : [];
    let grid = emptyGrid(cell);
    const points = polygons.flat();
    if (points.length) {
      grid = gridCovering(grid, {
        x0: Math.min(...points.map((p) => p.x)),
        y0: Math.min(...points.map((p) => p.y)),
        x1: Math.max(...points.map((p) => p.x)),
        y1: Math.max(...points.map((p) => p.y)),
      });
      gridFill(grid, polygons);
    }
    return grid;
  }

  return {
    /** @param {Point} point @param {boolean} erase */
    begin(point, erase) {
      stroke = { points: [point], erase, radius: radiusNow() };
      shapes.setStroke({ kind: "brush", points: stroke.points, width: stroke.radius * 2, erase });
    },
    /** @param {Point} point */
    move(point) {
      if (!stroke) return;
      stroke.points.push(point);
      shapes.setStroke({ kind: "brush", points: stroke.points, width: stroke.radius * 2, erase: stroke.erase });
    },
    /** Paint the stroke into its op and commit. @returns {boolean} whether the recipe changed */
    end() {
      if (!stroke) return false;
      const { points, erase, radius } = stroke;
      stroke = null;
      shapes.setStroke(null);
      const state = store.getState();
      const selected = selectedOp(state);
      const target = selected && selected.op === "matte" ? selected : null;
      if (!target && erase) return false;
      const op = target ?? newMatteOp(nextOpId(state), "");
      let grid = gridOf(op, target ? grids.get(op.id)?.grid.cell ?? cellFor(radius) : cellFor(radius));
      grid = gridCovering(grid, {
        x0: Math.min(...points.map((p) => p.x)) - radius,
        y0: Math.min(...points.map((p) => p.y)) - radius,
        x1: Math.max(...points.map((p) => p.x)) + radius,
        y1: Math.max(...points.map((p) => p.y)) + radius,
      });
      stampStroke(grid, points, radius, erase ? 0 : 1);
      const region = gridPathData(grid);
      if (region === "") {
        grids.delete(op.id);
        if (!target) return false;
        const index = state.doc.ops.findIndex((candidate) => candidate.id === op.id);
        store.dispatch({ type: "commit", set: { label: "Erase the brush region", changes: [{ kind: "remove", index, op: target }] }, selection: { opId: null, anchor: null } });
        return true;
      }
      const after = { ...op, region };
      grids.set(op.id, { region, grid });
      store.dispatch({ type: "commit", set: opChange(state, after, erase ? "Erase with the brush" : "Paint with the brush"), selection: { opId: op.id, anchor: null } });
      return true;
    },
    cancel() {
      stroke = null;
      shapes.setStroke(null);
    },
    /** The brush's outline under the pointer (element px), or hidden. @param {{x: number, y: number} | null} at */
    showCursor(at) {
      cursor.hidden = !at;
      if (!at) return;
      const diameter = store.getState().brushSize;
      cursor.style.width = cursor.style.height = `${diameter}px`;
      cursor.style.transform = `translate(${at.x - diameter / 2}px, ${at.y - diameter / 2}px)`;
    },
    destroy() {
      cursor.remove();
      grids.clear();
    },
  };
}

/** @typedef {ReturnType<typeof createBrush>} Brush */
