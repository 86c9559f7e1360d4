// Pointer <-> image coordinates at many zooms (round trips within 0.25 image px, here far better),
// and which window a preview covers.
import assert from "node:assert/strict";
import { test } from "node:test";

import { previewCovers, previewPlacement, previewScale, previewWindow } from "../../frontend/static/js/editor/state/preview_window.js";
import { clientToImage, imageToClient, imageZoomOf, screenToImageLength } from "../../frontend/static/js/editor/state/screen_space.js";
import { imageZoomToViewportZoom } from "../../frontend/static/js/state/zoom.js";

const SIZE = { width: 6000, height: 4000 };
const BOX = { left: 37.5, top: 121.25 };

/** A view of a 960 x 640 element at `imageZoom`, centred on image point `centre`. */
function viewAt(imageZoom, centre) {
  const width = 960;
  return { centre: { x: centre.x / SIZE.width, y: centre.y / SIZE.width }, zoom: imageZoomToViewportZoom(imageZoom, width, SIZE.width), width, height: 640 };
}

test("client -> image -> client and image -> client -> image round-trip within 0.25 px at every zoom", () => {
  let worst = 0;
  for (const zoom of [0.05, 0.16, 0.5, 1, 2, 4, 8, 16]) {
    const view = viewAt(zoom, { x: 2345.5, y: 1234.25 });
    assert.ok(Math.abs(imageZoomOf(view, SIZE.width) - zoom) < 1e-12);
    for (const image of [{ x: 2345.5, y: 1234.25 }, { x: 2350.125, y: 1230.875 }, { x: 0, y: 0 }, { x: 5999.75, y: 3999.5 }]) {
      const back = clientToImage(imageToClient(image, BOX, view, SIZE.width), BOX, view, SIZE.width);
      worst = Math.max(worst, Math.abs(back.x - image.x), Math.abs(back.y - image.y));
    }
    for (const client of [{ x: 40, y: 130 }, { x: 517.5, y: 441.25 }, { x: 996.5, y: 760 }]) {
      const image = clientToImage(client, BOX, view, SIZE.width);
      const back = imageToClient(image, BOX, view, SIZE.width);
      worst = Math.max(worst, Math.abs(back.x - client.x) / zoom, Math.abs(back.y - client.y) / zoom);
    }
  }
  assert.ok(worst < 0.25, `worst round trip ${worst} px`);
  assert.ok(worst < 1e-6, `round trips are exact up to floating point, got ${worst}`);
});

test("at 800 % one screen pixel is 1/8 image pixel, and the element's centre is the view's centre", () => {
  const view = viewAt(8, { x: 640, y: 276 });
  const centre = clientToImage({ x: BOX.left + 480, y: BOX.top + 320 }, BOX, view, SIZE.width);
  assert.ok(Math.abs(centre.x - 640) < 1e-9 && Math.abs(centre.y - 276) < 1e-9);
  const right = clientToImage({ x: BOX.left + 481, y: BOX.top + 320 }, BOX, view, SIZE.width);
  assert.ok(Math.abs(right.x - 640.125) < 1e-9);
  assert.equal(screenToImageLength(6, view, SIZE.width), 0.75);
});

test("the preview window holds the visible area with a margin, snapped and clipped to the photo", () => {
  const view = viewAt(1, { x: 3000, y: 2000 });
  const window = previewWindow(view, SIZE, 1);
  // visible 2520..3480 x 1680..2320, grown by 96 and 64 px, snapped outward to 32 px
  assert.deepEqual(window, { rect: { x0: 2400, y0: 1600, x1: 3584, y1: 2400 }, scale: 1 });
  const fit = previewWindow(viewAt(0.16, { x: 3000, y: 2000 }), SIZE, 1);
  assert.deepEqual(fit.rect, { x0: 0, y0: 0, x1: 6000, y1: 4000 });
  assert.ok(fit.scale >= 0.16 && fit.scale < 0.16 * 1.19, `scale ${fit.scale}`);
  assert.equal(previewWindow(viewAt(8, { x: 9000, y: 9000 }), SIZE, 1), null, "looking past the photo");
});

test("preview scales step by quarter octaves, never past 100 %, with the device pixel ratio", () => {
  assert.equal(previewScale(2, 1), 1);
  assert.equal(previewScale(0.5, 2), 1);
  assert.equal(previewScale(0.5, 1), 0.5);
  const s = previewScale(0.3, 1);
  assert.ok(s >= 0.3 && s <= 0.3 * 2 ** 0.25, `${s}`);
  assert.equal(previewScale(0.31, 1), s, "nearby zooms share a scale");
  assert.equal(previewScale(0.0001, 1), 1 / 64);
});

test("a preview serves views inside it at its scale or coarser, and lands where its pixels belong", () => {
  const shown = { rect: { x0: 0, y0: 0, x1: 1000, y1: 1000 }, scale: 0.5 };
  assert.ok(previewCovers(shown, { rect: { x0: 10, y0: 10, x1: 900, y1: 900 }, scale: 0.5 }));
  assert.ok(previewCovers(shown, { rect: { x0: 10, y0: 10, x1: 900, y1: 900 }, scale: 0.25 }));
  assert.ok(!previewCovers(shown, { rect: { x0: 10, y0: 10, x1: 900, y1: 900 }, scale: 1 }));
  assert.ok(!previewCovers(shown, { rect: { x0: 10, y0: 10, x1: 1100, y1: 900 }, scale: 0.5 }));
  assert.ok(!previewCovers(null, shown));
  const view = viewAt(2, { x: 500, y: 500 });
  const placed = previewPlacement({ x0: 400, y0: 450, x1: 600, y1: 550 }, view, SIZE.width);
  for (const [key, value] of Object.entries({ x: 280, y: 220, width: 400, height: 200 })) {
    assert.ok(Math.abs(placed[key] - value) < 1e-9, `${key}: ${placed[key]}`);
  }
});
