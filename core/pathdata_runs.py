"""Long runs of one path command (``C C C ...``, ``l l l ...``), resolved with numpy.

A run's end points are its numbers (absolute) or their running sum from the current point
(relative: ``np.cumsum`` adds left to right, the same additions in the same order as one group
at a time); control points, reflections and quadratic elevation are elementwise. The float
operations are exactly those of the group-at-a-time interpreter in
:mod:`core.pathdata_segments`, so the results are identical to the last bit.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from core.limits import MAX_COORD_MAGNITUDE


class Run(NamedTuple):
    """Segments of a run of one command.

    Attributes
    ----------
    bad : int
        Index of the first group with a point beyond ``MAX_COORD_MAGNITUDE``, or -1.
    ends : ndarray, (G, 2) float64
        End point of each group.
    cubics : ndarray, (G, 8) float64 or (0, 8)
        Start, controls and end of each group, for C, S and Q (elevated); empty for lines.
    c2 : tuple of float or None
        The last second control point (C, S), which a following S reflects.
    q : tuple of float or None
        The last quadratic control point (Q), which a following T reflects.
    """

    bad: int
    ends: np.ndarray
    cubics: np.ndarray
    c2: tuple[float, float] | None
    q: tuple[float, float] | None


def draw_run(up: str, rel: bool, groups: np.ndarray, pen: tuple[float, float, float, float, int]) -> Run:
    """Resolve the argument groups of one command letter at once.

    Parameters
    ----------
    up : {"L", "H", "V", "C", "S", "Q"}
        The command, upper case.
    rel : bool
        Relative (lower-case) command.
    groups : ndarray, (G, per) float64
        The numbers, one row per group.
    pen : tuple
        ``(cx, cy, c2x, c2y, last)`` before the run: current point, the last cubic's second
        control and ``last == 1`` if the previous segment was a cubic (C or S).

    Returns
    -------
    Run

    Examples
    --------
    >>> run = draw_run("l", True, np.array([[1.0, 0.0], [0.0, 2.0]]), (5.0, 5.0, 0.0, 0.0, 0))
    >>> run.bad, run.ends.tolist()
    (-1, [[6.0, 5.0], [6.0, 7.0]])
    """
    cx, cy, c2x, c2y, last = pen
    n, per = groups.shape
    if up == "H":
        ex, ey = _chain(groups[:, 0], cx, rel), np.full(n, cy)
    elif up == "V":
        ex, ey = np.full(n, cx), _chain(groups[:, 0], cy, rel)
    else:
        ex, ey = _chain(groups[:, per - 2], cx, rel), _chain(groups[:, per - 1], cy, rel)
    checked, cubics, c2, q = [ex, ey], np.empty((0, 8)), None, None
    if up in "CSQ":
        x0, y0 = np.concatenate([[cx], ex[:-1]]), np.concatenate([[cy], ey[:-1]])  # start points
        ox, oy = (x0, y0) if rel else (0.0, 0.0)
        if up == "C":
            p1x, p1y, p2x, p2y = ox + groups[:, 0], oy + groups[:, 1], ox + groups[:, 2], oy + groups[:, 3]
            checked += [p1x, p1y, p2x, p2y]
        elif up == "S":  # the first control reflects the previous cubic's second one
            p2x, p2y = ox + groups[:, 0], oy + groups[:, 1]
            p1x, p1y = np.empty(n), np.empty(n)
            p1x[0], p1y[0] = (2 * cx - c2x, 2 * cy - c2y) if last == 1 else (cx, cy)
            p1x[1:], p1y[1:] = 2 * ex[:-1] - p2x[:-1], 2 * ey[:-1] - p2y[:-1]
            checked += [p1x, p1y, p2x, p2y]
        else:  # Q, as the equal cubic
            qx, qy = ox + groups[:, 0], oy + groups[:, 1]
            p1x, p1y = x0 + 2.0 / 3.0 * (qx - x0), y0 + 2.0 / 3.0 * (qy - y0)
            p2x, p2y = ex + 2.0 / 3.0 * (qx - ex), ey + 2.0 / 3.0 * (qy - ey)
            checked += [qx, qy]
            q = (float(qx[-1]), float(qy[-1]))
        if up != "Q":
            c2 = (float(p2x[-1]), float(p2y[-1]))
        cubics = np.stack([x0, y0, p1x, p1y, p2x, p2y, ex, ey], axis=1)
    beyond = np.flatnonzero((np.abs(np.stack(checked)) > MAX_COORD_MAGNITUDE).any(axis=0))
    return Run(int(beyond[0]) if len(beyond) else -1, np.stack([ex, ey], axis=1), cubics, c2, q)


def _chain(values: np.ndarray, start: float, rel: bool) -> np.ndarray:
    """Coordinates of successive points: absolute values, or relative steps summed from ``start``."""
    if rel:
        return np.cumsum(np.concatenate([[start], values]))[1:]
    return 0.0 + values  # as the one-at-a-time code adds an origin of 0.0 (so -0.0 becomes 0.0)
