"""Reading image headers: format sniffing, the size check, orientation, bit depth, ICC profile.

Nothing here decodes pixels. Pillow parses the header through its format plugin classes directly
(not ``Image.open``), so its global decompression-bomb check and warnings never run: the size is
checked here, against ``core.limits``, and no Pillow global is read or set.

Use it through ``core.codecs`` (``probe``, ``describe``, ``ImageInfo``).
"""

from __future__ import annotations

import io
import struct
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageCms, JpegImagePlugin, PngImagePlugin, TiffImagePlugin, WebPImagePlugin

from core.errors import ImageDecodeError, ImageTooLargeError
from core.limits import MAX_PIXELS, MAX_SIDE

_SUPPORTED = "(supported: JPEG, PNG, TIFF, WebP)"

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_PLUGINS = {
    "JPEG": JpegImagePlugin.JpegImageFile,
    "PNG": PngImagePlugin.PngImageFile,
    "TIFF": TiffImagePlugin.TiffImageFile,
    "WEBP": WebPImagePlugin.WebPImageFile,
}
# Formats we recognise only to name them in the error message.
_UNSUPPORTED_SIGNATURES = (
    (b"GIF87a", "GIF"),
    (b"GIF89a", "GIF"),
    (b"II+\x00", "BigTIFF"),
    (b"MM\x00+", "BigTIFF"),
    (b"8BPS", "Photoshop PSD"),
    (b"%PDF", "PDF"),
    (b"\xff\x0a", "JPEG XL"),
    (b"\x00\x00\x00\x0cJXL \r\n\x87\n", "JPEG XL"),
    (b"\x00\x00\x00\x0cjP  \r\n\x87\n", "JPEG 2000"),
    (b"\xff\x4f\xff\x51", "JPEG 2000"),
    (b"\x00\x00\x01\x00", "ICO"),
)
_HEIF_BRANDS = {b"heic": "HEIC", b"heix": "HEIC", b"mif1": "HEIF", b"msf1": "HEIF", b"avif": "AVIF", b"avis": "AVIF"}
_ALPHA_MODES = {"RGBA", "RGBa", "LA", "La", "PA"}
_DECODABLE_MODES = {"1", "L", "LA", "P", "PA", "RGB", "RGBA", "RGBX", "CMYK", "YCbCr"}
_SIXTEEN_BIT_MODES = {"I;16", "I;16L", "I;16B", "I;16N"}


@dataclass(frozen=True)
class ImageInfo:
    """What an image header says, with the size as displayed (after EXIF orientation).

    Attributes
    ----------
    width, height : int
        Upright size in pixels: swapped from the stored size when ``orientation`` is 5..8.
    orientation : int
        EXIF orientation 1..8 (1 when absent or invalid).
    format : str
        'JPEG', 'PNG', 'TIFF' or 'WEBP'; 'ARRAY' for :meth:`of_array`.
    mode : str
        Pillow's mode for the stored pixels ('RGB', 'RGBA', 'L', 'I;16', 'P', 'CMYK', ...).
        Note that Pillow names a 16-bit RGB PNG or TIFF 'RGB'; ``bit_depth`` tells them apart.
    bit_depth : int
        8 or 16 bits per sample (1, 2 and 4-bit images count as 8).
    channels : int
        Stored samples per pixel (palette images: 1; with an alpha channel: +1).
    icc_description : str or None
        Description of the embedded ICC profile, None without one.
    has_alpha : bool
        Whether the image carries transparency (an alpha channel or a transparent colour).
    """

    width: int
    height: int
    orientation: int
    format: str
    mode: str
    bit_depth: int
    channels: int
    icc_description: str | None
    has_alpha: bool

    @classmethod
    def of_array(cls, pixels: np.ndarray) -> "ImageInfo":
        """Info for an upright in-memory image (no file): tests, benchmarks, derived images.

        Parameters
        ----------
        pixels : ndarray, shape (H, W), (H, W, 3) or (H, W, 4), uint8 or uint16

        Raises
        ------
        ValueError
            Another shape or dtype.

        Examples
        --------
        >>> info = ImageInfo.of_array(np.zeros((20, 30, 3), np.uint16))
        >>> (info.width, info.height, info.mode, info.bit_depth, info.format)
        (30, 20, 'RGB', 16, 'ARRAY')
        """
        channels = 1 if pixels.ndim == 2 else (pixels.shape[2] if pixels.ndim == 3 else 0)
        if channels not in (1, 3, 4) or pixels.dtype not in (np.uint8, np.uint16):
            raise ValueError("pixels must be an (H, W), (H, W, 3) or (H, W, 4) uint8 or uint16 array")
        sixteen = pixels.dtype == np.uint16
        mode = {1: "I;16" if sixteen else "L", 3: "RGB", 4: "RGBA"}[channels]
        return cls(
            width=int(pixels.shape[1]),
            height=int(pixels.shape[0]),
            orientation=1,
            format="ARRAY",
            mode=mode,
            bit_depth=16 if sixteen else 8,
            channels=channels,
            icc_description=None,
            has_alpha=channels == 4,
        )


@dataclass(frozen=True)
class Header:
    """A parsed header: the public ``info`` plus what decoding needs."""

    info: ImageInfo
    image: Image.Image  # Pillow image with the header parsed and the pixels not yet loaded
    stored_size: tuple[int, int]  # (width, height) before orientation
    icc_profile: bytes | None
    icc_color_space: str | None  # 'RGB', 'GRAY', 'CMYK', ... as the profile declares


def probe(data: bytes) -> ImageInfo:
    """Read an image's header (no pixel decoding) and check its size against the limits.

    Parameters
    ----------
    data : bytes
        A whole JPEG, PNG, TIFF or WebP file.

    Returns
    -------
    ImageInfo
        Upright size, orientation, format, mode, bit depth, channels, ICC description, alpha.

    Raises
    ------
    ImageDecodeError
        Not an image, an unsupported format or pixel layout, or a truncated/corrupt header.
    ImageTooLargeError
        More than ``MAX_PIXELS`` pixels or a side longer than ``MAX_SIDE``.

    Examples
    --------
    >>> import io; from PIL import Image
    >>> buf = io.BytesIO(); Image.new("RGB", (30, 20)).save(buf, "PNG")
    >>> info = probe(buf.getvalue())
    >>> (info.format, info.width, info.height, info.mode, info.bit_depth)
    ('PNG', 30, 20, 'RGB', 8)
    """
    return read_header(data).info


def describe(data: bytes) -> dict:
    """JSON-able facts about an image file, for ``python -m core info FILE``.

    Parameters
    ----------
    data : bytes
        The whole file.

    Returns
    -------
    dict
        ``format``, ``width``, ``height`` (upright), ``orientation``, ``mode``, ``bit_depth``,
        ``channels``, ``has_alpha``, ``icc_description`` (str or None).

    Raises
    ------
    ImageDecodeError, ImageTooLargeError
        As for :func:`probe`.

    Examples
    --------
    >>> import io; from PIL import Image
    >>> buf = io.BytesIO(); Image.new("L", (3, 2)).save(buf, "PNG")
    >>> describe(buf.getvalue())["mode"]
    'L'
    """
    info = probe(data)
    return {
        "format": info.format,
        "width": info.width,
        "height": info.height,
        "orientation": info.orientation,
        "mode": info.mode,
        "bit_depth": info.bit_depth,
        "channels": info.channels,
        "has_alpha": info.has_alpha,
        "icc_description": info.icc_description,
    }


def read_header(data: bytes) -> Header:
    """Like :func:`probe`, but also return the open Pillow image and the ICC profile bytes."""
    data = bytes(data) if not isinstance(data, bytes) else data
    fmt = sniff_format(data)
    if fmt == "PNG":
        _check_png_ihdr(data)  # before Pillow reads further: a bomb needs no more than its IHDR
    image = _open_header(data, fmt)
    width, height = _stored_size(image, fmt)
    check_size(width, height)
    orientation = _orientation(image, fmt)
    icc_profile = image.info.get("icc_profile") or None
    icc_description, icc_color_space = _describe_icc(icc_profile)
    mode = image.mode
    info = ImageInfo(
        width=height if orientation >= 5 else width,
        height=width if orientation >= 5 else height,
        orientation=orientation,
        format=fmt,
        mode=mode,
        bit_depth=_bit_depth(data, image, fmt),
        channels=len(image.getbands()),
        icc_description=icc_description,
        has_alpha=mode in _ALPHA_MODES or "transparency" in image.info,
    )
    return Header(info, image, (width, height), icc_profile, icc_color_space)


def sniff_format(data: bytes) -> str:
    """The format named by the file's first bytes, or ImageDecodeError saying what it is instead."""
    if data[:3] == b"\xff\xd8\xff":
        return "JPEG"
    if data[:8] == _PNG_SIGNATURE:
        return "PNG"
    if data[:4] in (b"II*\x00", b"MM\x00*"):
        return "TIFF"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    for signature, fmt in ((_PNG_SIGNATURE, "PNG"), (b"\xff\xd8\xff", "JPEG")):
        if data and len(data) < len(signature) and signature.startswith(data):
            raise ImageDecodeError(f"truncated {fmt} header: the file is only {len(data)} bytes long")
    name = None
    for signature, candidate in _UNSUPPORTED_SIGNATURES:
        if data.startswith(signature):
            name = candidate
    if data[4:8] == b"ftyp" and data[8:12] in _HEIF_BRANDS:
        name = _HEIF_BRANDS[data[8:12]]
    elif data[:2] == b"BM" and len(data) >= 26 and data[6:10] == bytes(4):  # reserved bytes are 0
        name = "BMP"
    if name:
        raise ImageDecodeError(f"unsupported image format {name} {_SUPPORTED}")
    raise ImageDecodeError(_not_an_image(data))


def check_complete(data: bytes) -> None:
    """Refuse a file whose end is missing, without decoding it (its header may be whole).

    A JPEG's segments are walked from its start: each marker segment by its length, each scan's
    entropy-coded data to the next marker (``FF`` followed by neither ``00`` nor a restart
    marker), until the end-of-image marker; data after it (a camera's appended video, a
    multi-picture file's next image) is not looked at. A PNG's chunks are walked to ``IEND``. A
    WebP must be as long as its RIFF header says. TIFF is not checked here.

    Raises
    ------
    ImageDecodeError
        ``truncated JPEG: the file ends early (no end-of-image marker)`` and the like.

    Examples
    --------
    >>> import io; from PIL import Image
    >>> buf = io.BytesIO(); Image.new("RGB", (64, 48), "gold").save(buf, "JPEG"); jpeg = buf.getvalue()
    >>> check_complete(jpeg); check_complete(jpeg + bytes(range(256)) * 40)  # data after the end is fine
    >>> check_complete(jpeg[: len(jpeg) // 2])
    Traceback (most recent call last):
    core.errors.ImageDecodeError: truncated JPEG: the file ends early (no end-of-image marker)
    """
    fmt = sniff_format(data)
    if fmt == "JPEG":
        complete, missing = _jpeg_reaches_its_end(data), "no end-of-image marker"
    elif fmt == "PNG":
        complete, missing = _png_reaches_iend(data), "no IEND chunk"
    elif fmt == "WEBP":
        complete = len(data) >= 8 + struct.unpack("<I", data[4:8])[0]
        missing = "shorter than its RIFF header says"
    else:
        complete, missing = True, ""
    if not complete:
        raise ImageDecodeError(f"truncated {fmt}: the file ends early ({missing})")


# JPEG markers without a length: TEM, RST0-7, SOI, EOI.
_JPEG_STANDALONE = frozenset({0x01, *range(0xD0, 0xD8), 0xD8, 0xD9})


def _jpeg_reaches_its_end(data: bytes) -> bool:
    """Whether walking the JPEG's segments and scans from its start reaches EOI inside ``data``."""
    pos, end = 2, len(data)  # after SOI
    while pos + 1 < end:
        if data[pos] != 0xFF:
            return False  # not at a marker: damaged
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte before a marker
            pos += 1
            continue
        if marker == 0xD9:
            return True
        if marker in _JPEG_STANDALONE:
            pos += 2
            continue
        if pos + 4 > end:
            return False
        pos += 2 + int.from_bytes(data[pos + 2 : pos + 4], "big")
        if marker != 0xDA:
            continue
        while True:  # entropy-coded data: up to the next marker that is not stuffing or a restart
            pos = data.find(b"\xff", pos)
            if pos < 0 or pos + 1 >= end:
                return False
            following = data[pos + 1]
            if following == 0x00 or 0xD0 <= following <= 0xD7 or following == 0xFF:
                pos += 1 if following == 0xFF else 2
                continue
            break
    return False


def _png_reaches_iend(data: bytes) -> bool:
    """Whether the PNG's chunks, walked from the signature, reach a whole IEND chunk."""
    pos, end = len(_PNG_SIGNATURE), len(data)
    while pos + 8 <= end:
        length = int.from_bytes(data[pos : pos + 4], "big")
        kind = data[pos + 4 : pos + 8]
        pos += 12 + length  # length, type, data, CRC
        if pos > end:
            return False
        if kind == b"IEND":
            return True
    return False


def check_size(width: int, height: int) -> None:
    """Raise ImageTooLargeError when a declared size is over ``MAX_PIXELS`` or ``MAX_SIDE``."""
    if width * height > MAX_PIXELS:
        raise ImageTooLargeError(
            f"image is {width}x{height} = {width * height:,} pixels; the limit is {MAX_PIXELS:,} pixels"
        )
    if max(width, height) > MAX_SIDE:
        raise ImageTooLargeError(f"image is {width}x{height}; the limit is {MAX_SIDE:,} pixels per side")


def decode_failure(fmt: str, exc: BaseException, *, header: bool = False) -> ImageDecodeError:
    """An ImageDecodeError for a decoder's exception: 'truncated PNG' or 'corrupt PNG (...)'."""
    what = f"{fmt} header" if header else fmt
    if _looks_truncated(exc, header=header):
        return ImageDecodeError(f"truncated {what}: the file ends early")
    return ImageDecodeError(f"corrupt {what} ({exc})")


def _not_an_image(data: bytes) -> str:
    if not data:
        return "not an image: the data is empty (0 bytes)"
    head = data[:512]
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    if text is not None and all(ch.isprintable() or ch in "\r\n\t" for ch in text):
        return "not an image: the data is text"
    return f"not an image: unrecognised data starting with {data[:8].hex(' ')}"


def _check_png_ihdr(data: bytes) -> None:
    if len(data) < 24 or data[12:16] != b"IHDR":
        raise ImageDecodeError("truncated PNG header: no complete IHDR chunk")
    width, height = struct.unpack(">II", data[16:24])
    check_size(width, height)


def _open_header(data: bytes, fmt: str) -> Image.Image:
    if fmt == "PNG":
        data = _png_without_text(data)
    try:
        return _PLUGINS[fmt](io.BytesIO(data))
    except MemoryError:
        raise
    except Exception as exc:  # a third-party parser: any failure means unreadable input
        raise decode_failure(fmt, exc, header=True) from exc


_PNG_TEXT_CHUNKS = frozenset({b"tEXt", b"zTXt", b"iTXt"})


def _png_without_text(data: bytes) -> bytes:
    """The PNG without its text chunks, which nothing here reads: Pillow inflates a compressed one
    while reading the header and refuses one over ``PngImagePlugin.MAX_TEXT_CHUNK`` (a valid file:
    an editor's long comment), so a mask with one was refused as corrupt. The pixels, the ICC
    profile (``iCCP``) and every other chunk stay. ``data`` itself when it has none, or when its
    chunks cannot be walked (Pillow then says what is wrong).

    >>> import struct, zlib
    >>> def chunk(kind, body): return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    >>> note = chunk(b"zTXt", b"comment" + bytes(2) + zlib.compress(bytes(10)))
    >>> png = _PNG_SIGNATURE + chunk(b"IHDR", bytes(13)) + note + chunk(b"IEND", b"")
    >>> stripped = _png_without_text(png)
    >>> len(png) - len(stripped) == len(note), stripped[37:41], _png_without_text(stripped) is stripped
    (True, b'IEND', True)
    """
    kept, offset, dropped = [data[:8]], 8, False
    while offset + 12 <= len(data):
        (length,) = struct.unpack(">I", data[offset : offset + 4])
        kind, end = data[offset + 4 : offset + 8], offset + 12 + length
        if end > len(data):
            return data
        if kind in _PNG_TEXT_CHUNKS:
            dropped = True
        else:
            kept.append(data[offset:end])
        offset = end
        if kind == b"IEND":
            break
    if not dropped:
        return data
    kept.append(data[offset:])
    return b"".join(kept)


def _looks_truncated(exc: BaseException, *, header: bool) -> bool:
    message = str(exc).lower()
    if "truncated" in message or "premature end" in message:
        return True
    if isinstance(exc, (EOFError, struct.error)) or isinstance(exc.__cause__, (EOFError, struct.error)):
        return True
    # Pillow's words when the data ended before the header named a size and mode.
    return header and "not identified by this driver" in message


def _stored_size(image: Image.Image, fmt: str) -> tuple[int, int]:
    """(width, height) of the pixels as stored, before orientation."""
    if fmt == "TIFF":  # Pillow >= 13 reports a TIFF's upright size; the tags give the stored one
        return int(image.tag_v2.get(256, image.size[0])), int(image.tag_v2.get(257, image.size[1]))
    return image.size


def _orientation(image: Image.Image, fmt: str) -> int:
    if fmt == "TIFF":
        value = image.tag_v2.get(0x0112, 1)
    else:
        value = exif_orientation(image.info.get("exif") or b"")
    return value if isinstance(value, int) and 1 <= value <= 8 else 1


def exif_orientation(exif: bytes) -> int:
    r"""The Orientation tag (0x0112) of IFD0 in raw EXIF bytes; 1 when absent or unreadable.

    Read here rather than with ``PIL.Image.Exif`` because Pillow warns on damaged EXIF, and the
    orientation is all we need from it.

    Examples
    --------
    >>> exif_orientation(b"Exif\0\0MM\0*\0\0\0\x08\0\x01\x01\x12\0\x03\0\0\0\x01\0\x06\0\0")
    6
    """
    if exif.startswith(b"Exif\0\0"):
        exif = exif[6:]
    order = {b"II*\0": "<", b"MM\0*": ">"}.get(exif[:4])
    if order is None:
        return 1
    try:
        (ifd,) = struct.unpack_from(order + "I", exif, 4)
        (count,) = struct.unpack_from(order + "H", exif, ifd)
        for entry in range(ifd + 2, ifd + 2 + 12 * count, 12):
            tag, kind, n = struct.unpack_from(order + "HHI", exif, entry)
            if tag == 0x0112:
                return struct.unpack_from(order + "H", exif, entry + 8)[0] if kind == 3 and n == 1 else 1
    except struct.error:
        pass
    return 1


def _bit_depth(data: bytes, image: Image.Image, fmt: str) -> int:
    mode = image.mode
    if mode in _SIXTEEN_BIT_MODES:
        return 16
    if mode not in _DECODABLE_MODES:
        raise ImageDecodeError(f"unsupported {fmt} pixel format (Pillow mode {mode})")
    if fmt == "PNG":
        return 16 if data[24] == 16 else 8
    if fmt == "TIFF":
        bits = image.tag_v2.get(258, 8)
        bits = max(bits) if isinstance(bits, tuple) else bits
        if bits not in (1, 2, 4, 8, 16):
            raise ImageDecodeError(f"unsupported TIFF with {bits}-bit samples")
        return 16 if bits == 16 else 8
    if fmt == "JPEG" and getattr(image, "bits", 8) != 8:
        raise ImageDecodeError(f"unsupported JPEG with {image.bits}-bit samples")
    return 8


def _describe_icc(icc_profile: bytes | None) -> tuple[str | None, str | None]:
    """(description, colour space) of an ICC profile; (None, None) when absent or unreadable."""
    if not icc_profile:
        return None, None
    try:
        profile = ImageCms.ImageCmsProfile(io.BytesIO(icc_profile))
        description = ImageCms.getProfileDescription(profile).strip() or None
        return description, profile.profile.xcolor_space.strip()
    except Exception:  # a broken profile is ignored, as browsers do
        return None, None
