"""A built-in base alpha for studio shots (the recipe's ``"base": "auto"``).

When no AI result is supplied, :func:`auto_alpha` separates jewelry from a plain studio
background (white, grey or tinted sweep with gradient, vignette and soft shadows):

1. **Background model** (:func:`estimate_background`): one cubic polynomial per channel,
   fitted robustly first to the border strip, then to every pixel the border fit explains.
   Sweeps and vignettes are smooth; objects, shadows and chains that leave the frame are
   trimmed away as outliers.
2. **Shadowless contrast** against the model: a pixel that is the background colour scaled
   darker (a shadow) has none; chroma, brightening and darkening deeper than any soft shadow
   (:data:`SHADOW_DEPTH`) count.
3. **Graph cut** (``cv2.grabCut``) on a copy shrunk by a whole factor to a long side near
   :data:`WORK_SIDE`, started from the contrast: probable object where contrast is high,
   probable background near it, certain background elsewhere; only the boxes around the
   candidates are cut (at a lower resolution when they are large, see :data:`CUT_BUDGET`).
4. **Full-size edges**: in a band around the cut's edge, and on faint ridges the cut missed
   (wires thinner than a work pixel), alpha is the full-size pixel's contrast against the
   local background over the contrast of the nearest pure object pixel (within
   :data:`PEAK_RADIUS`), steepened by :data:`EDGE_GAIN`.

Pixel work happens on the shrunk copy, plus gathers of the band at full size: a 24-megapixel
photo costs about 0.6 s of one core (the graph cut, ~0.2-0.3 s, is bounded by the budget).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

from core.errors import CoreError
from core.window import Rect

# Target long side of the work copy (reached within a factor 1.5: it is shrunk by a whole
# factor so that every work pixel is an exact block of full-size pixels).
WORK_SIDE = 1024
# Long side of the copy the background is fitted on: it is smooth, and 128 px gives
# ~10k samples for 10 coefficients per channel.
MODEL_SIDE = 128
# Width of the border strip that seeds the background model, as a fraction of the short side.
BORDER_FRACTION = 0.04
# Quadratic from the border alone (tamer inwards), cubic once the interior is known.
BORDER_DEGREE = 2
INTERIOR_DEGREE = 3
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
# Radius (full-size px) within which an edge pixel finds its nearest pure object colour.
PEAK_RADIUS = 2
# The full-size reference contrast is at least this share of the highest work-size object
# contrast within 2 work px: it keeps a pixel beside a weak edge from being its own
# reference, and stays below 1 so that wires thinner than a work pixel (whose work-size
# contrast is diluted) are still judged by their full-size peak.
REF_SHARE = 0.75
# Full-size contrast up to this many noise sigmas counts as background.
NOISE_DEADZONE = 3.0
# JPEG ringing and chroma bleed beside an edge reach about this fraction of its contrast.
RINGING = 0.1
# Contrast applied around alpha 0.5 in the band: undoes the lens/demosaic/JPEG blur that
# spreads a sharp metal edge over 2-3 px (the cut-out should stay crisp).
EDGE_GAIN = 2.0


@dataclass(frozen=True, eq=False)
class BackgroundModel:
    """A smooth studio background: one polynomial per RGB channel over the whole image.

    Its variables are normalised pixel-centre coordinates ``u = (x + 0.5) / W * 2 - 1`` and
    ``v = (y + 0.5) / H * 2 - 1``, so the model does not depend on the resolution it is
    rendered at.

    Attributes
    ----------
    coefficients : ndarray, shape (n_terms, 3), float64
        Coefficients of ``u**i * v**j`` for ``i + j <= degree`` (``i`` the outer loop).
    degree : int
    shape : tuple of int
        ``(H, W)`` of the image the model describes.
    noise : float
        Robust standard deviation of the background's pixel noise at full size (8-bit levels).
    residual : float
        Robust standard deviation of the fit's residuals on the ~128 px copy (8-bit levels,
        colour distance). About 1 on a studio sweep; tens on a cluttered or hard-shadowed
        background, where :func:`auto_alpha` finds little or nothing.
    """

    coefficients: np.ndarray
    degree: int
    shape: tuple[int, int]
    noise: float
    residual: float

    def render(self, size: tuple[int, int] | None = None, *, window: Rect | None = None) -> np.ndarray:
        """The background colour on a pixel grid.

        Parameters
        ----------
        size : tuple of int or None
            ``(h, w)``: the whole image resampled to this grid (pixel centres mapped as by
            ``cv2.resize``). Default: full size. Ignored when ``window`` is given.
        window : Rect or None
            Render these full-size pixels (clipped to the image).

        Returns
        -------
        ndarray, shape (h, w, 3), float32
            RGB in 8-bit levels (may leave 0..255 slightly where the fit extrapolates).

        Examples
        --------
        >>> model = estimate_background(np.full((40, 60, 3), 200, np.uint8))
        >>> model.render((4, 6)).shape, round(float(model.render(window=Rect(0, 0, 2, 2))[1, 1, 0]))
        ((4, 6, 3), 200)
        """
        height, width = self.shape
        if window is not None:
            win = window.clip(Rect(0, 0, width, height))
            xs, ys = np.arange(win.x0, win.x1) + 0.5, np.arange(win.y0, win.y1) + 0.5
        else:
            h, w = size if size is not None else self.shape
            xs, ys = (np.arange(w) + 0.5) * (width / w), (np.arange(h) + 0.5) * (height / h)
        return self._at(xs, ys)

    def _at(self, xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
        """The model on the grid of full-size coordinates ``ys x xs`` (pixel centres)."""
        u, v = xs / self.shape[1] * 2 - 1, ys / self.shape[0] * 2 - 1
        return _evaluate(self.coefficients, self.degree, u, v)


def estimate_background(rgb: np.ndarray) -> BackgroundModel:
    """Fit a smooth model of a studio background (sweep, gradient, vignette).

    A quadratic is fitted to the border strip, trimming outliers (a chain leaving the frame);
    every pixel it explains then feeds the final cubic. Objects and their shadows fall out as
    outliers, so the model shows the empty set. Robust to objects touching the border as long
    as most of the border is background.

    Parameters
    ----------
    rgb : ndarray, shape (H, W, 3), uint8 (or uint16, read as its high byte)

    Returns
    -------
    BackgroundModel

    Raises
    ------
    CoreError
        If ``rgb`` is not an (H, W, 3) uint8/uint16 image with at least one pixel.

    Examples
    --------
    >>> ramp = np.repeat(np.linspace(180, 220, 50)[:, None], 80, axis=1)
    >>> rgb = np.dstack([ramp] * 3).round().astype(np.uint8)
    >>> bool(np.abs(estimate_background(rgb).render() - rgb).max() < 1.0)
    True
    """
    rgb = _as_rgb8(rgb)
    factor = _shrink_factor(rgb.shape, MODEL_SIDE)
    return _fit_background(_shrink(rgb, factor), factor, rgb)


def auto_alpha(rgb: np.ndarray) -> np.ndarray:
    """A base alpha for a studio product shot: jewelry opaque, background and shadows clear.

    Parameters
    ----------
    rgb : ndarray, shape (H, W, 3), uint8 (or uint16, read as its high byte)
        The photo, on a plain studio background. Not modified.

    Returns
    -------
    alpha : ndarray, shape (H, W), uint8
        255 on the object, 0 on the background and its shadows, soft values on edges and thin
        wires. An image without any object gives an all-zero alpha. Deterministic. On a
        background that is no studio sweep (clutter, hard cast shadows) it finds little or
        nothing rather than guessing; :attr:`BackgroundModel.residual` tells such scenes.

    Raises
    ------
    CoreError
        If ``rgb`` is not an (H, W, 3) uint8/uint16 image with at least one pixel.

    Examples
    --------
    >>> rgb = np.full((60, 80, 3), 225, np.uint8)
    >>> rgb[20:40, 30:50] = (200, 150, 40)  # a gold square on light grey
    >>> alpha = auto_alpha(rgb)
    >>> int(alpha[30, 40]), int(alpha[5, 5]), int((alpha > 127).sum())
    (255, 0, 400)
    """
    rgb = _as_rgb8(rgb)
    factor = _shrink_factor(rgb.shape, WORK_SIDE)
    small = _shrink(rgb, factor)
    model_factor = _shrink_factor(small.shape, MODEL_SIDE)
    model = _fit_background(_shrink(small, model_factor), factor * model_factor, rgb)
    scene = _measure(small, model, factor)
    if not scene.strong.any():
        return np.zeros(rgb.shape[:2], np.uint8)
    labels = _clean_labels(_graph_cut(small, scene), scene)
    return _refine_full_size(rgb, scene, labels, model.noise)


# --- background --------------------------------------------------------------------------


def _poly_terms(u: np.ndarray, v: np.ndarray, degree: int) -> list[np.ndarray]:
    return [u**i * v**j for i in range(degree + 1) for j in range(degree + 1 - i)]


def _evaluate(coefficients: np.ndarray, degree: int, u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """The polynomial on the grid ``v x u``, as one small matrix product, (h, w, 3) float32."""
    powers_u = np.stack([u**i for i in range(degree + 1)], axis=1).astype(np.float32)
    powers_v = np.stack([v**j for j in range(degree + 1)], axis=1)
    matrix = np.zeros((3, degree + 1, degree + 1))  # [channel, j, i]
    k = 0
    for i in range(degree + 1):
        for j in range(degree + 1 - i):
            matrix[:, j, i] = coefficients[k]
            k += 1
    rows = np.einsum("hj,cji->hci", powers_v, matrix).astype(np.float32).reshape(-1, degree + 1)
    out = (rows @ powers_u.T).reshape(v.size, 3, u.size)
    return np.ascontiguousarray(out.transpose(0, 2, 1))


def _robust_fit(u: np.ndarray, v: np.ndarray, values: np.ndarray, degree: int) -> tuple[np.ndarray, int, float]:
    """Least squares, three rounds trimming residuals past 3 robust sigmas.

    Solved by the tiny normal equations: the terms are well conditioned on ``[-1, 1]`` and
    ``lstsq``'s SVD is ~100x slower here.
    """
    while degree > 0 and values.shape[0] < 4 * (degree + 1) * (degree + 2) // 2:
        degree -= 1
    design = np.stack(_poly_terms(u, v, degree), axis=1)
    keep = np.ones(values.shape[0], bool)
    coefficients, sigma = np.zeros((design.shape[1], 3)), 0.0
    for _ in range(3):
        a, b = design[keep], values[keep]
        try:
            coefficients = np.linalg.solve(np.einsum("ni,nj->ij", a, a), np.einsum("ni,nc->ic", a, b))
        except np.linalg.LinAlgError:  # degenerate sample layout
            coefficients = np.linalg.lstsq(a, b, rcond=None)[0]
        residual = np.linalg.norm(design @ coefficients - values, axis=1)
        sigma = 1.4826 * float(np.median(residual[keep]))
        keep = residual <= max(3.0 * sigma, 1.5)
    return coefficients, degree, sigma


def _fit_background(tiny: np.ndarray, factor: int, rgb: np.ndarray) -> BackgroundModel:
    """Fit on ``tiny``, whose pixels are the means of ``factor x factor`` blocks of ``rgb``."""
    height, width = rgb.shape[:2]
    h, w = tiny.shape[:2]
    v1 = ((np.arange(h) + 0.5) * factor) / height * 2 - 1
    u1 = ((np.arange(w) + 0.5) * factor) / width * 2 - 1
    v, u = np.meshgrid(v1, u1, indexing="ij")
    values = tiny.astype(np.float64)
    border = _border_mask((h, w))
    coefficients, degree, sigma = _robust_fit(u[border], v[border], values[border], BORDER_DEGREE)
    first = _evaluate(coefficients, degree, u1, v1)
    explained = np.linalg.norm(values - first, axis=2) <= max(4.0 * sigma, 3.0)
    if explained.sum() > border.sum():
        coefficients, degree, sigma = _robust_fit(u[explained], v[explained], values[explained], INTERIOR_DEGREE)
    return BackgroundModel(coefficients, degree, (height, width), _border_noise(rgb), sigma)


def _border_mask(shape: tuple[int, ...]) -> np.ndarray:
    width = max(1, round(BORDER_FRACTION * min(shape[:2])))
    mask = np.zeros(shape[:2], bool)
    mask[:width], mask[-width:], mask[:, :width], mask[:, -width:] = True, True, True, True
    return mask


def _border_noise(rgb: np.ndarray) -> float:
    """Pixel noise in the top and bottom border rows: mean absolute deviation from a local blur.

    (A median of integer differences collapses to 0 or 1 on clean JPEGs, hence the trimmed
    mean of float residuals; the top 2 % are dropped as edges, not noise.)
    """
    rows = min(16, max(1, round(BORDER_FRACTION * min(rgb.shape[:2]))))
    strips = [s.astype(np.float32) for s in (rgb[:rows], rgb[-rows:])]
    deviation = np.concatenate([np.abs(s - cv2.GaussianBlur(s, (0, 0), 2.0)).ravel() for s in strips])
    deviation = deviation[deviation <= np.percentile(deviation, 98)]
    return max(0.5, math.sqrt(math.pi / 2) * float(deviation.mean()))


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


# --- full-size refinement ----------------------------------------------------------------


def _refine_full_size(rgb: np.ndarray, scene: _Scene, labels: np.ndarray, noise: float) -> np.ndarray:
    """Upscale the labels; in the edge band and on faint structures, alpha from full-size contrast."""
    shape, factor = rgb.shape[:2], scene.factor
    fg8 = labels.view(np.uint8)
    square = np.ones((3, 3) if factor >= 3 else (5, 5), np.uint8)  # band: >= 3 full px each side
    band = (cv2.dilate(fg8, square) != cv2.erode(fg8, square)) | (
        cv2.dilate((scene.ridge & ~labels).view(np.uint8), np.ones((3, 3), np.uint8)) > 0
    )
    alpha = _upscale(fg8 * np.uint8(255), factor, shape)
    rows, cols = _block_pixels(band, factor, shape)
    if rows.size == 0:
        return alpha
    index = rows * shape[1] + cols
    # Work-size maps sampled at the band's pixel centres: local background (3), object
    # contrast (1) and the cut (1).
    maps = np.dstack([_local_background(scene, labels), _object_contrast(scene, labels), labels.astype(np.float32)])
    y = np.clip((rows + 0.5) / factor - 0.5, 0, labels.shape[0] - 1).astype(np.float32)
    x = np.clip((cols + 0.5) / factor - 0.5, 0, labels.shape[1] - 1).astype(np.float32)
    sampled = _bilinear(maps, y, x)

    distance = _shadowless_contrast(rgb.reshape(-1, 3)[index].astype(np.float32), sampled[:, :3])
    ref = np.maximum(_local_peak(distance, rows, cols, shape), REF_SHARE * sampled[:, 3])
    deadzone = NOISE_DEADZONE * noise
    floor = deadzone + RINGING * ref
    soft = (distance - floor) / np.maximum(ref - floor, 1.0)
    soft = np.clip((soft - 0.5) * EDGE_GAIN + 0.5, 0.0, 1.0)
    # Where the object barely stands out from the noise, trust the cut more than the ratio.
    trust = np.clip((ref - 2.0 * deadzone) / (2.0 * deadzone), 0.0, 1.0)
    value = trust * soft + (1.0 - trust) * sampled[:, 4]
    alpha.reshape(-1)[index] = np.round(value * 255.0).astype(np.uint8)
    return alpha


def _block_pixels(mask: np.ndarray, factor: int, shape: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    """Full-size (rows, cols) of the blocks of the work pixels in ``mask`` (as :func:`_upscale`)."""
    wy, wx = np.nonzero(mask)
    if factor == 1:
        return wy.astype(np.intp), wx.astype(np.intp)
    # Block extents; the last row/column of blocks also takes the leftover full-size pixels.
    h, w = mask.shape
    row_end = np.minimum((np.arange(h) + 1) * factor, shape[0]).astype(np.intp)
    col_end = np.minimum((np.arange(w) + 1) * factor, shape[1]).astype(np.intp)
    row_end[-1], col_end[-1] = shape[0], shape[1]
    rows, cols = [], []
    for dy in range(row_end[-1] - (h - 1) * factor):
        for dx in range(col_end[-1] - (w - 1) * factor):
            r, c = wy * factor + dy, wx * factor + dx
            keep = (r < row_end[wy]) & (c < col_end[wx])
            rows.append(r[keep])
            cols.append(c[keep])
    return np.concatenate(rows).astype(np.intp), np.concatenate(cols).astype(np.intp)


def _local_peak(distance: np.ndarray, rows: np.ndarray, cols: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """Highest contrast within :data:`PEAK_RADIUS` of each band pixel: its pure object colour's."""
    box = Rect(int(cols.min()), int(rows.min()), int(cols.max()) + 1, int(rows.max()) + 1)
    canvas = np.zeros(box.shape, np.uint8)
    canvas[rows - box.y0, cols - box.x0] = np.clip(distance, 0, 255).astype(np.uint8)
    disc = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * PEAK_RADIUS + 1,) * 2)
    return cv2.dilate(canvas, disc)[rows - box.y0, cols - box.x0].astype(np.float32)


def _normalized_blur(values: np.ndarray, weight: np.ndarray, sigma: float, fallback: np.ndarray | float) -> np.ndarray:
    """Gaussian mean of ``values`` over ``weight``; tends to ``fallback`` where weight is scarce."""
    weighted = values * (weight[..., None] if values.ndim == 3 else weight)
    total, mass = cv2.GaussianBlur(weighted, (0, 0), sigma), cv2.GaussianBlur(weight, (0, 0), sigma)
    eps = np.float32(0.02)
    if values.ndim == 3:
        mass = mass[..., None]
    return (total + eps * fallback) / (mass + eps)


def _local_background(scene: _Scene, labels: np.ndarray) -> np.ndarray:
    """Background colour near each work pixel: nearby clear background, else the model."""
    occupied = (labels | scene.weak).view(np.uint8)
    clear = (cv2.dilate(occupied, np.ones((5, 5), np.uint8)) == 0).astype(np.float32)
    return _normalized_blur(scene.small, clear, 3.0, scene.background)


def _object_contrast(scene: _Scene, labels: np.ndarray) -> np.ndarray:
    """Highest object contrast within 2 work pixels: a floor for the full-size reference."""
    contrast = np.where(labels | scene.weak, scene.contrast, np.float32(0.0))
    return cv2.dilate(contrast, np.ones((5, 5), np.uint8))


def _bilinear(image: np.ndarray, y: np.ndarray, x: np.ndarray) -> np.ndarray:
    """(h, w, c) ``image`` at the float positions ``(y, x)`` (inside the image), (n, c)."""
    h, w = image.shape[:2]
    flat = image.reshape(h * w, -1)
    y0, x0 = y.astype(np.intp), x.astype(np.intp)
    dy, dx = (np.minimum(y0 + 1, h - 1) - y0) * w, np.minimum(x0 + 1, w - 1) - x0
    fy, fx = (y - y0.astype(np.float32))[:, None], (x - x0.astype(np.float32))[:, None]
    at = y0 * w + x0
    top = np.take(flat, at, axis=0) * (1 - fx) + np.take(flat, at + dx, axis=0) * fx
    bottom = np.take(flat, at + dy, axis=0) * (1 - fx) + np.take(flat, at + dy + dx, axis=0) * fx
    return top * (1 - fy) + bottom * fy


# --- sizes -------------------------------------------------------------------------------


def _as_rgb8(rgb: np.ndarray) -> np.ndarray:
    rgb = np.asarray(rgb)
    if rgb.ndim != 3 or rgb.shape[2] != 3:
        raise CoreError(f"the image must be an (H, W, 3) RGB array, got shape {rgb.shape}")
    if rgb.shape[0] == 0 or rgb.shape[1] == 0:
        raise CoreError(f"the image is empty ({rgb.shape[1]}x{rgb.shape[0]} pixels)")
    if rgb.dtype == np.uint16:
        return (rgb >> 8).astype(np.uint8)
    if rgb.dtype != np.uint8:
        raise CoreError(f"the image must be uint8 (or uint16), got dtype {rgb.dtype}")
    return rgb


def _shrink_factor(shape: tuple[int, ...], side: int) -> int:
    """The whole factor bringing the long side nearest to ``side`` (keeping >= 1 px)."""
    return max(1, min(round(max(shape[0], shape[1]) / side), shape[0], shape[1]))


def _shrink(rgb: np.ndarray, factor: int) -> np.ndarray:
    """Block means over ``factor x factor`` pixels; the last ``< factor`` rows/columns are dropped.

    A whole factor takes OpenCV's fast area path (about 4x quicker at 24 MP) and makes
    every work pixel an exact block of full-size pixels.
    """
    if factor == 1:
        return rgb
    h, w = rgb.shape[0] // factor, rgb.shape[1] // factor
    return cv2.resize(rgb[: h * factor, : w * factor], (w, h), interpolation=cv2.INTER_AREA)


def _upscale(image: np.ndarray, factor: int, shape: tuple[int, int]) -> np.ndarray:
    """Nearest-neighbour blocks back to full size; leftover rows/columns repeat the last block."""
    if factor == 1:
        return image.copy()
    h, w = image.shape[:2]
    big = cv2.resize(image, (w * factor, h * factor), interpolation=cv2.INTER_NEAREST)
    extra_y, extra_x = shape[0] - h * factor, shape[1] - w * factor
    if extra_y or extra_x:
        big = cv2.copyMakeBorder(big, 0, extra_y, 0, extra_x, cv2.BORDER_REPLICATE)
    return big
