"""Where :mod:`core.decontaminate` works: the 8 x 8 tiles that hold semi-transparent pixels.

Runs of such tiles along each row of tiles, each with pass 2's context, are packed side by side
into strips of cells (:class:`_Strip`), so that pass 2 filters only the soft edges of a
24-megapixel photo, never the whole image.
"""

from __future__ import annotations

import cv2
import numpy as np

# Pass 2's box radius (Germer et al. use a box of 6-7 px).
_FINE = 3
# Pass 2 visits the _TILE x _TILE tiles that hold a semi-transparent pixel: runs of them along
# each row of tiles, each with _FINE px of context, packed side by side into strips.
_TILE = 8
# Rows of alpha searched for soft pixels at a time (a multiple of _TILE): 1.5 MB at 6000 px.
_SOFT_BAND_ROWS = 32 * _TILE
_STRIP_WIDTH = 16384
_MAX_RUN = 512  # tiles; with _STRIP_WIDTH keeps strips under cv2's 32767-px limit


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
