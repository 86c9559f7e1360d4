"""Absolute path segments from tokenized SVG path data (the interpreter between scanning and flattening).

Relative coordinates, ``H``/``V``, the reflected control points of ``S``/``T``, implicit
linetos after a moveto and the subpaths that start after ``Z`` are resolved here. Consecutive
commands with one letter act as one command with repeated groups; a long such run of
``L H V C S Q`` (either case) is resolved with numpy (:mod:`core.pathdata_runs`), anything else
one argument group at a time on Python floats. Both do the same float64 operations in the same
order as the compiled interpreter this module replaces, so results match it to the last bit.
Quadratics become cubics by exact degree elevation; arcs are converted to centre form for all
arcs of a path at once (SVG 1.1 implementation notes F.6.5-F.6.6).
"""

from __future__ import annotations

import bisect
import re
from typing import NamedTuple

import numpy as np

from core.errors import InvalidPathError
from core.limits import MAX_COORD_MAGNITUDE
from core.pathdata_grammar import ARGS, context
from core.pathdata_runs import Run, draw_run
from core.pathdata_scan import Tokens

LINE, CUBIC, ARC = 0, 1, 2
_LIMIT = MAX_COORD_MAGNITUDE
_PER = {up: ARGS[up] for up in "LHVCSQTA"}
_MOVETO_RE = re.compile("[Mm]")
_CASE = {letter: (letter.upper(), letter.islower()) for letter in "MLHVCSQTAZmlhvcsqtaz"}
# Runs of at least this many numbers are drawn with numpy (below it, its call overheads cost more).
_VECTOR_NUMBERS = 256


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
    lim, numbers = _LIMIT, tokens.numbers
    cx = cy = sx = sy = c2x = c2y = qx = qy = 0.0
    last = 0  # 1 after C/S (c2 is the reflectable control), 2 after Q/T (q is)
    sub, new_sub = -1, False
    out = _Output()
    ends, cubics, arcs, starts, record = out.ends, out.cubics, out.arcs, out.starts, out.record
    for k, r, up, rel, i, j in _runs(tokens):  # a run of commands with one letter acts as one command
        if up == "Z":
            for _ in range(k, r):
                if cx != sx or cy != sy:
                    record((LINE, 1, sub))
                    ends += (sx, sy)
                cx, cy, last, new_sub = sx, sy, 0, True
            continue
        if up == "M":
            for c in range(i, j, 2):
                cx, cy = (cx if rel else 0.0) + numbers[c], (cy if rel else 0.0) + numbers[c + 1]
                if not (-lim <= cx <= lim and -lim <= cy <= lim):
                    _beyond(d, tokens, c)
                sub += 1
                starts += (cx, cy)
                sx, sy, new_sub, last = cx, cy, False, 0
            continue
        a = numbers[i:j]
        if new_sub:  # drawing right after Z: a new subpath from the same point
            sub += 1
            starts += (cx, cy)
            new_sub = False
        bad, per = -1, _PER[up]
        if j - i >= _VECTOR_NUMBERS and up in "LHVCSQ":  # a long run: all groups at once
            run = draw_run(up, rel, np.array(a).reshape(-1, per), (cx, cy, c2x, c2y, last))
            if run.bad >= 0:
                _beyond(d, tokens, i + run.bad * per)
            out.add_run(run)
            record((CUBIC if up in "CSQ" else LINE, len(run.ends), sub))
            cx, cy = float(run.ends[-1, 0]), float(run.ends[-1, 1])
            (c2x, c2y), (qx, qy) = run.c2 or (c2x, c2y), run.q or (qx, qy)
            last = 1 if up in "CS" else 2 if up == "Q" else 0
            continue
        for g in range(0, len(a), per):
            ox, oy = (cx, cy) if rel else (0.0, 0.0)
            if up == "L":
                cx, cy = ox + a[g], oy + a[g + 1]
                ok = -lim <= cx <= lim and -lim <= cy <= lim
            elif up == "C" or up == "S":
                if up == "C":
                    p1x, p1y, h = ox + a[g], oy + a[g + 1], g + 2
                else:
                    (p1x, p1y), h = ((2 * cx - c2x, 2 * cy - c2y) if last == 1 else (cx, cy)), g
                c2x, c2y, ex, ey = ox + a[h], oy + a[h + 1], ox + a[h + 2], oy + a[h + 3]
                ok = -lim <= ex <= lim and -lim <= ey <= lim and max(abs(p1x), abs(p1y), abs(c2x), abs(c2y)) <= lim
                cubics += (cx, cy, p1x, p1y, c2x, c2y, ex, ey)
                cx, cy, last = ex, ey, 1
            elif up == "H" or up == "V":
                if up == "H":
                    cx = ox + a[g]
                else:
                    cy = oy + a[g]
                ok = -lim <= cx <= lim and -lim <= cy <= lim
            elif up == "Q" or up == "T":
                if up == "Q":
                    qx, qy, h = ox + a[g], oy + a[g + 1], g + 2
                else:
                    (qx, qy), h = ((2 * cx - qx, 2 * cy - qy) if last == 2 else (cx, cy)), g
                ex, ey = ox + a[h], oy + a[h + 1]
                ok = -lim <= ex <= lim and -lim <= ey <= lim and -lim <= qx <= lim and -lim <= qy <= lim
                cubics += _elevate(cx, cy, qx, qy, ex, ey)
                cx, cy, last = ex, ey, 2
            else:  # A
                ex, ey, rx, ry = ox + a[g + 5], oy + a[g + 6], abs(a[g]), abs(a[g + 1])
                ok = -lim <= ex <= lim and -lim <= ey <= lim and rx <= lim and ry <= lim
                if not ok:
                    bad = g
                    break
                if ex == cx and ey == cy:
                    continue  # SVG: an arc whose ends coincide is omitted
                if rx > 0 and ry > 0:
                    arcs += (cx, cy, rx, ry, a[g + 2], a[g + 3], a[g + 4], ex, ey)
                    record((ARC, 1, sub))
                else:
                    record((LINE, 1, sub))  # SVG: a zero radius makes a straight line
                cx, cy = ex, ey
            if not ok:
                bad = g
                break
            ends += (cx, cy)
        if bad >= 0:  # the first group beyond the limit: name its command
            _beyond(d, tokens, i + bad)
        if up in "LHVA":
            last = 0
        if up != "A":
            record((CUBIC if up in "CSQT" else LINE, (j - i) // per, sub))
    return out.segments(tokens.n_segments)


def _runs(tokens: Tokens):
    """``(first command, end, letter, relative, first number, end)`` per run of one command letter.

    A moveto's first pair is a run of its own (letter ``M``), and its further pairs are taken as
    linetos (letter ``L``), as SVG reads them.
    """
    letters, offsets = _split_movetos(tokens)
    codes = np.frombuffer(letters.encode("ascii"), np.uint8)
    starts = np.flatnonzero(np.concatenate([[True], codes[1:] != codes[:-1]])).tolist()
    ends = starts[1:] + [len(letters)]
    for k, r in zip(starts, ends):
        up, rel = _CASE[letters[k]]
        yield k, r, up, rel, offsets[k], offsets[r]


def _split_movetos(tokens: Tokens) -> tuple[str, list[int]]:
    """Letters and offsets with each moveto's further pairs as a lineto command of their own.

    ``M 0 0 1 1`` draws as ``M 0 0 L 1 1`` (``m`` as ``m l``); errors still name the moveto,
    as they are traced back through the original offsets.
    """
    letters, offsets = tokens.letters, tokens.offsets
    split = [c for c in (m.start() for m in _MOVETO_RE.finditer(letters)) if offsets[c + 1] > offsets[c] + 2]
    if not split:
        return letters, offsets
    new_letters, new_offsets, done = [], [], 0
    for c in split:
        new_letters += (letters[done : c + 1], "L" if letters[c] == "M" else "l")
        new_offsets += offsets[done : c + 1]
        new_offsets.append(offsets[c] + 2)
        done = c + 1
    new_letters.append(letters[done:])
    new_offsets += offsets[done:]
    return "".join(new_letters), new_offsets


class _Output:
    """Segments in order: their ends and cubics as Python lists (filled group by group) and array
    parts (from long runs), their kinds and subpaths as ``(kind, count, subpath)`` records."""

    def __init__(self):
        self.ends: list[float] = []
        self.cubics: list[float] = []
        self.arcs: list[float] = []
        self.starts: list[float] = []
        self.records: list[tuple[int, int, int]] = []
        self.record = self.records.append
        self.parts: dict[str, list[np.ndarray]] = {"ends": [], "cubics": []}

    def add_run(self, run: Run) -> None:
        """Append a run's ends and cubics after those in the lists."""
        self._flush()
        self.parts["ends"].append(run.ends)
        self.parts["cubics"].append(run.cubics)

    def _flush(self) -> None:
        """Move the list contents into array parts (the lists are emptied in place)."""
        for name, width in (("ends", 2), ("cubics", 8)):
            values = getattr(self, name)
            if values:
                self.parts[name].append(np.array(values, np.float64).reshape(-1, width))
                values.clear()

    def segments(self, n_segments: int) -> Segments:
        """All segments drawn, with arcs in centre form."""
        self._flush()
        kind, count, sub = np.array(self.records, np.int64).reshape(-1, 3).T
        if not count.sum():
            raise InvalidPathError("path data draws nothing: it has no drawing segments, only movetos")
        kinds = np.repeat(kind.astype(np.int8), count)
        arcs = np.empty((0, 7))
        if self.arcs:
            arcs = _arc_centres(np.array(self.arcs, np.float64).reshape(-1, 9))
            degenerate = ~np.isfinite(arcs).all(axis=1)
            if degenerate.any():  # radii so tiny or ends so close that the centre under- or overflows: a line
                kinds[np.flatnonzero(kinds == ARC)[degenerate]] = LINE
                arcs = arcs[~degenerate]
        return Segments(
            kinds=kinds,
            subpath=np.repeat(sub, count),
            ends=_joined(self.parts["ends"]),
            cubics=_joined(self.parts["cubics"]) if self.parts["cubics"] else np.empty((0, 8)),
            arcs=arcs,
            starts=np.array(self.starts, np.float64).reshape(-1, 2),
            n_segments=int(n_segments),
        )


def _joined(parts: list[np.ndarray]) -> np.ndarray:
    return parts[0] if len(parts) == 1 else np.concatenate(parts)


def _elevate(x0: float, y0: float, qx: float, qy: float, x1: float, y1: float) -> tuple[float, ...]:
    """The cubic equal to a quadratic (degree elevation is exact)."""
    p1x, p1y = x0 + 2.0 / 3.0 * (qx - x0), y0 + 2.0 / 3.0 * (qy - y0)
    p2x, p2y = x1 + 2.0 / 3.0 * (qx - x1), y1 + 2.0 / 3.0 * (qy - y1)
    return (x0, y0, p1x, p1y, p2x, p2y, x1, y1)


def _beyond(d: str, tokens: Tokens, number: int):
    """Raise for the command that holds the ``number``-th number, beyond the coordinate limit."""
    command = bisect.bisect_right(tokens.offsets, number) - 1
    letter, pos = tokens.letters[command], int(tokens.positions[command])
    raise InvalidPathError(
        f"a coordinate or arc radius of the {letter!r} command at position {pos} is beyond "
        f"{MAX_COORD_MAGNITUDE:g} px{context(d, pos)}"
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
