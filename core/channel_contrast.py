"""Background, shadow-blind contrast and noise for adaptive channel masks.

The physics of a studio jewelry shot, and how each function here answers it (the structure
built on these maps is in :mod:`core.channel_structure`):

* **Background** (:func:`background_pixels`, :func:`fit_background`): a sweep with a gentle
  gradient and vignette. Over a region a few hundred pixels wide it is a plane per channel,
  fitted robustly (3-sigma clipping) to the pixels the original AI mask calls transparent, less
  those coloured like the AI's opaque body (a clipped corner or a lost prong is transparent in
  the AI mask but is the piece).
* **Contrast** (:func:`contrast`) of a *source*, a channel and a direction. Shadows darken the
  background by one factor in R, G and B alike (on the dev set the three ratios agree within a
  few %). So for a piece *darker* than the background the contrast of channel k is
  ``max_c(v_c / P_c) * P_k - v_k``: the darkening of k beyond what the least darkened channel
  explains. A soft or contact shadow gives about 0, yellow gold in blue keeps nearly all its
  contrast. A *lighter* piece needs no correction (``v_k - P_k``): shadows never lighten. The
  price: a neutral piece darker than a neutral background (a dark reflection in silver) looks
  like a shadow; it is found only where it has some colour.
* **Noise** (:func:`noise`): sensor noise and JPEG blocking; contrast is measured in robust
  sigmas of the background pixels' contrast (at least :data:`NOISE_FLOOR` levels).

Every function depends on the crop's pixels, the region and the original AI mask only.
"""

from __future__ import annotations

import cv2
import numpy as np

# Which pixels are what, by the original AI mask.
BACKGROUND_AI_MAX = 8  # at or below: the AI calls the pixel background
SOLID_AI_MIN = 128  # at or above: the AI already has the piece there
BODY_AI_MIN = 250  # at or above: the body, whose colour marks clipped parts of it
# Background fit.
MIN_BACKGROUND_PX = 16  # fewer: fall back (AI background -> region border ring -> whole region)
BODY_SPREAD, BODY_MIN_SPREAD = 3.0, 3.0  # "coloured like the body": within 3 robust sigmas, >= 3 levels
BACKGROUND_KEEP = 0.4  # drop body-coloured pixels only if 40 % of the background remains (silver
#                        mirroring the sweep is coloured like it)
MIN_PLANE_PX = 50  # fewer background pixels: a constant (their median) instead of a plane
SAMPLES = 20_000  # pixels (every n-th) for a plane fit, a noise or colour estimate: bounds their cost
NOISE_FLOOR = 0.7  # levels: quantisation plus the least noise a JPEG studio shot shows



def background_pixels(rgb8: np.ndarray, inside: np.ndarray, ai_alpha: np.ndarray | None) -> np.ndarray:
    """The region's background pixels (bool), by preference:

    1. the AI's transparent pixels less those coloured like its opaque body, unless too few remain;
    2. the AI's transparent pixels;
    3. the region's border ring (no AI mask, or it has no background here); 4. the whole region.

    Parameters
    ----------
    rgb8 : (H, W, 3) uint8
    inside : (H, W) bool
        The region (its well-covered pixels).
    ai_alpha : (H, W) uint8 or None
        The original AI mask.

    Returns
    -------
    bg : (H, W) bool

    Examples
    --------
    >>> rgb = np.full((20, 20, 3), 200, np.uint8); ai = np.zeros((20, 20), np.uint8); ai[:, :5] = 255
    >>> int(background_pixels(rgb, np.ones((20, 20), bool), ai).sum())   # the AI's transparent 300 px
    300
    """
    if ai_alpha is not None:
        bg = inside & (ai_alpha <= BACKGROUND_AI_MAX)
        n = np.count_nonzero(bg)
        if n >= MIN_BACKGROUND_PX:
            clean = bg & ~_like_body(rgb8, inside & (ai_alpha >= BODY_AI_MIN))
            return clean if np.count_nonzero(clean) >= max(MIN_BACKGROUND_PX, BACKGROUND_KEEP * n) else bg
    core = cv2.erode(inside.astype(np.uint8), np.ones((7, 7), np.uint8), borderType=cv2.BORDER_CONSTANT, borderValue=0)
    ring = inside & (core == 0)
    return ring if np.count_nonzero(ring) >= MIN_BACKGROUND_PX else inside


def fit_background(rgb8: np.ndarray, region: np.ndarray, bg: np.ndarray) -> tuple[float, ...]:
    """Robust plane per channel over ``bg``: 9 floats, ``(c0, cx, cy)`` for R, G, B, with x and
    y in pixels from the top-left corner of the region's bounding box.

    Examples
    --------
    >>> rgb = np.full((10, 10, 3), 100, np.uint8); rgb[..., 0] += np.arange(10, dtype=np.uint8)
    >>> full = np.full((10, 10), 255, np.uint8)
    >>> [round(c, 3) + 0.0 for c in fit_background(rgb, full, full > 0)[:3]]   # red: +1 a column
    [100.0, 1.0, 0.0]
    """
    ys, xs = np.nonzero(bg)
    step = max(1, len(ys) // SAMPLES)
    ys, xs = ys[::step], xs[::step]
    x0, y0 = _origin(region)
    coords = np.stack([np.ones(len(xs)), xs - x0, ys - y0], axis=1).astype(np.float64)
    out: list[float] = []
    for k in range(3):
        out.extend(_robust_plane(coords, rgb8[ys, xs, k].astype(np.float64)))
    return tuple(out)


def plane_maps(background: tuple[float, ...], region: np.ndarray) -> np.ndarray:
    """(H, W, 3) float32 background planes (>= 1); x, y from the region's bounding box corner.

    Examples
    --------
    >>> region = np.zeros((2, 3), np.uint8); region[:, 1:] = 255
    >>> plane_maps((100, 10, 1, 50, 0, 0, 20, 0, 0), region)[..., 0].tolist()
    [[90.0, 100.0, 110.0], [91.0, 101.0, 111.0]]
    """
    return np.stack(_planes(background, region), axis=2)


def _planes(background: tuple[float, ...], region: np.ndarray) -> list[np.ndarray]:
    """The three planes of :func:`plane_maps`, each a contiguous (H, W) float32 array."""
    h, w = region.shape
    x0, y0 = _origin(region)
    xs = np.arange(w, dtype=np.float32) - x0
    ys = np.arange(h, dtype=np.float32) - y0
    out = []
    for k in range(3):
        c0, cx, cy = (np.float32(c) for c in background[3 * k : 3 * k + 3])
        out.append(np.maximum(c0 + cy * ys[:, None] + cx * xs[None, :], np.float32(1.0)))
    return out


class Contrast:
    """Contrast maps of one crop against its background planes, one per source ``(k, dark)``.

    ``Contrast(rgb8, background, region)(k, dark)`` is :func:`contrast` for channel k against
    the planes of :func:`plane_maps`; ``planes[k]`` is channel k's plane. The channels are kept
    as contiguous float32 arrays and the shadow term is shared between sources.
    """

    def __init__(self, rgb8: np.ndarray, background: tuple[float, ...], region: np.ndarray) -> None:
        self.values = [rgb8[..., k].astype(np.float32) for k in range(3)]
        self.planes = _planes(background, region)
        self._brightest: np.ndarray | None = None

    def __call__(self, k: int, dark: bool) -> np.ndarray:
        if not dark:
            return cv2.subtract(self.values[k], self.planes[k])
        if self._brightest is None:
            ratios = [cv2.divide(v, p) for v, p in zip(self.values, self.planes)]
            self._brightest = cv2.max(cv2.max(ratios[0], ratios[1]), ratios[2])
        return cv2.subtract(cv2.multiply(self._brightest, self.planes[k]), self.values[k])


def contrast(rgb8: np.ndarray, planes: np.ndarray, k: int, *, dark: bool) -> np.ndarray:
    """Contrast of channel k against the background, in levels (float32, positive = the piece).

    Lighter: ``v_k - P_k``. Darker: ``max_c(v_c / P_c) * P_k - v_k`` (a neutral shadow gives 0).
    ``planes`` is (H, W, 3) float32, as :func:`plane_maps` gives.

    Examples
    --------
    >>> planes = np.full((1, 2, 3), 200, np.float32)
    >>> rgb = np.array([[[100, 100, 100], [200, 200, 150]]], np.uint8)   # a shadow; yellow gold
    >>> contrast(rgb, planes, 2, dark=True).tolist()
    [[0.0, 50.0]]
    """
    values = rgb8.astype(np.float32)
    if not dark:
        return values[..., k] - planes[..., k]
    return (values / planes).max(axis=2) * planes[..., k] - values[..., k]


def sample(array: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """``array[mask]``, thinned to every n-th element so that about :data:`SAMPLES` remain.

    Examples
    --------
    >>> sample(np.arange(6).reshape(2, 3), np.array([[True, False, True], [False, True, False]])).tolist()
    [0, 2, 4]
    """
    return array.reshape(-1, *array.shape[mask.ndim :])[sample_index(mask)]


def sample_index(mask: np.ndarray) -> np.ndarray:
    """Flat indices of every n-th True pixel of ``mask``, about :data:`SAMPLES` of them: reuse
    them (``array.ravel()[index]``) to sample several maps over the same pixels."""
    picked = np.flatnonzero(mask)
    return picked[:: max(1, len(picked) // SAMPLES)]


def noise(values: np.ndarray, *, upper: bool = False) -> tuple[float, float]:
    """Median and robust sigma (1.4826 MAD, at least :data:`NOISE_FLOOR`) of background contrast.

    ``upper=True`` takes the MAD from the values above the median only: for a lighter source,
    whose background pixels spread down into the shadows (which the plane does not model) but
    never up, that half is the noise alone. For symmetric noise both give the same sigma.

    Examples
    --------
    >>> noise(np.array([0.0, 1.0, 2.0, 3.0, 40.0]))
    (2.0, 1.4826)
    >>> shadowed = np.array([-40.0, -30.0, -20.0, -1.0, 0.0, 0.0, 1.0])   # three shadow pixels
    >>> noise(shadowed), noise(shadowed, upper=True)
    ((-1.0, 2.9652), (-1.0, 1.4826))
    """
    if values.size == 0:
        return 0.0, NOISE_FLOOR
    median = float(np.median(values))
    spread = values[values > median] - median if upper else np.abs(values - median)
    if spread.size == 0:
        return median, NOISE_FLOOR
    return median, max(1.4826 * float(np.median(spread)), NOISE_FLOOR)


# --- steps -------------------------------------------------------------------------------------


def _like_body(rgb8: np.ndarray, body: np.ndarray) -> np.ndarray:
    """Pixels within BODY_SPREAD robust sigmas of the body's median colour in every channel."""
    if np.count_nonzero(body) < MIN_BACKGROUND_PX:
        return np.zeros(body.shape, bool)
    colours = sample(rgb8, body).astype(np.float32)
    median = np.median(colours, axis=0)
    spread = np.maximum(1.4826 * np.median(np.abs(colours - median), axis=0), BODY_MIN_SPREAD)
    lo = np.clip(np.ceil(median - BODY_SPREAD * spread), 0, 255).astype(np.uint8)
    hi = np.clip(np.floor(median + BODY_SPREAD * spread), 0, 255).astype(np.uint8)
    return cv2.inRange(rgb8, lo, hi) > 0


def _robust_plane(coords: np.ndarray, values: np.ndarray) -> tuple[float, float, float]:
    if len(values) == 0:
        return (128.0, 0.0, 0.0)
    coef = np.array([np.median(values), 0.0, 0.0])
    use = np.ones(len(values), bool)
    for _ in range(3):
        if np.count_nonzero(use) < MIN_PLANE_PX:
            break
        coef, *_ = np.linalg.lstsq(coords[use], values[use], rcond=None)
        resid = values - coords @ coef
        sigma = 1.4826 * np.median(np.abs(resid[use])) + 0.3
        use = np.abs(resid) < 3.0 * sigma
    return (float(coef[0]), float(coef[1]), float(coef[2]))


def _origin(region: np.ndarray) -> tuple[int, int]:
    """(x, y) of the top-left corner of the region's non-zero bounding box ((0, 0) if empty)."""
    rows = np.flatnonzero(region.any(axis=1))
    if rows.size == 0:
        return 0, 0
    cols = np.flatnonzero(region.any(axis=0))
    return int(cols[0]), int(rows[0])
