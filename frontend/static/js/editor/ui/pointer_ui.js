// @ts-check
/**
 * The pointer on the viewer: presses that a tool wants become gestures in image pixels (pen,
 * selection, lasso, brush); everything else stays the viewer's (the wheel zooms, a drag with the
 * selection tool on empty space or with Space held pans).
 *
 * The press is taken in the capture phase on the viewer element, before OpenSeadragon's canvas
 * sees it, and the pointer is captured until release. Moves are applied once per animation frame
 * (the newest position), and each applied move is timed as a `editor:drag-frame` performance
 * measure: state update plus SVG redraw.
 */

import { nextOpId } from "../state/editor_state.js";
import { lassoPolygon } from "../state/lasso.js";
import { newChannelOp } from "../state/ops.js";
import { gestureEnd, gestureOp, penPress, selectPress } from "../state/pen_gestures.js";
import { shapeFromPolygon } from "../state/path_shape.js";
import { clientToImage, screenToImageLength } from "../state/screen_space.js";

/** Screen pixels: how near an anchor, handle or segment a press must be to hit it. */
const HIT_PX = 6;
/** Screen pixels the pointer must move before a press becomes a drag. */
const DRAG_PX = 3;
/** The lasso's outline keeps within this many screen pixels of the track. */
const LASSO_TOLERANCE_PX = 0.75;

/** @typedef {import("../state/bezier.js").Point} Point */
/** @typedef {import("../state/editor_state.js").EditorState} EditorState */
/**
 * @typedef {{type: "shape", gesture: import("../state/pen_gestures.js").Gesture, client: Point, dragged: boolean}
 *   | {type: "lasso", points: Point[]} | {type: "brush"}} Active
 */

/**
 * @param {{element: HTMLElement, deepZoom: import("../../viewer/deep_zoom_ui.js").DeepZoom, size: {width: number, height: number},
 *   store: {getState: () => EditorState, dispatch: (action: any) => EditorState},
 *   shapes: import("./shapes_layer_ui.js").ShapesLayer, brush: import("./brush_ui.js").Brush,
 *   onCommitted: () => void, onPointer: (image: Point | null) => void}} options
 */
export function attachPointer({ element, deepZoom, size, store, shapes, brush, onCommitted, onPointer }) {
  /** @type {Active | null} */
  let active = null;
  let spaceDown = false;
  /** @type {PointerEvent | null} */
  let lastMove = null;
  let frame = 0;

  /** @param {{clientX: number, clientY: number}} event */
  function imagePoint(event) {
    const box = element.getBoundingClientRect();
    return clientToImage({ x: event.clientX, y: event.clientY }, box, deepZoom.view(), size.width);
  }

  function tolerance() {
    return screenToImageLength(HIT_PX, deepZoom.view(), size.width);
  }

  /** @param {EditorState} state @param {Point} point @param {boolean} alt */
  function pressGesture(state, point, alt) {
    const context = { tolerance: tolerance(), alt, newId: nextOpId(state), target: /** @type {"path" | "channel"} */ (state.tool === "channel" ? "channel" : "path") };
    if (state.tool === "select") return selectPress(state, point, context);
    if (state.tool === "pen" || (state.tool === "channel" && state.channelDraw === "pen")) return penPress(state, point, context);
    if (state.tool === "channel" || state.tool === "refine") {
      // The lasso or the brush draws; the selected region's own anchors and handles can still be dragged.
      const onSelection = selectPress(state, point, context);
      return onSelection && onSelection.kind !== "shape" ? onSelection : null;
    }
    return null;
  }

  /** @param {PointerEvent} event */
  function onDown(event) {
    if (event.button !== 0 || spaceDown || active) return;
    // A press on the photo takes the keyboard from the last button clicked (a pin, an op in the
    // list): Enter then finishes the path instead of pressing that button again.
    const focused = document.activeElement;
    if (focused instanceof HTMLElement && focused !== document.body && !element.contains(focused)) focused.blur();
    const state = store.getState();
    const point = imagePoint(event);
    const gesture = pressGesture(state, point, event.altKey);
    if (gesture) active = { type: "shape", gesture, client: { x: event.clientX, y: event.clientY }, dragged: false };
    else if (state.tool === "channel") active = { type: "lasso", points: [point] };
    else if (state.tool === "refine") {
      active = { type: "brush" };
      brush.begin(point, event.altKey);
    } else {
      if (state.tool === "select") store.dispatch({ type: "select", opId: null });
      return; // the viewer pans
    }
    event.stopPropagation();
    event.preventDefault();
    element.setPointerCapture(event.pointerId);
    shapes.setBand(null, null);
    if (active.type === "shape") apply(event);
  }

  /** @param {PointerEvent} event */
  function apply(event) {
    const point = imagePoint(event);
    if (!active) {
      hover(event, point);
      return;
    }
    if (active.type === "lasso") {
      active.points.push(point);
      shapes.setStroke({ kind: "lasso", points: active.points });
      return;
    }
    if (active.type === "brush") {
      brush.move(point);
      brush.showCursor(elementPoint(event));
      return;
    }
    const started = performance.now();
    active.dragged ||= Math.hypot(event.clientX - active.client.x, event.clientY - active.client.y) > DRAG_PX;
    const op = gestureOp(active.gesture, point, { alt: event.altKey, dragged: active.dragged });
    const gesture = active.gesture;
    store.dispatch({ type: "transient/set", op, index: gesture.index < 0 ? undefined : gesture.index, isNew: gesture.origin === null });
    if (active.dragged) performance.measure("editor:drag-frame", { start: started, end: performance.now() });
  }

  /** @param {PointerEvent} event @param {Point} point */
  function hover(event, point) {
    onPointer(point);
    const state = store.getState();
    brush.showCursor(state.tool === "refine" && !spaceDown ? elementPoint(event) : null);
    const drawing = state.drawing;
    const op = drawing ? state.doc.ops.find((candidate) => candidate.id === drawing.opId) : null;
    const path = op && "shape" in op && op.shape && drawing ? op.shape.subpaths[drawing.subpath] : null;
    shapes.setBand(path ? path.anchors[path.anchors.length - 1] : null, path ? point : null);
  }

  /** @param {{clientX: number, clientY: number}} event */
  function elementPoint(event) {
    const box = element.getBoundingClientRect();
    return { x: event.clientX - box.left, y: event.clientY - box.top };
  }

  /** @param {PointerEvent} event */
  function onMove(event) {
    lastMove = event;
    if (!frame) {
      frame = requestAnimationFrame(() => {
        frame = 0;
        if (lastMove) apply(lastMove);
      });
    }
  }

  /** @param {PointerEvent} event */
  function onUp(event) {
    if (!active) return;
    if (frame) {
      cancelAnimationFrame(frame);
      frame = 0;
    }
    const finished = active;
    active = null;
    if (element.hasPointerCapture(event.pointerId)) element.releasePointerCapture(event.pointerId);
    const point = imagePoint(event);
    const state = store.getState();
    if (finished.type === "shape") {
      finished.dragged ||= Math.hypot(event.clientX - finished.client.x, event.clientY - finished.client.y) > DRAG_PX;
      const end = gestureEnd(state, finished.gesture, point, { alt: event.altKey, dragged: finished.dragged });
      store.dispatch({ type: "commit", set: end.set, selection: end.selection, drawing: end.drawing });
      if (end.set.changes.length) onCommitted();
    } else if (finished.type === "lasso") {
      shapes.setStroke(null);
      const polygon = lassoPolygon([...finished.points, point], screenToImageLength(LASSO_TOLERANCE_PX, deepZoom.view(), size.width));
      if (polygon) {
        const op = newChannelOp(nextOpId(state), shapeFromPolygon(polygon));
        const set = { label: "Lasso a channel region", changes: [{ kind: /** @type {const} */ ("insert"), index: state.doc.ops.length, op }] };
        store.dispatch({ type: "commit", set, selection: { opId: op.id, anchor: null }, drawing: null });
        onCommitted();
      }
    } else if (brush.end()) {
      onCommitted();
    }
    hover(event, point);
  }

  function onCancel() {
    if (!active) return;
    if (frame) {
      cancelAnimationFrame(frame);
      frame = 0;
    }
    active = null;
    store.dispatch({ type: "transient/clear" });
    shapes.setStroke(null);
    brush.cancel();
  }

  /** @param {KeyboardEvent} event */
  function onKey(event) {
    if (event.code !== "Space" || isTyping(event.target) || isControl(event.target)) return;
    spaceDown = event.type === "keydown";
    element.classList.toggle("is-panning", spaceDown);
    if (spaceDown) event.preventDefault();
  }

  function onLeave() {
    onPointer(null);
    brush.showCursor(null);
    if (!active) shapes.setBand(null, null);
  }

  element.addEventListener("pointerdown", onDown, { capture: true });
  element.addEventListener("pointermove", onMove);
  element.addEventListener("pointerup", onUp);
  element.addEventListener("pointercancel", onCancel);
  element.addEventListener("pointerleave", onLeave);
  document.addEventListener("keydown", onKey);
  document.addEventListener("keyup", onKey);

  return {
    /** Whether a gesture is under way (keys that change the document wait for it). */
    busy: () => active !== null,
    /** Drop the gesture under way, changing nothing (Escape, or a tool switched mid-drag). */
    cancel: onCancel,
    destroy() {
      element.removeEventListener("pointerdown", onDown, { capture: true });
      element.removeEventListener("pointermove", onMove);
      element.removeEventListener("pointerup", onUp);
      element.removeEventListener("pointercancel", onCancel);
      element.removeEventListener("pointerleave", onLeave);
      document.removeEventListener("keydown", onKey);
      document.removeEventListener("keyup", onKey);
    },
  };
}

/**
 * Whether Enter and Space activate ``target`` instead of being shortcuts: a button, link or
 * checkbox reached with the keyboard (`:focus-visible`). One last clicked with the mouse keeps
 * the focus too, but there Space still pans and Enter still finishes the path.
 * @param {EventTarget | null} target
 */
export function isControl(target) {
  if (!(target instanceof HTMLElement) || !target.matches(":focus-visible")) return false;
  if (target instanceof HTMLButtonElement || target instanceof HTMLAnchorElement || target.tagName === "SUMMARY") return true;
  return target instanceof HTMLInputElement && ["radio", "checkbox", "button", "submit", "reset"].includes(target.type);
}

/** @param {EventTarget | null} target */
export function isTyping(target) {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable || target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  return target instanceof HTMLInputElement && !["radio", "checkbox", "button", "submit", "range", "color"].includes(target.type);
}
