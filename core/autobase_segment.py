"""Segmentation of the work copy for :mod:`core.autobase`: shadowless contrast, then a graph cut.

Contrast against the background model ignores a darkening of the background colour (a soft
shadow); the strong-contrast pixels seed ``cv2.grabCut`` in the boxes around the candidates.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

from core.autobase_background import BackgroundModel, _border_mask
from core.window import Rect

# Darkening of the background colour up to this fraction counts as shadow, not object.
# Studio contact shadows reach 30-45 % darker; dark stones and oxidised metal go further.
SHADOW_DEPTH = 0.5
# A work pixel is clearly object when its contrast exceeds this many noise floors.
STRONG_FACTOR = 2.5
# Fewest connected work pixels for a faint ridge to count as a wire rather than texture.
MIN_RIDGE_PX = 5
# grabCut iterations (each refits the colour models and reruns the max-flow).
CUT_ITERATIONS = 2
# Pixels grabCut may see in all boxes together. It costs ~1.5-3 us/px per iteration on the
# target 2-core machine: 120k px keeps it near 0.3 s. Bigger scenes are cut at a lower
# resolution; the full-size refinement restores their edges.
CUT_BUDGET = 120_000
# How far around the candidates the cut may move the edge, as a fraction of the long side.
CUT_REACH = 0.012
# Seed of OpenCV's RNG for grabCut's k-means (any fixed value: determinism).
CUT_SEED = 12345
# Fewest probable-object pixels (and other pixels) for grabCut's colour models to make sense.
MIN_CUT_SEEDS = 32
# More separate candidate clusters than this are cut as one box.
MAX_CUT_BOXES = 32


# --- contrast ----------------------------------------------------------------------------


def _shadowless_contrast(rgb: np.ndarray, background: np.ndarray) -> np.ndarray:
    """Colour distance to the background that ignores darkening of the background colour.

    With ``k`` the best scale of the background colour ``b`` to the pixel ``c``: chroma
    ``|c - k b|``, brightening ``(k - 1)|b|`` and darkening past :data:`SHADOW_DEPTH`
    count; a plain shadow (``c = k b``, ``k >= 1 - SHADOW_DEPTH``) scores 0.
    (..., 3) float32 in, (...) float32 out.
    """
    bb = np.einsum("...c,...c->...", background, background) + np.float32(1.0)
    k = np.einsum("...c,...c->...", rgb, background) / bb
    chroma = rgb - k[..., None] * background
    tone = np.where(k > 1.0, k - 1.0, np.maximum(np.float32(1.0 - SHADOW_DEPTH) - k, 0.0)) * np.sqrt(bb)
    return np.sqrt(np.einsum("...c,...c->...", chroma, chroma) + tone * tone)


@dataclass(frozen=True, eq=False)
class _Scene:
    """What the work copy says: its contrast and where objects may be."""

    factor: int  # full-size pixels per work pixel along each axis
    small: np.ndarray  # (h, w, 3) float32 work copy
    background: np.ndarray  # (h, w, 3) float32 background model
    contrast: np.ndarray  # (h, w) float32 shadowless contrast
    weak: np.ndarray  # (h, w) bool: above the noise floor and connected to a strong pixel
    strong: np.ndarray  # (h, w) bool: clearly object
    ridge: np.ndarray  # (h, w) bool: weak pixels standing out of their 5x5 surround (wires)


def _measure(small: np.ndarray, model: BackgroundModel, factor: int) -> _Scene:
    """Contrast of the work copy and its thresholds (noise floor from the border strip)."""
    h, w = small.shape[:2]
    background = model._at((np.arange(w) + 0.5) * factor, (np.arange(h) + 0.5) * factor)
    small_f = small.astype(np.float32)
    contrast = _shadowless_contrast(small_f, background)
    border_level = float(np.percentile(contrast[_border_mask(contrast.shape)], 90))
    floor = max(2.0 * border_level, 4.0 * model.noise / factor, 3.0)
    strong = contrast > STRONG_FACTOR * floor
    weak = _keep_seeded(contrast > floor, strong)
    ridge = _drop_specks(weak & (contrast - cv2.medianBlur(contrast, 5) > floor), MIN_RIDGE_PX)
    return _Scene(factor, small_f, background, contrast, weak, strong & weak, ridge)


def _drop_specks(mask: np.ndarray, min_area: int) -> np.ndarray:
    """``mask`` without its 8-connected components smaller than ``min_area`` pixels."""
    _, component, stats, _ = cv2.connectedComponentsWithStats(mask.view(np.uint8), connectivity=8)
    large = stats[:, cv2.CC_STAT_AREA] >= min_area
    large[0] = False
    return large[component]


def _keep_seeded(mask: np.ndarray, seeds: np.ndarray) -> np.ndarray:
    """The 8-connected components of ``mask`` that hold at least one seed pixel."""
    count, component = cv2.connectedComponents(mask.view(np.uint8), connectivity=8)
    seeded = np.zeros(count, bool)
    seeded[np.unique(component[seeds & mask])] = True
    seeded[0] = False
    return seeded[component]


# --- graph cut ---------------------------------------------------------------------------


def _graph_cut(small: np.ndarray, scene: _Scene) -> np.ndarray:
    """Object pixels of the work copy: grabCut in the boxes around the candidates.

    Certain background away from candidates, probable background near them, probable object
    on strong contrast. Boxes holding more than :data:`CUT_BUDGET` pixels in total are cut at
    a proportionally lower resolution.
    """
    h, w = scene.weak.shape
    reach = max(2, round(CUT_REACH * max(h, w)))
    disc = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * reach + 1, 2 * reach + 1))
    near = cv2.dilate(scene.weak.view(np.uint8), disc) > 0
    trimap = np.full((h, w), cv2.GC_BGD, np.uint8)
    trimap[near] = cv2.GC_PR_BGD
    trimap[scene.strong] = cv2.GC_PR_FGD
    boxes = _merged_boxes(near)
    shrink = min(1.0, math.sqrt(CUT_BUDGET / max(1, sum(box.area for box in boxes))))
    labels = scene.strong.copy()
    for box in boxes:
        cut = _cut_box(small[box.slices()], trimap[box.slices()], shrink)
        if cut is not None:
            labels[box.slices()] = cut
    return labels


def _merged_boxes(mask: np.ndarray) -> list[Rect]:
    """Bounding boxes of the components of ``mask``, merged until none touch."""
    _, _, stats, _ = cv2.connectedComponentsWithStats(mask.view(np.uint8), connectivity=8)
    boxes = [Rect(int(x), int(y), int(x + bw), int(y + bh)) for x, y, bw, bh, _ in stats[1:]]
    if len(boxes) > MAX_CUT_BOXES:
        union = boxes[0]
        for box in boxes[1:]:
            union = union.union(box)
        return [union]
    merged = True
    while merged:
        pairs = ((i, j) for i in range(len(boxes)) for j in range(i + 1, len(boxes)))
        touching = next(((i, j) for i, j in pairs if boxes[i].pad(1).intersects(boxes[j])), None)
        merged = touching is not None
        if merged:
            i, j = touching
            boxes[i] = boxes[i].union(boxes.pop(j))
    return boxes


def _cut_box(image: np.ndarray, trimap: np.ndarray, shrink: float) -> np.ndarray | None:
    """grabCut of one box, at ``shrink`` times its size; None where it cannot run."""
    h, w = trimap.shape
    if shrink < 1.0:
        size = (max(1, round(w * shrink)), max(1, round(h * shrink)))
        image = cv2.resize(image, size, interpolation=cv2.INTER_AREA)
        trimap = cv2.resize(trimap, size, interpolation=cv2.INTER_NEAREST)
    else:
        trimap = trimap.copy()
    seeds = int((trimap == cv2.GC_PR_FGD).sum())
    if seeds < MIN_CUT_SEEDS or trimap.size - seeds < MIN_CUT_SEEDS:
        return None
    bgd, fgd = np.zeros((1, 65), np.float64), np.zeros((1, 65), np.float64)
    # grabCut seeds its colour models with k-means++ from OpenCV's per-thread RNG: reseed it
    # so that the same photo always gives the same alpha.
    cv2.setRNGSeed(CUT_SEED)
    try:
        cv2.grabCut(image.astype(np.uint8), trimap, None, bgd, fgd, CUT_ITERATIONS, cv2.GC_INIT_WITH_MASK)
    except cv2.error:  # degenerate colour statistics (too few distinct colours)
        return None
    cut = ((trimap == cv2.GC_FGD) | (trimap == cv2.GC_PR_FGD)).view(np.uint8)
    if shrink < 1.0:
        cut = cv2.resize(cut, (w, h), interpolation=cv2.INTER_NEAREST)
    return cut > 0


def _clean_labels(cut: np.ndarray, scene: _Scene) -> np.ndarray:
    """The cut plus the strong pixels (thin ones a shrunk cut loses), in seeded components."""
    return _keep_seeded(cut | scene.strong, scene.strong)
