"""Absolute path segments from tokenized SVG path data (the interpreter between scanning and flattening).

Relative coordinates, ``H``/``V``, the reflected control points of ``S``/``T``, implicit
linetos after a moveto and the subpaths that start after ``Z`` are resolved here, one argument
group at a time on Python floats (in the same float64 operations, and so to the same bits, as
core.geometry's compiled interpreter). Quadratics become cubics by exact degree elevation; arcs
are converted to centre form for all arcs of a path at once (SVG 1.1 implementation notes
F.6.5-F.6.6).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from core.errors import InvalidPathError
from core.limits import MAX_COORD_MAGNITUDE
from core.pathdata_grammar import context
from core.pathdata_scan import Tokens

LINE, CUBIC, ARC = 0, 1, 2


class Segments(NamedTuple):
    """The drawing segments of a path, in order, in absolute image pixels.

    Attributes
    ----------
    kinds : ndarray, (S,) int8
        ``LINE``, ``CUBIC`` or ``ARC`` per segment.
    subpath : ndarray, (S,) int64
        Subpath of each segment; non-decreasing.
    ends : ndarray, (S, 2) float64
        End point of each segment.
    cubics : ndarray, (C, 8) float64
        For the cubic segments in order: start, first control, second control, end.
    arcs : ndarray, (A, 7) float64
        For the arc segments in order: centre x, y, radii rx, ry, rotation phi (radians), start
        angle theta1 and sweep dtheta of the ellipse parameter.
    starts : ndarray, (P, 2) float64
        Start point of each subpath, including those that draw nothing (lone movetos).
    n_segments : int
        Drawing segments counted in the source (each ``Z`` and each group, drawn or not).
    """

    kinds: np.ndarray
    subpath: np.ndarray
    ends: np.ndarray
    cubics: np.ndarray
    arcs: np.ndarray
    starts: np.ndarray
    n_segments: int


def interpret(d: str, tokens: Tokens) -> Segments:
    """Resolve tokenized commands into absolute segments.

    Parameters
    ----------
    d : str
        The path data the tokens came from (for error messages).
    tokens : Tokens
        From :func:`core.pathdata_scan.tokenize`.

    Returns
    -------
    Segments

    Raises
    ------
    InvalidPathError
        A coordinate, control point or arc radius beyond ``MAX_COORD_MAGNITUDE`` (naming the
        first such command), or data that draws nothing.

    Examples
    --------
    >>> from core.pathdata_scan import tokenize
    >>> s = interpret("M 1 1 h 2 Z", tokenize("M 1 1 h 2 Z", 10))
    >>> s.kinds.tolist(), s.ends.tolist(), s.starts.tolist()
    ([0, 0], [[3.0, 1.0], [1.0, 1.0]], [[1.0, 1.0]])
    """
    lim = MAX_COORD_MAGNITUDE
    cx = cy = sx = sy = c2x = c2y = qx = qy = 0.0
    last = 0  # 1 after C/S (c2 is the reflectable control), 2 after Q/T (q is)
    sub = -1
    new_sub = False
    kinds: list[int] = []
    subs: list[int] = []
    ends: list[float] = []
    cubics: list[float] = []
    arcs: list[float] = []
    starts: list[float] = []
    numbers, offsets = tokens.numbers, tokens.offsets
    for k, letter in enumerate(tokens.letters):
        up = letter.upper()
        a = numbers[offsets[k] : offsets[k + 1]]
        if up == "Z":
            if cx != sx or cy != sy:
                kinds.append(LINE)
                subs.append(sub)
                ends += (sx, sy)
            cx, cy, last, new_sub = sx, sy, 0, True
            continue
        rel = letter != up
        first = len(kinds)
        if up == "M":
            cx, cy = (cx if rel else 0.0) + a[0], (cy if rel else 0.0) + a[1]
            if not (-lim <= cx <= lim and -lim <= cy <= lim):
                _beyond(d, letter, int(tokens.positions[k]))
            sub += 1
            starts += (cx, cy)
            sx, sy, new_sub, last = cx, cy, False, 0
            a = a[2:]  # further pairs are linetos
            up = "L"
        elif new_sub:  # drawing right after Z: a new subpath from the same point
            sub += 1
            starts += (cx, cy)
            new_sub = False
        ok = True
        if up == "L":
            for g in range(0, len(a), 2):
                ox, oy = (cx, cy) if rel else (0.0, 0.0)
                cx, cy = ox + a[g], oy + a[g + 1]
                ok = ok and -lim <= cx <= lim and -lim <= cy <= lim
                ends += (cx, cy)
            last = 0
        elif up == "H" or up == "V":
            for v in a:
                if up == "H":
                    cx = (cx if rel else 0.0) + v
                else:
                    cy = (cy if rel else 0.0) + v
                ok = ok and -lim <= cx <= lim and -lim <= cy <= lim
                ends += (cx, cy)
            last = 0
        elif up == "C" or up == "S":
            per = 6 if up == "C" else 4
            for g in range(0, len(a), per):
                ox, oy = (cx, cy) if rel else (0.0, 0.0)
                if up == "C":
                    p1x, p1y, g = ox + a[g], oy + a[g + 1], g + 2
                else:
                    p1x, p1y = (2 * cx - c2x, 2 * cy - c2y) if last == 1 else (cx, cy)
                c2x, c2y, ex, ey = ox + a[g], oy + a[g + 1], ox + a[g + 2], oy + a[g + 3]
                ok = ok and -lim <= ex <= lim and -lim <= ey <= lim and max(abs(p1x), abs(p1y), abs(c2x), abs(c2y)) <= lim
                cubics += (cx, cy, p1x, p1y, c2x, c2y, ex, ey)
                ends += (ex, ey)
                cx, cy, last = ex, ey, 1
        elif up == "Q" or up == "T":
            per = 4 if up == "Q" else 2
            for g in range(0, len(a), per):
                ox, oy = (cx, cy) if rel else (0.0, 0.0)
                if up == "Q":
                    qx, qy, g = ox + a[g], oy + a[g + 1], g + 2
                else:
                    qx, qy = (2 * cx - qx, 2 * cy - qy) if last == 2 else (cx, cy)
                ex, ey = ox + a[g], oy + a[g + 1]
                ok = ok and -lim <= ex <= lim and -lim <= ey <= lim and -lim <= qx <= lim and -lim <= qy <= lim
                cubics += _elevate(cx, cy, qx, qy, ex, ey)
                ends += (ex, ey)
                cx, cy, last = ex, ey, 2
        else:  # A
            for g in range(0, len(a), 7):
                ox, oy = (cx, cy) if rel else (0.0, 0.0)
                ex, ey, rx, ry = ox + a[g + 5], oy + a[g + 6], abs(a[g]), abs(a[g + 1])
                ok = ok and -lim <= ex <= lim and -lim <= ey <= lim and rx <= lim and ry <= lim
                if ex == cx and ey == cy:
                    continue  # SVG: an arc whose ends coincide is omitted
                if rx > 0 and ry > 0:
                    arcs += (cx, cy, rx, ry, a[g + 2], a[g + 3], a[g + 4], ex, ey)
                    kinds.append(ARC)
                else:
                    kinds.append(LINE)  # SVG: a zero radius makes a straight line
                ends += (ex, ey)
                cx, cy = ex, ey
            last = 0
        if not ok:
            _beyond(d, letter, int(tokens.positions[k]))
        if up != "A":
            count = len(ends) // 2 - first
            kinds += [CUBIC if up in "CSQT" else LINE] * count
        subs += [sub] * (len(kinds) - first)
    if not kinds:
        raise InvalidPathError("path data draws nothing: it has no drawing segments, only movetos")
    return _segments(kinds, subs, ends, cubics, arcs, starts, tokens.n_segments)


def _elevate(x0: float, y0: float, qx: float, qy: float, x1: float, y1: float) -> tuple[float, ...]:
    """The cubic equal to a quadratic (degree elevation is exact)."""
    return (x0, y0, x0 + 2.0 / 3.0 * (qx - x0), y0 + 2.0 / 3.0 * (qy - y0), x1 + 2.0 / 3.0 * (qx - x1), y1 + 2.0 / 3.0 * (qy - y1), x1, y1)


def _beyond(d: str, letter: str, pos: int):
    raise InvalidPathError(
        f"a coordinate or arc radius of the {letter!r} command at position {pos} is beyond "
        f"{MAX_COORD_MAGNITUDE:g} px{context(d, pos)}"
    )


def _segments(kinds, subs, ends, cubics, arcs, starts, n_segments) -> Segments:
    kind = np.array(kinds, np.int8)
    arc = _arc_centres(np.array(arcs, np.float64).reshape(-1, 9))
    degenerate = ~np.isfinite(arc).all(axis=1)
    if degenerate.any():  # radii so tiny or ends so close that the centre under- or overflows: a line
        kind[np.flatnonzero(kind == ARC)[degenerate]] = LINE
        arc = arc[~degenerate]
    return Segments(
        kinds=kind,
        subpath=np.array(subs, np.int64),
        ends=np.array(ends, np.float64).reshape(-1, 2),
        cubics=np.array(cubics, np.float64).reshape(-1, 8),
        arcs=arc,
        starts=np.array(starts, np.float64).reshape(-1, 2),
        n_segments=int(n_segments),
    )


def _arc_centres(raw: np.ndarray) -> np.ndarray:
    """Endpoint to centre parameterisation (F.6.5-F.6.6) of rows ``(x1, y1, rx, ry, rotation, large, sweep, x2, y2)``."""
    x1, y1, rx, ry, rotation, large, sweep, x2, y2 = raw.T
    phi = np.radians(rotation % 360.0)
    cos_p, sin_p = np.cos(phi), np.sin(phi)
    dx, dy = (x1 - x2) / 2.0, (y1 - y2) / 2.0
    xp = cos_p * dx + sin_p * dy
    yp = -sin_p * dx + cos_p * dy
    with np.errstate(all="ignore"):
        lam = (xp / rx) * (xp / rx) + (yp / ry) * (yp / ry)
        grow = np.where(lam > 1.0, np.sqrt(lam), 1.0)  # radii too small to reach: scale them up
        rx, ry = np.where(lam > 1.0, rx * grow, rx), np.where(lam > 1.0, ry * grow, ry)
        num = (rx * ry) * (rx * ry) - (rx * yp) * (rx * yp) - (ry * xp) * (ry * xp)
        den = (rx * yp) * (rx * yp) + (ry * xp) * (ry * xp)
        ratio = num / den
        coef = np.sqrt(np.where(ratio > 0.0, ratio, 0.0))
        coef = np.where(large == sweep, -coef, coef)
        cxp, cyp = coef * rx * yp / ry, -coef * ry * xp / rx
        theta1 = np.arctan2((yp - cyp) / ry, (xp - cxp) / rx)
        dtheta = np.arctan2((-yp - cyp) / ry, (-xp - cxp) / rx) - theta1
    dtheta = np.where((sweep != 0) & (dtheta < 0), dtheta + 2 * np.pi, dtheta)
    dtheta = np.where((sweep == 0) & (dtheta > 0), dtheta - 2 * np.pi, dtheta)
    centre_x = cos_p * cxp - sin_p * cyp + (x1 + x2) / 2.0
    centre_y = sin_p * cxp + cos_p * cyp + (y1 + y2) / 2.0
    out = np.stack([centre_x, centre_y, rx, ry, phi, theta1, dtheta], axis=1)
    out[den == 0.0] = np.nan  # ends distinct but closer than float64 can square: no centre
    return out
