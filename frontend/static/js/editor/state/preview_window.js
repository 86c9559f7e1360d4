// @ts-check
/**
 * Which window of the photo a preview covers, and at which scale: the visible area grown by a
 * margin (so small pans stay covered), snapped outward to a 32 px grid (so nearby views ask for
 * the same window), at the screen's device resolution up to 100 % (past it the browser magnifies
 * the preview's pixels, nearest neighbour). Scales come in quarter-octave steps, so zooming a
 * little within a step reuses the preview.
 */

import { elementToImage, viewportZoomToImageZoom } from "../../state/zoom.js";

/** @typedef {import("../../state/zoom.js").View} View */
/** @typedef {{x0: number, y0: number, x1: number, y1: number}} Rect */
/** @typedef {{rect: Rect, scale: number}} PreviewWindow */

/** The margin around the visible area, as a fraction of its size on each side. */
export const PREVIEW_MARGIN = 0.1;
/** Windows snap outward to multiples of this many image pixels. */
export const PREVIEW_SNAP = 32;
/** The smallest scale a preview is asked at (the server refuses less than 1/64). */
export const PREVIEW_MIN_SCALE = 1 / 64;

/**
 * @param {number} imageZoom element px per image px
 * @param {number} pixelRatio device px per CSS px
 */
export function previewScale(imageZoom, pixelRatio) {
  const wanted = Math.max(PREVIEW_MIN_SCALE, imageZoom * pixelRatio);
  if (wanted >= 1) return 1;
  return Math.min(1, 2 ** (Math.ceil(Math.log2(wanted) * 4 - 1e-9) / 4));
}

/**
 * The preview to ask for to show `view` of a `size` photo, or null when none of it is visible.
 * @param {View} view @param {{width: number, height: number}} size @param {number} pixelRatio
 * @returns {PreviewWindow | null}
 */
export function previewWindow(view, size, pixelRatio) {
  const a = elementToImage({ x: 0, y: 0 }, view, size.width);
  const b = elementToImage({ x: view.width, y: view.height }, view, size.width);
  const marginX = (b.x - a.x) * PREVIEW_MARGIN;
  const marginY = (b.y - a.y) * PREVIEW_MARGIN;
  const rect = {
    x0: Math.max(0, Math.floor((a.x - marginX) / PREVIEW_SNAP) * PREVIEW_SNAP),
    y0: Math.max(0, Math.floor((a.y - marginY) / PREVIEW_SNAP) * PREVIEW_SNAP),
    x1: Math.min(size.width, Math.ceil((b.x + marginX) / PREVIEW_SNAP) * PREVIEW_SNAP),
    y1: Math.min(size.height, Math.ceil((b.y + marginY) / PREVIEW_SNAP) * PREVIEW_SNAP),
  };
  if (rect.x1 <= rect.x0 || rect.y1 <= rect.y0) return null;
  const imageZoom = viewportZoomToImageZoom(view.zoom, view.width, size.width);
  return { rect, scale: previewScale(imageZoom, pixelRatio) };
}

/**
 * Whether a preview already shown (`shown`) serves `needed`: it holds the needed window at the
 * needed scale or finer.
 * @param {PreviewWindow | null} shown @param {PreviewWindow} needed
 */
export function previewCovers(shown, needed) {
  if (!shown) return false;
  const r = shown.rect;
  const n = needed.rect;
  return shown.scale >= needed.scale && r.x0 <= n.x0 && r.y0 <= n.y0 && r.x1 >= n.x1 && r.y1 >= n.y1;
}

/**
 * Where a preview of `rect` lands in the element: its top-left corner and size, in CSS px.
 * @param {Rect} rect @param {View} view @param {number} imageWidth
 */
export function previewPlacement(rect, view, imageWidth) {
  const scale = viewportZoomToImageZoom(view.zoom, view.width, imageWidth);
  const origin = elementToImage({ x: 0, y: 0 }, view, imageWidth);
  return {
    x: (rect.x0 - origin.x) * scale,
    y: (rect.y0 - origin.y) * scale,
    width: (rect.x1 - rect.x0) * scale,
    height: (rect.y1 - rect.y0) * scale,
  };
}
