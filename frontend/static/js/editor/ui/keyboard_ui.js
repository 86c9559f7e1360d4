// @ts-check
/**
 * The editor's shortcuts: one keydown listener on the document turns keys into commands
 * (state/editor_keymap.js) and runs them. Keys that change the document wait while a pointer
 * gesture is under way; Escape, or a tool's key, drops it (nothing changes). Enter and Space on a
 * focused button, link or checkbox activate it, as anywhere else. OpenSeadragon's own keys that
 * would fight ours are held back.
 */

import { editorCommandForKey, EDITOR_RESERVED_KEYS } from "../state/editor_keymap.js";
import { selectedOp } from "../state/editor_state.js";
import { zoomStep } from "../../state/zoom.js";
import { isControl, isTyping } from "./pointer_ui.js";

/** [ and ] change the brush by this factor, as Photoshop's do roughly. */
const BRUSH_STEP = 1.15;

/**
 * @param {{store: {getState: () => import("../state/editor_state.js").EditorState, dispatch: (action: any) => any},
 *   viewStore: {getState: () => import("../../state/review_state.js").ReviewState, dispatch: (action: any) => any},
 *   deepZoom: import("../../viewer/deep_zoom_ui.js").DeepZoom, pointer: {busy: () => boolean, cancel: () => void},
 *   panels: {deleteSelectedAnchor: () => boolean}, toolbar: {toggleZoom: () => void},
 *   help: HTMLDialogElement, say: (message: string) => void}} options
 * @returns {() => void} removes the listeners
 */
export function bindEditorKeyboard({ store, viewStore, deepZoom, pointer, panels, toolbar, help, say }) {
  /** @type {Record<string, () => void>} */
  const handlers = {
    "tool-select": () => store.dispatch({ type: "tool/set", tool: "select" }),
    "tool-pen": () => store.dispatch({ type: "tool/set", tool: "pen" }),
    "tool-channel": () => store.dispatch({ type: "tool/set", tool: "channel" }),
    "tool-refine": () => store.dispatch({ type: "tool/set", tool: "refine" }),
    "brush-smaller": () => store.dispatch({ type: "brush/size", size: store.getState().brushSize / BRUSH_STEP }),
    "brush-larger": () => store.dispatch({ type: "brush/size", size: Math.max(store.getState().brushSize + 1, store.getState().brushSize * BRUSH_STEP) }),
    undo: () => store.dispatch({ type: "history/undo" }),
    redo: () => store.dispatch({ type: "history/redo" }),
    save: () => /** @type {HTMLFormElement} */ (document.getElementById("save-form")).requestSubmit(),
    finish: () => store.dispatch({ type: "drawing/set", drawing: null }),
    escape: () => {
      if (help.open) help.close();
      else if (store.getState().drawing) store.dispatch({ type: "drawing/set", drawing: null });
      else store.dispatch({ type: "select", opId: null });
    },
    delete: () => {
      if (panels.deleteSelectedAnchor()) return;
      const state = store.getState();
      const op = selectedOp(state);
      if (!op) return;
      const index = state.doc.ops.findIndex((candidate) => candidate.id === op.id);
      store.dispatch({ type: "commit", set: { label: "Delete an op", changes: [{ kind: "remove", index, op }] }, drawing: null });
      say("Op deleted (Ctrl+Z brings it back).");
    },
    "zoom-toggle": () => toolbar.toggleZoom(),
    "zoom-in": () => deepZoom.zoomToImageZoom(zoomStep(deepZoom.imageZoom(), 1, deepZoom.fitImageZoom())),
    "zoom-out": () => deepZoom.zoomToImageZoom(zoomStep(deepZoom.imageZoom(), -1, deepZoom.fitImageZoom())),
    backdrop: () => viewStore.dispatch({ type: "backdrop/cycle" }),
    "backdrop-back": () => viewStore.dispatch({ type: "backdrop/cycle", step: -1 }),
    original: () => viewStore.dispatch({ type: "original/toggle" }),
    mask: () => viewStore.dispatch({ type: "mask/toggle" }),
    help: () => (help.open ? help.close() : help.showModal()),
  };
  const documentChanging = new Set(["undo", "redo", "delete", "finish", "save"]);

  /** @param {KeyboardEvent} event */
  function onKey(event) {
    if (event.defaultPrevented || event.isComposing) return;
    const command = editorCommandForKey(event, { inTextField: isTyping(event.target) });
    const handler = command ? handlers[command] : undefined;
    if (!command || !handler) return;
    if ((event.key === "Enter" || event.key === " ") && isControl(event.target)) return; // it activates the control
    if (pointer.busy() && (command === "escape" || command.startsWith("tool-"))) {
      pointer.cancel(); // a drag dropped midway changes nothing
      if (command === "escape") {
        event.preventDefault();
        return;
      }
    }
    if (documentChanging.has(command) && pointer.busy()) return;
    event.preventDefault();
    handler();
  }

  // OpenSeadragon pans on w/a/s/d and rotates on r when its canvas has the focus: not here.
  deepZoom.viewer.addHandler("canvas-key", (/** @type {any} */ event) => {
    const key = event.originalEvent && event.originalEvent.key;
    if (typeof key === "string" && EDITOR_RESERVED_KEYS.has(key.toLowerCase())) event.preventDefaultAction = true;
  });
  document.addEventListener("keydown", onKey);
  return () => document.removeEventListener("keydown", onKey);
}
