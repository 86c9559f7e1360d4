// @ts-check
/**
 * How long a message on the editor's status line stays true (pure, tested under Node).
 *
 * A passing message ("Anchor deleted (Ctrl+Z brings it back).") describes the editor as it was
 * when it was said: the edit just made, or refused. It goes once the editor has moved on: the edit
 * undone or redone, a later edit, another tool, another selection, or the STATUS_MS timeout. A
 * problem ("Could not open ...", a refused save) is *lasting*: it stays until the next message.
 */

/** @typedef {import("./editor_state.js").EditorState} EditorState */

/** How long a passing message stays at most (ms). */
export const STATUS_MS = 10000;

/**
 * @typedef {object} StatusMessage
 * @property {string} text
 * @property {boolean} lasting
 * @property {Pick<EditorState, "history" | "tool" | "selection">} at the editor when it was said
 */

/**
 * @param {string} text
 * @param {EditorState} state the editor's state once the action the message describes is done
 * @param {boolean} [lasting]
 * @returns {StatusMessage}
 */
export function statusMessage(text, state, lasting = false) {
  return { text, lasting, at: { history: state.history, tool: state.tool, selection: state.selection } };
}

/**
 * Whether the editor has moved on since `message` was said, so it no longer speaks for it. The
 * reducer keeps these fields' identity when nothing changed, so identity is the test: an undo, a
 * redo and every commit make a new history; a new tool or selection a new value.
 * @param {StatusMessage} message
 * @param {EditorState} state
 * @returns {boolean}
 */
export function outlived(message, state) {
  if (message.lasting) return false;
  const at = message.at;
  return state.history !== at.history || state.tool !== at.tool || state.selection !== at.selection;
}
