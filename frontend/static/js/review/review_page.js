// @ts-check
/**
 * The review screen's entry point: reads the page's configuration (review_views.review_config),
 * builds the state store and the viewer, and wires the controls, the keyboard and the API.
 *
 * State (state/review_state.js) is the single source of what is shown; every change is rendered
 * by the toolbar, the flag form, the overlay and the viewer's layer plan.
 */

import { topLevel } from "../state/dzi.js";
import { sourceLabeller } from "../state/layers.js";
import { pinBounds, pointPin } from "../state/pins.js";
import { draftProblem, initialReviewState, reviewReduce, viewPlan } from "../state/review_state.js";
import { createStore } from "../state/store.js";
import { zoomStep, zoomToggleTarget } from "../state/zoom.js";
import { createCompare } from "../viewer/compare_ui.js";
import { createDeepZoom } from "../viewer/deep_zoom_ui.js";
import { createOverlay } from "../viewer/overlay_ui.js";
import { attachPinInput } from "../viewer/pin_input_ui.js";
import { postJson, problemText } from "./api.js";
import { bindAutofix } from "./autofix_ui.js";
import { bindFlagForm } from "./flag_form_ui.js";
import { bindKeyboard } from "./keyboard_ui.js";
import { createNavigation } from "./navigation.js";
import { bindToolbar, zoomText } from "./toolbar_ui.js";

/** One notice carried to the next page of this tab (the next photo's review screen). */
const CARRIED_NOTICE = "jewelreview.review.notice";

/** Image pixels of margin around a detection or pin the view zooms to. */
const ZOOM_MARGIN = 24;
/** Prefetching the next photo waits for this photo's tiles, but never longer than this (ms). */
const IDLE_LIMIT_MS = 8000;

/** @param {string} id */
function byId(id) {
  const element = document.getElementById(id);
  if (!element) throw new Error(`the review page has no #${id}`);
  return element;
}

function start() {
  const config = JSON.parse(byId("review-config").textContent || "{}");
  const statusLine = byId("review-status");
  /** @param {string} message */
  const say = (message) => {
    statusLine.textContent = message;
  };
  // The decision made on the photo before this one, said here: its own page is gone.
  const carried = takeCarriedNotice();
  if (carried) say(carried);
  const size = { width: config.photo.width, height: config.photo.height };
  const current = config.current;
  const label = sourceLabeller(config.layers);
  /** @type {Record<string, {tiles?: string | null, image?: string | null}>} */
  const sources = { original: { tiles: config.original } };
  for (const layer of config.layers) sources[layer.key] = { tiles: layer.tiles, image: layer.image };
  const references = config.layers.map((/** @type {{key: string}} */ layer) => layer.key).filter((/** @type {string} */ key) => key !== current);
  const store = createStore(reviewReduce, initialReviewState({ references, flagged: config.flagged }));

  /** @type {() => void} */
  let viewerSettled = () => {};
  /** @type {Promise<void>} */
  const viewerIdle = new Promise((resolve) => {
    viewerSettled = resolve;
  });
  const navigation = createNavigation(config, {
    viewerIdle,
    onStatus: say,
    onLease: showLease,
    onUpNext: showUpNext,
    viewSize: () => {
      const box = byId("viewer-main").getBoundingClientRect();
      return { viewWidth: box.width, viewHeight: box.height, pixelRatio: window.devicePixelRatio || 1 };
    },
  });
  const approveButton = /** @type {HTMLButtonElement} */ (byId("approve"));
  const flagButton = /** @type {HTMLButtonElement} */ (byId("flag-open"));
  approveButton.disabled = !config.can.approve;
  flagButton.disabled = !config.can.flag;
  approveButton.addEventListener("click", approve);
  const autofixButton = /** @type {HTMLButtonElement | null} */ (document.getElementById("autofix"));
  const autofix = autofixButton ? bindAutofix(autofixButton, config, { say }) : null;
  byId("next").addEventListener("click", () => navigation.next());
  byId("previous").addEventListener("click", () => navigation.previous());

  const OSD = /** @type {any} */ (window).OpenSeadragon;
  if (!OSD || !current) {
    viewerSettled();
    byId("stage").classList.add("stage-empty");
    byId("stage-legend").textContent = !OSD
      ? "The deep-zoom viewer did not load: reload the page."
      : "Nothing to show yet: the previews and tiles are still being made.";
    return;
  }

  const mainElement = byId("viewer-main");
  const main = createDeepZoom(mainElement, { size, sources, label: `${label(current)}, deep zoom` });
  main.onError((message) => say(`Could not open ${message}.`));
  void whenIdle(main.viewer, IDLE_LIMIT_MS).then(viewerSettled);
  const overlay = createOverlay(mainElement, main, size);
  overlay.set({
    detections: config.detections,
    earlier: config.flags.filter((/** @type {{open: boolean}} */ flag) => flag.open).flatMap((/** @type {{pins: any[]}} */ flag) => flag.pins),
  });
  const pinInput = attachPinInput(main, {
    size,
    onPin: (pin) => store.dispatch({ type: "pin/add", pin }),
    onBand: (band) => overlay.set({ band }),
  });
  const compare = createCompare({
    main,
    referenceElement: byId("viewer-reference"),
    swipeControl: byId("swipe-control"),
    swipeInput: /** @type {HTMLInputElement} */ (byId("swipe")),
    size,
    sources,
    onSwipe: (position) => store.dispatch({ type: "swipe/set", position }),
  });
  const toolbar = bindToolbar(store, { onZoomToggle: toggleZoom, onHelp: () => store.dispatch({ type: "help/open" }), label, current });
  const flagForm = bindFlagForm(store, { onSend: sendFlag, onPinCentre: pinCentre, onShowPin: showPin });
  const help = /** @type {HTMLDialogElement} */ (byId("help-dialog"));
  help.addEventListener("close", () => store.dispatch({ type: "help/close" }));

  const readout = byId("zoom-readout");
  const top = topLevel(size.width, size.height);
  const showZoom = () => {
    readout.textContent = zoomText(main.imageZoom(), { deepest: main.deepestLevel(current), top });
  };
  main.onView(showZoom);
  main.viewer.addHandler("tile-loaded", showZoom);

  for (const button of document.querySelectorAll("[data-detection]")) {
    button.addEventListener("click", () => {
      const detection = config.detections[Number(/** @type {HTMLElement} */ (button).dataset.detection)];
      if (detection) main.fitImageBox(detection.box, ZOOM_MARGIN);
    });
  }

  store.on((state, previous) => {
    toolbar.render(state);
    flagForm.render(state, previous);
    overlay.set({ pins: state.draft.pins });
    overlay.setCrosshair(state.flagOpen);
    pinInput.setEnabled(state.flagOpen);
    if (state.helpOpen && !help.open) help.showModal();
    if (!state.helpOpen && help.open) help.close();
    if (planChanged(state, previous)) showPlan();
    else if (state.swipe !== previous.swipe) main.setSwipe(state.swipe);
  });
  showPlan();

  bindKeyboard(
    {
      approve,
      flag: openFlag,
      next: () => navigation.next(),
      previous: () => navigation.previous(),
      "zoom-toggle": toggleZoom,
      "zoom-in": () => zoomBy(1),
      "zoom-out": () => zoomBy(-1),
      backdrop: () => store.dispatch({ type: "backdrop/cycle" }),
      "backdrop-back": () => store.dispatch({ type: "backdrop/cycle", step: -1 }),
      original: () => store.dispatch({ type: "original/toggle" }),
      mask: () => store.dispatch({ type: "mask/toggle" }),
      help: () => store.dispatch({ type: store.getState().helpOpen ? "help/close" : "help/open" }),
      "pin-centre": pinCentre,
      escape: () => store.dispatch({ type: store.getState().helpOpen ? "help/close" : "flag/close" }),
      "send-flag": sendFlag,
      autofix: () => void autofix?.run(),
      "flag-pending": () => say("A flag is being written: Ctrl+Enter sends it; Esc closes the form first (what you wrote stays for this photo)."),
    },
    () => store.getState(),
  );

  function showPlan() {
    const plan = viewPlan(store.getState(), current);
    main.show(plan.main);
    compare.apply(store.getState(), plan.reference);
  }

  // Keys act on the viewer the reviewer works in: side by side, the other one follows it.
  function toggleZoom() {
    const viewer = compare.leading();
    if (zoomToggleTarget(viewer.imageZoom(), viewer.fitImageZoom()) === "fit") viewer.fit();
    else viewer.zoomToImageZoom(1, viewer.centreImagePoint());
  }

  /** @param {1 | -1} direction */
  function zoomBy(direction) {
    const viewer = compare.leading();
    viewer.zoomToImageZoom(zoomStep(viewer.imageZoom(), direction, viewer.fitImageZoom()));
  }

  function pinCentre() {
    if (!store.getState().flagOpen) return;
    const pin = pointPin(main.centreImagePoint(), size);
    store.dispatch({ type: "pin/add", pin });
    say(`Pin ${store.getState().draft.pins.length} placed at ${Math.round(pin.x)}, ${Math.round(pin.y)}.`);
  }

  /** @param {number} index */
  function showPin(index) {
    const pin = store.getState().draft.pins[index];
    if (pin) main.fitImageBox(pinBounds(pin, ZOOM_MARGIN), ZOOM_MARGIN);
  }

  /** F: open the flag form, or say why this photo cannot be flagged. */
  function openFlag() {
    if (!config.can.flag) {
      say(refusal("flag"));
      return;
    }
    if (store.getState().flagOpen) flagForm.focusReason();
    else store.dispatch({ type: "flag/open" });
  }

  /** @param {"approve" | "flag"} action */
  function refusal(action) {
    return (config.refusals && config.refusals[action]) || `This photo can't be ${action === "flag" ? "flagged" : "approved"} now.`;
  }

  async function sendFlag() {
    if (!config.can.flag) {
      say(refusal("flag"));
      return;
    }
    if (flagForm.sending()) return;
    const draft = store.getState().draft;
    const problem = draftProblem(draft);
    flagForm.showError(problem);
    if (problem) {
      if (!draft.reason) flagForm.focusReason(); // where the fix is; the message is read out (role=alert)
      return;
    }
    say("Sending the flag…");
    flagForm.setSending(true);
    const answer = await postJson(config.urls.flag, {
      reason: draft.reason,
      note: draft.note,
      pins: draft.pins,
      version: config.photo.version,
    });
    if (!answer.ok) {
      flagForm.setSending(false);
      flagForm.showError(problemText(answer));
      say("The flag was not sent.");
      return;
    }
    store.dispatch({ type: "flag/reset" });
    say(`Flagged ${config.photo.sku} · ${config.photo.view}. Opening the next photo…`);
    navigation.afterDecision((toPhoto) => toPhoto && carryNotice(`Flagged ${config.photo.sku} · ${config.photo.view}.`));
  }

  async function approve() {
    if (!config.can.approve) {
      say(refusal("approve"));
      return;
    }
    if (approveButton.disabled) return; // already being approved
    approveButton.disabled = true;
    say("Approving…");
    const answer = await postJson(config.urls.approve, { version: config.photo.version });
    if (!answer.ok) {
      approveButton.disabled = false;
      say(`Not approved: ${problemText(answer)}`);
      return;
    }
    say(`Approved ${config.photo.sku} · ${config.photo.view}. Opening the next photo…`);
    // Said on the next photo's page (not on the queue's, nor on a page opened hours later).
    navigation.afterDecision((toPhoto) => toPhoto && carryNotice(`Approved ${config.photo.sku} · ${config.photo.view}.`));
  }

  /** @param {{holder: string | null, held_by_you: boolean, until: string | null} | null} lease */
  function showLease(lease) {
    const notice = byId("lease-notice");
    const someoneElse = lease && lease.holder && !lease.held_by_you;
    notice.hidden = !someoneElse;
    if (someoneElse && lease) notice.textContent = `${lease.holder} is reviewing this photo too: decide only if you agreed to.`;
  }

  /** @param {{label: string} | null} next @param {number} waiting */
  function showUpNext(next, waiting) {
    byId("next-info").textContent = next
      ? `Next: ${next.label} (${waiting} more waiting).`
      : "Nothing else is waiting for review: J and deciding take you back to the queue.";
  }
}

/**
 * Resolves once the viewer has drawn every tile it needs for the current view (OpenSeadragon's
 * `fully-loaded-change`), then the browser is idle; or after `limitMs`, whichever comes first.
 * @param {any} viewer an OpenSeadragon viewer
 * @param {number} limitMs
 * @returns {Promise<void>}
 */
function whenIdle(viewer, limitMs) {
  return new Promise((resolve) => {
    let settled = false;
    const idle = () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      viewer.removeHandler("update-viewport", check);
      const callback = /** @type {any} */ (window).requestIdleCallback;
      if (typeof callback === "function") callback(() => resolve(), { timeout: 1000 });
      else setTimeout(resolve, 0);
    };
    const timer = setTimeout(idle, limitMs);
    function check() {
      const count = viewer.world.getItemCount();
      if (!count) return;
      let visible = 0;
      for (let index = 0; index < count; index += 1) {
        const item = viewer.world.getItemAt(index);
        if (item.getOpacity() <= 0) continue;
        if (typeof item.getFullyLoaded !== "function" || !item.getFullyLoaded()) return;
        visible += 1;
      }
      if (visible) idle();
    }
    viewer.addHandler("update-viewport", check);
  });
}

/**
 * Whether the viewer's layers must change (backdrop and flag changes do not touch them).
 * @param {import("../state/review_state.js").ReviewState} state
 * @param {import("../state/review_state.js").ReviewState} previous
 */
function planChanged(state, previous) {
  return (
    state.compare !== previous.compare ||
    state.reference !== previous.reference ||
    state.showOriginal !== previous.showOriginal ||
    state.mask !== previous.mask
  );
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
else start();

/** @param {string} message */
function carryNotice(message) {
  try {
    sessionStorage.setItem(CARRIED_NOTICE, message);
  } catch {
    // storage refused (a private window's quota): the next page simply says nothing
  }
}

/** @returns {string | null} the notice the previous page carried here, taken once */
function takeCarriedNotice() {
  try {
    const message = sessionStorage.getItem(CARRIED_NOTICE);
    sessionStorage.removeItem(CARRIED_NOTICE);
    return message;
  } catch {
    return null;
  }
}
