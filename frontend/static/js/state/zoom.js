// @ts-check
/**
 * Coordinates of the deep-zoom viewer, each function naming both of its spaces:
 *
 * - image: pixels of the upright photo, origin top-left, y down (pins, detections, clips);
 * - viewport: OpenSeadragon's world units, the photo placed at (0, 0) with width 1, so a point's
 *   viewport coordinates are its image coordinates divided by the image width (y too);
 * - element: CSS pixels inside the viewer element, origin top-left.
 *
 * A view is {centre (viewport), zoom (viewport zoom), width, height (element size)}: at viewport
 * zoom 1 the photo's width fills the element's width. "Image zoom" is element pixels per image
 * pixel: 1 is 100 %, where each image pixel covers one CSS pixel.
 */

/** 1600 %: twice the 800 % the review screen must reach. */
export const MAX_IMAGE_ZOOM = 16;

/** @typedef {{x: number, y: number}} Point */
/** @typedef {{centre: Point, zoom: number, width: number, height: number}} View */

/** @param {number} viewportZoom @param {number} elementWidth @param {number} imageWidth */
export function viewportZoomToImageZoom(viewportZoom, elementWidth, imageWidth) {
  return (viewportZoom * elementWidth) / imageWidth;
}

/** @param {number} imageZoom @param {number} elementWidth @param {number} imageWidth */
export function imageZoomToViewportZoom(imageZoom, elementWidth, imageWidth) {
  return (imageZoom * imageWidth) / elementWidth;
}

/** @param {Point} point @param {number} imageWidth @returns {Point} */
export function imageToViewport(point, imageWidth) {
  return { x: point.x / imageWidth, y: point.y / imageWidth };
}

/** @param {Point} point @param {number} imageWidth @returns {Point} */
export function viewportToImage(point, imageWidth) {
  return { x: point.x * imageWidth, y: point.y * imageWidth };
}

/** @param {Point} point @param {View} view @returns {Point} */
export function viewportToElement(point, view) {
  const scale = view.zoom * view.width;
  return { x: (point.x - view.centre.x) * scale + view.width / 2, y: (point.y - view.centre.y) * scale + view.height / 2 };
}

/** @param {Point} point @param {View} view @returns {Point} */
export function elementToViewport(point, view) {
  const scale = view.zoom * view.width;
  return { x: (point.x - view.width / 2) / scale + view.centre.x, y: (point.y - view.height / 2) / scale + view.centre.y };
}

/** @param {Point} point @param {View} view @param {number} imageWidth @returns {Point} */
export function imageToElement(point, view, imageWidth) {
  return viewportToElement(imageToViewport(point, imageWidth), view);
}

/** @param {Point} point @param {View} view @param {number} imageWidth @returns {Point} */
export function elementToImage(point, view, imageWidth) {
  return viewportToImage(elementToViewport(point, view), imageWidth);
}

/**
 * The SVG transform that draws image-pixel shapes over the viewer: element = image * scale + (x, y).
 * @param {View} view @param {number} imageWidth
 */
export function imageToElementTransform(view, imageWidth) {
  const origin = imageToElement({ x: 0, y: 0 }, view, imageWidth);
  return { scale: viewportZoomToImageZoom(view.zoom, view.width, imageWidth), x: origin.x, y: origin.y };
}

/**
 * Smooth (bilinear) while the photo is shown smaller than its pixels; nearest-neighbour from
 * 100 % on, so the reviewer sees edge pixels as they are.
 * @param {number} imageZoom
 */
export function smoothingFor(imageZoom) {
  return imageZoom < 0.999;
}

/**
 * Z: from fit go to 100 %; from anywhere else go back to fit.
 * @param {number} imageZoom @param {number} fitImageZoom
 * @returns {"actual" | "fit"}
 */
export function zoomToggleTarget(imageZoom, fitImageZoom) {
  return isFit(imageZoom, fitImageZoom) ? "actual" : "fit";
}

/** Whether the view shows the photo at fit (within 2 %). @param {number} imageZoom @param {number} fitImageZoom */
export function isFit(imageZoom, fitImageZoom) {
  return Math.abs(imageZoom - fitImageZoom) <= fitImageZoom * 0.02;
}

/** One press of + or - zooms by this factor (OpenSeadragon's own keys step 10 %: 26 presses from fit to 1600 %). */
export const ZOOM_STEP = 1.5;

/**
 * The image zoom one press of + (`direction` 1) or - (-1) goes to: a factor of ZOOM_STEP, never
 * past MAX_IMAGE_ZOOM and never below fit (the whole photo in view); a press that would cross
 * fit stops there, so fit is always reached exactly. A view within 2 % of fit counts as fit
 * (isFit); + never zooms out and - never zooms in.
 * @param {number} imageZoom @param {1 | -1} direction @param {number} fitImageZoom
 */
export function zoomStep(imageZoom, direction, fitImageZoom) {
  const fit = Math.min(fitImageZoom, MAX_IMAGE_ZOOM);
  const from = isFit(imageZoom, fit) ? fit : imageZoom;
  if (direction > 0) {
    const target = from < fit ? fit : from * ZOOM_STEP;
    return Math.max(imageZoom, Math.min(MAX_IMAGE_ZOOM, target));
  }
  if (from <= fit) return imageZoom; // out as far as - goes (the wheel may go further)
  return Math.min(imageZoom, Math.max(fit, from / ZOOM_STEP));
}

/** @param {number} imageZoom */
export function formatZoom(imageZoom) {
  return `${Math.round(imageZoom * 100)} %`;
}

/**
 * Swipe: the image-pixel clip rectangles left and right of a divider at `position` (0..1 across
 * the element), each within the photo (a side may be empty).
 * @param {number} position @param {View} view @param {{width: number, height: number}} size
 */
export function swipeClips(position, view, size) {
  const divider = elementToImage({ x: position * view.width, y: 0 }, view, size.width).x;
  const x = Math.min(size.width, Math.max(0, divider));
  return {
    left: { x: 0, y: 0, width: x, height: size.height },
    right: { x, y: 0, width: size.width - x, height: size.height },
  };
}
