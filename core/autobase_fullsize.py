"""Full-size edges for :mod:`core.autobase`: the work-size labels back at full resolution.

In a band around the cut's edge, and on faint ridges the cut missed (wires thinner than a
work pixel), alpha is the full-size pixel's contrast against the local background over the
contrast of the nearest pure object pixel, steepened by :data:`EDGE_GAIN`.
"""

from __future__ import annotations

import cv2
import numpy as np

from core.autobase_blocks import _upscale
from core.autobase_segment import _Scene, _shadowless_contrast
from core.window import Rect

# Radius (full-size px) within which an edge pixel finds its nearest pure object colour.
PEAK_RADIUS = 2
# The full-size reference contrast is at least this share of the highest work-size object
# contrast within 2 work px: it keeps a pixel beside a weak edge from being its own
# reference, and stays below 1 so that wires thinner than a work pixel (whose work-size
# contrast is diluted) are still judged by their full-size peak.
REF_SHARE = 0.75
# Full-size contrast up to this many noise sigmas counts as background.
NOISE_DEADZONE = 3.0
# JPEG ringing and chroma bleed beside an edge reach about this fraction of its contrast.
RINGING = 0.1
# Contrast applied around alpha 0.5 in the band: undoes the lens/demosaic/JPEG blur that
# spreads a sharp metal edge over 2-3 px (the cut-out should stay crisp).
EDGE_GAIN = 2.0


def _refine_full_size(rgb: np.ndarray, scene: _Scene, labels: np.ndarray, noise: float) -> np.ndarray:
    """Upscale the labels; in the edge band and on faint structures, alpha from full-size contrast."""
    shape, factor = rgb.shape[:2], scene.factor
    fg8 = labels.view(np.uint8)
    square = np.ones((3, 3) if factor >= 3 else (5, 5), np.uint8)  # band: >= 3 full px each side
    band = (cv2.dilate(fg8, square) != cv2.erode(fg8, square)) | (
        cv2.dilate((scene.ridge & ~labels).view(np.uint8), np.ones((3, 3), np.uint8)) > 0
    )
    alpha = _upscale(fg8 * np.uint8(255), factor, shape)
    rows, cols = _block_pixels(band, factor, shape)
    if rows.size == 0:
        return alpha
    index = rows * shape[1] + cols
    # Work-size maps sampled at the band's pixel centres: local background (3), object
    # contrast (1) and the cut (1).
    maps = np.dstack([_local_background(scene, labels), _object_contrast(scene, labels), labels.astype(np.float32)])
    y = np.clip((rows + 0.5) / factor - 0.5, 0, labels.shape[0] - 1).astype(np.float32)
    x = np.clip((cols + 0.5) / factor - 0.5, 0, labels.shape[1] - 1).astype(np.float32)
    sampled = _bilinear(maps, y, x)

    distance = _shadowless_contrast(rgb.reshape(-1, 3)[index].astype(np.float32), sampled[:, :3])
    ref = np.maximum(_local_peak(distance, rows, cols, shape), REF_SHARE * sampled[:, 3])
    deadzone = NOISE_DEADZONE * noise
    floor = deadzone + RINGING * ref
    soft = (distance - floor) / np.maximum(ref - floor, 1.0)
    soft = np.clip((soft - 0.5) * EDGE_GAIN + 0.5, 0.0, 1.0)
    # Where the object barely stands out from the noise, trust the cut more than the ratio.
    trust = np.clip((ref - 2.0 * deadzone) / (2.0 * deadzone), 0.0, 1.0)
    value = trust * soft + (1.0 - trust) * sampled[:, 4]
    alpha.reshape(-1)[index] = np.round(value * 255.0).astype(np.uint8)
    return alpha


def _block_pixels(mask: np.ndarray, factor: int, shape: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    """Full-size (rows, cols) of the blocks of the work pixels in ``mask`` (as :func:`_upscale`)."""
    wy, wx = np.nonzero(mask)
    if factor == 1:
        return wy.astype(np.intp), wx.astype(np.intp)
    # Block extents; the last row/column of blocks also takes the leftover full-size pixels.
    h, w = mask.shape
    row_end = np.minimum((np.arange(h) + 1) * factor, shape[0]).astype(np.intp)
    col_end = np.minimum((np.arange(w) + 1) * factor, shape[1]).astype(np.intp)
    row_end[-1], col_end[-1] = shape[0], shape[1]
    rows, cols = [], []
    for dy in range(row_end[-1] - (h - 1) * factor):
        for dx in range(col_end[-1] - (w - 1) * factor):
            r, c = wy * factor + dy, wx * factor + dx
            keep = (r < row_end[wy]) & (c < col_end[wx])
            rows.append(r[keep])
            cols.append(c[keep])
    return np.concatenate(rows).astype(np.intp), np.concatenate(cols).astype(np.intp)


def _local_peak(distance: np.ndarray, rows: np.ndarray, cols: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """Highest contrast within :data:`PEAK_RADIUS` of each band pixel: its pure object colour's."""
    box = Rect(int(cols.min()), int(rows.min()), int(cols.max()) + 1, int(rows.max()) + 1)
    canvas = np.zeros(box.shape, np.uint8)
    canvas[rows - box.y0, cols - box.x0] = np.clip(distance, 0, 255).astype(np.uint8)
    disc = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * PEAK_RADIUS + 1,) * 2)
    return cv2.dilate(canvas, disc)[rows - box.y0, cols - box.x0].astype(np.float32)


def _normalized_blur(values: np.ndarray, weight: np.ndarray, sigma: float, fallback: np.ndarray | float) -> np.ndarray:
    """Gaussian mean of ``values`` over ``weight``; tends to ``fallback`` where weight is scarce."""
    weighted = values * (weight[..., None] if values.ndim == 3 else weight)
    total, mass = cv2.GaussianBlur(weighted, (0, 0), sigma), cv2.GaussianBlur(weight, (0, 0), sigma)
    eps = np.float32(0.02)
    if values.ndim == 3:
        mass = mass[..., None]
    return (total + eps * fallback) / (mass + eps)


def _local_background(scene: _Scene, labels: np.ndarray) -> np.ndarray:
    """Background colour near each work pixel: nearby clear background, else the model."""
    occupied = (labels | scene.weak).view(np.uint8)
    clear = (cv2.dilate(occupied, np.ones((5, 5), np.uint8)) == 0).astype(np.float32)
    return _normalized_blur(scene.small, clear, 3.0, scene.background)


def _object_contrast(scene: _Scene, labels: np.ndarray) -> np.ndarray:
    """Highest object contrast within 2 work pixels: a floor for the full-size reference."""
    contrast = np.where(labels | scene.weak, scene.contrast, np.float32(0.0))
    return cv2.dilate(contrast, np.ones((5, 5), np.uint8))


def _bilinear(image: np.ndarray, y: np.ndarray, x: np.ndarray) -> np.ndarray:
    """(h, w, c) ``image`` at the float positions ``(y, x)`` (inside the image), (n, c)."""
    h, w = image.shape[:2]
    flat = image.reshape(h * w, -1)
    y0, x0 = y.astype(np.intp), x.astype(np.intp)
    dy, dx = (np.minimum(y0 + 1, h - 1) - y0) * w, np.minimum(x0 + 1, w - 1) - x0
    fy, fx = (y - y0.astype(np.float32))[:, None], (x - x0.astype(np.float32))[:, None]
    at = y0 * w + x0
    top = np.take(flat, at, axis=0) * (1 - fx) + np.take(flat, at + dx, axis=0) * fx
    bottom = np.take(flat, at + dy, axis=0) * (1 - fx) + np.take(flat, at + dy + dx, axis=0) * fx
    return top * (1 - fy) + bottom * fy
