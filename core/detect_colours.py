"""Local background and foreground colours around an AI mask, and alpha read from colour.

Damage detection (:mod:`core.detect`) asks, for a pixel near the mask's edge, "does the photo
show the piece here, or the studio background?". This module answers it with the classic
colour-line model of alpha matting, ``I = a * F + (1 - a) * B``, where ``B`` is the local
background colour and ``F`` the local colour of the piece:

* ``B``: normalized convolution (a Gaussian average over the pixels the AI calls transparent,
  divided by the average of that weight) in two passes: a broad one, then a narrower one over
  the pixels within a few noise sigmas of it, so a lost wire lying on the sweep does not tint
  the background under it. A studio sweep is smooth (gradient, vignette, soft shadows of 10-20 px
  sigma), which is what a Gaussian average of ~5 px follows.
* ``F``: the same over the AI's opaque interior (reflective metal varies, so this is a crude,
  local average: good for "object-coloured or not", not for fine alpha).
* **Shadows** scale the background's R, G and B alike. So the part of ``I - B`` along ``B``'s own
  colour direction may be a shadow, and only the part across it (chroma) is shadow-proof. Alpha
  is read from chroma when the piece's colour differs from the sweep's in chroma (gold, rose
  gold, coloured stones); from the full colour difference when the piece is *lighter* (a shadow
  never lightens); and not at all for a neutral piece darker than the sweep (silver on white
  looks exactly like shadowed sweep: no colour test can tell them apart).

Everything runs at a *work* resolution whose long side is at most :data:`WORK_LONG_SIDE`:
the soft artefacts of AI removers (bleed, halo, clipped tips) come from their low internal
resolution and are many pixels wide on a large photo, while colour averages need no detail.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

# Long side of the work image (px). AI removers run at ~1-2k px internally, so their soft
# artefacts are at least a work pixel wide; 1600 is the dev set's own size (work = full
# resolution there) and keeps a 24 MP photo's colour model near 0.3 s.
WORK_LONG_SIDE = 1600
# AI alpha (0..1) at or below which a pixel is background, at or above which it is the body.
BACKGROUND_ALPHA = 0.02
BODY_ALPHA = 0.97
# Gaussian sigmas (work px) of the background's broad and fine passes and of the body colour.
BROAD_SIGMA, FINE_SIGMA, BODY_SIGMA = 16.0, 5.0, 4.0
# Blurs run coarser by one factor per this many px of sigma (a Gaussian average of sigma s
# px is smooth on that scale; each factor of 2 is 4x less work): sigma 16 at 1/4 resolution,
# 4 and 5 at 1/2.
BLUR_SIGMA_PER_REDUCTION = 4.0
# Background pixels further than this many noise sigmas from the broad fit are not background
# (a lost wire, dust, a clipped tip) in the fine pass.
OUTLIER_Z = 6.0
# Least noise assumed (8-bit levels): quantisation plus the smoothest JPEG studio shot.
NOISE_FLOOR = 0.7
# Colour contrast (in noise sigmas) below which alpha cannot be read from colour.
MIN_CONTRAST_Z = 4.0
# Fewer weight than this (a fraction of a full Gaussian's) and a normalized convolution falls
# back to the broader estimate.
MIN_WEIGHT = 0.02
# The background's fit is judged on the pixels within this many work px of the piece, each
# unexplained when over MISFIT_Z noise sigmas from the fit.
MISFIT_RING_PX, MISFIT_Z = 20, 6.0
# Pixels sampled for noise estimates (every n-th), which bounds their cost.
NOISE_SAMPLES = 200_000


@dataclass(frozen=True)
class ColourModel:
    """The photo and AI alpha at work resolution, with local colours and the noise.

    Attributes
    ----------
    scale : int
        Image pixels per work pixel (1 when the photo is at most :data:`WORK_LONG_SIDE`).
    rgb : ndarray, shape (h, w, 3), float32
        The photo at work resolution (area average), 0..255.
    alpha : ndarray, shape (h, w), float32
        The AI alpha at work resolution, 0..1.
    background, foreground : ndarray, shape (h, w, 3), float32
        Local background and piece colours (module notes).
    noise : float
        Robust noise sigma of the background at work resolution, levels (>= NOISE_FLOOR).
    background_z : ndarray, shape (h, w), float32
        :func:`background_distance` of the model, computed once.
    misfit : float
        Fraction of the background pixels near the piece (:data:`MISFIT_RING_PX`) that the
        smooth background does not explain (over :data:`MISFIT_Z` noise sigmas, shadows
        forgiven): a few percent on a studio sweep, tens of percent on a cluttered scene,
        where no colour test here means anything.
    """

    scale: int
    rgb: np.ndarray
    alpha: np.ndarray
    background: np.ndarray
    foreground: np.ndarray
    noise: float
    background_z: np.ndarray
    misfit: float


@dataclass(frozen=True)
class ColourAlpha:
    """Alpha read from colour at work resolution.

    Attributes
    ----------
    alpha : ndarray, shape (h, w), float32
        ``(I - B) . (F - B) / |F - B|^2`` (chroma only when the piece differs in chroma),
        unclipped; meaningful only where ``reliable``.
    reliable : ndarray of bool, shape (h, w)
        The piece's colour differs from the background's by >= MIN_CONTRAST_Z noise sigmas in a
        way a shadow cannot imitate.
    contrast : ndarray, shape (h, w), float32
        That colour difference in noise sigmas.
    """

    alpha: np.ndarray
    reliable: np.ndarray
    contrast: np.ndarray


def work_scale(shape: tuple[int, ...]) -> int:
    """Image pixels per work pixel for an image of ``shape``: ``ceil(long side / WORK_LONG_SIDE)``.

    Examples
    --------
    >>> work_scale((1600, 1600)), work_scale((4000, 6000))
    (1, 4)
    """
    return max(1, math.ceil(max(shape[:2]) / WORK_LONG_SIDE))


def to_work(image: np.ndarray, scale: int) -> np.ndarray:
    """``image`` area-averaged by ``scale`` as float32 (a float32 copy when ``scale`` is 1).

    Parameters
    ----------
    image : ndarray, shape (H, W) or (H, W, C), uint8 or float32
    scale : int

    Returns
    -------
    ndarray, float32, shape ``(ceil(H / scale), ceil(W / scale)[, C])``
    """
    if scale == 1:
        return image.astype(np.float32)
    h, w = image.shape[:2]
    size = (math.ceil(w / scale), math.ceil(h / scale))
    return cv2.resize(image, size, interpolation=cv2.INTER_AREA).astype(np.float32)


def colour_model(rgb: np.ndarray, ai_alpha: np.ndarray) -> ColourModel:
    """Build the :class:`ColourModel` of a photo and its AI mask.

    Parameters
    ----------
    rgb : ndarray, shape (H, W, 3), uint8
    ai_alpha : ndarray, shape (H, W), uint8

    Returns
    -------
    ColourModel

    Examples
    --------
    >>> rgb = np.full((40, 40, 3), 200, np.uint8); rgb[10:30, 10:30] = (180, 140, 50)
    >>> a = np.zeros((40, 40), np.uint8); a[10:30, 10:30] = 255
    >>> m = colour_model(rgb, a)
    >>> [round(float(v)) for v in m.background[20, 5]], [round(float(v)) for v in m.foreground[20, 20]]
    ([200, 200, 200], [180, 140, 50])
    """
    scale = work_scale(rgb.shape)
    small = to_work(rgb, scale)
    alpha = to_work(ai_alpha, scale) / 255.0
    background_px = _erode(alpha <= BACKGROUND_ALPHA, 1)
    body_px = _erode(alpha >= BODY_ALPHA, 1)
    noise = _noise(small, background_px)

    broad = _normalized_blur(small, background_px, BROAD_SIGMA)
    residual = np.abs(small - broad).max(axis=2)
    clean = background_px & (residual <= OUTLIER_Z * noise + 2.0)
    background = _normalized_blur(small, clean, FINE_SIGMA, fallback=broad)
    body_broad = _normalized_blur(small, body_px, BROAD_SIGMA, fallback=background)
    foreground = _normalized_blur(small, body_px, BODY_SIGMA, fallback=body_broad)
    distance = background_distance(small, background, noise)
    ring = background_px & _dilate(alpha > BACKGROUND_ALPHA, MISFIT_RING_PX)
    misfit = float(np.mean(distance[ring] > MISFIT_Z)) if ring.any() else 0.0
    return ColourModel(scale, small, alpha, background, foreground, noise, distance, misfit)


def colour_alpha(model: ColourModel) -> ColourAlpha:
    """Alpha read from colour, shadow-proof where possible (module notes).

    Parameters
    ----------
    model : ColourModel

    Returns
    -------
    ColourAlpha

    Examples
    --------
    >>> rgb = np.full((40, 40, 3), 200, np.uint8); rgb[10:30, 10:30] = (180, 140, 50)
    >>> rgb[10:30, 30:33] = (190, 170, 125)                       # half gold, half sweep
    >>> a = np.zeros((40, 40), np.uint8); a[10:30, 10:30] = 255
    >>> ca = colour_alpha(colour_model(rgb, a))
    >>> bool(ca.reliable[20, 31]), round(float(ca.alpha[20, 31]), 1), abs(round(float(ca.alpha[20, 36]), 1))
    (True, 0.5, 0.0)
    """
    d = cv2.split(model.rgb - model.background)
    f = cv2.split(model.foreground - model.background)
    b = cv2.split(model.background)
    # Components along the sweep's colour direction bhat = B / |B| (a shadow's) and across it.
    norm = np.sqrt(_dot(b, b)) + 1e-3
    bhat = [plane / norm for plane in b]
    f_along, d_along = _dot(f, bhat), _dot(d, bhat)
    f_across = [fk - f_along * bk for fk, bk in zip(f, bhat)]
    d_across = [dk - d_along * bk for dk, bk in zip(d, bhat)]
    full2, d_dot_f = _dot(f, f), _dot(d, f)
    chroma2 = _dot(f_across, f_across)
    noise2 = model.noise * model.noise
    chromatic = chroma2 >= (MIN_CONTRAST_Z * MIN_CONTRAST_Z) * noise2
    lighter = (f_along >= MIN_CONTRAST_Z * model.noise) & ~chromatic
    alpha_chroma = _dot(d_across, f_across) / np.maximum(chroma2, 1e-6)
    alpha_full = d_dot_f / np.maximum(full2, 1e-6)
    alpha = np.where(chromatic, alpha_chroma, alpha_full).astype(np.float32)
    contrast = np.where(chromatic, np.sqrt(chroma2), np.abs(f_along)) / model.noise
    return ColourAlpha(alpha, chromatic | lighter, contrast.astype(np.float32))


def background_distance(rgb: np.ndarray, background: np.ndarray, noise: float) -> np.ndarray:
    """How far each pixel's colour is from the background's, in noise sigmas, shadows forgiven.

    The distance is the chroma difference plus any *lightening* (a shadow only darkens, by one
    factor in all channels), so a shadowed sweep scores like the sweep.

    Parameters
    ----------
    rgb, background : ndarray, shape (h, w, 3), float32
        The photo and its local background colour (work resolution).
    noise : float
        Noise sigma in levels.

    Returns
    -------
    ndarray, shape (h, w), float32
        >= 0.

    Examples
    --------
    >>> bg = np.full((1, 3, 3), 200, np.float32)
    >>> px = np.array([[[200, 200, 200], [100, 100, 100], [200, 200, 150]]], np.float32)
    >>> [round(float(v), 1) for v in background_distance(px, bg, 1.0)[0]]   # sweep, shadow, yellow
    [0.0, 0.0, 40.8]
    """
    d = cv2.split(rgb - background)
    b = cv2.split(background)
    norm = np.sqrt(_dot(b, b)) + 1e-3
    bhat = [plane / norm for plane in b]
    d_along = _dot(d, bhat)
    d_across = [dk - d_along * bk for dk, bk in zip(d, bhat)]
    across = np.sqrt(_dot(d_across, d_across))
    return ((across + np.maximum(d_along, 0.0)) / noise).astype(np.float32)


def _dot(a, b) -> np.ndarray:
    """Per-pixel dot product of two colour images given as sequences of 3 channel planes
    (2-D float32 arrays): plane arithmetic, much faster than numpy sums over a colour axis."""
    return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]


def _dilate(mask: np.ndarray, radius: int) -> np.ndarray:
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * radius + 1, 2 * radius + 1))
    return cv2.dilate(mask.view(np.uint8), kernel).astype(bool)


def _erode(mask: np.ndarray, radius: int) -> np.ndarray:
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * radius + 1, 2 * radius + 1))
    return cv2.erode(mask.view(np.uint8), kernel).astype(bool)


def _noise(rgb: np.ndarray, where: np.ndarray) -> float:
    """Robust sigma of the high-pass (pixel minus its 3x3 mean) over ``where``, per level."""
    high = rgb - cv2.blur(rgb, (3, 3))
    values = high[where]
    if values.size < 30:
        return NOISE_FLOOR
    step = max(1, values.shape[0] // NOISE_SAMPLES)
    values = values[::step]
    mad = np.median(np.abs(values - np.median(values, axis=0)), axis=0)
    # x - mean3x3(x) keeps sqrt(1 - 1/9) of white noise's sigma.
    sigma = float(np.median(1.4826 * mad) / math.sqrt(8.0 / 9.0))
    return max(NOISE_FLOOR, sigma)


def _normalized_blur(
    image: np.ndarray, weight: np.ndarray, sigma: float, *, fallback: np.ndarray | None = None
) -> np.ndarray:
    """Gaussian average of ``image`` over the pixels where ``weight`` is True.

    Where the weight nearby is under MIN_WEIGHT, ``fallback`` (or the mean of the weighted
    pixels, or of the whole image) is used, blended smoothly. The averages are smooth on the
    scale of ``sigma``, so they are computed ``sigma / BLUR_SIGMA_PER_REDUCTION`` times coarser
    and interpolated back.
    """
    w = weight.astype(np.float32)
    weighted = image * w[..., None]
    reduce = max(1, int(sigma // BLUR_SIGMA_PER_REDUCTION))
    if reduce > 1:
        num, den = _reduced_blur(weighted, w, sigma, reduce)
    else:
        num = cv2.GaussianBlur(weighted, (0, 0), sigma)
        den = cv2.GaussianBlur(w, (0, 0), sigma)
    if fallback is None:
        fallback = np.empty_like(image)
        fallback[...] = image[weight].mean(axis=0) if weight.any() else image.reshape(-1, 3).mean(axis=0)
    blend = np.clip(den / MIN_WEIGHT, 0.0, 1.0)
    mean = num / np.maximum(den, 1e-6)[..., None]
    # mean * blend + fallback * (1 - blend), as fallback + (mean - fallback) * blend
    return (fallback + (mean - fallback) * blend[..., None]).astype(np.float32)


def _reduced_blur(
    image: np.ndarray, weight: np.ndarray, sigma: float, reduce: int
) -> tuple[np.ndarray, np.ndarray]:
    h, w = weight.shape
    small = (max(1, w // reduce), max(1, h // reduce))
    num = cv2.GaussianBlur(cv2.resize(image, small, interpolation=cv2.INTER_AREA), (0, 0), sigma / reduce)
    den = cv2.GaussianBlur(cv2.resize(weight, small, interpolation=cv2.INTER_AREA), (0, 0), sigma / reduce)
    return (
        cv2.resize(num, (w, h), interpolation=cv2.INTER_LINEAR),
        cv2.resize(den, (w, h), interpolation=cv2.INTER_LINEAR),
    )
