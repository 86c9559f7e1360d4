"""Where a flag's pins are drawn on a photo's thumbnail: numbered marks in image pixels.

The thumbnail's SVG overlay has ``viewBox="0 0 width height"`` (the upright photo's pixels, the
pins' own space), so a mark needs no conversion; only its size is chosen here, relative to the
photo, so it reads the same on any thumbnail. Pins whose numbers would print over each other
(anchors closer than a number's size) share one label, "2,3", on the first of them, as the
review screen and the editor label them (``state/pins.js`` ``pinNumberLabels``).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

# A point's ring: 4 % of the photo's long side (14 px on a 350 px thumbnail: its number stays
# legible), never under 1 px.
POINT_RADIUS_SHARE = 0.04


@dataclass(frozen=True)
class PinMark:
    number: int
    flag_id: int
    kind: str  # "point" or "region"
    x: float  # point: centre; region: left edge
    y: float  # point: centre; region: top edge
    w: float = 0.0  # region only
    h: float = 0.0
    r: float = 0.0  # the ring's radius (point) or the number badge's (region)
    label: str = ""  # the numbers printed at this mark ("2,3"); empty when another mark's label has it

    @property
    def font(self) -> float:
        """The label's font size: ``r`` for one or two characters, smaller for more, so "1,2,3"
        stays inside its disc."""
        return round(self.r * min(1.0, 2.2 / max(1, len(self.label))), 1)


def pin_marks(*, flags: Iterable[Any], width: int, height: int) -> tuple[list[PinMark], dict[int, list[int]]]:
    """Marks for every pin of ``flags`` (numbered 1, 2, ... in order) and each flag's pin numbers.

    ``flags`` are objects with ``pk`` and ``pins`` (validated by ``reviews.pins``: points
    ``{x, y}`` or regions ``{x0, y0, x1, y1}``).
    """
    radius = max(1.0, round(max(width, height) * POINT_RADIUS_SHARE, 1))
    marks: list[PinMark] = []
    numbers: dict[int, list[int]] = {}
    for flag in flags:
        numbers[flag.pk] = []
        for pin in flag.pins or []:
            number = len(marks) + 1
            numbers[flag.pk].append(number)
            if "x0" in pin:
                x0, y0, x1, y1 = pin["x0"], pin["y0"], pin["x1"], pin["y1"]
                marks.append(PinMark(number, flag.pk, "region", x0, y0, x1 - x0, y1 - y0, radius))
            else:
                marks.append(PinMark(number, flag.pk, "point", pin["x"], pin["y"], r=radius))
    return _shared_labels(marks), numbers


def _shared_labels(marks: list[PinMark]) -> list[PinMark]:
    """Each mark labelled with its number, or, when its label would print over an earlier one's
    (anchors under a number's size apart: the font is ``r`` tall), with none, its number added
    to that label instead."""
    shown: dict[int, list[int]] = {}  # a labelled mark's number -> the numbers its label prints
    for mark in marks:
        host = next((m for m in marks if m.number in shown and math.hypot(m.x - mark.x, m.y - mark.y) < m.r), None)
        if host is None:
            shown[mark.number] = [mark.number]
        else:
            shown[host.number].append(mark.number)
    return [replace(m, label=",".join(map(str, shown.get(m.number, [])))) for m in marks]
