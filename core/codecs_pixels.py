"""Stored pixels of a header-parsed file, by libjpeg-turbo, OpenCV or Pillow, and uprighting.

Every decoder here hands back the pixels in their stored orientation (undoing the readers that
apply EXIF orientation themselves); :func:`_upright` then applies it once. Shared by the
decoding of originals (:mod:`core.codecs`) and of AI results (:mod:`core.codecs_mask`).
"""

from __future__ import annotations

import contextlib
import math

import cv2
import numpy as np
import simplejpeg
from PIL import Image

from core.codecs_header import Header, decode_failure

_PNG_IEND = b"\x00\x00\x00\x00IEND\xaeB`\x82"
_INVERSE_ORIENTATION = {2: 2, 3: 3, 4: 4, 5: 5, 6: 8, 7: 7, 8: 6}
_PIL_TRANSPOSE = {  # EXIF orientation -> the Pillow operation that makes it upright
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}


def _decode_jpeg(data: bytes, header: Header, reduce: int = 1, colorspace: str = "RGB") -> np.ndarray:
    """8-bit colour or grey JPEG to RGB (or to its luma) with libjpeg-turbo; DCT scaling to reduce."""
    width, height = header.stored_size
    options = dict(colorspace=colorspace, min_width=math.ceil(width / reduce), min_height=math.ceil(height / reduce))
    try:
        return simplejpeg.decode_jpeg(data, strict=True, **options)
    except ValueError as exc:
        message = str(exc)
        if "extraneous bytes" in message:  # a common, harmless encoder quirk: decode anyway
            with contextlib.suppress(ValueError):
                return simplejpeg.decode_jpeg(data, strict=False, **options)
        raise decode_failure("JPEG", exc) from None


def _imdecode(data: bytes, header: Header, flags: int) -> np.ndarray | None:
    """OpenCV's decoding in the stored orientation, or None where we leave the file to Pillow."""
    if not _opencv_can_read(data, header):
        return None
    try:
        pixels = cv2.imdecode(np.frombuffer(data, np.uint8), flags)
    except cv2.error:
        return None
    orientation = header.info.orientation
    if pixels is not None and header.info.format == "TIFF" and orientation != 1:
        # OpenCV's TIFF reader applies the Orientation tag itself whatever the flags; undo it so
        # that every decoder hands back stored pixels (tests cover all 8 values).
        pixels = _upright(pixels, _INVERSE_ORIENTATION[orientation])
    if pixels is None or pixels.shape[:2] != header.stored_size[::-1]:
        return None
    return pixels


def _opencv_can_read(data: bytes, header: Header) -> bool:
    """Whether to try OpenCV: not for files it would reject noisily or read differently than Pillow."""
    info = header.info
    if info.format == "PNG":
        return data.endswith(_PNG_IEND)  # else Pillow reads what there is, or names the problem
    if info.format == "TIFF":
        return info.mode in ("RGB", "RGBA", "L", "LA") or info.mode.startswith("I;16")
    return info.format == "WEBP"


def _load(header: Header) -> Image.Image:
    """Decode the pixels of a header-parsed Pillow image, mapping failures to ImageDecodeError."""
    image = header.image
    try:
        image.load()
    except MemoryError:
        raise
    except Exception as exc:  # any decoder failure means unreadable input
        raise decode_failure(header.info.format, exc) from exc
    orientation = header.info.orientation
    if header.info.format == "TIFF" and orientation != 1 and 0x0112 not in image.tag_v2:
        # Pillow >= 13 rotates TIFFs upright while loading (and drops the tag); undo it so that
        # every decoder hands back stored pixels.
        image = image.transpose(_PIL_TRANSPOSE[_INVERSE_ORIENTATION[orientation]])
    return image


def _owned(pixels: np.ndarray) -> np.ndarray:
    """A C-contiguous, writable array (Pillow's arrays are read-only views), copied only if needed."""
    if pixels.flags.c_contiguous and pixels.flags.writeable:
        return pixels
    return np.array(pixels, order="C")


def _upright(pixels: np.ndarray, orientation: int) -> np.ndarray:
    """Apply EXIF orientation 1..8 to an (H, W) or (H, W, C) array."""
    if orientation == 2:
        return cv2.flip(pixels, 1)
    if orientation == 3:
        return cv2.rotate(pixels, cv2.ROTATE_180)
    if orientation == 4:
        return cv2.flip(pixels, 0)
    if orientation == 5:
        return cv2.transpose(pixels)
    if orientation == 6:
        return cv2.rotate(pixels, cv2.ROTATE_90_CLOCKWISE)
    if orientation == 7:
        return cv2.flip(cv2.transpose(pixels), -1)
    if orientation == 8:
        return cv2.rotate(pixels, cv2.ROTATE_90_COUNTERCLOCKWISE)
    return pixels
