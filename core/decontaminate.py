"""Decontaminate Colors: replace background spill on soft edges with the foreground colour.

A semi-transparent pixel of the photo mixes the object's colour ``F`` with the background's
``B``: ``I = a * F + (1 - a) * B`` (``a = alpha / 255``, colours scaled to 0..1).
Decontamination estimates ``F`` and moves the pixel towards it::

    out = I + m * (F_hat - I),    m = amount / 100

By the compositing equation ``F - I = (1 - a) * (F - B)``: the change is proportional to the
amount, to how transparent the pixel is (``1 - a``) and to how far the background colour is
from the object's. A nearly opaque pixel barely moves; a nearly transparent one takes the
estimated object colour. Pixels with alpha 0 or 255 are never changed.

``F_hat`` is the two-pass "blur fusion" estimator of Germer, Uelwer, Conrad and Harmeling,
*Fast Multi-Level Foreground Estimation* (ICPR 2020, arXiv:2006.14970), with weights squared.
One pass, with a box mean ``box``::

    Fb = box(F * a^2) / (box(a^2) + eps)                  # local mean object colour
    Bb = box(B * (1 - a)^2) / (box((1 - a)^2) + eps)      # local mean background colour
    F' = clip(Fb + a * (I - a * Fb - (1 - a) * Bb), 0, 1)

Pass 1 starts from ``F = B = I`` with a wide box; pass 2 starts from pass 1's ``F'`` and
``Bb`` with a 7 x 7 box. Germer et al. weight by ``a`` and ``1 - a``; squaring lets mixed
pixels count less in the means, which halved the error on wide soft edges (mean error on a
red disk on green with a 2-px Gaussian edge 9.3 -> 4.6 levels, on a textured synthetic ring
and chain 31 -> 28) at no extra cost in pass 2.

Two shortcuts keep it near O(edge pixels) on 24-megapixel photos:

- Pass 1 needs only smooth local means, so it runs on 8 x 8-px block means (blocks anchored
  at the image origin, see ``origin``): a box of 7 x 7 blocks (56 px), then bilinear
  interpolation to pixel centres. Only blocks near semi-transparent pixels are computed.
- Pass 2 runs on tiles of 8 x 8 px that hold semi-transparent pixels (3 px of context). Its
  background mean ``box(Bb * (1 - a)^2) / box((1 - a)^2)`` is taken as pass 1's ``Bb`` at
  the pixel: ``Bb`` is an interpolation of 56-px means, nearly constant across the 7-px box.
"""

from __future__ import annotations

import math

import cv2
import numpy as np

from core.errors import CoreError, InvalidRecipeError, SizeMismatchError

__all__ = ["decontaminate", "decontaminate_margin"]

# Pass 1 works on _BLOCK x _BLOCK-px block means with a box of (2 * _COARSE_BLOCKS + 1) blocks:
# 56 px spans the 1-12 px soft bands of AI masks of jewelry several times over, yet stays local
# enough for metal whose colour changes along the piece.
_BLOCK = 8
_COARSE_BLOCKS = 3
# Blocks around a semi-transparent tile whose means pass 1 computes: the box (3), bilinear
# interpolation (1) and pass 2's context (3 px: 1 block). A tile straddling two blocks marks both.
_COARSE_REACH = _COARSE_BLOCKS + 2
# Pass 2's box radius (Germer et al. use a box of 6-7 px).
_FINE = 3
# Pass 2 visits the _TILE x _TILE tiles that hold a semi-transparent pixel: runs of them along
# each row of tiles, each with _FINE px of context, packed side by side into strips.
_TILE = 8
# Pass 1 reads the image in bands of _BAND block rows: runs of needed blocks along a band.
_BAND = 8
# Rows of alpha searched for soft pixels at a time (a multiple of _TILE): 1.5 MB at 6000 px.
_SOFT_BAND_ROWS = 32 * _TILE
_STRIP_WIDTH = 16384
_MAX_RUN = 512  # tiles; with _STRIP_WIDTH keeps strips under cv2's 32767-px limit
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


def decontaminate(rgb: np.ndarray, alpha: np.ndarray, *, amount: float, origin: tuple[int, int] = (0, 0)) -> np.ndarray:
    """Replace background colour spill on semi-transparent pixels with the foreground colour.

    See the module docstring for the formula and the estimator.

    Parameters
    ----------
    rgb : ndarray, shape (H, W, 3), uint8 or uint16
        The photo. Not modified.
    alpha : ndarray, shape (H, W), uint8
        The soft alpha the cutout will use. Not modified.
    amount : float
        0..100 (%): how far semi-transparent pixels move towards the estimated object colour.
    origin : (int, int)
        Image coordinates ``(x, y)`` of ``rgb[0, 0]`` when ``rgb`` is a window of a larger image.
        It anchors pass 1's block grid to the image, so that a window rendered with
        :func:`decontaminate_margin` px of context has the same pixels as the whole image.

    Returns
    -------
    ndarray, shape (H, W, 3), same dtype as ``rgb``
        A new array; pixels with alpha 0 or 255 are bit-identical to ``rgb``.

    Raises
    ------
    CoreError
        If ``rgb``, ``alpha`` or ``origin`` has the wrong type, dtype or number of dimensions.
    SizeMismatchError
        If the heights and widths of ``rgb`` and ``alpha`` differ.
    InvalidRecipeError
        If ``amount`` is not a finite number in 0..100 (``field`` is ``"amount"``).

    Examples
    --------
    >>> rgb = np.zeros((1, 9, 3), np.uint8); rgb[0, :4] = (255, 0, 0); rgb[0, 4:] = (0, 255, 0)
    >>> alpha = np.array([[255, 255, 255, 255, 128, 0, 0, 0, 0]], np.uint8)
    >>> rgb[0, 4] = (128, 127, 0)   # half red, half green
    >>> decontaminate(rgb, alpha, amount=100)[0, 4].tolist()  # close to the red object
    [254, 1, 0]
    >>> decontaminate(rgb, alpha, amount=0)[0, 4].tolist()
    [128, 127, 0]
    """
    _check_inputs(rgb, alpha)
    amount = _check_amount(amount)
    ox, oy = _check_origin(origin)
    out = rgb.copy()
    if amount == 0:
        return out
    tiles = _soft_tiles(alpha)
    if tiles is None:
        return out
    # flat views for the gathers (a window of a larger image is copied once here, not per strip)
    rgb, alpha = np.ascontiguousarray(rgb), np.ascontiguousarray(alpha)
    coarse = _CoarseMeans(rgb, alpha, tiles, ox, oy)
    flat_out = out.reshape(-1, 3)
    for strip in _strips(tiles, alpha.shape):
        cells, values = _fine_pass(rgb, alpha, strip, coarse, amount / 100.0)
        flat_out[cells] = values
    return out


def decontaminate_margin() -> int:
    """Pixels of context a window needs so that decontaminating it equals the whole image.

    Pass 2's box radius (3 px) plus pass 1's reach: its 7-block box, one block for bilinear
    interpolation and one for a partial block at the window's edge, 8 px each. Pass the
    window's position as ``origin`` to :func:`decontaminate`.

    Returns
    -------
    int

    Examples
    --------
    >>> decontaminate_margin()
    43
    """
    return _FINE + _BLOCK * (_COARSE_BLOCKS + 2)


# ---- tiles and strips --------------------------------------------------------------------


def _soft_tiles(alpha: np.ndarray) -> np.ndarray | None:
    """(rows, cols) bool: which _TILE x _TILE tiles hold a semi-transparent pixel; None if none.

    Reads ``alpha`` in bands of _SOFT_BAND_ROWS rows, so the 0/255 mask of soft pixels is never
    built whole (a fresh 24 MB buffer on 24 MP, more costly to fault in than to fill).
    """
    bands = range(0, alpha.shape[0], _SOFT_BAND_ROWS)
    marked = np.concatenate([_marked_tiles(cv2.inRange(alpha[y : y + _SOFT_BAND_ROWS], 1, 254)) for y in bands])
    return marked if marked.any() else None


def _marked_tiles(soft: np.ndarray) -> np.ndarray:
    """(rows, cols) bool: which _TILE x _TILE tiles hold a non-zero pixel of ``soft``."""
    h, w = soft.shape
    rows, cols = -(-h // _TILE), -(-w // _TILE)
    hf, wf = h // _TILE, w // _TILE
    marked = np.zeros((rows, cols), bool)
    if hf and wf and w % 8 == 0 and _TILE == 8:
        # 8 mask bytes are one 64-bit word; OR the words of a tile's 8 rows together
        words = soft[: hf * _TILE].view(np.uint64).reshape(hf, _TILE, w // 8)
        marked[:hf, :wf] = np.bitwise_or.reduce(words, axis=1)[:, :wf] != 0
    elif hf and wf:
        # A tile's mean of 0/255 values is at least 255/64 > 3 when any pixel is 255.
        small = cv2.resize(soft[: hf * _TILE, : wf * _TILE], (wf, hf), interpolation=cv2.INTER_AREA)
        marked[:hf, :wf] = small > 0
    if hf < rows:  # a last, partial row of tiles
        line = np.zeros(cols * _TILE, np.uint8)
        line[:w] = soft[hf * _TILE :].max(axis=0)
        marked[hf] |= line.reshape(cols, _TILE).max(axis=1) > 0
    if wf < cols:  # a last, partial column of tiles
        line = np.zeros(rows * _TILE, np.uint8)
        line[:h] = soft[:, wf * _TILE :].max(axis=1)
        marked[:, wf] |= line.reshape(rows, _TILE).max(axis=1) > 0
    return marked


def _runs(marked: np.ndarray, max_len: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Runs of True along each row of ``marked``, split to at most ``max_len``: (row, start, stop)."""
    edges = np.diff(np.pad(marked, ((0, 0), (1, 1))).astype(np.int8), axis=1)
    row, start = np.nonzero(edges == 1)
    _, stop = np.nonzero(edges == -1)
    pieces = -(-(stop - start) // max_len)
    piece = np.arange(int(pieces.sum())) - np.repeat(np.cumsum(pieces) - pieces, pieces)
    start = np.repeat(start, pieces) + piece * max_len
    stop = np.minimum(np.repeat(stop, pieces), start + max_len)
    return np.repeat(row, pieces), start, stop


class _Strip:
    """Runs of tiles packed side by side into one array of cells, _FINE px of context each.

    ``ys`` (rows, cols) and ``xs`` (1, cols) give the image pixel of every cell, clipped to the
    image (that is BORDER_REPLICATE); ``inner`` marks each run's own in-image pixels, so every
    pixel of the image is inner in at most one cell of all strips.
    """

    def __init__(self, ys: np.ndarray, xs: np.ndarray, inner: np.ndarray, shape: tuple[int, int]):
        h, w = shape
        self.inner = inner & (ys < h) & (xs < w)
        self.ys = np.clip(ys, 0, h - 1)
        self.xs = np.clip(xs, 0, w - 1)


def _strips(tiles: np.ndarray, shape: tuple[int, int]) -> list[_Strip]:
    row, start, stop = _runs(tiles, _MAX_RUN)
    widths = (stop - start) * _TILE + 2 * _FINE  # cells per run, context included
    strip_of_run = (np.cumsum(widths) - widths) // _STRIP_WIDTH
    r = np.arange(_TILE + 2 * _FINE)[:, None]
    inner_row = (r >= _FINE) & (r < _FINE + _TILE)
    strips = []
    for s in np.unique(strip_of_run):
        runs = np.flatnonzero(strip_of_run == s)
        w = widths[runs]
        run_of_col = np.repeat(np.arange(len(runs)), w)
        pos = np.arange(int(w.sum())) - np.repeat(np.cumsum(w) - w, w)  # column within its run
        xs = (start[runs] * _TILE)[run_of_col] - _FINE + pos
        ys = (row[runs] * _TILE)[run_of_col][None, :] - _FINE + r
        inner = inner_row & ((pos >= _FINE) & (pos < w[run_of_col] - _FINE))[None, :]
        strips.append(_Strip(ys, xs[None, :], inner, shape))
    return strips


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


# ---- validation --------------------------------------------------------------------------


def _check_inputs(rgb: np.ndarray, alpha: np.ndarray) -> None:
    if not isinstance(rgb, np.ndarray) or rgb.ndim != 3 or rgb.shape[2] != 3 or rgb.dtype not in (np.uint8, np.uint16):
        got = f"{rgb.dtype} array of shape {rgb.shape}" if isinstance(rgb, np.ndarray) else type(rgb).__name__
        raise CoreError(f"rgb must be an (H, W, 3) uint8 or uint16 array, got {got}")
    if not isinstance(alpha, np.ndarray) or alpha.ndim != 2 or alpha.dtype != np.uint8:
        got = f"{alpha.dtype} array of shape {alpha.shape}" if isinstance(alpha, np.ndarray) else type(alpha).__name__
        raise CoreError(f"alpha must be a 2-D uint8 array, got {got}")
    if rgb.shape[:2] != alpha.shape:
        raise SizeMismatchError(
            f"rgb is {rgb.shape[1]}x{rgb.shape[0]} px but alpha is {alpha.shape[1]}x{alpha.shape[0]} px"
        )


def _check_amount(amount: float) -> float:
    if isinstance(amount, bool) or not isinstance(amount, (int, float, np.integer, np.floating)):
        raise InvalidRecipeError(f"must be a number, got {type(amount).__name__}", field="amount")
    amount = float(amount)
    if not math.isfinite(amount) or not 0.0 <= amount <= 100.0:
        raise InvalidRecipeError(f"must be between 0 and 100, got {amount:g}", field="amount")
    return amount


def _check_origin(origin: tuple[int, int]) -> tuple[int, int]:
    try:
        ox, oy = origin
    except (TypeError, ValueError):
        raise CoreError(f"origin must be a pair of integers (x, y), got {origin!r}") from None
    if not all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) and v >= 0 for v in (ox, oy)):
        raise CoreError(f"origin must be a pair of integers (x, y) >= 0, got {origin!r}")
    return int(ox), int(oy)
