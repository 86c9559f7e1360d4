"""The benchmark's account of why thin-structure recall falls short counts what it says."""

import doctest

import numpy as np

from benchmarks import thin_misses as module
from benchmarks.thin_misses import ThinMisses, format_misses, recover_everywhere, thin_misses
from core.metrics import thin_recall


def test_docstring_example():
    result = doctest.testmod(module, report=False)
    assert result.attempted > 0
    assert result.failed == 0


def _wire_scene():
    truth = np.zeros((40, 20), np.uint8)
    truth[:, 9:11] = 255
    truth[30:, :] = 255
    ai = truth.copy()
    ai[:30, 9:11] = 0
    return truth, ai


def test_only_ops_that_restore_detail_count_and_only_box_regions():
    truth, ai = _wire_scene()
    fixed = ai.copy()  # nothing brought back: the wire's 58 thin pixels are left
    everywhere = "M 0 0 H 20 V 40 H 0 Z"
    ops = [
        {"op": "refine", "contrast": 90.0, "region": everywhere},  # a bleed fix cannot restore a wire
        {"op": "refine", "contrast": 40.0},  # the image-wide edge refine: no region
        {"op": "channel", "region": "M 0 20 H 20 V 30 H 0 Z"},
        {"op": "path", "d": everywhere, "mode": "add", "feather": 0},  # a pen path is the retoucher's, not auto-fix's
    ]
    counted = thin_misses(truth, ai, fixed, ops)
    assert counted.left == counted.thin == 58
    assert counted.in_ops == 2 * 10 - 2  # rows 20-29 of the wire, less the 2 junction pixels the opening keeps
    assert thin_misses(truth, ai, fixed, ops + [{"op": "recover", "region": everywhere}]).in_ops == 58
    # A region edited in the editor is any path, not auto-fix's box form: this polygon reaches
    # half-way into column 9, the wire's left column (every pixel it touches counts).
    polygon = {"op": "recover", "region": "M 0 0 L 9.5 0 L 9.5 40 L 0 40 Z"}
    assert thin_misses(truth, ai, fixed, [polygon]).in_ops == 29


def test_reach_is_measured_from_the_faintest_alpha_of_the_mask():
    truth, ai = _wire_scene()
    ai[:, 0] = 8  # 8/255 is over recover's 0.03: the whole left column is "mask" for the reach
    counted = thin_misses(truth, ai, ai, [])
    assert counted.beyond_reach == 0  # every wire pixel is within 16 px of column 0
    ai[:, 0] = 7
    assert thin_misses(truth, ai, ai, []).beyond_reach == 2 * 14  # rows 0-13 are over 16 px from row 30


def test_fringe_and_near_cut():
    truth, ai = _wire_scene()
    truth[0:5, 9] = 150  # half-covered: under 0.6 but a thin foreground pixel
    fixed = truth.copy()
    fixed[0:5, 9] = 102  # 0.4: just under the cut
    fixed[5:7, 9] = 101
    counted = thin_misses(truth, ai, fixed, [])
    assert (counted.left, counted.fringe, counted.near_cut) == (7, 5, 5)


def test_format_gives_shares_of_the_pixels_left():
    text = format_misses([
        ("scene", ThinMisses(thin=100, left=20, in_ops=5, beyond_reach=0, fringe=20, near_cut=1), (0.8, 0.0123)),
        ("clean", ThinMisses(thin=10, left=0, in_ops=0, beyond_reach=0, fringe=0, near_cut=0), (1.0, 0.0)),
    ])
    scene, clean = text.splitlines()[1:]
    assert scene.split()[1:] == ["100", "20", "25", "%", "0", "%", "100", "%", "5", "%", "0.800", "1.23", "%"]
    assert clean.split()[1:] == ["10", "0", "-", "-", "-", "-", "1.000", "0.00", "%"]


def test_recover_everywhere_brings_back_a_wire_the_mask_lost():
    # A dark 2 px wire on a two-tone wall, standing on a dark bar the mask has (recover's example).
    rgb = np.full((60, 60, 3), 200, np.uint8)
    rgb[:, 30:] = (90, 140, 200)
    rgb[40:, :] = 20
    rgb[30:40, 20:22] = 20
    truth = np.zeros((60, 60), np.uint8)
    truth[40:, :] = 255
    truth[30:40, 20:22] = 255
    ai = truth.copy()
    ai[30:40, 20:22] = 0
    assert thin_recall(ai, truth) < 0.2
    recall, on_truth = recover_everywhere(rgb, ai, truth)
    assert recall > 0.8
    assert on_truth == 0.0  # with the truth as the mask there is nothing to raise
