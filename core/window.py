"""Integer pixel rectangles ("windows") of an image.

Convention: pixel ``(row i, column j)`` covers the square ``[j, j+1] x [i, i+1]`` in image
coordinates (x right, y down, origin at the top-left corner of the top-left pixel). A window
``Rect(x0, y0, x1, y1)`` holds the pixels with ``x0 <= j < x1`` and ``y0 <= i < y1``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Rect:
    """A half-open integer rectangle ``[x0, x1) x [y0, y1)`` in image pixels.

    Examples
    --------
    >>> r = Rect(2, 3, 10, 7)
    >>> r.width, r.height, r.shape
    (8, 4, (4, 8))
    >>> r.pad(5).clip(Rect(0, 0, 9, 9))
    Rect(x0=0, y0=0, x1=9, y1=9)
    """

    x0: int
    y0: int
    x1: int
    y1: int

    @classmethod
    def of_shape(cls, shape: tuple[int, ...]) -> "Rect":
        """The whole of an array of shape ``(H, W, ...)``."""
        return cls(0, 0, int(shape[1]), int(shape[0]))

    @classmethod
    def covering(cls, x0: float, y0: float, x1: float, y1: float) -> "Rect":
        """The smallest integer rect holding every pixel the real box ``[x0,x1]x[y0,y1]`` touches."""
        return cls(math.floor(x0), math.floor(y0), math.ceil(x1), math.ceil(y1))

    @property
    def width(self) -> int:
        return max(0, self.x1 - self.x0)

    @property
    def height(self) -> int:
        return max(0, self.y1 - self.y0)

    @property
    def shape(self) -> tuple[int, int]:
        return (self.height, self.width)

    @property
    def empty(self) -> bool:
        return self.width == 0 or self.height == 0

    @property
    def area(self) -> int:
        return self.width * self.height

    def pad(self, px: int) -> "Rect":
        return Rect(self.x0 - px, self.y0 - px, self.x1 + px, self.y1 + px)

    def clip(self, bounds: "Rect") -> "Rect":
        return self.intersect(bounds)

    def intersect(self, other: "Rect") -> "Rect":
        x0, y0 = max(self.x0, other.x0), max(self.y0, other.y0)
        x1, y1 = min(self.x1, other.x1), min(self.y1, other.y1)
        if x1 <= x0 or y1 <= y0:
            return Rect(x0, y0, x0, y0)
        return Rect(x0, y0, x1, y1)

    def union(self, other: "Rect") -> "Rect":
        if self.empty:
            return other
        if other.empty:
            return self
        return Rect(min(self.x0, other.x0), min(self.y0, other.y0), max(self.x1, other.x1), max(self.y1, other.y1))

    def intersects(self, other: "Rect") -> bool:
        return not self.intersect(other).empty

    def contains(self, other: "Rect") -> bool:
        return self.x0 <= other.x0 and self.y0 <= other.y0 and self.x1 >= other.x1 and self.y1 >= other.y1

    def relative_to(self, outer: "Rect") -> "Rect":
        """This rect in the coordinates of ``outer`` (whose top-left becomes 0, 0)."""
        return Rect(self.x0 - outer.x0, self.y0 - outer.y0, self.x1 - outer.x0, self.y1 - outer.y0)

    def slices(self) -> tuple[slice, slice]:
        """``array[rect.slices()]`` is the window's pixels (rows, then columns)."""
        return (slice(self.y0, self.y1), slice(self.x0, self.x1))
