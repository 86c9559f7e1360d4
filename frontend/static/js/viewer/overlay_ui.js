// @ts-check
/**
 * Shapes drawn over the deep-zoom viewer in image pixels: the draft flag's pins, earlier flags'
 * pins, detection's regions and the box being dragged. One SVG `<g>` whose transform follows the
 * viewport maps image pixels to the element; strokes keep their screen width, markers and labels
 * their screen size.
 */

import { labelSpot } from "../state/label_spots.js";
import { isRegion, pinBounds, pinNumberLabels, regionLetter } from "../state/pins.js";
import { imageToElementTransform } from "../state/zoom.js";

const SVG = "http://www.w3.org/2000/svg";
/** Screen pixels: the radius of a point pin's ring, and the labels' font size. */
const POINT_RADIUS_PX = 9;
const LABEL_PX = 13;
const LABEL_HALO_PX = 3;
/** Screen pixels: a digit's (or comma's) width at LABEL_PX bold, with a little room. */
const LABEL_CHAR_PX = 9;
/** Screen pixels: a region letter's badge (up to two letters) and its distance from the box. */
const BADGE_WIDTH_PX = 22;
const BADGE_HEIGHT_PX = 17;
const BADGE_GAP_PX = 2;

/** @typedef {import("../state/pins.js").Pin} Pin */
/** @typedef {{x0: number, y0: number, x1: number, y1: number}} Box */
/** @typedef {{box: Box, kind: string, confidence: number}} Detection */

/**
 * @param {HTMLElement} element the viewer element (the overlay is appended to it)
 * @param {import("./deep_zoom_ui.js").DeepZoom} deepZoom
 * @param {{width: number, height: number}} size
 * @param {{numberEarlier?: boolean}} [options] numberEarlier: earlier pins are numbered too (the
 *   editor, whose "Where to look" list calls them Pin 1, 2...; the review screen lists them by flag)
 */
export function createOverlay(element, deepZoom, size, { numberEarlier = false } = {}) {
  const svg = document.createElementNS(SVG, "svg");
  svg.classList.add("viewer-overlay");
  svg.setAttribute("aria-hidden", "true");
  const root = document.createElementNS(SVG, "g");
  svg.append(root);
  element.append(svg);
  const crosshair = document.createElement("div");
  crosshair.className = "viewer-crosshair";
  crosshair.hidden = true;
  element.append(crosshair);

  let content = {
    detections: /** @type {Detection[]} */ ([]),
    earlier: /** @type {Pin[]} */ ([]),
    pins: /** @type {readonly Pin[]} */ ([]),
    band: /** @type {Box | null} */ (null),
  };
  let scale = 1;

  /** @param {string} name @param {Record<string, string | number>} attributes @param {string} [className] */
  function shape(name, attributes, className) {
    const node = document.createElementNS(SVG, name);
    for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, String(value));
    if (className) node.setAttribute("class", className);
    return node;
  }

  /** @param {Box} box @param {string} className */
  function rect(box, className) {
    return shape("rect", { x: box.x0, y: box.y0, width: box.x1 - box.x0, height: box.y1 - box.y0 }, className);
  }

  /** @param {number} x @param {number} y @param {string} text @param {string} className */
  function label(x, y, text, className) {
    const node = shape("text", { x, y, "font-size": LABEL_PX / scale, "stroke-width": LABEL_HALO_PX / scale }, className);
    node.textContent = text;
    return node;
  }

  /** @param {Pin} pin @param {string} className */
  function pinShape(pin, className) {
    const group = shape("g", {}, className);
    if (isRegion(pin)) group.append(rect(pin, "pin-box"));
    else {
      group.append(
        shape("circle", { cx: pin.x, cy: pin.y, r: POINT_RADIUS_PX / scale }, "pin-ring"),
        shape("circle", { cx: pin.x, cy: pin.y, r: 1.5 / scale }, "pin-dot"),
      );
    }
    return group;
  }

  /**
   * The pins' numbers, in a layer above their shapes; pins at one spot share a label ("2,3").
   * @param {readonly Pin[]} pins @param {string} className
   */
  function pinNumbers(pins, className) {
    const metrics = { charWidth: LABEL_CHAR_PX / scale, height: LABEL_PX / scale, gap: 4 / scale, pointOffset: (POINT_RADIUS_PX * 1.2) / scale };
    const group = shape("g", {}, className);
    for (const spot of pinNumberLabels(pins, metrics)) {
      const node = label(spot.x, spot.y, spot.text, "pin-label");
      node.setAttribute("data-pins", spot.numbers.join(" "));
      group.append(node);
    }
    return group;
  }

  /** A region's letter on a dark badge (box lines behind it cannot turn an F into a P). @param {import("../state/label_spots.js").Box} spot @param {string} text */
  function badge(spot, text) {
    const group = shape("g", { "data-letter": text }, "detection-badge");
    const radius = 3 / scale;
    group.append(
      shape("rect", { x: spot.x0, y: spot.y0, width: spot.x1 - spot.x0, height: spot.y1 - spot.y0, rx: radius }, "detection-badge-box"),
      shape("text", { x: (spot.x0 + spot.x1) / 2, y: spot.y1 - 4 / scale, "font-size": LABEL_PX / scale, "text-anchor": "middle" }, "detection-label"),
    );
    /** @type {Element} */ (group.lastChild).textContent = text;
    return group;
  }

  function draw() {
    const nodes = [];
    // Letters, as in the page's lettered list (kind and confidence are there); pins are numbered.
    // Each letter takes the first spot beside its box, inside the image, that no other label
    // holds, or none at all.
    /** @type {import("../state/label_spots.js").Box[]} */
    const taken = [];
    const [width, height, gap] = [BADGE_WIDTH_PX / scale, BADGE_HEIGHT_PX / scale, BADGE_GAP_PX / scale];
    const image = { x0: 0, y0: 0, x1: size.width, y1: size.height };
    content.detections.forEach((detection, index) => {
      const group = shape("g", { "data-detection": index }, "detection");
      group.append(rect(detection.box, "detection-box"));
      nodes.push(group);
    });
    // The badges in a layer of their own above every box, so no box line crosses a letter.
    const badges = shape("g", {}, "detection-badges");
    content.detections.forEach((detection, index) => {
      const spot = labelSpot(detection.box, width, height, taken, gap, image);
      if (spot) badges.append(badge(spot, regionLetter(index)));
    });
    nodes.push(badges);
    content.earlier.forEach((pin) => nodes.push(pinShape(pin, "pin pin-earlier")));
    if (numberEarlier) nodes.push(pinNumbers(content.earlier, "pin-numbers pin-earlier"));
    content.pins.forEach((pin) => nodes.push(pinShape(pin, "pin pin-draft")));
    nodes.push(pinNumbers(content.pins, "pin-numbers pin-draft"));
    if (content.band) nodes.push(rect(content.band, "pin-band"));
    root.replaceChildren(...nodes);
  }

  const off = deepZoom.onView((view) => {
    const transform = imageToElementTransform(view, size.width);
    root.setAttribute("transform", `translate(${transform.x} ${transform.y}) scale(${transform.scale})`);
    if (Math.abs(transform.scale - scale) > scale * 1e-3) {
      scale = transform.scale;
      draw();
    }
  });

  return {
    /** @param {Partial<typeof content>} changes */
    set(changes) {
      content = { ...content, ...changes };
      draw();
    },
    /** @param {boolean} on the crosshair marking where P pins */
    setCrosshair(on) {
      crosshair.hidden = !on;
    },
    /** @param {Pin} pin @param {number} pad image pixels around a point */
    bounds(pin, pad) {
      return pinBounds(pin, pad);
    },
    destroy() {
      off();
      svg.remove();
      crosshair.remove();
    },
  };
}
