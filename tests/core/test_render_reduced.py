"""Reduced-resolution renders (core.reduced): the full render reduced, approximately; inputs untouched."""

from __future__ import annotations

import math

import cv2
import numpy as np
import pytest

from core.codecs import DecodedImage, ImageInfo
from core.recipe import Recipe
from core.reduced import MIN_OVERSAMPLE, REDUCED_BELOW, level_factor, reduce_inputs, render_reduced
from core.render import render_crop
from core.window import Rect

# Paths (one feathered, one subtracting), refine with every control, decontaminate: the ops whose
# lengths scale. (Channel ops with automatic levels read the region's noise, which reducing
# averages away: on noisy regions their reduced mask is a coarser approximation, not tested here.)
RECIPE = {
    "ops": [
        {"op": "refine", "smooth": 20, "feather": 4, "contrast": 40, "shift_edge": 10},
        {"op": "path", "d": "M 300 60 H 420 V 260 H 300 Z", "mode": "add", "feather": 4},
        {"op": "path", "d": "M 120 20 H 200 V 80 H 120 Z", "mode": "subtract"},
        {"op": "path", "d": "M 40 240 C 80 200 120 280 160 240 L 160 300 L 40 300 Z", "mode": "add"},
        {"op": "decontaminate", "amount": 60},
    ]
}


def scene(height: int = 320, width: int = 480, seed: int = 3) -> tuple[np.ndarray, np.ndarray]:
    """A gold ring and a silver block on a light background, and an AI mask that lost the block."""
    rng = np.random.default_rng(seed)
    rgb = np.full((height, width, 3), 220, np.uint8)
    cv2.circle(rgb, (160, 160), 90, (196, 160, 72), 30, cv2.LINE_AA)
    cv2.rectangle(rgb, (300, 60), (420, 260), (150, 152, 160), -1)
    rgb = np.clip(rgb.astype(np.int16) + rng.integers(-2, 3, rgb.shape), 0, 255).astype(np.uint8)
    ai = np.zeros((height, width), np.uint8)
    cv2.circle(ai, (160, 160), 90, 255, 30, cv2.LINE_AA)
    return rgb, cv2.GaussianBlur(ai, (0, 0), 1.5)


def decoded(rgb: np.ndarray) -> DecodedImage:
    return DecodedImage(rgb=rgb, icc_profile=None, bit_depth=8, info=ImageInfo.of_array(rgb))


@pytest.mark.parametrize("scale", [2**-1.5, 2**-2, 2**-2.5, 2**-3])
def test_a_reduced_render_is_the_full_render_reduced_within_a_few_levels(scale):
    rgb, ai = scene()
    recipe = Recipe.from_dict(RECIPE)
    window = Rect(0, 0, 480, 320)
    exact = render_crop(decoded(rgb), ai, recipe, window, scale)
    factor = level_factor(scale)
    approx = render_reduced(*reduce_inputs(rgb, ai, factor), recipe, window, scale, factor)
    assert approx.alpha.shape == exact.alpha.shape and approx.rgb.shape == exact.rgb.shape
    assert (approx.window, approx.scale, approx.level) == (window, scale, factor)
    diff = np.abs(exact.alpha.astype(int) - approx.alpha)
    # Two area averages in a row (original to level, level to output) spread each edge over one
    # more level pixel than one average does: up to ~40 levels on an edge pixel of this small
    # scene, whose 60 x 40 output at 1/8 is mostly edges. (On the 24 MP benchmark scene at fit
    # the mean difference is ~0.2.)
    assert diff.mean() < 2
    assert np.percentile(diff, 99) <= 40
    # the block the path restored and the hole it cut read the same at any resolution
    block = approx.alpha[math.ceil(64 * scale) : int(256 * scale), math.ceil(304 * scale) : int(416 * scale)]
    assert block.min() >= 250
    both = (exact.alpha > 128) & (approx.alpha > 128)
    colour = np.abs(exact.rgb.astype(int) - approx.rgb)[both]
    assert colour.mean() < 2


def test_a_window_renders_the_same_part_as_the_whole():
    rgb, ai = scene()
    recipe = Recipe.from_dict(RECIPE)
    factor = level_factor(0.25)
    level = reduce_inputs(rgb, ai, factor)
    whole = render_reduced(*level, recipe, Rect(0, 0, 480, 320), 0.25, factor)
    part = render_reduced(*level, recipe, Rect(256, 32, 448, 288), 0.25, factor)
    assert part.alpha.shape == (64, 48)
    diff = np.abs(whole.alpha[8:72, 64:112].astype(int) - part.alpha)
    assert diff.max() <= 1, "a window snapped to 32 px is the same pixels as the whole"


def test_inputs_are_never_mutated():
    rgb, ai = scene()
    rgb_before, ai_before = rgb.copy(), ai.copy()
    rgb.flags.writeable = ai.flags.writeable = False  # any write would raise
    factor = level_factor(0.2)
    level_rgb, level_alpha = reduce_inputs(rgb, ai, factor)
    level_before = (level_rgb.copy(), level_alpha.copy())
    level_rgb.flags.writeable = level_alpha.flags.writeable = False
    recipe = Recipe.from_dict(RECIPE)
    recipe_before = recipe.to_json()
    render_reduced(level_rgb, level_alpha, recipe, Rect(0, 0, 480, 320), 0.2, factor)
    assert np.array_equal(rgb, rgb_before) and np.array_equal(ai, ai_before)
    assert np.array_equal(level_rgb, level_before[0]) and np.array_equal(level_alpha, level_before[1])
    assert recipe.to_json() == recipe_before


def test_the_auto_base_is_taken_from_the_level_given():
    rgb, ai = scene()
    recipe = Recipe.from_dict({"base": "auto", "ops": []})
    level = reduce_inputs(rgb, ai, 0.5)
    out = render_reduced(*level, recipe, Rect(0, 0, 480, 320), 0.25, 0.5)
    from core.codecs import resize_rgba

    assert np.array_equal(out.alpha, resize_rgba(level[0], level[1], (120, 80))[1])


@pytest.mark.parametrize("scale", [1 / 64, 0.05, 2**-2.5, 0.2, 0.3, 0.49])
def test_levels_are_aligned_fractions_at_1_4_to_2_times_the_scale(scale):
    factor = level_factor(scale)
    k = -math.log2(factor)
    assert k == round(k) or -math.log2(factor / 3) == round(-math.log2(factor / 3)), "2**-k or 3 * 2**-k"
    assert MIN_OVERSAMPLE * scale * (1 - 1e-9) <= factor < 2 * MIN_OVERSAMPLE * scale
    assert factor <= 1
    assert (32 * factor).is_integer() or factor < 3 / 32, "an edge snapped to 32 px is a whole level pixel"


def test_at_and_above_half_scale_the_render_is_exact():
    assert level_factor(REDUCED_BELOW) == level_factor(0.75) == level_factor(1) == 1.0
    assert level_factor(0.4999) < 1


def test_level_sizes_and_refusals():
    rgb, ai = scene()
    small_rgb, small_alpha = reduce_inputs(rgb, ai, 0.25)
    assert small_rgb.shape == (80, 120, 3) and small_alpha.shape == (80, 120)
    with pytest.raises(ValueError, match=r"factor must be in \(0, 1\] and leave at least one pixel"):
        reduce_inputs(rgb, ai, 0)
    with pytest.raises(ValueError, match="alpha must be"):
        reduce_inputs(rgb, ai[:10], 0.5)
    with pytest.raises(ValueError, match=r"scale must be in \(0, factor=0.5\]"):
        render_reduced(small_rgb, small_alpha, Recipe.from_dict({"ops": []}), Rect(0, 0, 480, 320), 0.75, 0.5)
    with pytest.raises(ValueError, match="scale must be a positive finite number"):
        level_factor(0)


def test_a_window_smaller_than_a_level_pixel_still_renders_one():
    rgb, ai = scene()
    factor = level_factor(1 / 64)
    level = reduce_inputs(rgb, ai, factor)
    out = render_reduced(*level, Recipe.from_dict({"ops": []}), Rect(470, 310, 480, 320), 1 / 64, factor)
    assert out.alpha.shape == (1, 1)
