"""The RGBA PNG writer: Up filter, ISA-L deflate level 1, two threads.

Written by hand because it is the hot output path: libpng at its defaults takes about 8 s for a
24 MP RGBA image; this writer takes about 0.2 s (see perf-notes.md in the shared data folder).

How it is fast and still deterministic:

- every row uses filter type 2 (Up), a numpy row difference;
- RGB is set to 0 wherever alpha is 0 (invisible, and the zeros compress very well);
- the image is cut into fixed bands of rows (the cut depends only on the image width, never on
  thread timing); each band is filtered and compressed as an independent raw deflate stream
  ending in a sync flush (the last one finishes the stream), on two threads;
- the pieces are written in band order as consecutive IDAT chunks behind a zlib header, followed
  by the Adler-32 of the whole filtered stream (combined from the bands' checksums).

Use it through ``core.codecs.encode_png``.
"""

from __future__ import annotations

import struct
import zlib
from concurrent.futures import ThreadPoolExecutor

import cv2
import numpy as np
from isal import isal_zlib

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

# Uncompressed bytes per band. Small enough that a band's buffers stay in L2 and the two threads
# balance well; large enough that the per-band cost (a flush of ~5 bytes, a fresh 32 KiB window,
# a 12-byte IDAT header) is negligible. Changing it changes the output bytes (not the pixels).
BAND_BYTES = 1 << 20

# Threads that compress bands. The machines have 2 cores; a fixed number keeps behaviour simple.
ENCODER_THREADS = 2

# Name written in the iCCP chunk (the PNG spec requires one; readers ignore it).
ICC_PROFILE_NAME = b"ICC profile"

_ZLIB_HEADER = b"\x78\x01"  # deflate, 32 KiB window, "fastest" level flag; 0x7801 % 31 == 0
_ADLER_BASE = 65521


def encode_png(
    rgb: np.ndarray,
    alpha: np.ndarray,
    *,
    icc_profile: bytes | None = None,
    text: dict[str, str] | None = None,
    bit_depth: int = 8,
) -> bytes:
    """Encode an RGBA PNG, fast, with RGB zeroed where alpha is 0.

    Parameters
    ----------
    rgb : ndarray, shape (H, W, 3)
        uint8 for ``bit_depth=8``; uint16 for ``bit_depth=16``.
    alpha : ndarray, shape (H, W)
        uint8 (0..255). With ``bit_depth=16`` it may also be uint16 (0..65535); uint8 alpha is
        then scaled by 257 so that 255 stays fully opaque.
    icc_profile : bytes, optional
        ICC profile describing ``rgb``, written to an iCCP chunk.
    text : dict of str to str, optional
        Metadata written in the given key order, as tEXt chunks (Latin-1) or iTXt chunks (UTF-8)
        when a value is not Latin-1. Keys: 1-79 Latin-1 characters, no leading/trailing spaces.
    bit_depth : {8, 16}
        Bits per sample of the file.

    Returns
    -------
    bytes
        The PNG file. The same input always gives the same bytes.

    Raises
    ------
    ValueError
        Arrays of the wrong shape or dtype, an empty image, an invalid text key or value.

    Notes
    -----
    The inputs are not modified; the pixels are copied band by band while encoding.

    Examples
    --------
    >>> rgb = np.full((2, 3, 3), 200, np.uint8)
    >>> alpha = np.array([[0, 128, 255], [255, 255, 0]], np.uint8)
    >>> encode_png(rgb, alpha)[:8] == PNG_SIGNATURE
    True
    """
    _check_arrays(rgb, alpha, bit_depth)
    height, width = alpha.shape
    chunks = [_chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, bit_depth, 6, 0, 0, 0))]
    if icc_profile is not None:
        chunks.append(_chunk(b"iCCP", ICC_PROFILE_NAME + b"\0\0" + zlib.compress(bytes(icc_profile))))
    chunks.extend(_text_chunk(key, value) for key, value in (text or {}).items())
    chunks.extend(_idat_parts(rgb, alpha, bit_depth))
    chunks.append(_chunk(b"IEND", b""))
    return b"".join([PNG_SIGNATURE, *chunks])  # the compressed bands are copied once, here


def _check_arrays(rgb: np.ndarray, alpha: np.ndarray, bit_depth: int) -> None:
    if bit_depth not in (8, 16):
        raise ValueError(f"bit_depth must be 8 or 16, not {bit_depth!r}")
    rgb_dtype = np.uint8 if bit_depth == 8 else np.uint16
    if not isinstance(rgb, np.ndarray) or rgb.ndim != 3 or rgb.shape[2] != 3 or rgb.dtype != rgb_dtype:
        raise ValueError(f"rgb must be an (H, W, 3) {np.dtype(rgb_dtype).name} array for bit_depth={bit_depth}")
    alpha_dtypes = (np.uint8,) if bit_depth == 8 else (np.uint8, np.uint16)
    if not isinstance(alpha, np.ndarray) or alpha.shape != rgb.shape[:2] or alpha.dtype not in alpha_dtypes:
        names = " or ".join(np.dtype(d).name for d in alpha_dtypes)
        raise ValueError(f"alpha must be an (H, W) {names} array matching rgb {rgb.shape[:2]}")
    if alpha.size == 0:
        raise ValueError("cannot encode an empty image")
    if max(alpha.shape) >= 2**31:
        raise ValueError("PNG sides must be below 2**31")


def _chunk(kind: bytes, data: bytes, crc: int | None = None) -> bytes:
    """A PNG chunk: length, type, data, CRC-32 of type + data (``crc`` if already known)."""
    if crc is None:
        crc = zlib.crc32(data, zlib.crc32(kind))
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


def _text_chunk(key: str, value: str) -> bytes:
    try:
        keyword = key.encode("latin-1")
    except UnicodeEncodeError:
        raise ValueError(f"PNG text key {key!r} must be Latin-1") from None
    if not 1 <= len(keyword) <= 79 or key != key.strip() or "\0" in key or "  " in key:
        raise ValueError(f"PNG text key {key!r} must be 1-79 characters without leading, trailing or double spaces")
    if "\0" in value:
        raise ValueError(f"PNG text value for {key!r} must not contain NUL characters")
    try:
        return _chunk(b"tEXt", keyword + b"\0" + value.encode("latin-1"))
    except UnicodeEncodeError:
        # iTXt: keyword, compression flag 0, method 0, empty language tag, empty translated keyword.
        return _chunk(b"iTXt", keyword + b"\0\0\0\0\0" + value.encode("utf-8"))


def _idat_parts(rgb: np.ndarray, alpha: np.ndarray, bit_depth: int) -> list[bytes]:
    """The IDAT chunks, as pieces to join: (length + type, compressed band, CRC) per band."""
    height, width = alpha.shape
    stride = width * 4 * (bit_depth // 8)
    rows = max(1, BAND_BYTES // (stride + 1))
    bands = [(y, min(y + rows, height)) for y in range(0, height, rows)]

    def encode(band: tuple[int, int]) -> tuple[bytes, int, int, int]:
        y0, y1 = band
        return _encode_band(rgb, alpha, y0, y1, bit_depth, first=y0 == 0, last=y1 == height)

    if len(bands) == 1:
        pieces = [encode(bands[0])]
    else:
        with ThreadPoolExecutor(max_workers=ENCODER_THREADS, thread_name_prefix="png-encode") as pool:
            pieces = list(pool.map(encode, bands))

    adler = 1
    for _, _, band_adler, band_length in pieces:
        adler = _adler32_combine(adler, band_adler, band_length)
    trailer = struct.pack(">I", adler)  # zlib's checksum ends the last band's chunk
    parts = []
    for index, (data, crc, _, _) in enumerate(pieces):
        last = index == len(pieces) - 1
        length = len(data) + (len(trailer) if last else 0)
        parts += [struct.pack(">I", length), b"IDAT", data]
        if last:
            parts.append(trailer)
            crc = zlib.crc32(trailer, crc)
        parts.append(struct.pack(">I", crc))
    return parts


def _encode_band(
    rgb: np.ndarray, alpha: np.ndarray, y0: int, y1: int, bit_depth: int, *, first: bool, last: bool
) -> tuple[bytes, int, int, int]:
    """Filter and compress rows ``y0:y1``.

    Returns the compressed bytes (with the zlib header if ``first``), the CRC-32 of ``b"IDAT"`` +
    those bytes, and the Adler-32 and length of the filtered (uncompressed) band.
    """
    top = max(y0 - 1, 0)  # the Up filter needs the row above the band
    rgba = _rgba_rows(np.ascontiguousarray(rgb[top:y1]), np.ascontiguousarray(alpha[top:y1]), bit_depth)
    raw = rgba.reshape(y1 - top, -1).view(np.uint8)
    if y0 > 0:
        prior, raw = raw[:-1], raw[1:]
    filtered = np.empty((y1 - y0, raw.shape[1] + 1), np.uint8)
    filtered[:, 0] = 2  # filter type Up
    if y0 == 0:
        filtered[0, 1:] = raw[0]  # the row above the image counts as zeros
        np.subtract(raw[1:], raw[:-1], out=filtered[1:, 1:])
    else:
        np.subtract(raw, prior, out=filtered[:, 1:])

    compressor = isal_zlib.compressobj(1, isal_zlib.DEFLATED, -15)
    data = compressor.compress(filtered)
    data += compressor.flush(isal_zlib.Z_FINISH if last else isal_zlib.Z_SYNC_FLUSH)
    if first:
        data = _ZLIB_HEADER + data
    crc = isal_zlib.crc32(data, isal_zlib.crc32(b"IDAT"))
    return data, crc, isal_zlib.adler32(filtered), filtered.size


def _rgba_rows(rgb: np.ndarray, alpha: np.ndarray, bit_depth: int) -> np.ndarray:
    """Interleaved RGBA rows in file byte order, with all four samples 0 where alpha is 0."""
    rgba = cv2.cvtColor(rgb, cv2.COLOR_RGB2RGBA)  # uint8 or uint16, like rgb
    if alpha.dtype == rgba.dtype:
        rgba[..., 3] = alpha
    else:
        np.multiply(alpha, 257, out=rgba[..., 3], dtype=np.uint16)  # 8-bit alpha in a 16-bit file
    # One uint32/uint64 per pixel: zero whole pixels whose alpha is 0 in one pass.
    pixels = rgba.view(np.uint32 if bit_depth == 8 else np.uint64)[..., 0]
    pixels *= alpha != 0
    if bit_depth == 16:
        rgba.byteswap(inplace=True)  # PNG stores 16-bit samples big-endian
    return rgba


def _adler32_combine(adler1: int, adler2: int, length2: int) -> int:
    """Adler-32 of ``a + b`` from ``adler32(a)``, ``adler32(b)`` and ``len(b)`` (zlib's algorithm)."""
    rem = length2 % _ADLER_BASE
    sum1 = adler1 & 0xFFFF
    sum2 = (rem * sum1) % _ADLER_BASE
    sum1 = (sum1 + (adler2 & 0xFFFF) + _ADLER_BASE - 1) % _ADLER_BASE
    sum2 = (sum2 + (adler1 >> 16) + (adler2 >> 16) + _ADLER_BASE - rem) % _ADLER_BASE
    return sum1 | (sum2 << 16)
