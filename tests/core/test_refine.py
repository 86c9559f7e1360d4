import math

import cv2
import numpy as np
import pytest

from core.errors import CoreError, InvalidRecipeError
from core.refine import refine_alpha, refine_lut, refine_margin
from core.window import Rect


def _disk_coverage(shape, cx, cy, r, ss=8):
    """Exact-ish area coverage of a disk: ss x ss supersampling, as uint8."""
    h, w = shape
    ys, xs = np.mgrid[0 : h * ss, 0 : w * ss]
    inside = ((xs + 0.5) / ss - cx) ** 2 + ((ys + 0.5) / ss - cy) ** 2 <= r * r
    cover = inside.reshape(h, ss, w, ss).mean(axis=(1, 3))
    return np.floor(cover * 255 + 0.5).astype(np.uint8)


def _random_soft_alpha(seed, shape=(90, 120)):
    rng = np.random.default_rng(seed)
    alpha = np.zeros(shape, np.uint8)
    alpha[20:70, 30:100] = 255
    alpha[40:45, 10:110] = rng.integers(0, 256, (5, 100), dtype=np.uint8)
    return cv2.GaussianBlur(alpha, (5, 5), 1.0)


def test_all_zero_is_an_exact_copy():
    alpha = _random_soft_alpha(0)
    out = refine_alpha(alpha)
    assert out is not alpha
    np.testing.assert_array_equal(out, alpha)


def test_input_is_not_modified():
    alpha = _random_soft_alpha(1)
    before = alpha.copy()
    refine_alpha(alpha, smooth=30, feather=4, contrast=40, shift_edge=-30)
    np.testing.assert_array_equal(alpha, before)


def test_contrast_matches_formula():
    a = np.arange(256, dtype=np.uint8).reshape(16, 16)
    for c in (10, 50, 90):
        w = 1 - c / 100
        want = np.floor(np.clip((a / 255 - 0.5) / w + 0.5, 0, 1) * 255 + 0.5).astype(np.uint8)
        np.testing.assert_array_equal(refine_alpha(a, contrast=c), want)


def test_contrast_100_is_a_threshold_at_half():
    a = np.array([[0, 1, 127, 128, 254, 255]], np.uint8)
    assert refine_alpha(a, contrast=100).tolist() == [[0, 0, 0, 255, 255, 255]]


def test_shift_edge_matches_formula_and_is_monotone_in_e():
    a = np.arange(256, dtype=np.uint8).reshape(1, 256)
    np.testing.assert_array_equal(refine_alpha(a, shift_edge=50)[0], np.floor((a[0] / 255) ** 0.5 * 255 + 0.5))
    np.testing.assert_array_equal(refine_alpha(a, shift_edge=-50)[0], np.floor((a[0] / 255) ** 2 * 255 + 0.5))
    previous = refine_lut(0, -100)
    for e in range(-90, 101, 10):
        lut = refine_lut(0, e)
        assert lut[0] == 0 and lut[255] == 255
        assert np.all(lut >= previous)
        previous = lut


def test_lut_is_monotone_and_keeps_ends_for_every_setting():
    for c in range(0, 101, 10):
        for e in range(-100, 101, 25):
            lut = refine_lut(c, e).astype(int)
            assert lut[0] == 0 and lut[255] == 255
            assert np.all(np.diff(lut) >= 0)


def test_contrast_runs_before_shift_edge():
    a = np.array([[102]], np.uint8)  # 0.4
    # contrast 50: (0.4 - 0.5) / 0.5 + 0.5 = 0.3; then ** 0.5 = 0.5477 -> 140
    assert refine_alpha(a, contrast=50, shift_edge=50)[0, 0] == 140


def test_feather_is_gaussian_with_sigma_half_feather():
    alpha = _random_soft_alpha(2)
    out = refine_alpha(alpha, feather=5)
    sigma = 2.5
    radius = math.ceil(3 * sigma)
    want = cv2.GaussianBlur(alpha, (2 * radius + 1,) * 2, sigma, borderType=cv2.BORDER_REPLICATE)
    np.testing.assert_array_equal(out, want)
    # Oracle: exact float Gaussian (truncated at 3 sigma, nearest-pixel borders).
    from scipy.ndimage import gaussian_filter

    exact = gaussian_filter(alpha.astype(np.float64), sigma, mode="nearest", truncate=3.0)
    assert np.abs(out - exact).max() <= 1.0


def test_feather_keeps_total_opacity():
    alpha = np.zeros((80, 80), np.uint8)
    alpha[30:50, 30:50] = 255  # 400 px, far from the border
    out = refine_alpha(alpha, feather=6)
    assert abs(out.astype(np.int64).sum() / 255 - 400) < 2


def test_smooth_keeps_a_straight_edge_and_its_position():
    alpha = np.zeros((40, 40), np.uint8)
    alpha[:, :20] = 255
    out = refine_alpha(alpha, smooth=40)  # sigma 2 px
    assert np.abs(out.astype(int) - alpha).max() <= 2
    np.testing.assert_array_equal(out[:, :19], 255)
    np.testing.assert_array_equal(out[:, 21:], 0)


def test_smooth_turns_a_jagged_disk_into_an_anti_aliased_one():
    truth = _disk_coverage((64, 64), 31.3, 32.1, 20.0)
    jagged = np.where(truth >= 128, 255, 0).astype(np.uint8)
    before = np.abs(jagged.astype(int) - truth).mean()
    after = np.abs(refine_alpha(jagged, smooth=20).astype(int) - truth).mean()
    assert after < 0.6 * before
    # area (the 0.5 level) stays put: within 1 % of the disk's area
    area = math.pi * 20.0**2
    assert abs(refine_alpha(jagged, smooth=20).sum() / 255 - area) < 0.01 * area


def test_smooth_is_monotone_in_the_input():
    rng = np.random.default_rng(3)
    low = rng.integers(0, 200, (50, 50), dtype=np.uint8)
    high = low + rng.integers(0, 56, (50, 50), dtype=np.uint8)
    assert np.all(refine_alpha(high, smooth=60) >= refine_alpha(low, smooth=60))


def test_blurs_near_the_image_border_replicate_it():
    alpha = np.full((30, 30), 255, np.uint8)
    alpha[:, 20:] = 0
    out = refine_alpha(alpha, feather=8)
    np.testing.assert_array_equal(out[:, :5], 255)  # left border: replicated 255s


def test_all_zero_and_all_opaque_images():
    zeros = np.zeros((20, 30), np.uint8)
    ones = np.full((20, 30), 255, np.uint8)
    for kwargs in ({"smooth": 50, "feather": 10}, {"contrast": 60, "shift_edge": -80}):
        np.testing.assert_array_equal(refine_alpha(zeros, **kwargs), zeros)
        np.testing.assert_array_equal(refine_alpha(ones, **kwargs), ones)


def _refine_whole_image_reference(alpha, smooth, feather, contrast, shift_edge):
    """Slow path: every step on the whole image, no bounding-box shortcut."""
    out = alpha
    if smooth:
        sigma = smooth / 20
        k = 2 * math.ceil(3 * sigma) + 1
        b = cv2.GaussianBlur(alpha.astype(np.float32), (k, k), sigma, borderType=cv2.BORDER_REPLICATE)
        gain = max(1.0, sigma * math.sqrt(2 * math.pi))
        out = cv2.addWeighted(b, gain, b, 0.0, 127.5 * (1 - gain), dtype=cv2.CV_8U)
    if feather:
        sigma = feather / 2
        k = 2 * math.ceil(3 * sigma) + 1
        out = cv2.GaussianBlur(out, (k, k), sigma, borderType=cv2.BORDER_REPLICATE)
    return cv2.LUT(out, refine_lut(contrast, shift_edge))


@pytest.mark.parametrize("settings", [(30, 0, 0, 0), (0, 7, 0, 0), (45, 3, 20, -10), (10, 1, 90, 100)])
def test_same_as_whole_image_reference(settings):
    alpha = _random_soft_alpha(4)
    np.testing.assert_array_equal(
        refine_alpha(alpha, **dict(zip(("smooth", "feather", "contrast", "shift_edge"), settings))),
        _refine_whole_image_reference(alpha, *settings),
    )


@pytest.mark.parametrize("smooth,feather", [(0, 0), (20, 0), (0, 3), (35, 5), (100, 1)])
def test_a_window_with_margin_renders_the_same_pixels(smooth, feather):
    alpha = _random_soft_alpha(5)
    full = refine_alpha(alpha, smooth=smooth, feather=feather, contrast=30, shift_edge=20)
    window = Rect(33, 25, 77, 61)
    context = window.pad(refine_margin(smooth, feather)).clip(Rect.of_shape(alpha.shape))
    part = refine_alpha(alpha[context.slices()], smooth=smooth, feather=feather, contrast=30, shift_edge=20)
    np.testing.assert_array_equal(part[window.relative_to(context).slices()], full[window.slices()])


def test_refine_margin_is_three_sigma_rounded_up():
    assert refine_margin(0, 0) == 0
    assert refine_margin(20, 0) == 3  # sigma 1
    assert refine_margin(0, 3) == 5  # sigma 1.5 -> 4.5 -> 5
    assert refine_margin(0, 63) == 95  # sigma 31.5: still at full resolution
    # sigma 125: cells of 15 px, coarse sigma sqrt(125^2 - 15^2 / 4) / 15 = 8.32 -> 25 cells, + 2
    assert refine_margin(100, 250) == 15 + (25 + 2) * 15


# --- wide feathers: on a coarse grid (QA: 20 ops of feather 250 took 30 s to preview) -----------


def _ring_scene(shape=(700, 900)):
    """A soft ring, a 2 px wire and a 1 px diagonal hair: edges of every width to feather."""
    alpha = np.zeros(shape, np.uint8)
    cv2.circle(alpha, (430, 350), 220, 255, -1)
    cv2.circle(alpha, (430, 350), 150, 0, -1)
    alpha[100:102, :] = 255
    cv2.line(alpha, (0, 690), (890, 10), 255, 1, cv2.LINE_AA)
    return cv2.GaussianBlur(alpha, (0, 0), 0.8)


@pytest.mark.parametrize("feather", [64, 90, 125, 250])
def test_a_wide_feather_is_within_3_levels_of_the_full_resolution_blur(feather):
    alpha = _ring_scene()
    sigma = feather / 2
    radius = math.ceil(3 * sigma)
    want = cv2.GaussianBlur(alpha, (2 * radius + 1,) * 2, sigma, borderType=cv2.BORDER_REPLICATE)
    got = refine_alpha(alpha, feather=feather)
    difference = np.abs(got.astype(int) - want)
    assert difference.max() <= 3 and difference.mean() < 0.3, (difference.max(), difference.mean())
    assert abs(int(got.astype(np.int64).sum()) - int(want.astype(np.int64).sum())) < 0.005 * int(want.sum())


@pytest.mark.parametrize("feather", [63, 64, 97, 250])
def test_a_window_of_a_wide_feather_with_its_margin_and_origin_is_the_whole_images(feather):
    """Crops blur on the image's cells: every window, wherever it starts, matches exactly."""
    alpha = _ring_scene()
    full = refine_alpha(alpha, feather=feather, contrast=20)
    margin = refine_margin(0, feather)
    rng = np.random.default_rng(feather)
    for _ in range(6):
        x0, y0 = int(rng.integers(0, 500)), int(rng.integers(0, 400))
        window = Rect(x0, y0, x0 + int(rng.integers(1, 300)), y0 + int(rng.integers(1, 250))).clip(
            Rect.of_shape(alpha.shape)
        )
        context = window.pad(margin).clip(Rect.of_shape(alpha.shape))
        part = refine_alpha(alpha[context.slices()], feather=feather, contrast=20, origin=(context.x0, context.y0))
        np.testing.assert_array_equal(part[window.relative_to(context).slices()], full[window.slices()])


def test_a_wide_feather_keeps_the_zero_alpha_far_away_and_the_opaque_inside():
    alpha = np.zeros((1200, 1200), np.uint8)
    alpha[500:700, 500:700] = 255
    out = refine_alpha(alpha, feather=100)
    reach = refine_margin(0, 100)
    assert out[: 500 - reach].max() == 0 and out[:, 700 + reach :].max() == 0
    # The centre of a 200 px square blurred with sigma 50: 255 * erf(100 / (50 * sqrt 2)) ** 2.
    assert abs(int(out[600, 600]) - 255 * math.erf(100 / (50 * math.sqrt(2))) ** 2) <= 3


@pytest.mark.parametrize("bad", [np.zeros((4, 4), np.float32), np.zeros((4, 4, 1), np.uint8), [[0, 1]]])
def test_rejects_non_alpha_arrays(bad):
    with pytest.raises(CoreError, match="alpha must be a 2-D uint8 array"):
        refine_alpha(bad)


@pytest.mark.parametrize(
    "kwargs,field,message",
    [
        ({"contrast": 101}, "contrast", "must be between 0 and 100, got 101"),
        ({"shift_edge": -100.5}, "shift_edge", "must be between -100 and 100, got -100.5"),
        ({"feather": float("nan")}, "feather", "must be between 0 and 250, got nan"),
        ({"smooth": "5"}, "smooth", "must be a number, got str"),
        ({"smooth": True}, "smooth", "must be a number, got bool"),
    ],
)
def test_rejects_parameters_out_of_range(kwargs, field, message):
    with pytest.raises(InvalidRecipeError) as info:
        refine_alpha(np.zeros((3, 3), np.uint8), **kwargs)
    assert info.value.field == field
    assert str(info.value) == f"{field}: {message}"


@pytest.mark.parametrize(
    "settings",
    [
        {},
        {"contrast": 40, "shift_edge": 25},
        {"smooth": 30, "feather": 4},
        {"smooth": 10, "contrast": 90, "shift_edge": 100},
    ],
)
def test_in_place_and_into_another_buffer_give_the_same_pixels(settings):
    alpha = _random_soft_alpha(7)
    want = refine_alpha(alpha, **settings)
    in_place = alpha.copy()
    assert refine_alpha(in_place, **settings, out=in_place) is in_place
    np.testing.assert_array_equal(in_place, want)
    other = np.full_like(alpha, 77)
    assert refine_alpha(alpha, **settings, out=other) is other
    np.testing.assert_array_equal(other, want)


def test_out_of_another_shape_or_type_is_refused():
    alpha = _random_soft_alpha(8)
    with pytest.raises(CoreError, match="out has shape"):
        refine_alpha(alpha, contrast=10, out=np.zeros((3, 3), np.uint8))
    with pytest.raises(CoreError, match="out must be a 2-D uint8 array"):
        refine_alpha(alpha, contrast=10, out=np.zeros(alpha.shape, np.float32))
