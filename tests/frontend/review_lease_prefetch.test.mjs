// The review page's leases (pure), the keyboard on a focused select, and two DOM-light modules run
// under Node with stubbed globals: prefetching's parallelism and auto-fix's failed render.
import assert from "node:assert/strict";
import { test } from "node:test";

import { commandForKey } from "../../frontend/static/js/state/keymap.js";
import {
  heartbeatMs,
  leaseLapsed,
  queueFlowQuery,
  releaseLeases,
  renewalIds,
  renewalOutcome,
} from "../../frontend/static/js/state/review_lease.js";

test("the heartbeat renews every third of the lease", () => {
  assert.equal(heartbeatMs(600), 200000);
  assert.equal(heartbeatMs(1), 1000); // never a busy loop
});

test("a lease is lapsed when missing, unreadable or past", () => {
  const now = Date.parse("2026-01-01T10:00:00Z");
  assert.equal(leaseLapsed(null, now), true);
  assert.equal(leaseLapsed("not a date", now), true);
  assert.equal(leaseLapsed("2026-01-01T09:59:59Z", now), true);
  assert.equal(leaseLapsed("2026-01-01T10:00:00Z", now), true);
  assert.equal(leaseLapsed("2026-01-01T10:05:00Z", now), false);
});

test("a heartbeat renews the photo on screen and the one up next, and reports the lost ones", () => {
  assert.deepEqual(renewalIds({ current: 4, upNext: 9 }), [4, 9]);
  assert.deepEqual(renewalIds({ current: null, upNext: 9 }), [9]);
  assert.deepEqual(renewalIds({ current: null, upNext: null }), []);
  assert.deepEqual(renewalOutcome({ current: 4, upNext: 9 }, [4, 9]), { currentLost: false, upNextLost: false });
  assert.deepEqual(renewalOutcome({ current: 4, upNext: 9 }, [4]), { currentLost: false, upNextLost: true });
  assert.deepEqual(renewalOutcome({ current: null, upNext: 9 }, []), { currentLost: false, upNextLost: true });
});

test("leaving gives back every lease the page holds but that of the photo it opens", () => {
  const current = { id: 4, until: "2026-11-30T15:10:00.123456Z" };
  const upNext = { id: 9, until: "2026-11-30T15:11:00Z" };
  const both = [{ photo: 4, lease_until: current.until }, { photo: 9, lease_until: upNext.until }];
  assert.deepEqual(releaseLeases({ current, upNext }, null), both, "closed or reloaded: both, each with its end");
  assert.deepEqual(releaseLeases({ current, upNext }, 9), [both[0]], "J or a decision opens the up-next photo");
  assert.deepEqual(releaseLeases({ current, upNext }, 2), both, "K opens a photo seen before");
  assert.deepEqual(releaseLeases({ current: null, upNext }, 9), []);
  assert.deepEqual(releaseLeases({ current: null, upNext: null }, null), []);
  assert.deepEqual(releaseLeases({ current: { id: 4, until: null }, upNext }, null), [both[1]], "an end not known: kept");
  assert.deepEqual(releaseLeases({ current, upNext: { id: 4, until: upNext.until } }, null), [both[0]], "one photo once");
});

test("the queue flow marker is added to the filters", () => {
  assert.equal(queueFlowQuery(""), "?from=queue");
  assert.equal(queueFlowQuery("batch=3&sku=R"), "?batch=3&sku=R&from=queue");
});

test("on a focused select only P (while flagging) acts; letters pick options", () => {
  const inSelect = { inTextField: false, inSelect: true, flagOpen: true };
  assert.equal(commandForKey({ key: "p" }, inSelect), "pin-centre");
  assert.equal(commandForKey({ key: "P" }, inSelect), "pin-centre");
  for (const key of ["a", "f", "j", "c", "B", "x"]) assert.equal(commandForKey({ key }, inSelect), null, key);
  assert.equal(commandForKey({ key: "p" }, { ...inSelect, flagOpen: false }), null);
  assert.equal(commandForKey({ key: "Escape" }, inSelect), "escape");
  assert.equal(commandForKey({ key: "p" }, { inTextField: true, inSelect: false, flagOpen: true }), null);
});

/** Stub `fetch`: answers from `route(url, init)`, each after a tick; counts requests in flight. */
function stubFetch(route) {
  const seen = { inFlight: 0, most: 0, urls: [] };
  globalThis.fetch = async (url, init = {}) => {
    seen.inFlight += 1;
    seen.most = Math.max(seen.most, seen.inFlight);
    seen.urls.push(url);
    await new Promise((resolve) => setTimeout(resolve, 2));
    seen.inFlight -= 1;
    const { status = 200, body = "" } = route(url, init);
    const text = typeof body === "string" ? body : JSON.stringify(body);
    return {
      ok: status < 400,
      status,
      text: async () => text,
      json: async () => JSON.parse(text),
      arrayBuffer: async () => new ArrayBuffer(1),
    };
  };
  return seen;
}

globalThis.document = {
  head: { append() {} },
  createElement: () => ({}),
  querySelector: () => null,
};

test("prefetching fetches the next photo's tiles two at a time", async () => {
  const { prefetchPhoto } = await import("../../frontend/static/js/review/prefetch.js");
  const dzi = '<Image TileSize="256" Overlap="0" Format="webp" xmlns="http://schemas.microsoft.com/deepzoom/2008"><Size Width="4000" Height="3000"/></Image>';
  const seen = stubFetch((url) => ({ body: url.endsWith(".dzi") ? dzi : "" }));
  const job = prefetchPhoto({ reviewUrl: "/photos/2/review/", dziUrls: ["/t/cutout.dzi"] }, { viewWidth: 1200, viewHeight: 900, pixelRatio: 1 });
  const tiles = await job.done;
  assert.ok(tiles > 2, `fit needs several tiles, got ${tiles}`);
  assert.equal(seen.most, 2);
});

test("a failed auto-fix render keeps its message: the page is not reloaded", async () => {
  const { bindAutofix } = await import("../../frontend/static/js/review/autofix_ui.js");
  stubFetch((url) =>
    url === "/api/photos/1/autofix/"
      ? { status: 201, body: { number: 2, note: "auto-fix: 1 region", render: { id: 7 } } }
      : { body: { state: "failed", error: "out of memory" } },
  );
  const button = { disabled: false, hidden: false, addEventListener() {}, removeEventListener() {} };
  const said = [];
  let reloads = 0;
  const config = {
    can: { autofix: true },
    photo: { version: 1 },
    urls: { autofix: "/api/photos/1/autofix/", render_base: "/api/renders/0/" },
  };
  const autofix = bindAutofix(button, config, { say: (message) => said.push(message), reload: () => (reloads += 1) });
  await autofix.run();
  assert.equal(reloads, 0);
  assert.equal(said.at(-1), "The auto-fix render failed: out of memory");
});

test("a stored proposal with nothing to fix: the button says why and sends nothing", async () => {
  const { bindAutofix } = await import("../../frontend/static/js/review/autofix_ui.js");
  let posts = 0;
  stubFetch(() => {
    posts += 1;
    return { status: 201, body: {} };
  });
  const attributes = {};
  const button = {
    disabled: false, hidden: false, addEventListener() {}, removeEventListener() {},
    setAttribute(name, value) { attributes[name] = value; },
  };
  const text = "Detection found nothing sure enough to auto-fix here: review it as it is.";
  const config = {
    can: { autofix: true },
    autofix_plan: { regions: 0, ops: 0, summary: "", applied: null, usable: false, text },
    photo: { version: 1 },
    urls: { autofix: "/api/photos/1/autofix/", render_base: "/api/renders/0/" },
  };
  const said = [];
  const autofix = bindAutofix(button, config, { say: (message) => said.push(message), reload: () => {} });
  assert.equal(button.disabled, false); // still focusable: keyboard and screen-reader users reach it
  assert.equal(attributes["aria-disabled"], "true");
  await autofix.run(); // clicked, or X pressed
  assert.equal(posts, 0);
  assert.deepEqual(said, [text]);
});
