"""Matting errors of Rhemann et al., CVPR 2009: SAD, MSE, gradient and connectivity.

Computed as by the alphamatting.com evaluation code and its common Python port (Deep Image
Matting, GCA, MatteFormer ...); see :mod:`core.metrics` for the units. Each covers the whole
image unless ``mask`` is given (pass ``trimap == 128`` to reproduce the benchmark exactly).
"""

from __future__ import annotations

import itertools
import math

import cv2
import numpy as np

from core.errors import CoreError, SizeMismatchError
from core.metrics_alpha import to_unit_alpha, unit_alpha_pair

# Rhemann et al. 2009 constants, as in the alphamatting.com evaluation code.
GRADIENT_SIGMA = 1.4
CONNECTIVITY_STEP = 0.1
CONNECTIVITY_THETA = 0.15


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
    a, t = unit_alpha_pair(alpha, true_alpha)
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
    a, t = unit_alpha_pair(alpha, true_alpha)
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
    a, t = unit_alpha_pair(alpha, true_alpha)
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
    a, t = unit_alpha_pair(alpha, true_alpha)
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
