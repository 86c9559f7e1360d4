"""A built-in base alpha for studio shots (the recipe's ``"base": "auto"``).

When no AI result is supplied, :func:`auto_alpha` separates jewelry from a plain studio
background (white, grey or tinted sweep with gradient, vignette and soft shadows):

1. **Background model** (:func:`estimate_background`): one cubic polynomial per channel,
   fitted robustly first to the border strip, then to every pixel the border fit explains.
   Sweeps and vignettes are smooth; objects, shadows and chains that leave the frame are
   trimmed away as outliers.
2. **Shadowless contrast** against the model: a pixel that is the background colour scaled
   darker (a shadow) has none; chroma, brightening and darkening deeper than any soft shadow
   (:data:`SHADOW_DEPTH`) count.
3. **Graph cut** (``cv2.grabCut``) on a copy shrunk by a whole factor to a long side near
   :data:`WORK_SIDE`, started from the contrast: probable object where contrast is high,
   probable background near it, certain background elsewhere; only the boxes around the
   candidates are cut (at a lower resolution when they are large, see :data:`CUT_BUDGET`).
4. **Full-size edges**: in a band around the cut's edge, and on faint ridges the cut missed
   (wires thinner than a work pixel), alpha is the full-size pixel's contrast against the
   local background over the contrast of the nearest pure object pixel (within
   :data:`PEAK_RADIUS`), steepened by :data:`EDGE_GAIN`.

Pixel work happens on the shrunk copy, plus gathers of the band at full size: a 24-megapixel
photo costs about 0.6 s of one core (the graph cut, ~0.2-0.3 s, is bounded by the budget).
"""

from __future__ import annotations

import numpy as np

# The stages live in these modules (background model, segmentation, full-size edges, work
# copies); this module runs them and re-exports what callers and the docs name.
from core.autobase_background import (
    BORDER_DEGREE,
    BORDER_FRACTION,
    INTERIOR_DEGREE,
    MODEL_SIDE,
    BackgroundModel,
    _fit_background,
    estimate_background,
)
from core.autobase_blocks import _as_rgb8, _shrink, _shrink_factor
from core.autobase_fullsize import (
    EDGE_GAIN,
    NOISE_DEADZONE,
    PEAK_RADIUS,
    REF_SHARE,
    RINGING,
    _refine_full_size,
)
from core.autobase_segment import (
    CUT_BUDGET,
    CUT_ITERATIONS,
    CUT_REACH,
    CUT_SEED,
    MAX_CUT_BOXES,
    MIN_CUT_SEEDS,
    MIN_RIDGE_PX,
    SHADOW_DEPTH,
    STRONG_FACTOR,
    _clean_labels,
    _graph_cut,
    _measure,
)

__all__ = [
    "BORDER_DEGREE",
    "BORDER_FRACTION",
    "CUT_BUDGET",
    "CUT_ITERATIONS",
    "CUT_REACH",
    "CUT_SEED",
    "EDGE_GAIN",
    "INTERIOR_DEGREE",
    "MAX_CUT_BOXES",
    "MIN_CUT_SEEDS",
    "MIN_RIDGE_PX",
    "MODEL_SIDE",
    "NOISE_DEADZONE",
    "PEAK_RADIUS",
    "REF_SHARE",
    "RINGING",
    "SHADOW_DEPTH",
    "STRONG_FACTOR",
    "WORK_SIDE",
    "BackgroundModel",
    "auto_alpha",
    "estimate_background",
]

# Target long side of the work copy (reached within a factor 1.5: it is shrunk by a whole
# factor so that every work pixel is an exact block of full-size pixels).
WORK_SIDE = 1024


def auto_alpha(rgb: np.ndarray) -> np.ndarray:
    """A base alpha for a studio product shot: jewelry opaque, background and shadows clear.

    Parameters
    ----------
    rgb : ndarray, shape (H, W, 3), uint8 (or uint16, read as its high byte)
        The photo, on a plain studio background. Not modified.

    Returns
    -------
    alpha : ndarray, shape (H, W), uint8
        255 on the object, 0 on the background and its shadows, soft values on edges and thin
        wires. An image without any object gives an all-zero alpha. Deterministic. On a
        background that is no studio sweep (clutter, hard cast shadows) it finds little or
        nothing rather than guessing; :attr:`BackgroundModel.residual` tells such scenes.

    Raises
    ------
    CoreError
        If ``rgb`` is not an (H, W, 3) uint8/uint16 image with at least one pixel.

    Examples
    --------
    >>> rgb = np.full((60, 80, 3), 225, np.uint8)
    >>> rgb[20:40, 30:50] = (200, 150, 40)  # a gold square on light grey
    >>> alpha = auto_alpha(rgb)
    >>> int(alpha[30, 40]), int(alpha[5, 5]), int((alpha > 127).sum())
    (255, 0, 400)
    """
    rgb = _as_rgb8(rgb)
    factor = _shrink_factor(rgb.shape, WORK_SIDE)
    small = _shrink(rgb, factor)
    model_factor = _shrink_factor(small.shape, MODEL_SIDE)
    model = _fit_background(_shrink(small, model_factor), factor * model_factor, rgb)
    scene = _measure(small, model, factor)
    if not scene.strong.any():
        return np.zeros(rgb.shape[:2], np.uint8)
    labels = _clean_labels(_graph_cut(small, scene), scene)
    return _refine_full_size(rgb, scene, labels, model.noise)
