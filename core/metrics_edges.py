"""Edge metrics: opaque metal left see-through (bleed) and a matte reaching past the true edge."""

from __future__ import annotations

import math
from typing import NamedTuple

import cv2
import numpy as np

from core.errors import CoreError
from core.metrics_alpha import FOREGROUND_LEVEL, unit_alpha_pair

# "Opaque" in the truth: alpha >= 0.99 (253..255 in uint8).
OPAQUE_LEVEL = 0.99
# Bleed: an opaque pixel whose scored alpha lies strictly between these.
BLEED_LOW, BLEED_HIGH = 0.1, 0.9


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
    a, t = unit_alpha_pair(alpha, true_alpha)
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
    a, t = unit_alpha_pair(alpha, true_alpha)
    true_fg = t >= FOREGROUND_LEVEL
    extra = (a >= FOREGROUND_LEVEL) & ~true_fg
    if not extra.any():
        return 0.0
    if not true_fg.any():
        return math.inf
    distance = cv2.distanceTransform((~true_fg).view(np.uint8), cv2.DIST_L2, cv2.DIST_MASK_PRECISE)
    return float(np.percentile(distance[extra], percentile))
