"""Time ``core.detect`` in memory on the 24 MP benchmark scene, in a process of its own.

Run by :func:`benchmarks.detect_bench.time_detect_24mp` once per process set-up::

    python -m benchmarks.detect_speed FOLDER [--repeats 3] [--as-worker]

FOLDER holds ``scene.jpg`` and ``scene_mask.png`` (:mod:`benchmarks.scene24`). Prints JSON:
the seconds of each ``detect`` on the studio scene (``studio``) and on its piece over a
cluttered background (:func:`on_clutter`: ``cluttered``), and the latter's ``studio_fit``.

Without ``--as-worker`` the process runs with one OpenCV thread and the solver loaded; with it,
as jewelreview's RQ worker runs (:func:`jewelreview.workers.warm_up`: the same, and glibc
keeping freed memory, which is where the two differ).
"""

from __future__ import annotations

import argparse
import json
import sys
import time

import cv2
import numpy as np


def on_clutter(rgb: np.ndarray, alpha: np.ndarray) -> np.ndarray:
    """The scene's piece over a busy background (seeded blocks of colour, lines and noise instead
    of the sweep): a photo that is no studio shot, for the detector's other path."""
    rng = np.random.default_rng(24)
    h, w = alpha.shape
    blocks = rng.integers(40, 230, (h // 60 + 1, w // 60 + 1, 3), dtype=np.uint8)
    wall = cv2.resize(blocks, (w, h), interpolation=cv2.INTER_NEAREST)
    for _ in range(400):  # twigs and cables
        x0, y0, x1, y1 = (int(v) for v in rng.integers(0, [w, h, w, h]))
        cv2.line(wall, (x0, y0), (x1, y1), tuple(int(c) for c in rng.integers(0, 255, 3)), int(rng.integers(2, 6)))
    wall = cv2.add(wall, rng.integers(0, 12, wall.shape, dtype=np.uint8))
    a = (alpha.astype(np.float32) / 255.0)[..., None]
    return (a * rgb + (1.0 - a) * wall).astype(np.uint8)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--as-worker", action="store_true", help="set the process up as the RQ worker does")
    args = parser.parse_args(argv)
    if args.as_worker:
        from jewelreview.workers import warm_up

        warm_up()
    else:  # the worker's set-up but glibc's memory settings (its parent strips MALLOC_* too)
        from core.matte import preload_solver

        cv2.setNumThreads(1)
        preload_solver()
    from core.detect import detect

    rgb = cv2.cvtColor(cv2.imread(f"{args.folder}/scene.jpg"), cv2.COLOR_BGR2RGB)
    alpha = cv2.imread(f"{args.folder}/scene_mask.png", cv2.IMREAD_UNCHANGED)
    busy = on_clutter(rgb, alpha)
    studio, cluttered, fit = [], [], None
    for _ in range(args.repeats):
        started = time.perf_counter()
        detect(rgb, alpha)
        studio.append(time.perf_counter() - started)
        started = time.perf_counter()
        fit = detect(busy, alpha).studio_fit
        cluttered.append(time.perf_counter() - started)
    json.dump({"studio": studio, "cluttered": cluttered, "studio_fit": fit}, sys.stdout)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
