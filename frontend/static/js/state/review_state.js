// @ts-check
/**
 * The review screen's state, as pure data and a reducer (no DOM, no viewer): backdrop, compare
 * mode and reference, original and mask toggles, swipe position, the flag draft with its pins.
 * `viewPlan` turns a state into the layers each viewer must draw; the viewer adapter applies it.
 */

import { ORIGINAL, RED } from "./layers.js";

export { ORIGINAL, RED };

/** @typedef {"checker" | "white" | "black" | "grey" | "custom"} Backdrop */
/** @typedef {"single" | "side" | "swipe" | "blink" | "difference"} CompareMode */
/** @typedef {{x: number, y: number} | {x0: number, y0: number, x1: number, y1: number}} Pin */

/** @type {readonly Backdrop[]} */
export const BACKDROPS = ["checker", "white", "black", "grey", "custom"];
/** @type {readonly CompareMode[]} */
export const COMPARE_MODES = ["single", "side", "swipe", "blink", "difference"];
/** Modes that draw the reference in the main viewer: the mask overlay does not combine with them. */
const OVERLAID_MODES = new Set(["swipe", "blink", "difference"]);
/** Quick mask: the removed area tinted red at half strength, like Photoshop's default. */
export const MASK_OPACITY = 0.5;
/** The flag API takes at most 100 pins (reviews.pins.MAX_PINS). */
export const MAX_PINS = 100;
const COLOUR = /^#[0-9a-f]{6}$/i;

/**
 * @typedef {object} ReviewState
 * @property {Backdrop} backdrop
 * @property {string} customColour "#rrggbb"
 * @property {CompareMode} compare
 * @property {string} reference "original" or a result key ("cutout", "r2")
 * @property {readonly string[]} references the keys `reference` may take
 * @property {boolean} showOriginal
 * @property {boolean} mask
 * @property {number} swipe 0..1, the divider's place across the viewer
 * @property {boolean} flagOpen
 * @property {boolean} helpOpen
 * @property {{reason: string, note: string, pins: readonly Pin[]}} draft
 */

/**
 * @typedef {{type: "backdrop/cycle", step?: number}
 *   | {type: "backdrop/set", backdrop: Backdrop}
 *   | {type: "backdrop/colour", colour: string}
 *   | {type: "compare/set", mode: CompareMode}
 *   | {type: "reference/set", key: string}
 *   | {type: "original/toggle"}
 *   | {type: "mask/toggle"}
 *   | {type: "swipe/set", position: number}
 *   | {type: "flag/open"} | {type: "flag/close"} | {type: "flag/reset"}
 *   | {type: "draft/reason", reason: string} | {type: "draft/note", note: string}
 *   | {type: "pin/add", pin: Pin} | {type: "pin/remove", index: number}
 *   | {type: "help/open"} | {type: "help/close"}} ReviewAction
 */

/**
 * @param {{references: readonly string[], flagged?: string | null}} options
 *   `references`: result keys other than the current one; `flagged`: the result a flag was raised on
 * @returns {ReviewState}
 */
export function initialReviewState({ references, flagged = null }) {
  const all = [ORIGINAL, ...references.filter((key) => key !== ORIGINAL)];
  return {
    backdrop: "checker",
    customColour: "#3a6ea5",
    compare: "single",
    reference: flagged && all.includes(flagged) ? flagged : ORIGINAL,
    references: all,
    showOriginal: false,
    mask: false,
    swipe: 0.5,
    flagOpen: false,
    helpOpen: false,
    draft: { reason: "", note: "", pins: [] },
  };
}

/**
 * @param {ReviewState} state
 * @param {ReviewAction} action
 * @returns {ReviewState} the same object when the action changes nothing
 */
export function reviewReduce(state, action) {
  switch (action.type) {
    case "backdrop/cycle": {
      const step = action.step ?? 1;
      const index = BACKDROPS.indexOf(state.backdrop);
      const next = BACKDROPS[(((index + step) % BACKDROPS.length) + BACKDROPS.length) % BACKDROPS.length];
      return { ...state, backdrop: next };
    }
    case "backdrop/set":
      return BACKDROPS.includes(action.backdrop) && action.backdrop !== state.backdrop
        ? { ...state, backdrop: action.backdrop }
        : state;
    case "backdrop/colour":
      if (!COLOUR.test(action.colour)) return state;
      return { ...state, backdrop: "custom", customColour: action.colour.toLowerCase() };
    case "compare/set": {
      if (!COMPARE_MODES.includes(action.mode) || action.mode === state.compare) return state;
      const mask = OVERLAID_MODES.has(action.mode) ? false : state.mask;
      return { ...state, compare: action.mode, mask };
    }
    case "reference/set":
      return state.references.includes(action.key) && action.key !== state.reference
        ? { ...state, reference: action.key }
        : state;
    case "original/toggle":
      return { ...state, showOriginal: !state.showOriginal };
    case "mask/toggle": {
      const mask = !state.mask;
      const compare = mask && OVERLAID_MODES.has(state.compare) ? "single" : state.compare;
      return { ...state, mask, compare };
    }
    case "swipe/set": {
      const position = Math.min(1, Math.max(0, Number.isFinite(action.position) ? action.position : 0.5));
      return position === state.swipe ? state : { ...state, swipe: position };
    }
    case "flag/open":
      return state.flagOpen ? state : { ...state, flagOpen: true, helpOpen: false };
    case "flag/close":
      return state.flagOpen ? { ...state, flagOpen: false } : state;
    case "flag/reset":
      return { ...state, flagOpen: false, draft: { reason: "", note: "", pins: [] } };
    case "draft/reason":
      return { ...state, draft: { ...state.draft, reason: action.reason } };
    case "draft/note":
      return { ...state, draft: { ...state.draft, note: action.note } };
    case "pin/add":
      if (state.draft.pins.length >= MAX_PINS) return state;
      return { ...state, draft: { ...state.draft, pins: [...state.draft.pins, action.pin] } };
    case "pin/remove": {
      if (action.index < 0 || action.index >= state.draft.pins.length) return state;
      const pins = state.draft.pins.filter((_, index) => index !== action.index);
      return { ...state, draft: { ...state.draft, pins } };
    }
    case "help/open":
      return state.helpOpen ? state : { ...state, helpOpen: true };
    case "help/close":
      return state.helpOpen ? { ...state, helpOpen: false } : state;
    default:
      return state;
  }
}

/** What a flag sent without a reason is told. */
export const NO_REASON = "Choose a reason for the flag.";

/**
 * What the flag form may send: a reason is required; pins and note are optional.
 * @param {ReviewState["draft"]} draft
 * @returns {string | null} why it cannot be sent yet, or null
 */
export function draftProblem(draft) {
  if (!draft.reason) return NO_REASON;
  return null;
}

/**
 * @typedef {object} LayerSpec
 * @property {string} source "original", "red" (the quick-mask tint) or a result key
 * @property {number} [opacity] default 1
 * @property {GlobalCompositeOperation} [composite] default source-over
 * @property {"left" | "right"} [clip] swipe: drawn left or right of the divider only
 * @property {"on" | "off"} [blink] blink: shown in the on or the off phase
 */

/**
 * The layers each viewer draws, bottom first. `reference` is null unless side by side.
 *
 * Quick mask composites three layers on one canvas: the result (its alpha is what matters), the
 * red tint kept only where the result is transparent (`source-out`), then the original drawn
 * behind everything (`destination-over`): the original, tinted red where the background was removed.
 *
 * @param {ReviewState} state
 * @param {string} current the result under review ("cutout", "r3")
 * @returns {{main: LayerSpec[], reference: LayerSpec[] | null}}
 */
export function viewPlan(state, current) {
  const shown = state.showOriginal ? ORIGINAL : current;
  /** @type {LayerSpec[]} */
  const main = state.mask
    ? [
        { source: current },
        { source: RED, composite: "source-out", opacity: MASK_OPACITY },
        { source: ORIGINAL, composite: "destination-over" },
      ]
    : [{ source: shown }];
  const reference = state.reference;
  switch (state.compare) {
    case "side":
      return { main, reference: [{ source: reference }] };
    case "swipe":
      return { main: [{ source: reference, clip: "right" }, { source: shown, clip: "left" }], reference: null };
    case "blink":
      return { main: [{ source: reference, blink: "off" }, { source: shown, blink: "on" }], reference: null };
    case "difference":
      return { main: [{ source: reference }, { source: shown, composite: "difference" }], reference: null };
    default:
      return { main, reference: null };
  }
}

/**
 * One line under the viewer saying what is on screen.
 * @param {ReviewState} state
 * @param {(key: string) => string} label a source key in words
 * @param {string} current
 */
export function viewLegend(state, label, current) {
  const shown = label(state.showOriginal ? ORIGINAL : current);
  const reference = label(state.reference);
  if (state.mask) return `Mask overlay: the original, red where ${label(current)} removed the background.`;
  switch (state.compare) {
    case "side":
      return `Left: ${shown}. Right: ${reference}. Zoom and pan move both.`;
    case "swipe":
      return `Swipe: ${shown} left of the line, ${reference} right of it.`;
    case "blink":
      return `Blink: ${shown} and ${reference} in turn.`;
    case "difference":
      return `Difference of ${shown} and ${reference}: black where they match, colour where they differ.`;
    default:
      return `${shown}.`;
  }
}
