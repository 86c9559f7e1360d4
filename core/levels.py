"""Photoshop's Levels on one 8-bit channel, as a 256-entry lookup table.

Output = ((v - black) / (white - black)) clipped to [0, 1], raised to ``1 / gamma`` (the
midtone slider: gamma > 1 lightens the midtones, as in Photoshop), scaled to 0..255 and
rounded half up; ``invert`` then gives ``255 - output`` (Photoshop's Invert on the 8-bit
result). So black 50, white 150 maps 100 to 128, or to 127 inverted. Applied with
``cv2.LUT`` (about 7 ms on 24 megapixels).
"""

from __future__ import annotations

import math

import cv2
import numpy as np

from core.errors import InvalidRecipeError

GAMMA_RANGE = (0.1, 10.0)  # the recipe's bounds (core.recipe.ChannelOp)


def check_point(name: str, value: float) -> None:
    """Raise :class:`InvalidRecipeError` unless ``value`` is a number in 0..255.

    Examples
    --------
    >>> check_point("black", 300)
    Traceback (most recent call last):
    ...
    core.errors.InvalidRecipeError: black: must be a number between 0 and 255, got 300
    """
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float))
        or not math.isfinite(value)
        or not 0 <= value <= 255
    ):
        raise InvalidRecipeError(f"must be a number between 0 and 255, got {value!r}", field=name)


def check_gamma(gamma: float) -> None:
    """Raise :class:`InvalidRecipeError` unless ``gamma`` is a number in :data:`GAMMA_RANGE`."""
    lo, hi = GAMMA_RANGE
    if (
        isinstance(gamma, bool)
        or not isinstance(gamma, (int, float))
        or not math.isfinite(gamma)
        or not lo <= gamma <= hi
    ):
        raise InvalidRecipeError(f"must be a number between {lo:g} and {hi:g}, got {gamma!r}", field="gamma")


def check_levels(black: float, white: float, gamma: float) -> None:
    """Raise :class:`InvalidRecipeError` unless ``0 <= black < white <= 255`` and gamma is in range.

    Examples
    --------
    >>> check_levels(50, 150, 1.0)
    >>> check_levels(150, 50, 1.0)
    Traceback (most recent call last):
    ...
    core.errors.InvalidRecipeError: white: must be greater than black (150), got 50
    """
    check_point("black", black)
    check_point("white", white)
    if white <= black:
        raise InvalidRecipeError(f"must be greater than black ({black:g}), got {white:g}", field="white")
    check_gamma(gamma)


def levels_lut(black: float, white: float, gamma: float = 1.0, invert: bool = False) -> np.ndarray:
    """The 256-entry uint8 table of Levels with these settings.

    Parameters
    ----------
    black, white : float
        Input black and white points, ``0 <= black < white <= 255``.
    gamma : float
        Midtone gamma, 0.1..10 (1 = linear).
    invert : bool
        Invert the result (the piece dark on a light background becomes opaque).

    Returns
    -------
    lut : (256,) uint8

    Raises
    ------
    InvalidRecipeError
        If the settings are out of range.

    Examples
    --------
    >>> lut = levels_lut(50, 150)
    >>> int(lut[50]), int(lut[100]), int(lut[150]), int(lut[200])
    (0, 128, 255, 255)
    >>> int(levels_lut(50, 150, invert=True)[100])
    127
    """
    check_levels(black, white, gamma)
    v = np.arange(256, dtype=np.float64)
    x = np.clip((v - black) / (white - black), 0.0, 1.0) ** (1.0 / gamma)
    lut = np.floor(x * 255.0 + 0.5).astype(np.uint8)
    # Invert as Photoshop's Image > Adjustments > Invert does on the 8-bit result: 255 - v.
    return 255 - lut if invert else lut


def apply_levels(channel: np.ndarray, lut: np.ndarray) -> np.ndarray:
    """``lut`` applied to a (H, W) uint8 channel (a new array).

    Examples
    --------
    >>> apply_levels(np.array([[0, 100, 200]], np.uint8), levels_lut(50, 150)).tolist()
    [[0, 128, 255]]
    """
    return cv2.LUT(np.ascontiguousarray(channel), lut)
