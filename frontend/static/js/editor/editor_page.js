// @ts-check
/**
 * The repair editor's entry point (/photos/{id}/edit/): reads the page's configuration
 * (pages/editor_views.editor_config), opens the document (the current revision's recipe, or a
 * newer draft), builds the stores, the deep-zoom viewer with the review screen's modules, the
 * layers drawn over it and the panels, and wires them together.
 *
 * Two stores: the editor's (state/editor_state.js: document, history, tool, selection) and the
 * view's (the review screen's state: backdrop, original, mask overlay). Every change is rendered
 * by the layers and panels; document changes also ask for a preview and keep the draft.
 */

import { draftDiffers, draftToDoc, newestDraft, nothingUnsaved } from "./state/drafts.js";
import { currentRecipe, displayedOps, editorReduce, initialEditorState } from "./state/editor_state.js";
import { fromRecipe } from "./state/ops.js";
import { revisionHeading } from "./state/revision_heading.js";
import { STATUS_MS, outlived, statusMessage } from "./state/status_message.js";
import { ORIGINAL, initialReviewState, reviewReduce, viewPlan } from "../state/review_state.js";
import { createStore } from "../state/store.js";
import { createDeepZoom } from "../viewer/deep_zoom_ui.js";
import { createOverlay } from "../viewer/overlay_ui.js";
import { createBrush } from "./ui/brush_ui.js";
import { bindChannelPanel } from "./ui/channel_panel_ui.js";
import { createDraftKeeper } from "./ui/drafts_ui.js";
import { bindEditorKeyboard } from "./ui/keyboard_ui.js";
import { bindOpsList } from "./ui/ops_list_ui.js";
import { attachPointer } from "./ui/pointer_ui.js";
import { createPreviewLayer } from "./ui/preview_layer_ui.js";
import { createPreviewLoader } from "./ui/preview_loader_ui.js";
import { bindSave } from "./ui/save_ui.js";
import { createShapesLayer } from "./ui/shapes_layer_ui.js";
import { bindToolPanels } from "./ui/tool_panels_ui.js";
import { bindToolbar } from "./ui/toolbar_ui.js";

/** Image pixels of margin around a detected region the view zooms to. */
const ZOOM_MARGIN = 24;

/** @param {string} id */
function byId(id) {
  const element = document.getElementById(id);
  if (!element) throw new Error(`the editor page has no #${id}`);
  return element;
}

/** @typedef {import("./state/status_message.js").StatusMessage} StatusMessage */

function start() {
  const config = JSON.parse(byId("editor-config").textContent || "{}");
  const size = { width: config.photo.width, height: config.photo.height };
  const statusLine = byId("editor-status");
  /** The message on the status line, or null once it went. @type {StatusMessage | null} */
  let shown = null;
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let sayTimer;
  /**
   * A message on the status line. A passing one ("Anchor deleted...") goes once the editor moved
   * on (state/status_message.js) or after STATUS_MS; a problem (``lasting``) stays until the next message.
   * @param {string} message @param {boolean} [lasting]
   */
  const say = (message, lasting = false) => {
    const said = statusMessage(message, store.getState(), lasting);
    shown = said;
    statusLine.textContent = message;
    clearTimeout(sayTimer);
    if (!lasting) sayTimer = setTimeout(() => unsay(said), STATUS_MS);
  };
  /** @param {StatusMessage} message */
  const unsay = (message) => {
    if (shown !== message) return;
    shown = null;
    statusLine.textContent = "";
  };
  const note = /** @type {HTMLTextAreaElement} */ (byId("save-note"));
  let baseRevision = config.revision ? config.revision.id : null;

  // The document: the current revision's recipe, unless a newer draft holds more.
  const revisionDoc = fromRecipe(config.revision ? config.revision.recipe : null);
  /** The revision "Discard the draft" goes back to: the page's, then each one saved or taken. */
  let savedRevision = { id: config.revision ? config.revision.id : null, doc: revisionDoc };
  const keeper = createDraftKeeper({
    photoId: config.photo.id,
    username: config.user,
    url: config.urls.draft,
    doc: () => store.getState().doc,
    note: () => note.value,
    baseRevision: () => baseRevision,
    onStatus: (message) => {
      byId("draft-status").textContent = message;
    },
  });
  const serverDraft = config.draft ? { document: config.draft.document, baseRevision: config.draft.base_revision, savedAt: config.draft.saved_at, source: /** @type {const} */ ("server") } : null;
  const draft = newestDraft([serverDraft, keeper.readLocal()]);
  keeper.prune(serverDraft ? serverDraft.savedAt : null);
  const restored = draft && draftDiffers(draft, config.revision ? config.revision.recipe : null) ? draftToDoc(draft.document) : null;
  const store = createStore(editorReduce, initialEditorState(restored ? restored.doc : revisionDoc));
  const viewStore = createStore(reviewReduce, initialReviewState({ references: [] }));
  if (restored && draft) {
    note.value = restored.note;
    baseRevision = draft.baseRevision;
    showDraftNotice(draft);
  }

  const mainElement = byId("viewer-main");
  const OSD = /** @type {any} */ (window).OpenSeadragon;
  if (!OSD || !config.current) {
    byId("stage").classList.add("stage-empty");
    byId("stage-legend").textContent = !OSD ? "The deep-zoom viewer did not load: reload the page." : "Nothing to show yet: the previews and tiles are still being made.";
    return;
  }
  /** @type {Record<string, {tiles?: string | null, image?: string | null}>} */
  const sources = { [ORIGINAL]: { tiles: config.original } };
  for (const layer of config.layers) sources[layer.key] = { tiles: layer.tiles, image: layer.image };
  let current = config.current;
  const deepZoom = createDeepZoom(mainElement, { size, sources, label: "The photo being repaired, deep zoom", navigator: false });
  deepZoom.onError((message) => say(`Could not open ${message}.`, true));
  const previewLayer = createPreviewLayer(mainElement, deepZoom, size);
  // The reviewer's pins numbered as the "Where to look" list calls them.
  const overlay = createOverlay(mainElement, deepZoom, size, { numberEarlier: true });
  overlay.set({ detections: config.detections, earlier: config.pins });
  const shapes = createShapesLayer(mainElement, deepZoom, size);
  const brush = createBrush({ element: mainElement, deepZoom, size, store, shapes });
  const loader = createPreviewLoader({
    url: config.urls.preview,
    deepZoom,
    size,
    layer: previewLayer,
    recipe: () => currentRecipe(store.getState()),
    onTiming: (timing) => {
      const readout = byId("preview-readout");
      readout.dataset.clientMs = timing.clientMs.toFixed(0);
      readout.dataset.serverMs = timing.serverMs === null ? "" : timing.serverMs.toFixed(0);
      // The preview's own resolution (a pyramid level at least as fine as the screen), not the zoom.
      readout.textContent = `Preview ${timing.clientMs.toFixed(0)} ms${timing.serverMs === null ? "" : ` (server ${timing.serverMs.toFixed(0)} ms)`} · ${Math.round(timing.scale * 100)} % resolution`;
      showPlan();
    },
    onProblem: (message) => {
      byId("preview-problem").textContent = message ?? "";
    },
  });
  const committed = () => loader.now();
  const live = () => loader.live();
  const pointer = attachPointer({
    element: mainElement,
    deepZoom,
    size,
    store,
    shapes,
    brush,
    onCommitted: committed,
    onPointer: (point) => {
      byId("pointer-readout").textContent = point ? `x ${point.x.toFixed(2)} · y ${point.y.toFixed(2)} px` : "";
    },
  });
  const panels = bindToolPanels(store, { onLive: live, onCommitted: committed, say });
  const channelPanel = bindChannelPanel(store, { url: config.urls.channels, onLive: live, onCommitted: committed });
  const opsList = bindOpsList(/** @type {HTMLOListElement} */ (byId("op-list")), store, {
    onCommitted: committed,
    onFocusOp: (op) => {
      if (op.op === "channel") store.dispatch({ type: "tool/set", tool: "channel" });
      else if (op.op === "matte" || op.op === "recover" || op.op === "refine" || op.op === "decontaminate") store.dispatch({ type: "tool/set", tool: "refine" });
    },
  });
  const help = /** @type {HTMLDialogElement} */ (byId("help-dialog"));
  const toolbar = bindToolbar({
    store,
    viewStore,
    deepZoom,
    onUndo: () => store.dispatch({ type: "history/undo" }),
    onRedo: () => store.dispatch({ type: "history/redo" }),
    onHelp: () => help.showModal(),
  });
  bindSave({
    store,
    config,
    note,
    baseRevision: { get: () => baseRevision, set: (id) => (baseRevision = id) },
    onSaved: (revision, changedMeanwhile) => {
      // "Discard the draft" now goes back to this revision; with nothing left unsaved it has nothing to discard.
      savedRevision = { id: revision.id, doc: fromRecipe(revision.recipe) };
      byId("current-revision").textContent = revisionHeading({ current: revision.number });
      if (changedMeanwhile) keeper.keep();
      else {
        keeper.discard();
        byId("draft-notice").hidden = true;
      }
    },
    onRendered: (render, revision) => {
      const key = `r${revision.number}`;
      if (!sources[key] && config.urls.tiles_base) sources[key] = { tiles: `${config.urls.tiles_base}${key}.dzi` };
      current = key;
      showPlan();
    },
    onConflict: (theirs, mine) => {
      byId("current-revision").textContent = revisionHeading({ current: theirs ? theirs.number : null, editing: mine ? mine.number : null, conflict: true });
    },
    onTakeTheirs: (revision) => {
      const state = store.getState();
      const theirs = fromRecipe(revision.recipe, `t${revision.number}-`).ops;
      /** @type {import("./state/history.js").ChangeSet} */
      const set = { label: `Take revision ${revision.number}`, changes: [{ kind: "replace", before: state.doc.ops, after: theirs }] };
      store.dispatch({ type: "commit", set, selection: { opId: null, anchor: null }, drawing: null });
      savedRevision = { id: revision.id, doc: fromRecipe(revision.recipe) };
      byId("current-revision").textContent = revisionHeading({ current: revision.number });
    },
    say,
  });
  bindEditorKeyboard({ store, viewStore, deepZoom, pointer, panels, toolbar, help, say });
  note.addEventListener("input", keepDraft);
  byId("draft-discard").addEventListener("click", () => {
    const state = store.getState();
    store.dispatch({ type: "commit", set: { label: "Discard the draft", changes: [{ kind: "replace", before: state.doc.ops, after: savedRevision.doc.ops }] }, drawing: null });
    baseRevision = savedRevision.id;
    byId("draft-notice").hidden = true;
    say("Back to the saved revision (Ctrl+Z brings the draft back).");
  });

  for (const button of document.querySelectorAll("button[data-pin]")) {
    button.addEventListener("click", () => {
      const pin = config.pins[Number(/** @type {HTMLElement} */ (button).dataset.pin)];
      const x = "x0" in pin ? (pin.x0 + pin.x1) / 2 : pin.x;
      const y = "x0" in pin ? (pin.y0 + pin.y1) / 2 : pin.y;
      deepZoom.viewer.viewport.panTo(new OSD.Point(x / size.width, y / size.width));
    });
  }

  const showDetections = /** @type {HTMLInputElement | null} */ (document.getElementById("show-detections"));
  if (showDetections) {
    showDetections.addEventListener("change", () => overlay.set({ detections: showDetections.checked ? config.detections : [] }));
  }
  for (const button of document.querySelectorAll("button[data-detection]")) {
    button.addEventListener("click", () => {
      const detection = config.detections[Number(/** @type {HTMLElement} */ (button).dataset.detection)];
      if (detection) deepZoom.fitImageBox(detection.box, ZOOM_MARGIN);
    });
  }

  function showPlan() {
    const view = viewStore.getState();
    const masked = view.mask && previewLayer.hasPreview();
    deepZoom.show(view.showOriginal || masked ? [{ source: ORIGINAL }] : view.mask ? viewPlan(view, current).main : [{ source: current }]);
    previewLayer.setMode(view.showOriginal ? "off" : view.mask ? "mask" : "result");
    previewLayer.setBackdrop(view.backdrop, view.customColour);
  }

  /** Keep the draft of a change, or drop it when the change undid every edit since the save. */
  function keepDraft() {
    if (nothingUnsaved(store.getState().doc, note.value, savedRevision.doc)) void keeper.discard("Nothing unsaved: no draft is kept.");
    else keeper.keep();
  }

  store.on((state, previous) => {
    if (shown && outlived(shown, state)) unsay(shown);
    shapes.render(displayedOps(state), state.selection);
    toolbar.renderTools(state);
    panels.render(state);
    channelPanel.render(state);
    opsList.render(state);
    if (state.doc !== previous.doc) {
      keepDraft();
      committed();
    }
  });
  viewStore.on((view, previous) => {
    toolbar.renderView(view);
    if (view.helpOpen !== previous.helpOpen && !view.helpOpen && help.open) help.close();
    loader.setEnabled(!view.showOriginal);
    showPlan();
  });
  shapes.render(displayedOps(store.getState()), store.getState().selection);
  opsList.render(store.getState());
  channelPanel.render(store.getState());
  showPlan();
  deepZoom.viewer.addOnceHandler("open", () => loader.now());

  /** @param {import("./state/drafts.js").Draft} found */
  function showDraftNotice(found) {
    const notice = byId("draft-notice");
    notice.hidden = false;
    const stale = found.baseRevision !== (config.revision ? config.revision.id : null);
    byId("draft-notice-text").textContent =
      `Your draft from ${new Date(found.savedAt).toLocaleString()} is open` +
      (stale ? ", made on an earlier revision than the current one: saving will show both." : ".");
  }
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
else start();
