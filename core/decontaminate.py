"""Decontaminate Colors: replace background spill on soft edges with the foreground colour.

A semi-transparent pixel of the photo mixes the object's colour ``F`` with the background's
``B``: ``I = a * F + (1 - a) * B`` (``a = alpha / 255``, colours scaled to 0..1).
Decontamination estimates ``F`` and moves the pixel towards it::

    out = I + m * (F_hat - I),    m = amount / 100

By the compositing equation ``F - I = (1 - a) * (F - B)``: the change is proportional to the
amount, to how transparent the pixel is (``1 - a``) and to how far the background colour is
from the object's. A nearly opaque pixel barely moves; a nearly transparent one takes the
estimated object colour. Pixels with alpha 0 or 255 are never changed.

``F_hat`` is the two-pass "blur fusion" estimator of Germer, Uelwer, Conrad and Harmeling,
*Fast Multi-Level Foreground Estimation* (ICPR 2020, arXiv:2006.14970), with weights squared.
One pass, with a box mean ``box``::

    Fb = box(F * a^2) / (box(a^2) + eps)                  # local mean object colour
    Bb = box(B * (1 - a)^2) / (box((1 - a)^2) + eps)      # local mean background colour
    F' = clip(Fb + a * (I - a * Fb - (1 - a) * Bb), 0, 1)

Pass 1 starts from ``F = B = I`` with a wide box; pass 2 starts from pass 1's ``F'`` and
``Bb`` with a 7 x 7 box. Germer et al. weight by ``a`` and ``1 - a``; squaring lets mixed
pixels count less in the means, which halved the error on wide soft edges (mean error on a
red disk on green with a 2-px Gaussian edge 9.3 -> 4.6 levels, on a textured synthetic ring
and chain 31 -> 28) at no extra cost in pass 2.

Two shortcuts keep it near O(edge pixels) on 24-megapixel photos:

- Pass 1 needs only smooth local means, so it runs on 8 x 8-px block means (blocks anchored
  at the image origin, see ``origin``): a box of 7 x 7 blocks (56 px), then bilinear
  interpolation to pixel centres. Only blocks near semi-transparent pixels are computed.
- Pass 2 runs on tiles of 8 x 8 px that hold semi-transparent pixels (3 px of context). Its
  background mean ``box(Bb * (1 - a)^2) / box((1 - a)^2)`` is taken as pass 1's ``Bb`` at
  the pixel: ``Bb`` is an interpolation of 56-px means, nearly constant across the 7-px box.
"""

from __future__ import annotations


import numpy as np

from core.decontaminate_fusion import _BLOCK, _COARSE_BLOCKS, _CoarseMeans, _fine_pass
from core.decontaminate_strips import _FINE, _soft_tiles, _strips
from core.errors import CoreError, SizeMismatchError, checked_number

__all__ = ["decontaminate", "decontaminate_margin"]


def decontaminate(rgb: np.ndarray, alpha: np.ndarray, *, amount: float, origin: tuple[int, int] = (0, 0)) -> np.ndarray:
    """Replace background colour spill on semi-transparent pixels with the foreground colour.

    See the module docstring for the formula and the estimator.

    Parameters
    ----------
    rgb : ndarray, shape (H, W, 3), uint8 or uint16
        The photo. Not modified.
    alpha : ndarray, shape (H, W), uint8
        The soft alpha the cutout will use. Not modified.
    amount : float
        0..100 (%): how far semi-transparent pixels move towards the estimated object colour.
    origin : (int, int)
        Image coordinates ``(x, y)`` of ``rgb[0, 0]`` when ``rgb`` is a window of a larger image.
        It anchors pass 1's block grid to the image, so that a window rendered with
        :func:`decontaminate_margin` px of context has the same pixels as the whole image.

    Returns
    -------
    ndarray, shape (H, W, 3), same dtype as ``rgb``
        A new array; pixels with alpha 0 or 255 are bit-identical to ``rgb``.

    Raises
    ------
    CoreError
        If ``rgb``, ``alpha`` or ``origin`` has the wrong type, dtype or number of dimensions.
    SizeMismatchError
        If the heights and widths of ``rgb`` and ``alpha`` differ.
    InvalidRecipeError
        If ``amount`` is not a finite number in 0..100 (``field`` is ``"amount"``).

    Examples
    --------
    >>> rgb = np.zeros((1, 9, 3), np.uint8); rgb[0, :4] = (255, 0, 0); rgb[0, 4:] = (0, 255, 0)
    >>> alpha = np.array([[255, 255, 255, 255, 128, 0, 0, 0, 0]], np.uint8)
    >>> rgb[0, 4] = (128, 127, 0)   # half red, half green
    >>> decontaminate(rgb, alpha, amount=100)[0, 4].tolist()  # close to the red object
    [254, 1, 0]
    >>> decontaminate(rgb, alpha, amount=0)[0, 4].tolist()
    [128, 127, 0]
    """
    _check_inputs(rgb, alpha)
    amount = _check_amount(amount)
    ox, oy = _check_origin(origin)
    out = rgb.copy()
    if amount == 0:
        return out
    tiles = _soft_tiles(alpha)
    if tiles is None:
        return out
    # flat views for the gathers (a window of a larger image is copied once here, not per strip)
    rgb, alpha = np.ascontiguousarray(rgb), np.ascontiguousarray(alpha)
    coarse = _CoarseMeans(rgb, alpha, tiles, ox, oy)
    flat_out = out.reshape(-1, 3)
    for strip in _strips(tiles, alpha.shape):
        cells, values = _fine_pass(rgb, alpha, strip, coarse, amount / 100.0)
        flat_out[cells] = values
    return out


def decontaminate_margin() -> int:
    """Pixels of context a window needs so that decontaminating it equals the whole image.

    Pass 2's box radius (3 px) plus pass 1's reach: its 7-block box, one block for bilinear
    interpolation and one for a partial block at the window's edge, 8 px each. Pass the
    window's position as ``origin`` to :func:`decontaminate`.

    Returns
    -------
    int

    Examples
    --------
    >>> decontaminate_margin()
    43
    """
    return _FINE + _BLOCK * (_COARSE_BLOCKS + 2)


# ---- validation --------------------------------------------------------------------------


def _check_inputs(rgb: np.ndarray, alpha: np.ndarray) -> None:
    if not isinstance(rgb, np.ndarray) or rgb.ndim != 3 or rgb.shape[2] != 3 or rgb.dtype not in (np.uint8, np.uint16):
        got = f"{rgb.dtype} array of shape {rgb.shape}" if isinstance(rgb, np.ndarray) else type(rgb).__name__
        raise CoreError(f"rgb must be an (H, W, 3) uint8 or uint16 array, got {got}")
    if not isinstance(alpha, np.ndarray) or alpha.ndim != 2 or alpha.dtype != np.uint8:
        got = f"{alpha.dtype} array of shape {alpha.shape}" if isinstance(alpha, np.ndarray) else type(alpha).__name__
        raise CoreError(f"alpha must be a 2-D uint8 array, got {got}")
    if rgb.shape[:2] != alpha.shape:
        raise SizeMismatchError(
            f"rgb is {rgb.shape[1]}x{rgb.shape[0]} px but alpha is {alpha.shape[1]}x{alpha.shape[0]} px"
        )


def _check_amount(amount: float) -> float:
    return checked_number(amount, "amount", 0.0, 100.0)


def _check_origin(origin: tuple[int, int]) -> tuple[int, int]:
    try:
        ox, oy = origin
    except (TypeError, ValueError):
        raise CoreError(f"origin must be a pair of integers (x, y), got {origin!r}") from None
    if not all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) and v >= 0 for v in (ox, oy)):
        raise CoreError(f"origin must be a pair of integers (x, y) >= 0, got {origin!r}")
    return int(ox), int(oy)
