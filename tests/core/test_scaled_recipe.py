"""Recipe.scaled: every length x factor, per-pixel settings kept, the recipe itself untouched."""

from __future__ import annotations

import numpy as np
import pytest

from core import rasterize
from core.geometry import parse_path
from core.recipe import Recipe
from core.window import Rect

RECIPE = {
    "version": 1,
    "base": "ai",
    "ops": [
        {"op": "refine", "smooth": 40, "feather": 8, "contrast": 30, "shift_edge": -20, "region": "M 0 0 H 80 V 80 Z"},
        {"op": "path", "d": "M 20 20 H 120 V 120 H 20 Z", "mode": "add", "feather": 6},
        {"op": "path", "d": "M 40 40 C 60 20 80 20 100 40 Z", "mode": "subtract", "enabled": False},
        {"op": "channel", "region": "M 0 0 H 200 V 100 H 0 Z", "channel": "g", "black": 10, "white": 200,
         "gamma": 1.5, "invert": True, "mode": "replace"},
        {"op": "matte", "region": "M 10 10 H 50 V 50 H 10 Z", "radius": 12},
        {"op": "matte", "region": "M 10 10 H 50 V 50 H 10 Z", "radius": 3},
        {"op": "decontaminate", "amount": 70},
    ],
}


def test_a_100_px_square_at_a_quarter_covers_exactly_25_by_25_px():
    recipe = Recipe.from_dict({"ops": [{"op": "path", "d": "M 20 20 H 120 V 120 H 20 Z"}]})
    geometry = recipe.scaled(0.25).ops[0].geometry
    assert geometry.bbox == (5.0, 5.0, 30.0, 30.0)
    cover = rasterize.coverage(geometry, Rect(0, 0, 40, 40))
    assert int(cover.sum()) == 25 * 25 * 255
    assert cover[5:30, 5:30].min() == 255 and np.count_nonzero(cover) == 625


def test_lengths_scale_and_per_pixel_settings_stay():
    refine, path, hidden, channel, matte_wide, matte_thin, decon = Recipe.from_dict(RECIPE).scaled(0.25).ops
    assert (refine.smooth, refine.feather, refine.contrast, refine.shift_edge) == (10.0, 2.0, 30.0, -20.0)
    assert refine.region_geometry.bbox == (0.0, 0.0, 20.0, 20.0)
    assert (path.feather, path.mode) == (1.5, "add")
    full_bbox = parse_path(RECIPE["ops"][2]["d"]).bbox
    assert hidden.enabled is False and hidden.geometry.bbox == pytest.approx(tuple(v / 4 for v in full_bbox))
    assert channel.region_geometry.bbox == (0.0, 0.0, 50.0, 25.0)
    assert (channel.channel, channel.black, channel.white, channel.gamma, channel.invert, channel.mode) == (
        "g", 10.0, 200.0, 1.5, True, "replace"
    )
    assert matte_wide.radius == 3.0 and matte_wide.region_geometry.bbox == (2.5, 2.5, 12.5, 12.5)
    assert matte_thin.radius == 1.0, "the matte radius keeps the recipe's floor of 1 px"
    assert decon.amount == 70.0


def test_the_scaled_path_data_is_the_scaled_geometry():
    scaled = Recipe.from_dict(RECIPE).scaled(0.5)
    for op in scaled.ops:
        text = getattr(op, "d", None) or getattr(op, "region", None)
        geometry = getattr(op, "geometry", None) or getattr(op, "region_geometry", None)
        if text is None:
            continue
        reparsed = parse_path(text)
        assert len(reparsed.polygons) == len(geometry.polygons)
        for a, b in zip(reparsed.polygons, geometry.polygons):
            np.testing.assert_allclose(a, b, atol=1e-9)
    assert Recipe.from_dict(scaled.to_dict()).to_dict() == scaled.to_dict()


def test_the_recipe_itself_is_unchanged_and_factor_1_is_itself():
    recipe = Recipe.from_dict(RECIPE)
    before = recipe.to_json()
    polygons = [p.copy() for p in recipe.ops[1].geometry.polygons]
    recipe.scaled(0.3)
    assert recipe.to_json() == before
    assert all(np.array_equal(a, b) for a, b in zip(polygons, recipe.ops[1].geometry.polygons))
    assert recipe.scaled(1.0) is recipe


@pytest.mark.parametrize("factor", [0, -0.5, 1.5, float("nan"), float("inf")])
def test_a_factor_outside_0_1_is_a_programming_error(factor):
    with pytest.raises(ValueError, match=r"factor must be in \(0, 1\]"):
        Recipe.from_dict(RECIPE).scaled(factor)
