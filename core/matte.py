"""Refine Edge brush: re-estimate alpha from the photo's colours inside a painted region.

Inside the region, a trimap is built from the current alpha ``a`` (0..1) and ``radius`` r:

- definite object: ``a >= 0.95`` and farther than r px from any pixel with ``a < 0.95``
  (the opaque part eroded by r);
- definite background: ``a <= 0.05`` and farther than r px from any pixel with ``a > 0.05``;
- unknown: everything else in the region, i.e. the soft pixels and a band of r px on either
  side of the current edge.

The unknown pixels are solved by closed-form matting (Levin, Lischinski and Weiss 2008: 3 x 3
windows, epsilon 1e-7, pymatting's convention) on the bounding box of the unknown pixels plus
3 px (boxes over 512 px a side in overlapping 512-px tiles). Every other pixel of the box is a
constraint: 1 or 0 for the definite object and background, its current alpha outside the
region. :mod:`core.matte_system` builds the system of the unknown pixels straight from the
photo's windows and solves it exactly (sparse LDL^T, qdldl). Closed-form matting was chosen
over KNN, large-kernel and Jacobi-preconditioned closed-form matting by measurement on crops of
the synthetic dev set: fastest, and lowest error against ground truth; the direct solve over
pymatting's Laplacian with conjugate gradients and its incomplete-Cholesky preconditioner
(this module's solver until engine 0.2.3) because it is faster and exact (README). Tiles are
solved by up to two threads at once.

The result is blended with the input by the region's coverage ``c`` (0..1)::

    out = c * solved + (1 - c) * alpha      on unknown pixels; alpha everywhere else

so pixels outside the region (c = 0) and definite pixels are returned unchanged.

Limits, measured on 300 x 300 regions at the 24 opacity-bleed spots of the dev set: a radius
of 2-3 px cut the error against ground truth by about 17 % in all (better in 16-19 of 24
regions); 6 px gained nothing or made it worse (x0.97 to x1.18), as the colour model then
re-solves correct edges of shiny metal. Thin parts (2-px prongs) are
recovered when they join an opaque body within the region; a part with no opaque pixel near
it has nothing to anchor the solve and stays as it was.

The solver's numba kernels compile on the first call, not with this module (0.2 s with numba's
cache warm, 1.5 s cold); call :func:`preload_solver` at worker start-up.
"""

from __future__ import annotations

import math
import os
from concurrent.futures import ThreadPoolExecutor

import cv2
import numpy as np

from core import result_cache
from core.errors import CoreError, SizeMismatchError, checked_number
from core.window import Rect

__all__ = ["matte_margin", "matte_region", "preload_solver"]

# Alpha levels of the definite object and background (as in Photoshop's Refine Edge: a pixel
# at 95 % is treated as solid; below 5 % as empty).
_FG_LEVEL = round(0.95 * 255)  # 242
_BG_LEVEL = round(0.05 * 255)  # 13
# Known pixels around the unknown ones in the solved box: the Laplacian's 3 x 3 windows couple
# pixels up to 2 px apart; one more keeps every window of an unknown pixel inside the box.
_SOLVE_MARGIN = 3
_EPSILON = 1e-7  # Levin et al.'s regularisation (pymatting's default)
_RADIUS_RANGE = (1.0, 64.0)  # as MatteOp in core/recipe.py
# Largest box side solved at once, and the overlap of tiles when a box is larger (see
# _solve_in_boxes). 32 px: the matting Laplacian's influence decays within a few windows.
_MAX_SOLVE_SIDE = 512
_TILE_OVERLAP = 32
# Threads solving tiles at once: this process's cores, at most 2. Two made the 24 MP strand
# search 1.3x faster on 2 cores (two processes did no better) for 175 MB more peak memory (810 ->
# 985 MB). Only regions over _MAX_SOLVE_SIDE have several tiles: full renders and detection in
# the workers, rarely an editor preview (core.render.working_window caps those).
SOLVE_THREADS = min(2, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)


def matte_region(rgb: np.ndarray, alpha: np.ndarray, region: np.ndarray, *, radius: float) -> np.ndarray:
    """Re-estimate alpha from colour near the current edge, inside a painted region.

    See the module docstring for the trimap, the solver and the blend.

    Parameters
    ----------
    rgb : ndarray, shape (H, W, 3), uint8 or uint16
        The photo. Not modified.
    alpha : ndarray, shape (H, W), uint8
        The current alpha. Not modified.
    region : ndarray, shape (H, W), uint8
        Coverage of the painted region, 0 (outside) to 255 (fully inside).
    radius : float
        1..64 px: the width of the band on either side of the current edge that is re-solved.

    Returns
    -------
    ndarray, shape (H, W), uint8
        A new array; equal to ``alpha`` wherever ``region`` is 0.

    Raises
    ------
    CoreError
        If an array has the wrong type, dtype or number of dimensions.
    SizeMismatchError
        If the arrays' heights and widths differ.
    InvalidRecipeError
        If ``radius`` is not a finite number in 1..64 (``field`` is ``"radius"``).

    Examples
    --------
    >>> rgb = np.full((20, 20, 3), 230, np.uint8); rgb[:, :10] = 30      # dark left half
    >>> alpha = np.zeros((20, 20), np.uint8); alpha[:, :7] = 255         # edge 3 px too far in
    >>> region = np.full((20, 20), 255, np.uint8)
    >>> out = matte_region(rgb, alpha, region, radius=5)
    >>> out[10, 5:13].tolist()
    [255, 255, 255, 255, 255, 0, 0, 0]
    """
    _check_arrays(rgb, alpha, region)
    radius = _check_radius(radius)
    out = alpha.copy()
    region_box = _bounding_box(region)
    if region_box is None:
        return out
    crop = region_box.pad(_margin(radius)).clip(Rect.of_shape(alpha.shape))
    rgb_crop, alpha_crop, region_crop = rgb[crop.slices()], alpha[crop.slices()], region[crop.slices()]
    # Cached per process (core.result_cache): the editor re-renders the op on every slider release
    # of the ops after it, and its input is the same then.
    out[crop.slices()] = result_cache.op_results().get_or_make(
        ("matte", rgb_crop, alpha_crop, region_crop, radius),
        lambda: _matted(rgb_crop, alpha_crop, region_crop, radius),
    )
    return out


def _matted(rgb: np.ndarray, alpha: np.ndarray, region: np.ndarray, radius: float) -> np.ndarray:
    """:func:`matte_region` on its crop."""
    out = alpha.copy()
    unknown, known_value = _trimap(alpha, region, radius)
    solved = _solve_in_boxes(rgb, alpha, unknown, known_value)
    coverage = region[unknown].astype(np.float64) * (1.0 / 255.0)
    blended = coverage * solved[unknown] * 255.0 + (1.0 - coverage) * alpha[unknown]
    out[unknown] = np.clip(np.rint(blended), 0, 255).astype(np.uint8)
    return out


def matte_margin(radius: float) -> int:
    """Pixels of context around the region's bounding box that :func:`matte_region` reads.

    A window holding the region's bounding box grown by this margin gives exactly the pixels
    of the whole image: the trimap's distances reach ``radius`` px, the solved box 3 px more.

    Parameters
    ----------
    radius : float
        1..64 px, as in :func:`matte_region`.

    Returns
    -------
    int

    Raises
    ------
    InvalidRecipeError
        If ``radius`` is out of range.

    Examples
    --------
    >>> matte_margin(6), matte_margin(2.5)
    (10, 7)
    """
    return _margin(_check_radius(radius))


def _margin(radius: float) -> int:
    return math.ceil(radius) + _SOLVE_MARGIN + 1


def preload_solver() -> None:
    """Import the solver and compile its kernels now (about 0.5 s with numba's cache warm, 2 s
    cold) instead of in the first :func:`matte_region` call. For workers to call at start-up.

    Examples
    --------
    >>> preload_solver()
    """
    from core.matte_system import warm_up

    warm_up()


def _trimap(alpha: np.ndarray, region: np.ndarray, radius: float) -> tuple[np.ndarray, np.ndarray]:
    """(unknown bool mask, known value float64 0..1) for a crop; values are meaningful where not unknown."""
    solid = alpha >= _FG_LEVEL
    empty = alpha <= _BG_LEVEL
    # distance to the nearest pixel that is not solid (not empty); the exact Euclidean transform
    to_not_solid = cv2.distanceTransform(solid.astype(np.uint8), cv2.DIST_L2, cv2.DIST_MASK_PRECISE)
    to_not_empty = cv2.distanceTransform(empty.astype(np.uint8), cv2.DIST_L2, cv2.DIST_MASK_PRECISE)
    definite_fg = solid & (to_not_solid > radius)
    definite_bg = empty & (to_not_empty > radius)
    unknown = ~(definite_fg | definite_bg) & (region > 0)
    known_value = alpha.astype(np.float64) / 255.0
    known_value[definite_fg] = 1.0
    known_value[definite_bg] = 0.0
    return unknown, known_value


def _solve_in_boxes(rgb: np.ndarray, alpha: np.ndarray, unknown: np.ndarray, known_value: np.ndarray) -> np.ndarray:
    """Solve the unknown pixels of a crop: float64 alpha 0..1, meaningful where ``unknown``.

    One solve on the unknown pixels' bounding box plus _SOLVE_MARGIN; a box larger than
    _MAX_SOLVE_SIDE a side (a long brush stroke) is cut into tiles of that side, each solved
    with _TILE_OVERLAP px of overlap on every side, so that memory stays bounded
    (the system takes 25 doubles per unknown pixel, and its factor grows with the tile: 512 px
    sides were faster than 768 or 1024 and peaked 600 MB lower on dense hair).
    Tiles are solved by :data:`SOLVE_THREADS` threads (the numba kernels and qdldl release the GIL).
    """
    result = known_value.copy()
    box = _bounding_box(unknown)
    if box is None:
        return result
    box = box.pad(_SOLVE_MARGIN).clip(Rect.of_shape(unknown.shape))
    step = _MAX_SOLVE_SIDE - 2 * _TILE_OVERLAP
    if box.width <= _MAX_SOLVE_SIDE and box.height <= _MAX_SOLVE_SIDE:
        tiles = [(box, box)]
    else:
        tiles = []
        for y in range(box.y0, box.y1, step):
            for x in range(box.x0, box.x1, step):
                own = Rect(x, y, min(x + step, box.x1), min(y + step, box.y1))
                context = _context_of(unknown, own, box)
                if context is not None:
                    tiles.append((own, context))

    def solve(tile: tuple[Rect, Rect]) -> np.ndarray:
        context = tile[1]
        return _solve(_as_float(rgb[context.slices()]), alpha[context.slices()], unknown[context.slices()],
                      known_value[context.slices()])

    if len(tiles) > 1 and SOLVE_THREADS > 1:
        with ThreadPoolExecutor(min(SOLVE_THREADS, len(tiles))) as pool:
            solutions = pool.map(solve, tiles)
            _keep_own_parts(result, unknown, tiles, solutions)
    else:
        _keep_own_parts(result, unknown, tiles, map(solve, tiles))
    return result


def _context_of(unknown: np.ndarray, own: Rect, box: Rect) -> Rect | None:
    """The box solved for a tile: its unknown pixels' bounds plus the overlap and margin, in ``box``.

    None when the tile has no unknown pixel. A band's tile is mostly known pixels: solving the
    bounds of its unknowns rather than the whole grown tile cut the Laplacian's pixels by 39 %
    on the 24 MP strand search.
    """
    inside = _bounding_box(unknown[own.slices()])
    if inside is None:
        return None
    grown = Rect(own.x0 + inside.x0, own.y0 + inside.y0, own.x0 + inside.x1, own.y0 + inside.y1)
    return grown.pad(_TILE_OVERLAP + _SOLVE_MARGIN).clip(own.pad(_TILE_OVERLAP).clip(box))


def _keep_own_parts(result, unknown, tiles, solutions) -> None:
    """Write each tile's solution of its own part (not its overlap) into ``result``."""
    for (own, context), solved in zip(tiles, solutions):
        part = own.intersect(context)  # holds all of the tile's unknown pixels
        mask = unknown[part.slices()]
        result[part.slices()][mask] = solved[part.relative_to(context).slices()][mask]


def _solve(image: np.ndarray, alpha: np.ndarray, unknown: np.ndarray, known_value: np.ndarray) -> np.ndarray:
    """Closed-form matting of the unknown pixels of a box; returns float64 alpha 0..1 of the box."""
    from core.matte_system import solve_unknowns

    start = alpha[unknown].astype(np.float64) / 255.0
    solved = solve_unknowns(image, unknown, known_value, start, _EPSILON)
    if solved is None:  # a breakdown of the solver: leave these pixels as they were
        solved = start
    result = known_value.copy()
    result[unknown] = np.clip(solved, 0.0, 1.0)
    return result


def _as_float(rgb: np.ndarray) -> np.ndarray:
    return rgb.astype(np.float64) / float(np.iinfo(rgb.dtype).max)


def _bounding_box(mask: np.ndarray) -> Rect | None:
    points = cv2.findNonZero(mask.astype(np.uint8, copy=False))
    if points is None:
        return None
    x, y, w, h = cv2.boundingRect(points)
    return Rect(x, y, x + w, y + h)


def _check_arrays(rgb: np.ndarray, alpha: np.ndarray, region: np.ndarray) -> None:
    if not isinstance(rgb, np.ndarray) or rgb.ndim != 3 or rgb.shape[2] != 3 or rgb.dtype not in (np.uint8, np.uint16):
        got = f"{rgb.dtype} array of shape {rgb.shape}" if isinstance(rgb, np.ndarray) else type(rgb).__name__
        raise CoreError(f"rgb must be an (H, W, 3) uint8 or uint16 array, got {got}")
    for name, array in (("alpha", alpha), ("region", region)):
        if not isinstance(array, np.ndarray) or array.ndim != 2 or array.dtype != np.uint8:
            got = (
                f"{array.dtype} array of shape {array.shape}" if isinstance(array, np.ndarray) else type(array).__name__
            )
            raise CoreError(f"{name} must be a 2-D uint8 array, got {got}")
        if array.shape != rgb.shape[:2]:
            raise SizeMismatchError(
                f"rgb is {rgb.shape[1]}x{rgb.shape[0]} px but {name} is {array.shape[1]}x{array.shape[0]} px"
            )


def _check_radius(radius: float) -> float:
    return checked_number(radius, "radius", *_RADIUS_RANGE)
