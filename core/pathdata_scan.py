"""Tokenizing SVG path data into command letters and numbers, strictly and fast.

The text is read in regions of about ``_REGION`` characters that end at a command letter.
A region is first tried the fast way:

1. one compiled regular expression checks, in C, that it is a sequence of command letters
   each followed by numbers separated as the grammar allows (arc commands' arguments are then
   matched against the strict arc pattern, flags as single characters);
2. numpy finds where each number starts, from character classes alone (a sign not after an
   exponent, a character after a separator, a dot when its run already has a dot or an
   exponent, and the characters at and after an arc flag), and so how many numbers each
   command has, which must make whole argument groups;
3. a space is put before each number, and ``bytes.split`` and ``float`` (correctly rounded)
   convert them all.

A region that fails (or would pass the segment budget) is read command by command with
per-command patterns and, from where those stop, the exact character-level reader of
:mod:`core.pathdata_grammar`, which reports the first error with its position. The scan
stops at the region where the budget runs out, so an oversized string costs only about its
first ``max_segments`` segments.
"""

from __future__ import annotations

import bisect
import itertools
import math
import re
from typing import NamedTuple

import numpy as np

from core.errors import InvalidPathError
from core.pathdata_grammar import (
    ARGS,
    COMMAND_LETTERS,
    CWSP,
    NOT_MOVETO,
    NUMBER,
    NUMBER_RE,
    TOO_MANY,
    TOO_MANY_SUBPATHS,
    WANT_COMMAND,
    WSP,
    WSP_RE,
    arc_group_re,
    fail,
    read_groups,
    run_re,
)

_REGION = 1 << 15  # characters per fast step (about 700-5,000 segments): little is read past the budget
_CHUNK = 1024  # argument groups per regex call when reading command by command

# Whole commands, loosely for arcs (flags read as numbers): arc arguments are checked on their
# own, and only in the regions that have arcs. Small, so it compiles in about a millisecond.
_PATH_RE = re.compile(f"(?:[MLHVCSQTAmlhvcsqta]{WSP}{NUMBER}(?:{CWSP}{NUMBER})*+{WSP}|[Zz]{WSP})*+")
_LETTER_RE = re.compile("[MLHVCSQTAZmlhvcsqtaz]")


# Character classes of the fast reader, and numbers per group by letter byte (0 for Z).
_SEP, _DIGIT, _DOT, _SIGN, _EXP, _LETTER = range(6)
_CLASS = np.zeros(256, np.int8)
_PER = np.zeros(256, np.int64)
for _chars, _kind in (("0123456789", _DIGIT), (".", _DOT), ("+-", _SIGN), ("eE", _EXP), (COMMAND_LETTERS, _LETTER)):
    for _c in _chars:
        _CLASS[ord(_c)] = _kind
for _c in COMMAND_LETTERS:
    _PER[ord(_c)] = ARGS.get(_c, 0)


class Tokens(NamedTuple):
    """Path data cut into commands and numbers.

    Attributes
    ----------
    letters : str
        One character per command, in order.
    positions : ndarray, (K,) int64
        Position of each command letter in the text.
    offsets : list of int, K + 1
        Command k's numbers are ``numbers[offsets[k]:offsets[k + 1]]``.
    numbers : list of float
        All numbers in text order, finite; arc flags as 0.0/1.0.
    n_segments : int
        Drawing segments: each ``Z`` and each argument group but the first of a moveto.
    """

    letters: str
    positions: np.ndarray
    offsets: list[int]
    numbers: list[float]
    n_segments: int


class _Parts:
    """Tokens gathered region by region, and the budget spent so far."""

    def __init__(self, max_segments: int):
        self.letters: list[str] = []
        self.positions: list = []
        self.counts: list = []
        self.numbers: list = []
        self.n_segments = self.n_moves = 0
        self.max_segments = max_segments


def tokenize(d: str, max_segments: int) -> Tokens:
    """Cut path data into commands and numbers, strictly.

    Parameters
    ----------
    d : str
        ASCII path data, not blank.
    max_segments : int
        Refuse data with more drawing segments, or more subpaths (movetos), than this.

    Returns
    -------
    Tokens

    Raises
    ------
    InvalidPathError
        The first problem in text order: malformed data, ``nan``/``inf``, too many segments or
        subpaths; once all the text is read, the first number that overflows to infinity.

    Examples
    --------
    >>> t = tokenize("M1 2l3-4z", 10)
    >>> t.letters, t.positions.tolist(), t.offsets, t.numbers, t.n_segments
    ('Mlz', [0, 4, 8], [0, 2, 4, 4], [1.0, 2.0, 3.0, -4.0], 2)
    """
    n = len(d)
    i = WSP_RE.match(d).end()
    if d[i] not in "Mm":
        fail(d, NOT_MOVETO, i, max_segments)
    parts = _Parts(max_segments)
    while i < n:
        m = _LETTER_RE.search(d, i + _REGION) if i + _REGION < n else None
        j = m.start() if m else n
        if j - i > 4 * _REGION or not _read_region(d, i, j, parts):
            j = _read_commands(d, i, j, parts)
        i = j
    numbers = parts.numbers[0] if len(parts.numbers) == 1 else list(itertools.chain.from_iterable(parts.numbers))
    offsets = np.concatenate([[0], np.cumsum(np.concatenate(parts.counts), dtype=np.int64)]).tolist()
    letters, positions = "".join(parts.letters), np.concatenate(parts.positions).astype(np.int64)
    if math.inf in numbers or -math.inf in numbers:  # float() rounds too large numbers to infinity
        _overflow(d, letters, positions, offsets, next(k for k, v in enumerate(numbers) if math.isinf(v)))
    return Tokens(letters, positions, offsets, numbers, parts.n_segments)


def _read_region(d: str, i: int, j: int, parts: _Parts) -> bool:
    """Tokenize ``d[i:j]`` (whole commands) the fast way; False, with nothing added, if it cannot."""
    if _PATH_RE.match(d, i, j).end() != j:
        return False
    b = np.frombuffer(d[i:j].encode("ascii"), np.uint8)
    cls = _CLASS[b]
    letter_at = np.flatnonzero(cls == _LETTER)
    per = _PER[b[letter_at]]
    arcs = np.flatnonzero(per == 7)
    flags = _arc_flags(d, i, j, letter_at, arcs) if len(arcs) else np.empty(0, np.int64)
    if flags is None:
        return False
    is_num, start = _number_starts(cls, flags)
    starts = np.flatnonzero(start)
    counts = np.diff(np.searchsorted(starts, letter_at), append=len(starts))
    groups = counts // np.maximum(per, 1)
    if not (np.array_equal(groups * per, counts) and ((per == 0) | (groups > 0)).all()):
        return False  # numbers not in whole groups: the exact reader finds where
    moves = int(np.count_nonzero((b[letter_at] | 0x20) == ord("m")))
    n_segments = parts.n_segments + int(np.where(per == 0, 1, groups).sum()) - moves
    if n_segments > parts.max_segments or parts.n_moves + moves > parts.max_segments:
        return False  # the exact reader finds which limit is passed first
    numbers = _floats(b, is_num, start, len(starts))
    if numbers is None:
        return False
    parts.letters.append(b[letter_at].tobytes().decode("ascii"))
    parts.positions.append(letter_at + i)
    parts.counts.append(counts)
    parts.numbers.append(numbers)
    parts.n_segments, parts.n_moves = n_segments, parts.n_moves + moves
    return True


def _arc_flags(d: str, i: int, j: int, letter_at: np.ndarray, arcs: np.ndarray) -> np.ndarray | None:
    """Positions (relative to ``i``) of the flag characters of the arc commands ``letter_at[arcs]``.

    None if an arc command's arguments are not whole valid groups: its groups must follow one
    another, the first without a comma before it, and only whitespace may follow the last.
    """
    ends = np.append(letter_at[1:], j - i)
    group_re, flags = arc_group_re(), []
    for k in arcs.tolist():
        at = start = i + int(letter_at[k]) + 1
        end = i + int(ends[k])
        for m in group_re.finditer(d, start, end):
            if m.start() != at or (at == start and "," in d[start : m.start(1)]):
                return None
            flags += (m.start(4) - i, m.start(5) - i)
            at = m.end()
        if at == start or WSP_RE.match(d, at, end).end() != end:
            return None
    return np.array(flags, np.int64)


def _number_starts(cls: np.ndarray, flags: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Masks of the characters of numbers, and of those that start one, in validated text.

    ``cls`` holds the character classes; ``flags`` the positions of arc flags. A number starts
    after a separator or letter, at a sign not after an exponent, at a dot when its run already
    has a dot or an exponent (``1.5.5``, ``1e5.5``), and at and after an arc flag (``0110``).
    """
    is_num = (cls != _SEP) & (cls != _LETTER)
    prev = np.concatenate([[_SEP], cls[:-1]])
    start = is_num & ((prev == _SEP) | (prev == _LETTER) | ((cls == _SIGN) & (prev != _EXP)))
    if len(flags):
        start[flags] = True
        start[flags + 1] |= is_num[flags + 1]  # a flag is never last: a group ends with numbers
    dot_or_exp = (cls == _DOT) | (cls == _EXP)
    seen = np.cumsum(dot_or_exp) - dot_or_exp  # dots and exponents before each character
    first = np.flatnonzero(start)
    if len(first):
        run = np.cumsum(start) - 1  # the run (from a start found so far) each character is in
        start |= (cls == _DOT) & (run >= 0) & (seen > seen[first][run])
    return is_num, start


def _floats(b: np.ndarray, is_num: np.ndarray, start: np.ndarray, count: int) -> list[float] | None:
    """The numbers of the text ``b`` whose number characters and number starts are marked."""
    keep = np.flatnonzero(is_num)
    spaced = np.full(len(b) + count, ord(" "), np.uint8)  # a space before each number
    spaced[keep + np.cumsum(start)[keep]] = b[keep]
    numbers = list(map(float, spaced.tobytes().split()))
    return numbers if len(numbers) == count else None


def _read_commands(d: str, i: int, stop: int, parts: _Parts) -> int:
    """Tokenize whole commands from ``d[i]`` (a command letter) until ``stop``; return where it stopped."""
    n, max_segments = len(d), parts.max_segments
    letters, positions, counts, numbers = [], [], [], []
    while i < n and (i < stop or not letters):
        letter, pos = d[i], i
        nums: list[float] = []
        if letter in "Zz":
            parts.n_segments += 1
            if parts.n_segments > max_segments:
                fail(d, TOO_MANY, pos, max_segments)
            i = WSP_RE.match(d, pos + 1).end()
        else:
            per = ARGS.get(letter)
            if per is None:
                fail(d, WANT_COMMAND, pos, max_segments)
            i = _read_runs(d, pos, letter, per, nums, parts)
        letters.append(letter)
        positions.append(pos)
        counts.append(len(nums))
        numbers += nums
    parts.letters += letters
    parts.positions.append(np.array(positions, np.int64))
    parts.counts.append(np.array(counts, np.int64))
    parts.numbers.append(numbers)
    return i


def _read_runs(d: str, pos: int, letter: str, per: int, nums: list[float], parts: _Parts) -> int:
    """Read one command's groups in runs of up to _CHUNK, counted as read; the exact reader takes over where they stop."""
    n, max_segments = len(d), parts.max_segments
    more_runs = run_re(per, False, _CHUNK)
    groups, i, m = 0, pos + 1, run_re(per, True, _CHUNK).match(d, pos + 1)
    while m is not None:
        if per == 7:
            found = arc_group_re().findall(d, i, m.end())
            nums += [float(s) for g in found for s in g]
            got = len(found)
        else:
            found = _run_floats(d, i, m.end())
            nums += found
            got = len(found) // per
        if groups == 0 and letter in "Mm":  # the first pair of a moveto starts a subpath
            parts.n_moves += 1
            if parts.n_moves > max_segments:
                fail(d, TOO_MANY_SUBPATHS, pos, max_segments)
            parts.n_segments -= 1
        groups += got
        parts.n_segments += got
        if parts.n_segments > max_segments:
            fail(d, TOO_MANY, pos, max_segments)
        i = m.end()
        m = more_runs.match(d, i) if got == _CHUNK else None
    if groups == 0 or (i < n and d[i] not in COMMAND_LETTERS):
        budget = (parts.n_segments, parts.n_moves, max_segments)
        i, parts.n_segments, parts.n_moves = read_groups(d, i, letter, groups, nums, budget)
    return i


def _run_floats(d: str, i: int, j: int) -> list[float]:
    """The numbers of ``d[i:j]``, valid argument groups without arc flags."""
    if j - i > 2000:  # long: cut as in _read_region (a regex match per number costs more)
        b = np.frombuffer(d[i:j].encode("ascii"), np.uint8)
        is_num, start = _number_starts(_CLASS[b], np.empty(0, np.int64))
        numbers = _floats(b, is_num, start, int(np.count_nonzero(start)))
        if numbers is not None:
            return numbers
    return list(map(float, NUMBER_RE.findall(d, i, j)))


def _overflow(d: str, letters: str, positions: np.ndarray, offsets: list[int], k: int):
    """Raise for the ``k``-th number, which overflowed to infinity, quoting it."""
    command = bisect.bisect_right(offsets, k) - 1
    spans: list[tuple[int, int]] = []
    read_groups(d, int(positions[command]) + 1, letters[command], 0, [], (0, 0, math.inf), spans)
    a, b = spans[k - offsets[command]]
    raise InvalidPathError(f"number {d[a:b]!r} at position {a} is too large (it overflows to infinity)")
