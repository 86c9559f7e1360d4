"""Detection and auto-fix on photos that are no studio shot: core.detect_shape, core.recover."""

import cv2
import numpy as np

from core.autofix import autofix_alpha, propose_recipe
from core.detect import SHAPE_MODE_BELOW, detect
from core.detect_shape import OPEN_MASK_LEVEL, find_bleed_plateaus, openness


def cluttered_pendant(seed=0, size=(200, 160)):
    """A dark disc with three 4 px prongs on a wall of coloured blocks (no sweep). The "AI" mask
    lost the prongs and is see-through (0.4) in a band 7-11 px wide along its right side, the
    way the benchmark's damage model makes opacity bleed; edges soft (sigma 0.8)."""
    w, h = size
    rng = np.random.default_rng(seed)
    rgb = np.zeros((h, w, 3), np.uint8)
    for y in range(0, h, 20):
        for x in range(0, w, 20):
            rgb[y : y + 20, x : x + 20] = rng.integers(120, 240, 3)
    truth = np.zeros((h, w), np.uint8)
    cv2.circle(rgb, (90, 85), 40, (30, 25, 20), -1)
    cv2.circle(truth, (90, 85), 40, 255, -1)
    for angle in np.deg2rad((200, 240, 280)):
        start = (int(90 + 38 * np.cos(angle)), int(85 + 38 * np.sin(angle)))
        end = (int(90 + 52 * np.cos(angle)), int(85 + 52 * np.sin(angle)))
        cv2.line(rgb, start, end, (30, 25, 20), 4)
        cv2.line(truth, start, end, 255, 4)
    rgb = np.clip(rgb.astype(np.int16) + rng.normal(0, 2, rgb.shape).astype(np.int16), 0, 255).astype(np.uint8)
    disc = np.zeros((h, w), np.uint8)
    cv2.circle(disc, (90, 85), 40, 255, -1)
    depth = cv2.distanceTransform(disc, cv2.DIST_L2, 5)
    rise = np.clip((depth - 7) / 4.5, 0, 1)
    level = 0.4 + 0.6 * rise * rise * (3 - 2 * rise)
    alpha = disc.astype(np.float32) / 255
    alpha[:, 105:] = np.where(disc[:, 105:] > 0, level[:, 105:], 0)
    ai = np.clip(cv2.GaussianBlur(alpha, (0, 0), 0.8) * 255 + 0.5, 0, 255).astype(np.uint8)
    return rgb, ai, truth


def test_a_cluttered_photo_is_searched_by_shape_and_matting():
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


def test_the_proposal_fixes_the_band_then_recovers_the_prongs():
    rgb, ai, truth = cluttered_pendant()
    recipe = propose_recipe(detect(rgb, ai))
    assert [op.name for op in recipe.ops] == ["refine", "refine", "recover"]
    fixed = autofix_alpha(rgb, ai)
    lost = (truth > 0) & (ai < 128)
    assert np.mean(fixed[lost] >= 128) >= 0.9
    band = (truth > 0) & (ai > 60) & (ai < 200)
    assert np.mean(fixed[band] >= 250) >= 0.75
    far = cv2.dilate(truth, np.ones((9, 9), np.uint8)) == 0
    assert np.count_nonzero(fixed[far] > ai[far] + 25) == 0


def test_the_true_alpha_is_left_alone_with_no_risk():
    rgb, _, truth = cluttered_pendant()
    found = detect(rgb, truth)
    assert found.regions == () and found.risk == 0.0
    assert np.array_equal(autofix_alpha(rgb, truth, found), truth)


def test_a_mask_feathered_all_round_has_no_plateau():
    _, ai, truth = cluttered_pendant()
    assert len(find_bleed_plateaus(ai)) == 1
    for sigma in (1.0, 1.5, 2.0):
        assert find_bleed_plateaus(cv2.GaussianBlur(truth, (0, 0), sigma)) == ()


def test_openness_tells_a_mask_with_thin_parts_from_one_without():
    _, ai, truth = cluttered_pendant()
    assert openness(truth) > OPEN_MASK_LEVEL > openness(ai)
    assert openness(np.zeros((10, 10), np.uint8)) == 0.0
