"""Filled paths to per-pixel coverage: exact area, nonzero rule.

:func:`coverage` gives each pixel the fraction of its area inside the filled shape, rounded to
0..255: a 10x10 square on integer coordinates covers exactly 100 pixels with 255 and nothing
else, and an edge at x = 10.5 gives 128. It is the signed-area accumulation of font
rasterizers (libart, font-rs), vectorised with numpy:

1. Every edge is cut where it crosses a pixel row or column boundary, so each piece lies in
   one pixel cell.
2. A piece going down by ``dy`` across cell (row r, column c) with mean x ``xm`` adds
   ``dy * (c + 1 - xm)`` (the area right of it in its own cell) to ``acc[r, c]`` and
   ``dy * (xm - c)`` to ``acc[r, c + 1]``; summed along the row, every cell to the right gets
   exactly ``dy`` (the piece's full cover). Pieces left of the window give their full cover to
   column 0.
3. A running sum along each row is the signed, winding-weighted covered area of every pixel;
   coverage is ``min(|sum|, 1)``. Only cells that edges touch hold terms, so the sums are
   taken over those cells alone, as runs of equal values between them (cost: the number of
   edge pieces plus one byte per output pixel, not a float sum over every pixel of the box).

This is exact for every path whose subpaths neither overlap nor cross themselves: drawn
outlines, outlines with holes. When the sums show overlap (a signed area above 1, or both signs:
winding numbers of 2 or of opposite signs), the path is drawn by the sweep of
:mod:`core.rasterize_sweep` instead, which slices rows at edge crossings and applies the nonzero
rule inside each pixel. That module needs numba, whose import and cached functions cost about a
second at process start, so only self-overlapping paths pay it. (A sub-pixel overlap that keeps
every sum within [0, 1] is not seen; its error is at most the overlap's own area.) The sweep is
exact for any path except in rows it finds too tangled to slice (thousands of vertices or
crossings in one pixel row), which it accumulates like the numpy pass, so paths whose edges
would be cut into more pieces than the numpy pass handles cheaply (long edges: the pieces grow
with the edges' length in pixels) go to it directly, as do paths with many pieces in one pixel
(the crossing test is pairwise within a cell).

Which of the two draws a path is decided once, from the whole path (its own bounding window),
never from the window asked for: otherwise a tile and the full render could be drawn by
different rasterisers, whose coverages differ beyond rounding where subpaths overlap. Both round
``255 * coverage`` alike, with :data:`_ROUNDING_SLACK`, so the sums of a crop and of the full
render, which differ only in their last bits, give the same levels (unless one lands within those
bits of a level's threshold, shifted off the exact halves by the slack).
Why not skia (measured): its analytic anti-aliasing truncates (the x = 10.5 edge gives 127) and
approximates where edges meet inside a pixel; ``cv2.fillPoly`` with LINE_AA is not area
coverage at all (about 0.4 px fat).
"""

from __future__ import annotations

import math
import weakref

import cv2
import numpy as np

from core.geometry import PathGeometry, parse_path
from core.window import Rect

# 255 * coverage is rounded to nearest. Summing in float64 can land an exact .5 a hair below:
# this slack (a thousandth of a level) puts it back. The sweep rounds with the same slack
# (core.rasterize_sweep._ROUNDING_SLACK), so sums that differ only in their last bits, as a
# tile's and the full render's do, round alike.
_ROUNDING_SLACK = 1e-3
# Wider blurs run on a coarser grid (a 49 px kernel costs ~50 ms per 4 MP; feather 250 would
# take seconds at full resolution), within 3 levels of the full-resolution blur.
_FULL_RESOLUTION_SIGMA = 8.0
# Signed areas beyond [-1, 1] by more than rounding noise mean overlapping subpaths.
_OVERLAP_SLACK = 1e-4
# Edge pieces (module docstring, step 1) past which a path goes straight to the sweep. Pieces
# grow with the edges' length in pixels, not their number: a zig-zag of 20,000 edges 2,000 px
# wide made 80M, for which the numpy pass took 31 s and 9.8 GB (~0.4 us, ~120 bytes a piece)
# only to find that the path crosses itself and hand it to the sweep (0.7 s; it keeps one row at
# a time). The pass is wasted on every such path, so it is tried only where that costs little:
# 250k pieces, ~60 ms and 30 MB. Drawn and traced paths stay far below (the quality benchmark's
# largest, traced round a real photo's damaged parts: 18,021), so they keep the numpy pass and
# its exact bytes, and numba stays unloaded. Counted over the path's own window, so a path that
# runs far past the image counts the pieces out there too.
_MAX_ACCUMULATION_PIECES = 250_000
# Pieces sharing one pixel cell past which the crossing test (pairwise within a cell) is left to
# the sweep: a scribble of thousands of edges inside a few pixels would make it quadratic.
_MAX_PIECES_PER_CELL = 64
# Per path, whether the sweep draws it (:func:`_drawn_by_sweep`); an entry lives as long as its geometry.
_SWEEP_VERDICTS: weakref.WeakKeyDictionary[PathGeometry, bool] = weakref.WeakKeyDictionary()


def coverage(geometry: PathGeometry, window: Rect) -> np.ndarray:
    """Exact area coverage of each pixel of ``window`` by the filled path.

    Parameters
    ----------
    geometry : PathGeometry
        The path (image pixels). It may extend past the window and the image.
    window : Rect
        The pixels to compute, in image coordinates.

    Returns
    -------
    alpha : ndarray, (window.height, window.width) uint8
        ``round(255 * covered fraction)`` per pixel, nonzero fill rule.

    Examples
    --------
    >>> from core.geometry import parse_path
    >>> a = coverage(parse_path("M 1 1 H 3.5 V 3 H 1 Z"), Rect(0, 0, 4, 4))
    >>> a.tolist()
    [[0, 0, 0, 0], [0, 255, 255, 128], [0, 255, 255, 128], [0, 0, 0, 0]]
    """
    height, width = window.shape
    if window.empty:
        return np.zeros((height, width), np.uint8)
    runs = None
    if geometry not in _SWEEP_VERDICTS and window.contains(geometry.window()):
        # The window holds the whole path: its sums are the path's own test, made once.
        runs = _signed_area_runs(geometry, window, test=True)
        _SWEEP_VERDICTS[geometry] = runs is None
    if _drawn_by_sweep(geometry):
        return _exact(geometry, window)
    if runs is None:
        runs = _signed_area_runs(geometry, window, test=False)
    lengths, area = runs
    # |255 * area| rounded and saturated (paths drawn either way round), once per run.
    scale = 255.0 if area.max() >= -area.min() else -255.0
    levels = cv2.convertScaleAbs(area, alpha=scale, beta=_ROUNDING_SLACK).ravel()
    return np.repeat(levels, lengths).reshape(height, width)


def preload_sweep() -> None:
    """Compile the sweep's kernels now (numba: about 17 s cold, 0.5 s with its cache warm) instead
    of in the first render of a self-crossing path, which a save waits for when tasks run in the
    web process. For the bootstrap and workers to call.

    Examples
    --------
    >>> preload_sweep()
    """
    crossing = parse_path("M 2 2 L 30 28 L 2 28 L 30 2 Z")  # a bow tie: its edges cross
    coverage(crossing, Rect(0, 0, 32, 32))


def _drawn_by_sweep(geometry: PathGeometry) -> bool:
    """Whether the sweep draws every window of ``geometry`` (module docstring), decided once per path.

    The numpy pass's test runs over the path's own window, never the window asked for: a verdict
    per window would draw a tile with one rasteriser and the full render with the other, and
    their roundings differ. The verdict is kept as long as the geometry lives.
    """
    verdict = _SWEEP_VERDICTS.get(geometry)
    if verdict is None:
        own = geometry.window()
        verdict = not own.empty and _signed_area_runs(geometry, own, test=True) is None
        _SWEEP_VERDICTS[geometry] = verdict
    return verdict


def _signed_area_runs(geometry: PathGeometry, window: Rect, *, test: bool):
    """The numpy pass over ``window`` up to its running sums (module docstring, steps 1-3), as
    :func:`_row_runs` returns them.

    With ``test``, None instead when the pass cannot draw the path exactly or cheaply: more than
    ``_MAX_ACCUMULATION_PIECES`` pieces (counted before any is made), two edges crossing inside a
    cell, or sums showing overlap (beyond [-1, 1], or of both signs).
    """
    height, width = window.shape
    edges = _window_edges(geometry, window)
    if test and _accumulation_pieces(edges, window) > _MAX_ACCUMULATION_PIECES:
        return None
    rows, cols, weights, crossing = _cell_contributions(edges, window, test=test)
    if crossing:
        return None
    lengths, area = _row_runs(rows, cols, weights, height, width)
    if test:
        lowest, highest = float(area.min()), float(area.max())
        beyond_one = highest > 1 + _OVERLAP_SLACK or lowest < -1 - _OVERLAP_SLACK
        if beyond_one or lowest < -_OVERLAP_SLACK < _OVERLAP_SLACK < highest:  # winding 2, or of both signs
            return None
    return lengths, area


def _row_runs(rows, cols, weights, height: int, width: int) -> tuple[np.ndarray, np.ndarray]:
    """The running sums along rows (module docstring, step 3) as runs of equal values.

    The accumulator is sparse: only cells that pieces of edges touch hold terms, and between two
    such cells of a row the running sum is constant. So instead of summing every cell of the
    window, the terms are merged per cell and summed in row-major order; each merged cell starts
    a run that lasts until the next one (every row's first cell starts one, with a zero term).

    Returns
    -------
    lengths : (n,) int64
        Pixels per run, in row-major order; they add up to ``height * width``.
    area : (n,) float64
        The signed covered area of the pixels of each run.
    """
    inside = cols < width  # a term in column ``width`` only changes pixels right of the window
    key = np.concatenate([rows[inside] * width + cols[inside], np.arange(height, dtype=np.int64) * width])
    terms = np.concatenate([weights[inside], np.zeros(height)])
    order = np.argsort(key, kind="stable")
    key, terms = key[order], terms[order]
    first = np.flatnonzero(np.concatenate([[True], key[1:] != key[:-1]]))
    key, cell = key[first], np.add.reduceat(terms, first)
    running = np.cumsum(cell)
    row_start = np.flatnonzero(key % width == 0)  # one per row, in order
    before = running[row_start] - cell[row_start]  # the sum of all earlier rows
    area = running - np.repeat(before, np.diff(np.append(row_start, len(key))))
    lengths = np.diff(np.append(key, height * width))
    return lengths, area


def path_alpha(geometry: PathGeometry, window: Rect, feather: float) -> np.ndarray:
    """Coverage of the path, feathered by a Gaussian blur of sigma = ``feather`` / 2.

    ``feather`` is the blur's 2-sigma radius in px: a straight edge ramps from 2% to 98% over
    about 2 * ``feather``. The kernel is truncated at 3 sigma and the coverage it reads is
    computed 3 sigma beyond the window, so a pixel's value does not depend on where the window
    lies. The blur is OpenCV's fixed-point uint8 Gaussian (within 1 level of a float blur,
    flat regions stay exactly 0 and 255, about 3x faster than blurring float32).

    Parameters
    ----------
    geometry : PathGeometry
    window : Rect
    feather : float
        >= 0; 0 gives :func:`coverage` exactly.

    Returns
    -------
    alpha : ndarray, (window.height, window.width) uint8

    Examples
    --------
    >>> from core.geometry import parse_path
    >>> g = parse_path("M 0 -50 H 10.5 V 50 H 0 Z")
    >>> path_alpha(g, Rect(6, 0, 16, 1), 4.0).tolist()  # the edge at 10.5 stays at half
    [[249, 237, 214, 176, 128, 79, 41, 18, 6, 2]]
    """
    if not (math.isfinite(feather) and feather >= 0):
        raise ValueError(f"feather must be a finite number >= 0, got {feather!r}")
    if feather == 0 or window.empty:
        return coverage(geometry, window)
    sigma = feather / 2.0
    if sigma < _FULL_RESOLUTION_SIGMA:
        return _blurred(geometry, window, sigma, np.uint8)
    f = int(sigma // 4)
    # Coarse pixel (i, j) is the block [j f, (j + 1) f) x [i f, (i + 1) f) of the image; the exact
    # coverage of a block is that of the path scaled by 1 / f. One coarse pixel of margin on
    # each side gives every window pixel both neighbours for the interpolation.
    coarse = Rect(window.x0 // f - 1, window.y0 // f - 1, -(-window.x1 // f) + 1, -(-window.y1 // f) + 1)
    small = _blurred(geometry.scaled(1.0 / f), coarse, sigma / f, np.float32)
    fine = cv2.resize(small, (coarse.width * f, coarse.height * f), interpolation=cv2.INTER_LINEAR)
    x, y = window.x0 - coarse.x0 * f, window.y0 - coarse.y0 * f
    return np.clip(fine[y : y + window.height, x : x + window.width] + 0.5, 0, 255).astype(np.uint8)


def _blurred(geometry: PathGeometry, window: Rect, sigma: float, dtype: type) -> np.ndarray:
    """Coverage blurred with sigma over ``window``, as ``dtype`` (uint8, or float32 in 0..255)."""
    radius = math.ceil(3.0 * sigma)
    # Only near the shape can the blur be non-zero: blur that part of the padded window.
    region = window.pad(radius).intersect(geometry.window(pad=radius + 1))
    out = np.zeros(window.shape, dtype)
    inner = region.intersect(window)
    if inner.empty:
        return out
    size = 2 * radius + 1
    cov = coverage(geometry, region).astype(dtype, copy=False)
    blurred = cv2.GaussianBlur(cov, (size, size), sigma, sigma, borderType=cv2.BORDER_CONSTANT)
    out[inner.relative_to(window).slices()] = blurred[inner.relative_to(region).slices()]
    return out


def reference_coverage(geometry: PathGeometry, window: Rect, supersample: int = 16) -> np.ndarray:
    """Slow oracle: the fraction of a ``supersample`` x ``supersample`` grid of points per pixel
    lying inside the path (nonzero winding), for tests.

    Independent of :func:`coverage`: each sample row counts signed edge crossings to its left
    (half-open in y). Its own error is up to about 1 / (2 * supersample) per pixel on an edge.

    Parameters
    ----------
    geometry : PathGeometry
    window : Rect
    supersample : int
        Samples per pixel side.

    Returns
    -------
    ndarray, (window.height, window.width) float64
        Covered fraction in [0, 1] (multiply by 255 to compare with :func:`coverage`).

    Examples
    --------
    >>> from core.geometry import parse_path
    >>> reference_coverage(parse_path("M 0 0 H 1.5 V 1 H 0 Z"), Rect(0, 0, 2, 1), 4).tolist()
    [[1.0, 0.5]]
    """
    s = int(supersample)
    h, w = window.shape
    x0, y0, x1, y1 = polygon_edges(geometry)
    x0, x1 = (x0 - window.x0) * s, (x1 - window.x0) * s
    y0, y1 = (y0 - window.y0) * s, (y1 - window.y0) * s
    down = y1 > y0  # each edge from its top (xt, yt) to its bottom (xb, yb), +1 if drawn downwards
    xt, yt, xb, yb = np.where(down, x0, x1), np.where(down, y0, y1), np.where(down, x1, x0), np.where(down, y1, y0)
    step = np.where(down, 1, -1).astype(np.int32)
    first = np.ceil(yt - 0.5)  # the sample rows k + 0.5 in [yt, yb)
    last = np.ceil(yb - 0.5)
    out = np.empty((h, w), np.float64)
    for i in range(h):  # one pixel row at a time keeps memory at (s, w * s)
        lo = np.maximum(first, i * s).astype(np.int64)
        n = np.maximum(np.minimum(last, (i + 1) * s).astype(np.int64) - lo, 0)
        owner = np.repeat(np.arange(len(n)), n)
        k = lo[owner] + np.arange(len(owner)) - np.repeat(np.cumsum(n) - n, n)
        t = (k + 0.5 - yt[owner]) / (yb[owner] - yt[owner])
        xs = xt[owner] + t * (xb[owner] - xt[owner])
        cols = np.clip(np.floor(xs - 0.5) + 1, 0, w * s).astype(np.int64)  # first sample right of the edge
        crossings = np.zeros((s, w * s + 1), np.int32)
        np.add.at(crossings, (k - i * s, cols), step[owner])
        inside = np.cumsum(crossings[:, :-1], axis=1, dtype=np.int32) != 0
        out[i] = inside.reshape(s, w, s).mean(axis=(0, 2))
    return out


# ----------------------------------------------------------------------------------------------


def _exact(geometry: PathGeometry, window: Rect) -> np.ndarray:
    from core.rasterize_sweep import exact_coverage  # numba: only for self-overlapping paths

    return exact_coverage(geometry, window, polygon_edges)


def _window_edges(geometry: PathGeometry, window: Rect):
    """The edges that can change the window, in window coordinates: x0, y0, x1, y1 and, per edge,
    its ring, position in it and ring length (for :func:`_edges_cross_in_a_cell`)."""
    height, width = window.shape
    x0, y0, x1, y1 = polygon_edges(geometry)
    ring, position, ring_length = _ring_positions(geometry)
    x0, x1 = x0 - window.x0, x1 - window.x0
    y0, y1 = y0 - window.y0, y1 - window.y0
    # Horizontal edges cover nothing; edges wholly above, below or right of the window change
    # nothing inside it (cover flows only rightwards).
    keep = (y0 != y1) & (np.maximum(y0, y1) > 0) & (np.minimum(y0, y1) < height) & (np.minimum(x0, x1) < width)
    return x0[keep], y0[keep], x1[keep], y1[keep], ring[keep], position[keep], ring_length[keep]


def _accumulation_pieces(edges, window: Rect) -> int:
    """How many pieces step 1 of the module docstring cuts ``edges`` (:func:`_window_edges`) into:
    one per edge plus one per pixel row or column boundary it crosses inside the window. Counted
    in O(edges) before any piece is made, because a few long edges can make hundreds of millions."""
    height, width = window.shape
    x0, y0, x1, y1 = edges[:4]
    return len(x0) + _crossing_count(y0, y1, height) + _crossing_count(x0, x1, width)


def _cell_contributions(edges, window: Rect, *, test: bool):
    """(row, column, weight) of every accumulation term in window cells (see module docstring),
    and, with ``test``, whether two edges cross inside a cell of the window (then the sums are
    not exact; without ``test``, False)."""
    height, width = window.shape
    x0, y0, x1, y1, ring, position, ring_length = edges
    n = len(x0)
    if n == 0:
        empty = np.zeros(0, np.int64)
        return empty, empty, np.zeros(0), False
    dx, dy = x1 - x0, y1 - y0
    ty, ey = _crossings(y0, y1, dy, height)
    tx, ex = _crossings(x0, x1, dx, width)
    ids = np.arange(n)
    t = np.concatenate([np.zeros(n), np.ones(n), ty, tx])
    edge = np.concatenate([ids, ids, ey, ex])
    order = np.lexsort((t, edge))
    t, edge = t[order], edge[order]
    piece = edge[:-1] == edge[1:]
    e, ta, tb = edge[:-1][piece], t[:-1][piece], t[1:][piece]
    ya, yb = y0[e] + ta * dy[e], y0[e] + tb * dy[e]
    xa, xb = x0[e] + ta * dx[e], x0[e] + tb * dx[e]
    xm = 0.5 * (xa + xb)
    ym = 0.5 * (ya + yb)
    cover = yb - ya
    row = np.floor(ym)
    inside = (row >= 0) & (row < height) & (xm < width) & (cover != 0)
    crossing = test and _edges_cross_in_a_cell(
        row[inside], np.floor(xm[inside]), e[inside], xa[inside], ya[inside], xb[inside], yb[inside],
        ring, position, ring_length, width,
    )
    row, xm, cover = row[inside].astype(np.int64), xm[inside], cover[inside]
    col = np.floor(xm)
    left = col < 0  # wholly left of the window: full cover to column 0
    col = np.where(left, 0, col).astype(np.int64)
    frac = np.where(left, 0.0, xm - col)
    rows = np.concatenate([row, row])
    cols = np.concatenate([col, col + 1])
    weights = np.concatenate([cover * (1.0 - frac), cover * frac])
    return rows, cols, weights, crossing


def _edges_cross_in_a_cell(row, col, edge, xa, ya, xb, yb, ring, position, ring_length, width) -> bool:
    """Whether pieces of two different, non-adjacent edges meet inside one pixel cell.

    Only pieces that share a cell can cross there, so candidates are pairs within a cell (most
    cells hold one or two pieces). Adjacent edges of a ring meet at their shared vertex, which
    is not a crossing. A proper crossing or a collinear overlap counts.
    """
    if len(row) < 2:
        return False
    key = row.astype(np.int64) * (width + 2) + (col.astype(np.int64) + 1)
    order = np.argsort(key, kind="stable")
    key, edge = key[order], edge[order]
    starts = np.flatnonzero(np.concatenate([[True], key[1:] != key[:-1], [True]]))
    if np.diff(starts).max() > _MAX_PIECES_PER_CELL:
        return True  # not necessarily a crossing, but the sweep is exact either way
    xa, ya, xb, yb = xa[order], ya[order], xb[order], yb[order]
    for k in range(1, len(key)):
        i = np.nonzero(key[:-k] == key[k:])[0]
        if len(i) == 0:
            return False
        j = i + k
        ei, ej = edge[i], edge[j]
        same_ring = ring[ei] == ring[ej]
        gap = np.abs(position[ei] - position[ej])
        adjacent = same_ring & ((gap == 1) | (gap == ring_length[ei] - 1))
        candidate = (ei != ej) & ~adjacent
        if candidate.any():
            i, j = i[candidate], j[candidate]
            if _segments_meet(xa[i], ya[i], xb[i], yb[i], xa[j], ya[j], xb[j], yb[j]).any():
                return True
    return False


def _segments_meet(ax, ay, bx, by, cx, cy, dx, dy) -> np.ndarray:
    """Per pair: segments AB and CD cross properly, or overlap along a common line."""
    d1 = (dx - cx) * (ay - cy) - (dy - cy) * (ax - cx)
    d2 = (dx - cx) * (by - cy) - (dy - cy) * (bx - cx)
    d3 = (bx - ax) * (cy - ay) - (by - ay) * (cx - ax)
    d4 = (bx - ax) * (dy - ay) - (by - ay) * (dx - ax)
    proper = (d1 * d2 < 0) & (d3 * d4 < 0)
    collinear = (d1 == 0) & (d2 == 0) & (d3 == 0) & (d4 == 0)
    overlap = collinear & (
        (np.maximum(np.minimum(ax, bx), np.minimum(cx, dx)) < np.minimum(np.maximum(ax, bx), np.maximum(cx, dx)))
        | (np.maximum(np.minimum(ay, by), np.minimum(cy, dy)) < np.minimum(np.maximum(ay, by), np.maximum(cy, dy)))
    )
    return proper | overlap


def _ring_positions(geometry: PathGeometry):
    """Per edge (as :func:`polygon_edges` orders them): its ring, position in it, ring length."""
    lengths = np.array([len(p) for p in geometry.polygons])
    ring = np.repeat(np.arange(len(lengths)), lengths)
    position = np.arange(len(ring)) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    return ring, position, lengths[ring]


def _crossing_counts(a0: np.ndarray, a1: np.ndarray, limit: int):
    """Per edge: the first integer k in [0, limit] strictly between a0 and a1, and how many there are."""
    lo = np.maximum(np.floor(np.minimum(a0, a1)) + 1, 0)
    hi = np.minimum(np.ceil(np.maximum(a0, a1)) - 1, limit)
    counts = np.maximum(hi - lo + 1, 0).astype(np.int64)
    counts[a0 == a1] = 0
    return lo, counts


def _crossing_count(a0: np.ndarray, a1: np.ndarray, limit: int) -> int:
    return int(_crossing_counts(a0, a1, limit)[1].sum())


def _crossings(a0: np.ndarray, a1: np.ndarray, da: np.ndarray, limit: int):
    """Parameters t in (0, 1) where each edge crosses an integer k in [0, limit], and edge ids."""
    lo, counts = _crossing_counts(a0, a1, limit)
    total = int(counts.sum())
    if total == 0:
        return np.zeros(0), np.zeros(0, np.int64)
    owner = np.repeat(np.arange(len(a0)), counts)
    k = lo[owner] + (np.arange(total) - np.repeat(np.cumsum(counts) - counts, counts))
    return (k - a0[owner]) / da[owner], owner


def polygon_edges(geometry: PathGeometry):
    """All edges of all rings (each ring closed), as x0, y0, x1, y1 arrays."""
    pts = np.concatenate(geometry.polygons)
    lengths = np.array([len(p) for p in geometry.polygons])
    starts = np.cumsum(lengths) - lengths
    nxt = np.arange(1, len(pts) + 1)
    nxt[starts + lengths - 1] = starts  # the last vertex of a ring joins its first
    return pts[:, 0], pts[:, 1], pts[nxt, 0], pts[nxt, 1]
