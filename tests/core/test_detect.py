"""Tests for core.detect (and its finders core.detect_thin, core.detect_edges, core.detect_colours)
on studio scenes built in code: a gold ring on a light sweep, damaged the way AI removers damage
masks."""

from __future__ import annotations

import json

import cv2
import numpy as np
import pytest

from core.detect import Detection, Region, _thin_confidence, detect
from core.detect_colours import background_distance, colour_alpha, colour_model, work_scale
from core.detect_edges import edge_sharpness
from core.detect_thin import SEED_Z, find_thin_loss
from core.errors import CoreError, SizeMismatchError

GOLD = (205, 160, 70)
SWEEP = 226.0
SIZE = 240
CENTRE, RADIUS, BAND = (120, 150), 60, 14  # the ring: outer radius and band width (px)
PRONG_X, PRONG_TOP, PRONG_WIDTH = 120, 40, 2.0  # a prong from the ring's top up to y = 40


def coverage_disc(shape, centre, radius, ss=4):
    """Area coverage (ss x ss supersampled) of a disc."""
    h, w = shape
    offsets = (np.arange(ss) + 0.5) / ss
    ys = (np.arange(h)[:, None] + offsets).ravel()
    xs = (np.arange(w)[:, None] + offsets).ravel()
    y, x = np.meshgrid(ys, xs, indexing="ij")
    inside = np.hypot(x - centre[0], y - centre[1]) <= radius
    return inside.reshape(h, ss, w, ss).mean(axis=(1, 3))


def ring_truth(prong=True):
    """True alpha (float 0..1) of a ring, with a vertical prong standing on it."""
    shape = (SIZE, SIZE)
    alpha = coverage_disc(shape, CENTRE, RADIUS) - coverage_disc(shape, CENTRE, RADIUS - BAND)
    if prong:
        x0 = PRONG_X - PRONG_WIDTH / 2
        cols = np.clip(np.minimum(np.arange(SIZE) + 1, x0 + PRONG_WIDTH) - np.maximum(np.arange(SIZE), x0), 0, 1)
        wire = np.zeros(shape)
        wire[PRONG_TOP : CENTRE[1] - RADIUS + 4, :] = cols
        alpha = np.maximum(alpha, wire)
    return np.clip(alpha, 0, 1)


def photo_of(truth, seed=0, metal=GOLD):
    """A studio photo of ``truth``: sweep with a vertical gradient, a soft shadow, the metal, lens
    blur, sensor noise (seeded) and JPEG at quality 92."""
    rng = np.random.default_rng(seed)
    ramp = np.linspace(SWEEP + 6, SWEEP - 6, SIZE)[:, None, None]
    background = np.repeat(np.repeat(ramp, SIZE, axis=1), 3, axis=2)
    shadow = cv2.GaussianBlur(truth.astype(np.float32), (0, 0), 12)[..., None]
    background = background * (1 - 0.15 * shadow)
    a = truth[..., None]
    rgb = a * np.array(metal, float) + (1 - a) * background
    rgb = cv2.GaussianBlur(rgb.astype(np.float32), (0, 0), 0.5)
    rgb = np.clip(rgb + rng.normal(0, 1.2, rgb.shape), 0, 255).astype(np.uint8)
    ok, data = cv2.imencode(".jpg", rgb[..., ::-1], [cv2.IMWRITE_JPEG_QUALITY, 92])
    return cv2.imdecode(data, cv2.IMREAD_COLOR)[..., ::-1].copy()


def as_mask(alpha):
    return np.clip(np.rint(alpha * 255), 0, 255).astype(np.uint8)


def ai_without_prong():
    """The AI lost the prong (a grey opening with a 7 px disc, as the dev set's masks) and its
    edge is soft."""
    truth = as_mask(ring_truth())
    opened = cv2.morphologyEx(truth, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (7, 7)))
    return cv2.GaussianBlur(opened, (0, 0), 0.7)


def boxes_of(detection, kind, min_confidence=0.0):
    return [r.box for r in detection.regions if r.kind == kind and r.confidence >= min_confidence]


def overlaps(box, x0, y0, x1, y1):
    x, y, w, h = box
    return x < x1 and x0 < x + w and y < y1 and y0 < y + h


# --- the happy paths -------------------------------------------------------------------------


def test_dropped_prong_is_a_thin_loss_region_over_it():
    truth = ring_truth()
    found = detect(photo_of(truth), ai_without_prong())
    thin = boxes_of(found, "thin_loss", 0.35)
    assert len(thin) == 1
    x, y, w, h = thin[0]
    # The prong runs x 119..121, y 40..94 (where it meets the ring): the box holds the part
    # above the ring's edge zone and nothing far from it.
    assert x <= PRONG_X - 1 and x + w >= PRONG_X + 1
    assert y <= PRONG_TOP + 2 and y + h >= 80
    assert w <= 12 and h <= 60
    assert found.risk > 0.5
    assert all(r.kind == "thin_loss" or r.confidence < 0.35 for r in found.regions)


def test_bleed_band_is_a_bleed_region():
    truth = ring_truth(prong=False)
    ai = as_mask(truth).astype(np.float32)
    # See-through metal: the right-hand 40 % of the band at 40 % alpha, as removers leave polished gold.
    xs = np.arange(SIZE)[None, :]
    band = (xs > CENTRE[0] + RADIUS - BAND - 2) & (truth > 0)
    band[:, : CENTRE[0] + 20] = False
    ai[band] *= 0.4
    found = detect(photo_of(truth, seed=1), as_mask(ai / 255.0))
    bleed = boxes_of(found, "bleed", 0.35)
    assert bleed and any(overlaps(b, CENTRE[0] + 20, 0, SIZE, SIZE) for b in bleed)
    assert not boxes_of(found, "thin_loss", 0.35)


def test_halo_over_the_sweep_is_a_halo_region():
    truth = ring_truth(prong=False)
    outside = coverage_disc((SIZE, SIZE), CENTRE, RADIUS + 8) - coverage_disc((SIZE, SIZE), CENTRE, RADIUS)
    outside[:, : CENTRE[0]] = 0  # the halo on the right half only
    ai = np.maximum(truth, 0.35 * outside)
    found = detect(photo_of(truth, seed=2), as_mask(ai))
    halo = boxes_of(found, "halo", 0.35)
    assert halo and all(overlaps(b, CENTRE[0], 0, SIZE, SIZE) for b in halo)


def test_clipped_tip_is_a_clipped_region():
    truth = ring_truth(prong=False)
    ai = truth.copy()
    ai[CENTRE[1] + RADIUS - 10 :, :] = 0  # the ring's bottom 10 px cut off along a chord
    found = detect(photo_of(truth, seed=3), as_mask(ai))
    clipped = boxes_of(found, "clipped", 0.35)
    assert clipped and all(overlaps(b, 0, CENTRE[1] + RADIUS - 12, SIZE, SIZE) for b in clipped)


def test_true_alpha_as_mask_is_low_risk_and_has_no_confident_region():
    for seed, prong in ((4, True), (5, False)):
        truth = ring_truth(prong=prong)
        found = detect(photo_of(truth, seed=seed), as_mask(truth))
        assert found.risk < 0.2
        assert not [r for r in found.regions if r.confidence >= 0.35]


def test_empty_sweep_and_empty_mask_give_nothing():
    rgb = photo_of(np.zeros((SIZE, SIZE)), seed=6)
    found = detect(rgb, np.zeros((SIZE, SIZE), np.uint8))
    assert found.regions == () and found.risk == 0.0


def test_inputs_are_not_modified():
    truth = ring_truth()
    rgb, ai = photo_of(truth), ai_without_prong()
    rgb_before, ai_before = rgb.copy(), ai.copy()
    detect(rgb, ai)
    assert np.array_equal(rgb, rgb_before) and np.array_equal(ai, ai_before)


def test_seeded_scene_gives_the_same_detection_twice():
    truth = ring_truth()
    rgb, ai = photo_of(truth), ai_without_prong()
    assert detect(rgb, ai) == detect(rgb, ai)


def test_a_16_bit_photo_is_detected_in_its_high_bytes():
    """16-bit originals are supported end to end: detection looks at them in 8 bits, as the ops
    that repair them analyse them. Low bytes that differ change nothing."""
    truth = ring_truth()
    rgb, ai = photo_of(truth), ai_without_prong()
    rng = np.random.default_rng(3)
    deep = rgb.astype(np.uint16) * 256 + rng.integers(0, 256, rgb.shape, dtype=np.uint16)
    found = detect(deep, ai)
    assert found == detect(rgb, ai) and found.regions
    assert deep.dtype == np.uint16  # not modified


# --- the JSON form the service stores ----------------------------------------------------------


def test_json_form_is_exact():
    found = Detection((Region((10, 20, 5, 30), "thin_loss", 0.875),), 0.875, (100, 80), 1.0, 0.62)
    assert found.to_dict() == {
        "version": 1,
        "size": [100, 80],
        "risk": 0.875,
        "studio_fit": 1.0,
        "edge_sharpness": 0.62,
        "regions": [{"box": [10, 20, 5, 30], "kind": "thin_loss", "confidence": 0.875}],
    }
    json.dumps(detect(photo_of(ring_truth()), ai_without_prong()).to_dict())  # plain JSON types


def test_boxes_lie_inside_the_image_and_confidences_in_range():
    found = detect(photo_of(ring_truth()), ai_without_prong())
    for region in found.regions:
        x, y, w, h = region.box
        assert 0 <= x and 0 <= y and w >= 1 and h >= 1 and x + w <= SIZE and y + h <= SIZE
        assert 0.0 <= region.confidence <= 1.0
        assert all(type(v) is int for v in region.box)
    assert [r.confidence for r in found.regions] == sorted((r.confidence for r in found.regions), reverse=True)


# --- the pieces --------------------------------------------------------------------------------


def test_thin_finder_ignores_a_contact_shadow_hugging_the_outline():
    truth = ring_truth(prong=False)
    rgb = photo_of(truth, seed=7).astype(np.float32)
    # A dark, neutral band 4-7 px outside the ring's lower half: a contact shadow.
    shadow = coverage_disc((SIZE, SIZE), CENTRE, RADIUS + 7) - coverage_disc((SIZE, SIZE), CENTRE, RADIUS + 4)
    shadow[: CENTRE[1], :] = 0
    rgb = np.clip(rgb * (1 - 0.3 * shadow[..., None]), 0, 255).astype(np.uint8)
    assert find_thin_loss(rgb, as_mask(truth)).structures == ()


def faint_wire_photo(length):
    """A gold bar (y 200..229) on a flat sweep, and a 2 px wire 4 levels darker than the sweep
    standing on it, ``length`` px tall; the AI mask has the bar only."""
    rng = np.random.default_rng(0)
    truth = np.zeros((SIZE, SIZE))
    truth[200:230, 40:200] = 1.0
    rgb = np.full((SIZE, SIZE, 3), SWEEP) * (1 - truth[..., None]) + truth[..., None] * np.array(GOLD, float)
    rgb[200 - length : 200, 119:121] -= 4.0
    rgb = cv2.GaussianBlur(rgb.astype(np.float32), (0, 0), 0.5)
    rgb = np.clip(rgb + rng.normal(0, 1.2, rgb.shape), 0, 255).astype(np.uint8)
    ok, data = cv2.imencode(".jpg", rgb[..., ::-1], [cv2.IMWRITE_JPEG_QUALITY, 92])
    return cv2.imdecode(data, cv2.IMREAD_COLOR)[..., ::-1].copy(), as_mask(truth)


def test_thin_finder_takes_a_long_faint_wire_without_a_seed_but_not_a_short_one():
    # 4 levels is about 5 sigmas of the top-hat's noise: no pixel reaches SEED_Z, so only the
    # long wire's length vouches for it.
    assert find_thin_loss(*faint_wire_photo(40)).structures == ()
    (wire,) = find_thin_loss(*faint_wire_photo(120)).structures
    x, y, w, h = wire.box
    assert x <= 119 and x + w >= 121 and y <= 82 and y + h >= 190
    assert wire.strength < SEED_Z


def test_thin_confidence_adds_up_along_a_faint_wire():
    # (1 - exp(-(z - 4) * sqrt(max(1, n / 100)) / 4)) * (1 - exp(-n / 40)), x 0.7 if neutral dark.
    assert _thin_confidence(6.0, 100, False) == pytest.approx((1 - np.exp(-0.5)) * (1 - np.exp(-2.5)))
    assert _thin_confidence(6.0, 400, False) == pytest.approx((1 - np.exp(-1.0)) * (1 - np.exp(-10.0)))
    assert _thin_confidence(6.0, 400, True) == pytest.approx(0.7 * _thin_confidence(6.0, 400, False))
    assert _thin_confidence(4.0, 10_000, False) == 0.0  # at the growing threshold: no evidence


def test_edge_sharpness_of_a_coverage_edge_and_a_blurred_one():
    disc = as_mask(coverage_disc((64, 64), (31.7, 32.2), 20.5))
    assert edge_sharpness(disc) == pytest.approx(1.0, abs=0.03)
    assert edge_sharpness(cv2.GaussianBlur(disc, (0, 0), 1.0)) == pytest.approx(0.61, abs=0.05)
    assert edge_sharpness(np.zeros((10, 10), np.uint8)) == 1.0


def test_colour_alpha_reads_half_coverage_and_forgives_a_shadow():
    rgb = np.full((40, 60, 3), 200, np.uint8)
    rgb[10:30, 10:30] = GOLD
    rgb[10:30, 30:32] = (np.array(GOLD) + 200) / 2  # half gold
    rgb[10:30, 45:55] = 150  # a deep neutral shadow on the sweep
    ai = np.zeros((40, 60), np.uint8)
    ai[10:30, 10:30] = 255
    model = colour_model(rgb, ai)
    estimate = colour_alpha(model)
    assert estimate.reliable[20, 31] and estimate.alpha[20, 31] == pytest.approx(0.5, abs=0.1)
    assert estimate.alpha[20, 50] == pytest.approx(0.0, abs=0.1)  # chroma says: sweep
    assert model.background_z[20, 50] < 2.0  # a shadow looks like background


def test_background_distance_counts_chroma_and_lightening_only():
    bg = np.full((1, 4, 3), 200, np.float32)
    px = np.array([[[200, 200, 200], [100, 100, 100], [230, 230, 230], [200, 200, 150]]], np.float32)
    # Sweep and deep shadow: 0. Lighter by 30 in each channel: 30 * sqrt(3) = 52.0 along the
    # sweep's colour. Yellow (blue down 50): 50 * sqrt(2/3) = 40.8 across it.
    assert background_distance(px, bg, 1.0)[0].tolist() == pytest.approx([0.0, 0.0, 51.96, 40.82], abs=0.01)


def test_work_scale_keeps_the_long_side_under_1600():
    assert work_scale((1600, 1200)) == 1 and work_scale((4000, 6000)) == 4 and work_scale((1601, 10)) == 2


# --- bad input ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "rgb, ai, error, message",
    [
        (np.zeros((10, 10, 3), np.float32), np.zeros((10, 10), np.uint8), CoreError, "photo must be an (H, W, 3)"),
        (np.zeros((10, 10), np.uint8), np.zeros((10, 10), np.uint8), CoreError, "photo must be an (H, W, 3)"),
        (np.zeros((10, 10, 3), np.uint8), np.zeros((10, 10, 1), np.uint8), CoreError, "AI mask must be an (H, W)"),
        (np.zeros((10, 10, 3), np.uint8), np.zeros((10, 12), np.uint8), SizeMismatchError, "12x10 but the photo"),
        ("photo.jpg", np.zeros((10, 10), np.uint8), CoreError, "got str"),
    ],
)
def test_bad_inputs_are_refused_with_a_clear_message(rgb, ai, error, message):
    with pytest.raises(error) as info:
        detect(rgb, ai)
    assert message in str(info.value)
