"""A photo's decoded original and base masks, kept in memory per process for the editor.

The editor asks for a crop preview after every slider release and every pen edit. Rendering the
visible area takes tens of milliseconds; reading and decoding a 24 MP JPEG and its mask takes
about 0.4 s, and the built-in ``auto`` base mask about a second more. So each process keeps the
decoded inputs of the last few photos, keyed by the photo and the storage names of its files
(names are content-addressed: a re-import under the same photo gets a new key).

Zoomed-out previews render from reduced copies of the inputs (``core.reduced``): each photo also
keeps its last few pyramid levels (:meth:`PhotoInputs.level`), reduced once from the full-size
arrays, so a fit-zoom preview costs a render of ~2 MP, not a reduction of 24 MP as well.

The arrays are marked read-only: ``core`` never mutates its inputs (STYLE.md rule 1), and a
cached array written by mistake would corrupt every later preview of that photo.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field

import numpy as np

from jewelreview import stored_files
from jewelreview.catalog.models import Photo
from jewelreview.errors import from_core_error

# Bytes of decoded arrays kept per process (originals, their 8-bit copies, masks, levels), oldest
# photo dropped first. A 24 MP 8-bit photo is ~125 MB with its masks, so this keeps the handful of
# views of a SKU a retoucher goes back and forth between; a 16-bit 60 MP original (~600 MB with
# its 8-bit copy) still fits alone. Counting photos instead would let two such photos take 1.2 GB.
# The newest photo is always kept, whatever its size: the next preview needs it.
MAX_DECODED_BYTES = 800 * 1024 * 1024
# Pyramid levels kept per photo (LRU). A level at the editor's fit scale on 24 MP is ~2 MP, 8 MB
# of RGB and masks; fit and one or two zoom steps out are what a retoucher goes back and forth
# between, and three levels stay under a tenth of the photo's own 100 MB.
LEVELS_KEPT = 3


@dataclass
class PhotoInputs:
    """The decoded inputs of one photo (``image``: a ``core.codecs.DecodedImage``)."""

    image: object
    ai_alpha: np.ndarray
    _rgb8: np.ndarray | None = field(default=None, repr=False)  # 16-bit originals: made at decode time
    _auto_alpha: np.ndarray | None = field(default=None, repr=False)
    _levels: OrderedDict = field(default_factory=OrderedDict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _levels_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def size(self) -> tuple[int, int]:
        """(width, height) of the upright original."""
        height, width = self.ai_alpha.shape
        return width, height

    def rgb8(self) -> np.ndarray:
        """The original as (H, W, 3) uint8 (16-bit originals keep their high byte, as core does)."""
        return self.image.rgb if self._rgb8 is None else self._rgb8

    @property
    def nbytes(self) -> int:
        """Bytes of every array held now (the auto mask and levels count once made)."""
        arrays = [self.image.rgb, self.ai_alpha, self._rgb8, self._auto_alpha]
        with self._levels_lock:
            arrays.extend(array for level in self._levels.values() for array in level)
        return sum(array.nbytes for array in arrays if array is not None)

    def auto_alpha(self) -> np.ndarray:
        """The built-in studio-shot base mask (``base: "auto"``), computed once per photo."""
        with self._lock:
            if self._auto_alpha is None:
                from core import autobase

                self._auto_alpha = _read_only(autobase.auto_alpha(self.rgb8()))
            return self._auto_alpha

    def level(self, factor: float, *, base: str) -> tuple[np.ndarray, np.ndarray]:
        """The photo (8-bit) and its ``base`` mask ("ai" or "auto") reduced by ``factor``.

        Reduced once per (factor, base) with area averaging, kept for the next previews
        (the newest ``LEVELS_KEPT``), read-only like the full-size arrays.
        """
        key = (factor, base)
        with self._levels_lock:
            found = self._levels.get(key)
            if found is not None:
                self._levels.move_to_end(key)
                return found
            from core.reduced import reduce_inputs

            alpha = self.auto_alpha() if base == "auto" else self.ai_alpha
            rgb, small_alpha = reduce_inputs(self.rgb8(), alpha, factor)
            found = (_read_only(rgb), _read_only(small_alpha))
            self._levels[key] = found
            while len(self._levels) > LEVELS_KEPT:
                self._levels.popitem(last=False)
            return found

    def levels_cached(self) -> list[tuple[float, str]]:
        """The (factor, base) of the levels kept, oldest first (tests, diagnostics)."""
        with self._levels_lock:
            return list(self._levels)


_cache: OrderedDict[tuple[int, str, str], PhotoInputs] = OrderedDict()
_cache_lock = threading.Lock()
_decode_lock = threading.Lock()  # one decode at a time: two requests for one photo decode it once


def photo_inputs(*, photo: Photo) -> PhotoInputs:
    """The decoded original and AI mask of ``photo``, from this process's cache when possible."""
    key = (photo.pk, photo.original.name, photo.ai_mask.name)
    found = _cached(key)
    if found is not None:
        return found
    with _decode_lock:
        found = _cached(key)
        if found is not None:
            return found
        inputs = _decode(photo)
        with _cache_lock:
            _cache[key] = inputs
            _cache_trim()
    return inputs


def _cache_trim() -> None:
    """Drop the least recently used photos while over ``MAX_DECODED_BYTES``, keeping the newest."""
    total = sum(inputs.nbytes for inputs in _cache.values())
    while total > MAX_DECODED_BYTES and len(_cache) > 1:
        _, dropped = _cache.popitem(last=False)
        total -= dropped.nbytes


def inputs_forget() -> None:
    """Drop every cached photo (tests; a worker that must give memory back)."""
    with _cache_lock:
        _cache.clear()


def inputs_cached_keys() -> list[tuple[int, str, str]]:
    with _cache_lock:
        return list(_cache)


def _cached(key: tuple[int, str, str]) -> PhotoInputs | None:
    with _cache_lock:
        found = _cache.get(key)
        if found is not None:
            _cache.move_to_end(key)
        return found


def _decode(photo: Photo) -> PhotoInputs:
    from core import codecs
    from core.errors import CoreError

    try:
        image, ai_alpha = codecs.decode_inputs(
            stored_files.read_bytes(photo.original.name), stored_files.read_bytes(photo.ai_mask.name)
        )
    except CoreError as exc:
        raise from_core_error(exc, name=photo.source_name) from None
    _read_only(image.rgb)
    # The 8-bit copy previews' levels and channel analysis read: made once here, not per request.
    rgb8 = None if image.rgb.dtype == np.uint8 else _read_only((image.rgb >> 8).astype(np.uint8))
    return PhotoInputs(image=image, ai_alpha=_read_only(ai_alpha), _rgb8=rgb8)


def _read_only(array: np.ndarray) -> np.ndarray:
    array.flags.writeable = False
    return array
