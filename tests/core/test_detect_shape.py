"""Detection and auto-fix on photos that are no studio shot: core.detect_shape, core.recover.

The scene is the ``cluttered_pendant`` fixture (tests/conftest.py)."""

import cv2
import numpy as np
import pytest

from core.autofix import autofix_alpha, propose_recipe
from core.detect import SHAPE_MODE_BELOW, detect
from core.detect_shape import OPEN_MASK_LEVEL, find_bleed_plateaus, openness


def test_a_cluttered_photo_is_searched_by_shape_and_matting(cluttered_pendant):
    rgb, ai, truth = cluttered_pendant()
    found = detect(rgb, ai)
    assert found.studio_fit < SHAPE_MODE_BELOW
    kinds = sorted({r.kind for r in found.regions})
    assert kinds == ["bleed", "thin_loss"] and found.risk > 0.9
    bleed = [r for r in found.regions if r.kind == "bleed"]
    assert len(bleed) == 1 and bleed[0].box[0] >= 100  # the see-through right side
    # Every prong lies in a thin_loss box.
    prongs = (truth > 0) & (ai < 128)
    prongs[:, 105:] = False
    boxes = np.zeros(truth.shape, bool)
    for region in found.regions:
        x, y, w, h = region.box
        boxes[y : y + h, x : x + w] |= region.kind == "thin_loss"
    assert boxes[prongs].mean() >= 0.9


def test_clutter_alone_skips_ridge_tracing_and_the_colour_model_with_the_same_findings(cluttered_pendant, monkeypatch):
    import core.detect
    import core.detect_thin

    rgb, ai, _ = cluttered_pendant()
    thin = core.detect_thin.find_thin_loss(rgb, ai)
    assert thin.clutter > core.detect.SHAPE_MODE_CLUTTER and thin.structures  # ridges everywhere
    with monkeypatch.context() as m:
        # As before the short cut: ridges traced and the colour model built whatever the clutter.
        m.setattr(core.detect, "SHAPE_MODE_CLUTTER", float("inf"))
        m.setattr(core.detect, "_clutter_factor", lambda clutter: 1.0)
        full = detect(rgb, ai)
    assert full.studio_fit < SHAPE_MODE_BELOW  # the colour model's misfit alone puts it in shape mode

    def no_colour_model(*args, **kwargs):
        raise AssertionError("the studio path's colour model was built on a cluttered photo")

    monkeypatch.setattr(core.detect, "colour_model", no_colour_model)
    fast = detect(rgb, ai)
    assert (fast.regions, fast.risk) == (full.regions, full.risk) and fast.regions
    assert fast.studio_fit < SHAPE_MODE_BELOW
    assert core.detect_thin.find_thin_loss(rgb, ai, max_clutter=core.detect.SHAPE_MODE_CLUTTER).structures == ()


def test_the_proposal_fixes_the_band_then_recovers_the_prongs(cluttered_pendant):
    rgb, ai, truth = cluttered_pendant()
    recipe = propose_recipe(detect(rgb, ai))
    names = [op.name for op in recipe.ops]
    assert names[:2] == ["refine", "refine"] and set(names[2:]) == {"recover"} and len(names) >= 3
    fixed = autofix_alpha(rgb, ai)
    lost = (truth > 0) & (ai < 128)
    assert np.mean(fixed[lost] >= 128) >= 0.9
    band = (truth > 0) & (ai > 60) & (ai < 200)
    assert np.mean(fixed[band] >= 250) >= 0.75
    far = cv2.dilate(truth, np.ones((9, 9), np.uint8)) == 0
    assert np.count_nonzero(fixed[far] > ai[far] + 25) == 0


def test_the_true_alpha_is_left_alone_with_no_risk(cluttered_pendant):
    rgb, _, truth = cluttered_pendant()
    found = detect(rgb, truth)
    assert found.regions == () and found.risk == 0.0
    assert np.array_equal(autofix_alpha(rgb, truth, found), truth)


def test_a_mask_feathered_all_round_has_no_plateau(cluttered_pendant):
    _, ai, truth = cluttered_pendant()
    assert len(find_bleed_plateaus(ai)) == 1
    for sigma in (1.0, 1.5, 2.0):
        assert find_bleed_plateaus(cv2.GaussianBlur(truth, (0, 0), sigma)) == ()


def test_openness_tells_a_mask_with_thin_parts_from_one_without(cluttered_pendant):
    _, ai, truth = cluttered_pendant()
    assert openness(truth) > OPEN_MASK_LEVEL > openness(ai)
    assert openness(np.zeros((10, 10), np.uint8)) == 0.0


@pytest.mark.parametrize("kept_px", [5, 6])
def test_a_mask_that_kept_a_stretch_of_a_lost_prong_is_still_searched_for_the_others(cluttered_pendant, kept_px):
    # The benchmark's damage keeps a few stretches of what it loses half the time; such a mask has
    # some thin structure (openness 0.03-0.05 here), far less than the truth's 0.23.
    rgb, ai, truth = cluttered_pendant()
    angle = np.deg2rad(280)
    start = (int(90 + 38 * np.cos(angle)), int(85 + 38 * np.sin(angle)))
    end = (int(90 + (38 + kept_px) * np.cos(angle)), int(85 + (38 + kept_px) * np.sin(angle)))
    kept = ai.copy()
    cv2.line(kept, start, end, 255, 4)
    assert 0.03 < openness(kept) < OPEN_MASK_LEVEL < openness(truth)
    strands = [r.box for r in detect(rgb, kept).regions if r.kind == "thin_loss"]
    assert (61, 37, 11, 16) in strands and (39, 65, 14, 9) in strands  # the other two prongs
