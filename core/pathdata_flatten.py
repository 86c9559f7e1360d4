"""Flattening path segments to vertex rings, vectorised per segment kind.

Each segment becomes ``n`` points at the parameters ``t = 1/n, 2/n, ..., 1`` (the last one
exactly its end point), with ``n`` the fewest uniform steps whose chords stay within the
tolerance of the curve. Each subpath's ring is its start point followed by the points of its
segments. All cubics of a path are evaluated in one set of array operations (a row per output
point, built with ``np.repeat``), and likewise all arcs.
"""

from __future__ import annotations

import numpy as np

from core.errors import InvalidPathError
from core.pathdata_segments import ARC, CUBIC, Segments


def flatten(segments: Segments, *, tolerance: float, max_vertices: int) -> tuple[list[np.ndarray], tuple[float, ...]]:
    """Vertex rings of a path's subpaths, and their bounding box.

    Parameters
    ----------
    segments : Segments
        From :func:`core.pathdata_segments.interpret`.
    tolerance : float
        Largest distance in px between a curve and its chords, > 0.
    max_vertices : int
        Refuse paths that flatten to more vertices than this (lone movetos included).

    Returns
    -------
    rings : list of ndarray, each (N, 2) float64, N >= 2
        One ring per subpath that draws something, views of one buffer; lone movetos are dropped.
    bbox : tuple of float
        ``(x0, y0, x1, y1)`` over the vertices of the rings.

    Raises
    ------
    InvalidPathError
        If the curves flatten to more than ``max_vertices`` vertices.

    Examples
    --------
    >>> from core.pathdata_scan import tokenize
    >>> from core.pathdata_segments import interpret
    >>> d = "M0 0 H4 V2 z"
    >>> rings, bbox = flatten(interpret(d, tokenize(d, 9)), tolerance=0.1, max_vertices=99)
    >>> rings[0].tolist(), bbox
    ([[0.0, 0.0], [4.0, 0.0], [4.0, 2.0], [0.0, 0.0]], (0.0, 0.0, 4.0, 2.0))
    """
    kinds, sub, starts = segments.kinds, segments.subpath, segments.starts
    counts = _points_per_segment(segments, tolerance)
    total = int(counts.sum()) + len(starts)
    if total > max_vertices:
        raise InvalidPathError(
            f"path is too detailed to draw: its curves flatten to {total} vertices (the limit is {max_vertices})"
        )
    # Ring s is its start point followed by the points of its segments, in order; rings before s
    # hold s start points, so a segment's last point sits at (points up to and including it) + s.
    per_ring = 1 + np.bincount(sub, weights=counts, minlength=len(starts)).astype(np.int64)
    ring_end = np.cumsum(per_ring)
    last_point = np.cumsum(counts) + sub
    xs, ys = np.empty(total), np.empty(total)  # one axis at a time: fancy indexing of rows is slow
    for axis, out in enumerate((xs, ys)):
        out[ring_end - per_ring] = starts[:, axis]
        out[last_point] = segments.ends[:, axis]  # every segment ends exactly on its end point
    for kind, evaluate, params in ((CUBIC, _cubic_points, segments.cubics), (ARC, _arc_points, segments.arcs)):
        which = np.flatnonzero(kinds == kind)
        if len(which):
            n = counts[which]
            inner, k, t = _interior_steps(n)
            at = np.repeat(last_point[which] - n, inner) + k
            xs[at], ys[at] = evaluate(params, inner, t)
    vertices = np.stack([xs, ys], axis=1)
    if (per_ring >= 2).all():
        rings = np.split(vertices, ring_end[:-1]) if len(per_ring) > 1 else [vertices]
    else:  # drop lone movetos (from the bounding box too)
        rings = [r for r in np.split(vertices, ring_end[:-1]) if len(r) >= 2]
        kept = np.concatenate(rings)
        xs, ys = kept[:, 0], kept[:, 1]
    return rings, (float(xs.min()), float(ys.min()), float(xs.max()), float(ys.max()))


def _points_per_segment(segments: Segments, tolerance: float) -> np.ndarray:
    """Uniform parameter steps whose chords stay within ``tolerance`` of the curve."""
    kinds = segments.kinds
    counts = np.ones(len(kinds), np.int64)
    if len(segments.cubics):
        c = segments.cubics
        p0, p1, p2, p3 = c[:, 0:2], c[:, 2:4], c[:, 4:6], c[:, 6:8]
        # chord error <= max|B''| / (8 n^2) and |B''| <= 6 * max second difference
        second = np.maximum(np.hypot(*(p0 - 2 * p1 + p2).T), np.hypot(*(p1 - 2 * p2 + p3).T))
        counts[kinds == CUBIC] = np.ceil(np.sqrt(0.75 * second / tolerance))
    if len(segments.arcs):
        a = segments.arcs
        # chord error <= r_max * dt^2 / 8 for a parameter step dt of the ellipse
        r_max = np.maximum(a[:, 2], a[:, 3])
        counts[kinds == ARC] = np.ceil(np.abs(a[:, 6]) / np.sqrt(8 * tolerance / r_max))
    return np.maximum(counts, 1)


def _interior_steps(n: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Interior points of segments of ``n`` steps: their number per segment (n - 1), and for each, ``k`` (1..n-1) and ``t = k / n``."""
    inner = n - 1
    k = np.arange(1, int(inner.sum()) + 1) - np.repeat(np.cumsum(inner) - inner, inner)
    return inner, k, k / np.repeat(n, inner)


def _cubic_points(cubics: np.ndarray, inner: np.ndarray, t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Points of cubics (rows: x0 y0 x1 y1 x2 y2 x3 y3) at parameters ``t``, ``inner`` per cubic.

    Bernstein form, in the same float operations and order as core.geometry's compiled version.
    """
    u = 1.0 - t
    u3 = 3.0 * u
    a = u * u
    a *= u
    b = u3 * u
    b *= t
    c = u3 * t
    c *= t
    d = t * t
    d *= t
    x, y = (
        a * np.repeat(cubics[:, axis], inner)
        + b * np.repeat(cubics[:, 2 + axis], inner)
        + c * np.repeat(cubics[:, 4 + axis], inner)
        + d * np.repeat(cubics[:, 6 + axis], inner)
        for axis in (0, 1)
    )
    return x, y


def _arc_points(arcs: np.ndarray, inner: np.ndarray, t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Points of elliptical arcs (rows: cx cy rx ry phi theta1 dtheta) at parameters ``t``, ``inner`` per arc."""
    cx, cy, rx, ry, theta1, dtheta, cos_p, sin_p = (
        np.repeat(column, inner) for column in (*arcs[:, [0, 1, 2, 3, 5, 6]].T, np.cos(arcs[:, 4]), np.sin(arcs[:, 4]))
    )
    theta = theta1 + t * dtheta
    ex, ey = rx * np.cos(theta), ry * np.sin(theta)
    return cx + cos_p * ex - sin_p * ey, cy + sin_p * ex + cos_p * ey
