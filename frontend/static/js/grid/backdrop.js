// @ts-check
/**
 * Backdrops behind cutouts: which exist, and the URL that keeps the choice. Pure, no DOM.
 */

/** @typedef {"checkerboard" | "white" | "black" | "grey" | "custom"} Backdrop */

/** @type {readonly Backdrop[]} */
export const BACKDROPS = ["checkerboard", "white", "black", "grey", "custom"];
export const DEFAULT_BACKDROP = "checkerboard";
const HEX_COLOUR = /^#[0-9a-f]{6}$/i;

/**
 * @param {string | null | undefined} name
 * @returns {Backdrop}  the name when it is a backdrop, else the checkerboard
 */
export function backdropOf(name) {
  return /** @type {Backdrop} */ (BACKDROPS.includes(/** @type {Backdrop} */ (name)) ? name : DEFAULT_BACKDROP);
}

/**
 * @param {string | null | undefined} value
 * @returns {boolean}  whether ``value`` is a colour like ``#3c6e71``
 */
export function isHexColour(value) {
  return typeof value === "string" && HEX_COLOUR.test(value);
}

/**
 * The CSS class of a backdrop (``backdrop-black``), for the element holding the tiles.
 * @param {string} name
 * @returns {string}
 */
export function backdropClass(name) {
  return `backdrop-${backdropOf(name)}`;
}

/**
 * ``href`` with its ``backdrop`` (and, for a custom backdrop, ``colour``) query parameters set,
 * other parameters kept: links and reloads then show the same backdrop.
 * @param {string} href  absolute, or relative to ``base``
 * @param {string} base
 * @param {string} name
 * @param {string} colour
 * @returns {string}  path, query and hash (same origin)
 */
export function withBackdrop(href, base, name, colour) {
  const url = new URL(href, base);
  url.searchParams.set("backdrop", backdropOf(name));
  if (backdropOf(name) === "custom" && isHexColour(colour)) url.searchParams.set("colour", colour);
  else url.searchParams.delete("colour");
  return `${url.pathname}${url.search}${url.hash}`;
}
