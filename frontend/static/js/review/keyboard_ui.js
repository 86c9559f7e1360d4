// @ts-check
/**
 * The review screen's shortcuts: one keydown listener on the document turns keys into commands
 * (state/keymap.js) and runs the page's handler for each.
 */

import { commandForKey } from "../state/keymap.js";

/** @typedef {import("../state/keymap.js").Command} Command */

/** @param {EventTarget | null} target */
function isTextField(target) {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  if (target instanceof HTMLTextAreaElement) return true;
  if (target instanceof HTMLInputElement) return !["radio", "checkbox", "button", "submit", "range", "color"].includes(target.type);
  return false;
}

/**
 * @param {Partial<Record<Command, () => void>>} handlers
 * @param {() => {flagOpen: boolean, helpOpen: boolean}} state what is open now
 * @returns {() => void} removes the listener
 */
export function bindKeyboard(handlers, state) {
  /** @param {KeyboardEvent} event */
  function onKey(event) {
    if (event.defaultPrevented || event.isComposing) return;
    const { flagOpen, helpOpen } = state();
    const inSelect = event.target instanceof HTMLSelectElement;
    const command = commandForKey(event, { inTextField: isTextField(event.target), inSelect, flagOpen, helpOpen });
    const handler = command ? handlers[command] : undefined;
    if (!handler) return;
    event.preventDefault();
    handler();
  }
  document.addEventListener("keydown", onKey);
  return () => document.removeEventListener("keydown", onKey);
}
