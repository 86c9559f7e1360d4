// @ts-check
/**
 * The review screen's keyboard: a key press in, a command name out (pure, tested under Node).
 *
 * Letters act only when no text field has the focus; Escape and Ctrl/Cmd+Enter work everywhere,
 * so a reviewer can type a note and still send or cancel the flag without the mouse. On a focused
 * select (the flag reason, the reference) letters pick options, so only P (pin the centre) acts.
 * While a flag is being written, the keys that would decide the photo or leave it (A, J, K, X)
 * only say so ("flag-pending"): one stray letter must not approve a photo the reviewer is
 * rejecting, nor drop the reason, note and pins written so far.
 */

/** @typedef {"approve" | "flag" | "next" | "previous" | "zoom-toggle" | "backdrop" | "backdrop-back"
 *   | "original" | "mask" | "help" | "pin-centre" | "escape" | "send-flag" | "autofix" | "zoom-in" | "zoom-out"
 *   | "flag-pending"} Command */

/** @type {Readonly<Record<string, Command>>} */
const LETTERS = {
  a: "approve",
  f: "flag",
  j: "next",
  k: "previous",
  z: "zoom-toggle",
  b: "backdrop",
  o: "original",
  m: "mask",
  p: "pin-centre",
  x: "autofix",
  "?": "help",
  "+": "zoom-in",
  "=": "zoom-in",
  "-": "zoom-out",
  _: "zoom-out",
};

/** What these commands would do to a flag being written: decide the photo or leave it. */
const LEAVING = new Set(["approve", "next", "previous", "autofix"]);

/**
 * @param {{key: string, ctrlKey?: boolean, metaKey?: boolean, altKey?: boolean, shiftKey?: boolean}} event
 * @param {{inTextField: boolean, inSelect?: boolean, flagOpen: boolean, helpOpen?: boolean}} context
 * @returns {Command | null} while the help is open, only what closes it
 */
export function commandForKey(event, context) {
  const modifier = Boolean(event.ctrlKey || event.metaKey);
  if (event.key === "Escape") return "escape";
  if (context.helpOpen) return event.key === "?" ? "help" : null;
  if (event.key === "Enter" && modifier) return context.flagOpen ? "send-flag" : null;
  if (context.inTextField || modifier || event.altKey) return null;
  if (context.inSelect) return event.key.toLowerCase() === "p" && context.flagOpen ? "pin-centre" : null;
  if (event.key === "B") return "backdrop-back";
  const command = LETTERS[event.key.length === 1 ? event.key.toLowerCase() : ""] ?? null;
  if (command === "pin-centre" && !context.flagOpen) return null;
  if (command && context.flagOpen && LEAVING.has(command)) return "flag-pending";
  return command;
}

/** Keys OpenSeadragon must not act on (it would pan on w/a/s/d, flip on f, rotate on r, and
 * step its own 10 % zoom, past fit, on + and -: ours are state/zoom.js zoomStep's). */
export const VIEWER_RESERVED_KEYS = new Set(["a", "b", "d", "f", "j", "k", "m", "o", "p", "r", "s", "w", "z", "?", "+", "=", "-", "_"]);
