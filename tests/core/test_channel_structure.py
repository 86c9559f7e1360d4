"""Tests for core.channel_structure: two directions, coverage levels, the choice of sources.

Scenes are built in code (seeded), like a studio shot: a sweep, the piece composited over it,
a slight blur, sensor noise and (where said) JPEG at quality 92.
"""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from core import channel_structure as cs
from core.channels import ChannelParams, apply_channel, channel_alpha, resolve_channel_params

GREY_SWEEP = (228.0, 228.0, 232.0)
LIT = (246.0, 246.0, 246.0)  # a link catching a highlight: lighter, neutral
TINTED = (226.0, 224.0, 212.0)  # a link mirroring something warm: the sweep's lightness, blue down
GOLD = (222.0, 178.0, 70.0)
WHITE_SWEEP = (236.0, 234.0, 232.0)


def wire_coverage(shape, p0, p1, width, ss=4):
    """Area coverage (ss x ss supersampling) of a straight wire p0 -> p1 (x, y), and the position
    along it (0..1) of each pixel."""
    h, w = shape
    offsets = (np.arange(ss) + 0.5) / ss
    y, x = np.meshgrid(
        (np.arange(h)[:, None] + offsets).ravel(), (np.arange(w)[:, None] + offsets).ravel(), indexing="ij"
    )
    (x0, y0), (x1, y1) = p0, p1
    dx, dy = x1 - x0, y1 - y0
    t = np.clip(((x - x0) * dx + (y - y0) * dy) / (dx * dx + dy * dy), 0, 1)
    inside = np.hypot(x - (x0 + t * dx), y - (y0 + t * dy)) <= width / 2
    return inside.reshape(h, ss, w, ss).mean(axis=(1, 3)), t.reshape(h, ss, w, ss).mean(axis=(1, 3))


def finish(img, rng, jpeg):
    img = cv2.GaussianBlur(img, (0, 0), 0.5) + rng.normal(0, 1.2, img.shape)
    rgb = np.clip(np.round(img), 0, 255).astype(np.uint8)
    if jpeg:
        _, buf = cv2.imencode(".jpg", np.ascontiguousarray(rgb[..., ::-1]), [cv2.IMWRITE_JPEG_QUALITY, jpeg])
        rgb = np.ascontiguousarray(cv2.imdecode(buf, cv2.IMREAD_COLOR)[..., ::-1])
    return rgb


def rope_scene(seed=0, size=120, jpeg=92, link=16):
    """A 2 px silver rope across a grey sweep with its contact shadow 5 px below: links alternately
    lighter than the sweep (LIT) and only tinted (TINTED), so no one direction shows all of it."""
    rng = np.random.default_rng(seed)
    cover, t = wire_coverage((size, size), (10.0, 20.0), (110.0, 96.0), 2.0)
    lit = (t * np.hypot(100, 76) // link).astype(int) % 2 == 0
    colour = np.where(lit[..., None], np.array(LIT), np.array(TINTED))
    beneath, _ = wire_coverage((size, size), (10.0, 25.0), (110.0, 101.0), 2.0)
    contact = 0.2 * cv2.GaussianBlur(beneath, (0, 0), 1.5)
    img = np.array(GREY_SWEEP)[None, None, :] * (1 - contact)[..., None]
    img = img * (1 - cover[..., None]) + colour * cover[..., None]
    return finish(img, rng, jpeg), np.round(cover * 255).astype(np.uint8), contact


def run(rgb, ai, **settings):
    region = np.full(ai.shape, 255, np.uint8)
    params = resolve_channel_params(rgb, region, ai, **settings)
    return params, apply_channel(ai, channel_alpha(rgb, region, params), region, "add")


def distance_from(gt):
    return cv2.distanceTransform((gt == 0).astype(np.uint8), cv2.DIST_L2, 3)


# --- two directions ---------------------------------------------------------------------------


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_a_rope_lit_and_tinted_by_turns_is_found_whole(seed):
    # Half the links are lighter than the sweep, half only bluish-darker: a lighter source sees
    # one half, a darker one the other. Automatic invert uses both, as one structure.
    rgb, gt, _ = rope_scene(seed, jpeg=0)
    ai = np.zeros(gt.shape, np.uint8)
    params, result = run(rgb, ai)
    assert params.invert is False and [(s.channel, s.invert) for s in params.also] == [("b", True)]
    wire = gt >= 128
    assert (result[wire] >= 128).mean() >= 0.93
    assert not (result[distance_from(gt) > 2] >= 128).any()
    _, lighter_only = run(rgb, ai, invert=False)
    assert (lighter_only[wire] >= 128).mean() < 0.6  # the tinted half is missing


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_a_jpeg_rope_is_found_whole_and_its_contact_shadow_mostly_clear(seed):
    # JPEG keeps colour at half resolution, quantised in 16 px blocks: the tinted links' colour
    # really reaches 2-4 px past them, a few levels strong, as strong as their own flanks. So
    # the mask there is a little fat and the rope's contact shadow (5 px below) keeps a few
    # specks; plain Levels at the same points would take the whole shadow.
    rgb, gt, contact = rope_scene(seed, jpeg=92)
    ai = np.zeros(gt.shape, np.uint8)
    params, result = run(rgb, ai)
    assert (result[gt >= 128] >= 128).mean() >= 0.9
    away = distance_from(gt)
    assert (result[away > 2] >= 128).sum() < 0.25 * (gt >= 128).sum()
    shadow = (contact > 0.05) & (away > 3)
    assert (result[shadow] >= 128).mean() <= 0.05 and result[shadow].mean() <= 40
    darker = params.also[0]
    plain = ChannelParams("b", darker.black, darker.white, 1.0, True)
    assert (channel_alpha(rgb, np.full(gt.shape, 255, np.uint8), plain)[shadow] >= 128).mean() > 0.5


def test_explicit_invert_keeps_one_direction():
    rgb, gt, _ = rope_scene(0, jpeg=0)
    ai = np.zeros(gt.shape, np.uint8)
    params, _ = run(rgb, ai, invert=True)
    assert params.invert is True and params.also == ()
    params, _ = run(rgb, ai, invert=False)
    assert params.invert is False and params.also == ()


def test_explicit_channel_keeps_that_channel_in_both_directions():
    rgb, gt, _ = rope_scene(0, jpeg=0)
    ai = np.zeros(gt.shape, np.uint8)
    params, _ = run(rgb, ai, channel="b")
    assert {s.channel for s in params.sources()} == {"b"}
    assert [s.invert for s in params.sources()] in ([True, False], [False, True], [True], [False])


def test_a_few_specks_in_the_other_direction_are_not_a_source():
    # A gold wire on white: darker in blue. Noise gives the lighter direction a speck or two at
    # most, far under SECOND_EVIDENCE of the wire's evidence.
    rng = np.random.default_rng(4)
    cover, _ = wire_coverage((90, 90), (10.0, 10.0), (80.0, 70.0), 2.0)
    img = np.array(WHITE_SWEEP) * (1 - cover[..., None]) + np.array(GOLD) * cover[..., None]
    rgb = finish(img, rng, 92)
    params, _ = run(rgb, np.zeros(cover.shape, np.uint8))
    assert (params.channel, params.invert, params.also) == ("b", True, ())


def test_two_source_mask_is_the_same_in_any_crop_holding_the_region():
    rgb, gt, _ = rope_scene(1, jpeg=92, size=140)
    ai = np.zeros(gt.shape, np.uint8)
    region = np.zeros(gt.shape, np.uint8)
    region[15:110, 5:125] = 255
    params = resolve_channel_params(rgb, region, ai)
    assert params.also
    whole = channel_alpha(rgb, region, params)
    crop = np.s_[10:120, 2:135]
    assert resolve_channel_params(rgb[crop], region[crop], ai[crop]) == params
    assert (channel_alpha(rgb[crop], region[crop], params) == whole[crop]).all()


# --- faint white metal ------------------------------------------------------------------------


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_a_faint_silver_wire_on_a_light_sweep_is_found_end_to_end(seed):
    # White metal mirroring the studio is barely lighter than the sweep: +12 levels, noise 1.2,
    # a soft shadow and the wire's own contact shadow nearby. Its fully covered pixels are found
    # from end to end; the shadows stay transparent.
    rng = np.random.default_rng(seed)
    size = 112
    yy, xx = np.mgrid[0:size, 0:size].astype(np.float64)
    soft = 0.3 * np.exp(-((xx - 40) ** 2 + (yy - 70) ** 2) / (2 * 14.0**2))
    cover, _ = wire_coverage((size, size), (12.0, 20.0), (100.0, 92.0), 2.0)
    beneath, _ = wire_coverage((size, size), (12.0, 24.0), (100.0, 96.0), 2.0)
    contact = 0.25 * cv2.GaussianBlur(beneath, (0, 0), 1.5)
    img = np.array((232.0, 232.0, 234.0)) * ((1 - soft) * (1 - contact))[..., None]
    img = img * (1 - cover[..., None]) + np.array((244.0, 244.0, 245.0)) * cover[..., None]
    rgb = finish(img, rng, 92)
    gt = np.round(cover * 255).astype(np.uint8)
    _, result = run(rgb, np.zeros(gt.shape, np.uint8))
    assert (result[gt >= 250] >= 128).mean() >= 0.95
    columns = [x for x in range(14, 99) if (gt[:, x] >= 128).any()]
    assert all((result[:, x][gt[:, x] >= 128] >= 128).any() for x in columns)  # no gap
    away = distance_from(gt)
    assert result[(soft > 0.1) & (away > 4)].max() <= 8
    assert result[(contact > 0.05) & (away > 2)].max() <= 8


# --- coverage levels --------------------------------------------------------------------------


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_a_soft_body_edge_keeps_a_graded_alpha(seed):
    # The AI has a defocused gold bar's core and lost a pale 2 px wire. The wire's low contrast
    # sets a low automatic white point; the bar's soft edge must not be crushed opaque by it:
    # the white point rises to the bar's own contrast there.
    rng = np.random.default_rng(seed)
    h, w = 60, 80
    cover = cv2.GaussianBlur(np.pad(np.ones((h, 20)), ((0, 0), (20, 40))), (0, 0), 1.2)
    img = np.array(WHITE_SWEEP) * (1 - cover[..., None]) + np.array(GOLD) * cover[..., None]
    img[:, 58:60] = 0.6 * np.array(WHITE_SWEEP) + 0.4 * np.array(GOLD)
    rgb = np.clip(np.round(img + rng.normal(0, 1.0, img.shape)), 0, 255).astype(np.uint8)
    ai = np.zeros((h, w), np.uint8)
    ai[:, 23:37] = 255
    _, result = run(rgb, ai)
    assert (result[:, 58:60] >= 128).all()  # the wire
    third = np.abs(cover[30, :30] - 1 / 3).argmin()  # the edge pixel a third covered (x = 19)
    assert 64 <= result[30, third] <= 200
    edge = result[30, 15:24].astype(int)
    assert (np.diff(edge) >= 0).all()  # rising into the bar
    ramp = (cover > 0.05) & (cover < 0.95)
    assert np.abs(result[ramp] - cover[ramp] * 255).mean() < 60


def test_coverage_raises_the_white_point_only_near_strong_contrast():
    # Blue-darker contrast on a flat 200 background: a 2 px wire of 80 with a flank pixel of 40,
    # and 9 px away a faint 1 px wire of 12. Levels lo 4, hi 16 (contrast units). Within 3 px of
    # the strong wire the white point is 0.6 * 80 = 48; at the faint wire it stays 16.
    rgb = np.full((30, 30, 3), 200, np.uint8)
    rgb[:, 9] = (200, 200, 160)
    rgb[:, 10:12] = (200, 200, 120)
    rgb[:, 20] = (200, 200, 188)
    region = np.full((30, 30), 255, np.uint8)
    source = cs.SourceLevels(2, True, 4.0, 16.0, 0.0, 1.0)
    mask = cs.adaptive_mask(rgb, region, (200, 0, 0) * 3, (source,), 1.0)
    assert mask[15, 10] == 1.0
    assert mask[15, 9] == pytest.approx((40 - 4) / (48 - 4), abs=1e-6)  # 0.82, not crushed to 1
    assert mask[15, 20] == pytest.approx((12 - 4) / (16 - 4), abs=1e-6)  # plain Levels: 0.67
    assert mask[:, 14:18].max() == 0.0


# --- evidence ---------------------------------------------------------------------------------


def test_no_structure_anywhere_resolves_to_blue_darker():
    rng = np.random.default_rng(0)
    rgb = np.clip(np.round(200 + rng.normal(0, 1.0, (40, 40, 3))), 0, 255).astype(np.uint8)
    analysis = cs.analyse(rgb, np.full((40, 40), 255, np.uint8), np.zeros((40, 40), np.uint8))
    assert [(s.k, s.dark) for s in analysis.chosen] == [(2, True)]
    assert max(analysis.evidence.values()) == 0.0
