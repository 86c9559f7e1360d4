"""SVG path data to flattened polygons, in image pixels, in pure Python and numpy.

:func:`parse_path` reads the full SVG 1.1 path grammar (``M L H V C S Q T A Z``, absolute and
relative, implicit repeated commands, numbers such as ``1e3``, ``.5.5``, ``-1-2``, compact arc
flags) strictly: anything a browser would stop at is refused with :class:`InvalidPathError`
naming the problem and its position. Every subpath is closed implicitly for filling, as SVG
does. Curves are flattened to straight edges no further than ``tolerance`` px from the curve.

Why not ``svgpathtools.parse_path`` (which the tests use as an oracle for curve and arc
geometry): it drops subpath boundaries (``M0 0 L10 0 L10 10 M10 10 L0 10`` becomes one square
instead of a triangle and a line, which changes the fill), silently skips stray tokens, fails
with a bare AssertionError on an arc whose ends coincide (SVG: omit the arc), and parses about
100 segments per millisecond in Python, against MAX_PATH_SEGMENTS at ~50 ms.

Why no numba: importing it and loading cached compiled functions costs about 1.1 s at every
process start, most of the CLI's 1.5 s budget for a whole render. Here the three steps are

1. :mod:`core.pathdata_scan`: a regular expression checks the text in C, numpy finds where each
   number starts, ``float()`` converts them (correctly rounded); the scan stops once the segment
   budget is spent;
2. :mod:`core.pathdata_segments`: commands are resolved one argument group at a time, long runs
   of one command with numpy (:mod:`core.pathdata_runs`);
3. :mod:`core.pathdata_flatten`: all cubics (and all arcs) of a path are evaluated in one set
   of numpy operations.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np

from core.errors import InvalidPathError
from core.limits import MAX_PATH_SEGMENTS, MAX_SIDE
from core.pathdata_flatten import flatten
from core.pathdata_grammar import context
from core.pathdata_scan import tokenize
from core.pathdata_segments import interpret
from core.window import Rect

__all__ = ["MAX_FLAT_VERTICES", "PathGeometry", "parse_path", "path_data_from_polygon"]

# Vertices after flattening, all subpaths together: 2M float64 pairs is 32 MB. A 20,000-segment
# hand-drawn path in a 6000 px image flattens to well under 1M at 0.1 px; more means curves of
# absurd size (control points near MAX_COORD_MAGNITUDE) that would only waste render time.
MAX_FLAT_VERTICES = 2_000_000

_NOT_ASCII = re.compile(r"[^\x00-\x7f]")


@dataclass(frozen=True, eq=False)
class PathGeometry:
    """A parsed, flattened path. Build it with :func:`parse_path`.

    Attributes
    ----------
    polygons : tuple of ndarray, each (N, 2) float64, read-only
        One vertex ring per subpath, ``(x, y)`` in image pixels, closed implicitly (the last
        vertex joins the first). Filled with the nonzero rule, as SVG fills paths.
    bbox : tuple of float
        ``(x0, y0, x1, y1)`` over all vertices.
    n_segments : int
        Drawing segments in the source data (each ``L``, ``C``, ``A``, ... repetition and each
        ``Z``), the unit of the recipe's segment budget.

    Equality is identity (the arrays make value equality ambiguous); compare path data instead.
    """

    polygons: tuple[np.ndarray, ...]
    bbox: tuple[float, float, float, float]
    n_segments: int

    def window(self, pad: float = 0.0) -> Rect:
        """The pixels the shape (grown by ``pad`` px on every side) touches.

        Parameters
        ----------
        pad : float
            Margin in px added on every side of the bounding box.

        Returns
        -------
        Rect

        Examples
        --------
        >>> parse_path("M 2 3 H 12 V 13.5 H 2 Z").window(pad=1)
        Rect(x0=1, y0=2, x1=13, y1=15)
        """
        x0, y0, x1, y1 = self.bbox
        return Rect.covering(x0 - pad, y0 - pad, x1 + pad, y1 + pad)

    def edge_rows(self) -> int:
        """Pixel rows crossed by the flattened edges, summed over edges: the rasterizers' work.

        An edge from y = 1.0 to y = 3.0 crosses rows 1 and 2; horizontal edges cross none (they
        cover nothing). Only rows 0..MAX_SIDE count, the rows any image can have. Both
        rasterizers (:mod:`core.rasterize`, :mod:`core.rasterize_sweep`) visit each edge once
        per row it crosses, and the sweep also orders the edges of each row and follows their
        crossings there, so this bounds the cost of drawing the path (the recipe's budget:
        ``core.limits.MAX_RECIPE_EDGE_ROWS``).

        Returns
        -------
        int

        Examples
        --------
        >>> parse_path("M 2 1 H 12 V 3 H 2 Z").edge_rows()
        4
        >>> parse_path("M 0 -1e6 V 1e6 H 1 V -1e6 Z").edge_rows() == 2 * MAX_SIDE  # rows past any image do not count
        True
        """
        rows = 0
        for ring in self.polygons:
            y = np.clip(ring[:, 1], 0.0, float(MAX_SIDE))
            y0, y1 = y, np.roll(y, -1)  # the last vertex joins the first
            crossed = np.ceil(np.maximum(y0, y1)) - np.floor(np.minimum(y0, y1))
            rows += int(crossed[y0 != y1].sum())
        return rows

    def scaled(self, s: float) -> PathGeometry:
        """The geometry scaled by ``s`` > 0 about the origin (image to preview pixels).

        Parameters
        ----------
        s : float
            Scale factor, positive and finite.

        Returns
        -------
        PathGeometry
            New read-only polygons; ``n_segments`` unchanged.

        Raises
        ------
        ValueError
            If ``s`` is not a positive finite number (a programming error, not bad input).

        Examples
        --------
        >>> parse_path("M 2 2 H 12 V 12 H 2 Z").scaled(0.5).bbox
        (1.0, 1.0, 6.0, 6.0)
        """
        if not (math.isfinite(s) and s > 0):
            raise ValueError(f"scale must be a positive finite number, got {s!r}")
        polygons = tuple(_read_only(p * s) for p in self.polygons)
        x0, y0, x1, y1 = self.bbox
        return PathGeometry(polygons, (x0 * s, y0 * s, x1 * s, y1 * s), self.n_segments)


def parse_path(d: str, *, max_segments: int = MAX_PATH_SEGMENTS, tolerance: float = 0.1) -> PathGeometry:
    """Parse SVG path data and flatten its curves.

    Parameters
    ----------
    d : str
        SVG path data, coordinates in image pixels.
    max_segments : int
        Refuse data with more drawing segments (or more subpaths) than this. Counted while
        scanning, so an oversized string is refused after reading about ``max_segments`` segments.
    tolerance : float
        Largest distance in px between a curve and its flattened edges.

    Returns
    -------
    PathGeometry

    Raises
    ------
    InvalidPathError
        Empty data, malformed data (the message says what was expected, where, and quotes the
        text there), ``nan``/``inf`` or numbers that overflow, coordinates or arc radii beyond
        ``MAX_COORD_MAGNITUDE``, too many segments or subpaths, curves too large to flatten
        within ``MAX_FLAT_VERTICES``, or data that draws nothing (only movetos).
    ValueError
        If ``tolerance`` is not a positive finite number or ``max_segments`` is negative (a
        programming error, not bad input).

    Examples
    --------
    >>> g = parse_path("M 2 2 h 10 v 10 h -10 z")
    >>> g.polygons[0].tolist(), g.bbox, g.n_segments
    ([[2.0, 2.0], [12.0, 2.0], [12.0, 12.0], [2.0, 12.0], [2.0, 2.0]], (2.0, 2.0, 12.0, 12.0), 4)
    """
    if not isinstance(d, str):
        raise InvalidPathError(f"path data must be a string, got {type(d).__name__}")
    if not (math.isfinite(tolerance) and tolerance > 0):
        raise ValueError(f"tolerance must be a positive finite number, got {tolerance!r}")
    if max_segments < 0:
        raise ValueError(f"max_segments must not be negative, got {max_segments!r}")
    if not d.strip():
        raise InvalidPathError("path data is empty")
    if not d.isascii():
        pos = _NOT_ASCII.search(d).start()
        raise InvalidPathError(f"unexpected character {d[pos]!r} at position {pos}{context(d, pos)}")
    segments = interpret(d, tokenize(d, max_segments))
    rings, bbox = flatten(segments, tolerance=tolerance, max_vertices=MAX_FLAT_VERTICES)
    return PathGeometry(tuple(_read_only(r) for r in rings), bbox, segments.n_segments)


def path_data_from_polygon(points: np.ndarray) -> str:
    """Absolute ``M x y L x y ... Z`` data for one closed polygon (for tests and benchmarks).

    Parameters
    ----------
    points : array_like, (N, 2) float
        Vertices ``(x, y)``, N >= 1, finite.

    Returns
    -------
    str
        Path data that :func:`parse_path` reads back to exactly these vertices.

    Raises
    ------
    ValueError
        If ``points`` is not a non-empty (N, 2) array of finite numbers.

    Examples
    --------
    >>> path_data_from_polygon([(0, 0), (10, 0), (0, 10.5)])
    'M 0.0 0.0 L 10.0 0.0 L 0.0 10.5 Z'
    """
    pts = np.asarray(points, dtype=np.float64)
    if pts.ndim != 2 or pts.shape[1] != 2 or len(pts) == 0 or not np.isfinite(pts).all():
        raise ValueError("points must be a non-empty (N, 2) array of finite numbers")
    return "M " + " L ".join(f"{x!r} {y!r}" for x, y in pts.tolist()) + " Z"


def _read_only(a: np.ndarray) -> np.ndarray:
    a.setflags(write=False)
    return a
