"""The background remover's output (a cutout or a mask file) decoded to an upright alpha matte."""

from __future__ import annotations

import cv2
import numpy as np

from core.codecs_header import Header, ImageInfo, read_header
from core.codecs_pixels import _decode_jpeg, _imdecode, _load, _owned, _upright
from core.codecs_preview import to_uint8
from core.errors import SizeMismatchError


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


def mask_size_mismatch(mask: ImageInfo, original: ImageInfo) -> str | None:
    """Why an AI mask does not fit its original, for a person; None when their upright sizes match.

    An original whose EXIF orientation turns it a quarter (5..8) is shown, decoded and compared
    upright; a mask saved at the original's stored (unturned) size is the usual cause, so the
    message says so and the size the mask needs.

    Parameters
    ----------
    mask, original : ImageInfo
        Their headers (:func:`core.codecs.probe`).

    Returns
    -------
    str or None

    Examples
    --------
    >>> import dataclasses
    >>> photo = dataclasses.replace(ImageInfo.of_array(np.zeros((16, 10, 3), np.uint8)), orientation=6)
    >>> mask_size_mismatch(ImageInfo.of_array(np.zeros((10, 16), np.uint8)), photo)  # doctest: +NORMALIZE_WHITESPACE
    "AI mask is 16x10 but the original is 10x16: the original's EXIF orientation was applied (it is
    shown upright), and the mask has its unrotated size; save the mask upright, at 10x16"
    >>> mask_size_mismatch(ImageInfo.of_array(np.zeros((16, 10), np.uint8)), photo) is None
    True
    """
    if (mask.width, mask.height) == (original.width, original.height):
        return None
    said = f"AI mask is {mask.width}x{mask.height} but the original is {original.width}x{original.height}"
    if original.orientation >= 5 and (mask.width, mask.height) == (original.height, original.width):
        said += (
            ": the original's EXIF orientation was applied (it is shown upright), and the mask has its "
            f"unrotated size; save the mask upright, at {original.width}x{original.height}"
        )
    return said


# -- decoding steps ---------------------------------------------------------------------------


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
