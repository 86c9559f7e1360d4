// @ts-check
/**
 * The channel panel's numbers: Levels points kept in order, the gamma slider's logarithmic scale
 * (Photoshop's 0.1..10 with 1 in the middle), and histogram bars scaled for a small chart.
 */

/** The gamma slider runs 0..200: 0 is 0.1, 100 is 1, 200 is 10. */
export const GAMMA_SLIDER_MAX = 200;

/** @param {number} gamma 0.1..10 @returns {number} 0..200 */
export function gammaToSlider(gamma) {
  return Math.round(100 + 100 * Math.log10(Math.min(10, Math.max(0.1, gamma))));
}

/** @param {number} value 0..200 @returns {number} gamma rounded to 0.01 */
export function sliderToGamma(value) {
  const gamma = 10 ** ((Math.min(GAMMA_SLIDER_MAX, Math.max(0, value)) - 100) / 100);
  return Math.min(10, Math.max(0.1, Math.round(gamma * 100) / 100));
}

/**
 * Levels points as core accepts them: 0 <= black < white <= 255, whole levels. The point being
 * moved wins; the other gives way by one level.
 * @param {number} black @param {number} white @param {"black" | "white"} moved
 * @returns {{black: number, white: number}}
 */
export function orderedLevels(black, white, moved) {
  let b = Math.round(Math.min(254, Math.max(0, black)));
  let w = Math.round(Math.min(255, Math.max(1, white)));
  if (w <= b) {
    if (moved === "black") w = Math.min(255, b + 1);
    else b = Math.max(0, w - 1);
    if (w <= b) b = w - 1;
  }
  return { black: b, white: w };
}

/**
 * Bar heights (0..1) for a 256-bin histogram: square-root scale, normalised so the tallest bar
 * below the 99th percentile fills the chart (a studio background's spike would flatten the rest).
 * @param {readonly number[]} counts
 * @returns {number[]}
 */
export function histogramBars(counts) {
  const roots = counts.map((count) => Math.sqrt(Math.max(0, count)));
  const sorted = roots.filter((value) => value > 0).sort((a, b) => a - b);
  if (sorted.length === 0) return roots.map(() => 0);
  const top = sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))] || 1;
  return roots.map((value) => Math.min(1, value / top));
}

/**
 * Photoshop's Levels as a 256-entry table (as core/levels.py computes it), for the panel's
 * output ramp: input below black is 0, above white 255, gamma bends the middle.
 * @param {number} black @param {number} white @param {number} gamma @param {boolean} invert
 * @returns {number[]}
 */
export function levelsTable(black, white, gamma, invert) {
  const table = [];
  for (let v = 0; v < 256; v += 1) {
    const x = Math.min(1, Math.max(0, (v - black) / Math.max(1e-6, white - black)));
    const y = Math.round(255 * x ** (1 / gamma));
    table.push(invert ? 255 - y : y);
  }
  return table;
}
