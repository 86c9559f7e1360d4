// @ts-check
/**
 * The photos a reviewer has opened this session, for J (forward) and K (back): a list and a
 * position, like a browser's history. Kept in sessionStorage as JSON; its ids also tell "next"
 * which photos not to hand out again.
 */

/** Enough for a long session; the server accepts up to 500 ids to skip. */
export const MAX_TRAIL = 300;

/** @typedef {{ids: readonly number[], index: number}} Trail */

/** @type {Trail} */
export const EMPTY_TRAIL = { ids: [], index: -1 };

/**
 * Record that photo `id` is on screen: a step back or forward when it is the neighbour in the
 * trail, else a new visit (dropping anything after the current position).
 * @param {Trail} trail @param {number} id @returns {Trail}
 */
export function trailVisit(trail, id) {
  if (trail.ids[trail.index] === id) return trail;
  if (trail.ids[trail.index - 1] === id) return { ids: trail.ids, index: trail.index - 1 };
  if (trail.ids[trail.index + 1] === id) return { ids: trail.ids, index: trail.index + 1 };
  const ids = [...trail.ids.slice(0, trail.index + 1), id].slice(-MAX_TRAIL);
  return { ids, index: ids.length - 1 };
}

/** The photo before the current one, or null. @param {Trail} trail */
export function trailBack(trail) {
  return trail.index > 0 ? trail.ids[trail.index - 1] : null;
}

/** The photo after the current one when the reviewer went back, or null. @param {Trail} trail */
export function trailForward(trail) {
  return trail.index >= 0 && trail.index < trail.ids.length - 1 ? trail.ids[trail.index + 1] : null;
}

/** @param {Trail} trail */
export function trailSerialise(trail) {
  return JSON.stringify(trail);
}

/**
 * @param {string | null} text
 * @returns {Trail} the empty trail for anything that is not a well-formed one
 */
export function trailParse(text) {
  if (!text) return EMPTY_TRAIL;
  try {
    const data = JSON.parse(text);
    const ids = Array.isArray(data.ids) ? data.ids : null;
    if (!ids || ids.length > MAX_TRAIL || !ids.every((/** @type {any} */ id) => Number.isInteger(id) && id > 0)) return EMPTY_TRAIL;
    const index = Number.isInteger(data.index) && data.index >= -1 && data.index < ids.length ? data.index : ids.length - 1;
    return { ids, index };
  } catch {
    return EMPTY_TRAIL;
  }
}
