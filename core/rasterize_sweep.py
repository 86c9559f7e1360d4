"""The exact scanline sweep behind :func:`core.rasterize.coverage`, for overlapping subpaths.

:mod:`core.rasterize` accumulates signed areas with numpy, which is exact unless subpaths
overlap (or a path crosses itself) inside a pixel. When it sees that, it calls
:func:`exact_coverage` here. This module imports numba, whose import and cached-function
loading cost about a second at process start, so only such paths pay it:

1. For each pixel row, the edges crossing it are cut at every vertex and every crossing of two
   edges inside the row, so that within each slice the edges run side by side.
2. In a slice, walking left to right, the winding number tells which edges bound the filled
   region (winding leaving or reaching zero); only those are accumulated, as signed trapezoid
   areas per pixel (the "area + cover" cells of font rasterizers), so overlapping subpaths,
   holes and self-intersections come out exact rather than double-counted.
3. The cells of a row are summed left to right; runs between cells are filled in one go.

A row whose slicing would cost too much (over ``_ROW_BUDGET`` edge-slices or ``_CROSS_BUDGET``
crossings: thousands of vertices or crossings within one pixel row, never seen in drawn paths)
falls back to plain signed-area accumulation, clamped.
"""

from __future__ import annotations

import math

import numba
import numpy as np

from core.geometry import PathGeometry
from core.window import Rect

_ROW_BUDGET = 16384  # (slices in a row) x (edges crossing it) before the row falls back
_CROSS_BUDGET = 1024  # crossings found in one slice before the row falls back


def exact_coverage(geometry: PathGeometry, window: Rect, edges_of) -> np.ndarray:
    """Coverage of ``window`` (uint8), exact under the nonzero rule for any path.

    ``edges_of`` is :func:`core.rasterize.polygon_edges` (passed in to keep imports one-way).
    """
    out = np.zeros(window.shape, np.uint8)
    if window.empty:
        return out
    edges = _edges_in_window(geometry, window, edges_of)
    if len(edges[0]):
        _sweep(*edges, window.width, window.height, out)
    return out


def _edges_in_window(geometry: PathGeometry, window: Rect, edges_of):
    """Non-horizontal edges that can affect the window, in window coordinates, top to bottom."""
    x0, y0, x1, y1 = edges_of(geometry)
    x0, x1 = x0 - window.x0, x1 - window.x0
    y0, y1 = y0 - window.y0, y1 - window.y0
    down = y1 > y0
    xa, ya = np.where(down, x0, x1), np.where(down, y0, y1)
    xb, yb = np.where(down, x1, x0), np.where(down, y1, y0)
    # Edges right of the window only change coverage right of it; edges left of it still count.
    keep = (y0 != y1) & (yb > 0) & (ya < window.height) & (np.minimum(xa, xb) < window.width)
    order = np.argsort(ya[keep], kind="stable")
    direction = np.where(down, 1, -1)[keep][order].astype(np.int64)
    return xa[keep][order], ya[keep][order], xb[keep][order], yb[keep][order], direction


# The sweep. Edge e runs from (xa[e], ya[e]) down to (xb[e], yb[e]); direction[e] is its step
# in the winding number (+1 if the path draws it downwards). Hot loops call only functions of
# scalars, or a few per slice and per row: numba reference-counts every array passed to a call
# with atomic operations, which cost more than the arithmetic here.


@numba.njit(cache=True)
def _sweep(xa, ya, xb, yb, direction, width, height, out):
    n = len(xa)
    active = np.empty(n, np.int64)  # edges crossing the row, kept roughly in x order
    events = np.empty(2 * n + 2)
    crossings = np.empty(_CROSS_BUDGET + 2)
    top, bottom, key = np.empty(n), np.empty(n), np.empty(n)  # per selected edge: x at slice top, bottom
    sel, order, order2 = np.empty(n, np.int64), np.empty(n, np.int64), np.empty(n, np.int64)
    pending_from, pending_sign = np.empty(n), np.zeros(n)  # an edge's boundary piece not yet emitted
    pieces = np.empty((2 * n + 64, 5))  # emitted pieces: x0, y0, x1, y1, sign
    acc = np.zeros(width + 2)  # area + cover cells of the row
    mark = np.full(width + 2, -1, np.int64)  # the row that last touched each cell
    touched = np.empty(width + 2, np.int64)
    n_active = 0
    nxt = 0
    row = max(0, math.floor(ya[0]))
    while row < height:
        if n_active == 0:
            if nxt >= n:
                break
            row = max(row, math.floor(ya[nxt]))  # skip empty rows
            if row >= height:
                break
        while nxt < n and ya[nxt] < row + 1:
            active[n_active] = nxt
            n_active += 1
            nxt += 1
        kept = 0
        for q in range(n_active):
            if yb[active[q]] > row:
                active[kept] = active[q]
                kept += 1
        n_active = kept
        if n_active > 0:
            n_touched = _row_exact(
                row, active, n_active, xa, ya, xb, yb, direction, events, crossings, top, bottom, key, sel, order,
                order2, pending_from, pending_sign, pieces, width, acc, mark, touched,
            )  # fmt: skip
            if n_touched < 0:
                n_touched = _row_clamped(row, active, n_active, xa, ya, xb, yb, direction, pieces, width, acc, mark,
                                         touched)  # fmt: skip
            _write_row(out, row, acc, touched, n_touched, width)
            _reorder_active(row, active, n_active, xa, ya, xb, yb, key, sel, order)
        row += 1


@numba.njit(cache=True)
def _x_at(xa, ya, xb, yb, y):
    """x of the edge (xa, ya)-(xb, yb) at height y (exact at its ends)."""
    if y == ya:
        return xa
    if y == yb:
        return xb
    return xa + (y - ya) * (xb - xa) / (yb - ya)


@numba.njit(cache=True)
def _row_exact(row, active, n_active, xa, ya, xb, yb, direction, events, crossings, top, bottom, key, sel, order,
               order2, pending_from, pending_sign, pieces, width, acc, mark, touched):  # fmt: skip
    """Accumulate the boundary of the nonzero region in one row; returns the cells touched, or
    -1 (with nothing left accumulated) if the row is over budget and must be done clamped."""
    n_events = 2
    events[0], events[1] = float(row), row + 1.0
    for q in range(n_active):
        e = active[q]
        if ya[e] > row:
            events[n_events] = ya[e]
            n_events += 1
        if yb[e] < row + 1:
            events[n_events] = yb[e]
            n_events += 1
    _sort_values(events, n_events)
    n_unique = 1
    for q in range(1, n_events):
        if events[q] != events[n_unique - 1]:
            events[n_unique] = events[q]
            n_unique += 1
    if (n_unique - 1) * n_active > _ROW_BUDGET:
        return -1
    n_pieces = 0
    n_touched = 0
    for s in range(n_unique - 1):
        s0, s1 = events[s], events[s + 1]
        k = 0
        for q in range(n_active):  # in x order (roughly), so the sorts below have little to do
            e = active[q]
            if ya[e] <= s0 and yb[e] >= s1:  # every active edge spans the slice or misses it
                sel[k] = e
                top[k] = _x_at(xa[e], ya[e], xb[e], yb[e], s0)
                bottom[k] = _x_at(xa[e], ya[e], xb[e], yb[e], s1)
                order[k] = k
                k += 1
        if k == 0:
            continue
        _sort_order(top, order, k)
        order2[:k] = order[:k]
        inside = _crossing_sort(top, bottom, order2, k, s0, s1, crossings)  # now in bottom order
        if inside < 0:
            _abandon_row(active, n_active, pending_sign, acc, mark, touched, n_touched)
            return -1
        if inside > 0:  # edges cross inside the slice: cut it at every crossing
            crossings[inside] = s0
            crossings[inside + 1] = s1
            _sort_values(crossings, inside + 2)
        for c in range(max(inside, 0) + 1):
            c0 = s0 if inside == 0 else crossings[c]
            c1 = s1 if inside == 0 else crossings[c + 1]
            if c1 <= c0:
                continue
            walk = order2  # without crossings, the bottom order holds throughout the slice
            if inside > 0:
                for q in range(k):
                    e = sel[q]
                    key[q] = _x_at(xa[e], ya[e], xb[e], yb[e], c0) + _x_at(xa[e], ya[e], xb[e], yb[e], c1)
                _sort_order(key, order, k)
                walk = order
            # Left to right, the edges where the winding number leaves 0 (sign +1) or comes back
            # to 0 (sign -1) bound the filled region. An edge's piece is emitted when its sign
            # changes or the row ends, so an edge costs one piece however many slices it spans.
            winding = 0
            for q in range(k):
                e = sel[walk[q]]
                after = winding + direction[e]
                sign = 0.0
                if (winding == 0) != (after == 0):
                    sign = 1.0 if winding == 0 else -1.0
                if sign != pending_sign[e]:
                    if pending_sign[e] != 0.0:
                        _put_piece(pieces, n_pieces, xa[e], ya[e], xb[e], yb[e], pending_from[e], c0, pending_sign[e])
                        n_pieces += 1
                        if n_pieces == len(pieces):
                            n_touched = _accumulate(pieces, n_pieces, width, row, acc, mark, touched, n_touched)
                            n_pieces = 0
                    pending_sign[e] = sign
                    pending_from[e] = c0
                winding = after
    for q in range(n_active):
        e = active[q]
        if pending_sign[e] != 0.0:
            y_end = min(yb[e], row + 1.0)
            _put_piece(pieces, n_pieces, xa[e], ya[e], xb[e], yb[e], pending_from[e], y_end, pending_sign[e])
            n_pieces += 1
            pending_sign[e] = 0.0
            if n_pieces == len(pieces):
                n_touched = _accumulate(pieces, n_pieces, width, row, acc, mark, touched, n_touched)
                n_pieces = 0
    return _accumulate(pieces, n_pieces, width, row, acc, mark, touched, n_touched)


@numba.njit(cache=True)
def _row_clamped(row, active, n_active, xa, ya, xb, yb, direction, pieces, width, acc, mark, touched):
    """Signed-area accumulation of every edge (the fallback: exact unless subpaths overlap in a pixel)."""
    n_pieces = 0
    n_touched = 0
    for q in range(n_active):
        e = active[q]
        y0, y1 = max(ya[e], float(row)), min(yb[e], row + 1.0)
        _put_piece(pieces, n_pieces, xa[e], ya[e], xb[e], yb[e], y0, y1, float(direction[e]))
        n_pieces += 1
        if n_pieces == len(pieces):
            n_touched = _accumulate(pieces, n_pieces, width, row, acc, mark, touched, n_touched)
            n_pieces = 0
    return _accumulate(pieces, n_pieces, width, row, acc, mark, touched, n_touched)


@numba.njit(cache=True)
def _abandon_row(active, n_active, pending_sign, acc, mark, touched, n_touched):
    for q in range(n_active):
        pending_sign[active[q]] = 0.0
    for q in range(n_touched):
        acc[touched[q]] = 0.0
        mark[touched[q]] = -1


@numba.njit(cache=True, inline="always")
def _put_piece(pieces, n, xa, ya, xb, yb, y0, y1, sign):
    pieces[n, 0] = _x_at(xa, ya, xb, yb, y0)
    pieces[n, 1] = y0
    pieces[n, 2] = _x_at(xa, ya, xb, yb, y1)
    pieces[n, 3] = y1
    pieces[n, 4] = sign


@numba.njit(cache=True)
def _accumulate(pieces, n_pieces, width, row, acc, mark, touched, n_touched):
    """Add each piece's sign x (area of each column right of it) as area + cover cells.

    Parts of a piece left of x = 0 count as if on x = 0; parts right of x = width are dropped
    (they change nothing inside the window). Returns the number of cells touched in the row.
    """
    for p in range(n_pieces):
        x0, y0, x1, y1, sign = pieces[p, 0], pieces[p, 1], pieces[p, 2], pieces[p, 3], pieces[p, 4]
        h = y1 - y0
        lo, hi = min(x0, x1), max(x0, x1)
        if h <= 0.0 or lo >= width:
            continue
        for part in range(2):
            vertical = True
            if part == 0:  # the piece is vertical, or wholly left of the window, or this is its left part
                if hi <= 0.0 or lo == hi:
                    x, hv = min(max(lo, 0.0), float(width)), h
                elif lo < 0.0:
                    x, hv = 0.0, h * (0.0 - lo) / (hi - lo)
                else:
                    continue
                first = last = math.floor(x)
            else:
                if hi <= 0.0 or lo == hi:
                    break
                a_lo, a_hi = max(lo, 0.0), min(hi, float(width))
                per_x = h / (hi - lo)
                first, last = math.floor(a_lo), math.ceil(a_hi) - 1
                vertical = False
            for c in range(first, last + 1):
                if vertical:
                    hp, mid = hv, x
                else:
                    a, b = max(a_lo, float(c)), min(a_hi, c + 1.0)
                    if b <= a:
                        continue
                    hp, mid = per_x * (b - a), 0.5 * (a + b)
                for j in range(2):  # area right of the piece in column c, the rest as cover for c + 1
                    cell = c + j
                    if mark[cell] != row:
                        mark[cell] = row
                        touched[n_touched] = cell
                        n_touched += 1
                    acc[cell] += sign * hp * ((c + 1 - mid) if j == 0 else (mid - c))
    return n_touched


@numba.njit(cache=True)
def _crossing_sort(top, bottom, order, k, s0, s1, crossings):
    """Insertion-sort order[:k] (sorted by top) by bottom; every pair it swaps crosses in between.

    Writes the heights of crossings strictly inside (s0, s1) to ``crossings``; returns their
    number, or -1 past ``_CROSS_BUDGET`` swaps.
    """
    swaps = 0
    inside = 0
    for q in range(1, k):
        v = order[q]
        p = q - 1
        while p >= 0 and bottom[order[p]] > bottom[v]:
            u = order[p]
            gap_top, gap_bottom = top[v] - top[u], bottom[v] - bottom[u]
            y = s0 + (s1 - s0) * gap_top / (gap_top - gap_bottom)
            if s0 < y < s1:
                crossings[inside] = y
                inside += 1
            order[p + 1] = u
            p -= 1
            swaps += 1
            if swaps > _CROSS_BUDGET:
                return -1
        order[p + 1] = v
    return inside


@numba.njit(cache=True)
def _sort_values(values, n):
    """Sort values[:n] in place (insertion sort for the usual handful)."""
    if n > 32:
        values[:n].sort()
        return
    for q in range(1, n):
        v = values[q]
        p = q - 1
        while p >= 0 and values[p] > v:
            values[p + 1] = values[p]
            p -= 1
        values[p + 1] = v


@numba.njit(cache=True)
def _sort_order(key, order, k):
    """Stable sort of order[:k] by key[order]: insertion sort (nearly sorted input is the rule),
    switching to a merge sort if that turns out to be slow."""
    swaps = 0
    for q in range(1, k):
        v = order[q]
        p = q - 1
        while p >= 0 and key[order[p]] > key[v]:
            order[p + 1] = order[p]
            p -= 1
            swaps += 1
        order[p + 1] = v
        if swaps > 8 * k + 64:
            idx = np.argsort(key[order[:k]], kind="mergesort")
            order[:k] = order[:k][idx]
            return


@numba.njit(cache=True)
def _reorder_active(row, active, n_active, xa, ya, xb, yb, key, tmp, order):
    """Keep the active edges in x order at the row's bottom, so the next row's sorts are cheap."""
    for q in range(n_active):
        e = active[q]
        key[q] = _x_at(xa[e], ya[e], xb[e], yb[e], min(yb[e], row + 1.0))
        order[q] = q
    _sort_order(key, order, n_active)
    for q in range(n_active):
        tmp[q] = active[order[q]]
    for q in range(n_active):
        active[q] = tmp[q]


@numba.njit(cache=True)
def _write_row(out, row, acc, touched, n_touched, width):
    """Sum the row's cells left to right into out[row]; runs between cells are constant."""
    _sort_values(touched, n_touched)
    s = 0.0
    col = 0
    for q in range(n_touched):
        c = touched[q]
        if c >= width:
            break
        v = _level(s)
        if v != 0 and c > col:
            out[row, col:c] = v
        s += acc[c]
        out[row, c] = _level(s)
        col = c + 1
    v = _level(s)
    if v != 0 and col < width:
        out[row, col:width] = v
    for q in range(n_touched):
        acc[touched[q]] = 0.0


@numba.njit(cache=True)
def _level(s):
    return int(min(abs(s), 1.0) * 255.0 + 0.5)
