"""Display-size outputs: premultiplied RGBA resizing, preview images and deep-zoom tiles.

Use it through ``core.codecs`` (``resize_rgba``, ``encode_preview``, ``encode_tile``).
"""

from __future__ import annotations

import cv2
import numpy as np
import simplejpeg

from core.codecs_png import encode_png

PREVIEW_WEBP_QUALITY = 90  # lossy RGB; libwebp stores alpha losslessly
TILE_WEBP_QUALITY = 90
TILE_JPEG_QUALITY = 88  # deep-zoom tiles of the original: no visible blocking when viewed at 1:1
_PREVIEW_FORMATS = ("webp", "png")
_TILE_FORMATS = ("webp", "jpeg", "png")


def resize_rgba(rgb: np.ndarray, alpha: np.ndarray, size: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    """Resize an image and its alpha together, averaging colour weighted by alpha.

    Colour is premultiplied by alpha before resampling and divided by it after, so transparent
    pixels (whatever RGB they hold) do not bleed into edges as dark or coloured fringes.
    Shrinking uses area averaging (``INTER_AREA``); enlarging uses bilinear interpolation.

    Parameters
    ----------
    rgb : ndarray, shape (H, W, 3), uint8 or uint16
    alpha : ndarray, shape (H, W), uint8
    size : (int, int)
        Output ``(width, height)``, each at least 1.

    Returns
    -------
    rgb : ndarray, shape (height, width, 3), same dtype as the input
        Where the output alpha is 0, RGB is 0.
    alpha : ndarray, shape (height, width), uint8

    Raises
    ------
    ValueError
        Bad shapes, dtypes or size.

    Examples
    --------
    >>> rgb = np.zeros((2, 2, 3), np.uint8); rgb[0, 0] = (255, 0, 0)
    >>> alpha = np.array([[255, 0], [0, 0]], np.uint8)
    >>> small_rgb, small_alpha = resize_rgba(rgb, alpha, (1, 1))
    >>> small_rgb[0, 0].tolist(), int(small_alpha[0, 0])
    ([255, 0, 0], 64)
    """
    _check_rgb_alpha(rgb, alpha)
    width, height = (int(v) for v in size)
    if width < 1 or height < 1:
        raise ValueError(f"size must be at least 1x1, not {width}x{height}")
    if (height, width) == alpha.shape:
        return rgb.copy(), alpha.copy()
    shrinking = width <= alpha.shape[1] and height <= alpha.shape[0]
    interpolation = cv2.INTER_AREA if shrinking else cv2.INTER_LINEAR
    premultiplied = _premultiply(np.ascontiguousarray(rgb), np.ascontiguousarray(alpha))
    small = cv2.resize(premultiplied, (width, height), interpolation=interpolation)
    return _unpremultiply(small, rgb.dtype)


def encode_preview(rgb: np.ndarray, alpha: np.ndarray, *, long_side: int = 2048, fmt: str = "webp") -> bytes:
    """A downscaled RGBA preview: long side at most ``long_side`` (never enlarged), WebP or PNG.

    Parameters
    ----------
    rgb : ndarray, shape (H, W, 3), uint8 or uint16
        16-bit input is reduced to 8 bits.
    alpha : ndarray, shape (H, W), uint8
    long_side : int
        Maximum of the output's width and height.
    fmt : {'webp', 'png'}
        WebP (lossy colour at quality 90, lossless alpha) or PNG (lossless).

    Returns
    -------
    bytes
        The encoded file.

    Raises
    ------
    ValueError
        Bad arrays, ``long_side < 1`` or an unknown ``fmt``.

    Examples
    --------
    >>> rgb = np.zeros((300, 500, 3), np.uint8); alpha = np.full((300, 500), 255, np.uint8)
    >>> encode_preview(rgb, alpha, long_side=100)[8:12]
    b'WEBP'
    """
    _check_rgb_alpha(rgb, alpha)
    if fmt not in _PREVIEW_FORMATS:
        raise ValueError(f"preview format must be one of {_PREVIEW_FORMATS}, not {fmt!r}")
    if long_side < 1:
        raise ValueError(f"long_side must be at least 1, not {long_side}")
    height, width = alpha.shape
    scale = long_side / max(height, width)
    rgb = to_uint8(rgb)
    if scale < 1:
        size = (max(1, round(width * scale)), max(1, round(height * scale)))
        rgb, alpha = _shrink_for_display(rgb, alpha, size)
    if fmt == "png":
        return encode_png(rgb, alpha)
    return _imencode(".webp", _bgra(rgb, alpha), [cv2.IMWRITE_WEBP_QUALITY, PREVIEW_WEBP_QUALITY])


def thumbnail_of(preview: bytes, *, long_side: int) -> bytes:
    """A small WebP, alpha kept, of an encoded preview (PNG or WebP, with or without alpha): the
    grid's tiles, which are ~240 px wide, need not fetch 2048 px previews (a render's PNG preview
    is ~270 KB).

    Parameters
    ----------
    preview : bytes
        The encoded preview (8- or 16-bit; an image without alpha is taken as opaque).
    long_side : int
        Maximum of the thumbnail's width and height (never enlarged).

    Returns
    -------
    bytes
        A WebP file (:func:`encode_preview`: lossy colour at quality 90, lossless alpha).

    Raises
    ------
    ValueError
        ``preview`` is no image OpenCV decodes, or ``long_side < 1``.

    Examples
    --------
    >>> rgb = np.zeros((600, 1000, 3), np.uint8); alpha = np.zeros((600, 1000), np.uint8); alpha[100:500] = 255
    >>> small = thumbnail_of(encode_preview(rgb, alpha, fmt="png"), long_side=100)
    >>> pixels = cv2.imdecode(np.frombuffer(small, np.uint8), cv2.IMREAD_UNCHANGED)
    >>> small[8:12], pixels.shape, int(pixels[0, 0, 3]), int(pixels[30, 50, 3])
    (b'WEBP', (60, 100, 4), 0, 255)
    """
    pixels = cv2.imdecode(np.frombuffer(preview, np.uint8), cv2.IMREAD_UNCHANGED)
    if pixels is None or pixels.ndim != 3 or pixels.shape[2] not in (3, 4):
        raise ValueError("the preview is not a colour image OpenCV can decode")
    rgb = cv2.cvtColor(np.ascontiguousarray(pixels[..., :3]), cv2.COLOR_BGR2RGB)
    alpha = pixels[..., 3].copy() if pixels.shape[2] == 4 else np.full(pixels.shape[:2], 255, np.uint8)
    return encode_preview(rgb, to_uint8(alpha), long_side=long_side, fmt="webp")


# Rows per strip when shrinking for display: strips that fit in cache make the colour conversion,
# premultiplication and first reduction ~2.5x faster than whole-image passes on 24 MP.
_STRIP_ROWS = 128


def _shrink_for_display(rgb: np.ndarray, alpha: np.ndarray, size: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    """Premultiplied area reduction for previews, fast on 24 MP: (rgb, alpha) at ``size``.

    Like :func:`resize_rgba` but premultiplied in 8 bits and reduced in two steps: a whole-number
    factor ``k`` first, strip by strip (each output pixel the mean of a k x k block), then an area
    resize to ``size``. The 8-bit premultiplication rounds faint edge colours (alpha < 8) by a few
    levels, invisible at preview scale; crops use the exact :func:`resize_rgba`.
    """
    height, width = alpha.shape
    k = int(min(width / size[0], height / size[1]))
    if k < 2:
        return resize_rgba(rgb, alpha, size)
    mid = np.empty((height // k, width // k, 4), np.uint8)
    rows = _STRIP_ROWS - _STRIP_ROWS % k
    for y in range(0, (height // k) * k, rows):
        stop = min(y + rows, (height // k) * k)
        strip_alpha = alpha[y:stop, : (width // k) * k]
        rgba = cv2.cvtColor(rgb[y:stop, : (width // k) * k], cv2.COLOR_RGB2RGBA)
        rgba[..., 3] = strip_alpha
        weights = cv2.cvtColor(strip_alpha, cv2.COLOR_GRAY2RGBA)  # (a, a, a, 255): alpha stays alpha
        premultiplied = cv2.multiply(rgba, weights, scale=1 / 255)
        mid[y // k : stop // k] = cv2.resize(premultiplied, (width // k, (stop - y) // k), interpolation=cv2.INTER_AREA)
    small = cv2.resize(mid, size, interpolation=cv2.INTER_AREA).astype(np.uint16) * 255
    return _unpremultiply(small, np.dtype(np.uint8))


def encode_tile(rgb: np.ndarray, alpha: np.ndarray | None = None, *, fmt: str) -> bytes:
    """Encode a small image (a deep-zoom tile) as WebP, JPEG or PNG.

    Parameters
    ----------
    rgb : ndarray, shape (H, W, 3), uint8 or uint16
        16-bit input is reduced to 8 bits.
    alpha : ndarray, shape (H, W), uint8, optional
        Transparency; not allowed with JPEG.
    fmt : {'webp', 'jpeg', 'png'}
        WebP quality 90 (alpha lossless), JPEG quality 88, or lossless PNG.

    Returns
    -------
    bytes
        The encoded tile.

    Raises
    ------
    ValueError
        Bad arrays, an unknown ``fmt``, or alpha with JPEG.

    Examples
    --------
    >>> tile = np.zeros((254, 254, 3), np.uint8)
    >>> encode_tile(tile, fmt="jpeg")[:3]
    b'\\xff\\xd8\\xff'
    """
    if fmt not in _TILE_FORMATS:
        raise ValueError(f"tile format must be one of {_TILE_FORMATS}, not {fmt!r}")
    _check_rgb_alpha(rgb, alpha)
    rgb = to_uint8(rgb)
    if fmt == "jpeg":
        if alpha is not None:
            raise ValueError("JPEG tiles cannot carry alpha; use fmt='webp' or 'png'")
        return simplejpeg.encode_jpeg(np.ascontiguousarray(rgb), quality=TILE_JPEG_QUALITY, colorspace="RGB")
    if fmt == "png":
        if alpha is not None:
            return encode_png(rgb, alpha)
        return _imencode(".png", cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_PNG_COMPRESSION, 6])
    pixels = cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR) if alpha is None else _bgra(rgb, alpha)
    return _imencode(".webp", pixels, [cv2.IMWRITE_WEBP_QUALITY, TILE_WEBP_QUALITY])


def to_uint8(samples: np.ndarray) -> np.ndarray:
    """8-bit samples: uint8 input unchanged, uint16 divided by 257 with rounding (65535 -> 255).

    Examples
    --------
    >>> to_uint8(np.array([0, 128, 129, 257, 65535], np.uint16)).tolist()
    [0, 0, 1, 1, 255]
    """
    if samples.dtype == np.uint8:
        return samples
    # round(v / 257): never a tie for integers, and float32 error is far below the margin.
    return cv2.convertScaleAbs(samples, alpha=1 / 257)


def _premultiply(rgb: np.ndarray, alpha: np.ndarray) -> np.ndarray:
    """(H, W, 4): RGB x alpha and alpha x 255, exact (uint16 for 8-bit RGB, float32 for 16-bit).

    Exact 16-bit products keep faint edge pixels' colour; 8-bit premultiplication would not. It is
    also the fastest route: OpenCV's area resize is quicker on 4-channel uint16 than on uint8.
    """
    if rgb.dtype == np.uint8:
        rgba = cv2.cvtColor(rgb, cv2.COLOR_RGB2RGBA)
        rgba[..., 3] = alpha
        weights = cv2.cvtColor(alpha, cv2.COLOR_GRAY2RGBA)
        weights[..., 3] = 255
        return np.multiply(rgba, weights, dtype=np.uint16)
    rgba = np.empty(alpha.shape + (4,), np.float32)
    rgba[..., :3] = rgb
    rgba[..., 3] = 255
    return rgba * alpha[..., None].astype(np.float32)


def _unpremultiply(premultiplied: np.ndarray, dtype: np.dtype) -> tuple[np.ndarray, np.ndarray]:
    """Inverse of :func:`_premultiply`, rounding; RGB is 0 where the rounded alpha is 0."""
    weight = cv2.extractChannel(premultiplied, 3)
    colour = cv2.cvtColor(premultiplied, cv2.COLOR_RGBA2RGB)
    depth = cv2.CV_8U if dtype == np.uint8 else cv2.CV_16U
    # OpenCV's divide rounds, saturates, and gives 0 where the divisor is 0.
    rgb = cv2.divide(colour, cv2.cvtColor(weight, cv2.COLOR_GRAY2RGB), scale=255, dtype=depth)
    alpha = cv2.convertScaleAbs(weight, alpha=1 / 255)
    return cv2.bitwise_and(rgb, rgb, mask=alpha), alpha  # 0 where alpha is 0


def _check_rgb_alpha(rgb: np.ndarray, alpha: np.ndarray | None) -> None:
    if not isinstance(rgb, np.ndarray) or rgb.ndim != 3 or rgb.shape[2] != 3 or rgb.dtype not in (np.uint8, np.uint16):
        raise ValueError("rgb must be an (H, W, 3) uint8 or uint16 array")
    if rgb.size == 0:
        raise ValueError("cannot encode an empty image")
    if alpha is None:
        return
    if not isinstance(alpha, np.ndarray) or alpha.shape != rgb.shape[:2] or alpha.dtype != np.uint8:
        raise ValueError(f"alpha must be an (H, W) uint8 array matching rgb {rgb.shape[:2]}")


def _bgra(rgb: np.ndarray, alpha: np.ndarray) -> np.ndarray:
    bgra = cv2.cvtColor(rgb, cv2.COLOR_RGB2BGRA)
    bgra[..., 3] = alpha
    return bgra


def _imencode(ext: str, pixels: np.ndarray, params: list[int]) -> bytes:
    ok, encoded = cv2.imencode(ext, pixels, params)
    if not ok:  # pragma: no cover - OpenCV reports no reason
        raise ValueError(f"OpenCV could not encode {ext} of shape {pixels.shape}")
    return encoded.tobytes()
