"""Select and Mask's global controls (Smooth, Feather, Contrast, Shift Edge) on a soft alpha.

:func:`refine_alpha` applies them in Photoshop's order and documents the formulas;
:func:`refine_margin` is the context a window needs; :func:`refine_lut` is the curves table.
Every blur is ``cv2.GaussianBlur`` with ``BORDER_REPLICATE`` and a kernel truncated at
``ceil(3 * sigma)`` px, on the bounding box of the non-zero alpha only (blurs of zeros stay
zero); contrast and shift edge are one 256-entry table applied with ``cv2.LUT``. A feather of
sigma :data:`COARSE_SIGMA` px or more is blurred on a coarser grid (:func:`_coarse_gaussian`),
as :mod:`core.rasterize` feathers paths: its cost no longer grows with the kernel.
"""

from __future__ import annotations

import math

import cv2
import numpy as np

from core.errors import CoreError, InvalidRecipeError

__all__ = ["RECOMMENDED_BLEED", "refine_alpha", "refine_lut", "refine_margin"]

_SQRT_2PI = math.sqrt(2.0 * math.pi)

# Settings that repair opacity bleed (benchmarks/quality.py, check 3). Photoshop's usual advice,
# Contrast 15% / Shift Edge +10%, cuts bleed by only 11-35% under these curves: bleed bands sit at
# 35-45% alpha. Contrast 90 / Shift Edge +100 cuts it by 84-100% per dev scene without moving
# any edge outward by more than 1 px; the price is a nearly hard edge.
RECOMMENDED_BLEED = {"contrast": 90.0, "shift_edge": 100.0}

# Feathers from this sigma (feather 64 px) up are blurred on a grid of ``sigma // 8`` px cells,
# anchored at the image's origin so a crop blurs on the same cells as the whole image. The cell
# keeps the coarse sigma at 8 cells or more, so bilinear interpolation back adds under half a
# level of error; measured against the full-resolution blur: within 3 levels (mean under 0.25).
# A 24 MP mask, one OpenCV thread (python -m benchmarks.feather_bench): feather 64 1.0 -> 0.5 s,
# 128 2.6 -> 0.2 s, 250 9.0 -> 0.2 s. The full-resolution cost grows with the 6-sigma kernel;
# below 64 px (cells under 4 px: a grid of millions of cells) it is the cheaper of the two.
COARSE_SIGMA = 32.0
_COARSE_CELL_SIGMAS = 8.0

# Parameter ranges, the same as RefineOp in core/recipe.py.
_RANGES = {"smooth": (0.0, 100.0), "feather": (0.0, 250.0), "contrast": (0.0, 100.0), "shift_edge": (-100.0, 100.0)}


def refine_alpha(
    alpha: np.ndarray,
    *,
    smooth: float = 0,
    feather: float = 0,
    contrast: float = 0,
    shift_edge: float = 0,
    out: np.ndarray | None = None,
    origin: tuple[int, int] = (0, 0),
) -> np.ndarray:
    """Apply Smooth, Feather, Contrast and Shift Edge, in that order, to a soft alpha.

    All four at zero returns an exact copy. The formulas are in the Notes.

    Parameters
    ----------
    alpha : ndarray, shape (H, W), uint8
        Soft alpha, 0 = transparent, 255 = opaque. Not modified.
    smooth : float
        0..100. Blur sigma ``smooth / 20`` px followed by a ramp that restores a 1-px edge.
    feather : float
        0..250 px. Gaussian blur with sigma ``feather / 2`` px.
    contrast : float
        0..100 (%). Steepens the edge around the 0.5 level; 100 is a hard threshold.
    shift_edge : float
        -100..100 (%). Gamma ``2 ** (-shift_edge / 50)`` on alpha; positive grows the edge.
    out : ndarray, shape (H, W), uint8, optional
        Where to write the result; it may be ``alpha`` itself, refined in place (a render's
        working buffer: no 24 MB allocation per op on 24 MP). By default a new array.
    origin : (int, int)
        Image coordinates (x, y) of ``alpha[0, 0]`` when ``alpha`` is a window of a larger
        image: a wide feather's coarse grid is anchored at the image's origin, so a window
        refined with :func:`refine_margin` of context matches the whole image exactly.

    Returns
    -------
    ndarray, shape (H, W), uint8
        ``out``, or a new array.

    Raises
    ------
    CoreError
        If ``alpha`` is not a 2-D uint8 array, or ``out`` is given and is not one of its shape.
    InvalidRecipeError
        If a parameter is not a finite number in its range (``field`` names it).

    Notes
    -----
    With ``a = alpha / 255``, in this order:

    1. **smooth** ``s`` (0..100) removes jaggies without softening the edge: Gaussian blur
       with ``sigma = s / 20`` px, then ``a' = clip((a - 0.5) * k + 0.5, 0, 1)`` with
       ``k = max(1, sigma * sqrt(2 * pi))``. A blurred hard step has slope
       ``1 / (sigma * sqrt(2 * pi))`` per px at its 0.5 level; ``k`` restores a slope of 1 per
       px, a 1-px anti-aliased ramp. 0 and 1 stay 0 and 1, the 0.5 level stays put, and the
       map is monotone. The blur runs in float32; the result is rounded to 8 bits.
    2. **feather** ``f`` (0..250 px): Gaussian blur with ``sigma = f / 2`` (the convention of
       path feathering), on the 8-bit alpha; from ``sigma`` :data:`COARSE_SIGMA` (feather 64)
       up, on a grid of ``sigma // 8`` px cells (block means, the blur, bilinear back), within 3
       levels.
    3. **contrast** ``c`` (0..100 %): ``a' = clip((a - 0.5) / w + 0.5, 0, 1)`` with
       ``w = 1 - c / 100``; at ``c = 100`` a threshold, 1 where ``a >= 0.5`` else 0.
    4. **shift edge** ``e`` (-100..100 %): ``a' = a ** g`` with ``g = 2 ** (-e / 50)``; ``e > 0``
       makes soft pixels more opaque (the edge moves outward), ``e < 0`` less; 0 and 1 stay.

    Steps 3 and 4 are one table on the 8-bit values, rounded once.

    For AI masks with opacity bleed (bands of 35-90 % alpha inside the object) contrast 90 and
    shift edge +100 cut the bleed by 84-100 % per scene on the synthetic dev set without moving
    the edge outwards. Contrast runs first, so bleed below about 45 % is cut to 0, not filled:
    about a sixth of the bleed pixels become transparent (the others opaque).

    Examples
    --------
    >>> a = np.array([[0, 64, 128, 192, 255]], np.uint8)
    >>> refine_alpha(a, contrast=100).tolist()
    [[0, 0, 255, 255, 255]]
    >>> refine_alpha(a, shift_edge=50).tolist()
    [[0, 128, 181, 221, 255]]
    >>> _ = refine_alpha(a, contrast=100, out=a); a.tolist()  # in place
    [[0, 0, 255, 255, 255]]
    """
    _check_alpha(alpha)
    if out is not None:
        _check_alpha(out, name="out")
        if out.shape != alpha.shape:
            raise CoreError(f"out has shape {out.shape} but alpha has {alpha.shape}")
    smooth, feather, contrast, shift_edge = (
        _check_param(name, value)
        for name, value in (
            ("smooth", smooth),
            ("feather", feather),
            ("contrast", contrast),
            ("shift_edge", shift_edge),
        )
    )
    curves = contrast > 0 or shift_edge != 0
    blurs = smooth > 0 or feather > 0
    if out is None:
        out = alpha.copy() if blurs or not curves else np.empty_like(alpha)
    elif out is not alpha and (blurs or not curves):
        np.copyto(out, alpha)
    if not blurs:
        if curves:
            _apply_lut(alpha, refine_lut(contrast, shift_edge), out)
        return out
    work = _blur_window(out, refine_margin(smooth, feather))
    if work is not None:
        if smooth > 0:
            out[work] = _smooth(out[work], smooth / 20.0)
        if feather >= 2.0 * COARSE_SIGMA:
            corner = (origin[0] + work[1].start, origin[1] + work[0].start)
            out[work] = _coarse_gaussian(out[work], feather / 2.0, corner)
        elif feather > 0:
            out[work] = _gaussian(out[work], feather / 2.0)
    if curves:
        _apply_lut(out, refine_lut(contrast, shift_edge), out)
    return out


def refine_margin(smooth: float, feather: float) -> int:
    """Pixels of context a window needs so that refining it equals refining the whole image.

    The sum of the two blur kernels' radii, ``ceil(3 * sigma)`` each (0 for an unused blur); a
    coarse feather's reach is its coarse kernel's radius plus two cells (the block a pixel falls
    in, and the interpolation's neighbour). Contrast and shift edge are per-pixel and need none.

    Parameters
    ----------
    smooth, feather : float
        As in :func:`refine_alpha`.

    Returns
    -------
    int
        Margin in px, >= 0.

    Examples
    --------
    >>> refine_margin(0, 0), refine_margin(20, 0), refine_margin(0, 3), refine_margin(20, 3)
    (0, 3, 5, 8)
    """
    smooth = _check_param("smooth", smooth)
    feather = _check_param("feather", feather)
    return _kernel_radius(smooth / 20.0) + _feather_reach(feather / 2.0)


def refine_lut(contrast: float, shift_edge: float) -> np.ndarray:
    """The 256-entry uint8 table of contrast followed by shift edge.

    Parameters
    ----------
    contrast : float
        0..100 (%), as in :func:`refine_alpha`.
    shift_edge : float
        -100..100 (%), as in :func:`refine_alpha`.

    Returns
    -------
    ndarray, shape (256,), uint8
        Monotone non-decreasing; entry 0 is 0 and entry 255 is 255.

    Raises
    ------
    InvalidRecipeError
        If a parameter is out of range.

    Examples
    --------
    >>> refine_lut(0, 0).tolist() == list(range(256))
    True
    >>> lut = refine_lut(100, 0); int(lut[127]), int(lut[128])
    (0, 255)
    """
    contrast = _check_param("contrast", contrast)
    shift_edge = _check_param("shift_edge", shift_edge)
    a = np.arange(256, dtype=np.float64) / 255.0
    width = 1.0 - contrast / 100.0
    if width <= 0.0:
        a = (a >= 0.5).astype(np.float64)
    else:
        a = np.clip((a - 0.5) / width + 0.5, 0.0, 1.0)
    a = a ** (2.0 ** (-shift_edge / 50.0))
    return np.floor(a * 255.0 + 0.5).astype(np.uint8)


def _apply_lut(alpha: np.ndarray, lut: np.ndarray, out: np.ndarray) -> None:
    """``out[...] = lut[alpha]`` (``out`` may be ``alpha``) with ``cv2.LUT``."""
    written = cv2.LUT(alpha, lut, dst=out)
    if written is not out:  # OpenCV could not write into this view: copy its result
        np.copyto(out, written)


def _smooth(alpha: np.ndarray, sigma: float) -> np.ndarray:
    """Blur in float32, then the 1-px restoring ramp (module docstring), back to uint8."""
    blurred = _gaussian(alpha.astype(np.float32), sigma)
    gain = max(1.0, sigma * _SQRT_2PI)
    # On the 0..255 scale: a' = (a - 127.5) * gain + 127.5, saturated and rounded to uint8.
    return cv2.addWeighted(blurred, gain, blurred, 0.0, 127.5 * (1.0 - gain), dtype=cv2.CV_8U)


def _gaussian(image: np.ndarray, sigma: float) -> np.ndarray:
    size = 2 * _kernel_radius(sigma) + 1
    return cv2.GaussianBlur(image, (size, size), sigma, borderType=cv2.BORDER_REPLICATE)


def _kernel_radius(sigma: float) -> int:
    return math.ceil(3.0 * sigma) if sigma > 0 else 0


def _feather_reach(sigma: float) -> int:
    if sigma < COARSE_SIGMA:
        return _kernel_radius(sigma)
    cell, coarse_sigma = _coarse_grid(sigma)
    return (_kernel_radius(coarse_sigma) + 2) * cell


def _coarse_grid(sigma: float) -> tuple[int, float]:
    """The cell size of a wide feather's grid, and the sigma (in cells) that, after the block
    means (variance ``cell**2 / 12``) and the bilinear interpolation back (``cell**2 / 6``),
    gives the blur its full-resolution variance ``sigma**2``."""
    cell = int(sigma // _COARSE_CELL_SIGMAS)
    return cell, math.sqrt(sigma * sigma - cell * cell / 4.0) / cell


def _coarse_gaussian(alpha: np.ndarray, sigma: float, origin: tuple[int, int]) -> np.ndarray:
    """A wide Gaussian blur of uint8 ``alpha`` on a grid of cells anchored at image coordinates
    0, 0 (``origin``: where ``alpha[0, 0]`` lies): block means, the blur, bilinear back, rounded.

    The block means are exact integer sums; the blur runs in float64 on the small grid, one tap
    at a time, and the interpolation is a fixed per-pixel formula, so the same cells give the
    same pixels whatever window they are computed in. Pixels past ``alpha``'s edge repeat it.
    """
    cell, coarse_sigma = _coarse_grid(sigma)
    rows, cols = alpha.shape
    top, left = origin[1] % cell, origin[0] % cell
    bottom, right = -(origin[1] + rows) % cell, -(origin[0] + cols) % cell
    padded = cv2.copyMakeBorder(alpha, top, bottom, left, right, cv2.BORDER_REPLICATE)
    grid_rows, grid_cols = padded.shape[0] // cell, padded.shape[1] // cell
    sums = padded.reshape(grid_rows, cell, grid_cols, cell).sum(axis=(1, 3), dtype=np.int64)
    means = sums * (1.0 / (cell * cell))
    radius = _kernel_radius(coarse_sigma)
    taps = np.exp(-0.5 * (np.arange(-radius, radius + 1) / coarse_sigma) ** 2)
    taps /= taps.sum()
    blurred = _separable(_separable(means, taps, axis=0), taps, axis=1).astype(np.float32)
    fine = cv2.resize(blurred, (padded.shape[1], padded.shape[0]), interpolation=cv2.INTER_LINEAR)
    return cv2.convertScaleAbs(fine[top : top + rows, left : left + cols])


def _separable(values: np.ndarray, taps: np.ndarray, axis: int) -> np.ndarray:
    """``values`` convolved with ``taps`` along ``axis``, edges repeated (small grids only)."""
    radius = len(taps) // 2
    moved = np.moveaxis(values, axis, 0)
    padded = np.concatenate([np.repeat(moved[:1], radius, 0), moved, np.repeat(moved[-1:], radius, 0)])
    out = np.zeros_like(moved)
    for i, tap in enumerate(taps):
        out += tap * padded[i : i + len(moved)]
    return np.moveaxis(out, 0, axis)


def _blur_window(alpha: np.ndarray, margin: int) -> tuple[slice, slice] | None:
    """Where blurs can change anything: the box of non-zero pixels grown by ``margin``.

    Outside it alpha is 0 and every blur of it stays 0, so blurring only this box gives the
    same pixels as blurring the image (the box edge is either the image edge or lies in
    zeros, which BORDER_REPLICATE extends with zeros). None when alpha is all zero.
    """
    points = cv2.findNonZero(alpha)
    if points is None:
        return None
    x, y, w, h = cv2.boundingRect(points)
    rows, cols = alpha.shape
    return (slice(max(0, y - margin), min(rows, y + h + margin)), slice(max(0, x - margin), min(cols, x + w + margin)))


def _check_alpha(alpha: np.ndarray, name: str = "alpha") -> None:
    if not isinstance(alpha, np.ndarray) or alpha.ndim != 2 or alpha.dtype != np.uint8:
        got = f"{alpha.dtype} array of shape {alpha.shape}" if isinstance(alpha, np.ndarray) else type(alpha).__name__
        raise CoreError(f"{name} must be a 2-D uint8 array, got {got}")


def _check_param(name: str, value: float) -> float:
    lo, hi = _RANGES[name]
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise InvalidRecipeError(f"must be a number, got {type(value).__name__}", field=name)
    value = float(value)
    if not math.isfinite(value) or not lo <= value <= hi:
        raise InvalidRecipeError(f"must be between {lo:g} and {hi:g}, got {value:g}", field=name)
    return value
