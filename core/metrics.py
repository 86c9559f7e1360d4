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

from dataclasses import asdict, dataclass

import numpy as np

# The metrics live by kind in these modules; they are re-exported here, the module callers import.
from core.metrics_alpha import FOREGROUND_LEVEL, to_unit_alpha, unit_alpha_pair
from core.metrics_edges import BLEED_HIGH, BLEED_LOW, OPAQUE_LEVEL, Bleed, bleed, edge_overshoot
from core.metrics_matting import (
    CONNECTIVITY_STEP,
    CONNECTIVITY_THETA,
    GRADIENT_SIGMA,
    _gaussian_derivative_kernels,  # noqa: F401  (its kernels are tested through this module)
    connectivity_error,
    gradient_error,
    gradient_magnitude,
    mse,
    sad,
)
from core.metrics_structure import THIN_MAX_WIDTH_PX, iou, thin_mask, thin_recall

__all__ = [
    "BLEED_HIGH",
    "BLEED_LOW",
    "CONNECTIVITY_STEP",
    "CONNECTIVITY_THETA",
    "FOREGROUND_LEVEL",
    "GRADIENT_SIGMA",
    "OPAQUE_LEVEL",
    "THIN_MAX_WIDTH_PX",
    "Bleed",
    "Scores",
    "bleed",
    "connectivity_error",
    "edge_overshoot",
    "gradient_error",
    "gradient_magnitude",
    "iou",
    "mse",
    "sad",
    "score",
    "thin_mask",
    "thin_recall",
    "to_unit_alpha",
    "unit_alpha_pair",
]


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
    a, t = unit_alpha_pair(alpha, true_alpha)
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
