"""Structure metrics: how much of the true shape a matte keeps (IoU, thin-structure recall)."""

from __future__ import annotations

import math

import cv2
import numpy as np

from core.errors import CoreError
from core.metrics_alpha import FOREGROUND_LEVEL, to_unit_alpha, unit_alpha_pair

# Structures at most this many pixels wide are "thin" (prongs, chains, wires, gallery rails).
THIN_MAX_WIDTH_PX = 6


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
    a, t = unit_alpha_pair(alpha, true_alpha)
    fa, ft = a >= level, t >= level
    union = int(np.count_nonzero(fa | ft))
    return int(np.count_nonzero(fa & ft)) / union if union else 1.0


def thin_mask(true_alpha: np.ndarray, *, max_width: int = THIN_MAX_WIDTH_PX) -> np.ndarray:
    """Foreground pixels that belong to line-like structures at most ``max_width`` pixels wide.

    Exactly: pixels with ``true_alpha >= 0.5`` that a morphological opening of that region
    with a ``(max_width + 1)``-pixel ellipse (``cv2.MORPH_ELLIPSE``, 7x7 by default) removes,
    in 8-connected pieces at least ``max_width + 1`` px long (the long side of the piece's
    smallest enclosing rectangle, ``cv2.minAreaRect`` over its pixel centres, plus one). A
    straight 6 px wide band vanishes under that opening and a 7 px band survives, so structures
    up to 6 px wide are thin; the length test keeps lines (prongs, wires, chains, twigs) and
    leaves out what the opening also removes from thick shapes: the few pixels of a corner or a
    tip the disc cannot reach and small bumps on an outline, none longer than it is wide. Pixels
    outside the image count as "neutral": a band that runs off the edge is judged by its width
    only.

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
    >>> b = np.zeros((30, 30), np.uint8); b[10:, 10:] = 255; b[8:10, 14:17] = 255  # a 2 x 3 px bump
    >>> int(thin_mask(b).sum())
    0
    """
    if isinstance(max_width, bool) or not isinstance(max_width, (int, np.integer)) or max_width < 1:
        raise CoreError(f"max_width must be a whole number of pixels >= 1, got {max_width!r}")
    foreground = (to_unit_alpha(true_alpha, name="true_alpha") >= FOREGROUND_LEVEL).view(np.uint8)
    size = int(max_width) + 1
    disc = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (size, size))
    opened = cv2.morphologyEx(foreground, cv2.MORPH_OPEN, disc)
    residue = (foreground > 0) & (opened == 0)
    return residue & _long_pieces(residue, size)


def _long_pieces(mask: np.ndarray, length: int) -> np.ndarray:
    """The pixels of ``mask`` in 8-connected pieces at least ``length`` px long (:func:`thin_mask`)."""
    n, labels, stats, _ = cv2.connectedComponentsWithStats(mask.view(np.uint8), connectivity=8)
    if n <= 1:
        return np.zeros(mask.shape, bool)
    long_ = np.zeros(n, bool)
    # The enclosing rectangle's long side is at most the bounding box's diagonal: only pieces
    # whose diagonal reaches the length need the rectangle.
    reach = np.hypot(stats[:, cv2.CC_STAT_WIDTH] - 1, stats[:, cv2.CC_STAT_HEIGHT] - 1) + 1
    candidates = np.flatnonzero(reach >= length)
    candidates = candidates[candidates > 0]
    if len(candidates):
        ys, xs = np.nonzero(np.isin(labels, candidates))
        which = labels[ys, xs]
        order = np.argsort(which, kind="stable")
        which, points = which[order], np.stack([xs[order], ys[order]], axis=1).astype(np.float32)
        starts = np.searchsorted(which, candidates)
        ends = np.searchsorted(which, candidates, side="right")
        for label, start, end in zip(candidates, starts, ends):
            (_, _), (w, h), _ = cv2.minAreaRect(points[start:end])
            long_[label] = max(w, h) + 1 >= length
    return long_[labels]


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
    a, t = unit_alpha_pair(alpha, true_alpha)
    thin = thin_mask(t, max_width=max_width)
    total = int(np.count_nonzero(thin))
    if not total:
        return math.nan
    return int(np.count_nonzero(thin & (a >= FOREGROUND_LEVEL))) / total
