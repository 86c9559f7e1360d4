// @ts-check
/**
 * Selection of items in a list (photo tiles, table rows): pure state, no DOM.
 *
 * Every function returns a new state; the input is never changed. Items are string ids in page
 * order. The anchor is the last item clicked without Shift: a Shift-click sets every item from
 * the anchor to the clicked one (inclusive, either direction) to the clicked item's new value,
 * like a file manager or a mail client.
 *
 * @typedef {{ order: readonly string[], selected: ReadonlySet<string>, anchor: string | null }} Selection
 */

/**
 * @param {readonly string[]} order  item ids in page order (duplicates are dropped)
 * @param {Iterable<string>} [selected]  ids selected at the start (unknown ids are dropped)
 * @returns {Selection}
 */
export function createSelection(order, selected = []) {
  const unique = [...new Set(order)];
  const known = new Set(unique);
  return { order: unique, selected: new Set([...selected].filter((id) => known.has(id))), anchor: null };
}

/**
 * Set one item, and make it the anchor of the next range.
 * @param {Selection} state
 * @param {string} id
 * @param {boolean} value
 * @returns {Selection}
 */
export function setOne(state, id, value) {
  if (!state.order.includes(id)) return state;
  const selected = new Set(state.selected);
  if (value) selected.add(id);
  else selected.delete(id);
  return { ...state, selected, anchor: id };
}

/**
 * @param {Selection} state
 * @param {string} id
 * @returns {Selection}
 */
export function toggle(state, id) {
  return setOne(state, id, !state.selected.has(id));
}

/**
 * Set every item from the anchor to ``id`` (inclusive) to ``value``; the anchor stays.
 * Without an anchor this is ``setOne``.
 * @param {Selection} state
 * @param {string} id
 * @param {boolean} value
 * @returns {Selection}
 */
export function setRange(state, id, value) {
  const end = state.order.indexOf(id);
  const start = state.anchor === null ? -1 : state.order.indexOf(state.anchor);
  if (end < 0) return state;
  if (start < 0) return setOne(state, id, value);
  const [low, high] = start <= end ? [start, end] : [end, start];
  const selected = new Set(state.selected);
  for (const item of state.order.slice(low, high + 1)) {
    if (value) selected.add(item);
    else selected.delete(item);
  }
  return { ...state, selected };
}

/**
 * @param {Selection} state
 * @returns {Selection}
 */
export function selectAll(state) {
  return { ...state, selected: new Set(state.order) };
}

/**
 * @param {Selection} state
 * @returns {Selection}
 */
export function selectNone(state) {
  return { ...state, selected: new Set(), anchor: null };
}

/**
 * The selected ids in page order.
 * @param {Selection} state
 * @returns {string[]}
 */
export function selectedIds(state) {
  return state.order.filter((id) => state.selected.has(id));
}

/**
 * The id ``step`` items away from ``id`` (clamped to the list), for arrow keys: Left/Right move
 * by 1, Up/Down by the number of columns.
 * @param {readonly string[]} order
 * @param {string} id
 * @param {number} step
 * @returns {string | null}  null for an empty list or an unknown id
 */
export function neighbour(order, id, step) {
  const index = order.indexOf(id);
  if (index < 0) return null;
  return order[Math.min(order.length - 1, Math.max(0, index + step))];
}

/**
 * "3 of 48 selected".
 * @param {Selection} state
 * @returns {string}
 */
export function describe(state) {
  return `${state.selected.size} of ${state.order.length} selected`;
}
