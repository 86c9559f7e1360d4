// @ts-check
/**
 * The editor's bar: tools, undo and redo, the view (backdrop, original, mask overlay, zoom), and
 * which tool panel shows. DOM events become store actions; every state change is shown back.
 * The view's state is the review screen's (state/review_state.js), so backdrops and the mask
 * overlay behave as they do there.
 */

import { historyLabels } from "../state/editor_state.js";

/** @typedef {import("../state/editor_state.js").EditorState} EditorState */
/** @typedef {import("../../state/review_state.js").ReviewState} ViewState */

/** @param {string} id */
function byId(id) {
  const element = document.getElementById(id);
  if (!element) throw new Error(`the editor page has no #${id}`);
  return element;
}

/**
 * @param {{store: {getState: () => EditorState, dispatch: (action: any) => EditorState},
 *   viewStore: {getState: () => ViewState, dispatch: (action: any) => ViewState},
 *   deepZoom: import("../../viewer/deep_zoom_ui.js").DeepZoom, onUndo: () => void, onRedo: () => void, onHelp: () => void}} options
 */
export function bindToolbar({ store, viewStore, deepZoom, onUndo, onRedo, onHelp }) {
  const stage = byId("stage");
  const undo = /** @type {HTMLButtonElement} */ (byId("undo"));
  const redo = /** @type {HTMLButtonElement} */ (byId("redo"));
  const zoom = /** @type {HTMLSelectElement} */ (byId("zoom-level"));
  const colour = /** @type {HTMLInputElement} */ (byId("backdrop-colour"));
  /** @type {NodeListOf<HTMLInputElement>} */
  const tools = document.querySelectorAll("input[name=tool]");
  /** @type {NodeListOf<HTMLInputElement>} */
  const draws = document.querySelectorAll("input[name=channel-draw]");
  /** @type {NodeListOf<HTMLInputElement>} */
  const backdrops = document.querySelectorAll("input[name=backdrop]");
  /** @type {NodeListOf<HTMLElement>} */
  const panels = document.querySelectorAll("[data-tool-panel]");

  for (const radio of tools) {
    radio.addEventListener("change", () => radio.checked && store.dispatch({ type: "tool/set", tool: radio.value }));
  }
  for (const radio of draws) {
    radio.addEventListener("change", () => radio.checked && store.dispatch({ type: "channel-draw/set", mode: radio.value }));
  }
  for (const radio of backdrops) {
    radio.addEventListener("change", () => radio.checked && viewStore.dispatch({ type: "backdrop/set", backdrop: radio.value }));
  }
  colour.addEventListener("input", () => viewStore.dispatch({ type: "backdrop/colour", colour: colour.value }));
  undo.addEventListener("click", onUndo);
  redo.addEventListener("click", onRedo);
  byId("toggle-original").addEventListener("click", () => viewStore.dispatch({ type: "original/toggle" }));
  byId("toggle-mask").addEventListener("click", () => viewStore.dispatch({ type: "mask/toggle" }));
  byId("zoom-toggle").addEventListener("click", toggleZoom);
  byId("help-open").addEventListener("click", onHelp);
  zoom.addEventListener("change", () => {
    if (zoom.value === "fit") deepZoom.fit();
    else if (zoom.value) deepZoom.zoomToImageZoom(Number(zoom.value));
  });

  function toggleZoom() {
    const fit = deepZoom.fitImageZoom();
    if (Math.abs(deepZoom.imageZoom() - fit) <= fit * 0.02) deepZoom.zoomToImageZoom(1, deepZoom.centreImagePoint());
    else deepZoom.fit();
  }

  /** @param {EditorState} state */
  function renderTools(state) {
    for (const radio of tools) radio.checked = radio.value === state.tool;
    for (const radio of draws) radio.checked = radio.value === state.channelDraw;
    for (const panel of panels) panel.hidden = !(panel.dataset.toolPanel ?? "").split(" ").includes(state.tool);
    stage.dataset.tool = state.tool;
    const labels = historyLabels(state);
    undo.disabled = !labels.undo;
    redo.disabled = !labels.redo;
    undo.title = labels.undo ? `Undo: ${labels.undo} (Ctrl+Z)` : "Nothing to undo";
    redo.title = labels.redo ? `Redo: ${labels.redo} (Ctrl+Shift+Z)` : "Nothing to redo";
  }

  /** @param {ViewState} view */
  function renderView(view) {
    for (const radio of backdrops) radio.checked = radio.value === view.backdrop;
    for (const name of ["checker", "white", "black", "grey", "custom"]) stage.classList.toggle(`backdrop-${name}`, name === view.backdrop);
    stage.style.setProperty("--custom-backdrop", view.customColour);
    colour.value = view.customColour;
    byId("toggle-original").setAttribute("aria-pressed", String(view.showOriginal));
    byId("toggle-mask").setAttribute("aria-pressed", String(view.mask));
  }

  /** The zoom readout and menu follow the viewer. */
  function renderZoom() {
    const imageZoom = deepZoom.imageZoom();
    byId("zoom-readout").textContent = `${Math.round(imageZoom * 100)} %`;
    const match = Array.from(zoom.options).find((option) => option.value !== "fit" && option.value && Math.abs(Number(option.value) - imageZoom) < 0.005);
    zoom.value = match ? match.value : "";
  }
  deepZoom.onView(renderZoom);

  renderTools(store.getState());
  renderView(viewStore.getState());
  return { renderTools, renderView, toggleZoom };
}
