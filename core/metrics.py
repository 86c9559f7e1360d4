"""Quality metrics for an alpha matte against the true alpha.

Every function takes the matte being scored first (``alpha``) and the ground truth second
(``true_alpha``), both ``(H, W)`` and either ``uint8`` (0..255, read as value / 255) or floating
point in ``[0, 1]``. Both are converted to float64 in ``[0, 1]`` before any arithmetic, so
a ``uint8`` matte and its float copy score the same. Inputs are never modified.

The first four metrics follow Rhemann et al., "A Perceptually Motivated Online Benchmark for
Image Matting", CVPR 2009, as computed by the alphamatting.com evaluation code and its common
Python port (Deep Image Matting, GCA, MatteFormer ...):

* :func:`sad` -- sum of absolute differences, **divided by 1000** (the benchmark's unit).
* :func:`mse` -- mean squared difference (not scaled).
* :func:`gradient_error` -- squared difference of the gradient magnitudes, first-derivative
  of Gaussian filters with sigma 1.4, summed and divided by 1000.
* :func:`connectivity_error` -- thresholds every 0.1, theta 0.15, 4-connected largest
  component, summed and divided by 1000.

The benchmark evaluates these only in the trimap's unknown band; here they cover the whole
image unless ``mask`` is given (pass ``trimap == 128`` to reproduce the benchmark exactly).

The rest are specific to jewelry repair:

* :func:`iou` -- intersection over union of the ``alpha >= 0.5`` regions.
* :func:`thin_recall` -- how much of the true thin structure (:func:`thin_mask`) the matte keeps.
* :func:`bleed` -- opaque pixels that the matte leaves semi-transparent.
* :func:`edge_overshoot` -- how far the matte's ``alpha >= 0.5`` region reaches past the true edge.

:func:`score` computes all of them at once.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import asdict, dataclass
from typing import NamedTuple

import cv2
import numpy as np

from core.errors import CoreError, SizeMismatchError

# Rhemann et al. 2009 constants, as in the alphamatting.com evaluation code.
GRADIENT_SIGMA = 1.4
CONNECTIVITY_STEP = 0.1
CONNECTIVITY_THETA = 0.15

# A pixel is foreground when its alpha reaches this (IoU, thin structure, overshoot).
FOREGROUND_LEVEL = 0.5
# Structures at most this many pixels wide are "thin" (prongs, chains, wires, gallery rails).
THIN_MAX_WIDTH_PX = 6
# "Opaque" in the truth: alpha >= 0.99 (253..255 in uint8).
OPAQUE_LEVEL = 0.99
# Bleed: an opaque pixel whose scored alpha lies strictly between these.
BLEED_LOW, BLEED_HIGH = 0.1, 0.9


def to_unit_alpha(alpha: np.ndarray, *, name: str = "alpha") -> np.ndarray:
    """Return ``alpha`` as float64 in ``[0, 1]`` (the input itself if it already is float64).

    Parameters
    ----------
    alpha : ndarray, shape (H, W), uint8 or floating point
        uint8 is read as ``value / 255``; floating point must already lie in ``[0, 1]``.
    name : str
        The argument's name, used in error messages.

    Returns
    -------
    ndarray, shape (H, W), float64

    Raises
    ------
    CoreError
        If the array is not 2-D, has another dtype (bool, int16, uint16 ...), or is floating
        point with NaN or values outside ``[0, 1]``.

    Examples
    --------
    >>> to_unit_alpha(np.array([[0, 255]], np.uint8))
    array([[0., 1.]])
    """
    alpha = np.asarray(alpha)
    if alpha.ndim != 2:
        raise CoreError(f"{name} must be a 2-D (H, W) array, got shape {alpha.shape}")
    if alpha.dtype == np.uint8:
        return alpha.astype(np.float64) / 255.0
    if not np.issubdtype(alpha.dtype, np.floating):
        raise CoreError(f"{name} must be uint8 (0..255) or float in [0, 1], got dtype {alpha.dtype}")
    if alpha.size:
        lo, hi = float(np.min(alpha)), float(np.max(alpha))  # NaN propagates into lo and hi
        if not (0.0 <= lo and hi <= 1.0):
            raise CoreError(f"{name} must lie in [0, 1] (float), got values from {lo:g} to {hi:g}")
    return alpha.astype(np.float64, copy=False)  # read-only use everywhere: no copy needed


def _pair(alpha: np.ndarray, true_alpha: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    a = to_unit_alpha(alpha, name="alpha")
    t = to_unit_alpha(true_alpha, name="true_alpha")
    if a.shape != t.shape:
        raise SizeMismatchError(f"alpha is {a.shape[1]}x{a.shape[0]} but true_alpha is {t.shape[1]}x{t.shape[0]}")
    return a, t


def _region(mask: np.ndarray | None, shape: tuple[int, ...]) -> np.ndarray | None:
    if mask is None:
        return None
    mask = np.asarray(mask)
    if mask.dtype != bool:
        raise CoreError(f"mask must be a boolean array, got dtype {mask.dtype}")
    if mask.shape != shape:
        raise SizeMismatchError(f"mask has shape {mask.shape} but the alphas have shape {shape}")
    return mask


def _total(values: np.ndarray, mask: np.ndarray | None) -> float:
    return float(values.sum() if mask is None else values[mask].sum())


def sad(alpha: np.ndarray, true_alpha: np.ndarray, *, mask: np.ndarray | None = None) -> float:
    """Sum of absolute differences, in thousands (alphamatting.com convention).

    ``SAD = sum |alpha - true_alpha| / 1000`` with both alphas in ``[0, 1]``.

    Parameters
    ----------
    alpha, true_alpha : ndarray, shape (H, W), uint8 or float in [0, 1]
        The matte being scored and the ground truth.
    mask : ndarray of bool, shape (H, W), optional
        Sum only where True (e.g. ``trimap == 128``). Default: the whole image.

    Returns
    -------
    float

    Raises
    ------
    CoreError, SizeMismatchError
        Bad dtype or range; shapes that differ.

    Examples
    --------
    >>> sad(np.full((10, 10), 255, np.uint8), np.zeros((10, 10), np.uint8))
    0.1
    """
    a, t = _pair(alpha, true_alpha)
    return _total(np.abs(a - t), _region(mask, a.shape)) / 1000.0


def mse(alpha: np.ndarray, true_alpha: np.ndarray, *, mask: np.ndarray | None = None) -> float:
    """Mean squared difference of the alphas in ``[0, 1]`` (not scaled).

    Parameters
    ----------
    alpha, true_alpha : ndarray, shape (H, W), uint8 or float in [0, 1]
    mask : ndarray of bool, shape (H, W), optional
        Average only where True. Default: the whole image.

    Returns
    -------
    float
        0.0 for an empty region.

    Raises
    ------
    CoreError, SizeMismatchError

    Examples
    --------
    >>> mse(np.array([[1.0, 0.5]]), np.array([[0.0, 0.5]]))
    0.5
    """
    a, t = _pair(alpha, true_alpha)
    region = _region(mask, a.shape)
    n = a.size if region is None else int(region.sum())
    return _total((a - t) ** 2, region) / n if n else 0.0


def _gaussian_derivative_kernels(sigma: float) -> tuple[np.ndarray, np.ndarray]:
    """The 1-D factors of Rhemann et al.'s separable kernel, each normalised to unit L2 norm.

    Their 2-D kernel ``hx[i, j] = g(i) * g'(j) / ||g (x) g'||`` factors exactly into these.
    Half-size as in their code: ``ceil(sigma * sqrt(-2 ln(sqrt(2 pi) sigma 0.01)))`` (4 for 1.4).
    """
    half = math.ceil(sigma * math.sqrt(-2.0 * math.log(math.sqrt(2.0 * math.pi) * sigma * 1e-2)))
    x = np.arange(-half, half + 1, dtype=np.float64)
    g = np.exp(-(x**2) / (2 * sigma**2)) / (sigma * math.sqrt(2 * math.pi))
    dg = -x * g / sigma**2
    return g / np.linalg.norm(g), dg / np.linalg.norm(dg)


def gradient_magnitude(alpha: np.ndarray, *, sigma: float = GRADIENT_SIGMA) -> np.ndarray:
    """Gradient magnitude with Gaussian first-derivative filters (Rhemann et al. 2009).

    Parameters
    ----------
    alpha : ndarray, shape (H, W), uint8 or float in [0, 1]
    sigma : float
        Gaussian sigma in pixels (the benchmark uses 1.4). Borders replicate the edge pixel.

    Returns
    -------
    ndarray, shape (H, W), float64

    Raises
    ------
    CoreError
        Bad array, or ``sigma`` outside (0, 100].

    Examples
    --------
    >>> float(gradient_magnitude(np.zeros((5, 5), np.uint8)).max())
    0.0
    """
    if not (isinstance(sigma, (int, float)) and 0 < sigma <= 100):
        raise CoreError(f"sigma must be a number of pixels in (0, 100], got {sigma!r}")
    a = to_unit_alpha(alpha)
    g, dg = _gaussian_derivative_kernels(sigma)
    gx = cv2.sepFilter2D(a, cv2.CV_64F, dg, g, borderType=cv2.BORDER_REPLICATE)
    gy = cv2.sepFilter2D(a, cv2.CV_64F, g, dg, borderType=cv2.BORDER_REPLICATE)
    return np.sqrt(gx * gx + gy * gy)


def gradient_error(
    alpha: np.ndarray,
    true_alpha: np.ndarray,
    *,
    mask: np.ndarray | None = None,
    sigma: float = GRADIENT_SIGMA,
) -> float:
    """Gradient error of Rhemann et al. 2009, divided by 1000.

    ``sum (|grad alpha| - |grad true_alpha|)^2 / 1000``, gradients from
    :func:`gradient_magnitude` (sigma 1.4).

    Parameters
    ----------
    alpha, true_alpha : ndarray, shape (H, W), uint8 or float in [0, 1]
    mask : ndarray of bool, shape (H, W), optional
        Sum only where True. Default: the whole image.
    sigma : float

    Returns
    -------
    float
        0.0 for identical inputs.

    Raises
    ------
    CoreError, SizeMismatchError

    Examples
    --------
    >>> a = np.zeros((20, 20), np.uint8); a[5:15, 5:15] = 255
    >>> gradient_error(a, a)
    0.0
    """
    a, t = _pair(alpha, true_alpha)
    region = _region(mask, a.shape)
    diff = gradient_magnitude(a, sigma=sigma) - gradient_magnitude(t, sigma=sigma)
    return _total(diff * diff, region) / 1000.0


def _largest_component(mask: np.ndarray) -> np.ndarray:
    """The largest 4-connected component of ``mask`` (ties: lowest label); all False if empty."""
    n, labels, stats, _ = cv2.connectedComponentsWithStats(mask.view(np.uint8), connectivity=4)
    if n <= 1:
        return np.zeros(mask.shape, bool)
    return labels == 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))


def connectivity_error(
    alpha: np.ndarray,
    true_alpha: np.ndarray,
    *,
    mask: np.ndarray | None = None,
    step: float = CONNECTIVITY_STEP,
    theta: float = CONNECTIVITY_THETA,
) -> float:
    """Connectivity error of Rhemann et al. 2009, divided by 1000.

    For thresholds ``t_i = i * step``, ``l`` is the last threshold at which a pixel still
    belongs to the largest 4-connected component of ``(alpha >= t_i) & (true_alpha >= t_i)``
    (1 if it always does). With ``d = alpha - l``, ``phi = 1 - d * (d >= theta)``, and the
    error is ``sum |phi(alpha) - phi(true_alpha)| / 1000``.

    Parameters
    ----------
    alpha, true_alpha : ndarray, shape (H, W), uint8 or float in [0, 1]
    mask : ndarray of bool, shape (H, W), optional
        Sum only where True. Default: the whole image.
    step, theta : float
        0.1 and 0.15 in the benchmark.

    Returns
    -------
    float
        0.0 for identical inputs.

    Raises
    ------
    CoreError, SizeMismatchError

    Examples
    --------
    >>> a = np.zeros((20, 20), np.uint8); a[5:15, 5:15] = 255
    >>> connectivity_error(a, a)
    0.0
    """
    if not (isinstance(step, (int, float)) and 0 < step <= 1 and isinstance(theta, (int, float))):
        raise CoreError(f"step must be in (0, 1] and theta a number, got step={step!r}, theta={theta!r}")
    a, t = _pair(alpha, true_alpha)
    region = _region(mask, a.shape)
    thresholds = np.arange(0, 1 + step, step)  # the reference code's exact values, float noise included
    if theta >= thresholds[1]:
        # Outside the box where either alpha reaches the first threshold no pixel is ever connected,
        # so l = 0 there and d = alpha < step <= theta: both phis are 1 and the sum gains nothing.
        box = _bounding_box((a >= thresholds[1]) | (t >= thresholds[1]))
        if box is None:
            return 0.0
        a, t = a[box], t[box]
        region = None if region is None else region[box]
    level = np.full(a.shape, -1.0)
    for previous, threshold in itertools.pairwise(thresholds):
        connected = _largest_component((a >= threshold) & (t >= threshold))
        level[(level == -1) & ~connected] = previous
    level[level == -1] = 1.0
    d_a, d_t = a - level, t - level
    phi_a = 1 - d_a * (d_a >= theta)
    phi_t = 1 - d_t * (d_t >= theta)
    return _total(np.abs(phi_a - phi_t), region) / 1000.0


def _bounding_box(mask: np.ndarray) -> tuple[slice, slice] | None:
    rows, cols = np.flatnonzero(mask.any(axis=1)), np.flatnonzero(mask.any(axis=0))
    if not rows.size:
        return None
    return slice(rows[0], rows[-1] + 1), slice(cols[0], cols[-1] + 1)


def iou(alpha: np.ndarray, true_alpha: np.ndarray, *, level: float = FOREGROUND_LEVEL) -> float:
    """Intersection over union of the regions ``alpha >= level`` and ``true_alpha >= level``.

    Parameters
    ----------
    alpha, true_alpha : ndarray, shape (H, W), uint8 or float in [0, 1]
    level : float
        Foreground threshold in ``[0, 1]`` (0.5: uint8 values 128..255).

    Returns
    -------
    float
        In ``[0, 1]``; 1.0 when both regions are empty.

    Raises
    ------
    CoreError, SizeMismatchError

    Examples
    --------
    >>> a = np.zeros((20, 20), np.uint8); a[0:10, 0:10] = 255
    >>> b = np.zeros((20, 20), np.uint8); b[0:10, 5:15] = 255
    >>> iou(a, b)  # 50 shared pixels of 150
    0.3333333333333333
    """
    a, t = _pair(alpha, true_alpha)
    fa, ft = a >= level, t >= level
    union = int(np.count_nonzero(fa | ft))
    return int(np.count_nonzero(fa & ft)) / union if union else 1.0


def thin_mask(true_alpha: np.ndarray, *, max_width: int = THIN_MAX_WIDTH_PX) -> np.ndarray:
    """Foreground pixels that belong to structures at most ``max_width`` pixels wide.

    Exactly: pixels with ``true_alpha >= 0.5`` that a morphological opening of that region
    with a ``(max_width + 1)``-pixel ellipse (``cv2.MORPH_ELLIPSE``, 7x7 by default) removes.
    A straight 6 px wide band vanishes under that opening and a 7 px band survives, so
    structures up to 6 px wide are thin. Sharp corners of thick shapes (the few pixels the
    disc cannot reach) also count as thin. Pixels outside the image count as "neutral":
    a band that runs off the edge is judged by its width only.

    Parameters
    ----------
    true_alpha : ndarray, shape (H, W), uint8 or float in [0, 1]
    max_width : int
        Widest structure, in pixels, that counts as thin (>= 1).

    Returns
    -------
    ndarray of bool, shape (H, W)

    Raises
    ------
    CoreError
        Bad array, or ``max_width < 1``.

    Examples
    --------
    >>> a = np.zeros((20, 20), np.uint8); a[:, 3:5] = 255; a[:, 8:20] = 255
    >>> m = thin_mask(a)
    >>> int(m[:, 3:5].sum()), int(m[:, 8:20].sum())  # the 2 px line is thin, the 12 px bar is not
    (40, 0)
    """
    if isinstance(max_width, bool) or not isinstance(max_width, (int, np.integer)) or max_width < 1:
        raise CoreError(f"max_width must be a whole number of pixels >= 1, got {max_width!r}")
    foreground = (to_unit_alpha(true_alpha, name="true_alpha") >= FOREGROUND_LEVEL).view(np.uint8)
    size = int(max_width) + 1
    disc = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (size, size))
    opened = cv2.morphologyEx(foreground, cv2.MORPH_OPEN, disc)
    return (foreground > 0) & (opened == 0)


def thin_recall(alpha: np.ndarray, true_alpha: np.ndarray, *, max_width: int = THIN_MAX_WIDTH_PX) -> float:
    """Fraction of the true thin-structure pixels (:func:`thin_mask`) that ``alpha >= 0.5`` covers.

    Parameters
    ----------
    alpha, true_alpha : ndarray, shape (H, W), uint8 or float in [0, 1]
    max_width : int
        See :func:`thin_mask`.

    Returns
    -------
    float
        In ``[0, 1]``; NaN when the truth has no thin structure.

    Raises
    ------
    CoreError, SizeMismatchError

    Examples
    --------
    >>> t = np.zeros((10, 10), np.uint8); t[:, 4:6] = 255
    >>> a = t.copy(); a[5:, :] = 0   # keep the top half of the 2 px line
    >>> thin_recall(a, t)
    0.5
    """
    a, t = _pair(alpha, true_alpha)
    thin = thin_mask(t, max_width=max_width)
    total = int(np.count_nonzero(thin))
    if not total:
        return math.nan
    return int(np.count_nonzero(thin & (a >= FOREGROUND_LEVEL))) / total


class Bleed(NamedTuple):
    """Opaque pixels left semi-transparent: how many, and what fraction of the opaque pixels."""

    count: int
    fraction: float


def bleed(alpha: np.ndarray, true_alpha: np.ndarray) -> Bleed:
    """Pixels opaque in the truth (``true_alpha >= 0.99``) that ``alpha`` leaves strictly between 0.1 and 0.9.

    This is the AI's "see-through metal" failure: a solid part rendered at 35-45% alpha.

    Parameters
    ----------
    alpha, true_alpha : ndarray, shape (H, W), uint8 or float in [0, 1]
        For uint8 ``alpha`` the bleeding values are 26..229.

    Returns
    -------
    Bleed
        ``count`` (int) and ``fraction`` = count / number of opaque pixels (NaN if there are none).

    Raises
    ------
    CoreError, SizeMismatchError

    Examples
    --------
    >>> t = np.array([[255, 255, 255, 255, 0]], np.uint8)
    >>> bleed(np.array([[255, 100, 20, 240, 100]], np.uint8), t)
    Bleed(count=1, fraction=0.25)
    """
    a, t = _pair(alpha, true_alpha)
    opaque = t >= OPAQUE_LEVEL
    n_opaque = int(np.count_nonzero(opaque))
    count = int(np.count_nonzero(opaque & (a > BLEED_LOW) & (a < BLEED_HIGH)))
    return Bleed(count, count / n_opaque if n_opaque else math.nan)


def edge_overshoot(alpha: np.ndarray, true_alpha: np.ndarray, *, percentile: float = 99.0) -> float:
    """How far, in pixels, the ``alpha >= 0.5`` region reaches past the true ``>= 0.5`` region.

    For every pixel that is foreground in ``alpha`` but not in the truth, take the Euclidean
    distance between its centre and the nearest true-foreground pixel centre
    (``cv2.distanceTransform``, L2, precise mask); return the given percentile of those
    distances. A matte grown by ``n`` pixels straight out from a straight edge scores ``n``.

    Parameters
    ----------
    alpha, true_alpha : ndarray, shape (H, W), uint8 or float in [0, 1]
    percentile : float
        In ``[0, 100]``; 99 ignores a stray 1 % of far pixels, 100 is the maximum.

    Returns
    -------
    float
        0.0 when ``alpha`` adds no foreground; ``inf`` when it adds some but the truth has none.

    Raises
    ------
    CoreError, SizeMismatchError

    Examples
    --------
    >>> t = np.zeros((4, 10), np.uint8); t[:, :5] = 255
    >>> a = np.zeros((4, 10), np.uint8); a[:, :8] = 255   # three columns too many
    >>> edge_overshoot(a, t)
    3.0
    """
    if not 0.0 <= percentile <= 100.0:
        raise CoreError(f"percentile must be between 0 and 100, got {percentile!r}")
    a, t = _pair(alpha, true_alpha)
    true_fg = t >= FOREGROUND_LEVEL
    extra = (a >= FOREGROUND_LEVEL) & ~true_fg
    if not extra.any():
        return 0.0
    if not true_fg.any():
        return math.inf
    distance = cv2.distanceTransform((~true_fg).view(np.uint8), cv2.DIST_L2, cv2.DIST_MASK_PRECISE)
    return float(np.percentile(distance[extra], percentile))


@dataclass(frozen=True)
class Scores:
    """All metrics of one matte against its truth (see the module docstring for units)."""

    sad: float
    mse: float
    grad: float
    conn: float
    iou: float
    thin_recall: float
    bleed_count: int
    bleed_fraction: float
    edge_overshoot: float

    def as_dict(self) -> dict[str, float | int]:
        return asdict(self)


def score(alpha: np.ndarray, true_alpha: np.ndarray, *, mask: np.ndarray | None = None) -> Scores:
    """Every metric of this module for one matte.

    Parameters
    ----------
    alpha, true_alpha : ndarray, shape (H, W), uint8 or float in [0, 1]
    mask : ndarray of bool, shape (H, W), optional
        Region for SAD, MSE, gradient and connectivity (the others always use the whole image).

    Returns
    -------
    Scores

    Raises
    ------
    CoreError, SizeMismatchError

    Examples
    --------
    >>> a = np.zeros((20, 20), np.uint8); a[5:15, 5:15] = 255
    >>> s = score(a, a)
    >>> s.sad, s.iou, s.bleed_count
    (0.0, 1.0, 0)
    """
    a, t = _pair(alpha, true_alpha)
    b = bleed(a, t)
    return Scores(
        sad=sad(a, t, mask=mask),
        mse=mse(a, t, mask=mask),
        grad=gradient_error(a, t, mask=mask),
        conn=connectivity_error(a, t, mask=mask),
        iou=iou(a, t),
        thin_recall=thin_recall(a, t),
        bleed_count=b.count,
        bleed_fraction=b.fraction,
        edge_overshoot=edge_overshoot(a, t),
    )
