"""benchmarks.detect_bench: the thin recall it prints beside the metric's, for comparison."""

import math

import numpy as np

from benchmarks.detect_bench import residue_recall
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
