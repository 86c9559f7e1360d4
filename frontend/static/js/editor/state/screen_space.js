// @ts-check
/**
 * The pointer's coordinates: client (CSS pixels of the page, as pointer events give them) <->
 * image pixels of the upright photo, through the viewer element's box and the view. The element
 * <-> viewport <-> image steps are state/zoom.js's; each function names both of its spaces.
 */

import { elementToImage, imageToElement, viewportZoomToImageZoom } from "../../state/zoom.js";

/** @typedef {import("../../state/zoom.js").View} View */
/** @typedef {{x: number, y: number}} Point */
/** @typedef {{left: number, top: number}} ElementBox where the viewer element's top-left corner is, client px */

/** @param {Point} client @param {ElementBox} box @param {View} view @param {number} imageWidth @returns {Point} */
export function clientToImage(client, box, view, imageWidth) {
  return elementToImage({ x: client.x - box.left, y: client.y - box.top }, view, imageWidth);
}

/** @param {Point} image @param {ElementBox} box @param {View} view @param {number} imageWidth @returns {Point} */
export function imageToClient(image, box, view, imageWidth) {
  const element = imageToElement(image, view, imageWidth);
  return { x: element.x + box.left, y: element.y + box.top };
}

/** Element (CSS) pixels per image pixel. @param {View} view @param {number} imageWidth */
export function imageZoomOf(view, imageWidth) {
  return viewportZoomToImageZoom(view.zoom, view.width, imageWidth);
}

/** A distance on screen (CSS px) in image pixels. @param {number} screenPixels @param {View} view @param {number} imageWidth */
export function screenToImageLength(screenPixels, view, imageWidth) {
  return screenPixels / imageZoomOf(view, imageWidth);
}
