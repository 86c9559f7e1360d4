from __future__ import annotations

import pytest

from jewelreview.errors import InvalidInput
from jewelreview.reviews.pins import MAX_PINS, pins_validate


def test_points_and_regions_inside_the_photo_are_kept_as_floats():
    pins = [{"x": 0, "y": 48}, {"x0": 1, "y0": 2, "x1": 64, "y1": 3.5}]
    assert pins_validate(pins, width=64, height=48) == [
        {"x": 0.0, "y": 48.0},
        {"x0": 1.0, "y0": 2.0, "x1": 64.0, "y1": 3.5},
    ]


def test_none_means_no_pins():
    assert pins_validate(None, width=10, height=10) == []


@pytest.mark.parametrize(
    ("pins", "message"),
    [
        ({"x": 1, "y": 1}, "pins: pins must be a list"),
        ([{"x": 65, "y": 1}], r"pins\[0\]: x = 65 is outside the photo \(0..64\)"),
        ([{"x": 1, "y": -1}], r"pins\[0\]: y = -1 is outside the photo \(0..48\)"),
        ([{"x": "1", "y": 1}], r"pins\[0\]: x must be a number"),
        ([{"x": True, "y": 1}], r"pins\[0\]: x must be a number"),
        ([{"x": float("nan"), "y": 1}], r"pins\[0\]: x must be a number"),
        ([{"x": 1}], r"pins\[0\]: must have exactly the keys"),
        ([{"x": 1, "y": 1, "z": 1}], r"pins\[0\]: must have exactly the keys"),
        (
            [{"x": 1, "y": 1}, {"x0": 5, "y0": 1, "x1": 5, "y1": 2}],
            r"pins\[1\]: x1 \(5\) must be greater than x0 \(5\)",
        ),
        ([{"x0": 1, "y0": 9, "x1": 5, "y1": 2}], r"pins\[0\]: y1 \(2\) must be greater than y0 \(9\)"),
        (["x"], r"pins\[0\]: must be an object"),
        ([{"x": 1, "y": 1}] * (MAX_PINS + 1), f"at most {MAX_PINS} pins"),
    ],
)
def test_bad_pins_are_refused_naming_the_pin_and_field(pins, message):
    with pytest.raises(InvalidInput, match=message) as caught:
        pins_validate(pins, width=64, height=48)
    assert caught.value.code == "invalid_pins"
