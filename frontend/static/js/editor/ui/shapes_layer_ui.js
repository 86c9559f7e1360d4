// @ts-check
/**
 * The editor's drawing over the deep-zoom viewer: the ops' paths and regions, the selected
 * path's anchors and handles, and what is being drawn (the lasso's track, the brush stroke, the
 * pen's rubber band). Everything is in image pixels inside one SVG `<g>` whose transform follows
 * the viewport; strokes keep their screen width (non-scaling), anchors their screen size.
 *
 * Redrawing is incremental, so dragging an anchor stays at display rate with thousands of them:
 * a path's `d` is written only when its op object changed, anchors and handles are a pool of
 * elements whose attributes are updated in place.
 */

import { isShaped, pathDataOf } from "../state/ops.js";
import { visibleHandles } from "../state/pen_gestures.js";
import { imageToElementTransform } from "../../state/zoom.js";

const SVG = "http://www.w3.org/2000/svg";
/** Screen pixels: an anchor's square, a handle's dot. */
const ANCHOR_PX = 7;
const HANDLE_PX = 3.5;

/** @typedef {import("../state/ops.js").EditorOp} EditorOp */
/** @typedef {import("../state/editor_state.js").Selection} Selection */
/** @typedef {import("../state/editor_state.js").Drawing} Drawing */
/** @typedef {{x: number, y: number}} Point */

/** @param {string} name @param {string} [className] */
function node(name, className) {
  const element = document.createElementNS(SVG, name);
  if (className) element.setAttribute("class", className);
  return element;
}

/** @param {Element} element @param {Record<string, string | number>} attributes */
function set(element, attributes) {
  for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, String(value));
}

/**
 * @param {HTMLElement} element the viewer element (the layer is appended to it)
 * @param {import("../../viewer/deep_zoom_ui.js").DeepZoom} deepZoom
 * @param {{width: number, height: number}} size
 */
export function createShapesLayer(element, deepZoom, size) {
  const svg = node("svg", "editor-layer");
  svg.setAttribute("aria-hidden", "true");
  const root = node("g");
  const shapes = node("g", "editor-shapes");
  const live = node("g", "editor-live");
  const handles = node("g", "editor-handles");
  root.append(shapes, live, handles);
  svg.append(root);
  element.append(svg);

  /** @type {Map<string, SVGElement>} */
  const pathNodes = new Map();
  /** @type {Map<string, {op: EditorOp, className: string}>} */
  const drawn = new Map();
  const pool = { anchors: /** @type {SVGElement[]} */ ([]), dots: /** @type {SVGElement[]} */ ([]), lines: /** @type {SVGElement[]} */ ([]) };
  const track = node("polyline", "live-track");
  const band = node("line", "live-band");
  live.append(track, band);
  let scale = 1;
  /** @type {{op: EditorOp | null, selection: Selection | null}} */
  let lastHandles = { op: null, selection: null };

  /** @param {readonly EditorOp[]} ops @param {string | null} selectedId */
  function renderShapes(ops, selectedId) {
    const seen = new Set();
    const order = [];
    for (const op of ops) {
      if (!isShaped(op)) continue;
      seen.add(op.id);
      let path = pathNodes.get(op.id);
      if (!path) {
        path = node("path");
        path.dataset.op = op.id;
        pathNodes.set(op.id, path);
      }
      order.push(path);
      const mode = op.op === "path" || op.op === "channel" ? ` shape-${op.mode}` : "";
      const className = `shape shape-${op.op}${mode}${op.enabled ? "" : " is-hidden"}${op.id === selectedId ? " is-selected" : ""}`;
      const before = drawn.get(op.id);
      if (!before || before.op !== op) path.setAttribute("d", pathDataOf(op) || "M 0 0");
      if (!before || before.className !== className) path.setAttribute("class", className);
      drawn.set(op.id, { op, className });
    }
    for (const [id, path] of pathNodes) {
      if (seen.has(id)) continue;
      path.remove();
      pathNodes.delete(id);
      drawn.delete(id);
    }
    const children = shapes.children;
    if (children.length !== order.length || order.some((path, index) => children[index] !== path)) shapes.replaceChildren(...order);
  }

  /**
   * @param {SVGElement[]} list @param {number} count @param {string} name @param {string} className
   */
  function take(list, count, name, className) {
    while (list.length < count) {
      const created = node(name, className);
      handles.append(created);
      list.push(created);
    }
    list.forEach((element, index) => {
      if (index < count) element.removeAttribute("display");
      else element.setAttribute("display", "none");
    });
    return list;
  }

  /** @param {EditorOp | null} op @param {Selection | null} selection */
  function renderHandles(op, selection) {
    lastHandles = { op, selection };
    const shape = op && isShaped(op) ? op.shape : null;
    const anchorsList = [];
    if (shape) for (const path of shape.subpaths) anchorsList.push(...path.anchors.map((anchor, index) => ({ anchor, first: index === 0 })));
    const shown = shape && selection ? visibleHandles(shape, selection.anchor) : [];
    const anchors = take(pool.anchors, anchorsList.length, "rect", "anchor");
    const dots = take(pool.dots, shown.length, "circle", "handle");
    const lines = take(pool.lines, shown.length, "line", "handle-line");
    const side = ANCHOR_PX / scale;
    const selectedIndex = selection && selection.anchor && shape ? flatIndex(shape, selection.anchor) : -1;
    anchorsList.forEach(({ anchor, first }, index) => {
      set(anchors[index], { x: anchor.x - side / 2, y: anchor.y - side / 2, width: side, height: side, class: `anchor${index === selectedIndex ? " is-selected" : ""}${first ? " is-first" : ""}${anchor.smooth ? " is-smooth" : ""}` });
    });
    shown.forEach((handle, index) => {
      const owner = /** @type {NonNullable<typeof shape>} */ (shape).subpaths[handle.ref.subpath].anchors[handle.ref.anchor];
      set(dots[index], { cx: handle.point.x, cy: handle.point.y, r: HANDLE_PX / scale });
      set(lines[index], { x1: owner.x, y1: owner.y, x2: handle.point.x, y2: handle.point.y });
    });
  }

  /** @param {{subpaths: readonly {anchors: readonly unknown[]}[]}} shape @param {{subpath: number, anchor: number}} ref */
  function flatIndex(shape, ref) {
    let index = 0;
    for (let s = 0; s < ref.subpath; s += 1) index += shape.subpaths[s].anchors.length;
    return index + ref.anchor;
  }

  const off = deepZoom.onView((view) => {
    const transform = imageToElementTransform(view, size.width);
    root.setAttribute("transform", `translate(${transform.x} ${transform.y}) scale(${transform.scale})`);
    if (Math.abs(transform.scale - scale) > scale * 1e-3) {
      scale = transform.scale;
      renderHandles(lastHandles.op, lastHandles.selection);
    }
  });

  return {
    /**
     * @param {readonly EditorOp[]} ops as displayed (transient edit included)
     * @param {Selection} selection
     */
    render(ops, selection) {
      renderShapes(ops, selection.opId);
      const selected = selection.opId ? ops.find((op) => op.id === selection.opId) ?? null : null;
      renderHandles(selected, selection);
    },
    /**
     * What is being drawn: the lasso's track ("lasso"), a brush stroke ("brush", `width` its
     * diameter in image px, `erase` for Alt) or nothing.
     * @param {{kind: "lasso" | "brush", points: readonly Point[], width?: number, erase?: boolean} | null} stroke
     */
    setStroke(stroke) {
      if (!stroke) {
        track.setAttribute("display", "none");
        return;
      }
      track.removeAttribute("display");
      track.setAttribute("points", stroke.points.map((p) => `${p.x},${p.y}`).join(" "));
      track.setAttribute("class", `live-track live-${stroke.kind}${stroke.erase ? " is-erasing" : ""}`);
      if (stroke.kind === "brush") track.setAttribute("stroke-width", String(stroke.width ?? 1));
      else track.removeAttribute("stroke-width");
    },
    /** The pen's rubber band from the last anchor to the pointer, or none. @param {Point | null} from @param {Point | null} to */
    setBand(from, to) {
      if (!from || !to) {
        band.setAttribute("display", "none");
        return;
      }
      band.removeAttribute("display");
      set(band, { x1: from.x, y1: from.y, x2: to.x, y2: to.y });
    },
    /** The shape elements' screen positions (for tests and hit checks). @param {string} id */
    pathElement(id) {
      return pathNodes.get(id) ?? null;
    },
    destroy() {
      off();
      svg.remove();
    },
  };
}

/** @typedef {ReturnType<typeof createShapesLayer>} ShapesLayer */
