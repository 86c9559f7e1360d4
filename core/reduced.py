"""Reduced-resolution renders for zoomed-out previews: an approximation, fast.

At fit zoom the editor shows a 24 MP photo in about 1000 x 700 screen pixels. Rendering the whole
photo at full resolution and shrinking it (:func:`core.render.render_crop`, exact) takes about a
second with a heavy recipe; here the inputs are reduced first, once per photo and level
(:func:`reduce_inputs`), and the recipe is rendered scaled to the level
(:meth:`core.recipe.Recipe.scaled`), then shrunk to the requested scale (:func:`render_reduced`).

Levels are ``2 ** -k`` and ``3 * 2 ** -k`` (1, 3/4, 1/2, 3/8, 1/4, 3/16, 1/8, ...), the
coarsest at least :data:`MIN_OVERSAMPLE` times the requested scale. Their pixels align with the
original's every 8-32 px (a level pixel is an exact block of 2, 8/3, 4, ... original pixels
from the origin), and the editor's windows are snapped to 32 px, so a window maps onto whole
level pixels and scaled paths land exactly where the reduced pixels are. Alignment mattered
more than oversampling (measured on a 960 x 640 version of tests/core/test_render_reduced.py's
scene at the fit scale
2 ** -2.5: level 1/4, 1.41x, misses the exact render by 0.20 grey levels on average; a
misaligned quarter-octave level at 1.68x by 0.36). At the editor's fit scale on a 6000 x 4000
photo (0.177) this renders the 1/4 level: 1.5 MP instead of 24.

Approximation, not exactness: ops run on area-averaged pixels, so structures thinner than about
``1 / factor`` px (a 1-2 px wire, a matte band of a few px) are blurred into their neighbours
before the ops see them, and automatic choices (channel levels, contrast thresholds) see the
averaged values. At the scales this is used for (below :data:`REDUCED_BELOW`) such structures are
below one screen pixel anyway. Final renders and previews at 50 % and above stay exact.
"""

from __future__ import annotations

import math
import time
from dataclasses import replace

import cv2
import numpy as np

from core import codecs
from core.codecs import DecodedImage
from core.recipe import Recipe
from core.render import RenderResult, render_window
from core.window import Rect

__all__ = ["MIN_OVERSAMPLE", "REDUCED_BELOW", "level_factor", "reduce_inputs", "render_reduced"]

# At 50 % and above the exact windowed render already answers within the editor's 300 ms (a
# 2000 x 1500 window: ~260 ms with a heavy recipe), and a reduced one would blur 1-2 px wires
# that are still visible on screen.
REDUCED_BELOW = 0.5
# Level pixels per output pixel, at least: rendered at the output scale itself, the ops' hard
# edges (contrast 100, unfeathered paths) show their staircase; from ~1.4 the final area
# average anti-aliases them (sqrt 2, so the editor's fit scale 2 ** -2.5 takes the 1/4 level).
MIN_OVERSAMPLE = 2**0.5


def level_factor(scale: float) -> float:
    """The pyramid level (reduced size over full size) to render an output ``scale`` from.

    Parameters
    ----------
    scale : float
        Output pixels per image pixel, > 0.

    Returns
    -------
    float
        1.0 at and above :data:`REDUCED_BELOW` (render exactly); else the smallest of
        ``2 ** -k`` and ``3 * 2 ** -k`` (k >= 1) that is at least ``MIN_OVERSAMPLE * scale``.

    Raises
    ------
    ValueError
        If ``scale`` is not a positive finite number.

    Examples
    --------
    >>> level_factor(1.0), level_factor(0.5)
    (1.0, 1.0)
    >>> level_factor(2 ** -2.5), level_factor(0.2)  # the editor's fit scale on 6000 x 4000; 20 %
    (0.25, 0.375)
    """
    if not (math.isfinite(scale) and scale > 0):
        raise ValueError(f"scale must be a positive finite number, got {scale!r}")
    if scale >= REDUCED_BELOW:
        return 1.0
    need = MIN_OVERSAMPLE * scale * (1 - 1e-9)  # 2 ** -2.5 * sqrt 2 is 1/4 up to rounding
    factor = 1.0
    while True:
        for finer in (factor * 0.75, factor * 0.5):
            if finer < need:
                return factor
            factor = finer

def reduce_inputs(rgb: np.ndarray, alpha: np.ndarray, factor: float) -> tuple[np.ndarray, np.ndarray]:
    """The photo and its base mask reduced by ``factor`` with area averaging: one pyramid level.

    Parameters
    ----------
    rgb : (H, W, 3) uint8
        The upright original (8 bits: :func:`core.render.render_window` reads 8 bits anyway).
    alpha : (H, W) uint8
        The base mask (AI or auto). Neither input is modified.
    factor : float
        0 < factor <= 1.

    Returns
    -------
    rgb : (h, w, 3) uint8
    alpha : (h, w) uint8
        With ``(w, h) = (round(W * factor), round(H * factor))``, pixel edges mapped by exactly
        ``factor`` (the last row and column may cover a little more or less of the image);
        new arrays (copies when ``factor`` is 1).

    Raises
    ------
    ValueError
        Bad shapes, dtypes or factor.

    Examples
    --------
    >>> rgb, alpha = reduce_inputs(np.zeros((40, 60, 3), np.uint8), np.full((40, 60), 255, np.uint8), 0.25)
    >>> rgb.shape, int(alpha.min())
    ((10, 15, 3), 255)
    """
    if rgb.ndim != 3 or rgb.shape[2] != 3 or rgb.dtype != np.uint8:
        raise ValueError(f"rgb must be (H, W, 3) uint8, got {rgb.shape} {rgb.dtype}")
    if alpha.shape != rgb.shape[:2] or alpha.dtype != np.uint8:
        raise ValueError(f"alpha must be (H, W) uint8 matching rgb, got {alpha.shape} {alpha.dtype}")
    if not (math.isfinite(factor) and 0 < factor <= 1) or min(rgb.shape[:2]) * factor < 0.5:
        raise ValueError(f"factor must be in (0, 1] and leave at least one pixel, got {factor!r}")
    if factor == 1:
        return rgb.copy(), alpha.copy()
    # fx / fy, not a size: OpenCV then maps pixel edges by exactly ``factor`` from the origin
    # (a size would stretch the whole image onto whole pixels), so level pixel i covers
    # [i / factor, (i + 1) / factor) and scaled paths land where the pixels are.
    return (
        cv2.resize(rgb, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA),
        cv2.resize(alpha, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA),
    )


def render_reduced(
    level_rgb: np.ndarray,
    level_alpha: np.ndarray,
    recipe: Recipe,
    window: Rect,
    scale: float,
    factor: float,
    *,
    deadline: float | None = None,
) -> RenderResult:
    """Render ``window`` (full-resolution pixels) at ``scale`` from a pyramid level: approximate.

    The recipe is scaled to the level (:meth:`core.recipe.Recipe.scaled`), the level's pixels
    covering the window are rendered exactly as :func:`core.render.render_window` renders, and
    the result is shrunk to the output size (premultiplied area average, as
    :func:`core.render.render_crop`). A window whose edges fall on whole level pixels (the
    editor's, snapped to 32 px, do down to the 3/32 level) maps exactly; other edges are rounded
    to the nearest level pixel, up to a third of an output pixel off: invisible at these zooms.

    Parameters
    ----------
    level_rgb : (h, w, 3) uint8
    level_alpha : (h, w) uint8
        :func:`reduce_inputs` of the original and the base mask (AI, or auto already computed:
        the recipe's ``base`` is ignored). Not modified.
    recipe : Recipe
        The full-resolution recipe, validated.
    window : Rect
        Full-resolution pixels to show.
    scale : float
        Output pixels per full-resolution pixel, 0 < scale <= factor.
    factor : float
        The level's size over the full size (:func:`level_factor`).
    deadline : float, optional
        As :func:`core.render.render_window`'s.

    Returns
    -------
    RenderResult
        ``window`` and ``scale`` as asked, ``level`` = ``factor``; 8-bit colours; ``timings`` of
        the level's render plus ``shrink``.

    Raises
    ------
    InvalidRecipeError
        The window lies outside the image.
    ValueError
        ``scale`` or ``factor`` out of range.

    Examples
    --------
    >>> rgb, alpha = np.zeros((80, 80, 3), np.uint8), np.zeros((80, 80), np.uint8)
    >>> r = Recipe.from_dict({"ops": [{"op": "path", "d": "M 0 0 H 40 V 40 H 0 Z"}]})
    >>> small_rgb, small_alpha = reduce_inputs(rgb, alpha, 0.5)
    >>> out = render_reduced(small_rgb, small_alpha, r, Rect(0, 0, 80, 80), 0.25, 0.5)
    >>> out.alpha.shape, int(out.alpha.sum()) // 255, out.level
    ((20, 20), 100, 0.5)
    """
    if not (math.isfinite(factor) and 0 < factor <= 1):
        raise ValueError(f"factor must be in (0, 1], got {factor!r}")
    if not (math.isfinite(scale) and 0 < scale <= factor):
        raise ValueError(f"scale must be in (0, factor={factor:g}], got {scale!r}")
    image = DecodedImage(rgb=level_rgb, icc_profile=None, bit_depth=8, info=codecs.ImageInfo.of_array(level_rgb))
    level_window = _level_window(window, factor, level_alpha.shape)
    result = render_window(
        image, level_alpha, replace(recipe, base="ai").scaled(factor), level_window, deadline=deadline
    )
    started = time.perf_counter()
    size = (max(1, round(window.width * scale)), max(1, round(window.height * scale)))
    rgb, alpha, base = result.rgb, result.alpha, result.base_alpha
    if (alpha.shape[1], alpha.shape[0]) != size:
        rgb, alpha = codecs.resize_rgba(rgb, alpha, size)
        base = cv2.resize(base, size, interpolation=cv2.INTER_AREA)
    result.timings["shrink"] = time.perf_counter() - started
    result.rgb, result.alpha, result.base_alpha = rgb, alpha, base
    result.window, result.scale, result.level = window, scale, factor
    return result


def _level_window(window: Rect, factor: float, shape: tuple[int, ...]) -> Rect:
    """``window`` in level pixels, edges rounded to the nearest, at least one pixel inside the level."""
    height, width = shape[:2]
    x0 = min(round(window.x0 * factor), width - 1)
    y0 = min(round(window.y0 * factor), height - 1)
    return Rect(x0, y0, max(round(window.x1 * factor), x0 + 1), max(round(window.y1 * factor), y0 + 1))
