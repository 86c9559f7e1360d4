"""The foreground colour estimate of :mod:`core.decontaminate`: two-pass blur fusion.

Germer, Uelwer, Conrad and Harmeling, *Fast Multi-Level Foreground Estimation* (ICPR 2020),
with weights squared (see :mod:`core.decontaminate` for the formula). Pass 1 runs on 8 x 8-px
block means (:class:`_CoarseMeans`), pass 2 on one strip of soft tiles at a time
(:func:`_fine_pass`), which also blends the estimate into the photo.
"""

from __future__ import annotations

import cv2
import numpy as np

from core.decontaminate_strips import _FINE, _TILE, _Strip, _runs

# Pass 1 works on _BLOCK x _BLOCK-px block means with a box of (2 * _COARSE_BLOCKS + 1) blocks:
# 56 px spans the 1-12 px soft bands of AI masks of jewelry several times over, yet stays local
# enough for metal whose colour changes along the piece.
_BLOCK = 8
_COARSE_BLOCKS = 3
# Blocks around a semi-transparent tile whose means pass 1 computes: the box (3), bilinear
# interpolation (1) and pass 2's context (3 px: 1 block). A tile straddling two blocks marks both.
_COARSE_REACH = _COARSE_BLOCKS + 2
# Pass 1 reads the image in bands of _BAND block rows: runs of needed blocks along a band.
_BAND = 8
_EPS = 1e-5


def _weight_lut(weights: np.ndarray) -> np.ndarray:
    """uint8 table of 255 * weight, rounded, and at least 1 wherever the weight is above 0."""
    table = np.rint(weights * 255.0)
    return np.where(weights > 0, np.maximum(table, 1), 0).astype(np.uint8)


# a^2 and (1 - a)^2 in 1/255 steps; a small non-zero weight stays non-zero, so that a faint
# fringe far from any opaque pixel still has a defined mean colour.
_LEVELS = np.arange(256) / 255.0
_OBJECT_WEIGHT = _weight_lut(_LEVELS**2)
_BACKGROUND_WEIGHT = _weight_lut((1.0 - _LEVELS) ** 2)


# ---- pass 1: block means -----------------------------------------------------------------


class _CoarseMeans:
    """Pass 1's local mean object and background colours, one per 8 x 8 block (float32 0..1).

    Blocks are anchored at image coordinates (multiples of 8 from the image origin); those
    cut by the array's edges average the pixels they have. Only blocks within
    _COARSE_REACH of a marked tile are computed; the others stay 0 and are never read.
    """

    def __init__(self, rgb: np.ndarray, alpha: np.ndarray, tiles: np.ndarray, ox: int, oy: int):
        h, w = alpha.shape
        self.kx0, self.ky0 = ox // _BLOCK, oy // _BLOCK  # block of pixel (0, 0)
        self.ox, self.oy = ox, oy
        nx = (ox + w - 1) // _BLOCK - self.kx0 + 1
        ny = (oy + h - 1) // _BLOCK - self.ky0 + 1
        needed = self._needed_blocks(tiles, (ny, nx))
        top = np.float32(1.0 / np.iinfo(rgb.dtype).max)
        # weights a^2 (object) and (1 - a)^2 (background), and the weighted colours
        means = [np.zeros((ny, nx), np.float32), np.zeros((ny, nx), np.float32)]
        means += [np.zeros((ny, nx, 3), np.float32), np.zeros((ny, nx, 3), np.float32)]
        band = _BAND
        bands = _band_any(needed, band)
        # close gaps of up to 8 blocks along a band: fewer, longer runs (fewer cv2 calls)
        bands = cv2.morphologyEx(bands.astype(np.uint8), cv2.MORPH_CLOSE, np.ones((1, 9), np.uint8)) > 0
        for b, k0, k1 in zip(*_runs(bands, nx)):
            by0, by1 = b * band, min(ny, (b + 1) * band)
            ys = slice(max(0, (self.ky0 + by0) * _BLOCK - oy), min(h, (self.ky0 + by1) * _BLOCK - oy))
            xs = slice(max(0, (self.kx0 + k0) * _BLOCK - ox), min(w, (self.kx0 + k1) * _BLOCK - ox))
            px = (-(ox + xs.start)) % _BLOCK  # width of a partial first block column (0: whole)
            py = (-(oy + ys.start)) % _BLOCK
            for i, values in enumerate(_weighted(rgb[ys, xs], alpha[ys, xs])):
                means[i][by0:by1, k0:k1] = _block_means(values, px, py)
        size = (2 * _COARSE_BLOCKS + 1,) * 2
        box_wf, box_wb, box_f, box_b = (cv2.blur(m, size, borderType=cv2.BORDER_REPLICATE) for m in means)
        # weights and weighted colours share the 1/255 scale, which cancels
        self.fg = self._ratio(box_f, box_wf, top)
        self.bg = self._ratio(box_b, box_wb, top)

    @staticmethod
    def _ratio(box_colour: np.ndarray, box_weight: np.ndarray, top: np.float32) -> np.ndarray:
        denominator = box_weight[:, :, None] * np.float32(1.0 / 255.0)
        denominator += np.float32(_EPS)
        ratio = np.divide(box_colour, denominator)
        ratio *= top
        return _clip01(ratio)

    def _needed_blocks(self, tiles: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
        ti, tj = np.nonzero(tiles)
        marks = np.zeros(shape, np.uint8)
        for dy in (0, _TILE - 1):  # a tile may straddle two blocks when origin is not aligned
            for dx in (0, _TILE - 1):
                by = np.minimum((self.oy + ti * _TILE + dy) // _BLOCK - self.ky0, shape[0] - 1)
                bx = np.minimum((self.ox + tj * _TILE + dx) // _BLOCK - self.kx0, shape[1] - 1)
                marks[by, bx] = 1
        kernel = np.ones((2 * _COARSE_REACH + 1,) * 2, np.uint8)
        return cv2.dilate(marks, kernel) > 0

    def sample(self, ys: np.ndarray, xs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Bilinear (fg, bg) at pixels ``(ys, xs)`` of the array, each (n, 3) float32."""
        n = xs.shape[0]
        width = 8192  # cv2.remap wants maps under 32767 px a side
        shape = (max(1, -(-n // width)), width)
        map_x = np.zeros(shape, np.float32)
        map_y = np.zeros(shape, np.float32)
        np.add(xs, self.ox + 0.5, out=map_x.reshape(-1)[:n], casting="unsafe")
        np.add(ys, self.oy + 0.5, out=map_y.reshape(-1)[:n], casting="unsafe")
        map_x *= np.float32(1.0 / _BLOCK)
        map_x -= np.float32(0.5 + self.kx0)
        map_y *= np.float32(1.0 / _BLOCK)
        map_y -= np.float32(0.5 + self.ky0)
        fixed = cv2.convertMaps(map_x, map_y, cv2.CV_16SC2)
        return tuple(
            cv2.remap(grid, *fixed, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE).reshape(-1, 3)[:n]
            for grid in (self.fg, self.bg)
        )


def _weighted(image: np.ndarray, alpha: np.ndarray):
    """Object and background weights and the colours times them, all in the image's integer
    type with 255 = weight 1 (``I * w / 255`` rounded: fine for block means of 64 pixels)."""
    wf = cv2.LUT(alpha, _OBJECT_WEIGHT)
    wb = cv2.LUT(alpha, _BACKGROUND_WEIGHT)
    return wf, wb, _scaled_times(image, wf), _scaled_times(image, wb)


def _scaled_times(image: np.ndarray, weight: np.ndarray) -> np.ndarray:
    weight3 = cv2.cvtColor(weight, cv2.COLOR_GRAY2RGB)
    if image.dtype != np.uint8:
        weight3 = weight3.astype(image.dtype)
    return cv2.multiply(image, weight3, scale=1.0 / 255.0)


def _times(image: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """``image * weight`` per channel, exact: uint16 for uint8 images, float32 for uint16 ones."""
    depth = cv2.CV_16U if image.dtype == np.uint8 else cv2.CV_32F
    weight3 = cv2.cvtColor(weight, cv2.COLOR_GRAY2RGB)
    if image.dtype != np.uint8:
        weight3 = weight3.astype(image.dtype)
    return cv2.multiply(image, weight3, dtype=depth)


def _band_any(needed: np.ndarray, band: int) -> np.ndarray:
    ny, nx = needed.shape
    padded = np.zeros((-(-ny // band) * band, nx), bool)
    padded[:ny] = needed
    return padded.reshape(-1, band, nx).any(axis=1)


def _block_means(image: np.ndarray, px: int, py: int) -> np.ndarray:
    """Means over _BLOCK-px blocks whose first column / row is ``px`` / ``py`` px wide (0 = whole).

    Blocks cut by the far edges average the pixels they have. float32, in the input's units.
    """
    h, w = image.shape[:2]
    if px == 0 and py == 0 and h % _BLOCK == 0 and w % _BLOCK == 0:  # whole blocks only
        return cv2.resize(image, (w // _BLOCK, h // _BLOCK), interpolation=cv2.INTER_AREA).astype(np.float32)
    row_groups = _block_groups(h, py)
    col_groups = _block_groups(w, px)
    out = np.empty((row_groups[-1][3], col_groups[-1][3]) + image.shape[2:], np.float32)
    for r0, r1, b0, b1 in row_groups:
        for c0, c1, k0, k1 in col_groups:
            part = cv2.resize(image[r0:r1, c0:c1], (k1 - k0, b1 - b0), interpolation=cv2.INTER_AREA)
            out[b0:b1, k0:k1] = part.reshape(out[b0:b1, k0:k1].shape)
    return out


def _block_groups(n: int, first: int) -> list[tuple[int, int, int, int]]:
    """Blocks along an axis of ``n`` px, grouped by width: (px start, px end, block start, block end)."""
    groups = []
    pos = block = 0
    if first and first < n:
        groups.append((0, first, 0, 1))
        pos, block = first, 1
    elif first:
        return [(0, n, 0, 1)]
    whole = (n - pos) // _BLOCK
    if whole:
        groups.append((pos, pos + whole * _BLOCK, block, block + whole))
        pos, block = pos + whole * _BLOCK, block + whole
    if pos < n:
        groups.append((pos, n, block, block + 1))
    return groups


# ---- pass 2 ------------------------------------------------------------------------------


def _fine_pass(rgb, alpha, strip: _Strip, coarse: _CoarseMeans, weight: float):
    """Pass 2 and the blend on one strip: (flat indices into the image, new colours)."""
    top = np.float32(np.iinfo(rgb.dtype).max)
    cells = strip.ys * alpha.shape[1] + strip.xs
    image = np.take(rgb.reshape(-1, 3), cells, axis=0)
    a = np.take(alpha.reshape(-1), cells)
    soft = np.flatnonzero(cv2.inRange(a, 1, 254))  # flat indices of the semi-transparent cells
    wf = cv2.LUT(a, _OBJECT_WEIGHT)
    # Pass 1's F * w is I * w wherever a is 0 or 1 (its correction term vanishes there) ...
    fw = _times(image, wf)
    # ... and pass 1 proper on the semi-transparent cells. Blur fusion's correction, rearranged
    # as F = Fb * (1 - a^2) + [a * I - a (1 - a) * Bb]; both passes share the bracket.
    n_cols = a.shape[1]
    fg1, bg1 = coarse.sample(np.take(strip.ys, soft), np.take(strip.xs, soft % n_cols))
    a_soft = np.take(a, soft).astype(np.float32)
    a_soft *= np.float32(1.0 / 255.0)
    a_soft = a_soft[:, None]
    keep = np.float32(1.0) - a_soft * a_soft
    i_soft = np.take(image.reshape(-1, 3), soft, axis=0).astype(np.float32)
    i_soft *= np.float32(1.0) / top
    shared = i_soft * a_soft
    bg1 *= a_soft - a_soft * a_soft
    shared -= bg1
    fg1 *= keep
    fg1 += shared
    first = _clip01(fg1)
    first *= np.take(wf, soft).astype(np.float32)[:, None] * top
    np.rint(first, out=first)
    fw.reshape(-1, 3)[soft] = first
    size = (2 * _FINE + 1,) * 2
    box_w = cv2.boxFilter(wf, cv2.CV_32F, size, borderType=cv2.BORDER_REPLICATE)
    box_fw = cv2.boxFilter(fw, cv2.CV_32F, size, borderType=cv2.BORDER_REPLICATE)
    chosen = np.flatnonzero(np.take(strip.inner, soft))  # the strip's own pixels among the soft cells
    pick = soft[chosen]
    fg2 = np.take(box_fw.reshape(-1, 3), pick, axis=0)
    denominator = np.take(box_w, pick)[:, None]
    denominator += np.float32(_EPS)
    denominator *= top
    fg2 /= denominator
    fg2 *= np.take(keep, chosen, axis=0)
    fg2 += np.take(shared, chosen, axis=0)
    estimate = _clip01(fg2)
    i_pick = np.take(i_soft, chosen, axis=0)
    estimate -= i_pick
    estimate *= np.float32(weight)
    estimate += i_pick
    estimate *= top
    np.rint(estimate, out=estimate)
    return np.take(cells, pick), np.clip(estimate, 0, top, out=estimate).astype(rgb.dtype)


def _clip01(values: np.ndarray) -> np.ndarray:
    return np.clip(values, 0.0, 1.0, out=values)
