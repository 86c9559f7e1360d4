"""Trace the true alpha inside damaged areas into SVG path data (the "perfect pen tool" user).

:func:`component_paths` gives, for every connected component of a damage mask, one SVG path
whose filled polygon, rasterised with exact area coverage and added (``max``) to the AI mask,
reproduces the true ``alpha >= 0.5`` region there.

How the outline is placed: a pixel's alpha is the fraction of it the object covers, so the
object's edge is near the 0.5 level of the alpha interpolated between pixel centres. For a
straight edge through a pixel whose alpha is 0.5 the bilinear level line is exact, and every other
pixel centre falls on the right side of it; but along thin diagonal wires the bilinear
interpolant sags between diagonal neighbours and the outline pinches (pixels of alpha 0.5 came
out covered 0.47-0.49). The bicubic interpolant does not sag, so we trace its level line:
threshold the alpha upsampled 4x with ``cv2.INTER_CUBIC``, follow the boundary with
``cv2.findContours`` (``RETR_CCOMP`` for holes, ``CHAIN_APPROX_NONE``), move every vertex onto
the level line of the upsampled field (a few Newton steps on its bilinear interpolant), then drop
vertices within 0.02 px of the simplified outline (``cv2.approxPolyDP``). The level traced is
0.47, a little under 0.5, so that pixels of alpha exactly 0.5 stay covered after rounding.

Measured on the 12 dev scenes with an exact area-coverage rasteriser, adding the paths to the AI
mask: thin recall >= 0.997 and IoU >= 0.995 on every scene (bilinear at 0.48: 0.944 and 0.989;
bicubic at 0.5: 0.964; a 0.05 px simplification tolerance: 0.995 and 0.993).

Coordinates follow core's convention: pixel (row i, column j) covers ``[j, j+1] x [i, i+1]``,
so its centre is ``(j + 0.5, i + 0.5)``. Outer outlines run clockwise on screen (positive area
with y down) and holes the other way, so the path fills correctly under both the nonzero and
the even-odd rule.
"""

from __future__ import annotations

import cv2
import numpy as np

# Grow each damage component by this many pixels before tracing inside it, so the outline
# reaches into the undamaged neighbourhood and the joins need no precision.
GROW_PX = 2
# The alpha level traced (a little under 0.5: see the module docstring).
TRACE_LEVEL = 0.47
# Interpolation of the alpha between pixel centres (see the module docstring).
INTERPOLATION = cv2.INTER_CUBIC
# Upsampling for the initial (integer) contour; Newton steps do the rest.
UPSAMPLE = 4
# Vertices may move by at most this much (px) when the outline is simplified.
SIMPLIFY_TOLERANCE_PX = 0.02
# Decimal places written for coordinates (1/1000 px).
DECIMALS = 3


def component_paths(
    true_alpha: np.ndarray,
    damage_mask: np.ndarray,
    *,
    grow_px: int = GROW_PX,
    level: float = TRACE_LEVEL,
    upsample: int = UPSAMPLE,
    interpolation: int = INTERPOLATION,
) -> list[str]:
    """SVG path data tracing ``true_alpha >= level`` inside each damaged component.

    Parameters
    ----------
    true_alpha : ndarray, shape (H, W), uint8
        The ground truth.
    damage_mask : ndarray of bool, shape (H, W)
        Where the AI mask is wrong; 8-connected components are traced one by one.
    grow_px : int
        Each component is dilated by this much (elliptic kernel) and the truth traced inside.
    level : float
        Alpha level of the outline, in (0, 1).
    upsample, interpolation : int
        See :func:`trace_level`.

    Returns
    -------
    list of str
        One path per component that holds true foreground, in label order (components with
        none, e.g. a halo the AI added, give no path). Each is ``M x y L x y ... Z`` subpaths,
        absolute coordinates in image pixels.

    Examples
    --------
    >>> t = np.zeros((12, 12), np.uint8); t[4:8, 4:8] = 255
    >>> paths = component_paths(t, t > 0)
    >>> len(paths), paths[0][:2], paths[0][-1]
    (1, 'M ', 'Z')
    """
    if true_alpha.shape != damage_mask.shape:
        raise ValueError(f"true_alpha {true_alpha.shape} and damage_mask {damage_mask.shape} differ in shape")
    truth = true_alpha.astype(np.float32) / 255.0
    height, width = truth.shape
    n, labels, stats, _ = cv2.connectedComponentsWithStats(damage_mask.astype(np.uint8), connectivity=8)
    grow = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * grow_px + 1, 2 * grow_px + 1))
    pad = grow_px + 1
    paths = []
    for label in range(1, n):
        x, y, w, h = stats[label, :4]
        x0, y0 = max(0, x - pad), max(0, y - pad)
        x1, y1 = min(width, x + w + pad), min(height, y + h + pad)
        region = cv2.dilate((labels[y0:y1, x0:x1] == label).view(np.uint8), grow)
        field = truth[y0:y1, x0:x1] * region
        if field.max() < level:
            continue
        field, (left, top) = _pad_field(field, (x0 == 0, y0 == 0, x1 == width, y1 == height))
        rings = trace_level(field, level, upsample=upsample, interpolation=interpolation)
        if rings:
            paths.append(path_data(rings, offset=(x0 - left, y0 - top)))
    return paths


def _pad_field(field: np.ndarray, at_edge: tuple[bool, bool, bool, bool]) -> tuple[np.ndarray, tuple[int, int]]:
    """Pad so every outline closes: 2 replicated pixels on sides at the image edge (the object
    continues past the edge, so its outline must run outside the image), then 1 zero pixel all round.
    Returns the padded field and the (left, top) padding."""
    left, top, right, bottom = (2 * int(e) for e in at_edge)
    field = cv2.copyMakeBorder(field, top, bottom, left, right, cv2.BORDER_REPLICATE)
    field = cv2.copyMakeBorder(field, 1, 1, 1, 1, cv2.BORDER_CONSTANT, value=0)
    return field, (left + 1, top + 1)


def trace_level(
    field: np.ndarray, level: float, *, upsample: int = UPSAMPLE, interpolation: int = INTERPOLATION
) -> list[np.ndarray]:
    """Closed polygons along the ``level`` line of the interpolated ``field``.

    Parameters
    ----------
    field : ndarray, shape (h, w), float32
        Values at pixel centres ``(j + 0.5, i + 0.5)``; its border pixels should be below ``level``.
    level : float
    upsample : int
        Resolution of the initial contour (then refined to the level line).
    interpolation : int
        How ``cv2.resize`` interpolates between pixel centres (``INTER_CUBIC`` or ``INTER_LINEAR``).

    Returns
    -------
    list of ndarray, each (k, 2) float64
        Vertices ``(x, y)`` in the field's pixel coordinates; outer rings with positive
        signed area (y down), holes negative.
    """
    h, w = field.shape
    up = cv2.resize(field, (w * upsample, h * upsample), interpolation=interpolation)
    inside = (up >= level).view(np.uint8)
    contours, hierarchy = cv2.findContours(inside, cv2.RETR_CCOMP, cv2.CHAIN_APPROX_NONE)
    rings = []
    for contour, (_, _, _, parent) in zip(contours, hierarchy[0] if hierarchy is not None else []):
        points = contour[:, 0, :].astype(np.float64) + 0.5  # upsampled pixel centres
        if len(points) >= 3:
            points = _onto_level(up, points, level) / upsample
            points = _simplify(points)
        else:
            points = points / upsample
        if len(points) < 3:
            continue
        area = _signed_area(points)
        if abs(area) < 1e-3:
            continue
        is_hole = parent >= 0
        if (area < 0) != is_hole:
            points = points[::-1]
        rings.append(points)
    return rings


def _bilinear(field: np.ndarray, points: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Value and gradient of the interpolant at ``points`` (x, y), samples at pixel centres."""
    h, w = field.shape
    sx = np.clip(points[:, 0] - 0.5, 0, w - 1.000001)
    sy = np.clip(points[:, 1] - 0.5, 0, h - 1.000001)
    j, i = np.minimum(sx.astype(int), w - 2), np.minimum(sy.astype(int), h - 2)
    fx, fy = sx - j, sy - i
    f00, f01 = field[i, j].astype(np.float64), field[i, j + 1].astype(np.float64)
    f10, f11 = field[i + 1, j].astype(np.float64), field[i + 1, j + 1].astype(np.float64)
    top = f00 + fx * (f01 - f00)
    bottom = f10 + fx * (f11 - f10)
    value = top + fy * (bottom - top)
    dx = (1 - fy) * (f01 - f00) + fy * (f11 - f10)
    dy = bottom - top
    return value, dx, dy


def _onto_level(field: np.ndarray, points: np.ndarray, level: float, steps: int = 4) -> np.ndarray:
    """Move each vertex along the gradient onto the level line (Newton, steps capped at 1 sample)."""
    points = points.copy()
    for _ in range(steps):
        value, dx, dy = _bilinear(field, points)
        norm2 = dx * dx + dy * dy
        ok = norm2 > 1e-6
        t = np.zeros_like(value)
        t[ok] = (level - value[ok]) / norm2[ok]
        step = np.stack([t * dx, t * dy], axis=1)
        length = np.hypot(step[:, 0], step[:, 1])
        too_long = length > 1.0
        step[too_long] *= (1.0 / length[too_long])[:, None]
        points += step
    return points


def _simplify(points: np.ndarray) -> np.ndarray:
    simplified = cv2.approxPolyDP(points.astype(np.float32)[:, None, :], SIMPLIFY_TOLERANCE_PX, True)
    return simplified[:, 0, :].astype(np.float64)


def _signed_area(points: np.ndarray) -> float:
    x, y = points[:, 0], points[:, 1]
    return 0.5 * float(np.dot(x, np.roll(y, -1)) - np.dot(np.roll(x, -1), y))


def path_data(rings: list[np.ndarray], *, offset: tuple[float, float] = (0.0, 0.0)) -> str:
    """SVG path data ``M x y L x y ... Z`` for closed rings, shifted by ``offset`` (x, y).

    Examples
    --------
    >>> path_data([np.array([[0, 0], [2, 0], [2, 1]])], offset=(10, 20))
    'M 10.000 20.000 L 12.000 20.000 L 12.000 21.000 Z'
    """
    parts = []
    for ring in rings:
        xy = [f"{x + offset[0]:.{DECIMALS}f} {y + offset[1]:.{DECIMALS}f}" for x, y in ring]
        parts.append("M " + " L ".join(xy) + " Z")
    return " ".join(parts)


def path_segments(d: str) -> int:
    """Line segments in path data written by :func:`path_data` (closing segments included)."""
    return d.count(" L ") + d.count(" Z")
