import cv2
import numpy as np
import pytest
from scipy.ndimage import map_coordinates, uniform_filter

from core.decontaminate import decontaminate, decontaminate_margin
from core.errors import CoreError, InvalidRecipeError, SizeMismatchError
from core.window import Rect

RED = np.array([255, 0, 0], np.float64)
GREEN = np.array([0, 255, 0], np.float64)


def _soft_disk(shape, cx, cy, r, sigma):
    """Alpha of a disk with a blurred edge (a few px of semi-transparent pixels)."""
    h, w = shape
    ys, xs = np.mgrid[0:h, 0:w]
    hard = (((xs + 0.5 - cx) ** 2 + (ys + 0.5 - cy) ** 2) <= r * r).astype(np.float32)
    return np.rint(cv2.GaussianBlur(hard, (0, 0), sigma) * 255).astype(np.uint8)


def _composite(alpha, fg, bg):
    a = alpha[:, :, None] / 255.0
    return np.rint(a * fg + (1 - a) * bg).astype(np.uint8)


def _red_disk_on_green(shape=(120, 150), sigma=0.8):
    alpha = _soft_disk(shape, 70.3, 58.6, 35.0, sigma)
    return _composite(alpha, RED, GREEN), alpha


def test_red_object_on_green_edge_becomes_red_at_100():
    # An anti-aliased edge as AI masks have (Gaussian sigma 0.8 px, 3-4 px of soft pixels).
    rgb, alpha = _red_disk_on_green()
    soft = (alpha > 0) & (alpha < 255)
    assert soft.sum() > 500
    assert np.abs(rgb[(alpha > 60) & (alpha < 200)].astype(int) - RED).max() >= 100  # mixed with green before
    out = decontaminate(rgb, alpha, amount=100)
    # every semi-transparent pixel within 2 levels (of 255) of pure red
    assert np.abs(out[soft].astype(int) - RED).max() <= 2


def test_wide_soft_edge_becomes_nearly_red_at_100():
    # A 2-px Gaussian edge (about 12 px of soft pixels): the local means the estimator starts
    # from mix in some green, most where the pixel is most transparent.
    rgb, alpha = _red_disk_on_green(sigma=2.0)
    out = decontaminate(rgb, alpha, amount=100)
    soft = (alpha > 0) & (alpha < 255)
    err = np.abs(out.astype(int) - RED).max(axis=2)
    assert err[soft].max() <= 12
    assert err[soft].mean() <= 6
    assert err[alpha >= 128].max() <= 5
    # what it contributes to a composite, alpha * error, stays under 3 levels
    assert (err[soft] * alpha[soft] / 255).max() <= 3


def test_amount_zero_returns_an_unchanged_copy():
    rgb, alpha = _red_disk_on_green()
    out = decontaminate(rgb, alpha, amount=0)
    assert out is not rgb
    np.testing.assert_array_equal(out, rgb)


def test_opaque_and_transparent_pixels_are_bit_identical():
    rng = np.random.default_rng(7)
    rgb = rng.integers(0, 256, (97, 131, 3), dtype=np.uint8)  # noise: any colours at all
    alpha = _soft_disk((97, 131), 60.0, 50.0, 30.0, 1.5)
    alpha[5:20, 100:125] = rng.integers(0, 256, (15, 25), dtype=np.uint8)
    out = decontaminate(rgb, alpha, amount=100)
    hard = (alpha == 0) | (alpha == 255)
    np.testing.assert_array_equal(out[hard], rgb[hard])
    assert np.any(out[~hard] != rgb[~hard])


def test_inputs_are_not_modified():
    rgb, alpha = _red_disk_on_green()
    rgb_before, alpha_before = rgb.copy(), alpha.copy()
    decontaminate(rgb, alpha, amount=80)
    np.testing.assert_array_equal(rgb, rgb_before)
    np.testing.assert_array_equal(alpha, alpha_before)


def test_amount_blends_linearly():
    rgb, alpha = _red_disk_on_green()
    full = decontaminate(rgb, alpha, amount=100).astype(int)
    half = decontaminate(rgb, alpha, amount=50).astype(int)
    assert np.abs(half - (rgb.astype(int) + full) / 2).max() <= 1


def test_change_is_proportional_to_transparency():
    rgb, alpha = _red_disk_on_green()
    out = decontaminate(rgb, alpha, amount=100).astype(int)
    change = np.abs(out - rgb.astype(int)).max(axis=2)
    # Under I = aF + (1-a)B the change needed is (1 - a) * |F - B| = (1 - a) * 255 per channel.
    soft = (alpha > 0) & (alpha < 255)
    expected = 255 - alpha[soft].astype(int)
    assert np.abs(change[soft] - expected).max() <= 2


def test_no_semi_transparent_pixels():
    rgb, _ = _red_disk_on_green()
    alpha = np.zeros(rgb.shape[:2], np.uint8)
    alpha[30:60, 40:90] = 255
    np.testing.assert_array_equal(decontaminate(rgb, alpha, amount=100), rgb)


def test_sixteen_bit_images():
    _rgb8, alpha = _red_disk_on_green()
    a = alpha[:, :, None] / 255.0
    rgb16 = np.rint(a * np.array([65535, 0, 0]) + (1 - a) * np.array([0, 65535, 0])).astype(np.uint16)
    out = decontaminate(rgb16, alpha, amount=100)
    assert out.dtype == np.uint16
    soft = (alpha > 0) & (alpha < 255)
    assert np.abs(out[soft].astype(int) - np.array([65535, 0, 0])).max() <= 2 * 257


def _reference(rgb, alpha, amount, origin=(0, 0)):
    """The module docstring's algorithm, written plainly on the whole array in float64."""
    h, w = alpha.shape
    ox, oy = origin
    top = float(np.iinfo(rgb.dtype).max)
    image = rgb / top
    a = alpha / 255.0
    # pass 1: 8x8 block means on the grid anchored at the image origin
    kx0, ky0 = ox // 8, oy // 8
    by = (np.arange(h) + oy) // 8 - ky0
    bx = (np.arange(w) + ox) // 8 - kx0
    ny, nx = by[-1] + 1, bx[-1] + 1
    count = np.zeros((ny, nx))
    np.add.at(count, (by[:, None], bx[None, :]), 1)

    def block_mean(v):
        total = np.zeros((ny, nx) + v.shape[2:])
        np.add.at(total, (by[:, None], bx[None, :]), v)
        return total / (count if v.ndim == 2 else count[:, :, None])

    def box(v, size):
        return uniform_filter(v, size=(size, size) + (1,) * (v.ndim - 2), mode="nearest")

    # weights a^2 and (1 - a)^2 in 1/255 steps, at least 1/255 where positive
    wf = np.where(alpha > 0, np.maximum(np.rint(a**2 * 255), 1), 0) / 255
    wb = np.where(alpha < 255, np.maximum(np.rint((1 - a) ** 2 * 255), 1), 0) / 255
    box_wf = box(block_mean(wf), 7)[:, :, None]
    box_wb = box(block_mean(wb), 7)[:, :, None]
    fg_blocks = np.clip(box(block_mean(image * wf[:, :, None]), 7) / (box_wf + 1e-5), 0, 1)
    bg_blocks = np.clip(box(block_mean(image * wb[:, :, None]), 7) / (box_wb + 1e-5), 0, 1)
    ys, xs = np.mgrid[0:h, 0:w]
    coords = [(ys + oy + 0.5) / 8 - 0.5 - ky0, (xs + ox + 0.5) / 8 - 0.5 - kx0]
    fg = np.stack([map_coordinates(fg_blocks[:, :, c], coords, order=1, mode="nearest") for c in range(3)], -1)
    bg = np.stack([map_coordinates(bg_blocks[:, :, c], coords, order=1, mode="nearest") for c in range(3)], -1)
    a3 = a[:, :, None]
    first = np.clip(fg + a3 * (image - a3 * fg - (1 - a3) * bg), 0, 1)
    # pass 2: 7x7 box; its background mean is pass 1's at the pixel
    fg2 = box(first * wf[:, :, None], 7) / (box(wf, 7)[:, :, None] + 1e-5)
    estimate = np.clip(fg2 + a3 * (image - a3 * fg2 - (1 - a3) * bg), 0, 1)
    out = image + amount / 100 * (estimate - image)
    soft = (alpha > 0) & (alpha < 255)
    result = rgb.copy()
    result[soft] = np.clip(np.rint(out[soft] * top), 0, top)
    return result


def _jewelry_like_scene(seed, shape=(133, 171)):
    """Smoothly varying metal colours on a grey gradient, a thick ring and a 2-px chain."""
    rng = np.random.default_rng(seed)
    h, w = shape
    ys, xs = np.mgrid[0:h, 0:w]
    fg = np.stack([180 + 60 * np.sin(xs / 9.0), 140 + 50 * np.cos(ys / 7.0), 60 + 0 * xs], -1)
    bg = np.stack([200 + 20 * ys / h, 205 + 0 * xs, 210 - 30 * xs / w], -1)
    ring = np.abs(np.hypot(xs + 0.5 - 70, ys + 0.5 - 60) - 35) <= 6
    chain = np.abs((ys + 0.5) - (0.4 * (xs + 0.5) + 90)) <= 1.0
    hard = (ring | chain).astype(np.float32)
    alpha = np.rint(cv2.GaussianBlur(hard, (0, 0), 0.8) * 255).astype(np.uint8)
    rgb = _composite(alpha, fg, bg)
    noise = rng.normal(0, 1.5, rgb.shape)
    return np.clip(rgb + noise, 0, 255).astype(np.uint8), alpha


@pytest.mark.parametrize("origin", [(0, 0), (5, 3), (16, 8)])
def test_matches_the_plain_whole_array_reference(origin):
    rgb, alpha = _jewelry_like_scene(1)
    out = decontaminate(rgb, alpha, amount=100, origin=origin).astype(int)
    want = _reference(rgb, alpha, 100, origin).astype(int)
    # Differences come from rounding I * w / 255 to 8 bits in pass 1's block means only.
    assert np.abs(out - want).max() <= 3
    assert np.mean(np.abs(out - want) > 1) < 0.01


def test_a_window_with_margin_and_origin_renders_the_same_pixels():
    rgb, alpha = _jewelry_like_scene(2, shape=(160, 200))
    full = decontaminate(rgb, alpha, amount=70)
    for window in (Rect(57, 61, 121, 99), Rect(0, 0, 40, 30), Rect(150, 100, 200, 160)):
        context = window.pad(decontaminate_margin()).clip(Rect.of_shape(alpha.shape))
        part = decontaminate(rgb[context.slices()], alpha[context.slices()], amount=70, origin=(context.x0, context.y0))
        np.testing.assert_array_equal(part[window.relative_to(context).slices()], full[window.slices()])


def test_image_sizes_that_are_not_multiples_of_the_tile():
    for shape in ((1, 1), (7, 5), (9, 17), (33, 8)):
        rng = np.random.default_rng(shape[0])
        rgb = rng.integers(0, 256, shape + (3,), dtype=np.uint8)
        alpha = rng.integers(0, 256, shape, dtype=np.uint8)
        out = decontaminate(rgb, alpha, amount=100)
        want = _reference(rgb, alpha, 100)
        assert np.abs(out.astype(int) - want).max() <= 3


def test_margin():
    assert decontaminate_margin() == 43


def test_rejects_bad_arrays():
    rgb, alpha = _red_disk_on_green()
    with pytest.raises(CoreError, match=r"rgb must be an \(H, W, 3\) uint8 or uint16 array, got float32"):
        decontaminate(rgb.astype(np.float32), alpha, amount=50)
    with pytest.raises(CoreError, match="alpha must be a 2-D uint8 array, got uint16"):
        decontaminate(rgb, alpha.astype(np.uint16), amount=50)
    with pytest.raises(SizeMismatchError, match="rgb is 150x120 px but alpha is 150x119 px"):
        decontaminate(rgb, alpha[:-1], amount=50)
    with pytest.raises(CoreError, match="origin must be a pair of integers"):
        decontaminate(rgb, alpha, amount=50, origin=(-1, 0))


@pytest.mark.parametrize(
    "amount,message",
    [
        (101, "must be between 0 and 100, got 101"),
        (float("inf"), "must be between 0 and 100, got inf"),
        ("50", "must be a number, got str"),
    ],
)
def test_rejects_bad_amounts(amount, message):
    rgb, alpha = _red_disk_on_green((20, 20))
    with pytest.raises(InvalidRecipeError) as info:
        decontaminate(rgb, alpha, amount=amount)
    assert info.value.field == "amount"
    assert str(info.value) == f"amount: {message}"


def test_soft_pixels_in_every_band_of_a_tall_image_are_found():
    # Soft pixels are searched for in bands of rows: put one on each side of every band edge and
    # in the last, partial row of tiles; each must move towards the object's colour.
    h, w = 701, 24
    rgb = np.zeros((h, w, 3), np.uint8)
    rgb[:, :12] = (255, 0, 0)
    rgb[:, 12:] = (0, 255, 0)
    alpha = np.zeros((h, w), np.uint8)
    alpha[:, :12] = 255
    rows = [0, 255, 256, 511, 512, 695, 700]
    alpha[rows, 12] = 128
    rgb[rows, 12] = (128, 127, 0)
    out = decontaminate(rgb, alpha, amount=100)
    assert (out[rows, 12, 0] > 200).all() and (out[rows, 12, 1] < 60).all()
    np.testing.assert_array_equal(np.delete(out, 12, axis=1), np.delete(rgb, 12, axis=1))
