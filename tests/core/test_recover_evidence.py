"""core.recover_evidence: colour and line evidence, calibrated on the photo's own known pixels."""

import cv2
import numpy as np
import pytest

from core import recover
from core.recover_evidence import ColourEvidence, lab_of, ridge_strength, samples_of, thin_and_joined

RED, BLUE_GREY = (200, 60, 40), (90, 120, 150)


def red_strand_on_clutter(seed: int, *, clutter: float = 18, strand: bool = True):
    """A red body with a 3 px red strand 14 px tall, on blotchy blue-grey clutter (blotches of
    ``clutter`` levels); the mask lost the strand."""
    rng = np.random.default_rng(seed)
    h = w = 120
    blotches = cv2.resize(rng.normal(0, 1, (h // 8, w // 8, 3)).astype(np.float32), (w, h),
                          interpolation=cv2.INTER_CUBIC)
    wall = np.array(BLUE_GREY, np.float32) + clutter * blotches
    truth = np.zeros((h, w), np.float32)
    truth[80:, :] = 1
    truth[66:80, 58:61] = 1 if strand else 0
    rgb = truth[..., None] * np.array(RED, np.float32) + (1 - truth[..., None]) * wall
    rgb = np.clip(rgb + rng.normal(0, 2, rgb.shape), 0, 255).astype(np.uint8)
    ai = (truth * 255).astype(np.uint8)
    ai[66:80, 58:61] = 0
    return rgb, ai


def two_colour_samples(rng, obj_colour, bg_colour, n=2000, spread=6.0):
    lab = np.concatenate([
        lab_of(np.clip(rng.normal(obj_colour, spread, (n, 1, 3)), 0, 255).astype(np.uint8)),
        lab_of(np.clip(rng.normal(bg_colour, spread, (n, 1, 3)), 0, 255).astype(np.uint8)),
    ])
    return lab, np.arange(n), np.arange(n, 2 * n)


def test_colour_is_trusted_where_it_separates_and_says_which_side_a_colour_is_on():
    lab, obj, bg = two_colour_samples(np.random.default_rng(0), RED, BLUE_GREY)
    colour = ColourEvidence.fit(lab, obj, bg)
    assert colour.trusted and colour.held_out_pass > 0.9
    probe = lab_of(np.array([[RED, BLUE_GREY, (145, 90, 95)]], np.uint8)).reshape(-1, 3)
    assert colour.object_like(probe).tolist()[:2] == [True, False]
    a_red, a_wall, a_mix = colour.alpha(probe)
    assert a_red > 0.9 and a_wall < 0.1 and 0.3 < a_mix < 0.7  # half red, half wall: in between


def test_colour_shared_by_object_and_background_is_no_evidence():
    lab, obj, bg = two_colour_samples(np.random.default_rng(1), RED, RED)
    colour = ColourEvidence.fit(lab, obj, bg)
    assert not colour.trusted and colour.held_out_pass < 0.2


def test_too_few_samples_say_nothing():
    few = np.zeros((40, 40), bool)
    few[0, :150 // 40] = True
    many = np.ones((40, 40), bool)
    assert samples_of(few, many) is None
    obj, bg = samples_of(many, many)
    assert len(obj) == len(bg) == 1600  # under MAX_SAMPLES: all of them


def test_a_thin_object_coloured_line_answers_the_ridge_filter_and_flat_wall_does_not():
    rgb = np.full((60, 60, 3), BLUE_GREY, np.uint8)
    rgb[40:, :] = RED
    rgb[10:40, 29:32] = RED  # a 3 px line
    lab = lab_of(rgb)
    obj = np.flatnonzero((np.arange(60)[:, None] >= 44).repeat(60, 1).ravel())
    bg = np.flatnonzero(((np.arange(60)[:, None] < 8) & np.ones((1, 60), bool)).ravel())
    strength = ridge_strength(lab, obj, bg)
    assert strength[20:30, 30].min() > 0.1
    assert strength[20:30, 5:20].max() < 0.01 and strength[20:30, 42:55].max() < 0.01


def test_the_guards_keep_thin_groups_touching_the_mask_only():
    base = np.zeros((60, 60), bool)
    base[40:, :] = True
    extra = np.zeros_like(base)
    extra[20:40, 10:12] = True  # thin, on the mask: kept
    extra[20:35, 30:32] = True  # thin, 5 px above the mask: refused
    extra[25:40, 45:58] = True  # wide, on the mask: refused
    kept = thin_and_joined(extra, base, open_px=7)
    assert kept[20:40, 10:12].all()
    assert not kept[:, 25:].any()


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_evidence_completes_a_strand_the_solve_alone_leaves_short_and_changes_nothing_else(seed, monkeypatch):
    rgb, ai = red_strand_on_clutter(seed)
    region = np.full(ai.shape, 255, np.uint8)
    with_evidence = recover.recover_region(rgb, ai, region, radius=16)
    monkeypatch.setattr(recover, "_with_photo_evidence", lambda rgb, a, s, unknown, accepted, reached, radius: (accepted, s))
    solve_only = recover.recover_region(rgb, ai, region, radius=16)
    strand = (slice(66, 80), slice(58, 61))
    assert (with_evidence[strand] >= 128).all()
    assert (solve_only[strand] >= 128).mean() < 1.0  # the tip, where the solve fades
    outside = np.ones(ai.shape, bool)
    outside[strand] = False
    assert np.abs(with_evidence.astype(int) - ai)[outside].max() <= 25
    assert (with_evidence >= solve_only).all()


@pytest.mark.parametrize("seed", range(6))
def test_on_a_correct_mask_over_heavy_clutter_the_evidence_adds_nothing(seed, monkeypatch):
    # Blotches of 40 levels put reddish patches on the wall next to the piece: relatively nearer
    # the object's colours than the ring's, but not among them (the held-out calibration).
    rgb, ai = red_strand_on_clutter(seed, clutter=40, strand=False)
    region = np.full(ai.shape, 255, np.uint8)
    with_evidence = recover.recover_region(rgb, ai, region, radius=16)
    monkeypatch.setattr(recover, "_with_photo_evidence", lambda rgb, a, s, unknown, accepted, reached, radius: (accepted, s))
    assert np.array_equal(with_evidence, recover.recover_region(rgb, ai, region, radius=16))
