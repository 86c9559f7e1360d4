// Coordinate conversions (round trips for every pair) and DZI arithmetic (as core/tiles.py writes it).
import assert from "node:assert/strict";
import { test } from "node:test";

import { fitTileUrls, levelForImageZoom, levelSize, levelTileUrls, parseDzi, topLevel } from "../../frontend/static/js/state/dzi.js";
import {
  elementToImage,
  elementToViewport,
  formatZoom,
  imageToElement,
  imageToElementTransform,
  imageToViewport,
  imageZoomToViewportZoom,
  smoothingFor,
  swipeClips,
  viewportToElement,
  viewportToImage,
  viewportZoomToImageZoom,
  MAX_IMAGE_ZOOM,
  ZOOM_STEP,
  zoomStep,
  zoomToggleTarget,
} from "../../frontend/static/js/state/zoom.js";

const close = (actual, expected, message) => assert.ok(Math.abs(actual - expected) < 1e-9, `${message}: ${actual} vs ${expected}`);
// A 1200 x 800 photo in a 600 x 500 element, zoomed to 200 % around image point (300, 200).
const W = 1200;
const view = { centre: { x: 0.25, y: 1 / 6 }, zoom: 4, width: 600, height: 500 };

test("image zoom and viewport zoom convert both ways", () => {
  assert.equal(viewportZoomToImageZoom(1, 600, 1200), 0.5);
  assert.equal(viewportZoomToImageZoom(4, 600, 1200), 2);
  close(imageZoomToViewportZoom(viewportZoomToImageZoom(3.7, 613, 4096), 613, 4096), 3.7, "round trip");
});

test("image <-> viewport <-> element round trips", () => {
  for (const point of [{ x: 0, y: 0 }, { x: 300, y: 200 }, { x: 1199.5, y: 799.5 }, { x: -10, y: 900 }]) {
    const viewport = imageToViewport(point, W);
    const back = viewportToImage(viewport, W);
    close(back.x, point.x, "image->viewport->image x");
    close(back.y, point.y, "image->viewport->image y");
    const element = viewportToElement(viewport, view);
    const viewportAgain = elementToViewport(element, view);
    close(viewportAgain.x, viewport.x, "viewport->element->viewport x");
    close(viewportAgain.y, viewport.y, "viewport->element->viewport y");
    const image = elementToImage(imageToElement(point, view, W), view, W);
    close(image.x, point.x, "image->element->image x");
    close(image.y, point.y, "image->element->image y");
  }
});

test("the view's centre is the element's centre, and one image pixel covers two CSS pixels at 200 %", () => {
  assert.deepEqual(imageToElement({ x: 300, y: 200 }, view, W), { x: 300, y: 250 });
  const next = imageToElement({ x: 301, y: 201 }, view, W);
  close(next.x, 302, "x");
  close(next.y, 252, "y");
  assert.deepEqual(imageToElementTransform(view, W), { scale: 2, x: -300, y: -150 });
});

test("nearest-neighbour from 100 % on, smooth below", () => {
  assert.equal(smoothingFor(0.5), true);
  assert.equal(smoothingFor(1), false);
  assert.equal(smoothingFor(8), false);
});

test("Z goes from fit to 100 % and from anywhere else back to fit", () => {
  assert.equal(zoomToggleTarget(0.41, 0.41), "actual");
  assert.equal(zoomToggleTarget(0.415, 0.41), "actual");
  assert.equal(zoomToggleTarget(1, 0.41), "fit");
  assert.equal(zoomToggleTarget(8, 0.41), "fit");
  assert.equal(formatZoom(8.004), "800 %");
});

test("swipe clips split the photo at the divider, clamped to the photo", () => {
  const middle = swipeClips(0.5, view, { width: W, height: 800 });
  assert.deepEqual(middle.left, { x: 0, y: 0, width: 300, height: 800 });
  assert.deepEqual(middle.right, { x: 300, y: 0, width: 900, height: 800 });
  const fit = { centre: { x: 0.5, y: 1 / 3 }, zoom: 1, width: 600, height: 500 };
  assert.equal(swipeClips(1, fit, { width: W, height: 800 }).left.width, 1200);
  const offLeft = { ...view, centre: { x: 2, y: 0 } };
  assert.equal(swipeClips(0.5, offLeft, { width: W, height: 800 }).left.width, 1200);
  assert.equal(swipeClips(0, fit, { width: W, height: 800 }).left.width, 0);
});

const XML = `<?xml version="1.0" encoding="UTF-8"?>
<Image xmlns="http://schemas.microsoft.com/deepzoom/2008" Format="png" Overlap="1" TileSize="254">
<Size Width="1000" Height="600"/></Image>`;

test("a descriptor as core/tiles.py writes it is parsed; a broken one is refused", () => {
  assert.deepEqual(parseDzi(XML), { width: 1000, height: 600, tileSize: 254, overlap: 1, format: "png" });
  assert.throws(() => parseDzi("<Image/>"), /without Width/);
  assert.throws(() => parseDzi(XML.replace('Width="1000"', 'Width="x"')), /width is not a whole number/);
});

test("levels match core/tiles.py's doctests", () => {
  assert.equal(topLevel(1000, 600), 10);
  assert.deepEqual([10, 9, 1, 0].map((level) => levelSize(1000, 600, level)), [
    { width: 1000, height: 600 },
    { width: 500, height: 300 },
    { width: 2, height: 2 },
    { width: 1, height: 1 },
  ]);
  assert.equal(levelTileUrls("/t/cutout.dzi", parseDzi(XML), 10).length, 12); // 4 x 3 tiles
  assert.equal(levelTileUrls("/t/cutout.dzi", parseDzi(XML), 10)[5], "/t/cutout_files/10/1_1.png");
});

test("the level a zoom needs, and the tiles that fit loads", () => {
  const dzi = parseDzi(XML);
  assert.equal(levelForImageZoom(dzi, 1), 10);
  assert.equal(levelForImageZoom(dzi, 8), 10);
  assert.equal(levelForImageZoom(dzi, 0.5), 9);
  assert.equal(levelForImageZoom(dzi, 0.3), 9);
  assert.equal(levelForImageZoom(dzi, 0.25), 8);
  const urls = fitTileUrls("/t/cutout.dzi", dzi, { viewWidth: 500, viewHeight: 500, pixelRatio: 1 });
  assert.equal(urls[0], "/t/cutout_files/0/0_0.png");
  assert.equal(urls.at(-1), "/t/cutout_files/9/1_1.png"); // level 9 is 500 x 300: 2 x 2 tiles
  assert.equal(urls.length, 9 + 4); // levels 0..8 one tile each (<= 254 px), level 9 four
});

test("+ and - step by ZOOM_STEP between fit and MAX_IMAGE_ZOOM, landing on fit exactly", () => {
  const fit = 0.2;
  assert.equal(zoomStep(fit, 1, fit), fit * ZOOM_STEP);
  assert.equal(zoomStep(1, -1, fit), 1 / ZOOM_STEP);
  assert.equal(zoomStep(0.25, -1, fit), fit, "a press that would pass fit stops on it");
  assert.equal(zoomStep(fit, -1, fit), fit, "- never goes below fit");
  assert.equal(zoomStep(0.1, -1, fit), 0.1, "below fit (the wheel went there), - does nothing");
  assert.equal(zoomStep(0.1, 1, fit), fit, "and + comes back to fit first");
  assert.equal(zoomStep(12, 1, fit), MAX_IMAGE_ZOOM);
  assert.equal(zoomStep(fit * (1 - 1e-12), 1, fit), fit * ZOOM_STEP, "a hair off fit is fit: the first + acts");
  assert.equal(zoomStep(fit * 1.01, -1, fit), fit * 1.01, "- from (about) fit does nothing");
  assert.equal(zoomStep(20, 1, 20), 20, "a tiny photo fit above 1600 %: + does not zoom out");
  assert.equal(zoomStep(MAX_IMAGE_ZOOM, 1, fit), MAX_IMAGE_ZOOM);
  // From fit to 1600 %: a handful of presses, not OpenSeadragon's 10 % steps (57 from 20 %).
  let zoom = fit;
  let presses = 0;
  while (zoom < MAX_IMAGE_ZOOM && presses < 50) {
    zoom = zoomStep(zoom, 1, fit);
    presses += 1;
  }
  assert.equal(presses, 11);
  for (presses = 0; zoom > fit && presses < 50; presses++) zoom = zoomStep(zoom, -1, fit);
  assert.equal(zoom, fit);
  // A photo smaller than its window fits above 100 %: the same rules hold.
  assert.equal(zoomStep(3, -1, 3), 3);
  assert.equal(zoomStep(3, 1, 3), 4.5);
});
