// @ts-check
/**
 * The list of the recipe's ops, in the order they apply: each can be selected, hidden (kept in
 * the recipe with `enabled: false`), moved up or down, or deleted; each is one undo step.
 * Rebuilt only when the committed ops or the selection change, not while something is dragged.
 */

import { opSummary } from "../state/ops.js";

/** @typedef {import("../state/editor_state.js").EditorState} EditorState */
/** @typedef {import("../state/ops.js").EditorOp} EditorOp */

/**
 * @param {HTMLOListElement} list
 * @param {{getState: () => EditorState, dispatch: (action: any) => EditorState}} store
 * @param {{onCommitted: () => void, onFocusOp: (op: EditorOp) => void}} hooks
 */
export function bindOpsList(list, store, hooks) {
  /** @type {readonly EditorOp[] | null} */
  let shownOps = null;
  /** @type {string | null} */
  let shownSelection = null;

  /** @param {string} label @param {any[]} changes */
  function commit(label, changes) {
    store.dispatch({ type: "commit", set: { label, changes } });
    hooks.onCommitted();
  }

  list.addEventListener("click", (event) => {
    const button = /** @type {HTMLElement | null} */ (event.target instanceof Element ? event.target.closest("button[data-action]") : null);
    if (!button) return;
    const ops = store.getState().doc.ops;
    const index = ops.findIndex((op) => op.id === button.dataset.op);
    const op = ops[index];
    if (!op) return;
    switch (button.dataset.action) {
      case "select":
        store.dispatch({ type: "select", opId: op.id });
        hooks.onFocusOp(op);
        break;
      case "up":
        if (index > 0) commit("Move an op up", [{ kind: "move", from: index, to: index - 1 }]);
        break;
      case "down":
        if (index < ops.length - 1) commit("Move an op down", [{ kind: "move", from: index, to: index + 1 }]);
        break;
      case "delete":
        commit(`Delete ${opSummary(op).split(" · ")[0].toLowerCase()}`, [{ kind: "remove", index, op }]);
        break;
      default:
        break;
    }
  });
  list.addEventListener("change", (event) => {
    const box = /** @type {HTMLInputElement} */ (event.target);
    if (!box.matches("input[data-action=visible]")) return;
    const op = store.getState().doc.ops.find((candidate) => candidate.id === box.dataset.op);
    if (!op) return;
    commit(box.checked ? "Show an op" : "Hide an op", [{ kind: "update", before: op, after: { ...op, enabled: box.checked } }]);
  });

  /** @param {string} tag @param {Record<string, string>} attributes @param {string} [text] */
  function element(tag, attributes, text) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, value);
    if (text !== undefined) node.textContent = text;
    return node;
  }

  /**
   * The op's select button: its number and summary, whole. The summary wraps between its parts
   * ("reach 16 px" stays on one line), never cut short.
   * @param {EditorOp} op @param {number} index @param {string} summary
   */
  function label(op, index, summary) {
    const [name, ...details] = summary.split(" · ");
    const button = element("button", { type: "button", class: "link-button op-label", "data-action": "select", "data-op": op.id }, `${index + 1}. ${name}`);
    for (const detail of details) button.append(" · ", element("span", { class: "op-part" }, detail));
    return button;
  }

  /** @param {EditorState} state */
  function render(state) {
    const ops = state.doc.ops;
    if (ops === shownOps && state.selection.opId === shownSelection) return;
    shownOps = ops;
    shownSelection = state.selection.opId;
    const items = ops.map((op, index) => {
      const item = element("li", { class: `op-item${op.enabled ? "" : " is-hidden"}`, "data-op-item": op.id });
      if (op.id === state.selection.opId) item.setAttribute("aria-current", "true");
      const summary = opSummary(op);
      const visible = element("input", { type: "checkbox", "data-action": "visible", "data-op": op.id, "aria-label": `Show op ${index + 1}: ${summary}` });
      /** @type {HTMLInputElement} */ (visible).checked = op.enabled;
      item.append(
        visible,
        label(op, index, summary),
        element("button", { type: "button", class: "button-small", "data-action": "up", "data-op": op.id, "aria-label": `Move op ${index + 1} up` }, "↑"),
        element("button", { type: "button", class: "button-small", "data-action": "down", "data-op": op.id, "aria-label": `Move op ${index + 1} down` }, "↓"),
        element("button", { type: "button", class: "button-small", "data-action": "delete", "data-op": op.id, "aria-label": `Delete op ${index + 1}` }, "✕"),
      );
      /** @type {HTMLButtonElement} */ (item.children[2]).disabled = index === 0;
      /** @type {HTMLButtonElement} */ (item.children[3]).disabled = index === ops.length - 1;
      return item;
    });
    if (items.length === 0) items.push(element("li", { class: "muted" }, "No ops yet: the AI mask as it is."));
    list.replaceChildren(...items);
  }

  return { render };
}
