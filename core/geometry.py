"""SVG path data to flattened polygons, in image pixels.

:func:`parse_path` reads the full SVG 1.1 path grammar (``M L H V C S Q T A Z``, absolute and
relative, implicit repeated commands, numbers such as ``1e3``, ``.5.5``, ``-1-2``, compact arc
flags) strictly: anything a browser would stop at is refused with :class:`InvalidPathError`
naming the problem and its position. Every subpath is closed implicitly for filling, as SVG
does. Curves are flattened to straight edges no further than ``tolerance`` px from the curve.

Why not ``svgpathtools.parse_path`` (which the tests use as an oracle for curve and arc
geometry): it drops subpath boundaries (``M0 0 L10 0 L10 10 M10 10 L0 10`` becomes one square
instead of a triangle and a line, which changes the fill), silently skips stray tokens, fails
with a bare AssertionError on an arc whose ends coincide (SVG: omit the arc), and parses about
100 segments per millisecond in Python, against MAX_PATH_SEGMENTS at ~50 ms. The tokenizer and
interpreter here are compiled with numba and stop as soon as a limit is passed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numba
import numpy as np

from core.errors import InvalidPathError
from core.limits import MAX_COORD_MAGNITUDE, MAX_PATH_SEGMENTS
from core.window import Rect

# Vertices after flattening, all subpaths together: 2M float64 pairs is 32 MB. A 20,000-segment
# hand-drawn path in a 6000 px image flattens to well under 1M at 0.1 px; more means curves of
# absurd size (control points near MAX_COORD_MAGNITUDE) that would only waste render time.
MAX_FLAT_VERTICES = 2_000_000

_ARGS = np.zeros(128, np.int64)  # numbers per repetition of each command letter (0 = Z or not a command)
for _letter, _count in zip("MLHVCSQTA", (2, 2, 1, 1, 6, 4, 4, 2, 7)):
    _ARGS[ord(_letter)] = _ARGS[ord(_letter.lower())] = _count
_IS_COMMAND = np.zeros(128, np.bool_)
for _letter in "MLHVCSQTAZmlhvcsqtaz":
    _IS_COMMAND[ord(_letter)] = True
_POW10 = np.array([10.0**k for k in range(23)])  # exact in float64 up to 1e22

# Scanner status codes (0 = success); the messages are built in _scan_error.
_OK, _NOT_MOVETO, _WANT_COMMAND, _WANT_NUMBER, _WANT_FLAG, _BAD_NUMBER, _TOO_MANY, _TOO_MANY_SUBPATHS = range(8)
_LINE, _CUBIC, _ARC = 0, 1, 2


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

        Examples
        --------
        >>> parse_path("M 2 3 H 12 V 13.5 H 2 Z").window(pad=1)
        Rect(x0=1, y0=2, x1=13, y1=15)
        """
        x0, y0, x1, y1 = self.bbox
        return Rect.covering(x0 - pad, y0 - pad, x1 + pad, y1 + pad)

    def scaled(self, s: float) -> PathGeometry:
        """The geometry scaled by ``s`` > 0 about the origin (image to preview pixels).

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
        scanning, so an oversized string is refused after reading ``max_segments`` segments.
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
    if not d.strip():
        raise InvalidPathError("path data is empty")
    try:
        text = np.frombuffer(d.encode("ascii"), np.uint8)
    except UnicodeEncodeError as exc:
        raise InvalidPathError(
            f"unexpected character {d[exc.start]!r} at position {exc.start}{_context(d, exc.start)}"
        ) from None
    tokens = _tokenize(d, text, max_segments)
    segments = _interpret(d, *tokens)
    return _flatten(*segments, tolerance=tolerance)


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

    Examples
    --------
    >>> path_data_from_polygon([(0, 0), (10, 0), (0, 10.5)])
    'M 0.0 0.0 L 10.0 0.0 L 0.0 10.5 Z'
    """
    pts = np.asarray(points, dtype=np.float64)
    if pts.ndim != 2 or pts.shape[1] != 2 or len(pts) == 0 or not np.isfinite(pts).all():
        raise ValueError("points must be a non-empty (N, 2) array of finite numbers")
    return "M " + " L ".join(f"{x!r} {y!r}" for x, y in pts.tolist()) + " Z"


# ----------------------------------------------------------------------------------------------
# Step 1: scan the text into commands and numbers (numba), and report errors by position.


def _tokenize(d: str, text: np.ndarray, max_segments: int):
    cap_cmds = 2 * max_segments + 4  # every command but M draws >= 1 segment; M is capped too
    cap_nums = 9 * max_segments + 32  # at most 7 numbers per segment plus 2 per moveto
    cmds = np.empty(cap_cmds, np.uint8)
    cmd_pos = np.empty(cap_cmds, np.int64)
    cmd_first = np.empty(cap_cmds, np.int64)
    cmd_count = np.empty(cap_cmds, np.int64)
    nums = np.empty(cap_nums, np.float64)
    num_pos = np.empty((cap_nums, 2), np.int64)
    slow = np.zeros(cap_nums, np.bool_)
    status, pos, n_cmds, n_nums, n_segments = _scan(
        text, max_segments, _ARGS, _IS_COMMAND, _POW10, cmds, cmd_pos, cmd_first, cmd_count, nums, num_pos, slow
    )
    if status != _OK:
        raise InvalidPathError(_scan_error(d, status, pos, max_segments))
    nums = nums[:n_nums]
    for i in np.flatnonzero(slow[:n_nums]):  # numbers beyond the exact fast path: let Python round them
        nums[i] = float(d[num_pos[i, 0] : num_pos[i, 1]])
    if not np.isfinite(nums).all():
        i = int(np.flatnonzero(~np.isfinite(nums))[0])
        a, b = num_pos[i]
        raise InvalidPathError(f"number {d[a:b]!r} at position {a} is too large (it overflows to infinity)")
    return cmds[:n_cmds], cmd_pos[:n_cmds], cmd_first[:n_cmds], cmd_count[:n_cmds], nums, n_segments


def _scan_error(d: str, status: int, pos: int, max_segments: int) -> str:
    # No letter but a command letter is valid, so the scan stops at the first nan/inf token.
    word = d[pos : pos + 4].lstrip("+-")[:3]
    if status in (_WANT_COMMAND, _WANT_NUMBER, _BAD_NUMBER) and word.lower() in ("nan", "inf"):
        return f"path data contains {word!r} at position {pos}: numbers must be finite"
    found = f"found {d[pos]!r}" if pos < len(d) else "found the end of the data"
    if status == _TOO_MANY:
        return f"path data has more than {max_segments} segments (the limit)"
    if status == _TOO_MANY_SUBPATHS:
        return f"path data has more than {max_segments} subpaths (the limit)"
    what = {
        _NOT_MOVETO: "path data must start with a moveto (M or m)",
        _WANT_COMMAND: "expected a command letter (M L H V C S Q T A Z)",
        _WANT_NUMBER: "expected a number",
        _WANT_FLAG: "expected an arc flag (0 or 1)",
        _BAD_NUMBER: "malformed number",
    }[status]
    return f"malformed path data at position {pos}: {what}, {found}{_context(d, pos)}"


def _context(d: str, pos: int) -> str:
    return f" (in {d[max(0, pos - 12) : pos + 12]!r})"


@numba.njit(cache=True)
def _skip_wsp(b, i):
    while i < len(b) and (b[i] == 32 or b[i] == 9 or b[i] == 10 or b[i] == 13 or b[i] == 12):
        i += 1
    return i


@numba.njit(cache=True)
def _number(b, i, pow10):
    """Parse one number at b[i]; return (end, value, slow, ok). slow: value needs exact re-parse."""
    n = len(b)
    j = i
    negative = False
    if j < n and (b[j] == 43 or b[j] == 45):  # + -
        negative = b[j] == 45
        j += 1
    mant = 0
    exp10 = 0
    digits = 0
    slow = False
    while j < n and 48 <= b[j] <= 57:
        if mant < 10**17:
            mant = mant * 10 + (b[j] - 48)
        else:
            exp10 += 1
            slow = True
        digits += 1
        j += 1
    if j < n and b[j] == 46:  # .
        j += 1
        while j < n and 48 <= b[j] <= 57:
            if mant < 10**17:
                mant = mant * 10 + (b[j] - 48)
                exp10 -= 1
            else:
                slow = True
            digits += 1
            j += 1
    if digits == 0:
        return i, 0.0, False, False
    if j < n and (b[j] == 101 or b[j] == 69):  # e E
        k = j + 1
        eneg = False
        if k < n and (b[k] == 43 or b[k] == 45):
            eneg = b[k] == 45
            k += 1
        if k >= n or not (48 <= b[k] <= 57):
            return k, 0.0, False, False
        e = 0
        while k < n and 48 <= b[k] <= 57:
            if e < 100000:
                e = e * 10 + (b[k] - 48)
            k += 1
        exp10 += -e if eneg else e
        j = k
    value = 0.0
    if mant == 0:
        slow = False
    elif mant < 2**53 and -22 <= exp10 <= 22 and not slow:
        value = mant * pow10[exp10] if exp10 >= 0 else mant / pow10[-exp10]  # correctly rounded
    else:
        slow = True
    return j, -value if negative else value, slow, True


@numba.njit(cache=True)
def _scan(b, max_segments, args, is_command, pow10, cmds, cmd_pos, cmd_first, cmd_count, nums, num_pos, slow):
    """Tokenize path data strictly. Returns (status, position, n_cmds, n_nums, n_segments)."""
    n = len(b)
    i = _skip_wsp(b, 0)
    if b[i] != 77 and b[i] != 109:  # M m
        return _NOT_MOVETO, i, 0, 0, 0
    n_cmds = 0
    n_nums = 0
    n_segments = 0
    n_moves = 0
    while True:
        i = _skip_wsp(b, i)
        if i >= n:
            return _OK, i, n_cmds, n_nums, n_segments
        c = b[i]
        if c >= 128 or not is_command[c]:
            return _WANT_COMMAND, i, n_cmds, n_nums, n_segments
        cmds[n_cmds] = c
        cmd_pos[n_cmds] = i
        cmd_first[n_cmds] = n_nums
        i += 1
        per = args[c]
        upper = c & 0xDF
        if per == 0:  # Z
            cmd_count[n_cmds] = 0
            n_cmds += 1
            n_segments += 1
            if n_segments > max_segments:
                return _TOO_MANY, i, n_cmds, n_nums, n_segments
            continue
        i = _skip_wsp(b, i)
        groups = 0
        while True:
            ended = False
            for a in range(per):
                comma = False
                if a > 0 or groups > 0:  # optional comma-wsp between numbers
                    i = _skip_wsp(b, i)
                    if i < n and b[i] == 44:
                        comma = True
                        i = _skip_wsp(b, i + 1)
                if upper == 65 and (a == 3 or a == 4):  # arc flags: a single 0 or 1
                    if i < n and (b[i] == 48 or b[i] == 49):
                        nums[n_nums] = b[i] - 48
                        num_pos[n_nums, 0] = i
                        num_pos[n_nums, 1] = i + 1
                        n_nums += 1
                        i += 1
                        continue
                    return _WANT_FLAG, i, n_cmds, n_nums, n_segments
                end, value, is_slow, ok = _number(b, i, pow10)
                if not ok:
                    starts_number = i < n and (b[i] == 43 or b[i] == 45 or b[i] == 46 or 48 <= b[i] <= 57)
                    if a == 0 and groups > 0 and not comma and not starts_number:
                        ended = True  # the argument groups ended; a command letter (or the end) follows
                        break
                    if starts_number:
                        return _BAD_NUMBER, i, n_cmds, n_nums, n_segments
                    return _WANT_NUMBER, i, n_cmds, n_nums, n_segments
                nums[n_nums] = value
                slow[n_nums] = is_slow
                num_pos[n_nums, 0] = i
                num_pos[n_nums, 1] = end
                n_nums += 1
                i = end
            if ended:
                break
            groups += 1
            if upper == 77 and groups == 1:
                n_moves += 1
                if n_moves > max_segments:
                    return _TOO_MANY_SUBPATHS, i, n_cmds, n_nums, n_segments
            else:
                n_segments += 1
                if n_segments > max_segments:
                    return _TOO_MANY, i, n_cmds, n_nums, n_segments
        cmd_count[n_cmds] = groups * per
        n_cmds += 1


# ----------------------------------------------------------------------------------------------
# Step 2: interpret the commands into absolute segments (numba).
# Segment row: [x0, y0, x1, y1, p0..p7]; cubic: p0..p3 = control points;
# arc: p0..p6 = cx, cy, rx, ry, phi, theta1, dtheta (SVG implementation notes F.6.5-F.6.6).


def _interpret(d, cmds, cmd_pos, cmd_first, cmd_count, nums, n_segments):
    cap = n_segments + 1
    kinds = np.empty(cap, np.int8)
    seg = np.empty((cap, 12), np.float64)
    seg_sub = np.empty(cap, np.int64)
    sub_start = np.empty((len(cmds) + 1, 2), np.float64)
    status, n_seg, n_sub = _run(
        cmds, cmd_first, cmd_count, nums, _ARGS, MAX_COORD_MAGNITUDE, kinds, seg, seg_sub, sub_start
    )
    if status >= 0:
        pos = int(cmd_pos[status])
        raise InvalidPathError(
            f"a coordinate or arc radius of the {chr(cmds[status])!r} command at position {pos} is beyond "
            f"{MAX_COORD_MAGNITUDE:g} px{_context(d, pos)}"
        )
    if n_seg == 0:
        raise InvalidPathError("path data draws nothing: it has no drawing segments, only movetos")
    return kinds[:n_seg], seg[:n_seg], seg_sub[:n_seg], sub_start[:n_sub], n_segments


@numba.njit(cache=True)
def _run(cmds, cmd_first, cmd_count, nums, args, limit, kinds, seg, seg_sub, sub_start):
    """Returns (index of the offending command or -1, segments written, subpaths)."""
    cx = cy = sx = sy = 0.0
    c2x = c2y = qx = qy = 0.0  # last cubic's second control / last quadratic's control
    last = 0  # 0 other, 1 cubic (C/S), 2 quadratic (Q/T)
    sub = -1
    new_sub = False
    n = 0
    for k in range(len(cmds)):
        c = cmds[k]
        rel = c >= 97
        up = c & 0xDF
        if up == 90:  # Z
            if cx != sx or cy != sy:
                _put_line(kinds, seg, seg_sub, n, sub, cx, cy, sx, sy)
                n += 1
            cx, cy = sx, sy
            last = 0
            new_sub = True
            continue
        per = args[c]
        for g in range(cmd_count[k] // per):
            a = nums[cmd_first[k] + g * per : cmd_first[k] + (g + 1) * per]
            ox = cx if rel else 0.0
            oy = cy if rel else 0.0
            if up == 77 and g == 0:
                cx, cy = ox + a[0], oy + a[1]
                if abs(cx) > limit or abs(cy) > limit:
                    return k, n, sub + 1
                sub += 1
                sub_start[sub, 0], sub_start[sub, 1] = cx, cy
                sx, sy = cx, cy
                new_sub = False
                last = 0
                continue
            if new_sub:  # drawing right after Z: a new subpath from the same point
                sub += 1
                sub_start[sub, 0], sub_start[sub, 1] = cx, cy
                new_sub = False
            kind = _LINE
            ex = ey = 0.0
            if up == 77 or up == 76 or up == 84:
                ex, ey = ox + a[0], oy + a[1]
            elif up == 72:
                ex, ey = ox + a[0], cy
            elif up == 86:
                ex, ey = cx, oy + a[0]
            elif up == 67:
                ex, ey = ox + a[4], oy + a[5]
            elif up == 83 or up == 81:
                ex, ey = ox + a[2], oy + a[3]
            else:
                ex, ey = ox + a[5], oy + a[6]
            if abs(ex) > limit or abs(ey) > limit:
                return k, n, sub + 1
            seg[n, 0], seg[n, 1], seg[n, 2], seg[n, 3] = cx, cy, ex, ey
            if up == 67 or up == 83:
                if up == 67:
                    p1x, p1y, p2x, p2y = ox + a[0], oy + a[1], ox + a[2], oy + a[3]
                else:
                    p1x, p1y = (2 * cx - c2x, 2 * cy - c2y) if last == 1 else (cx, cy)
                    p2x, p2y = ox + a[0], oy + a[1]
                if max(abs(p1x), abs(p1y), abs(p2x), abs(p2y)) > limit:
                    return k, n, sub + 1
                kind = _CUBIC
                seg[n, 4], seg[n, 5], seg[n, 6], seg[n, 7] = p1x, p1y, p2x, p2y
                c2x, c2y = p2x, p2y
                last = 1
            elif up == 81 or up == 84:
                if up == 81:
                    qx, qy = ox + a[0], oy + a[1]
                else:
                    qx, qy = (2 * cx - qx, 2 * cy - qy) if last == 2 else (cx, cy)
                if abs(qx) > limit or abs(qy) > limit:
                    return k, n, sub + 1
                kind = _CUBIC  # degree elevation is exact
                seg[n, 4], seg[n, 5] = cx + 2.0 / 3.0 * (qx - cx), cy + 2.0 / 3.0 * (qy - cy)
                seg[n, 6], seg[n, 7] = ex + 2.0 / 3.0 * (qx - ex), ey + 2.0 / 3.0 * (qy - ey)
                last = 2
            elif up == 65:
                rx, ry = abs(a[0]), abs(a[1])
                if rx > limit or ry > limit:
                    return k, n, sub + 1
                last = 0
                if ex == cx and ey == cy:
                    continue  # SVG: an arc whose ends coincide is omitted
                if rx > 0 and ry > 0:
                    kind = _ARC
                    _arc_center(seg, n, cx, cy, rx, ry, a[2], a[3] != 0, a[4] != 0, ex, ey)
            else:
                last = 0
            kinds[n] = kind
            seg_sub[n] = sub
            n += 1
            cx, cy = ex, ey
    return -1, n, sub + 1


@numba.njit(cache=True)
def _put_line(kinds, seg, seg_sub, n, sub, x0, y0, x1, y1):
    kinds[n] = _LINE
    seg[n, 0], seg[n, 1], seg[n, 2], seg[n, 3] = x0, y0, x1, y1
    seg_sub[n] = sub


@numba.njit(cache=True)
def _arc_center(seg, n, x1, y1, rx, ry, rotation, large, sweep, x2, y2):
    phi = math.radians(rotation % 360.0)
    cos_p, sin_p = math.cos(phi), math.sin(phi)
    dx, dy = (x1 - x2) / 2.0, (y1 - y2) / 2.0
    xp = cos_p * dx + sin_p * dy
    yp = -sin_p * dx + cos_p * dy
    lam = (xp / rx) ** 2 + (yp / ry) ** 2
    if lam > 1.0:  # radii too small to reach: scale them up (F.6.6)
        rx *= math.sqrt(lam)
        ry *= math.sqrt(lam)
    num = (rx * ry) ** 2 - (rx * yp) ** 2 - (ry * xp) ** 2
    den = (rx * yp) ** 2 + (ry * xp) ** 2
    coef = math.sqrt(max(0.0, num / den))
    if large == sweep:
        coef = -coef
    cxp, cyp = coef * rx * yp / ry, -coef * ry * xp / rx
    theta1 = math.atan2((yp - cyp) / ry, (xp - cxp) / rx)
    dtheta = math.atan2((-yp - cyp) / ry, (-xp - cxp) / rx) - theta1
    if sweep and dtheta < 0:
        dtheta += 2 * math.pi
    elif not sweep and dtheta > 0:
        dtheta -= 2 * math.pi
    seg[n, 4] = cos_p * cxp - sin_p * cyp + (x1 + x2) / 2.0
    seg[n, 5] = sin_p * cxp + cos_p * cyp + (y1 + y2) / 2.0
    seg[n, 6], seg[n, 7], seg[n, 8], seg[n, 9], seg[n, 10] = rx, ry, phi, theta1, dtheta


# ----------------------------------------------------------------------------------------------
# Step 3: flatten: points per segment from the tolerance (numpy), vertices written by numba.


def _flatten(kinds, seg, seg_sub, sub_start, n_segments, *, tolerance):
    counts = _points_per_segment(kinds, seg, tolerance)
    total = int(counts.sum()) + len(sub_start)
    if total > MAX_FLAT_VERTICES:
        raise InvalidPathError(
            f"path is too detailed to draw: its curves flatten to {total} vertices (the limit is {MAX_FLAT_VERTICES})"
        )
    # Ring s is its start point followed by the points of its segments, in order.
    per_ring = 1 + np.bincount(seg_sub, weights=counts, minlength=len(sub_start)).astype(np.int64)
    ring_end = np.cumsum(per_ring)
    vertices = _emit(kinds, seg, counts, seg_sub, sub_start, ring_end - per_ring, total)
    rings = [_read_only(r) for r in np.split(vertices, ring_end[:-1]) if len(r) >= 2]  # drop lone movetos
    kept = vertices if len(rings) == len(per_ring) else np.concatenate(rings)
    xs, ys = kept[:, 0], kept[:, 1]  # (min over axis 0 of an (N, 2) array is a slow strided loop)
    bbox = (float(xs.min()), float(ys.min()), float(xs.max()), float(ys.max()))
    return PathGeometry(tuple(rings), bbox, int(n_segments))


def _points_per_segment(kinds, seg, tolerance):
    """Uniform parameter steps whose chords stay within ``tolerance`` of the curve."""
    counts = np.ones(len(kinds), np.int64)
    cubic = kinds == _CUBIC
    if cubic.any():
        p0, p1, p2, p3 = seg[cubic, 0:2], seg[cubic, 4:6], seg[cubic, 6:8], seg[cubic, 2:4]
        # chord error <= max|B''| / (8 n^2) and |B''| <= 6 * max second difference
        second = np.maximum(np.hypot(*(p0 - 2 * p1 + p2).T), np.hypot(*(p1 - 2 * p2 + p3).T))
        counts[cubic] = np.ceil(np.sqrt(0.75 * second / tolerance))
    arc = kinds == _ARC
    if arc.any():
        # chord error <= r_max * dt^2 / 8 for a parameter step dt of the ellipse
        r_max = np.maximum(seg[arc, 6], seg[arc, 7])
        counts[arc] = np.ceil(np.abs(seg[arc, 10]) / np.sqrt(8 * tolerance / r_max))
    return np.maximum(counts, 1)


@numba.njit(cache=True)
def _emit(kinds, seg, counts, seg_sub, sub_start, ring_start, total):
    """Vertices of all rings: each ring's start, then each segment at t = 1/n, 2/n, ..., 1."""
    out = np.empty((total, 2), np.float64)
    for s in range(len(sub_start)):
        out[ring_start[s], 0], out[ring_start[s], 1] = sub_start[s, 0], sub_start[s, 1]
    j = 0
    prev_sub = -1
    for i in range(len(kinds)):
        if seg_sub[i] != prev_sub:
            prev_sub = seg_sub[i]
            j = ring_start[prev_sub] + 1
        n = counts[i]
        x0, y0, x1, y1 = seg[i, 0], seg[i, 1], seg[i, 2], seg[i, 3]
        for k in range(1, n):
            t = k / n
            if kinds[i] == _CUBIC:
                u = 1.0 - t
                a, b, c, d = u * u * u, 3.0 * u * u * t, 3.0 * u * t * t, t * t * t
                out[j, 0] = a * x0 + b * seg[i, 4] + c * seg[i, 6] + d * x1
                out[j, 1] = a * y0 + b * seg[i, 5] + c * seg[i, 7] + d * y1
            else:  # arc (a line has n = 1)
                theta = seg[i, 9] + t * seg[i, 10]
                ex, ey = seg[i, 6] * math.cos(theta), seg[i, 7] * math.sin(theta)
                cos_p, sin_p = math.cos(seg[i, 8]), math.sin(seg[i, 8])
                out[j, 0] = seg[i, 4] + cos_p * ex - sin_p * ey
                out[j, 1] = seg[i, 5] + sin_p * ex + cos_p * ey
            j += 1
        out[j, 0], out[j, 1] = x1, y1  # every segment ends exactly on its end point
        j += 1
    return out


def _read_only(a: np.ndarray) -> np.ndarray:
    a.setflags(write=False)
    return a
