"""Thin structures the AI mask lost: prongs, chains and wires 1-6 px wide.

Works at full resolution (a 2 px wire is gone at any reduction) with uint8 morphology, which
OpenCV runs in ~15 ms per pass on 24 MP. The physics and how each step answers it:

* A wire is a **ridge**: lighter or darker than the pixels a few px either side of it. A
  morphological top-hat (image minus its opening by a :data:`RIDGE_DISC_PX` disc; closing minus
  image for dark ridges) keeps exactly the structures narrower than the disc, whatever the
  sweep's gradient or a soft shadow (10-20 px sigma) does underneath. A light Gaussian
  (:data:`PRESMOOTH_SIGMA`) first averages sensor noise across the 1-2 px of a wire.
* Ridges are searched in **luma** (R, G, B weighted 0.299, 0.587, 0.114). Measured on the dev
  set: the blue channel (most contrast for yellow gold) or a chroma image also finds faint gold
  prongs, but JPEG's subsampled, coarsely quantised chroma makes blotches of the metal's colour
  around every coloured edge and inside chain links: with the true alpha as the mask, the blue
  channel found about 200 false structures on the 12 dev scenes, luma none.
* **Noise** is measured on the photo itself: the top-hat's robust spread over the pixels the
  AI calls background, far from the piece. Seeds stand :data:`SEED_Z` sigmas out, and a
  structure grows from them through pixels above :data:`GROW_Z` (hysteresis, as in Canny).
  A faint straight chain or wire at 5-8 sigmas may hold no seed at all: a connected run of
  pixels above :data:`GROW_Z` spanning :data:`LONG_RIDGE_PX` needs none (noise makes specks a
  few px across, not lines). Measured: the upper stretches of dev_011's pendant chain; with the
  true alpha as the mask, still no structure on any dev scene.
* **Shadows** darken R, G and B by one factor, so a neutral dark ridge may be a shadow's edge:
  such structures are marked ``neutral_dark`` (shape evidence only: lower confidence).
* A structure the AI drew faintly (a sub-pixel prong's anti-aliased alpha, a stretch kept at
  half opacity) is a ridge in the AI alpha too (:data:`DRAWN_RIDGE`): not lost. A halo is a
  smooth spread of alpha, no ridge, so a wire under a halo is still lost.
* The AI mask's own **edge** shows ridges (JPEG ringing, a rim 1 px outside a soft edge): the
  :data:`EDGE_ZONE_PX` next to the AI's solid part are not searched, so a lost prong is found
  from where it leaves the body. A **contact shadow** is a dark band a few px off the outline,
  parallel to it: a structure must reach :data:`MIN_REACH_PX` from the solid part (a prong or
  a chain does; a contact shadow does not), have :data:`MIN_PIXELS` pixels and span
  :data:`MIN_LENGTH_PX` (a wire is long, a JPEG blotch is not).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

# Ridges up to 6 px wide (the benchmark's thin structures) fit inside a 9 px disc with the
# pre-smoothing's half pixel either side to spare.
RIDGE_DISC_PX = 9
PRESMOOTH_SIGMA = 0.7
# Hysteresis in robust sigmas of the top-hat over background pixels.
SEED_Z, GROW_Z = 9.0, 4.0
# A dark ridge pixel whose R, G, B spread is under this many levels is neutral: grey metal or
# shadow, which colour cannot tell apart.
NEUTRAL_CHROMA = 12
# Where the AI already has the piece (alpha >= this of 255), nothing is lost.
LOST_ALPHA = 128
# The edge zone: within this many px of the AI's solid part.
EDGE_ZONE_PX = 3
MIN_REACH_PX = 10
MIN_PIXELS = 12
# A wire is long: a structure must span this many px (a JPEG chroma blotch spans 4-8).
MIN_LENGTH_PX = 12
# ... and a long one needs no seed: a faint straight chain at 5-8 sigmas (under SEED_Z) that
# spans this many px above GROW_Z is no noise (noise specks above GROW_Z span a few px).
LONG_RIDGE_PX = 64
# Ridge pixels are grouped on a grid of this many px before labelling (speed only).
CLUSTER_CELL_PX = 16
# The core of a structure: pixels at or above this fraction of its peak ridge contrast.
CORE_FRACTION = 0.5
# AI alpha ridges at least this high (of 255) mean the AI drew the structure (faintly).
DRAWN_RIDGE = 64
# Background pixels used to measure the top-hat's noise: AI alpha 0 and this far from the piece.
NOISE_MARGIN_PX = 15
NOISE_SAMPLES = 400_000  # pixels sampled for the noise and clutter figures
# A floor on the top-hat's sigma (levels): 8-bit quantisation of a perfectly clean sweep.
MIN_SIGMA = 0.6


@dataclass(frozen=True)
class ThinStructure:
    """One lost thin structure (a connected set of ridge pixels outside the AI's solid part).

    Attributes
    ----------
    box : tuple of 4 int
        ``(x, y, w, h)`` in image pixels.
    pixels : int
        Ridge pixels the AI lacks (outside the edge zone).
    reach : float
        Distance in px from the AI's solid part to the structure's farthest pixel, capped at
        ``2 * MIN_REACH_PX`` (also for a structure with no solid part near it).
    strength : float
        Median ridge contrast in noise sigmas (the best channel and direction per pixel).
    neutral_dark : bool
        Found mostly as a neutral dark ridge (shape evidence only: a shadow looks the same).
    """

    box: tuple[int, int, int, int]
    pixels: int
    reach: float
    strength: float
    neutral_dark: bool


@dataclass(frozen=True)
class ThinResult:
    """Lost thin structures and how cluttered the background is.

    Attributes
    ----------
    structures : tuple of ThinStructure
    core : ndarray of bool, shape (H, W)
        Their cores: the pixels where the ridge reaches half its peak contrast
        (:data:`CORE_FRACTION` of the structure's 90th-percentile contrast). A wire blurred by
        the lens keeps its true width at half its peak, so the core is the part an alpha of at
        least 0.5 should cover.
    clutter : float
        Fraction of far-background pixels that seed a ridge: ~0 on a studio sweep, a few
        percent on a cluttered scene, where a ridge is no evidence of a lost wire.
    """

    structures: tuple[ThinStructure, ...]
    core: np.ndarray
    clutter: float


def find_thin_loss(rgb: np.ndarray, ai_alpha: np.ndarray, *, max_clutter: float = math.inf) -> ThinResult:
    """Find thin structures that the AI mask leaves (mostly) transparent.

    Parameters
    ----------
    rgb : ndarray, shape (H, W, 3), uint8
    ai_alpha : ndarray, shape (H, W), uint8
    max_clutter : float
        Above this clutter the structures are not traced (``structures`` empty, ``core`` all
        False): the caller has no use for ridges on a background this busy
        (:func:`core.detect.detect` turns to shape evidence there), and tracing them is most of
        the time on a cluttered 24 MP photo.

    Returns
    -------
    ThinResult

    Examples
    --------
    >>> rgb = np.full((60, 60, 3), 230, np.uint8); rgb[10:50, 29:31] = (200, 160, 60)
    >>> a = np.zeros((60, 60), np.uint8); a[40:60, 10:50] = 255; rgb[40:60, 10:50] = (200, 160, 60)
    >>> r = find_thin_loss(rgb, a)
    >>> [s.box for s in r.structures]
    [(27, 9, 6, 28)]
    """
    solid = ai_alpha >= LOST_ALPHA
    # A thin structure the AI drew faintly (a sub-pixel prong's anti-aliased alpha, a stretch
    # kept at half opacity) is a ridge in the AI alpha too: not lost. A halo is smooth: no ridge.
    drawn = cv2.morphologyEx(ai_alpha, cv2.MORPH_TOPHAT, _disc(RIDGE_DISC_PX)) >= DRAWN_RIDGE
    excluded = _dilate(solid, EDGE_ZONE_PX) | drawn
    # Far background (for the noise and clutter figures): a square margin is as good as a disc
    # here and separable (twice as fast on 24 MP).
    square = np.ones((2 * NOISE_MARGIN_PX + 1, 2 * NOISE_MARGIN_PX + 1), np.uint8)
    far = cv2.dilate((ai_alpha > 0).view(np.uint8), square) == 0
    disc = _disc(RIDGE_DISC_PX)

    seeds = np.zeros(solid.shape, bool)
    grow = np.zeros(solid.shape, bool)
    hats = []
    luma = cv2.GaussianBlur(cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY), (0, 0), PRESMOOTH_SIGMA)
    for op in (cv2.MORPH_TOPHAT, cv2.MORPH_BLACKHAT):
        hat = cv2.morphologyEx(luma, op, disc)
        centre, sigma = _spread(hat, far)
        seeds |= hat >= centre + SEED_Z * sigma
        grow |= hat >= centre + GROW_Z * sigma
        hats.append((hat, centre, sigma))
    step = _sample_step(far.size)
    far_sample = far[::step, ::step]
    clutter = float(np.count_nonzero(seeds[::step, ::step] & far_sample)) / max(1, int(np.count_nonzero(far_sample)))
    structures = []
    core = np.zeros(solid.shape, bool)
    if clutter > max_clutter:
        return ThinResult((), core, clutter)
    seeds &= ~excluded
    grow &= ~excluded
    for box, group in _clusters(grow, seeds):
        structures += _structures(group, seeds, solid, rgb, hats, box, core)
    return ThinResult(tuple(structures), core, clutter)


def _clusters(grow: np.ndarray, seeds: np.ndarray) -> list[tuple[tuple[slice, slice], np.ndarray]]:
    """The connected groups of ``grow`` that hold a seed or may span LONG_RIDGE_PX, as (box, the
    group's pixels within the box), found on a CLUSTER_CELL_PX grid: labelling a few small crops
    instead of the whole image (0.35 s on 24 MP), and skipping the many seedless specks of noise."""
    cell = CLUSTER_CELL_PX
    rows, cols = grow.shape
    size = (math.ceil(cols / cell), math.ceil(rows / cell))
    # Area-averaging 255s: one pixel in a cell still leaves 255 / cell**2 >= 1 (max pooling).
    pooled = cv2.resize(cv2.multiply(grow.view(np.uint8), 255), size, interpolation=cv2.INTER_AREA)
    seeded = cv2.resize(cv2.multiply(seeds.view(np.uint8), 255), size, interpolation=cv2.INTER_AREA) > 0
    occupied = cv2.dilate((pooled > 0).view(np.uint8), np.ones((3, 3), np.uint8))
    n, labels, stats, _ = cv2.connectedComponentsWithStats(occupied, connectivity=8)
    keep = np.bincount(labels[seeded], minlength=n) > 0
    # Cells are dilated by one, so a cluster spans (its ridge's span) / cell + 2 cells.
    keep |= np.maximum(stats[:, cv2.CC_STAT_WIDTH], stats[:, cv2.CC_STAT_HEIGHT]) >= LONG_RIDGE_PX / cell + 2
    keep[0] = False
    out = []
    for k in np.flatnonzero(keep[1:]) + 1:
        x, y, w, h = (int(v) for v in stats[k][:4])
        ys = slice(y * cell, min(rows, (y + h) * cell))
        xs = slice(x * cell, min(cols, (x + w) * cell))
        mine = np.repeat(np.repeat(labels[y : y + h, x : x + w] == k, cell, axis=0), cell, axis=1)
        out.append(((ys, xs), mine[: ys.stop - ys.start, : xs.stop - xs.start] & grow[ys, xs]))
    return out


def _structures(group, seeds, solid, rgb, hats, box, core) -> list[ThinStructure]:
    """The structures among ``group`` (ridge pixels of the crop ``box``); their cores are
    written into ``core``."""
    ys, xs = box
    n, labels, stats, _ = cv2.connectedComponentsWithStats(group.view(np.uint8), connectivity=8)
    seeded = np.bincount(labels[seeds[ys, xs]], minlength=n) > 0
    span = np.maximum(stats[:, cv2.CC_STAT_WIDTH], stats[:, cv2.CC_STAT_HEIGHT])
    seeded |= span >= LONG_RIDGE_PX
    seeded[0] = False
    seeded &= stats[:, cv2.CC_STAT_AREA] >= MIN_PIXELS
    seeded &= span >= MIN_LENGTH_PX
    structures = []
    for label in np.flatnonzero(seeded):
        x, y, w, h, area = (int(v) for v in stats[label])
        where = labels[y : y + h, x : x + w] == label
        x, y = x + xs.start, y + ys.start
        reach = _reach(solid, (x, y, w, h), where)
        if reach < MIN_REACH_PX:
            continue
        strength_map, neutral_map, contrast = _strength(hats, rgb, (slice(y, y + h), slice(x, x + w)))
        strength = float(np.median(strength_map[where]))
        peak = float(np.percentile(contrast[where], 90))
        centre = where & (contrast >= CORE_FRACTION * peak)
        neutral = bool(np.mean(neutral_map[centre]) > 0.5) if centre.any() else False
        core[y : y + h, x : x + w] |= centre
        structures.append(ThinStructure((x, y, w, h), area, reach, strength, neutral))
    return structures


def _sample_step(size: int) -> int:
    """Stride (in both directions) that leaves about NOISE_SAMPLES pixels of an image."""
    return max(1, int(math.sqrt(size / NOISE_SAMPLES)))


def _reach(solid: np.ndarray, box: tuple[int, int, int, int], where: np.ndarray) -> float:
    """Distance from ``solid`` to the farthest pixel of ``where`` (a mask over ``box``), capped."""
    cap = 2 * MIN_REACH_PX
    x, y, w, h = box
    rows, cols = solid.shape
    y0, x0 = max(0, y - cap), max(0, x - cap)
    crop = solid[y0 : min(rows, y + h + cap), x0 : min(cols, x + w + cap)]
    if not crop.any():
        return float(cap)
    distance = cv2.distanceTransform((~crop).view(np.uint8), cv2.DIST_L2, 3)
    inner = distance[y - y0 : y - y0 + h, x - x0 : x - x0 + w]
    return float(min(cap, inner[where].max()))


def _strength(hats, rgb, box) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Over ``box``: the ridge contrast in noise sigmas per pixel (the stronger of the bright and
    dark top-hats of luma), whether it is a neutral (shadow-like) dark ridge, and the contrast of
    that top-hat in levels above its background centre."""
    ys, xs = box
    (bright, c_b, s_b), (dark, c_d, s_d) = hats
    level_bright = bright[ys, xs].astype(np.float32) - c_b
    level_dark = dark[ys, xs].astype(np.float32) - c_d
    z_bright, z_dark = level_bright / s_b, level_dark / s_d
    pixels = rgb[ys, xs].astype(np.float32)
    chroma = pixels.max(axis=2) - pixels.min(axis=2)
    darker = z_dark > z_bright
    neutral = darker & (chroma < NEUTRAL_CHROMA)
    return np.maximum(z_bright, z_dark), neutral, np.where(darker, level_dark, level_bright)


def _spread(hat: np.ndarray, where: np.ndarray) -> tuple[float, float]:
    """Robust centre and sigma of ``hat`` over ``where`` (on a strided sample)."""
    step = _sample_step(hat.size)
    values = hat[::step, ::step][where[::step, ::step]]
    if values.size < 100:
        values = hat[::step, ::step].ravel()
    values = values.astype(np.float32)
    centre = float(np.median(values))
    sigma = 1.4826 * float(np.median(np.abs(values - centre)))
    return centre, max(MIN_SIGMA, sigma)


def _disc(diameter: int) -> np.ndarray:
    return cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (diameter, diameter))


def _dilate(mask: np.ndarray, radius: int) -> np.ndarray:
    return cv2.dilate(mask.view(np.uint8), _disc(2 * radius + 1)).astype(bool)
