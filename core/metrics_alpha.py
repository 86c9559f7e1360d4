"""Alphas as the metrics read them: float64 in ``[0, 1]``, scored matte and truth of one shape.

Every metric (:mod:`core.metrics`) converts its inputs here first, so a ``uint8`` matte and its
float copy score the same. Inputs are never modified.
"""

from __future__ import annotations

import numpy as np

from core.errors import CoreError, SizeMismatchError

# A pixel is foreground when its alpha reaches this (IoU, thin structure, overshoot).
FOREGROUND_LEVEL = 0.5


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


def unit_alpha_pair(alpha: np.ndarray, true_alpha: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Both alphas as float64 in ``[0, 1]`` (:func:`to_unit_alpha`), checked to have the same shape.

    Parameters
    ----------
    alpha, true_alpha : ndarray, shape (H, W), uint8 or float in [0, 1]

    Returns
    -------
    tuple of ndarray, shape (H, W), float64

    Raises
    ------
    CoreError
        As :func:`to_unit_alpha` (naming ``alpha`` or ``true_alpha``).
    SizeMismatchError
        If the shapes differ.

    Examples
    --------
    >>> a, t = unit_alpha_pair(np.array([[255]], np.uint8), np.array([[0.5]]))
    >>> float(a[0, 0]), float(t[0, 0])
    (1.0, 0.5)
    """
    a = to_unit_alpha(alpha, name="alpha")
    t = to_unit_alpha(true_alpha, name="true_alpha")
    if a.shape != t.shape:
        raise SizeMismatchError(f"alpha is {a.shape[1]}x{a.shape[0]} but true_alpha is {t.shape[1]}x{t.shape[0]}")
    return a, t
