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
    """Foreground pixels that belong to structures at most ``max_width`` pixels wide.

    Exactly: pixels with ``true_alpha >= 0.5`` that a morphological opening of that region
    with a ``(max_width + 1)``-pixel ellipse (``cv2.MORPH_ELLIPSE``, 7x7 by default) removes,
    except the 8-connected pieces of them that touch what the opening keeps (a thick part) and
    reach no more than ``max_width // 2`` px (3) out from it, counted in 8-connected steps along
    the piece: the opening also rounds off the corners and tips of thick shapes and the small
    bumps on their outlines, which are no structures of their own. A 90-degree corner reaches 1-2
    px, a bump its height; a prong or a wire standing on a body, or lying along it joined at one
    end, reaches its own length, and a piece touching no thick part (a chain's link, a wire, a
    hair, a dash of a broken line) always counts. Walls thinner than 7 px between holes smaller
    than the disc (a mesh's wires between small openings) are rounded off too where they are that
    short: a limit of measuring width with one disc. A straight 6 px wide band
    vanishes under the opening and a 7 px band survives, so structures up to 6 px wide are thin.
    Pixels outside the image count as "neutral": a band that runs off the edge is judged by its
    width only.

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
    >>> b = np.zeros((30, 30), np.uint8); b[10:, 10:] = 255; b[7:10, 14:16] = 255  # a 3 px bump
    >>> int(thin_mask(b).sum())  # neither it nor the square's corner is a structure
    0
    >>> b[2:10, 14:16] = 255; int(thin_mask(b).sum())  # an 8 px prong is (all but its foot)
    14
    """
    residue, opened = _opening_residue(true_alpha, max_width)
    return residue & ~_rounded_off(residue, opened, max_width // 2)


def opening_residue(true_alpha: np.ndarray, *, max_width: int = THIN_MAX_WIDTH_PX) -> np.ndarray:
    """Every foreground pixel the opening of :func:`thin_mask` removes, the corners, tips and bumps
    it rounds off thick shapes included (what ``thin_mask`` counted until 2026-11-30).

    >>> a = np.zeros((20, 20), np.uint8); a[5:15, 5:15] = 255
    >>> int(opening_residue(a).sum()), int(thin_mask(a).sum())  # a square's four rounded corners
    (16, 0)
    """
    return _opening_residue(true_alpha, max_width)[0]


def _opening_residue(true_alpha: np.ndarray, max_width: int) -> tuple[np.ndarray, np.ndarray]:
    """(foreground pixels the opening removes, the opened foreground as uint8)."""
    if isinstance(max_width, bool) or not isinstance(max_width, (int, np.integer)) or max_width < 1:
        raise CoreError(f"max_width must be a whole number of pixels >= 1, got {max_width!r}")
    foreground = (to_unit_alpha(true_alpha, name="true_alpha") >= FOREGROUND_LEVEL).view(np.uint8)
    size = int(max_width) + 1
    disc = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (size, size))
    opened = cv2.morphologyEx(foreground, cv2.MORPH_OPEN, disc)
    return (foreground > 0) & (opened == 0), opened


def _rounded_off(residue: np.ndarray, opened: np.ndarray, reach: float) -> np.ndarray:
    """The pixels of ``residue`` in pieces that touch ``opened`` and lie within ``reach`` px of it
    measured along the piece (:func:`thin_mask`): a wire lying along a body, joined to it at one
    end, reaches its length, not its distance from the body."""
    n, labels = cv2.connectedComponents(residue.view(np.uint8), connectivity=8)
    if n <= 1 or not opened.any():
        return np.zeros(residue.shape, bool)
    step = np.ones((3, 3), np.uint8)
    inside = (residue | (opened > 0)).view(np.uint8)
    grown = opened.copy()
    touching = np.zeros(n, bool)
    touching[labels[cv2.dilate(opened, step).astype(bool) & residue]] = True
    for _ in range(int(reach)):  # one pixel (8-connected) at a time, through the piece only
        grown = cv2.dilate(grown, step) & inside
    far = np.zeros(n, bool)
    far[labels[residue & (grown == 0)]] = True
    rounded = touching & ~far
    rounded[0] = False
    return rounded[labels]


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
