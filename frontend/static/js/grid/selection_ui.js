// @ts-check
/**
 * Checkbox selection in a page region (the grid's tiles, the dashboard's photo rows): click,
 * Shift-click ranges, arrow keys, Shift+Space, Ctrl/Cmd+A and Escape, "Select all/none" buttons
 * and a live count. The state lives in ``selection.js``; this module only reads and writes the DOM.
 *
 * The region holds ``input[type=checkbox][data-photo-id]``, optionally buttons ``[data-select=all]``
 * and ``[data-select=none]``, a ``[data-selection-count]`` element and ``[data-selection-submit]``
 * buttons whose label gets the count appended.
 */
import {
  createSelection,
  describe,
  neighbour,
  selectAll,
  selectNone,
  setOne,
  setRange,
} from "./selection.js";

/** @typedef {import("./selection.js").Selection} Selection */

const BOX = 'input[type="checkbox"][data-photo-id]';

/**
 * @param {HTMLElement} root
 * @returns {{ destroy(): void, state(): Selection }}
 */
export function bindSelection(root) {
  const boxes = () => /** @type {HTMLInputElement[]} */ ([...root.querySelectorAll(BOX)]);
  /** @param {HTMLInputElement} box */
  const idOf = (box) => box.dataset.photoId ?? "";
  /** @type {Selection} */
  let state = createSelection(
    boxes().map(idOf),
    boxes().filter((box) => box.checked).map(idOf),
  );
  // A click on a tile's label reaches its checkbox as a new click event; remember the Shift key
  // from the pointer press so a Shift-click on the picture selects a range too.
  let shiftAtPointer = false;

  function render() {
    for (const box of boxes()) box.checked = state.selected.has(idOf(box));
    const count = root.querySelector("[data-selection-count]");
    if (count) count.textContent = describe(state);
    for (const submit of /** @type {NodeListOf<HTMLButtonElement>} */ (root.querySelectorAll("[data-selection-submit]"))) {
      const label = (submit.dataset.label ??= submit.textContent?.trim() ?? "");
      submit.textContent = state.selected.size ? `${label} (${state.selected.size})` : label;
    }
  }

  /** @param {string} id */
  function boxOf(id) {
    return boxes().find((box) => idOf(box) === id) ?? null;
  }

  /** Items per row, from the layout: the boxes sharing the first box's top edge. */
  function columns() {
    const tops = boxes().map((box) => box.getBoundingClientRect().top);
    let n = 0;
    while (n < tops.length && Math.abs(tops[n] - tops[0]) < 2) n += 1;
    return Math.max(1, n);
  }

  /** @param {PointerEvent} event */
  function onPointerDown(event) {
    shiftAtPointer = event.shiftKey;
  }

  /** @param {MouseEvent} event */
  function onClick(event) {
    const target = /** @type {HTMLElement} */ (event.target);
    const button = target.closest("[data-select]");
    if (button instanceof HTMLElement && root.contains(button)) {
      state = button.dataset.select === "all" ? selectAll(state) : selectNone(state);
      render();
      return;
    }
    if (!(target instanceof HTMLInputElement) || !target.matches(BOX)) return;
    const id = idOf(target);
    const range = event.shiftKey || shiftAtPointer;
    state = range ? setRange(state, id, target.checked) : setOne(state, id, target.checked);
    shiftAtPointer = false;
    render();
  }

  /** @param {KeyboardEvent} event */
  function onKeyDown(event) {
    const target = /** @type {HTMLElement} */ (event.target);
    if (!(target instanceof HTMLInputElement) || !target.matches(BOX)) return;
    const id = idOf(target);
    const steps = {
      ArrowLeft: -1,
      ArrowRight: 1,
      ArrowUp: -columns(),
      ArrowDown: columns(),
      Home: -state.order.length,
      End: state.order.length,
    };
    if (event.key in steps) {
      event.preventDefault();
      const next = neighbour(state.order, id, steps[/** @type {keyof typeof steps} */ (event.key)]);
      if (next === null) return;
      if (event.shiftKey) {
        if (state.anchor === null) state = setOne(state, id, true);
        state = setRange(state, next, true);
        render();
      }
      boxOf(next)?.focus();
    } else if (event.key === " " && event.shiftKey) {
      event.preventDefault();
      state = setRange(state, id, !state.selected.has(id));
      render();
    } else if ((event.key === "a" || event.key === "A") && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      state = selectAll(state);
      render();
    } else if (event.key === "Escape") {
      state = selectNone(state);
      render();
    }
  }

  root.addEventListener("pointerdown", onPointerDown);
  root.addEventListener("click", onClick);
  root.addEventListener("keydown", onKeyDown);
  render();
  return {
    destroy() {
      root.removeEventListener("pointerdown", onPointerDown);
      root.removeEventListener("click", onClick);
      root.removeEventListener("keydown", onKeyDown);
    },
    state: () => state,
  };
}
