// @ts-check
/**
 * Compare modes that need more than a layer plan: side by side (a second viewer whose zoom and
 * pan follow the first, both ways), swipe (a divider the reviewer drags, or moves with the arrow
 * keys on its slider) and blink (the two images in turn).
 */

import { createDeepZoom } from "./deep_zoom_ui.js";

/** Half a second per image: the rate blink comparators use; changes stand out without flicker. */
export const BLINK_MS = 500;

/** @typedef {import("./deep_zoom_ui.js").DeepZoom} DeepZoom */
/** @typedef {import("../state/review_state.js").ReviewState} ReviewState */
/** @typedef {import("../state/review_state.js").LayerSpec} LayerSpec */

/**
 * @param {{main: DeepZoom, referenceElement: HTMLElement, swipeControl: HTMLElement, swipeInput: HTMLInputElement,
 *   size: {width: number, height: number}, sources: Record<string, import("./deep_zoom_ui.js").SourceSpec>,
 *   onSwipe: (position: number) => void}} options
 */
export function createCompare({ main, referenceElement, swipeControl, swipeInput, size, sources, onSwipe }) {
  /** @type {DeepZoom | null} */
  let reference = null;
  // Only the viewer the reviewer works in leads; the other follows it. Letting both lead would
  // feed each one's animation frames back to the other and cut every zoom short.
  let leader = /** @type {"main" | "reference"} */ ("main");
  /** @type {ReturnType<typeof setInterval> | null} */
  let blinkTimer = null;
  let blinkOn = true;
  const offs = /** @type {(() => void)[]} */ ([]);

  function ensureReference() {
    if (reference) return reference;
    const created = createDeepZoom(referenceElement, { size, sources, label: "The comparison image", navigator: false });
    offs.push(
      main.onView((view) => {
        if (leader === "main" && !referenceElement.hidden) created.follow(view);
      }),
      created.onView((view) => {
        if (leader === "reference" && !referenceElement.hidden) main.follow(view);
      }),
    );
    created.viewer.addOnceHandler("open", () => created.follow(main.view()));
    reference = created;
    return created;
  }

  /** @param {boolean} on */
  function setBlinking(on) {
    if (on && !blinkTimer) {
      blinkTimer = setInterval(() => {
        blinkOn = !blinkOn;
        main.setBlink(blinkOn);
      }, BLINK_MS);
    } else if (!on && blinkTimer) {
      clearInterval(blinkTimer);
      blinkTimer = null;
      blinkOn = true;
      main.setBlink(true);
    }
  }

  swipeInput.addEventListener("input", () => onSwipe(Number(swipeInput.value) / 100));
  /** @param {Event} event */
  const lead = (event) => {
    leader = event.target instanceof Node && referenceElement.contains(event.target) ? "reference" : "main";
  };
  const leadEvents = ["pointerdown", "wheel", "keydown", "touchstart"];
  for (const name of leadEvents) document.addEventListener(name, lead, { capture: true, passive: true });
  offs.push(() => {
    for (const name of leadEvents) document.removeEventListener(name, lead, { capture: true });
  });

  return {
    /**
     * @param {ReviewState} state
     * @param {LayerSpec[] | null} referenceLayers what the second viewer shows (side by side only)
     */
    async apply(state, referenceLayers) {
      const side = Boolean(referenceLayers);
      // The main viewer halves (or doubles) its width: deep_zoom_ui keeps a photo at fit whole.
      referenceElement.hidden = !side;
      if (referenceLayers) {
        const viewer = ensureReference();
        await viewer.show(referenceLayers);
        viewer.follow(main.view());
      }
      swipeControl.hidden = state.compare !== "swipe";
      swipeInput.value = String(Math.round(state.swipe * 100));
      main.setSwipe(state.swipe);
      setBlinking(state.compare === "blink");
    },
    /** @returns {DeepZoom | null} */
    reference: () => reference,
    /** The viewer the reviewer works in (the other follows it): where keyboard zooms act. @returns {DeepZoom} */
    leading: () => (leader === "reference" && reference && !referenceElement.hidden ? reference : main),
    destroy() {
      setBlinking(false);
      for (const off of offs) off();
      if (reference) reference.destroy();
    },
  };
}
