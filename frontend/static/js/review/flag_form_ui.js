// @ts-check
/**
 * The flag form: reason, note and the pins placed on the image (listed, each removable), sent
 * with Ctrl+Enter or its button. The draft lives in the store, so closing the form keeps it.
 */

import { pinLabel } from "../state/pins.js";
import { NO_REASON } from "../state/review_state.js";

/** @typedef {import("../state/review_state.js").ReviewState} ReviewState */
/** @typedef {import("../state/review_state.js").ReviewAction} ReviewAction */
/** @typedef {{getState: () => ReviewState, dispatch: (action: ReviewAction) => ReviewState}} Store */

/** @param {string} id */
function byId(id) {
  const element = document.getElementById(id);
  if (!element) throw new Error(`the review page has no #${id}`);
  return element;
}

/**
 * @param {Store} store
 * @param {{onSend: () => void, onPinCentre: () => void, onShowPin: (index: number) => void}} hooks
 */
export function bindFlagForm(store, hooks) {
  const form = /** @type {HTMLFormElement} */ (byId("flag-form"));
  const opener = byId("flag-open");
  const reason = /** @type {HTMLSelectElement} */ (byId("flag-reason"));
  const note = /** @type {HTMLTextAreaElement} */ (byId("flag-note"));
  const list = byId("pin-list");
  const count = byId("pin-count");
  const error = byId("flag-error");
  const send = /** @type {HTMLButtonElement} */ (byId("flag-send"));
  let sending = false;
  /** Whether the reason is being chosen with the pointer (its list open), not stepped with arrows. */
  let pointerChoice = false;

  opener.addEventListener("click", () => store.dispatch({ type: store.getState().flagOpen ? "flag/close" : "flag/open" }));
  byId("flag-cancel").addEventListener("click", () => store.dispatch({ type: "flag/close" }));
  byId("pin-centre").addEventListener("click", hooks.onPinCentre);
  reason.addEventListener("pointerdown", () => {
    pointerChoice = true;
  });
  reason.addEventListener("change", () => {
    store.dispatch({ type: "draft/reason", reason: reason.value });
    if (reason.value && error.textContent === NO_REASON) showError(null); // the problem it named is gone
    // A reason picked from the open list: on to the note. Arrow keys step through the reasons
    // (each step is a change) and Enter then moves on, so a keyboard choice is never cut short.
    if (pointerChoice && reason.value) note.focus();
    pointerChoice = false;
  });
  reason.addEventListener("keydown", (event) => {
    pointerChoice = false;
    if (event.key === "Enter" && !event.ctrlKey && !event.metaKey && reason.value) {
      event.preventDefault();
      note.focus();
    }
  });
  note.addEventListener("input", () => store.dispatch({ type: "draft/note", note: note.value }));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    hooks.onSend();
  });

  /** @param {readonly import("../state/pins.js").Pin[]} pins */
  function renderPins(pins) {
    count.textContent = String(pins.length);
    const items = pins.map((pin, index) => {
      const item = document.createElement("li");
      const show = document.createElement("button");
      show.type = "button";
      show.className = "link-button";
      show.textContent = `${index + 1}: ${pinLabel(pin)}`;
      show.addEventListener("click", () => hooks.onShowPin(index));
      const remove = document.createElement("button");
      remove.type = "button";
      remove.className = "button-small";
      remove.textContent = "Remove";
      remove.setAttribute("aria-label", `Remove pin ${index + 1}`);
      remove.addEventListener("click", () => store.dispatch({ type: "pin/remove", index }));
      item.append(show, " ", remove);
      return item;
    });
    list.replaceChildren(...items);
  }

  /** @param {ReviewState} state @param {ReviewState | null} previous */
  function render(state, previous) {
    form.hidden = !state.flagOpen;
    opener.setAttribute("aria-expanded", String(state.flagOpen));
    if (reason.value !== state.draft.reason) reason.value = state.draft.reason;
    if (note.value !== state.draft.note) note.value = state.draft.note;
    if (!previous || previous.draft.pins !== state.draft.pins) renderPins(state.draft.pins);
    if (state.flagOpen && (!previous || !previous.flagOpen)) reason.focus();
    // Closed (Esc, Cancel) from inside the form: the focus goes back to the button that opened it.
    if (!state.flagOpen && previous && previous.flagOpen && (form.contains(document.activeElement) || document.activeElement === document.body)) opener.focus();
  }

  /** @param {string | null} message */
  function showError(message) {
    error.hidden = !message;
    error.textContent = message || "";
    if (message) error.scrollIntoView({ block: "nearest" }); // the panel may be scrolled past it
  }

  render(store.getState(), null);
  /** @param {boolean} on while a flag is in flight, Send is disabled (no second flag) */
  function setSending(on) {
    sending = on;
    send.disabled = on;
  }

  return { render, showError, focusReason: () => reason.focus(), setSending, sending: () => sending };
}
