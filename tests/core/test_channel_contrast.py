"""Tests for core.channel_contrast: background plane, shadow-blind contrast, noise."""

from __future__ import annotations

import numpy as np
import pytest

from core import channel_contrast as cc


def full(h, w, value=255):
    return np.full((h, w), value, np.uint8)


def test_a_neutral_shadow_has_no_darker_contrast_but_gold_keeps_its_blue():
    planes = np.full((1, 3, 3), 200, np.float32)
    rgb = np.array([[[140, 140, 140], [200, 180, 100], [140, 126, 70]]], np.uint8)  # shadow, gold, gold in shadow
    blue = cc.contrast(rgb, planes, 2, dark=True)
    # shadow: all three at 0.7 -> 0.7 * 200 - 140 = 0; gold: max ratio 1.0 -> 200 - 100 = 100;
    # gold under a 0.7 shadow: max ratio 0.7 -> 140 - 70 = 70 (the shadow scales it, no more)
    assert blue.tolist() == [[0.0, 100.0, 70.0]]
    assert cc.contrast(rgb, planes, 0, dark=False).tolist() == [[-60.0, 0.0, -60.0]]


def test_contrast_class_matches_the_function():
    rng = np.random.default_rng(0)
    rgb = rng.integers(0, 256, (7, 9, 3)).astype(np.uint8)
    background = (120.0, 0.5, -0.25, 90.0, 0.0, 1.0, 200.0, -1.0, 0.0)
    region = full(7, 9)
    planes = cc.plane_maps(background, region)
    maps = cc.Contrast(rgb, background, region)
    for k in range(3):
        for dark in (False, True):
            assert np.allclose(maps(k, dark), cc.contrast(rgb, planes, k, dark=dark), atol=1e-4)


def test_the_plane_fit_recovers_a_gradient_and_ignores_a_dark_blob():
    yy, xx = np.mgrid[0:40, 0:50].astype(np.float64)
    rgb = np.stack([150 + 0.5 * xx, 160 - 0.25 * yy, 170 + 0.1 * xx + 0.2 * yy], axis=2)
    rgb[10:16, 10:16] = 20  # 36 px of something else: clipped away by the robust fit
    rgb = np.round(rgb).astype(np.uint8)
    region = full(40, 50)
    fit = cc.fit_background(rgb, region, region > 0)
    assert fit == pytest.approx((150, 0.5, 0, 160, 0, -0.25, 170, 0.1, 0.2), abs=0.35)


def test_plane_coordinates_start_at_the_regions_bounding_box():
    region = np.zeros((4, 6), np.uint8)
    region[2:, 3:] = 255
    planes = cc.plane_maps((10.0, 1.0, 100.0, 0, 0, 0, 0, 0, 0), region)
    assert planes[2, 3, 0] == 10.0 and planes[3, 5, 0] == 112.0
    assert planes[..., 1].min() == 1.0  # planes are at least 1 (they divide)


def test_background_pixels_prefer_the_ai_background_then_the_border_ring():
    rgb = np.full((20, 20, 3), 200, np.uint8)
    inside = np.ones((20, 20), bool)
    ai = np.zeros((20, 20), np.uint8)
    ai[:, :5] = 255
    assert cc.background_pixels(rgb, inside, ai).sum() == 300
    ring = cc.background_pixels(rgb, inside, None)
    assert ring.sum() == 20 * 20 - 14 * 14 and not ring[3:17, 3:17].any()  # a 3 px border ring


def test_body_coloured_background_pixels_are_dropped_when_enough_remain():
    # A gold body (opaque in the AI) and a lost piece of it (transparent in the AI): the lost
    # piece is coloured like the body, so it is not background.
    rgb = np.full((30, 30, 3), 235, np.uint8)
    rgb[:, :10] = (222, 178, 70)
    ai = np.zeros((30, 30), np.uint8)
    ai[:, :6] = 255
    bg = cc.background_pixels(rgb, np.ones((30, 30), bool), ai)
    assert not bg[:, :10].any() and bg[:, 10:].all()


def test_noise_of_a_lighter_source_ignores_shadows_below():
    rng = np.random.default_rng(1)
    noise = rng.normal(0, 2.0, 4000)
    shadowed = np.concatenate([noise, -rng.uniform(10, 60, 1000)])  # a fifth of the pixels in shadow
    _, plain = cc.noise(shadowed)
    offset, upper = cc.noise(shadowed, upper=True)
    # the shadows still pull the median down a little (to -0.67), so the upper half is ~20 % wide
    assert 2.0 <= upper <= 2.5 < plain
    assert cc.noise(np.array([]))[1] == cc.NOISE_FLOOR
    assert cc.noise(np.zeros(50))[1] == cc.NOISE_FLOOR


def test_sample_is_a_thinned_boolean_index():
    array = np.arange(100_000, dtype=np.float32).reshape(250, 400)
    mask = np.ones(array.shape, bool)
    picked = cc.sample(array, mask)
    assert len(picked) == pytest.approx(cc.SAMPLES, rel=0.01) and (np.diff(picked) == 5).all()
