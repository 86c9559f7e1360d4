"""The SVG path data grammar: patterns, the exact character-level reader, and error messages.

The grammar is SVG 1.1's (``M L H V C S Q T A Z``, either case, implicit repeated commands,
numbers such as ``1e3``, ``.5.5``, ``-1-2``, compact arc flags ``0110``), read strictly. The
regular expressions built here accept exactly what :func:`read_groups` accepts, so the
scanner in :mod:`core.pathdata_scan` can validate text in C and leave errors to
:func:`read_groups`, which reports the first one with its position.
"""

from __future__ import annotations

import functools
import re

from core.errors import InvalidPathError

# Numbers per repetition of each command letter; Z takes none.
ARGS = {letter: n for upper, n in zip("MLHVCSQTA", (2, 2, 1, 1, 6, 4, 4, 2, 7)) for letter in (upper, upper.lower())}
COMMAND_LETTERS = frozenset("MLHVCSQTAZmlhvcsqtaz")

WSP = r"[ \t\n\r\f]*+"  # the SVG whitespace characters, nothing else
CWSP = WSP + r"(?:,[ \t\n\r\f]*+)?+"  # comma-wsp: whitespace, at most one comma, whitespace
# A number: the mantissa is read greedily and never given back; an 'e' after it must start a
# valid exponent (``1e`` is malformed, not ``1`` followed by a stray letter).
NUMBER = r"(?>[+-]?(?:[0-9]++(?:\.[0-9]*+)?+|\.[0-9]++))(?:[eE][+-]?[0-9]++|(?![eE]))"
NUMBER_RE = re.compile(NUMBER)
WSP_RE = re.compile(WSP)
_STARTS_NUMBER = frozenset("+-.0123456789")

# Reader failures; the messages are built in message().
NOT_MOVETO, WANT_COMMAND, WANT_NUMBER, WANT_FLAG, BAD_NUMBER, TOO_MANY, TOO_MANY_SUBPATHS = range(1, 8)
_WHAT = {
    NOT_MOVETO: "path data must start with a moveto (M or m)",
    WANT_COMMAND: "expected a command letter (M L H V C S Q T A Z)",
    WANT_NUMBER: "expected a number",
    WANT_FLAG: "expected an arc flag (0 or 1)",
    BAD_NUMBER: "malformed number",
}


def group_pattern(per: int, capture: bool = False) -> str:
    """Regex of one argument group of ``per`` numbers, without a leading separator.

    Arcs (``per == 7``) read their two flags as single characters ``0``/``1``; with ``capture``
    every number and flag is a group.

    Examples
    --------
    >>> bool(re.fullmatch(group_pattern(2), "1.5,-2")), bool(re.fullmatch(group_pattern(2), "1.5"))
    (True, False)
    """
    number = f"({NUMBER})" if capture else NUMBER
    flag = "([01])" if capture else "[01]"
    items = [number, number, number, flag, flag, number, number] if per == 7 else [number] * per
    return CWSP.join(items)


@functools.cache
def arc_group_re() -> re.Pattern:
    """One arc argument group after optional comma-wsp, each number and flag captured.

    Compiled on first use (about 2 ms), so paths without arcs never pay for it.

    Examples
    --------
    >>> arc_group_re().match("10 10 0 0110 0").groups()
    ('10', '10', '0', '0', '1', '10', '0')
    """
    return re.compile(CWSP + group_pattern(7, capture=True))


@functools.cache
def run_re(per: int, first: bool, most: int) -> re.Pattern:
    """Up to ``most`` argument groups of ``per`` numbers and trailing whitespace, compiled on first use.

    ``first``: the groups right after a command letter (whitespace, no comma, before the first);
    otherwise groups that continue a command (comma-wsp before each).

    Examples
    --------
    >>> run_re(2, True, 8).match(" 1 2,3 4 5").group()
    ' 1 2,3 4 '
    """
    group = group_pattern(per)
    if first:
        return re.compile(f"{WSP}{group}(?:{CWSP}{group}){{0,{most - 1}}}{WSP}")
    return re.compile(f"(?:{CWSP}{group}){{1,{most}}}{WSP}")


def read_groups(d: str, i: int, letter: str, groups: int, nums: list, budget: tuple, spans: list | None = None):
    """Read the argument groups of ``letter`` from ``d[i]`` character by character, as the grammar says.

    Parameters
    ----------
    d : str
        Path data.
    i : int
        Where to read on: just after the letter (``groups == 0``) or after the last number of
        ``groups`` complete groups.
    letter : str
        The command letter (not Z).
    groups : int
        Complete groups before ``i``.
    nums : list of float
        Receives the numbers read (arc flags as 0.0/1.0).
    budget : tuple of int
        ``(n_segments, n_moves, max_segments)`` before ``i``.
    spans : list, optional
        Receives ``(start, end)`` of each number read.

    Returns
    -------
    i : int
        The next command letter's position, or ``len(d)``.
    n_segments, n_moves : int
        Counts after the groups read.

    Raises
    ------
    InvalidPathError
        At the first error, or when a group passes the segment or subpath budget.

    Examples
    --------
    >>> nums = []
    >>> read_groups("L 1,2 3-4Z", 1, "L", 0, nums, (0, 1, 10)), nums
    ((9, 2, 1), [1.0, 2.0, 3.0, -4.0])
    """
    n_segments, n_moves, max_segments = budget
    n, per = len(d), ARGS[letter]
    if groups == 0:
        i = WSP_RE.match(d, i).end()
    while True:
        for a in range(per):
            comma = False
            if a > 0 or groups > 0:  # optional comma-wsp between numbers
                i = WSP_RE.match(d, i).end()
                if i < n and d[i] == ",":
                    comma = True
                    i = WSP_RE.match(d, i + 1).end()
            if per == 7 and (a == 3 or a == 4):  # arc flags: a single 0 or 1
                if i < n and d[i] in "01":
                    nums.append(float(d[i]))
                    spans is None or spans.append((i, i + 1))
                    i += 1
                    continue
                fail(d, WANT_FLAG, i, max_segments)
            m = NUMBER_RE.match(d, i)
            if m is None:
                starts_number = i < n and d[i] in _STARTS_NUMBER
                if a == 0 and groups > 0 and not comma and not starts_number:
                    if i < n and d[i] not in COMMAND_LETTERS:
                        fail(d, WANT_COMMAND, i, max_segments)
                    return i, n_segments, n_moves  # the groups ended; a command letter (or the end) follows
                fail(d, BAD_NUMBER if starts_number else WANT_NUMBER, i, max_segments)
            nums.append(float(m.group()))
            spans is None or spans.append(m.span())
            i = m.end()
        groups += 1
        if groups == 1 and letter in "Mm":
            n_moves += 1
            if n_moves > max_segments:
                fail(d, TOO_MANY_SUBPATHS, i, max_segments)
        else:
            n_segments += 1
            if n_segments > max_segments:
                fail(d, TOO_MANY, i, max_segments)


def context(d: str, pos: int) -> str:
    """The text around ``pos``, quoted, for error messages.

    Examples
    --------
    >>> context("M 0 0 L 10 x 10 10 Z", 11)
    " (in 'M 0 0 L 10 x 10 10 Z')"
    """
    return f" (in {d[max(0, pos - 12) : pos + 12]!r})"


def fail(d: str, status: int, pos: int, max_segments: int):
    """Raise :class:`InvalidPathError` for reader failure ``status`` at ``pos``."""
    raise InvalidPathError(message(d, status, pos, max_segments))


def message(d: str, status: int, pos: int, max_segments: int) -> str:
    """The message for reader failure ``status`` at ``pos`` (``nan``/``inf`` named as such).

    Examples
    --------
    >>> message("M 0 0 L NaN 5", WANT_NUMBER, 8, 10)
    "path data contains 'NaN' at position 8: numbers must be finite"
    """
    # No letter but a command letter is valid, so the scan stops at the first nan/inf token.
    word = d[pos : pos + 4].lstrip("+-")[:3]
    if status in (WANT_COMMAND, WANT_NUMBER, BAD_NUMBER) and word.lower() in ("nan", "inf"):
        return f"path data contains {word!r} at position {pos}: numbers must be finite"
    if status == TOO_MANY:
        return f"path data has more than {max_segments} segments (the limit)"
    if status == TOO_MANY_SUBPATHS:
        return f"path data has more than {max_segments} subpaths (the limit)"
    found = f"found {d[pos]!r}" if pos < len(d) else "found the end of the data"
    return f"malformed path data at position {pos}: {_WHAT[status]}, {found}{context(d, pos)}"
