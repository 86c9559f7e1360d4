// @ts-check
/**
 * The channel-mask panel for the selected channel op: the region's R, G and B side by side with
 * core's contrast score each (the best one chosen while the op is automatic), the channel's
 * histogram under the Levels sliders (black, gamma, white), invert and mode. Moving a Levels
 * slider turns automatic levels into Photoshop's plain Levels, starting from what core had
 * resolved, so the mask does not jump. The preview shows the result live inside the region.
 */

import { opChange, selectedOp } from "../state/editor_state.js";
import { gammaToSlider, histogramBars, orderedLevels, sliderToGamma } from "../state/levels.js";
import { problemText, requestJson } from "./api.js";

/** @typedef {import("../state/editor_state.js").EditorState} EditorState */
/** @typedef {import("../state/ops.js").ChannelOp} ChannelOp */
/**
 * @typedef {{box: number[], area: number, scores: Record<string, number>, best: string,
 *   histograms: Record<string, number[]>, pictures: Record<string, string>,
 *   levels: {channel: string, black: number, white: number, gamma: number, invert: boolean, adaptive: boolean}}} Analysis
 */

const CHANNEL_NAMES = { r: "Red", g: "Green", b: "Blue" };

/** @param {string} id */
function byId(id) {
  const element = document.getElementById(id);
  if (!element) throw new Error(`the editor page has no #${id}`);
  return element;
}

/**
 * @param {{getState: () => EditorState, dispatch: (action: any) => EditorState}} store
 * @param {{url: string, onLive: () => void, onCommitted: () => void}} hooks
 */
export function bindChannelPanel(store, { url, onLive, onCommitted }) {
  const controls = byId("channel-controls");
  const empty = byId("channel-empty");
  const status = byId("channel-status");
  const histogram = /** @type {HTMLCanvasElement} */ (byId("channel-histogram"));
  const auto = /** @type {HTMLInputElement} */ (byId("channel-auto"));
  const black = /** @type {HTMLInputElement} */ (byId("levels-black"));
  const gamma = /** @type {HTMLInputElement} */ (byId("levels-gamma"));
  const white = /** @type {HTMLInputElement} */ (byId("levels-white"));
  const invert = /** @type {HTMLSelectElement} */ (byId("channel-invert"));
  /** @type {NodeListOf<HTMLInputElement>} */
  const picks = document.querySelectorAll("input[name=channel-pick]");
  /** @type {NodeListOf<HTMLInputElement>} */
  const modes = document.querySelectorAll("input[name=channel-mode]");
  /** @type {Map<string, Analysis>} */
  const analyses = new Map();
  /** @type {string | null} */
  let loading = null;

  /** @param {ChannelOp} op @param {"ai" | "auto"} base */
  function keyOf(op, base) {
    return `${base}|${op.channel}|${op.region}`;
  }

  /** @param {ChannelOp} op @param {"ai" | "auto"} base */
  async function analyse(op, base) {
    const key = keyOf(op, base);
    if (analyses.has(key) || loading === key || !op.region) return;
    loading = key;
    status.textContent = "Measuring the region's channels…";
    const answer = await requestJson("POST", url, { region: op.region, channel: op.channel, base });
    if (loading === key) loading = null;
    if (!answer.ok) {
      status.textContent = `The channels could not be measured: ${problemText(answer)}`;
      return;
    }
    analyses.set(key, answer.data);
    status.textContent = "";
    render(store.getState());
  }

  /** @returns {[ChannelOp | null, Analysis | null]} */
  function current() {
    const state = store.getState();
    const op = selectedOp(state);
    if (!op || op.op !== "channel") return [null, null];
    return [op, analyses.get(keyOf(op, state.doc.base)) ?? null];
  }

  /** @param {ChannelOp} op @param {boolean} final @param {string} label @param {string} [slider] steps in quick succession merge */
  function edit(op, final, label, slider) {
    if (!final) {
      store.dispatch({ type: "transient/set", op });
      onLive();
      return;
    }
    const set = opChange(store.getState(), op, label);
    // A slider's steps in quick succession are one undo step (history.js).
    store.dispatch({ type: "commit", set: slider ? { ...set, merge: { key: `${slider}:${op.id}`, at: performance.now() } } : set });
    onCommitted();
  }

  /** The op with plain Levels, starting from what core resolved. @param {ChannelOp} op @param {Analysis} analysis */
  function manual(op, analysis) {
    const levels = analysis.levels;
    return {
      ...op,
      channel: /** @type {ChannelOp["channel"]} */ (op.channel === "auto" ? analysis.best : op.channel),
      black: op.black ?? Math.round(levels.black),
      white: op.white ?? Math.round(levels.white),
      invert: op.invert ?? levels.invert,
    };
  }

  /** @param {"black" | "white"} moved @param {boolean} final */
  function levelsMoved(moved, final) {
    const [op, analysis] = current();
    if (!op || !analysis) return;
    const base = manual(op, analysis);
    const ordered = orderedLevels(moved === "black" ? Number(black.value) : base.black ?? 0, moved === "white" ? Number(white.value) : base.white ?? 255, moved);
    edit({ ...base, ...ordered }, final, "Channel levels", moved);
  }

  black.addEventListener("input", () => levelsMoved("black", false));
  black.addEventListener("change", () => levelsMoved("black", true));
  white.addEventListener("input", () => levelsMoved("white", false));
  white.addEventListener("change", () => levelsMoved("white", true));
  /** @param {boolean} final */
  const gammaMoved = (final) => {
    const [op] = current();
    if (op) edit({ ...op, gamma: sliderToGamma(Number(gamma.value)) }, final, "Channel gamma", "gamma");
  };
  gamma.addEventListener("input", () => gammaMoved(false));
  gamma.addEventListener("change", () => gammaMoved(true));
  auto.addEventListener("change", () => {
    const [op, analysis] = current();
    if (!op) return;
    if (auto.checked) edit({ ...op, channel: "auto", black: null, white: null, invert: null }, true, "Automatic channel mask");
    else if (analysis) edit(manual(op, analysis), true, "Manual channel mask");
  });
  for (const radio of picks) {
    radio.addEventListener("change", () => {
      const [op] = current();
      if (op && radio.checked) edit({ ...op, channel: /** @type {ChannelOp["channel"]} */ (radio.value) }, true, `Channel ${radio.value.toUpperCase()}`);
    });
  }
  invert.addEventListener("change", () => {
    const [op] = current();
    if (op) edit({ ...op, invert: invert.value === "auto" ? null : invert.value === "yes" }, true, "Channel invert");
  });
  for (const radio of modes) {
    radio.addEventListener("change", () => {
      const [op] = current();
      if (op && radio.checked) edit({ ...op, mode: /** @type {ChannelOp["mode"]} */ (radio.value) }, true, `Channel mode ${radio.value}`);
    });
  }

  /** @param {Analysis} analysis @param {string} channel @param {number} b @param {number} w */
  function drawHistogram(analysis, channel, b, w) {
    const context = /** @type {CanvasRenderingContext2D} */ (histogram.getContext("2d"));
    const { width, height } = histogram;
    context.clearRect(0, 0, width, height);
    context.fillStyle = "rgba(0, 0, 0, 0.08)";
    context.fillRect(0, 0, (b / 255) * width, height);
    context.fillRect((w / 255) * width, 0, width - (w / 255) * width, height);
    context.fillStyle = { r: "#b3261e", g: "#1d7a3c", b: "#1f5fbf" }[/** @type {"r"} */ (channel)] ?? "#333";
    const bars = histogramBars(analysis.histograms[channel] ?? []);
    const bar = width / 256;
    bars.forEach((value, index) => context.fillRect(index * bar, height - value * height, Math.max(1, bar), value * height));
  }

  /** @param {EditorState} state */
  function render(state) {
    const op = selectedOp(state);
    const channelOp = op && op.op === "channel" ? op : null;
    controls.hidden = !channelOp;
    empty.hidden = Boolean(channelOp);
    if (!channelOp) return;
    const analysis = analyses.get(keyOf(channelOp, state.doc.base));
    if (!analysis) {
      if (!state.transient) analyse(channelOp, state.doc.base);
      return;
    }
    const shown = channelOp.channel === "auto" ? analysis.best : channelOp.channel;
    for (const radio of picks) {
      const name = /** @type {"r" | "g" | "b"} */ (radio.value);
      radio.checked = radio.value === shown;
      const figure = /** @type {HTMLElement} */ (radio.closest("label"));
      figure.classList.toggle("is-best", name === analysis.best);
      const picture = /** @type {HTMLImageElement} */ (figure.querySelector("img"));
      if (picture.src !== analysis.pictures[name]) picture.src = analysis.pictures[name];
      picture.alt = `${CHANNEL_NAMES[name]} channel of the region`;
      /** @type {HTMLElement} */ (figure.querySelector(".channel-score")).textContent =
        `${name.toUpperCase()} · ${analysis.scores[name].toFixed(1)}${name === analysis.best ? " · best" : ""}`;
    }
    const automatic = channelOp.channel === "auto" && channelOp.black === null && channelOp.white === null;
    auto.checked = automatic;
    const b = channelOp.black ?? analysis.levels.black;
    const w = channelOp.white ?? analysis.levels.white;
    black.value = String(Math.round(b));
    white.value = String(Math.round(w));
    gamma.value = String(gammaToSlider(channelOp.gamma));
    byId("levels-values").textContent = `${Math.round(b)} · ${channelOp.gamma.toFixed(2)} · ${Math.round(w)}${channelOp.black === null ? " (auto)" : ""}`;
    invert.value = channelOp.invert === null ? "auto" : channelOp.invert ? "yes" : "no";
    for (const radio of modes) radio.checked = radio.value === channelOp.mode;
    byId("channel-area").textContent = `${analysis.area} px in the region`;
    drawHistogram(analysis, shown, b, w);
  }

  return { render };
}
