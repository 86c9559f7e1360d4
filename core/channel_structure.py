"""Structure, choice of sources and automatic levels for adaptive channel masks.

Built on the contrast maps of :mod:`core.channel_contrast`; a *source* is a channel and a
direction, ``(k, dark)``. What a studio shot of jewelry asks for, and how each step answers it:

* **Structure**: prongs and chains are sharp; shadows, vignettes and colour spill are smooth.
  Seeds are strong (:data:`STRONG_Z` sigmas) and stand :data:`SHARP_Z` sigmas above their own
  :data:`SHARP_SIGMA`-px Gaussian surround; structure grows from them through pixels above
  :data:`WEAK_Z` sigmas that are not below their surround (which stops it at a wire's dim
  flanks), or are over :data:`SOLID_Z` sigmas (the inside of a solid part, such as a clipped
  corner). Components under :data:`MIN_STRUCTURE_PX` pixels are noise. (Growing also along
  Hessian ridges, 1-1.5 px scales, was measured and left out: on ridge centre lines it added
  0.0002 to the dev set's thin recall; let onto a wire's flanks it took JPEG's colour smear into
  the wire's contact shadow.)
* **Colour-only contrast** (a darker source) must reach :data:`MIN_COLOUR` of the background
  level: JPEG's chroma blotches fail it or the sharpness test.
* **Two directions**: polished metal mirrors the studio, so a silver prong or a rope chain is
  lighter than the sweep where it catches a highlight and darker (or only tinted) where it
  mirrors something dark. With automatic invert the mask uses the best lighter *and* the best
  darker source (each by its evidence) as one structure, the weaker only when it holds at least
  :data:`SECOND_EVIDENCE` of the stronger's evidence (a few specks are not a direction).
* **Evidence** ranks sources: the sigmas of the seeds on pixels the AI lacks; seeds where it
  already has the piece (the body) add :data:`TIE_WEIGHT` of their weight, so that a region
  with no lost detail still picks the channel where the piece stands out most.
* **Levels** (:func:`auto_levels`): white point a little under the contrast along the centre of
  the structure the AI lacks (thin wires never reach their full contrast), black point above the
  noise and a fraction of the way up, which cuts the halo blur and JPEG's chroma smear leave.
* **Coverage** (:func:`adaptive_mask`): a pixel's alpha is its contrast over the material's
  contrast, and the material shows its contrast at the nearest full pixel. So the white point
  rises, per pixel, to :data:`COVERAGE_FRACTION` of the highest contrast of the structure within
  :data:`COVERAGE_RADIUS` px (never below the automatic white): the soft edge of a solid part
  keeps its fractional alpha instead of being crushed opaque, while a dim wire keeps the white
  point that makes its centre opaque.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from core import channel_contrast as cc

# Structure, in sigmas of the background's contrast.
WEAK_Z, STRONG_Z = 3.0, 6.0
SHARP_Z, SHARP_SIGMA = 6.0, 4.0
SOLID_Z = 30.0  # this far above the noise a pixel needs no sharpness: the inside of a solid part
MIN_STRUCTURE_PX = 8
MIN_COLOUR = 0.01
# Choosing sources.
TIE_WEIGHT = 0.01
SECOND_EVIDENCE = 0.05
# Automatic levels, in contrast units above the background. The white point is RIDGE_FRACTION of
# the median contrast along the ridge of the structure the AI lacks (ai < WHITE_AI_MAX, over
# FRINGE_PX from its solid part, so not the fringe around the body): its seeds (sharp and strong,
# so real structure, not JPEG's colour smear, which is neither), their 3x3 local maxima (the
# centre line) when there are MIN_RIDGE_PX of those; seeds under RIDGE_MIN_PEAK of the peak are
# junk. A wire's centre is its most covered pixel, and pixels at about half its contrast are about
# half covered: RIDGE_FRACTION below 1 tips them opaque (thin parts are the point), at the price
# of some halo.
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
# Coverage: the local white point (see the module notes).
COVERAGE_FRACTION = 0.6
COVERAGE_RADIUS = 3

Source = tuple[int, bool]  # (channel index 0..2, dark)


@dataclass(frozen=True)
class Found:
    """What one source shows, for its levels: ``count`` pixels of structure; ``ridge`` the
    contrast along the centre line of the structure the AI lacks (None when there is too little);
    ``peak`` the structure's high-percentile contrast; ``noise`` and ``offset`` the background
    contrast's robust sigma and median."""

    count: int
    ridge: np.ndarray | None
    peak: float
    noise: float
    offset: float


@dataclass(frozen=True)
class SourceLevels:
    """A source ready to draw: levels ``lo < hi`` in contrast units, and its noise model."""

    k: int
    dark: bool
    lo: float
    hi: float
    offset: float
    noise: float


@dataclass(frozen=True)
class Analysis:
    """The background planes, each channel's mean background level, every allowed source's
    evidence and the chosen sources (strongest first) with their automatic levels."""

    background: tuple[float, ...]
    reference: tuple[float, float, float]
    evidence: dict[Source, float]
    chosen: tuple[SourceLevels, ...]


@dataclass
class _Map:
    e: np.ndarray  # contrast, levels
    z: np.ndarray  # contrast in noise sigmas
    seeds: np.ndarray
    weak: np.ndarray


@dataclass
class _Rated:
    source: Source
    map: _Map
    offset: float
    noise: float


def analyse(
    rgb8: np.ndarray,
    region: np.ndarray,
    ai_alpha: np.ndarray | None,
    *,
    channel: int | None = None,
    dark: bool | None = None,
) -> Analysis:
    """Fit the background, rate every allowed source, choose and level the mask's sources.

    ``channel`` and ``dark`` restrict the sources (None = any). ``region`` (uint8 coverage,
    the crop of its bounding box) must have some coverage (callers check).
    """
    inside = region >= 128 if np.any(region >= 128) else region > 0
    bg = cc.background_pixels(rgb8, inside, ai_alpha)
    background = cc.fit_background(rgb8, region, bg)
    contrast = cc.Contrast(rgb8, background, region)
    evidence, best = _rate_sources(contrast, region > 0, bg, ai_alpha, _candidates(channel, dark))
    top = max(evidence[b.source] for b in best)
    used = [b for b in best if b is best[0] or (evidence[b.source] > 0 and evidence[b.source] >= SECOND_EVIDENCE * top)]
    maps = [b.map for b in used]
    keep = _joint_structure(maps)
    for_white = _away_from_solid(ai_alpha)
    chosen = []
    for b, m in zip(used, maps):
        lo, hi = auto_levels(_found(m, keep & m.weak, for_white, b.offset, b.noise))
        chosen.append(SourceLevels(b.source[0], b.source[1], lo, hi, b.offset, b.noise))
    reference = tuple(float(contrast.planes[k][inside].mean()) for k in range(3))
    return Analysis(background, reference, evidence, tuple(chosen))


def auto_levels(found: Found) -> tuple[float, float]:
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


def adaptive_mask(
    rgb8: np.ndarray, region: np.ndarray, background: tuple[float, ...], sources: tuple[SourceLevels, ...], gamma: float
) -> np.ndarray:
    """The adaptive channel mask of the crop, (H, W) float32 in [0, 1] (region coverage not applied).

    Each source's Levels (``lo``, ``hi``, raised locally for coverage, then ``gamma``) on its
    contrast, kept on the joint structure of all sources, where the source itself is weak
    structure; the maximum over sources.

    Examples
    --------
    >>> rgb = np.full((30, 30, 3), 200, np.uint8); rgb[:, 14:16] = (200, 200, 120)  # a gold wire
    >>> region = np.full((30, 30), 255, np.uint8)
    >>> a = adaptive_mask(rgb, region, (200, 0, 0) * 3, (SourceLevels(2, True, 8, 40, 0, 1),), 1.0)
    >>> a[15, 14:16].tolist(), float(a[:, :12].max())
    ([1.0, 1.0], 0.0)
    """
    contrast = cc.Contrast(rgb8, background, region)
    allowed = region > 0
    maps = []
    for s in sources:
        maps.append(_source_map(contrast(s.k, s.dark), contrast.planes[s.k], allowed, s.offset, s.noise, s.dark))
    keep = _joint_structure(maps)
    out = np.zeros(region.shape, np.float32)
    disc = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * COVERAGE_RADIUS + 1,) * 2)
    for s, m in zip(sources, maps):
        mine = keep & m.weak
        if not mine.any():
            continue
        e = np.where(mine, m.e, np.float32(s.offset))
        local = cv2.dilate(e, disc)
        white = np.maximum(np.float32(s.hi), np.float32(s.offset) + np.float32(COVERAGE_FRACTION) * (local - s.offset))
        a = np.clip((e - np.float32(s.lo)) / (white - np.float32(s.lo)), 0.0, 1.0)
        if gamma != 1.0:
            a **= np.float32(1.0 / gamma)
        np.maximum(out, np.where(mine, a, 0.0), out=out)
    return out


# --- steps -------------------------------------------------------------------------------------


def _candidates(channel: int | None, dark: bool | None) -> list[Source]:
    """Allowed sources, blue first, darker first: the order ties resolve in (metal on a light sweep)."""
    return [
        (k, d)
        for k in (2, 1, 0)
        for d in (True, False)
        if (channel is None or k == channel) and (dark is None or d == dark)
    ]


def _rate_sources(
    contrast: cc.Contrast, allowed: np.ndarray, bg: np.ndarray, ai_alpha: np.ndarray | None, candidates: list[Source]
) -> tuple[dict[Source, float], list[_Rated]]:
    """Every candidate's evidence; the best candidate of each direction (strongest first, darker
    first on a tie), with its maps. Only those two keep their maps: memory stays bounded."""
    lacking = ai_alpha < cc.SOLID_AI_MIN if ai_alpha is not None else True
    bg_index = cc.sample_index(bg)
    evidence: dict[Source, float] = {}
    best: dict[bool, _Rated] = {}
    for source in candidates:
        k, dark = source
        e = contrast(k, dark)
        offset, noise = cc.noise(e.ravel()[bg_index], upper=not dark)
        m = _source_map(e, contrast.planes[k], allowed, offset, noise, dark)
        evidence[source] = float(m.z[m.seeds & lacking].sum()) + TIE_WEIGHT * float(m.z[m.seeds].sum())
        if dark not in best or evidence[source] > evidence[best[dark].source]:
            best[dark] = _Rated(source, m, offset, noise)
    return evidence, sorted(best.values(), key=lambda b: -evidence[b.source])


def _source_map(
    e: np.ndarray, plane_k: np.ndarray, allowed: np.ndarray, offset: float, noise: float, dark: bool
) -> _Map:
    z = (e - np.float32(offset)) / np.float32(noise)
    sharp = z - _surround(z)
    ok = allowed & (e >= np.float32(MIN_COLOUR) * plane_k) if dark else allowed
    seeds = ok & (z >= STRONG_Z) & (sharp >= SHARP_Z)
    weak = ok & (z >= WEAK_Z) & ((sharp >= 0) | (z >= SOLID_Z))
    return _Map(e, z, seeds, weak)


def _joint_structure(maps: list[_Map]) -> np.ndarray:
    """One structure for all sources: weak in any, grown from a seed of any."""
    return _hysteresis(np.logical_or.reduce([m.weak for m in maps]), np.logical_or.reduce([m.seeds for m in maps]))


def _found(m: _Map, mine: np.ndarray, for_white: np.ndarray | bool, offset: float, noise: float) -> Found:
    """Levels' statistics of one source on its part ``mine`` of the structure (the ridge: see
    RIDGE_FRACTION)."""
    e = m.e
    peak = float(np.percentile(e[mine], PEAK_PERCENTILE)) if mine.any() else 0.0
    centres = mine & m.seeds & for_white
    centres &= e >= offset + RIDGE_MIN_PEAK * (peak - offset)
    line = centres & (e >= cv2.dilate(e, np.ones((3, 3), np.uint8)))
    ridge = line if np.count_nonzero(line) >= MIN_RIDGE_PX else centres
    return Found(
        count=int(np.count_nonzero(mine)),
        ridge=e[ridge] if np.count_nonzero(ridge) >= MIN_RIDGE_PX else None,
        peak=peak,
        noise=noise,
        offset=offset,
    )


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


def _away_from_solid(ai_alpha: np.ndarray | None) -> np.ndarray | bool:
    """Where the AI has under WHITE_AI_MAX, over FRINGE_PX from its solid part (True: no AI mask)."""
    if ai_alpha is None:
        return True
    low = ai_alpha < WHITE_AI_MAX
    solid = (ai_alpha >= cc.SOLID_AI_MIN).astype(np.uint8)
    if not solid.any():
        return low
    return low & (cv2.distanceTransform(1 - solid, cv2.DIST_L2, 3) > FRINGE_PX)
