"""The error vocabulary of ``core``.

Every failure that bad input can cause is one of these, with a message meant for a person.
The CLI prints ``str(error)`` on one line; the service maps them to HTTP 400/413/422.
"""

from __future__ import annotations


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
