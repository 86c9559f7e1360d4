import math

import cv2
import numpy as np
import pytest
import scipy.ndimage
from hypothesis import given, settings
from hypothesis.extra.numpy import arrays

from core import metrics
from core.errors import CoreError, SizeMismatchError


def square(x0, y0, size=10, shape=(30, 30), value=255):
    a = np.zeros(shape, np.uint8)
    a[y0 : y0 + size, x0 : x0 + size] = value
    return a


# --- SAD, MSE, IoU on a square and a shifted copy -------------------------------------------


def test_square_vs_shifted_square_exact_values():
    truth = square(5, 5)
    shifted = square(8, 5)  # 3 px to the right: 70 px shared, 30 + 30 px differ
    assert metrics.iou(shifted, truth) == 70 / 130
    assert metrics.sad(shifted, truth) == pytest.approx(60 / 1000, abs=1e-15)
    assert metrics.mse(shifted, truth) == pytest.approx(60 / 900, abs=1e-15)


def test_identical_mattes_score_perfectly():
    truth = square(5, 5)
    s = metrics.score(truth, truth)
    assert (s.sad, s.mse, s.grad, s.conn, s.iou, s.bleed_count, s.edge_overshoot) == (0, 0, 0, 0, 1, 0, 0)


def test_uint8_and_float_inputs_score_the_same():
    rng = np.random.default_rng(7)
    a = rng.integers(0, 256, (40, 50), dtype=np.uint8)
    t = rng.integers(0, 256, (40, 50), dtype=np.uint8)
    as_int = metrics.score(a, t)
    as_float = metrics.score(a.astype(np.float32) / 255, t.astype(np.float64) / 255)
    for name, value in as_int.as_dict().items():
        assert getattr(as_float, name) == pytest.approx(value, rel=1e-6, abs=1e-9), name


def test_half_grey_sad_and_mse():
    truth = np.ones((20, 50))
    grey = np.full((20, 50), 0.5)
    assert metrics.sad(grey, truth) == 0.5  # 1000 px x 0.5 / 1000
    assert metrics.mse(grey, truth) == 0.25


def test_mask_limits_sad_and_mse_to_the_region():
    truth = square(5, 5)
    shifted = square(8, 5)
    mask = np.zeros(truth.shape, bool)
    mask[:, :10] = True  # columns 5..7 of the truth are missed there: 30 px
    assert metrics.sad(shifted, truth, mask=mask) == pytest.approx(0.03)
    assert metrics.mse(shifted, truth, mask=mask) == pytest.approx(30 / 300)
    assert metrics.mse(shifted, truth, mask=np.zeros(truth.shape, bool)) == 0.0


def test_iou_of_two_empty_mattes_is_one():
    empty = np.zeros((5, 5), np.uint8)
    assert metrics.iou(empty, empty) == 1.0


def test_iou_threshold_is_inclusive_at_128():
    truth = np.array([[128, 127]], np.uint8)
    assert metrics.iou(np.array([[255, 0]], np.uint8), truth) == 1.0


# --- gradient and connectivity ----------------------------------------------------------------


def _reference_gradient_magnitude(image, sigma=1.4):
    """Rhemann et al.'s gaussgradient, written out as in the published Python port."""

    def gauss(x):
        return np.exp(-(x**2) / (2 * sigma**2)) / (sigma * np.sqrt(2 * np.pi))

    def dgauss(x):
        return -x * gauss(x) / sigma**2

    half = int(np.ceil(sigma * np.sqrt(-2 * np.log(np.sqrt(2 * np.pi) * sigma * 1e-2))))
    size = 2 * half + 1
    hx = np.zeros((size, size))
    for i in range(size):
        for j in range(size):
            hx[i, j] = gauss(i - half) * dgauss(j - half)
    hx = hx / np.sqrt(np.sum(hx * hx))
    gx = scipy.ndimage.convolve(image, hx, mode="nearest")
    gy = scipy.ndimage.convolve(image, hx.T, mode="nearest")
    return np.sqrt(gx**2 + gy**2)


def _reference_connectivity_error(pred, target, step=0.1, theta=0.15):
    """Rhemann et al.'s connectivity error, written out as in the published Python port."""
    thresholds = np.arange(0, 1 + step, step)
    l_map = np.full(pred.shape, -1.0)
    for i in range(1, len(thresholds)):
        both = (pred >= thresholds[i]) & (target >= thresholds[i])
        labels, n = scipy.ndimage.label(both)  # 4-connectivity
        if n:
            largest = labels == np.argmax(np.bincount(labels.flat)[1:]) + 1
        else:
            largest = np.zeros(pred.shape, bool)
        l_map[(l_map == -1) & ~largest] = thresholds[i - 1]
    l_map[l_map == -1] = 1
    pred_d, target_d = pred - l_map, target - l_map
    pred_phi = 1 - pred_d * (pred_d >= theta)
    target_phi = 1 - target_d * (target_d >= theta)
    return np.sum(np.abs(pred_phi - target_phi)) / 1000


def _blobs(seed, shape=(48, 64)):
    rng = np.random.default_rng(seed)
    noise = rng.random(shape)
    soft = scipy.ndimage.gaussian_filter(noise, 3)
    soft = (soft - soft.min()) / (soft.max() - soft.min())
    return np.clip((soft - 0.4) * 4, 0, 1)


def test_gradient_magnitude_matches_the_reference_convolution():
    image = _blobs(1)
    np.testing.assert_allclose(metrics.gradient_magnitude(image), _reference_gradient_magnitude(image), atol=1e-12)


def test_gradient_kernel_half_size_is_four_for_sigma_1_4():
    g, dg = metrics._gaussian_derivative_kernels(1.4)
    assert g.shape == dg.shape == (9,)


def test_gradient_error_matches_the_reference():
    pred, truth = _blobs(2), _blobs(3)
    expected = np.sum((_reference_gradient_magnitude(pred) - _reference_gradient_magnitude(truth)) ** 2) / 1000
    assert metrics.gradient_error(pred, truth) == pytest.approx(expected, rel=1e-10)


def test_gradient_error_zero_for_identical_and_positive_for_a_blurred_edge():
    truth = square(5, 5).astype(np.float64) / 255
    blurred = scipy.ndimage.gaussian_filter(truth, 2)
    assert metrics.gradient_error(truth, truth) == 0.0
    assert metrics.gradient_error(blurred, truth) > 0.0


def test_connectivity_error_matches_the_reference():
    for seed in (4, 5, 6):
        pred, truth = _blobs(seed), _blobs(seed + 10)
        assert metrics.connectivity_error(pred, truth) == pytest.approx(
            _reference_connectivity_error(pred, truth), rel=1e-12, abs=1e-15
        )


def test_connectivity_error_matches_the_reference_with_empty_margins():
    pred, truth = np.zeros((90, 120)), np.zeros((90, 120))
    pred[30:78, 40:104], truth[30:78, 40:104] = _blobs(21), _blobs(22)
    truth[5, 5] = 0.05  # below the first threshold: still outside the cropped box
    assert metrics.connectivity_error(pred, truth) == pytest.approx(
        _reference_connectivity_error(pred, truth), rel=1e-12, abs=1e-15
    )
    assert metrics.connectivity_error(np.zeros((9, 9)), np.full((9, 9), 0.05)) == 0.0


def test_connectivity_error_zero_for_identical_and_positive_for_a_detached_island():
    truth = square(5, 5)
    broken = truth.copy()
    broken[:, 10] = 0  # cut the square in two: the right part is no longer connected
    assert metrics.connectivity_error(truth, truth) == 0.0
    assert metrics.connectivity_error(broken, truth) > 0.0


def test_connectivity_error_of_a_disconnected_island_is_hand_checkable():
    truth = np.zeros((10, 10))
    truth[1:4, 1:4] = 1.0  # the main body, 9 px
    truth[7, 7] = 1.0  # an island, 1 px: l = 0 there, phi(truth) = 1 - 1 = 0
    pred = truth.copy()
    pred[7, 7] = 0.0  # phi(pred) = 1 there
    assert metrics.connectivity_error(pred, truth) == pytest.approx(1 / 1000)


# --- thin structure ---------------------------------------------------------------------------


@pytest.mark.parametrize("width", range(1, 13))
def test_bands_up_to_6_px_wide_are_thin_and_wider_ones_are_not(width):
    vertical = np.zeros((40, 40), np.uint8)
    vertical[:, 10 : 10 + width] = 255  # runs off the top and bottom: no ends to trim
    horizontal = vertical.T.copy()
    expected = 40 * width if width <= 6 else 0
    assert int(metrics.thin_mask(vertical).sum()) == expected
    assert int(metrics.thin_mask(horizontal).sum()) == expected


def test_a_2px_line_is_thin_and_a_12px_bar_is_not():
    t = np.zeros((30, 40), np.uint8)
    t[:, 2:4] = 255
    t[:, 20:32] = 255
    thin = metrics.thin_mask(t)
    assert thin[:, 2:4].all()
    assert not thin[:, 20:32].any()


def test_a_solid_square_has_no_thin_structure_though_the_opening_takes_its_corners():
    t = square(5, 5, size=14)
    disc = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (7, 7))
    residue = (t > 0) & (cv2.morphologyEx(t, cv2.MORPH_OPEN, disc) == 0)
    assert residue.sum() == 4 * 4  # the 7x7 disc cannot reach 4 px in each corner
    assert not metrics.thin_mask(t).any()  # corners are no lines


@pytest.mark.parametrize("length, thin", [(2, False), (4, False), (5, True), (12, True)])
def test_a_2px_prong_on_a_body_is_thin_once_it_stands_out_farther_than_the_disc_rounds(length, thin):
    t = np.zeros((40, 40), np.uint8)
    t[20:, 5:35] = 255
    t[20 - length : 20, 19:21] = 255  # a 2 px prong standing `length` px on the body
    got = metrics.thin_mask(t)
    # The opening keeps the prong's foot (its last row, where the disc fits the body): what it
    # removes reaches length - 1 px out, which must be more than the disc's radius, 3.5 px.
    assert bool(got[20 - length : 19, 19:21].all()) is thin
    assert int(got.sum()) == (2 * (length - 1) if thin else 0)


def test_a_bump_on_an_outline_is_no_structure_but_a_sharp_spike_is():
    t = np.zeros((40, 60), np.uint8)
    t[20:, :] = 255
    t[17:20, 10:14] = 255  # a 3 px high, 4 px wide bump
    spike = np.array([[40, 20], [46, 20], [43, 6]], np.int32)  # 6 px wide at its foot, 14 px tall
    cv2.fillPoly(t, [spike], 255)
    got = metrics.thin_mask(t)
    assert not got[:, :20].any()
    assert got[6:14, 40:47].any()


def test_free_standing_pieces_count_whatever_their_length():
    t = np.zeros((40, 80), np.uint8)
    for x in range(2, 40, 8):
        t[5:7, x : x + 5] = 255  # a dashed 2 px line: 5 px dashes
    for x in range(2, 40, 7):
        cv2.rectangle(t, (x, 15), (x + 4, 19), 255, 1)  # 5 x 5 links of 1 px wire
    t[30:32, 10:16] = 255
    t[24:32, 14:16] = 255  # an L-shaped hook of 2 px wire, 6 and 8 px legs
    t[25:30, 50:55] = 255  # a 5 px bead
    assert np.array_equal(metrics.thin_mask(t), t > 0)


def test_a_wire_lying_along_a_body_counts_by_its_length_along_it_joined_or_not():
    t = np.zeros((40, 60), np.uint8)
    t[20:, :] = 255
    t[17:19, 5:55] = 255  # a 2 px wire 1 px above the body, 50 px long
    free = metrics.thin_mask(t)
    assert free[17:19, 5:55].all()  # it touches no thick part: a structure
    t[19, 5:7] = 255  # joined to the body at one end by a 1 px stub
    joined = metrics.thin_mask(t)
    assert joined[17:19, 12:55].all()  # reaches 50 px along itself, though never 3.5 px from the body


def test_only_pieces_touching_a_thick_part_can_be_rounded_off():
    t = np.zeros((40, 60), np.uint8)
    t[20:, :] = 255
    t[16:18, 20:23] = 255  # a 2 x 3 px speck 2 px above the body: not part of its outline
    assert metrics.thin_mask(t)[16:18, 20:23].all()
    t[18:20, 20:23] = 255  # now a 4 px bump on the outline
    assert not metrics.thin_mask(t).any()


def test_a_diagonal_wire_on_a_body_is_thin():
    t = np.zeros((40, 40), np.uint8)
    t[30:, :] = 255
    cv2.line(t, (5, 30), (30, 5), 255, 2)  # ~35 px long, 2-3 px wide, standing on the body
    thin = metrics.thin_mask(t)
    assert thin[5:27].sum() == (t[5:27] > 0).sum()


def test_thin_uses_the_half_level():
    t = np.zeros((10, 10), np.uint8)
    t[:, 4] = 128
    t[:, 5] = 127
    assert metrics.thin_mask(t).sum() == 10


def test_thin_recall_counts_covered_thin_pixels():
    t = np.zeros((20, 40), np.uint8)
    t[:, 5:7] = 255  # 40 thin px
    t[:, 20:35] = 255  # thick, ignored
    a = t.copy()
    a[:5, 5:7] = 127  # 10 thin px below 0.5
    a[:, 20:35] = 0  # losing the thick bar does not matter
    assert metrics.thin_recall(a, t) == 0.75


def test_thin_recall_is_nan_without_thin_structure():
    assert math.isnan(metrics.thin_recall(np.zeros((9, 9)), np.zeros((9, 9))))


def test_thin_mask_refuses_a_bad_width():
    with pytest.raises(CoreError, match="max_width"):
        metrics.thin_mask(np.zeros((9, 9)), max_width=0)


# --- bleed and overshoot -----------------------------------------------------------------------


def test_bleed_counts_opaque_pixels_left_between_0_1_and_0_9():
    truth = np.array([[255, 255, 255, 255], [255, 253, 252, 0]], np.uint8)  # 6 opaque (>= 0.99)
    alpha = np.array([[26, 229, 25, 230], [255, 128, 128, 128]], np.uint8)
    # opaque and inside (0.1, 0.9): 26, 229, and 128 under the 253; not the one under 252
    assert metrics.bleed(alpha, truth) == (3, 0.5)


def test_bleed_without_opaque_pixels():
    b = metrics.bleed(np.full((3, 3), 0.5), np.full((3, 3), 0.5))
    assert b.count == 0 and math.isnan(b.fraction)


def test_edge_overshoot_of_a_grown_edge():
    truth = np.zeros((20, 30), np.uint8)
    truth[:, :10] = 255
    for grow in (1, 2, 5):
        alpha = np.zeros_like(truth)
        alpha[:, : 10 + grow] = 255
        assert metrics.edge_overshoot(alpha, truth) == pytest.approx(grow, abs=1e-4)


def test_edge_overshoot_percentile_ignores_a_stray_pixel():
    truth = np.zeros((100, 100), np.uint8)
    truth[:, :50] = 255
    alpha = truth.copy()
    alpha[:, 50] = 255  # 100 px at distance 1
    alpha[50, 90] = 255  # one stray pixel at distance 41 (column 90 to column 49)
    assert metrics.edge_overshoot(alpha, truth) == pytest.approx(1.0, abs=1e-4)  # 99th of 101 values
    assert metrics.edge_overshoot(alpha, truth, percentile=100) == pytest.approx(41, abs=1e-3)


def test_edge_overshoot_zero_when_inside_and_inf_without_truth():
    truth = square(5, 5)
    assert metrics.edge_overshoot(square(7, 7, size=5), truth) == 0.0
    assert metrics.edge_overshoot(truth, np.zeros_like(truth)) == math.inf


# --- input checking -----------------------------------------------------------------------------


def test_shape_mismatch_is_refused_with_both_sizes():
    with pytest.raises(SizeMismatchError, match="alpha is 4x3 but true_alpha is 3x4"):
        metrics.sad(np.zeros((3, 4), np.uint8), np.zeros((4, 3), np.uint8))


@pytest.mark.parametrize(
    ("array", "message"),
    [
        (np.zeros((3, 3), np.uint16), "dtype uint16"),
        (np.zeros((3, 3), bool), "dtype bool"),
        (np.zeros((3, 3, 1), np.uint8), "2-D"),
        (np.full((3, 3), 1.5), "from 1.5 to 1.5"),
        (np.full((3, 3), np.nan), "must lie in"),
    ],
)
def test_bad_alphas_are_refused(array, message):
    with pytest.raises(CoreError, match=message):
        metrics.iou(array, np.zeros((3, 3), np.uint8))


def test_bad_filter_parameters_are_refused():
    a = np.zeros((5, 5), np.uint8)
    with pytest.raises(CoreError, match="sigma"):
        metrics.gradient_error(a, a, sigma=0)
    with pytest.raises(CoreError, match="step"):
        metrics.connectivity_error(a, a, step=0)


def test_mask_must_be_boolean_and_the_same_shape():
    a = np.zeros((3, 3), np.uint8)
    with pytest.raises(CoreError, match="boolean"):
        metrics.sad(a, a, mask=np.ones((3, 3), np.uint8))
    with pytest.raises(SizeMismatchError, match="mask"):
        metrics.sad(a, a, mask=np.ones((2, 3), bool))


def test_inputs_are_not_modified():
    alpha, truth = _blobs(8), square(5, 5, shape=(48, 64))
    alpha.flags.writeable = False
    truth.flags.writeable = False
    metrics.score(alpha, truth)


@settings(max_examples=40, deadline=None)
@given(
    arrays(np.uint8, (12, 14)),
    arrays(np.uint8, (12, 14)),
)
def test_properties_of_any_pair(a, t):
    s = metrics.score(a, t)
    assert s.sad == pytest.approx(metrics.sad(t, a))
    assert 0.0 <= s.iou <= 1.0
    assert 0.0 <= s.mse <= 1.0
    assert s.grad >= 0 and s.conn >= 0 and s.edge_overshoot >= 0
    assert s.bleed_count <= int(np.count_nonzero(t >= 253))
