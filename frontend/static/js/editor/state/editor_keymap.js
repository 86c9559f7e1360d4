// @ts-check
/**
 * The editor's keyboard: a key press in, a command name out (pure, tested under Node). Letters
 * act only outside text fields; Ctrl/Cmd+S saves and Escape cancels everywhere. Undo and redo
 * leave text fields to the browser's own undo.
 */

/** @typedef {"tool-select" | "tool-pen" | "tool-channel" | "tool-refine" | "brush-smaller" | "brush-larger"
 *   | "delete" | "finish" | "escape" | "undo" | "redo" | "save" | "zoom-toggle" | "backdrop" | "backdrop-back"
 *   | "original" | "mask" | "help" | "zoom-in" | "zoom-out"} EditorCommand */

/** @type {Readonly<Record<string, EditorCommand>>} */
const KEYS = {
  v: "tool-select",
  p: "tool-pen",
  c: "tool-channel",
  r: "tool-refine",
  "[": "brush-smaller",
  "]": "brush-larger",
  z: "zoom-toggle",
  b: "backdrop",
  B: "backdrop-back",
  o: "original",
  m: "mask",
  "?": "help",
  "+": "zoom-in",
  "=": "zoom-in",
  "-": "zoom-out",
  _: "zoom-out",
  Delete: "delete",
  Backspace: "delete",
  Enter: "finish",
};

/**
 * @param {{key: string, ctrlKey?: boolean, metaKey?: boolean, altKey?: boolean, shiftKey?: boolean}} event
 * @param {{inTextField: boolean}} context
 * @returns {EditorCommand | null}
 */
export function editorCommandForKey(event, context) {
  const modifier = Boolean(event.ctrlKey || event.metaKey);
  const key = event.key;
  if (key === "Escape") return "escape";
  if (modifier && key.toLowerCase() === "s") return "save";
  if (context.inTextField) return null;
  if (modifier && key.toLowerCase() === "z") return event.shiftKey ? "redo" : "undo";
  if (modifier && key.toLowerCase() === "y") return "redo";
  if (modifier || event.altKey) return null;
  if (key === "B") return "backdrop-back";
  return KEYS[key.length === 1 ? key.toLowerCase() : key] ?? KEYS[key] ?? null;
}

/** Keys OpenSeadragon must not act on while the editor has them (it pans on w/a/s/d, rotates on r). */
export const EDITOR_RESERVED_KEYS = new Set(["v", "p", "c", "r", "z", "b", "o", "m", "w", "a", "s", "d", "f", "?", "+", "=", "-", "_"]);
