// @ts-check
/**
 * The pen's and the refine tool's panels. Sliders edit live: moving one shows (and previews) a
 * transient op, releasing it commits one undo step. Refine's sliders edit the recipe's global
 * refine op, made at the start of the recipe on first use (Select and Mask refines the mask the
 * AI delivered), or, while one is selected, a refine op limited to a region (auto-fix proposes
 * them for bleed bands); Decontaminate is an op at the end; the brush's size, the selected
 * matte op's edge radius and the selected recover op's reach and line following live here too.
 */

import { displayedOps, opChange, selectedOp } from "../state/editor_state.js";
import { isShaped, newDecontaminateOp, newRefineOp, withShape } from "../state/ops.js";
import { deleteAnchor } from "../state/path_shape.js";
import { regionTwins, reshapeChange } from "../state/pen_gestures.js";
import { coarseArrowKeys } from "./slider_keys_ui.js";

/** @typedef {import("../state/editor_state.js").EditorState} EditorState */
/** @typedef {import("../state/ops.js").EditorOp} EditorOp */
/** @typedef {{getState: () => EditorState, dispatch: (action: any) => EditorState}} Store */

/** @param {string} id */
function byId(id) {
  const element = document.getElementById(id);
  if (!element) throw new Error(`the editor page has no #${id}`);
  return element;
}

/** @param {string} id */
const input = (id) => /** @type {HTMLInputElement} */ (byId(id));

/**
 * @param {Store} store
 * @param {{onLive: () => void, onCommitted: () => void, say: (message: string) => void}} hooks
 */
export function bindToolPanels(store, hooks) {
  const sliders = [
    { key: "smooth", input: input("refine-smooth") },
    { key: "feather", input: input("refine-feather") },
    { key: "contrast", input: input("refine-contrast") },
    { key: "shift_edge", input: input("refine-shift") },
  ];
  const featherPath = input("path-feather");
  // Feathers take 0.1 px steps over 0-250 px: their arrow keys move 1 px (Shift: 10).
  for (const fine of [input("refine-feather"), featherPath]) coarseArrowKeys(fine, 1);
  const deconOn = input("decon-on");
  const deconAmount = input("decon-amount");
  const matteRadius = input("matte-radius");
  const recoverReach = input("recover-reach");
  const recoverFollow = input("recover-follow");
  const anchorDelete = /** @type {HTMLButtonElement} */ (byId("anchor-delete"));
  const pathFinish = /** @type {HTMLButtonElement} */ (byId("path-finish"));
  /** @type {NodeListOf<HTMLInputElement>} */
  const modes = document.querySelectorAll("input[name=path-mode]");

  const refineTarget = byId("refine-target");

  /** The refine op the sliders edit, as shown: the selected one if it has a region, else the global one. @param {EditorState} state */
  function refineOp(state) {
    const selected = selectedOp(state);
    if (selected && selected.op === "refine" && typeof selected.region === "string") return selected;
    return /** @type {import("../state/ops.js").RefineOp | undefined} */ (displayedOps(state).find((op) => op.op === "refine" && !op.region));
  }

  /** @param {EditorState} state */
  function decontaminateOp(state) {
    return /** @type {import("../state/ops.js").DecontaminateOp | undefined} */ (displayedOps(state).find((op) => op.op === "decontaminate"));
  }

  /**
   * Show an edited op (live) or commit it; a new op goes in at `insertAt`. A slider's commits
   * name it (`slider`): its steps in quick succession are one undo step (history.js).
   * @param {EditorOp} op @param {boolean} final @param {string} label @param {number} insertAt @param {string} [slider]
   */
  function edit(op, final, label, insertAt, slider) {
    const state = store.getState();
    const isNew = !state.doc.ops.some((candidate) => candidate.id === op.id);
    if (!final) {
      store.dispatch({ type: "transient/set", op, index: isNew ? insertAt : undefined, isNew });
      hooks.onLive();
      return;
    }
    const set = isNew ? { label, changes: [{ kind: "insert", index: insertAt, op }] } : opChange(state, op, label);
    const merge = slider ? { key: `${slider}:${op.id}`, at: performance.now() } : undefined;
    store.dispatch({ type: "commit", set: merge ? { ...set, merge } : set });
    hooks.onCommitted();
  }

  for (const { key, input: slider } of sliders) {
    /** @param {boolean} final */
    const update = (final) => {
      const state = store.getState();
      const current = refineOp(state) ?? newRefineOp(`o${state.nextId}`);
      edit({ ...current, [key]: Number(slider.value) }, final, `Refine: ${slider.dataset.label ?? key}`, 0, key);
    };
    slider.addEventListener("input", () => update(false));
    slider.addEventListener("change", () => update(true));
  }
  const resetButton = byId("refine-reset");
  resetButton.addEventListener("click", () => {
    const op = refineOp(store.getState());
    if (op) edit({ ...op, smooth: 0, feather: 0, contrast: 0, shift_edge: 0 }, true, "Reset refine", 0);
  });

  /** @param {boolean} final @param {string} [slider] */
  const decontaminate = (final, slider) => {
    const state = store.getState();
    const current = decontaminateOp(state) ?? newDecontaminateOp(`o${state.nextId}`);
    edit({ ...current, enabled: deconOn.checked, amount: Number(deconAmount.value) }, final, "Decontaminate colours", state.doc.ops.length, slider);
  };
  deconOn.addEventListener("change", () => decontaminate(true));
  deconAmount.addEventListener("input", () => {
    deconOn.checked = true;
    decontaminate(false);
  });
  deconAmount.addEventListener("change", () => decontaminate(true, "amount"));

  /** @param {boolean} final */
  const radius = (final) => {
    const op = selectedOp(store.getState());
    if (op && op.op === "matte") edit({ ...op, radius: Number(matteRadius.value) }, final, "Edge radius", 0, "radius");
  };
  matteRadius.addEventListener("input", () => radius(false));
  matteRadius.addEventListener("change", () => radius(true));

  /** @param {boolean} final */
  const reach = (final) => {
    const op = selectedOp(store.getState());
    if (op && op.op === "recover") edit({ ...op, radius: Number(recoverReach.value) }, final, "Recover reach", 0, "reach");
  };
  recoverReach.addEventListener("input", () => reach(false));
  recoverReach.addEventListener("change", () => reach(true));

  /** @param {boolean} final */
  const follow = (final) => {
    const op = selectedOp(store.getState());
    if (op && op.op === "recover") edit({ ...op, follow: Number(recoverFollow.value) }, final, "Follow lines", 0, "follow");
  };
  recoverFollow.addEventListener("input", () => follow(false));
  recoverFollow.addEventListener("change", () => follow(true));

  /** @param {boolean} final */
  const feather = (final) => {
    const op = selectedOp(store.getState());
    if (op && op.op === "path") edit({ ...op, feather: Number(featherPath.value) }, final, "Path feather", 0, "feather");
  };
  featherPath.addEventListener("input", () => feather(false));
  featherPath.addEventListener("change", () => feather(true));
  for (const radio of modes) {
    radio.addEventListener("change", () => {
      const op = selectedOp(store.getState());
      if (radio.checked && op && op.op === "path") edit({ ...op, mode: /** @type {"add" | "subtract"} */ (radio.value) }, true, `Path: ${radio.value}`, 0);
    });
  }
  anchorDelete.addEventListener("click", () => deleteSelectedAnchor());
  pathFinish.addEventListener("click", () => store.dispatch({ type: "drawing/set", drawing: null }));

  /** Delete the selected anchor; @returns {boolean} whether there was one */
  function deleteSelectedAnchor() {
    const state = store.getState();
    const op = selectedOp(state);
    const ref = state.selection.anchor;
    if (!op || !isShaped(op) || !op.shape || !ref) return false;
    if ((op.op === "refine" || op.op === "recover") && op.shape.subpaths[ref.subpath].anchors.length <= 3) {
      hooks.say("A region keeps at least 3 corners: to remove it, delete the op in the recipe list.");
      return true;
    }
    const shape = deleteAnchor(op.shape, ref);
    const set = reshapeChange(state, op, withShape(op, shape), "Delete an anchor");
    const remaining = shape.subpaths[ref.subpath];
    const anchor = remaining && remaining.anchors.length ? { subpath: ref.subpath, anchor: Math.max(0, ref.anchor - 1) } : null;
    store.dispatch({ type: "commit", set, selection: { opId: op.id, anchor } });
    hooks.onCommitted();
    hooks.say("Anchor deleted (Ctrl+Z brings it back).");
    return true;
  }

  /**
   * A slider's value and its output; a disabled slider (no op selected for it) reads "—", so
   * its default is not taken for a setting.
   * @param {HTMLInputElement} slider @param {number} value
   */
  function show(slider, value) {
    if (document.activeElement !== slider || slider.value !== String(value)) slider.value = String(value);
    const output = document.querySelector(`output[for="${slider.id}"]`);
    if (!output) return;
    const text = slider.disabled ? "—" : slider.dataset.unit ? `${value} ${slider.dataset.unit}` : String(value);
    if (output.textContent !== text) output.textContent = text;
  }

  /** @param {EditorState} state */
  function render(state) {
    const refine = refineOp(state);
    for (const { key, input: slider } of sliders) show(slider, refine ? /** @type {any} */ (refine)[key] : 0);
    const target = refine && typeof refine.region === "string" ? refineTargetText(state, refine) : "The whole mask.";
    if (refineTarget.textContent !== target) refineTarget.textContent = target;
    const reset = refine && typeof refine.region === "string" ? "Reset this op" : "Reset";
    if (resetButton.textContent !== reset) resetButton.textContent = reset;
    const decon = decontaminateOp(state);
    deconOn.checked = Boolean(decon && decon.enabled);
    show(deconAmount, decon ? decon.amount : 60);
    const selected = selectedOp(state);
    const path = selected && selected.op === "path" ? selected : null;
    featherPath.disabled = !path;
    for (const radio of modes) {
      radio.disabled = !path;
      radio.checked = Boolean(path && path.mode === radio.value);
    }
    show(featherPath, path ? path.feather : 0);
    const matte = selected && selected.op === "matte" ? selected : null;
    matteRadius.disabled = !matte;
    show(matteRadius, matte ? matte.radius : 3);
    const recover = selected && selected.op === "recover" ? selected : null;
    recoverReach.disabled = !recover;
    show(recoverReach, recover ? recover.radius : 16);
    recoverFollow.disabled = !recover;
    show(recoverFollow, recover ? recover.follow || 0 : 0);
    anchorDelete.disabled = !(selected && state.selection.anchor);
    pathFinish.disabled = !state.drawing;
    byId("brush-size").textContent = `${state.brushSize} px`;
    byId("path-selection").textContent = describe(state);
  }

  render(store.getState());
  return { render, deleteSelectedAnchor };
}

/**
 * What the refine sliders edit when a refine op with a region is selected.
 * @param {EditorState} state @param {import("../state/ops.js").RefineOp} op
 */
function refineTargetText(state, op) {
  const shown = displayedOps(state);
  const number = (/** @type {EditorOp} */ other) => shown.findIndex((candidate) => candidate.id === other.id) + 1;
  const twins = isShaped(op) ? regionTwins(state, op).map(number).filter((n) => n > 0) : [];
  const shared = twins.length ? ` It shares its region with op ${twins.join(", ")}: they move together.` : "";
  return `Op ${number(op)}: inside its region only (drag its corners to reshape it).${shared}`;
}

/** @param {EditorState} state */
function describe(state) {
  const op = selectedOp(state);
  if (!op) return state.drawing ? "Drawing a path." : "No path selected: click one with the Select tool (V), or draw one.";
  const number = displayedOps(state).indexOf(op) + 1;
  if (!("shape" in op) || !op.shape) return `Op ${number} (its path has arcs: select and move it, anchors are not editable).`;
  const anchors = op.shape.subpaths.reduce((sum, path) => sum + path.anchors.length, 0);
  const closed = op.shape.subpaths.every((path) => path.closed) ? "closed" : "open";
  return `Op ${number}: ${anchors} anchor${anchors === 1 ? "" : "s"}, ${closed}${state.drawing ? ", drawing" : ""}.`;
}
