"""Tests for core.autofix: the proposal is a valid, ordinary recipe that renders, repairs what
detect found on scenes built in code, and leaves an undamaged mask alone."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from core.autofix import MIN_CONFIDENCE, autofix_alpha, propose_recipe
from core.detect import Detection, Region, detect
from core.recipe import Recipe
from core.render import render_alpha

GOLD = (205, 160, 70)
SIZE = 200


def studio_photo(truth, seed):
    """Light sweep with a gradient, gold where ``truth`` (float 0..1) says, lens blur, noise, JPEG."""
    rng = np.random.default_rng(seed)
    ramp = np.linspace(232, 220, SIZE)[:, None, None] * np.ones((1, SIZE, 3))
    a = truth[..., None]
    rgb = cv2.GaussianBlur((a * np.array(GOLD, float) + (1 - a) * ramp).astype(np.float32), (0, 0), 0.5)
    rgb = np.clip(rgb + rng.normal(0, 1.2, rgb.shape), 0, 255).astype(np.uint8)
    ok, data = cv2.imencode(".jpg", rgb[..., ::-1], [cv2.IMWRITE_JPEG_QUALITY, 92])
    return cv2.imdecode(data, cv2.IMREAD_COLOR)[..., ::-1].copy()


def bar_with_wire():
    """True alpha: a 30 px gold bar and a 2 px wire standing on it, 50 px tall (x 99..100)."""
    truth = np.zeros((SIZE, SIZE))
    truth[120:150, 40:160] = 1.0
    truth[60:120, 99:101] = 1.0
    return truth


def as_mask(alpha):
    return np.clip(np.rint(alpha * 255), 0, 255).astype(np.uint8)


def region(box, kind, confidence=0.9):
    return Region(box, kind, confidence)


# --- the recipe -------------------------------------------------------------------------------


def test_proposal_repairs_each_confident_region_in_repair_order():
    found = Detection(
        (
            region((10, 20, 5, 30), "thin_loss"),
            region((50, 50, 20, 10), "bleed"),
            region((70, 10, 10, 10), "halo"),
            region((5, 80, 12, 12), "clipped"),
            region((90, 90, 5, 5), "bleed", MIN_CONFIDENCE - 0.01),  # shown, not repaired
        ),
        0.99,
        (100, 100),
    )
    ops = propose_recipe(found).to_dict()["ops"]
    assert [op["op"] for op in ops] == ["refine", "refine", "refine", "channel", "channel"]
    halo, bleed_shift, bleed, clipped, thin = ops
    assert halo["contrast"] == 90.0 and halo["shift_edge"] == 0.0
    assert (bleed_shift["contrast"], bleed_shift["shift_edge"]) == (0.0, 40.0)
    assert (bleed["contrast"], bleed["shift_edge"]) == (90.0, 100.0)
    assert bleed_shift["region"] == bleed["region"]
    # Boxes grow by 3 px (refine) or 45 px (channel), clipped to the image.
    assert halo["region"] == "M 67 7 H 83 V 23 H 67 Z"
    assert bleed["region"] == "M 47 47 H 73 V 63 H 47 Z"
    assert clipped["region"] == "M 0 35 H 62 V 100 H 0 Z"
    assert thin["region"] == "M 0 0 H 60 V 95 H 0 Z"
    for op in (clipped, thin):
        assert op["channel"] == "auto" and op["invert"] is None and op["mode"] == "add"


def test_proposal_is_an_ordinary_recipe_that_round_trips_and_renders():
    found = Detection((region((10, 20, 5, 30), "thin_loss"), region((50, 50, 20, 10), "bleed")), 0.99, (100, 100))
    recipe = propose_recipe(found)
    assert Recipe.from_dict(recipe.to_dict()) == recipe
    assert recipe.base == "ai"
    rgb = np.full((100, 100, 3), 230, np.uint8)
    out = render_alpha(rgb, np.zeros((100, 100), np.uint8), recipe)
    assert out.shape == (100, 100) and out.dtype == np.uint8


def test_soft_outline_gets_one_image_wide_refine_before_the_channel_ops():
    found = Detection((region((10, 20, 5, 30), "thin_loss"),), 0.9, (100, 100), studio_fit=1.0, edge_sharpness=0.6)
    ops = propose_recipe(found).to_dict()["ops"]
    assert [op["op"] for op in ops] == ["refine", "channel"]
    assert ops[0]["contrast"] == 40.0 and "region" not in ops[0]  # 100 * (1 - 0.6)
    # Not on a cluttered scene (the detector cannot tell), not on a sharp outline.
    assert [op["op"] for op in propose_recipe(Detection((), 0.0, (9, 9), 0.2, 0.6)).to_dict()["ops"]] == []
    assert [op["op"] for op in propose_recipe(Detection((), 0.0, (9, 9), 1.0, 0.9)).to_dict()["ops"]] == []


def test_nothing_found_gives_an_empty_recipe_and_the_ai_mask_back():
    assert propose_recipe(Detection((), 0.0, (50, 40))).ops == ()
    rgb = np.full((40, 50, 3), 230, np.uint8)
    ai = np.zeros((40, 50), np.uint8)
    ai[10:20, 10:30] = 255
    out = autofix_alpha(rgb, ai)
    assert np.array_equal(out, ai) and out is not ai


# --- repairs on scenes ---------------------------------------------------------------------------


def test_lost_wire_comes_back():
    truth = bar_with_wire()
    rgb = studio_photo(truth, seed=0)
    ai = as_mask(truth)
    ai[60:120, 99:101] = 0  # the AI dropped the wire
    fixed = autofix_alpha(rgb, ai)
    wire = fixed[62:116, 99:101]
    assert np.mean(wire >= 128) >= 0.9
    # Two channel ops: the wire's box (x 97..102, 6 x 58 px) grown by 45 px and by its own
    # diagonal (58 px). Outside the larger one, x 39..160, nothing changed.
    recipe = propose_recipe(detect(rgb, ai))
    assert [op.region for op in recipe.ops] == ["M 52 14 H 148 V 162 H 52 Z", "M 39 1 H 161 V 175 H 39 Z"]
    assert np.array_equal(fixed[:, :39], ai[:, :39]) and np.array_equal(fixed[:, 161:], ai[:, 161:])
    # Inside it the channel op adds the bar's outline where JPEG smears its colour 1-3 px out,
    # and one noise speck (3 x 4 px at x 103..105, y 48..51): 12 px more than 6 px from the piece.
    changed = np.abs(fixed.astype(int) - ai.astype(int)) > 0.1 * 255
    near_piece = cv2.dilate(as_mask(truth), np.ones((13, 13), np.uint8)) > 0
    assert np.count_nonzero(changed & ~near_piece) == 12


def test_bleed_band_turns_opaque():
    truth = bar_with_wire()
    truth[60:120, 99:101] = 0
    rgb = studio_photo(truth, seed=1)
    ai = as_mask(truth)
    ai[120:128, 100:160] = 100  # the top 8 px of the bar's right half see-through
    fixed = autofix_alpha(rgb, ai)
    assert np.mean(fixed[121:128, 102:158] == 255) >= 0.95
    assert np.array_equal(fixed[:, :90], ai[:, :90])


def test_undamaged_mask_is_left_alone():
    truth = bar_with_wire()
    rgb, ai = studio_photo(truth, seed=2), as_mask(truth)
    found = detect(rgb, ai)
    fixed = autofix_alpha(rgb, ai, found)
    changed = np.abs(fixed.astype(int) - ai.astype(int)) > 0.1 * 255
    assert found.risk < 0.2
    assert changed.mean() < 0.001


def test_inputs_are_not_modified():
    truth = bar_with_wire()
    rgb, ai = studio_photo(truth, seed=3), as_mask(truth)
    ai[60:120, 99:101] = 0
    rgb_before, ai_before = rgb.copy(), ai.copy()
    autofix_alpha(rgb, ai)
    assert np.array_equal(rgb, rgb_before) and np.array_equal(ai, ai_before)


def test_bad_inputs_raise_the_detector_errors():
    from core.errors import SizeMismatchError

    with pytest.raises(SizeMismatchError, match="12x10 but the photo is 10x10"):
        autofix_alpha(np.zeros((10, 10, 3), np.uint8), np.zeros((10, 12), np.uint8))
