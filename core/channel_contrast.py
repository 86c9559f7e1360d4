"""Shadowless contrast, structure and automatic levels for adaptive channel masks.

The engine behind :mod:`core.channels` when levels are automatic. The physics of a studio
jewelry shot, and how each step answers it:

* **Background**: a sweep with a gentle gradient and vignette. Over a region a few hundred
  pixels wide it is a plane per channel, fitted robustly (3-sigma clipping) to the pixels the
  original AI mask calls transparent, less those coloured like the AI's opaque body (a clipped
  corner or a lost prong is transparent in the AI mask but is the piece).
* **Shadows** darken the background by one factor in R, G and B alike (on the dev set the three
  ratios agree within 1 %). So for a piece *darker* than the background the contrast of channel
  k is ``max_c(v_c / P_c) * P_k - v_k``: the darkening of k beyond what the least darkened
  channel explains. A soft or contact shadow gives 0, yellow gold in blue keeps nearly all its
  contrast. A *lighter* piece needs no correction (``v_k - P_k``): shadows never lighten. The
  price: a neutral piece darker than a neutral background (a dark reflection in silver) looks
  like a shadow and is not found.
* **Noise**: sensor noise and JPEG blocking; contrast is measured in robust sigmas of the
  background pixels' contrast (at least :data:`NOISE_FLOOR` levels).
* **Structure**: prongs and chains are sharp; shadows, vignettes and colour spill are smooth.
  Seeds are strong (:data:`STRONG_Z` sigmas) and stand :data:`SHARP_Z` sigmas above their own
  :data:`SHARP_SIGMA`-px Gaussian surround; structure grows from them through pixels above
  :data:`WEAK_Z` sigmas that are not below their surround (which stops it at a wire's dim flanks),
  or are over :data:`SOLID_Z` sigmas (the inside of a solid part, such as a clipped corner).
  Components under :data:`MIN_STRUCTURE_PX` pixels are noise.
* **JPEG chroma** is subsampled and rings near coloured edges. Colour-only (darker) contrast
  must reach :data:`MIN_COLOUR` of the background level; the blotches fail the sharpness test.
* **Levels** (:func:`auto_levels`): white point a little under the contrast along the centre of
  the structure the AI lacks (thin wires never reach their full contrast), black point above the
  noise and a fraction of the way up, which cuts the halo that blur and JPEG's chroma smear leave
  around a wire.

Every function here depends on the crop's pixels, the region and the original AI mask only.
"""

from __future__ import annotations

from dataclasses import dataclass

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
# Noise and structure.
NOISE_FLOOR = 0.7  # levels: quantisation plus the least noise a JPEG studio shot shows
WEAK_Z, STRONG_Z = 3.0, 6.0
SHARP_Z, SHARP_SIGMA = 6.0, 4.0
SOLID_Z = 30.0  # this far above the noise a pixel needs no sharpness: the inside of a solid part
MIN_STRUCTURE_PX = 8
MIN_COLOUR = 0.01
# Choosing channel and direction: evidence is the structure the AI lacks; structure it already
# has (the body) adds this small weight, so that a region with no lost detail (a faded edge of
# the body) still picks the channel where the piece stands out most.
TIE_WEIGHT = 0.01
# Automatic levels, in contrast units above the background. The white point is RIDGE_FRACTION of
# the median contrast along the ridge (centre line: 3x3 local maxima) of the structure the AI
# lacks (ai < WHITE_AI_MAX, over FRINGE_PX from its solid part, so not the fringe around the
# body; ridge pixels under RIDGE_MIN_PEAK of the peak are JPEG junk). A wire's centre is its most
# covered pixel, and pixels at about half its contrast are about half covered: RIDGE_FRACTION
# below 1 tips them opaque (thin parts are the point), at the price of some halo.
RIDGE_FRACTION = 0.6
WHITE_AI_MAX = 64
FRINGE_PX = 2.0
RIDGE_MIN_PEAK = 0.25
MIN_RIDGE_PX = 8
PEAK_PERCENTILE = 90.0  # the structure's peak contrast (body included)
WHITE_PEAK_FLOOR = 0.25  # the white point is at least this fraction of the peak ...
WHITE_PEAK_FRACTION = 0.5  # ... and this fraction when the AI lacks nothing but the fringe
BLACK_NOISE = 1.5  # black point: this many sigmas above the background ...
BLACK_FRACTION = 0.2  # ... and at least this fraction of the way to the white point
EMPTY_LEVELS = (3.0, 12.0)  # sigmas, when a region holds no structure at all


@dataclass(frozen=True)
class Structure:
    """What was found in one channel and direction.

    ``evidence`` ranks the choices; ``ridge`` holds the contrast along the centre line of the
    structure the AI mask lacks (None when there is too little); ``peak`` the structure's high
    percentile contrast; ``noise`` and ``offset`` the background contrast's sigma and median.
    """

    evidence: float
    count: int
    ridge: np.ndarray | None
    peak: float
    noise: float
    offset: float


NOTHING = Structure(evidence=-1.0, count=0, ridge=None, peak=0.0, noise=NOISE_FLOOR, offset=0.0)


@dataclass(frozen=True)
class Analysis:
    """The background planes, each channel's mean background level, and ``found[k][dark]``."""

    background: tuple[float, ...]
    reference: tuple[float, float, float]
    found: tuple[tuple[Structure, Structure], ...]

    def best(self, channel: int | None, dark: bool | None) -> tuple[int, bool]:
        """The (channel, dark) with most evidence among those allowed (None = any).

        Ties (no structure anywhere) go to blue, then to dark: metal on a light sweep.
        """
        candidates = [
            (k, d)
            for k in (2, 1, 0)
            for d in (True, False)
            if (channel is None or k == channel) and (dark is None or d == dark)
        ]
        return max(candidates, key=lambda kd: self.found[kd[0]][int(kd[1])].evidence)


def analyse(
    rgb8: np.ndarray,
    region: np.ndarray,
    ai_alpha: np.ndarray | None,
    *,
    channel: int | None = None,
    dark: bool | None = None,
) -> Analysis:
    """Fit the background; find the structure in each channel and direction (only ``channel``
    and ``dark`` if given: the others get no evidence).

    ``region`` must have some coverage (callers check).
    """
    inside = region >= 128 if np.any(region >= 128) else region > 0
    bg = _background_pixels(rgb8, inside, ai_alpha)
    background = _fit_background(rgb8, region, bg)
    planes = plane_maps(background, region)
    values = rgb8.astype(np.float32)
    brightest = (values / planes).max(axis=2)
    lacking = ai_alpha < SOLID_AI_MIN if ai_alpha is not None else np.ones(region.shape, bool)
    for_white = _away_from_solid(ai_alpha)
    found = []
    for k in range(3):
        per = []
        for d in (False, True):
            if (channel is not None and k != channel) or (dark is not None and d != dark):
                per.append(NOTHING)
                continue
            e = _contrast(values, planes, brightest, k, d)
            offset, noise = _noise(_sample(e, bg))
            keep, seeds, z = _structure(e, planes[..., k], region > 0, offset, noise, d)
            strong = keep & seeds
            evidence = float(z[strong & lacking].sum()) + TIE_WEIGHT * float(z[strong].sum())
            peak = float(np.percentile(e[keep], PEAK_PERCENTILE)) if keep.any() else 0.0
            ridge = keep & for_white & (e >= cv2.dilate(e, np.ones((3, 3), np.uint8)))
            ridge &= e >= offset + RIDGE_MIN_PEAK * (peak - offset)
            per.append(
                Structure(
                    evidence=evidence,
                    count=int(np.count_nonzero(keep)),
                    ridge=e[ridge] if np.count_nonzero(ridge) >= MIN_RIDGE_PX else None,
                    peak=peak,
                    noise=noise,
                    offset=offset,
                )
            )
        found.append((per[0], per[1]))
    reference = tuple(float(planes[..., k][inside].mean()) for k in range(3))
    return Analysis(background, reference, tuple(found))


def auto_levels(found: Structure) -> tuple[float, float]:
    """Black and white points in contrast units (levels above the background), black < white."""
    noise, offset = found.noise, found.offset
    if found.count == 0:
        return offset + EMPTY_LEVELS[0] * noise, offset + EMPTY_LEVELS[1] * noise
    if found.ridge is not None:
        white = max(
            offset + RIDGE_FRACTION * (float(np.median(found.ridge)) - offset),
            offset + WHITE_PEAK_FLOOR * (found.peak - offset),
        )
    else:
        white = offset + WHITE_PEAK_FRACTION * (found.peak - offset)
    white = max(white, offset + (BLACK_NOISE + 2.0) * noise)
    black = offset + max(BLACK_NOISE * noise, BLACK_FRACTION * (white - offset))
    return black, max(white, black + 1.0)


def plane_maps(background: tuple[float, ...], region: np.ndarray) -> np.ndarray:
    """(H, W, 3) float32 background planes (>= 1); x, y from the region's bounding box corner.

    Examples
    --------
    >>> region = np.zeros((2, 3), np.uint8); region[:, 1:] = 255
    >>> plane_maps((100, 10, 1, 50, 0, 0, 20, 0, 0), region)[..., 0].tolist()
    [[90.0, 100.0, 110.0], [91.0, 101.0, 111.0]]
    """
    h, w = region.shape
    x0, y0 = _origin(region)
    xs = np.arange(w, dtype=np.float32) - x0
    ys = np.arange(h, dtype=np.float32) - y0
    out = np.empty((h, w, 3), np.float32)
    for k in range(3):
        c0, cx, cy = (np.float32(c) for c in background[3 * k : 3 * k + 3])
        out[..., k] = c0 + cy * ys[:, None] + cx * xs[None, :]
    return np.maximum(out, np.float32(1.0))


def contrast(rgb8: np.ndarray, planes: np.ndarray, k: int, *, dark: bool) -> np.ndarray:
    """Contrast of channel k against the background, in levels (float32, positive = the piece).

    Lighter: ``v_k - P_k``. Darker: ``max_c(v_c / P_c) * P_k - v_k`` (a shadow gives 0).
    """
    values = rgb8.astype(np.float32)
    brightest = (values / planes).max(axis=2) if dark else None
    return _contrast(values, planes, brightest, k, dark)


def structure(
    e: np.ndarray, plane_k: np.ndarray, allowed: np.ndarray, offset: float, noise: float, *, dark: bool
) -> np.ndarray:
    """Boolean mask of the structure in contrast map ``e`` (module notes), within ``allowed``."""
    return _structure(e, plane_k, allowed, offset, noise, dark)[0]


# --- steps -------------------------------------------------------------------------------------


def _contrast(values, planes, brightest, k, dark):
    if dark:
        return brightest * planes[..., k] - values[..., k]
    return values[..., k] - planes[..., k]


def _structure(e, plane_k, allowed, offset, noise, dark):
    z = (e - np.float32(offset)) / np.float32(noise)
    sharp = z - _surround(z)
    ok = allowed & (e >= np.float32(MIN_COLOUR) * plane_k) if dark else allowed
    seeds = ok & (z >= STRONG_Z) & (sharp >= SHARP_Z)
    weak = ok & (z >= WEAK_Z) & ((sharp >= 0) | (z >= SOLID_Z))
    return _hysteresis(weak, seeds), seeds, z


def _surround(z: np.ndarray) -> np.ndarray:
    """Gaussian mean of ``z`` over SHARP_SIGMA px, computed at half resolution (4x faster; the
    surround is smooth, so nothing of use is lost)."""
    h, w = z.shape
    half = cv2.resize(z, ((w + 1) // 2, (h + 1) // 2), interpolation=cv2.INTER_AREA)
    half = cv2.GaussianBlur(half, (0, 0), SHARP_SIGMA / 2, borderType=cv2.BORDER_REPLICATE)
    return cv2.resize(half, (w, h), interpolation=cv2.INTER_LINEAR)


def _hysteresis(weak: np.ndarray, seeds: np.ndarray) -> np.ndarray:
    """8-connected components of ``weak`` that hold a seed and at least MIN_STRUCTURE_PX pixels."""
    if not (weak & seeds).any():
        return np.zeros(weak.shape, bool)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(weak.astype(np.uint8), connectivity=8)
    keep = np.zeros(n, bool)
    keep[np.unique(labels[weak & seeds])] = True
    keep[0] = False
    keep &= stats[:, cv2.CC_STAT_AREA] >= MIN_STRUCTURE_PX
    return keep[labels]


def _sample(array: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """``array[mask]``, thinned to every n-th element so that about SAMPLES remain."""
    picked = array[mask]
    return picked[:: max(1, len(picked) // SAMPLES)]


def _noise(values: np.ndarray) -> tuple[float, float]:
    """Median and robust sigma (1.4826 MAD, at least NOISE_FLOOR) of background contrast."""
    if values.size == 0:
        return 0.0, NOISE_FLOOR
    median = float(np.median(values))
    return median, max(1.4826 * float(np.median(np.abs(values - median))), NOISE_FLOOR)


def _away_from_solid(ai_alpha: np.ndarray | None) -> np.ndarray | bool:
    """Where the AI has under WHITE_AI_MAX, over FRINGE_PX from its solid part (True: no AI mask)."""
    if ai_alpha is None:
        return True
    low = ai_alpha < WHITE_AI_MAX
    solid = (ai_alpha >= SOLID_AI_MIN).astype(np.uint8)
    if not solid.any():
        return low
    return low & (cv2.distanceTransform(1 - solid, cv2.DIST_L2, 3) > FRINGE_PX)


def _background_pixels(rgb8: np.ndarray, inside: np.ndarray, ai_alpha: np.ndarray | None) -> np.ndarray:
    """The region's background pixels, by preference:

    1. the AI's transparent pixels less those coloured like its opaque body, unless too few remain;
    2. the AI's transparent pixels;
    3. the region's border ring (no AI mask, or it has no background here); 4. the whole region.
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


def _like_body(rgb8: np.ndarray, body: np.ndarray) -> np.ndarray:
    """Pixels within BODY_SPREAD robust sigmas of the body's median colour in every channel."""
    if np.count_nonzero(body) < MIN_BACKGROUND_PX:
        return np.zeros(body.shape, bool)
    colours = _sample(rgb8, body).astype(np.float32)
    median = np.median(colours, axis=0)
    spread = np.maximum(1.4826 * np.median(np.abs(colours - median), axis=0), BODY_MIN_SPREAD)
    lo = np.clip(np.ceil(median - BODY_SPREAD * spread), 0, 255).astype(np.uint8)
    hi = np.clip(np.floor(median + BODY_SPREAD * spread), 0, 255).astype(np.uint8)
    return cv2.inRange(rgb8, lo, hi) > 0


def _fit_background(rgb8: np.ndarray, region: np.ndarray, bg: np.ndarray) -> tuple[float, ...]:
    """Robust plane per channel over ``bg``: 9 floats, (c0, cx, cy) for R, G, B."""
    ys, xs = np.nonzero(bg)
    step = max(1, len(ys) // SAMPLES)
    ys, xs = ys[::step], xs[::step]
    x0, y0 = _origin(region)
    coords = np.stack([np.ones(len(xs)), xs - x0, ys - y0], axis=1).astype(np.float64)
    out: list[float] = []
    for k in range(3):
        out.extend(_robust_plane(coords, rgb8[ys, xs, k].astype(np.float64)))
    return tuple(out)


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
