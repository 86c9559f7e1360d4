"""The error vocabulary of ``core``.

Every failure that bad input can cause is one of these, with a message meant for a person.
The CLI prints ``str(error)`` on one line; the service maps them to HTTP 400/413/422.
"""

from __future__ import annotations

import math
from numbers import Real


class CoreError(Exception):
    """Base class: bad input that ``core`` refuses with a clear message."""

    code = "core_error"


class InvalidRecipeError(CoreError):
    """A recipe failed validation.

    Parameters
    ----------
    message : str
        What is wrong, for a person.
    op_index : int or None
        Index of the offending op in ``recipe["ops"]``; None for top-level fields.
    field : str or None
        Name of the offending field.

    Examples
    --------
    >>> str(InvalidRecipeError("must be 0..100", op_index=2, field="contrast"))
    'ops[2].contrast: must be 0..100'
    """

    code = "invalid_recipe"

    def __init__(self, message: str, *, op_index: int | None = None, field: str | None = None):
        self.message = message
        self.op_index = op_index
        self.field = field
        super().__init__(self.location() + message)

    def location(self) -> str:
        if self.op_index is None:
            return f"{self.field}: " if self.field else ""
        where = f"ops[{self.op_index}]"
        return f"{where}.{self.field}: " if self.field else f"{where}: "


class InvalidPathError(CoreError):
    """SVG path data that cannot be parsed or is out of bounds (wrapped into InvalidRecipeError by the recipe)."""

    code = "invalid_path"


class ImageDecodeError(CoreError):
    """Bytes that are not a readable image of a supported format."""

    code = "image_decode_error"


class ImageTooLargeError(CoreError):
    """An image whose declared size exceeds ``core.limits.MAX_PIXELS`` (refused before decoding)."""

    code = "image_too_large"


class SizeMismatchError(CoreError):
    """The AI result's size differs from the upright original's."""

    code = "size_mismatch"


class RenderTooSlowError(CoreError):
    """A render given a deadline had not finished its ops by then (``op_index``: the next op)."""

    code = "render_too_slow"

    def __init__(self, message: str, *, op_index: int):
        self.op_index = op_index
        super().__init__(message)


def checked_number(value: object, field: str, lo: float, hi: float, *, unit: str = "") -> float:
    """``value`` as a float when it is a real number in ``[lo, hi]``; else InvalidRecipeError on ``field``.

    For the settings core's functions take directly (a radius, an amount), checked as a recipe
    checks its fields: booleans are no numbers, NaN and infinities are out of range.

    Examples
    --------
    >>> checked_number(16, "radius", 2, 64)
    16.0
    >>> checked_number(99, "radius", 2, 64, unit=" px")
    Traceback (most recent call last):
    ...
    core.errors.InvalidRecipeError: radius: must be between 2 and 64 px, got 99
    """
    if isinstance(value, bool) or not isinstance(value, Real):
        raise InvalidRecipeError(f"must be a number, got {type(value).__name__}", field=field)
    number = float(value)
    if not (math.isfinite(number) and lo <= number <= hi):
        raise InvalidRecipeError(f"must be between {lo:g} and {hi:g}{unit}, got {number:g}", field=field)
    return number
