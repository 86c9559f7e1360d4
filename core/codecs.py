"""Bytes <-> arrays: the only place in ``core`` that decodes or encodes image files.

This is also the only place that converts between RGB (our convention) and OpenCV's BGR, and
the only module family of ``core`` that touches files (:func:`read_bytes`, :func:`write_bytes_atomic`).

Decoding always reads the header first (:func:`probe`), so an image over ``core.limits.MAX_PIXELS``
is refused before any pixel buffer is allocated. Results are upright: EXIF orientation is applied.
Failures are :class:`~core.errors.ImageDecodeError` with a message for a person, never a library
traceback. Pillow's globals (``MAX_IMAGE_PIXELS``, ``LOAD_TRUNCATED_IMAGES``) are neither read nor set.

The PNG writer lives in ``core.codecs_png``, previews and tiles in ``core.codecs_preview``,
header parsing in ``core.codecs_header``, file reads and writes in ``core.codecs_files``, the AI
result's decoding in ``core.codecs_mask`` and the decoders of stored pixels (libjpeg-turbo,
OpenCV, Pillow) in ``core.codecs_pixels``; their public functions are re-exported here.

Examples
--------
>>> import numpy as np
>>> rgb = np.zeros((4, 6, 3), np.uint8); alpha = np.full((4, 6), 255, np.uint8)
>>> decode_ai_result(encode_png(rgb, alpha), size=(6, 4)).shape
(4, 6)
"""

from __future__ import annotations

import contextlib
import functools
import io
import math
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import cv2
import numpy as np
from PIL import ImageCms

from core.codecs_files import read_bytes, write_bytes_atomic
from core.codecs_header import Header, ImageInfo, check_complete, describe, probe, read_header
from core.codecs_mask import decode_ai_result, mask_size_mismatch
from core.codecs_pixels import _decode_jpeg, _imdecode, _load, _owned, _upright
from core.codecs_png import encode_png
from core.codecs_preview import encode_preview, encode_tile, resize_rgba, thumbnail_of

__all__ = [
    "DecodedImage",
    "check_complete",
    "ImageInfo",
    "decode_ai_result",
    "decode_inputs",
    "decode_original",
    "describe",
    "encode_png",
    "encode_preview",
    "encode_tile",
    "mask_size_mismatch",
    "probe",
    "read_bytes",
    "resize_rgba",
    "srgb_profile",
    "thumbnail_of",
    "write_bytes_atomic",
]

REDUCE_FACTORS = (1, 2, 4, 8)  # the JPEG DCT can scale by these for free
_OPENCV_COLOR = cv2.IMREAD_COLOR | cv2.IMREAD_ANYDEPTH | cv2.IMREAD_IGNORE_ORIENTATION


@dataclass(frozen=True, eq=False)  # eq on arrays is ambiguous: compare fields explicitly
class DecodedImage:
    """An original photo decoded upright.

    Attributes
    ----------
    rgb : ndarray, shape (H, W, 3), uint8 (uint16 when ``bit_depth == 16``)
        Upright pixels. With ``reduce > 1`` this is the reduced copy.
    icc_profile : bytes or None
        The profile describing ``rgb``; None means sRGB (or unknown, treated as sRGB).
    bit_depth : int
        8 or 16, matching ``rgb.dtype``.
    info : ImageInfo
        The original file's header (full-size dimensions).
    """

    rgb: np.ndarray
    icc_profile: bytes | None
    bit_depth: int
    info: ImageInfo


def decode_original(data: bytes, *, reduce: int = 1) -> DecodedImage:
    """Decode a product photo to upright RGB, 8 or 16 bits per sample.

    Reads JPEG, PNG, TIFF and WebP; RGB, RGBA (alpha dropped: we keep the photo's own pixels),
    greyscale (replicated to 3 channels), palette and CMYK (converted to sRGB through the embedded
    ICC profile, or naively without one). 8-bit colour JPEGs, the common case, take a fast path.

    Parameters
    ----------
    data : bytes
        The whole file.
    reduce : {1, 2, 4, 8}
        Decode a copy ``reduce`` times smaller in each direction (size rounded up), for previews.
        JPEGs are scaled in the DCT (much cheaper); other formats are area-averaged after decoding.

    Returns
    -------
    DecodedImage

    Raises
    ------
    ImageDecodeError
        Not an image, unsupported, truncated or corrupt (the message says which).
    ImageTooLargeError
        Over ``MAX_PIXELS`` or ``MAX_SIDE``; raised from the header, before decoding.
    ValueError
        ``reduce`` not in (1, 2, 4, 8).

    Notes
    -----
    ``icc_profile`` of the result: the file's own profile when it describes RGB; None without
    one (read as sRGB). CMYK, and 8-bit greyscale with a grey profile, are converted to sRGB and
    carry :func:`srgb_profile`. Other profiles (a CMYK profile in an RGB file, a grey profile on
    16-bit greyscale, an unreadable one) are dropped.

    Examples
    --------
    >>> import io; from PIL import Image
    >>> buf = io.BytesIO(); Image.new("RGB", (40, 30), (200, 10, 10)).save(buf, "PNG")
    >>> image = decode_original(buf.getvalue(), reduce=4)
    >>> image.rgb.shape, image.rgb[0, 0].tolist()
    ((8, 10, 3), [200, 10, 10])
    """
    if reduce not in REDUCE_FACTORS:
        raise ValueError(f"reduce must be one of {REDUCE_FACTORS}, not {reduce!r}")
    header = read_header(data)
    info = header.info
    if info.mode == "CMYK" or _needs_colour_management(header):
        rgb, icc = _decode_with_colour_management(header, reduce)
    else:
        rgb = _decode_jpeg(data, header, reduce) if info.format == "JPEG" else _decode_rgb(data, header)
        # A profile for another colour space (a CMYK profile in an RGB file happens) does not
        # describe rgb, and an unreadable one describes nothing: both mean "assume sRGB".
        icc = header.icc_profile if header.icc_color_space == "RGB" else None
    rgb = _upright(rgb, info.orientation)
    target = (math.ceil(info.width / reduce), math.ceil(info.height / reduce))
    if (rgb.shape[1], rgb.shape[0]) != target:
        rgb = cv2.resize(rgb, target, interpolation=cv2.INTER_AREA)
    bit_depth = 16 if rgb.dtype == np.uint16 else 8
    return DecodedImage(rgb=_owned(rgb), icc_profile=icc, bit_depth=bit_depth, info=info)

def decode_inputs(original: bytes, ai_result: bytes | None) -> tuple[DecodedImage, np.ndarray | None]:
    """Decode a render's two inputs at once: :func:`decode_original` and :func:`decode_ai_result`.

    The AI result is decoded on a second thread while this one decodes the original (both
    decoders release the GIL): on a 24 MP JPEG and an OpenCV-written mask PNG this takes the
    longer of the two, about 0.1 s, instead of their sum. Errors are those of the two functions,
    the original's first; each file's size is checked from its header before its pixels are decoded.

    Parameters
    ----------
    original : bytes
        The photo file.
    ai_result : bytes or None
        The remover's cutout or mask file; None when there is none (``base: "auto"``).

    Returns
    -------
    (DecodedImage, ndarray of shape (H, W), uint8, or None)

    Examples
    --------
    >>> import io; from PIL import Image
    >>> photo, mask = io.BytesIO(), io.BytesIO()
    >>> Image.new("RGB", (6, 4)).save(photo, "PNG"); Image.new("L", (6, 4), 255).save(mask, "PNG")
    >>> image, alpha = decode_inputs(photo.getvalue(), mask.getvalue())
    >>> image.rgb.shape, alpha.shape
    ((4, 6, 3), (4, 6))
    """
    if ai_result is None:
        return decode_original(original), None
    info = probe(original)  # the upright size, from the header
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="decode-mask") as pool:
        alpha = pool.submit(decode_ai_result, ai_result, size=(info.width, info.height))
        image = decode_original(original)
        return image, alpha.result()


@functools.cache
def srgb_profile() -> bytes:
    """A serialized sRGB ICC profile (LittleCMS's built-in), identical in every process.

    Examples
    --------
    >>> srgb_profile()[36:40]
    b'acsp'
    """
    profile = bytearray(ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes())
    # The header's creation time (bytes 24-35, six uint16) would make outputs differ between runs.
    profile[24:36] = bytes.fromhex("07d0 0001 0001 0000 0000 0000")  # 2000-01-01 00:00:00
    return bytes(profile)


# -- decoding steps ---------------------------------------------------------------------------


def _decode_rgb(data: bytes, header: Header) -> np.ndarray:
    """Any non-CMYK PNG/TIFF/WebP to RGB (uint8 or uint16): OpenCV, or Pillow if OpenCV cannot."""
    bgr = _imdecode(data, header, _OPENCV_COLOR)
    if bgr is not None and bgr.ndim == 3 and bgr.shape[2] == 3:
        return cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
    image = _load(header)
    if image.mode in ("I;16", "I;16L", "I;16B", "I;16N"):
        grey = np.asarray(image).astype(np.uint16)
        return cv2.cvtColor(grey, cv2.COLOR_GRAY2RGB)
    return np.asarray(image.convert("RGB"))


def _needs_colour_management(header: Header) -> bool:
    """8-bit greyscale with a grey ICC profile: convert to sRGB so a colour profile describes rgb."""
    return header.info.mode in ("L", "1") and header.icc_color_space == "GRAY"


def _decode_with_colour_management(header: Header, reduce: int) -> tuple[np.ndarray, bytes]:
    """CMYK (or profiled grey) through the embedded ICC profile to sRGB; naive without a profile."""
    image = header.image
    width, height = header.stored_size
    if reduce > 1 and header.info.format == "JPEG":
        image.draft(image.mode, (math.ceil(width / reduce), math.ceil(height / reduce)))
    image = _load(header)
    converted = None
    if header.icc_profile and header.icc_color_space in ("CMYK", "GRAY"):
        with contextlib.suppress(ImageCms.PyCMSError, OSError, ValueError):
            source = ImageCms.ImageCmsProfile(io.BytesIO(header.icc_profile))
            target = ImageCms.ImageCmsProfile(io.BytesIO(srgb_profile()))
            converted = ImageCms.profileToProfile(
                image.convert("L") if image.mode == "1" else image,
                source,
                target,
                renderingIntent=ImageCms.Intent.RELATIVE_COLORIMETRIC,
                outputMode="RGB",
                flags=ImageCms.Flags.BLACKPOINTCOMPENSATION,  # what Photoshop's "Convert to Profile" does
            )
    if converted is None:
        converted = image.convert("RGB")
    return np.asarray(converted), srgb_profile()
