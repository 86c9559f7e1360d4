"""A small in-process cache of op results keyed by a digest of everything they read.

The editor previews a window of the photo on every slider release, and core renders each op
again. Band ops (``recover``, ``matte``) need their whole region and re-solve it every time
(0.9-2 s on a 0.5 MP photo's auto-fix box; ~9 s for a matte region over a 0.7 MP photo), though a
retoucher mostly edits ops after them, which leaves their input the same. Keyed by a digest of
the op's name, input pixels and settings, a result is found again whatever the window or recipe
around it; entries are dropped oldest first past a byte budget.

:func:`op_results` is the one cache both ops use in a process (:data:`OP_RESULT_BYTES`);
:func:`keep_op_results` resizes it (workers keep none).
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable

import numpy as np

__all__ = ["OP_RESULT_BYTES", "ResultCache", "keep_op_results", "op_results"]

# Results kept per process: the editor's previews re-render a band op on every slider release of
# the ops after it. 128 MB holds five of a 24 MP photo's whole-image results, or hundreds of
# auto-fix's strand boxes; a preview process also keeps decoded photos (800 MB), a worker one
# render's working set (about 1 GB at 100 MP).
OP_RESULT_BYTES = 128 * 1024 * 1024


class ResultCache:
    """Least-recently-used arrays, at most ``max_bytes`` of them in all.

    Examples
    --------
    >>> cache = ResultCache(max_bytes=100)
    >>> a = np.zeros((4, 4), np.uint8)
    >>> key = cache.key(a, 16.0)
    >>> cache.get(key) is None
    True
    >>> cache.put(key, a + 1)
    >>> int(cache.get(key).sum()), cache.hits, cache.misses
    (16, 1, 1)
    >>> cache.key(a.copy(), 16.0) == key, cache.key(a, 8.0) == key, cache.key(a[:2], 16.0) == key
    (True, False, False)
    """

    def __init__(self, *, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.hits = 0
        self.misses = 0
        self._entries: OrderedDict[bytes, np.ndarray] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    @staticmethod
    def key(*parts: np.ndarray | float | int | str) -> bytes:
        """A digest of arrays (their shape, type and pixels) and plain values."""
        digest = hashlib.blake2b(digest_size=20)
        for part in parts:
            if isinstance(part, np.ndarray):
                digest.update(f"{part.dtype.str}{part.shape}".encode())
                # Row by row: a crop of a larger image is not contiguous, and copying it whole
                # would hold a second crop (72 MB of a 24 MP photo's colour) just to hash it.
                for row in part.reshape(part.shape[0], -1) if part.ndim > 1 else (part,):
                    digest.update(np.ascontiguousarray(row).data)
            else:
                digest.update(repr(part).encode())
            digest.update(b"\0")
        return digest.digest()

    def get_or_make(self, parts: tuple, make: Callable[[], np.ndarray]) -> np.ndarray:
        """The array stored under :meth:`key` of ``parts``, else ``make()``, stored. Read-only: the
        cache and every caller share it. With a budget of 0 nothing is hashed or kept.

        >>> cache = ResultCache(max_bytes=100)
        >>> made = []
        >>> a = cache.get_or_make((np.zeros(4, np.uint8), 1.0), lambda: made.append(1) or np.ones(4, np.uint8))
        >>> b = cache.get_or_make((np.zeros(4, np.uint8), 1.0), lambda: made.append(1) or np.ones(4, np.uint8))
        >>> a is b, a.flags.writeable, len(made)
        (True, False, 1)
        """
        if not self.max_bytes:
            return make()
        key = self.key(*parts)
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
                self.hits += 1
                return found
            self.misses += 1
        value = make()
        value.flags.writeable = False
        self._store(key, value)
        return value

    def get(self, key: bytes) -> np.ndarray | None:
        """A copy of the stored array, or None."""
        with self._lock:
            found = self._entries.get(key)
            if found is None:
                self.misses += 1
                return None
            self._entries.move_to_end(key)
            self.hits += 1
            return found.copy()

    def put(self, key: bytes, value: np.ndarray) -> None:
        """Store a copy of ``value``; one larger than the whole budget is not kept."""
        if value.nbytes <= self.max_bytes:
            self._store(key, value.copy())

    def _store(self, key: bytes, value: np.ndarray) -> None:
        if value.nbytes > self.max_bytes:
            return
        with self._lock:
            if key in self._entries:
                return
            self._entries[key] = value
            self._bytes += value.nbytes
            while self._bytes > self.max_bytes:
                _, dropped = self._entries.popitem(last=False)
                self._bytes -= dropped.nbytes

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._bytes = 0
            self.hits = self.misses = 0


_op_results = ResultCache(max_bytes=OP_RESULT_BYTES)


def op_results() -> ResultCache:
    """The band ops' results cache of this process."""
    return _op_results


def keep_op_results(max_bytes: int) -> None:
    """Keep up to ``max_bytes`` of band-op results in this process (:data:`OP_RESULT_BYTES` by
    default); 0 keeps none and hashes nothing, for processes that never render an op twice (a
    worker's job runs in a forked process whose cache dies with it).

    >>> keep_op_results(0); op_results().max_bytes
    0
    >>> keep_op_results(OP_RESULT_BYTES)
    """
    global _op_results
    _op_results = ResultCache(max_bytes=max_bytes)
