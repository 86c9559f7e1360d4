// @ts-check
/**
 * The adapter between the review screen and OpenSeadragon (vendored, a global): one viewer
 * holding every image of the photo as a tiled image at the same place (x 0, width 1), shown,
 * hidden, ordered, blended and clipped as a plan of layers says (state/review_state.js viewPlan).
 *
 * Hidden layers have opacity 0, which OpenSeadragon neither draws nor loads tiles for. The canvas
 * drawer is used: it blends with canvas composite operations (quick mask, difference) and its
 * image smoothing is switched off from 100 % on, so magnified pixels stay square.
 */

import { RED } from "../state/layers.js";
import { VIEWER_RESERVED_KEYS } from "../state/keymap.js";
import {
  MAX_IMAGE_ZOOM,
  elementToImage,
  imageToViewport,
  imageZoomToViewportZoom,
  isFit,
  smoothingFor,
  swipeClips,
  viewportZoomToImageZoom,
} from "../state/zoom.js";

/** A 1 x 1 red PNG: every tile of the quick-mask tint is this, stretched. */
const RED_PIXEL =
  "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVQIHWP4z8AAAAMBAQBb2/lEAAAAAElFTkSuQmCC";
/** Seconds of OpenSeadragon's spring animation: short enough to feel direct, long enough to be smooth. */
const ANIMATION_SECONDS = 0.5;

/** @typedef {import("../state/review_state.js").LayerSpec} LayerSpec */
/** @typedef {import("../state/zoom.js").View} View */
/** @typedef {{x: number, y: number}} Point */
/** @typedef {{x0: number, y0: number, x1: number, y1: number}} Box */
/** @typedef {{tiles?: string | null, image?: string | null}} SourceSpec */

/**
 * @param {HTMLElement} element the (empty) viewer element
 * @param {{size: {width: number, height: number}, sources: Record<string, SourceSpec>, label: string,
 *   navigator?: boolean}} options
 */
export function createDeepZoom(element, { size, sources, label, navigator = true }) {
  const OSD = /** @type {any} */ (window).OpenSeadragon;
  const viewer = OSD({
    element,
    drawer: "canvas",
    showNavigationControl: false,
    showNavigator: navigator,
    navigatorPosition: "BOTTOM_RIGHT",
    navigatorAutoFade: false,
    maxZoomPixelRatio: MAX_IMAGE_ZOOM,
    minZoomImageRatio: 0.5,
    visibilityRatio: 0.2,
    animationTime: ANIMATION_SECONDS,
    springStiffness: 9,
    immediateRender: false,
    imageSmoothingEnabled: true,
    // Edge smoothing draws tiles smaller and scales them up again: never, magnified pixels must stay exact.
    smoothTileEdgesMinZoom: Infinity,
    // No flick on mouse drags: a reviewer pans to a pixel and expects the view to stay there.
    gestureSettingsMouse: { clickToZoom: false, dblClickToZoom: true, flickEnabled: false },
    gestureSettingsTouch: { clickToZoom: false, flickEnabled: true },
    crossOriginPolicy: false,
    preserveImageSizeOnResize: true,
  });
  viewer.canvas.setAttribute("aria-label", label);
  viewer.canvas.setAttribute("role", "application");
  viewer.canvas.setAttribute("aria-roledescription", "deep-zoom viewer");

  /** @type {Map<string, Promise<any>>} key -> its tiled image once added (null when it failed) */
  const items = new Map();
  /** @type {Map<string, any>} key -> tiled image, for those added */
  const ready = new Map();
  /** @type {WeakMap<object, string>} tiled image -> key */
  const keys = new WeakMap();
  /** @type {Map<string, number>} key -> deepest pyramid level with a loaded tile */
  const deepest = new Map();
  /** @type {Set<(view: View) => void>} */
  const viewListeners = new Set();
  /** @type {Set<(message: string) => void>} */
  const errorListeners = new Set();
  let plan = /** @type {LayerSpec[]} */ ([]);
  let swipe = 0.5;
  let blinkOn = true;
  let smooth = true;

  /** @param {string} key */
  function tileSourceFor(key) {
    if (key === RED) {
      const side = Math.max(size.width, size.height);
      return { width: size.width, height: size.height, tileSize: side, tileOverlap: 0, getTileUrl: () => RED_PIXEL };
    }
    const spec = sources[key];
    if (!spec) return null;
    if (spec.tiles) return spec.tiles;
    if (spec.image) return { type: "image", url: spec.image, buildPyramid: false };
    return null;
  }

  /** @param {string} key @returns {Promise<any>} the tiled image, or null when it cannot be shown */
  function ensure(key) {
    const known = items.get(key);
    if (known) return known;
    const tileSource = tileSourceFor(key);
    const added = new Promise((resolve) => {
      if (!tileSource) {
        resolve(null);
        return;
      }
      viewer.addTiledImage({
        tileSource,
        x: 0,
        y: 0,
        width: 1,
        opacity: 0,
        success: (/** @type {any} */ event) => {
          ready.set(key, event.item);
          keys.set(event.item, key);
          resolve(event.item);
        },
        error: (/** @type {any} */ event) => {
          for (const listener of errorListeners) listener(`${key}: ${event.message || "could not be opened"}`);
          resolve(null);
        },
      });
    });
    items.set(key, added);
    return added;
  }

  function currentView() {
    const container = viewer.viewport.getContainerSize();
    const centre = viewer.viewport.getCenter(true);
    return { centre: { x: centre.x, y: centre.y }, zoom: viewer.viewport.getZoom(true), width: container.x, height: container.y };
  }

  function imageZoom() {
    const view = currentView();
    return viewportZoomToImageZoom(view.zoom, view.width, size.width);
  }

  function applyPlan() {
    const clips = swipeClips(swipe, currentView(), size);
    for (const [key, item] of ready) {
      if (!plan.some((layer) => layer.source === key)) item.setOpacity(0);
    }
    // Placing the plan's items at 0, 1, 2... in order never moves an item already placed.
    let index = 0;
    for (const layer of plan) {
      const item = ready.get(layer.source);
      if (!item) continue;
      const visible = !layer.blink || (layer.blink === "on") === blinkOn;
      item.setOpacity(visible ? layer.opacity ?? 1 : 0);
      item.setCompositeOperation(layer.composite ?? null);
      const clip = layer.clip ? clips[layer.clip] : null;
      item.setClip(clip ? new OSD.Rect(clip.x, clip.y, clip.width, clip.height) : null);
      if (viewer.world.getIndexOfItem(item) !== index) viewer.world.setItemIndex(item, index);
      index += 1;
    }
  }

  /** @type {View | null} */
  let lastView = null;

  // Checked before every redraw: catches pans, zooms and resizes alike (a resize raises no viewport-change).
  function onViewChange() {
    const view = currentView();
    if (lastView && sameView(view, lastView)) return;
    lastView = view;
    const zoom = imageZoom();
    if (smoothingFor(zoom) !== smooth) {
      smooth = smoothingFor(zoom);
      viewer.drawer.setImageSmoothingEnabled(smooth);
      // The canvas drawer applies the setting to its main context only; layers it blends through
      // its sketch canvas (opacity, composite operations) are magnified with the sketch's own.
      if (viewer.drawer.sketchContext) viewer.drawer.sketchContext.imageSmoothingEnabled = smooth;
    }
    if (plan.some((layer) => layer.clip)) applyPlan();
    for (const listener of viewListeners) listener(view);
  }

  for (const name of ["update-viewport", "viewport-change", "animation", "animation-finish", "resize"]) {
    viewer.addHandler(name, onViewChange);
  }

  // A photo shown whole stays whole when the viewer's size changes (the window, side by side);
  // one zoomed into a detail keeps its zoom (preserveImageSizeOnResize). Whether it was whole is
  // read every frame, from where the view is going (a refit still animating counts as whole), but
  // never on "resize" itself, which OpenSeadragon raises with the new size.
  let wasFit = true;
  const noteFit = () => {
    const width = currentView().width;
    const target = viewportZoomToImageZoom(viewer.viewport.getZoom(false), width, size.width);
    wasFit = isFit(target, viewportZoomToImageZoom(viewer.viewport.getHomeZoom(), width, size.width));
  };
  for (const name of ["update-viewport", "viewport-change", "animation-finish"]) viewer.addHandler(name, noteFit);
  viewer.addHandler("after-resize", () => {
    // After the frame: OpenSeadragon sets the old image size again right after this event.
    if (wasFit) requestAnimationFrame(() => viewer.viewport.goHome());
  });
  viewer.addHandler("tile-loaded", (/** @type {any} */ event) => {
    const key = event.tiledImage && keys.get(event.tiledImage);
    if (key && event.tile.level > (deepest.get(key) ?? -1)) deepest.set(key, event.tile.level);
  });
  // OpenSeadragon pans on w/a/s/d, flips on f and rotates on r: those letters are ours.
  viewer.addHandler("canvas-key", (/** @type {any} */ event) => {
    const key = event.originalEvent && event.originalEvent.key;
    if (typeof key === "string" && VIEWER_RESERVED_KEYS.has(key.toLowerCase())) event.preventDefaultAction = true;
  });

  return {
    viewer,
    /**
     * Draw `layers` (bottom first); images not in it are hidden.
     * @param {LayerSpec[]} layers
     */
    async show(layers) {
      plan = layers;
      const shown = await Promise.all(layers.map((layer) => ensure(layer.source)));
      applyPlan();
      return shown.every(Boolean);
    },
    /** @param {number} position 0..1 */
    setSwipe(position) {
      swipe = position;
      applyPlan();
    },
    /** @param {boolean} on */
    setBlink(on) {
      blinkOn = on;
      applyPlan();
    },
    view: currentView,
    imageZoom,
    fitImageZoom() {
      const view = currentView();
      return viewportZoomToImageZoom(viewer.viewport.getHomeZoom(), view.width, size.width);
    },
    /** @param {number} zoom image zoom (1 = 100 %) @param {Point} [imagePoint] kept where it is on screen */
    zoomToImageZoom(zoom, imagePoint) {
      const view = currentView();
      const target = imageZoomToViewportZoom(zoom, view.width, size.width);
      const ref = imagePoint ? imageToViewport(imagePoint, size.width) : undefined;
      viewer.viewport.zoomTo(target, ref ? new OSD.Point(ref.x, ref.y) : undefined);
    },
    fit() {
      viewer.viewport.goHome();
    },
    /** @param {Box} box image pixels @param {number} margin image pixels around it */
    fitImageBox(box, margin) {
      const a = imageToViewport({ x: box.x0 - margin, y: box.y0 - margin }, size.width);
      const b = imageToViewport({ x: box.x1 + margin, y: box.y1 + margin }, size.width);
      viewer.viewport.fitBounds(new OSD.Rect(a.x, a.y, b.x - a.x, b.y - a.y));
    },
    /** @returns {Point} the image pixel at the centre of the view */
    centreImagePoint() {
      const view = currentView();
      return elementToImage({ x: view.width / 2, y: view.height / 2 }, view, size.width);
    },
    /** @param {Point} point element pixels @returns {Point} */
    elementToImage(point) {
      return elementToImage(point, currentView(), size.width);
    },
    /**
     * Show what another viewer of the same photo shows (side by side): the same image zoom (which
     * does not depend on the elements' widths) around the same centre, at once.
     * @param {View} view
     */
    follow(view) {
      const own = viewer.viewport.getContainerSize();
      if (own.x < 1 || view.width < 1) return;
      const zoom = imageZoomToViewportZoom(viewportZoomToImageZoom(view.zoom, view.width, size.width), own.x, size.width);
      viewer.viewport.zoomTo(zoom, undefined, true);
      viewer.viewport.panTo(new OSD.Point(view.centre.x, view.centre.y), true);
    },
    /** @param {string} key @returns {number} the deepest level with a loaded tile, -1 for none */
    deepestLevel(key) {
      return deepest.get(key) ?? -1;
    },
    /** @param {(view: View) => void} listener @returns {() => void} */
    onView(listener) {
      viewListeners.add(listener);
      return () => viewListeners.delete(listener);
    },
    /** @param {(message: string) => void} listener @returns {() => void} */
    onError(listener) {
      errorListeners.add(listener);
      return () => errorListeners.delete(listener);
    },
    destroy() {
      viewListeners.clear();
      errorListeners.clear();
      viewer.destroy();
    },
  };
}

/** @param {View} a @param {View} b */
function sameView(a, b) {
  return a.zoom === b.zoom && a.centre.x === b.centre.x && a.centre.y === b.centre.y && a.width === b.width && a.height === b.height;
}

/** @typedef {ReturnType<typeof createDeepZoom>} DeepZoom */
