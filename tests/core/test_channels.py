"""Tests for core.channels (channel masks) and core.levels (Photoshop Levels)."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.channels import ChannelParams, apply_channel, channel_alpha, channel_scores, resolve_channel_params
from core.errors import CoreError, InvalidRecipeError, SizeMismatchError
from core.levels import levels_lut

GOLD = (222.0, 178.0, 70.0)  # yellow gold: blue differs most from a white sweep
WHITE_SWEEP = (236.0, 234.0, 232.0)


# --- scenes built in code --------------------------------------------------------------------


def segment_coverage(shape, p0, p1, width, ss=4):
    """Exact-ish area coverage (ss x ss supersampling) of a straight wire from p0 to p1 (x, y)."""
    h, w = shape
    offsets = (np.arange(ss) + 0.5) / ss
    ys = (np.arange(h)[:, None] + offsets[None, :]).ravel()
    xs = (np.arange(w)[:, None] + offsets[None, :]).ravel()
    y, x = np.meshgrid(ys, xs, indexing="ij")
    (x0, y0), (x1, y1) = p0, p1
    dx, dy = x1 - x0, y1 - y0
    t = np.clip(((x - x0) * dx + (y - y0) * dy) / (dx * dx + dy * dy), 0, 1)
    inside = np.hypot(x - (x0 + t * dx), y - (y0 + t * dy)) <= width / 2
    return inside.reshape(h, ss, w, ss).mean(axis=(1, 3))


def wire_scene(seed=0, size=112, metal=GOLD, sweep=WHITE_SWEEP, jpeg=92):
    """A 2 px wire across a sweep with a gradient, a deep soft shadow and the wire's own contact
    shadow, blurred, noisy and (by default) JPEG-compressed like a studio shot.

    Returns rgb (uint8), the true alpha, the soft-shadow and contact-shadow strengths.
    """
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:size, 0:size].astype(np.float64)
    base = np.array(sweep)[None, None, :] * (1 - 0.0005 * yy)[..., None]
    soft = 0.35 * np.exp(-((xx - 40) ** 2 + (yy - 70) ** 2) / (2 * 14.0**2))
    p0, p1 = (12.0, 20.0), (100.0, 92.0)
    cover = segment_coverage((size, size), p0, p1, 2.0)
    beneath = segment_coverage((size, size), (p0[0], p0[1] + 4), (p1[0], p1[1] + 4), 2.0)
    contact = 0.25 * cv2.GaussianBlur(beneath, (0, 0), 1.5)
    img = base * ((1 - soft) * (1 - contact))[..., None]
    img = img * (1 - cover[..., None]) + np.array(metal)[None, None, :] * cover[..., None]
    img = cv2.GaussianBlur(img, (0, 0), 0.5) + rng.normal(0, 1.5, img.shape)
    rgb = np.clip(np.round(img), 0, 255).astype(np.uint8)
    if jpeg:
        _, buf = cv2.imencode(".jpg", np.ascontiguousarray(rgb[..., ::-1]), [cv2.IMWRITE_JPEG_QUALITY, jpeg])
        rgb = np.ascontiguousarray(cv2.imdecode(buf, cv2.IMREAD_COLOR)[..., ::-1])
    return rgb, np.round(cover * 255).astype(np.uint8), soft, contact


def flat_wire(fg, bg, size=48, seed=1):
    """A plain 3 px vertical wire of colour ``fg`` on ``bg``, with a little noise."""
    rng = np.random.default_rng(seed)
    img = np.empty((size, size, 3))
    img[:] = bg
    img[:, size // 2 - 1 : size // 2 + 2] = fg
    img += rng.normal(0, 1.0, img.shape)
    return np.clip(np.round(img), 0, 255).astype(np.uint8)


def full(shape, value=255):
    return np.full(shape[:2], value, np.uint8)


# --- channel choice --------------------------------------------------------------------------


def test_auto_channel_is_blue_for_yellow_gold_on_white():
    rgb, gt, _, _ = wire_scene(seed=3)
    ai = np.zeros(gt.shape, np.uint8)
    scores = channel_scores(rgb, full(rgb.shape), ai_alpha=ai)
    assert max(scores, key=scores.get) == "b"
    assert scores["b"] > 2 * scores["g"] > 0
    params = resolve_channel_params(rgb, full(rgb.shape), ai)
    assert (params.channel, params.invert, params.adaptive) == ("b", True, True)


def test_scores_without_ai_mask_use_the_region_border():
    rgb = flat_wire(GOLD, WHITE_SWEEP)
    scores = channel_scores(rgb, full(rgb.shape))
    assert max(scores, key=scores.get) == "b"


def test_scores_of_an_empty_region_are_zero():
    rgb = flat_wire(GOLD, WHITE_SWEEP)
    assert channel_scores(rgb, full(rgb.shape, 0)) == {"r": 0.0, "g": 0.0, "b": 0.0}


def test_fixed_channel_is_kept():
    rgb = flat_wire(GOLD, WHITE_SWEEP)
    params = resolve_channel_params(rgb, full(rgb.shape), None, channel="g")
    assert params.channel == "g" and params.invert is True


# --- Levels ----------------------------------------------------------------------------------


def test_manual_levels_exact_values():
    # black 50, white 150, gamma 1: (v - 50) / 100 * 255 rounded half up, so 100 -> 127.5 -> 128;
    # inverted, 255 - 128 = 127 (Photoshop's Invert on the 8-bit result).
    rgb = np.zeros((1, 7, 3), np.uint8)
    rgb[0, :, 2] = (0, 49, 50, 75, 100, 150, 200)
    params = resolve_channel_params(rgb, full(rgb.shape), None, channel="b", black=50, white=150, invert=False)
    assert params == ChannelParams("b", 50.0, 150.0, 1.0, False)
    assert channel_alpha(rgb, full(rgb.shape), params).tolist() == [[0, 0, 0, 64, 128, 255, 255]]
    inverted = ChannelParams("b", 50.0, 150.0, 1.0, True)
    assert channel_alpha(rgb, full(rgb.shape), inverted).tolist() == [[255, 255, 255, 191, 127, 0, 0]]


def test_invert_is_255_minus_the_levels_table():
    for black, white, gamma in ((0, 255, 1.0), (50, 150, 1.0), (12.5, 200.25, 2.2), (100, 101, 0.3)):
        plain = levels_lut(black, white, gamma, invert=False)
        assert (levels_lut(black, white, gamma, invert=True) == 255 - plain).all()


def test_gamma_is_photoshop_midtones():
    # output = x ** (1 / gamma): gamma 2 lifts 64/255 to sqrt(0.251) = 0.501 -> 128.
    lut = levels_lut(0, 255, 2.0)
    assert int(lut[64]) == 128 and int(lut[0]) == 0 and int(lut[255]) == 255


def test_manual_levels_are_plain_photoshop_even_on_shadows():
    rgb, _, _, _ = wire_scene(seed=0)
    params = resolve_channel_params(rgb, full(rgb.shape), None, channel="b", black=120, white=200, invert=True)
    assert not params.adaptive
    expected = cv2.LUT(np.ascontiguousarray(rgb[..., 2]), levels_lut(120, 200, 1.0, True))
    assert (channel_alpha(rgb, full(rgb.shape), params) == expected).all()


def test_one_manual_point_keeps_it_and_estimates_the_other():
    rgb, gt, _, _ = wire_scene(seed=2)
    ai = np.zeros(gt.shape, np.uint8)
    params = resolve_channel_params(rgb, full(rgb.shape), ai, black=90)
    assert params.black == 90.0 and params.white > 90.0 and not params.adaptive
    params = resolve_channel_params(rgb, full(rgb.shape), ai, white=30)
    assert params.white == 30.0 and 0.0 <= params.black < 30.0


# --- automatic invert ------------------------------------------------------------------------


def test_auto_invert_dark_piece_on_light_background():
    rgb = flat_wire((120, 110, 40), (235, 235, 230))
    assert resolve_channel_params(rgb, full(rgb.shape), np.zeros(rgb.shape[:2], np.uint8)).invert is True


def test_auto_invert_light_piece_on_dark_background():
    rgb = flat_wire((230, 220, 200), (30, 30, 35))  # silver on black velvet
    params = resolve_channel_params(rgb, full(rgb.shape), np.zeros(rgb.shape[:2], np.uint8))
    assert params.invert is False
    alpha = channel_alpha(rgb, full(rgb.shape), params)
    assert (alpha[:, 23:26] >= 128).mean() > 0.95 and alpha[:, :20].max() == 0


# --- apply_channel arithmetic ----------------------------------------------------------------


def test_modes_on_tiny_arrays():
    alpha = np.array([[0, 100, 200, 255]], np.uint8)
    mask = np.array([[255, 64, 100, 0]], np.uint8)  # channel mask, already times the coverage
    region = np.array([[255, 128, 255, 0]], np.uint8)
    # replace: a * (1 - r) + c -> 255; (100 * 127 + 64 * 255) / 255 = 113.8 -> 114; 100; 255 (r = 0)
    assert apply_channel(alpha, mask, region, "replace").tolist() == [[255, 114, 100, 255]]
    assert apply_channel(alpha, mask, region, "add").tolist() == [[255, 100, 200, 255]]
    # subtract: a * (1 - c) -> 0; 100 * 191 / 255 = 74.9 -> 75; 200 * 155 / 255 = 121.6 -> 122; 255
    assert apply_channel(alpha, mask, region, "subtract").tolist() == [[0, 75, 122, 255]]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 255), st.integers(0, 255), st.integers(0, 255)), min_size=1, max_size=30),
    st.sampled_from(["replace", "add", "subtract"]),
)
def test_modes_match_a_float_reference(triples, mode):
    alpha = np.array([[a for a, _, _ in triples]], np.uint8)
    region = np.array([[r for _, r, _ in triples]], np.uint8)
    mask = np.array([[m * r // 255 for _, r, m in triples]], np.uint8)  # c = m * r, as channel_alpha gives
    a, c, r = alpha / 255.0, mask / 255.0, region / 255.0
    ref = {"replace": a * (1 - r) + c, "add": np.maximum(a, c), "subtract": a * (1 - c)}[mode]
    out = apply_channel(alpha, mask, region, mode)
    assert np.abs(out.astype(float) - np.clip(ref, 0, 1) * 255).max() <= 0.5 + 1e-9


def test_zero_coverage_leaves_alpha_unchanged():
    rgb, gt, _, _ = wire_scene(seed=1)
    alpha = np.random.default_rng(5).integers(0, 256, gt.shape).astype(np.uint8)
    none = full(rgb.shape, 0)
    params = resolve_channel_params(rgb, none, alpha)
    mask = channel_alpha(rgb, none, params)
    assert not mask.any()
    for mode in ("replace", "add", "subtract"):
        assert (apply_channel(alpha, mask, none, mode) == alpha).all()


def test_outside_a_partial_region_alpha_is_unchanged():
    rgb, gt, _, _ = wire_scene(seed=1)
    ai = np.zeros(gt.shape, np.uint8)
    region = np.zeros(gt.shape, np.uint8)
    region[10:60, 5:70] = 255
    params = resolve_channel_params(rgb, region, ai)
    mask = channel_alpha(rgb, region, params)
    assert not mask[region == 0].any() and mask[region > 0].any()
    out = apply_channel(ai, mask, region, "replace")
    assert not out[region == 0].any()


# --- the op on a studio scene ----------------------------------------------------------------


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("jpeg", [92, 0])
def test_thin_wire_recovered_and_shadows_stay_transparent(seed, jpeg):
    rgb, gt, soft, contact = wire_scene(seed=seed, jpeg=jpeg)
    ai = np.zeros(gt.shape, np.uint8)  # the AI mask dropped the wire
    region = full(rgb.shape)
    params = resolve_channel_params(rgb, region, ai)
    result = apply_channel(ai, channel_alpha(rgb, region, params), region, "add")

    wire = gt >= 128
    assert (result[wire] >= 128).mean() >= 0.9
    away = cv2.distanceTransform((gt == 0).astype(np.uint8), cv2.DIST_L2, 3)
    # The soft shadow (up to 35 % darker than the sweep, darker than the wire's own blue) and the
    # wire's contact shadow 4 px below it stay transparent.
    assert result[(soft > 0.1) & (away > 4)].max() <= 8
    assert result[(contact > 0.05) & (away > 2)].max() <= 8
    assert not (result[away > 2] >= 128).any()


def test_plain_levels_would_turn_the_shadow_opaque():
    # Why adaptive levels exist: the same Levels on the raw blue channel, set to catch the wire,
    # also catch the soft shadow.
    rgb, gt, soft, _ = wire_scene(seed=0)
    region = full(rgb.shape)
    auto = resolve_channel_params(rgb, region, np.zeros(gt.shape, np.uint8))
    plain = ChannelParams("b", auto.black, auto.white, 1.0, True)
    alpha = channel_alpha(rgb, region, plain)
    away = cv2.distanceTransform((gt == 0).astype(np.uint8), cv2.DIST_L2, 3)
    assert (alpha[(soft > 0.3) & (away > 4)] >= 128).mean() > 0.5


def test_silver_wire_lighter_than_a_grey_sweep():
    rgb, gt, soft, _ = wire_scene(seed=4, metal=(245.0, 245.0, 246.0), sweep=(205.0, 205.0, 207.0))
    ai = np.zeros(gt.shape, np.uint8)
    region = full(rgb.shape)
    params = resolve_channel_params(rgb, region, ai)
    assert params.invert is False
    result = apply_channel(ai, channel_alpha(rgb, region, params), region, "add")
    assert (result[gt >= 128] >= 128).mean() >= 0.9
    assert result[soft > 0.1].max() <= 8 or (result[soft > 0.1] >= 128).sum() <= (gt[soft > 0.1] >= 128).sum()


def test_clipped_body_in_the_region_is_not_taken_for_background():
    # A gold bar whose AI mask lost its lower half (a clipped corner): the region is mostly that
    # transparent gold. The background must still be the white sweep, so the lost half returns
    # and the sweep stays transparent.
    rng = np.random.default_rng(7)
    img = np.empty((60, 60, 3))
    img[:] = WHITE_SWEEP
    img[:, 10:40] = GOLD
    rgb = np.clip(np.round(img + rng.normal(0, 1.0, img.shape)), 0, 255).astype(np.uint8)
    ai = np.zeros((60, 60), np.uint8)
    ai[:12, 10:40] = 255
    region = full(rgb.shape)
    params = resolve_channel_params(rgb, region, ai)
    assert (params.channel, params.invert) == ("b", True)
    result = apply_channel(ai, channel_alpha(rgb, region, params), region, "add")
    assert (result[:, 12:38] >= 128).mean() > 0.95
    assert result[:, 43:].max() == 0


# --- consistency, inputs, errors -------------------------------------------------------------


def test_any_crop_holding_the_region_gives_the_same_mask():
    rgb, gt, _, _ = wire_scene(seed=2, size=140)
    ai = np.zeros(gt.shape, np.uint8)
    region = np.zeros(gt.shape, np.uint8)
    region[20:100, 15:110] = 255
    region[19, 15:110] = 100  # a soft edge
    whole = channel_alpha(rgb, region, resolve_channel_params(rgb, region, ai))
    crop = np.s_[10:120, 5:130]
    params = resolve_channel_params(rgb[crop], region[crop], ai[crop])
    assert params == resolve_channel_params(rgb, region, ai)
    assert (channel_alpha(rgb[crop], region[crop], params) == whole[crop]).all()
    assert not whole[region == 0].any()


def test_inputs_are_not_mutated():
    rgb, gt, _, _ = wire_scene(seed=0)
    ai = (gt // 3).astype(np.uint8)
    region = full(rgb.shape, 200)
    alpha = ai.copy()
    copies = [a.copy() for a in (rgb, ai, region, alpha)]
    scores = channel_scores(rgb, region, ai_alpha=ai)
    params = resolve_channel_params(rgb, region, ai)
    mask = channel_alpha(rgb, region, params)
    mask_copy = mask.copy()
    for mode in ("replace", "add", "subtract"):
        apply_channel(alpha, mask, region, mode)
    for before, after in zip(copies, (rgb, ai, region, alpha)):
        assert (before == after).all()
    assert (mask == mask_copy).all() and scores


def test_sixteen_bit_original_uses_its_top_eight_bits():
    rgb, gt, _, _ = wire_scene(seed=1)
    rgb16 = rgb.astype(np.uint16) * 257
    ai = np.zeros(gt.shape, np.uint8)
    region = full(rgb.shape)
    p8, p16 = resolve_channel_params(rgb, region, ai), resolve_channel_params(rgb16, region, ai)
    assert p8 == p16
    assert (channel_alpha(rgb, region, p8) == channel_alpha(rgb16, region, p16)).all()


def test_adaptive_params_are_a_hashable_value():
    rgb, gt, _, _ = wire_scene(seed=1)
    p = resolve_channel_params(rgb, full(rgb.shape), np.zeros(gt.shape, np.uint8))
    assert len(p.background) == 9 and 0 <= p.black < p.white <= 255
    assert hash(p) == hash(resolve_channel_params(rgb, full(rgb.shape), np.zeros(gt.shape, np.uint8)))


@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        ({"channel": "x"}, "channel", "must be one of auto, r, g, b, got 'x'"),
        ({"black": 150, "white": 50}, "white", "must be greater than black (150), got 50"),
        ({"black": -1}, "black", "must be a number between 0 and 255, got -1"),
        ({"white": 256}, "white", "must be a number between 0 and 255, got 256"),
        ({"gamma": 0.05}, "gamma", "must be a number between 0.1 and 10, got 0.05"),
        ({"invert": "yes"}, "invert", "must be true, false or null, got 'yes'"),
    ],
)
def test_bad_settings_name_the_field(kwargs, field, message):
    rgb = flat_wire(GOLD, WHITE_SWEEP)
    with pytest.raises(InvalidRecipeError) as info:
        resolve_channel_params(rgb, full(rgb.shape), None, **kwargs)
    assert info.value.field == field and info.value.message == message


def test_bad_params_and_mode_are_refused():
    with pytest.raises(InvalidRecipeError, match="channel: must be one of r, g, b"):
        ChannelParams("a", 0, 255)
    with pytest.raises(InvalidRecipeError, match="white: must be greater than black"):
        ChannelParams("r", 100, 100)
    with pytest.raises(InvalidRecipeError, match="background: adaptive levels need 9"):
        ChannelParams("r", 0, 255, adaptive=True)
    a = np.zeros((2, 2), np.uint8)
    with pytest.raises(InvalidRecipeError, match="mode: must be one of replace, add, subtract, got 'union'"):
        apply_channel(a, a, a, "union")


def test_bad_arrays_are_refused():
    rgb = flat_wire(GOLD, WHITE_SWEEP)
    with pytest.raises(SizeMismatchError, match="region is 40x48 px, expected 48x48 px"):
        channel_scores(rgb, np.zeros((48, 40), np.uint8))
    with pytest.raises(SizeMismatchError, match="ai_alpha is"):
        resolve_channel_params(rgb, full(rgb.shape), np.zeros((4, 4), np.uint8))
    with pytest.raises(CoreError, match="rgb must be uint8 or uint16, got float32"):
        channel_alpha(rgb.astype(np.float32), full(rgb.shape), ChannelParams("r", 0, 255))
    with pytest.raises(CoreError, match=r"rgb must be an \(H, W, 3\) array"):
        channel_alpha(rgb[..., 0], full(rgb.shape), ChannelParams("r", 0, 255))
    with pytest.raises(CoreError, match="region must be an"):
        channel_alpha(rgb, full(rgb.shape).astype(bool), ChannelParams("r", 0, 255))
    a = np.zeros((2, 2), np.uint8)
    with pytest.raises(SizeMismatchError):
        apply_channel(a, np.zeros((2, 3), np.uint8), a, "add")
