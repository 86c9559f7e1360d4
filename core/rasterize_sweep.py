"""The exact scanline sweep behind :func:`core.rasterize.coverage`, for overlapping subpaths.

:mod:`core.rasterize` accumulates signed areas with numpy, which is exact unless subpaths
overlap (or a path crosses itself) inside a pixel. When it sees that anywhere in a path (or the
path is too long for its numpy pass), it draws every window of that path with
:func:`exact_coverage` here. This module imports numba, whose import and cached-function
loading cost about a second at process start, so only such paths pay it:

1. For each pixel row, the edges crossing it are cut at every vertex and every crossing of two
   edges inside the row, so that within each slice the edges run side by side.
2. In a slice, walking left to right, the winding number tells which edges bound the filled
   region (winding leaving or reaching zero); only those are accumulated, as signed trapezoid
   areas per pixel (the "area + cover" cells of font rasterizers), so overlapping subpaths,
   holes and self-intersections come out exact rather than double-counted. Past a crossing only
   the edges that cross there change places, and the winding left and right of them is
   unchanged: only they are re-sorted and walked again, so a row's cost grows with its edges
   plus its crossings, not with their product (which made a 16,000-edge path with ~400
   crossings per row take 3 minutes on 24 MP; now 3 s).
3. The cells of a row are summed left to right; runs between cells are filled in one go.

A row whose slicing would cost too much (over ``_ROW_BUDGET`` edge-slices or ``_CROSS_BUDGET``
crossings: thousands of vertices or crossings within one pixel row, never seen in drawn paths)
falls back to plain signed-area accumulation, clamped: exact unless subpaths overlap in that row,
where the overlap counts twice (a pixel three quarters covered by two overlapping subpaths gives
255, not 191). Every edge crossing a row counts towards its budgets, whatever the window, so a
row falls back in a crop exactly when it does in the full render.
"""

from __future__ import annotations

import math

import numba
import numpy as np

from core.geometry import PathGeometry
from core.window import Rect

_ROW_BUDGET = 16384  # (slices in a row) x (edges crossing it) before the row falls back
_CROSS_BUDGET = 1024  # crossings found in one slice before the row falls back
# Crossings closer in height than this are taken as one (several edges through one point, whose
# pairwise heights differ in the last bits): a thinner sub-slice would be ordered by x values
# that differ only by rounding. Moving a piece's end by 1e-7 px changes areas by far less than a level.
_SAME_HEIGHT = 1e-7
# core.rasterize._ROUNDING_SLACK (that module imports this one, not the reverse): an exact .5 of
# a level whose sum lands a hair below is rounded up, as the numpy pass rounds it. Without it,
# the sums of a tile and of the full render, equal but for their last bits, rounded apart.
_ROUNDING_SLACK = 1e-3


def exact_coverage(geometry: PathGeometry, window: Rect, edges_of, work: np.ndarray | None = None) -> np.ndarray:
    """Coverage of ``window`` (uint8), exact under the nonzero rule for any path.

    ``edges_of`` is :func:`core.rasterize.polygon_edges` (passed in to keep imports one-way).
    ``work``, a (1,) int64 array, if given, has the number of edge visits of the rows' walks
    added to it: the sweep's unit of work, which grows with each row's edges plus its crossings
    (for tests and benchmarks).
    """
    out = np.zeros(window.shape, np.uint8)
    if window.empty:
        return out
    edges = _edges_in_window(geometry, window, edges_of)
    if len(edges[0]):
        _sweep(*edges, window.width, window.height, out, np.zeros(1, np.int64) if work is None else work)
    return out


def _edges_in_window(geometry: PathGeometry, window: Rect, edges_of):
    """Non-horizontal edges that can affect the window, in window coordinates, top to bottom."""
    x0, y0, x1, y1 = edges_of(geometry)
    x0, x1 = x0 - window.x0, x1 - window.x0
    y0, y1 = y0 - window.y0, y1 - window.y0
    down = y1 > y0
    xa, ya = np.where(down, x0, x1), np.where(down, y0, y1)
    xb, yb = np.where(down, x1, x0), np.where(down, y1, y0)
    # Every edge crossing the window's rows is kept, even those right of the window, which change
    # no pixel in it: a row is then sliced, and judged against the budgets, the same in every
    # window, so a crop is drawn as the full render draws it.
    keep = (y0 != y1) & (yb > 0) & (ya < window.height)
    order = np.argsort(ya[keep], kind="stable")
    direction = np.where(down, 1, -1)[keep][order].astype(np.int64)
    return xa[keep][order], ya[keep][order], xb[keep][order], yb[keep][order], direction


# The sweep. Edge e runs from (xa[e], ya[e]) down to (xb[e], yb[e]); direction[e] is its step
# in the winding number (+1 if the path draws it downwards). Hot loops call only functions of
# scalars, or a few per slice and per row: numba reference-counts every array passed to a call
# with atomic operations, which cost more than the arithmetic here.


@numba.njit(cache=True)
def _sweep(xa, ya, xb, yb, direction, width, height, out, work):
    n = len(xa)
    active = np.empty(n, np.int64)  # edges crossing the row, kept roughly in x order
    events = np.empty(2 * n + 2)
    crossings = np.empty(_CROSS_BUDGET + 2)
    crossing_pairs = np.empty((_CROSS_BUDGET + 2, 2), np.int64)  # the two edges (slots of sel) of each crossing
    crossing_order = np.empty(_CROSS_BUDGET + 2, np.int64)
    top, bottom, key = np.empty(n), np.empty(n), np.empty(n)  # per selected edge: x at slice top, bottom
    sel, order, order2 = np.empty(n, np.int64), np.empty(n, np.int64), np.empty(n, np.int64)
    place = np.empty(n, np.int64)  # per slot of sel: its place in the walk
    winding_at = np.empty(n + 1, np.int64)  # per place: the winding number left of it
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
                row, active, n_active, xa, ya, xb, yb, direction, events, crossings, crossing_pairs, crossing_order,
                top, bottom, key, sel, order, order2, place, winding_at, pending_from, pending_sign, pieces, width,
                acc, mark, touched, work,
            )  # fmt: skip
            clamped = n_touched < 0
            if clamped:
                work[0] += n_active
                n_touched = _row_clamped(row, active, n_active, xa, ya, xb, yb, direction, pieces, width, acc, mark,
                                         touched)  # fmt: skip
            _write_row(out, row, acc, mark, touched, n_touched, width)
            if not clamped:  # a row too tangled to slice is seldom followed by one that is not: skip the sort
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
def _row_exact(row, active, n_active, xa, ya, xb, yb, direction, events, crossings, crossing_pairs, crossing_order,
               top, bottom, key, sel, order, order2, place, winding_at, pending_from, pending_sign, pieces, width, acc,
               mark, touched, work):  # fmt: skip
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
        inside = _crossing_sort(top, bottom, order2, k, s0, s1, crossings, crossing_pairs)  # now in bottom order
        if inside < 0:
            _abandon_row(active, n_active, pending_sign, acc, mark, touched, n_touched)
            return -1
        if inside == 0:  # without crossings, the bottom order holds throughout the slice
            n_pieces, n_touched = _walk(order2, 0, k, 0, s0, sel, direction, xa, ya, xb, yb, place, winding_at,
                                        pending_from, pending_sign, pieces, n_pieces, width, row, acc, mark, touched,
                                        n_touched)  # fmt: skip
            work[0] += k
            continue
        # Edges cross inside the slice: cut it at every crossing height. The first sub-slice is
        # ordered and walked in full; at each later height only the edges crossing there (and any
        # neighbours the new order moves) are re-sorted and walked again, since the winding left of
        # and right of that stretch is unchanged: cost per crossing, not per crossing and edge.
        for c in range(inside):
            crossing_order[c] = c
        _sort_order(crossings, crossing_order, inside)
        c = 0  # crossings within _SAME_HEIGHT of the slice's top are the first sub-slice's business
        while c < inside and crossings[crossing_order[c]] <= s0 + _SAME_HEIGHT:
            c += 1
        first = c
        c0 = s0
        while True:
            # order[:k] for the sub-slice [c0, c1]: sorted in full for the first, else only the
            # stretch holding the edges that cross at c0 (crossings[first:c]), grown as needed
            if c < inside and crossings[crossing_order[c]] < s1 - _SAME_HEIGHT:
                c1 = crossings[crossing_order[c]]
            else:
                c1 = s1
            if c0 == s0:
                for q in range(k):
                    e = sel[order[q]]
                    key[order[q]] = _x_at(xa[e], ya[e], xb[e], yb[e], c0) + _x_at(xa[e], ya[e], xb[e], yb[e], c1)
                _sort_order(key, order, k)
                lo, hi = 0, k
                winding_at[0] = 0
            else:
                lo, hi = k, 0
                for f in range(first, c):
                    for j in range(2):
                        p = place[crossing_pairs[crossing_order[f], j]]
                        lo, hi = min(lo, p), max(hi, p + 1)
                lo, hi = _resort_stretch(order, lo, hi, k, key, sel, xa, ya, xb, yb, c0, c1)
            n_pieces, n_touched = _walk(order, lo, hi, winding_at[lo], c0, sel, direction, xa, ya, xb, yb, place,
                                        winding_at, pending_from, pending_sign, pieces, n_pieces, width, row, acc,
                                        mark, touched, n_touched)  # fmt: skip
            work[0] += hi - lo
            if c1 == s1:
                break
            first = c  # the next height's crossings, with any that follow within _SAME_HEIGHT
            c += 1
            while c < inside and crossings[crossing_order[c]] <= crossings[crossing_order[c - 1]] + _SAME_HEIGHT:
                c += 1
            c0 = c1
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
def _walk(walk, lo, hi, winding, c0, sel, direction, xa, ya, xb, yb, place, winding_at, pending_from, pending_sign,
          pieces, n_pieces, width, row, acc, mark, touched, n_touched):  # fmt: skip
    """Walk places lo..hi-1 of a sub-slice starting at height c0, left to right, from ``winding``.

    The edges where the winding number leaves 0 (sign +1) or comes back to 0 (sign -1) bound the
    filled region. An edge's piece is emitted when its sign changes or the row ends, so an edge
    costs one piece however many slices it spans. Records each slot's place and the winding left
    of each place, for later partial walks. Returns the updated (n_pieces, n_touched).
    """
    for q in range(lo, hi):
        e = sel[walk[q]]
        place[walk[q]] = q
        winding_at[q] = winding
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
    winding_at[hi] = winding
    return n_pieces, n_touched


@numba.njit(cache=True)
def _resort_stretch(order, lo, hi, k, key, sel, xa, ya, xb, yb, c0, c1):
    """Stable-sort order[lo:hi] by the sub-slice's key (x at c0 plus x at c1), growing the stretch
    while a neighbour outside it is out of order, so that order[:k] ends as a whole stable sort
    by the key would leave it (the rest did not move: no crossing at c0 involves it).

    Returns the final (lo, hi).
    """
    for q in range(lo, hi):
        e = sel[order[q]]
        key[order[q]] = _x_at(xa[e], ya[e], xb[e], yb[e], c0) + _x_at(xa[e], ya[e], xb[e], yb[e], c1)
    _sort_stretch(key, order, lo, hi)
    while True:
        grown = False
        if lo > 0:
            e = sel[order[lo - 1]]
            key[order[lo - 1]] = _x_at(xa[e], ya[e], xb[e], yb[e], c0) + _x_at(xa[e], ya[e], xb[e], yb[e], c1)
            if key[order[lo - 1]] > key[order[lo]]:
                lo -= 1
                grown = True
        if hi < k:
            e = sel[order[hi]]
            key[order[hi]] = _x_at(xa[e], ya[e], xb[e], yb[e], c0) + _x_at(xa[e], ya[e], xb[e], yb[e], c1)
            if key[order[hi]] < key[order[hi - 1]]:
                hi += 1
                grown = True
        if not grown:
            return lo, hi
        _sort_stretch(key, order, lo, hi)


@numba.njit(cache=True)
def _sort_stretch(key, order, lo, hi):
    """Stable insertion sort of order[lo:hi] by key[order] (it is nearly sorted)."""
    for q in range(lo + 1, hi):
        v = order[q]
        p = q - 1
        while p >= lo and key[order[p]] > key[v]:
            order[p + 1] = order[p]
            p -= 1
        order[p + 1] = v


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
def _crossing_sort(top, bottom, order, k, s0, s1, crossings, crossing_pairs):
    """Insertion-sort order[:k] (sorted by top) by bottom; every pair it swaps crosses in between.

    Writes the heights of crossings strictly inside (s0, s1) to ``crossings`` and the two edges'
    slots to ``crossing_pairs``; returns their number, or -1 past ``_CROSS_BUDGET`` swaps.
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
                crossing_pairs[inside, 0] = u
                crossing_pairs[inside, 1] = v
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
def _write_row(out, row, acc, mark, touched, n_touched, width):
    """Sum the row's cells left to right into out[row]; runs between cells are constant."""
    if n_touched > 64 and 8 * n_touched > width:  # many cells: reading the marks beats sorting them
        n_touched = 0
        for c in range(width + 2):
            if mark[c] == row:
                touched[n_touched] = c
                n_touched += 1
    else:
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
    """255 * coverage rounded as :mod:`core.rasterize` rounds it (with its slack)."""
    return int(min(abs(s), 1.0) * 255.0 + 0.5 + _ROUNDING_SLACK)
