"""benchmarks.detect_bench: the thin recall it prints beside the metric's, for comparison, and
the real photos' variants of its robustness checks."""

import math

import numpy as np
import pytest

from benchmarks.datasets import RESEED_STEP, RealVariant, scene_seed
from benchmarks.detect_bench import main, residue_recall
from core.metrics import thin_recall


def test_the_old_count_includes_a_thick_shape_s_corners_and_the_metric_does_not():
    truth = np.zeros((40, 40), np.uint8)
    truth[10:30, 10:30] = 255  # its four corners are what a 7 px opening removes
    rounded = truth.copy()
    for y, x in ((10, 10), (10, 29), (29, 10), (29, 29)):
        rounded[y, x] = 0  # the AI rounded them off
    assert residue_recall(rounded, truth) == 0.75  # 12 of the 16 corner pixels kept
    assert math.isnan(thin_recall(rounded, truth))  # no line: no thin structure


def test_both_count_a_lost_wire_alike():
    truth = np.zeros((40, 40), np.uint8)
    truth[:, 18:20] = 255
    lost = truth.copy()
    lost[:20] = 0
    assert residue_recall(lost, truth) == thin_recall(lost, truth) == 0.5


def test_a_real_variant_resizes_photo_and_alpha_alike_and_draws_other_damage():
    default = RealVariant()
    assert default.is_default and default.seed("am_x") == scene_seed("am_x")
    image = np.zeros((60, 80, 3), np.uint8)
    alpha = np.zeros((60, 80), np.uint8)
    assert default.resized(image) is image
    larger, smaller = RealVariant(scale=1.5, draw=2), RealVariant(scale=0.5)
    assert not larger.is_default and larger.seed("am_x") == scene_seed("am_x") + 2 * RESEED_STEP
    assert larger.resized(image).shape == (90, 120, 3) and larger.resized(alpha).shape == (90, 120)
    assert smaller.resized(alpha).shape == (30, 40)


def test_the_bench_refuses_a_scale_that_is_not_over_zero(capsys):
    with pytest.raises(SystemExit):
        main(["--real-scale", "0", "--no-speed"])
    assert "--real-scale must be over 0" in capsys.readouterr().err
