"""Speed of wide refine feathers: the full-resolution blur against the coarse grid (engine 0.2.7).

QA found that a recipe of refine ops with feather 250, every value in range, held an editor
render slot for minutes (0.8 s an op on 0.7 MP, 7.5 s on 24 MP: the kernel is 751 px wide).
Feathers of 64 px and more now blur on a grid of ``sigma // 8`` px cells (:mod:`core.refine`).
This prints, per feather, the seconds of one refine op on a 24 MP mask (one OpenCV thread, as
renders run) both ways, the largest difference in levels and the mean, then the QA's recipe
(20 ops of feather 250) rendered over a 0.7 MP photo both ways.

    .venv/bin/python -m benchmarks.feather_bench [--runs 3]
"""

from __future__ import annotations

import argparse
import math
import statistics
import time

import cv2
import numpy as np

from core import refine
from core.codecs import DecodedImage, ImageInfo
from core.recipe import Recipe
from core.render import render_window
from core.window import Rect

FEATHERS = (16, 32, 63, 64, 128, 250)


def mask(width: int, height: int) -> np.ndarray:
    """A ring, a chain of 2 px links and a soft edge: what a jewelry mask holds."""
    alpha = np.zeros((height, width), np.uint8)
    centre, radius = (width // 2, height // 2), min(width, height) // 3
    cv2.circle(alpha, centre, radius, 255, -1)
    cv2.circle(alpha, centre, radius * 2 // 3, 0, -1)
    for x in range(0, width, 40):
        cv2.ellipse(alpha, (x, height // 8), (18, 9), 0, 0, 360, 255, 2)
    return cv2.GaussianBlur(alpha, (0, 0), 0.8)


def timed(function, runs: int) -> tuple[float, np.ndarray]:
    times, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def full_resolution(alpha: np.ndarray, feather: float) -> np.ndarray:
    """The blur engine 0.2.6 ran for every feather (core.refine's kernel, at full resolution)."""
    sigma = feather / 2
    size = 2 * math.ceil(3 * sigma) + 1
    return cv2.GaussianBlur(alpha, (size, size), sigma, borderType=cv2.BORDER_REPLICATE)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    cv2.setNumThreads(1)
    alpha = mask(6000, 4000)
    print("24 MP mask, one refine op (median of", args.runs, "runs)")
    print(f"{'feather':>8} {'full res s':>11} {'now s':>7} {'faster':>7} {'max diff':>9} {'mean diff':>10}")
    for feather in FEATHERS:
        before, want = timed(lambda: full_resolution(alpha, feather), args.runs)
        after, got = timed(lambda: refine.refine_alpha(alpha, feather=feather), args.runs)
        difference = np.abs(got.astype(np.int16) - want)
        print(
            f"{feather:>8} {before:>11.2f} {after:>7.2f} {before / after:>6.1f}x "
            f"{int(difference.max()):>9} {float(difference.mean()):>10.3f}"
        )
    photo = np.full((720, 960, 3), 230, np.uint8)
    image = DecodedImage(rgb=photo, icc_profile=None, bit_depth=8, info=ImageInfo.of_array(photo))
    recipe = Recipe.from_dict({"ops": [{"op": "refine", "feather": 250}] * 20})
    small = mask(960, 720)
    window = Rect(380, 260, 580, 460)  # a 200 px crop at 100 %, as the editor asks
    now, _ = timed(lambda: render_window(image, small, recipe, window), args.runs)
    saved = refine.COARSE_SIGMA
    refine.COARSE_SIGMA = math.inf  # every feather at full resolution, as before
    try:
        before, _ = timed(lambda: render_window(image, small, recipe, window), 1)
    finally:
        refine.COARSE_SIGMA = saved
    print(f"QA's recipe, 20 refine ops of feather 250, a 200 px window of a 0.7 MP photo: {before:.1f} s -> {now:.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
