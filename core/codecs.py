"""Bytes <-> arrays: the only place in ``core`` that decodes or encodes image files.

This is also the only place that converts between RGB (our convention) and OpenCV's BGR, and
the only module family of ``core`` that touches files (:func:`read_bytes`, :func:`write_bytes_atomic`).

Decoding always reads the header first (:func:`probe`), so an image over ``core.limits.MAX_PIXELS``
is refused before any pixel buffer is allocated. Results are upright: EXIF orientation is applied.
Failures are :class:`~core.errors.ImageDecodeError` with a message for a person, never a library
traceback. Pillow's globals (``MAX_IMAGE_PIXELS``, ``LOAD_TRUNCATED_IMAGES``) are neither read nor set.

The PNG writer lives in ``core.codecs_png``, previews and tiles in ``core.codecs_preview``,
header parsing in ``core.codecs_header``, file reads and writes in ``core.codecs_files``; their
public functions are re-exported here.

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
import simplejpeg
from PIL import Image, ImageCms

from core.codecs_files import read_bytes, write_bytes_atomic
from core.codecs_header import Header, ImageInfo, decode_failure, describe, probe, read_header
from core.codecs_png import encode_png
from core.codecs_preview import encode_preview, encode_tile, resize_rgba, to_uint8
from core.errors import SizeMismatchError

__all__ = [
    "DecodedImage",
    "ImageInfo",
    "decode_ai_result",
    "decode_inputs",
    "decode_original",
    "describe",
    "encode_png",
    "encode_preview",
    "encode_tile",
    "probe",
    "read_bytes",
    "resize_rgba",
    "srgb_profile",
    "write_bytes_atomic",
]

REDUCE_FACTORS = (1, 2, 4, 8)  # the JPEG DCT can scale by these for free
_OPENCV_COLOR = cv2.IMREAD_COLOR | cv2.IMREAD_ANYDEPTH | cv2.IMREAD_IGNORE_ORIENTATION
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


def decode_ai_result(data: bytes, *, size: tuple[int, int]) -> np.ndarray:
    """Decode the background remover's output to an upright alpha matte.

    Accepts an RGBA or LA cutout (its alpha is used), a greyscale mask (8 or 16 bits; 16-bit
    values are divided by 257 with rounding), an RGB mask (its luminance, or the first channel
    when all three are equal) or a palette image (its transparency if any, else its luminance).

    Parameters
    ----------
    data : bytes
        The whole file (PNG usually; JPEG, TIFF and WebP are read too).
    size : (int, int)
        ``(width, height)`` of the upright original; the mask must match it exactly.

    Returns
    -------
    alpha : ndarray, shape (height, width), uint8
        0 is background, 255 is the object.

    Raises
    ------
    SizeMismatchError
        The mask's upright size differs from ``size`` (the message gives both).
    ImageDecodeError, ImageTooLargeError
        As for :func:`decode_original`.

    Examples
    --------
    >>> import io; from PIL import Image
    >>> buf = io.BytesIO(); Image.new("L", (3, 2), 255).save(buf, "PNG")
    >>> decode_ai_result(buf.getvalue(), size=(3, 2)).tolist()
    [[255, 255, 255], [255, 255, 255]]
    """
    header = read_header(data)
    info = header.info
    width, height = (int(v) for v in size)
    if (info.width, info.height) != (width, height):
        raise SizeMismatchError(
            f"AI mask is {info.width}x{info.height} but the original is {width}x{height} (upright)"
        )
    # A real alpha channel, or a palette's transparent entries, is the cutout's mask. A colour key
    # on a grey or RGB image (tRNS) is not: there the grey levels are the mask.
    use_alpha = info.mode in ("RGBA", "LA", "PA") or (info.mode == "P" and info.has_alpha)
    pixels = _decode_unchanged(data, header, use_alpha=use_alpha)
    if pixels is None:
        alpha = _alpha_with_pillow(header, use_alpha=use_alpha)
    else:
        alpha = _alpha_from_pixels(pixels, use_alpha=use_alpha)
    return _owned(_upright(to_uint8(alpha), info.orientation))


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


def _decode_unchanged(data: bytes, header: Header, *, use_alpha: bool) -> np.ndarray | None:
    """Pixels as stored (grey, BGR or BGRA; uint8 or uint16) via OpenCV or libjpeg; None if neither can."""
    info = header.info
    if info.format == "JPEG":
        if info.mode not in ("RGB", "L"):
            return None
        return _decode_jpeg(data, header, colorspace="GRAY")[..., 0]  # a JPEG mask: its luma
    pixels = _imdecode(data, header, cv2.IMREAD_UNCHANGED)
    if pixels is not None:
        channels = 1 if pixels.ndim == 2 else pixels.shape[2]
        if channels in (1, 3, 4) and (channels == 4 or not use_alpha):
            return pixels
    return None


def _alpha_from_pixels(pixels: np.ndarray, *, use_alpha: bool) -> np.ndarray:
    """The mask in grey / BGR / BGRA pixels: the alpha channel, the grey, or the luminance."""
    if use_alpha:
        return pixels[..., 3]
    if pixels.ndim == 2:
        return pixels
    blue, green, red = pixels[..., 0], pixels[..., 1], pixels[..., 2]
    if np.array_equal(blue, green) and np.array_equal(blue, red):
        return blue
    return cv2.cvtColor(pixels, cv2.COLOR_BGRA2GRAY if pixels.shape[2] == 4 else cv2.COLOR_BGR2GRAY)


def _alpha_with_pillow(header: Header, *, use_alpha: bool) -> np.ndarray:
    image = _load(header)
    if use_alpha:
        return np.asarray(image.convert("RGBA"))[..., 3]
    if image.mode.startswith("I;16"):
        return np.asarray(image).astype(np.uint16)
    return np.asarray(image.convert("L"))


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
