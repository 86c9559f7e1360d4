"""Flag pins: points ``{x, y}`` or regions ``{x0, y0, x1, y1}`` in upright image pixels."""

from __future__ import annotations

import math
from typing import Any

from jewelreview.errors import InvalidInput

# A reviewer marks a handful of spots; 100 is generous and keeps a flag's JSON small.
MAX_PINS = 100

POINT_KEYS = frozenset({"x", "y"})
REGION_KEYS = frozenset({"x0", "y0", "x1", "y1"})


def pins_validate(raw: Any, *, width: int, height: int) -> list[dict[str, float]]:
    """Validate pins against a ``width x height`` photo; return them as plain floats.

    Coordinates follow the image convention: x right, y down, origin at the top-left corner,
    so valid values are ``0 <= x <= width`` and ``0 <= y <= height``.
    """
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise _error("pins must be a list of {x, y} points or {x0, y0, x1, y1} regions", index=None)
    if len(raw) > MAX_PINS:
        raise _error(f"at most {MAX_PINS} pins, got {len(raw)}", index=None)
    return [_pin(index, pin, width, height) for index, pin in enumerate(raw)]


def _pin(index: int, pin: Any, width: int, height: int) -> dict[str, float]:
    if not isinstance(pin, dict):
        raise _error("must be an object", index=index)
    keys = frozenset(pin)
    if keys == POINT_KEYS:
        x = _coordinate(index, pin, "x", width)
        y = _coordinate(index, pin, "y", height)
        return {"x": x, "y": y}
    if keys == REGION_KEYS:
        x0 = _coordinate(index, pin, "x0", width)
        y0 = _coordinate(index, pin, "y0", height)
        x1 = _coordinate(index, pin, "x1", width)
        y1 = _coordinate(index, pin, "y1", height)
        if x1 <= x0:
            raise _error(f"x1 ({x1:g}) must be greater than x0 ({x0:g})", index=index, field="x1")
        if y1 <= y0:
            raise _error(f"y1 ({y1:g}) must be greater than y0 ({y0:g})", index=index, field="y1")
        return {"x0": x0, "y0": y0, "x1": x1, "y1": y1}
    got = ", ".join(sorted(keys)) or "none"
    raise _error(f"must have exactly the keys x, y (a point) or x0, y0, x1, y1 (a region); got {got}", index=index)


def _coordinate(index: int, pin: dict, field: str, limit: int) -> float:
    value = pin[field]
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise _error(f"{field} must be a number, got {value!r}", index=index, field=field)
    if not 0 <= value <= limit:
        raise _error(f"{field} = {value:g} is outside the photo (0..{limit})", index=index, field=field)
    return float(value)


def _error(message: str, *, index: int | None, field: str | None = None) -> InvalidInput:
    where = "pins" if index is None else f"pins[{index}]"
    details: dict[str, Any] = {"field": "pins"}
    if index is not None:
        details["index"] = index
    if field is not None:
        details["pin_field"] = field
    return InvalidInput(f"{where}: {message}", code="invalid_pins", details=details)
