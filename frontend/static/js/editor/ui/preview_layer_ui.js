// @ts-check
/**
 * The live preview over the deep-zoom viewer: a canvas the size of the viewer that draws the
 * server's render of the current recipe (a PNG of a window of the photo) where that window is on
 * screen, redrawn on every pan and zoom. Nearest-neighbour from 100 % on, like the viewer.
 *
 * Below the preview it paints the backdrop, so the viewer's own (older) result never shows
 * through the preview's transparent pixels. In mask mode it paints the quick mask instead: red at
 * half strength where the preview is transparent, over the original the viewer shows.
 */

import { previewPlacement } from "../state/preview_window.js";
import { smoothingFor } from "../../state/zoom.js";

/** Quick mask: as the review screen's (state/review_state.js MASK_OPACITY). */
const MASK_RGBA = "rgba(255, 0, 0, 0.5)";
/** The stage's checkerboard (css/review.css): 8 px squares, #cfd2d8 and white. */
const CHECKER = { size: 16, dark: "#cfd2d8", light: "#ffffff" };
const SOLID = { white: "#ffffff", black: "#000000", grey: "#808080" };

/** @typedef {{bitmap: ImageBitmap, rect: {x0: number, y0: number, x1: number, y1: number}}} ShownPreview */
/** @typedef {"result" | "mask" | "off"} PreviewMode */

/**
 * @param {HTMLElement} element the viewer element (the canvas goes in, below the shapes)
 * @param {import("../../viewer/deep_zoom_ui.js").DeepZoom} deepZoom
 * @param {{width: number, height: number}} size
 */
export function createPreviewLayer(element, deepZoom, size) {
  const canvas = document.createElement("canvas");
  canvas.className = "editor-preview";
  canvas.setAttribute("aria-hidden", "true");
  element.append(canvas);
  const context = /** @type {CanvasRenderingContext2D} */ (canvas.getContext("2d"));
  /** @type {ShownPreview | null} */
  let shown = null;
  /** @type {PreviewMode} */
  let mode = "result";
  let backdrop = /** @type {string} */ ("checker");
  let customColour = "#3a6ea5";
  /** @type {CanvasPattern | null} */
  let checker = null;

  function checkerPattern() {
    if (checker) return checker;
    const tile = document.createElement("canvas");
    tile.width = tile.height = CHECKER.size;
    const paint = /** @type {CanvasRenderingContext2D} */ (tile.getContext("2d"));
    const half = CHECKER.size / 2;
    paint.fillStyle = CHECKER.light;
    paint.fillRect(0, 0, CHECKER.size, CHECKER.size);
    paint.fillStyle = CHECKER.dark;
    paint.fillRect(half, 0, half, half); // conic-gradient: top-right and bottom-left quarters
    paint.fillRect(0, half, half, half);
    checker = context.createPattern(tile, "repeat");
    return checker;
  }

  function draw() {
    const view = deepZoom.view();
    const ratio = window.devicePixelRatio || 1;
    const width = Math.round(view.width * ratio);
    const height = Math.round(view.height * ratio);
    if (canvas.width !== width || canvas.height !== height) {
      canvas.width = width;
      canvas.height = height;
    }
    context.setTransform(1, 0, 0, 1, 0, 0);
    context.clearRect(0, 0, width, height);
    if (!shown || mode === "off") return;
    context.setTransform(ratio, 0, 0, ratio, 0, 0);
    const place = previewPlacement(shown.rect, view, size.width);
    context.imageSmoothingEnabled = smoothingFor(deepZoom.imageZoom());
    if (mode === "mask") {
      context.fillStyle = MASK_RGBA;
      context.fillRect(place.x, place.y, place.width, place.height);
      context.globalCompositeOperation = "destination-out";
      context.drawImage(shown.bitmap, place.x, place.y, place.width, place.height);
      context.globalCompositeOperation = "source-over";
      return;
    }
    context.fillStyle = backdrop === "checker" ? /** @type {CanvasPattern} */ (checkerPattern()) : backdrop === "custom" ? customColour : SOLID[/** @type {"white"} */ (backdrop)] ?? "#ffffff";
    context.fillRect(place.x, place.y, place.width, place.height);
    context.drawImage(shown.bitmap, place.x, place.y, place.width, place.height);
  }

  const off = deepZoom.onView(draw);

  return {
    /** @param {ShownPreview | null} preview */
    show(preview) {
      if (shown && shown !== preview) shown.bitmap.close();
      shown = preview;
      draw();
    },
    /** @param {PreviewMode} next */
    setMode(next) {
      if (next === mode) return;
      mode = next;
      draw();
    },
    /** @param {string} name "checker", "white", "black", "grey" or "custom" @param {string} colour */
    setBackdrop(name, colour) {
      backdrop = name;
      customColour = colour;
      draw();
    },
    hasPreview: () => shown !== null,
    destroy() {
      off();
      if (shown) shown.bitmap.close();
      canvas.remove();
    },
  };
}

/** @typedef {ReturnType<typeof createPreviewLayer>} PreviewLayer */
