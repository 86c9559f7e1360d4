"""Detection's regions on a photo: what the detector found, where, and how sure it is.

``Photo.detections`` holds a JSON list of ``{"box": {"x0", "y0", "x1", "y1"}, "kind", "confidence"}``:
boxes in upright image pixels (x right, y down, origin top-left, like flag pins' regions), ``kind``
a short word (``clipped_prong``, ``halo``...), ``confidence`` in [0, 1]. The detector (a later
issue) writes the list; until it runs the list is empty and the review screen shows no regions.

``damage_extent`` sums the regions up in a second figure next to the risk (``Photo.damage_extent``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from jewelreview.errors import InvalidInput

# A detector reports a handful of suspects per photo; 200 bounds the review screen's overlay.
MAX_DETECTIONS = 200
MAX_KIND_LENGTH = 40
# core.detect's kinds in the words a reviewer uses (other kinds are shown as written, spaced).
KIND_LABELS = {
    "thin_loss": "Lost prong, chain or wire",
    "bleed": "Opacity bleed",
    "halo": "Halo",
    "clipped": "Clipped edge",
}


@dataclass(frozen=True)
class Detection:
    x0: float
    y0: float
    x1: float
    y1: float
    kind: str
    confidence: float

    @property
    def label(self) -> str:
        return KIND_LABELS.get(self.kind) or self.kind.replace("_", " ").capitalize()

    def as_dict(self) -> dict[str, Any]:
        box = {"x0": self.x0, "y0": self.y0, "x1": self.x1, "y1": self.y1}
        return {"box": box, "kind": self.kind, "confidence": self.confidence}


def detections_parse(raw: Any, *, width: int, height: int) -> list[Detection]:
    """Validate a detections list against a ``width x height`` photo, most confident first."""
    if raw in (None, []):
        return []
    if not isinstance(raw, list):
        raise _error("detections must be a list", index=None)
    if len(raw) > MAX_DETECTIONS:
        raise _error(f"at most {MAX_DETECTIONS} detections, got {len(raw)}", index=None)
    parsed = [_detection(index, item, width, height) for index, item in enumerate(raw)]
    return sorted(parsed, key=lambda d: -d.confidence)


def damage_extent(detections: Sequence[Detection], *, width: int, height: int) -> float:
    """The expected share of a ``width x height`` photo inside a real damaged region, 0..1.

    Each region is taken as real with its confidence, as the risk takes it (risk = 1 - prod(1 -
    confidence) over the regions: the chance that at least one is real); a pixel is then damaged
    with 1 - prod(1 - confidence) over the boxes that cover it, and this is that figure summed
    over the photo, divided by its area. So overlapping boxes count their overlap once, not once
    per box (a halo band and a lost prong on the same edge, or a region reported twice, do not
    make a photo look twice as damaged), and the figure never passes 1. Risk saturates at 1.00 on
    nearly every damaged photo; this is what tells them apart (the queue's order after risk).

    Exact, on the grid the boxes' own edges make (at most 2 x ``MAX_DETECTIONS`` columns and rows).

    >>> boxes = [Detection(0, 0, 10, 10, "halo", 1.0), Detection(5, 0, 15, 10, "halo", 0.5)]
    >>> damage_extent(boxes, width=100, height=10)  # 100 px sure, 50 more at one half
    0.125
    """
    if not detections or width <= 0 or height <= 0:
        return 0.0
    xs = np.unique([edge for d in detections for edge in (d.x0, d.x1)])
    ys = np.unique([edge for d in detections for edge in (d.y0, d.y1)])
    clean = np.ones((len(ys) - 1, len(xs) - 1))  # chance that no real region covers each cell
    for d in detections:
        columns = slice(np.searchsorted(xs, d.x0), np.searchsorted(xs, d.x1))
        rows = slice(np.searchsorted(ys, d.y0), np.searchsorted(ys, d.y1))
        clean[rows, columns] *= 1.0 - d.confidence
    damaged = float(np.diff(ys) @ (1.0 - clean) @ np.diff(xs))
    return min(1.0, max(0.0, damaged / (width * height)))


def _detection(index: int, item: Any, width: int, height: int) -> Detection:
    if not isinstance(item, dict) or set(item) != {"box", "kind", "confidence"}:
        raise _error("must be an object with exactly box, kind and confidence", index=index)
    box = item["box"]
    if not isinstance(box, dict) or set(box) != {"x0", "y0", "x1", "y1"}:
        raise _error("box must have exactly x0, y0, x1, y1", index=index)
    x0, x1 = (_number(index, box[k], k, 0, width) for k in ("x0", "x1"))
    y0, y1 = (_number(index, box[k], k, 0, height) for k in ("y0", "y1"))
    if x1 <= x0 or y1 <= y0:
        raise _error("box must have x1 > x0 and y1 > y0", index=index)
    kind = item["kind"]
    if not isinstance(kind, str) or not 0 < len(kind) <= MAX_KIND_LENGTH:
        raise _error(f"kind must be a word of 1 to {MAX_KIND_LENGTH} characters", index=index)
    confidence = _number(index, item["confidence"], "confidence", 0, 1)
    return Detection(x0=x0, y0=y0, x1=x1, y1=y1, kind=kind, confidence=confidence)


def _number(index: int, value: Any, field: str, low: float, high: float) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise _error(f"{field} must be a number, got {value!r}", index=index)
    if not low <= value <= high:
        raise _error(f"{field} = {value:g} is outside {low:g}..{high:g}", index=index)
    return float(value)


def _error(message: str, *, index: int | None) -> InvalidInput:
    where = "detections" if index is None else f"detections[{index}]"
    return InvalidInput(f"{where}: {message}", code="invalid_detections", details={"field": "detections"})
