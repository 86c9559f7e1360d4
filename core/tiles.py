"""Deep Zoom (DZI) pyramids: an image (and optional alpha) in, tiles out.

Layout, as OpenSeadragon reads it
---------------------------------
Level ``L`` of an image ``W x H`` has size ``ceil(W / 2**(M - L)) x ceil(H / 2**(M - L))``, where
``M = ceil(log2(max(W, H)))`` is the top (full-resolution) level; level 0 is 1 x 1. Tile
``(col, row)`` of a level covers the pixels ``[col*T - o, (col+1)*T + o)`` horizontally (and the same
vertically), clipped to the level, where ``T`` is the tile size and ``o`` the overlap; the first
column and row have no left/top overlap.

Downscaling
-----------
Each level is the previous one halved by exact 2 x 2 box averages (an odd last column or row
is averaged with a copy of itself, so it keeps its own value). With alpha the average is
*premultiplied*: colours are weighted by alpha, so a half-transparent edge never takes the colour
of the transparent background next to it (that would draw a halo the reviewer is looking for).

Arrays follow the library's conventions: ``rgb`` (H, W, 3) uint8 or uint16 (16-bit is shown as its
top 8 bits), ``alpha`` (H, W) uint8. Inputs are never modified. Encoding to bytes is done by
:func:`core.codecs.encode_tile`.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from xml.sax.saxutils import quoteattr

import cv2
import numpy as np

from core.errors import CoreError
from core.window import Rect

DZI_NAMESPACE = "http://schemas.microsoft.com/deepzoom/2008"
TILE_FORMATS = ("webp", "png", "jpeg")

# Rows processed at once while halving: bounds the uint32 working buffers to about
# 512 x 6000 x 3 x 4 bytes = 37 MB for a 24 MP image instead of 288 MB for the whole level.
HALVE_STRIP_ROWS = 512

# Tile sizes outside this range are either absurd (1 px tiles: millions of files) or defeat the
# point of tiling (a 16k tile is a whole image for most viewers).
MIN_TILE_SIZE = 16
MAX_TILE_SIZE = 4096


def level_count(width: int, height: int) -> int:
    """Number of DZI levels of a ``width x height`` image (level 0 is 1 x 1).

    Examples
    --------
    >>> level_count(1, 1), level_count(2, 1), level_count(1000, 600), level_count(1024, 1024)
    (1, 2, 11, 11)
    """
    _check_size(width, height)
    return math.ceil(math.log2(max(width, height))) + 1


def level_size(width: int, height: int, level: int) -> tuple[int, int]:
    """``(width, height)`` of ``level`` in the pyramid of a ``width x height`` image.

    Examples
    --------
    >>> [level_size(1000, 600, lv) for lv in (10, 9, 1, 0)]
    [(1000, 600), (500, 300), (2, 2), (1, 1)]
    """
    top = level_count(width, height) - 1
    if not 0 <= level <= top:
        raise CoreError(f"level must be between 0 and {top}, got {level}")
    scale = 2 ** (top - level)
    return math.ceil(width / scale), math.ceil(height / scale)


def tile_grid(width: int, height: int, tile_size: int) -> tuple[int, int]:
    """``(columns, rows)`` of tiles covering a level of size ``width x height``.

    Examples
    --------
    >>> tile_grid(1000, 600, 254)
    (4, 3)
    """
    return math.ceil(width / tile_size), math.ceil(height / tile_size)


def tile_rect(width: int, height: int, col: int, row: int, *, tile_size: int, overlap: int) -> Rect:
    """The pixels of tile ``(col, row)`` in a level of size ``width x height``, overlap included.

    Examples
    --------
    >>> tile_rect(1000, 600, 0, 0, tile_size=254, overlap=1)
    Rect(x0=0, y0=0, x1=255, y1=255)
    >>> tile_rect(1000, 600, 3, 2, tile_size=254, overlap=1)
    Rect(x0=761, y0=507, x1=1000, y1=600)
    """
    x0 = max(0, col * tile_size - overlap)
    y0 = max(0, row * tile_size - overlap)
    x1 = min(width, (col + 1) * tile_size + overlap)
    y1 = min(height, (row + 1) * tile_size + overlap)
    return Rect(x0, y0, x1, y1)


def descriptor(width: int, height: int, *, tile_size: int = 254, overlap: int = 1, fmt: str = "webp") -> str:
    """The ``.dzi`` XML describing a pyramid.

    Examples
    --------
    >>> print(descriptor(1000, 600, fmt="png"))  # doctest: +NORMALIZE_WHITESPACE
    <?xml version="1.0" encoding="UTF-8"?>
    <Image xmlns="http://schemas.microsoft.com/deepzoom/2008" Format="png" Overlap="1" TileSize="254">
    <Size Width="1000" Height="600"/></Image>
    """
    _check_size(width, height)
    _check_tiling(tile_size, overlap, fmt)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f"<Image xmlns={quoteattr(DZI_NAMESPACE)} Format={quoteattr(fmt)} "
        f'Overlap="{overlap}" TileSize="{tile_size}">\n'
        f'<Size Width="{width}" Height="{height}"/></Image>'
    )


def halve(rgb: np.ndarray, alpha: np.ndarray | None) -> tuple[np.ndarray, np.ndarray | None]:
    """The next-smaller level: 2 x 2 box average, premultiplied by alpha when given.

    Parameters
    ----------
    rgb : (H, W, 3) uint8
    alpha : (H, W) uint8 or None

    Returns
    -------
    rgb : (ceil(H/2), ceil(W/2), 3) uint8
    alpha : (ceil(H/2), ceil(W/2)) uint8 or None
        Where the four source pixels are all transparent, the colour is their plain average.

    Examples
    --------
    >>> rgb = np.array([[[255, 0, 0], [0, 0, 255]]], np.uint8)   # red | blue, 1 x 2
    >>> alpha = np.array([[255, 0]], np.uint8)                    # blue is transparent
    >>> small_rgb, small_alpha = halve(rgb, alpha)
    >>> small_rgb.tolist(), small_alpha.tolist()
    ([[[255, 0, 0]]], [[128]])
    """
    _check_arrays(rgb, alpha, allow16=False)
    height, width = rgb.shape[:2]
    out_h, out_w = (height + 1) // 2, (width + 1) // 2
    out_rgb = np.empty((out_h, out_w, 3), np.uint8)
    out_alpha = None if alpha is None else np.empty((out_h, out_w), np.uint8)
    step = HALVE_STRIP_ROWS  # even, so strips never split a 2 x 2 block
    for top in range(0, height, step):
        bottom = min(height, top + step)
        rows = slice(top // 2, (bottom + 1) // 2)
        strip_alpha = None if alpha is None else alpha[top:bottom]
        strip_rgb, strip_a = _halve_strip(rgb[top:bottom], strip_alpha)
        out_rgb[rows] = strip_rgb
        if out_alpha is not None:
            out_alpha[rows] = strip_a
    return out_rgb, out_alpha


def levels(rgb: np.ndarray, alpha: np.ndarray | None) -> Iterator[tuple[int, np.ndarray, np.ndarray | None]]:
    """Yield ``(level, rgb, alpha)`` from the top (full resolution, the input itself) down to 0.

    16-bit input is reduced to its top 8 bits first. Only one level is held at a time.
    """
    _check_arrays(rgb, alpha, allow16=True)
    if rgb.dtype == np.uint16:
        rgb = (rgb >> 8).astype(np.uint8)
    height, width = rgb.shape[:2]
    level = level_count(width, height) - 1
    yield level, rgb, alpha
    while level > 0:
        rgb, alpha = halve(rgb, alpha)
        level -= 1
        yield level, rgb, alpha


def tile_arrays(
    rgb: np.ndarray, alpha: np.ndarray | None, *, tile_size: int = 254, overlap: int = 1
) -> Iterator[tuple[int, int, int, np.ndarray, np.ndarray | None]]:
    """Yield ``(level, col, row, tile_rgb, tile_alpha)`` for every tile, top level first.

    Tiles are views into the level arrays (read-only use); ``tile_alpha`` is None without alpha.
    """
    _check_tiling(tile_size, overlap, "png")
    for level, level_rgb, level_alpha in levels(rgb, alpha):
        height, width = level_rgb.shape[:2]
        cols, rows = tile_grid(width, height, tile_size)
        for row in range(rows):
            for col in range(cols):
                window = tile_rect(width, height, col, row, tile_size=tile_size, overlap=overlap).slices()
                tile_alpha = None if level_alpha is None else level_alpha[window]
                yield level, col, row, level_rgb[window], tile_alpha


def dzi(
    rgb: np.ndarray, alpha: np.ndarray | None, *, tile_size: int = 254, overlap: int = 1, fmt: str = "webp"
) -> tuple[str, Iterator[tuple[int, int, int, bytes]]]:
    """A DZI pyramid: the descriptor XML and a lazy iterator of encoded tiles.

    Parameters
    ----------
    rgb : (H, W, 3) uint8 or uint16
        The image (16-bit is shown as its top 8 bits).
    alpha : (H, W) uint8 or None
        Transparency to keep in the tiles (use a format with alpha: webp or png).
    tile_size, overlap : int
        DZI tiling; OpenSeadragon's defaults are 254 and 1.
    fmt : {"webp", "png", "jpeg"}

    Returns
    -------
    dzi_xml : str
        The ``.dzi`` descriptor; tiles go to ``<name>_files/<level>/<col>_<row>.<fmt>``.
    tiles : iterator of (level, col, row, bytes)
        Encoded lazily, one tile at a time, top level first.

    Raises
    ------
    CoreError
        Bad shapes or dtypes, a tile size outside 16..4096, an overlap outside 0..tile_size/2,
        an unknown format, or alpha with jpeg.

    Examples
    --------
    >>> xml, tiles = dzi(np.zeros((300, 500, 3), np.uint8), None, fmt="png")
    >>> [(level, col, row) for level, col, row, _ in tiles][:3]
    [(9, 0, 0), (9, 1, 0), (9, 0, 1)]
    """
    _check_arrays(rgb, alpha, allow16=True)
    if fmt == "jpeg" and alpha is not None:
        raise CoreError("jpeg tiles cannot keep alpha; use webp or png")
    height, width = rgb.shape[:2]
    xml = descriptor(width, height, tile_size=tile_size, overlap=overlap, fmt=fmt)
    return xml, _encoded_tiles(rgb, alpha, tile_size=tile_size, overlap=overlap, fmt=fmt)


def _encoded_tiles(
    rgb: np.ndarray, alpha: np.ndarray | None, *, tile_size: int, overlap: int, fmt: str
) -> Iterator[tuple[int, int, int, bytes]]:
    from core import codecs  # the only bytes <-> array module

    for level, col, row, tile_rgb, tile_alpha in tile_arrays(rgb, alpha, tile_size=tile_size, overlap=overlap):
        contiguous_alpha = None if tile_alpha is None else np.ascontiguousarray(tile_alpha)
        yield level, col, row, codecs.encode_tile(np.ascontiguousarray(tile_rgb), contiguous_alpha, fmt=fmt)


def _halve_strip(rgb: np.ndarray, alpha: np.ndarray | None) -> tuple[np.ndarray, np.ndarray | None]:
    """Halve a strip (an even number of rows, or the last strip), padding odd edges by copy.

    With exact factor 2, ``cv2.resize(INTER_AREA)`` is the 2 x 2 box average.
    """
    rgb = _pad_even(rgb)
    height, width = rgb.shape[:2]
    size = (width // 2, height // 2)
    if alpha is None:
        return cv2.resize(rgb, size, interpolation=cv2.INTER_AREA), None
    alpha = _pad_even(alpha)
    # Premultiplied colour fits uint16 exactly (255 * 255 = 65025); alpha is averaged as
    # alpha * 256 so the division below keeps 1/512 precision. Only the quarter-size results
    # go through float maths.
    premultiplied = np.multiply(rgb.astype(np.uint16), cv2.cvtColor(alpha, cv2.COLOR_GRAY2RGB), dtype=np.uint16)
    colour = cv2.resize(premultiplied, size, interpolation=cv2.INTER_AREA)
    alpha256 = cv2.resize(cv2.multiply(alpha, 256, dtype=cv2.CV_16U), size, interpolation=cv2.INTER_AREA)
    out_rgb = cv2.divide(colour, cv2.cvtColor(alpha256, cv2.COLOR_GRAY2RGB), scale=256, dtype=cv2.CV_8U)
    # Where all four pixels are transparent, keep their plain average colour.
    transparent = alpha256 == 0
    if transparent.any():
        plain = cv2.resize(rgb, size, interpolation=cv2.INTER_AREA).reshape(out_rgb.shape)
        np.copyto(out_rgb, plain, where=transparent[..., None])
    out_alpha = cv2.resize(alpha, size, interpolation=cv2.INTER_AREA)
    return out_rgb, out_alpha


def _pad_even(array: np.ndarray) -> np.ndarray:
    pad_rows = array.shape[0] % 2
    pad_cols = array.shape[1] % 2
    if not pad_rows and not pad_cols:
        return array
    return cv2.copyMakeBorder(array, 0, pad_rows, 0, pad_cols, cv2.BORDER_REPLICATE)


def _check_size(width: int, height: int) -> None:
    if width < 1 or height < 1:
        raise CoreError(f"image size must be at least 1 x 1, got {width} x {height}")


def _check_tiling(tile_size: int, overlap: int, fmt: str) -> None:
    if not MIN_TILE_SIZE <= tile_size <= MAX_TILE_SIZE:
        raise CoreError(f"tile_size must be between {MIN_TILE_SIZE} and {MAX_TILE_SIZE}, got {tile_size}")
    if not 0 <= overlap <= tile_size // 2:
        raise CoreError(f"overlap must be between 0 and {tile_size // 2}, got {overlap}")
    if fmt not in TILE_FORMATS:
        raise CoreError(f"fmt must be one of {', '.join(TILE_FORMATS)}, got {fmt!r}")


def _check_arrays(rgb: np.ndarray, alpha: np.ndarray | None, *, allow16: bool) -> None:
    dtypes = (np.uint8, np.uint16) if allow16 else (np.uint8,)
    if not isinstance(rgb, np.ndarray) or rgb.ndim != 3 or rgb.shape[2] != 3 or rgb.dtype not in dtypes:
        raise CoreError(
            f"rgb must be an (H, W, 3) {' or '.join(np.dtype(d).name for d in dtypes)} array, "
            f"got {getattr(rgb, 'shape', None)} {getattr(rgb, 'dtype', type(rgb).__name__)}"
        )
    _check_size(rgb.shape[1], rgb.shape[0])
    if alpha is None:
        return
    if not isinstance(alpha, np.ndarray) or alpha.dtype != np.uint8 or alpha.shape != rgb.shape[:2]:
        raise CoreError(
            f"alpha must be an (H, W) uint8 array matching rgb {rgb.shape[:2]}, "
            f"got {getattr(alpha, 'shape', None)} {getattr(alpha, 'dtype', type(alpha).__name__)}"
        )
