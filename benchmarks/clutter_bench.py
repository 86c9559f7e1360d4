"""Cables behind the piece: detection and auto-fix on a synthetic cluttered scene.

None of the benchmark's photos has lines of another colour running behind the piece, but
lifestyle shots do (cables, twigs, a chair's rungs): where such a line touches the mask it looks
like a strand the remover lost. The scene: six gold and silver rings with a 2 px chain hanging
from each, over blocks of colour crossed by 2-5 px lines of any colour (the 24 MP speed scene's
piece and clutter of :mod:`benchmarks.detect_speed`, at 3000 x 2000). Seeded: the same scene
every run. Printed:

* **chains lost**: the mask is the truth opened by a 7 px square (the chains gone) and softened
  by a 0.8 px blur. Regions reported, how many overlap a lost chain, risk, and the SAD (in
  thousands) of the mask and of the auto-fixed mask against the truth;
* **correct mask**: the truth itself as the mask. Regions, risk, pixels auto-fix changes by
  more than 0.1.

Run from the repository root::

    .venv/bin/python -m benchmarks.clutter_bench
"""

from __future__ import annotations

import math
import time

import cv2
import numpy as np

from benchmarks.detect_speed import on_clutter

WIDTH, HEIGHT = 3000, 2000
GOLD, SILVER = (196, 160, 72), (150, 152, 160)


def make_scene() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(rgb, true alpha, the mask with the chains lost)."""
    truth = np.zeros((HEIGHT, WIDTH), np.uint8)
    piece = np.zeros((HEIGHT, WIDTH, 3), np.uint8)
    for i in range(6):
        cx, cy = int(WIDTH * (0.15 + 0.14 * i)), int(HEIGHT * (0.35 + 0.25 * (i % 2)))
        radius = int(min(WIDTH, HEIGHT) * 0.09)
        colour = GOLD if i % 2 == 0 else SILVER
        chain = np.array([(cx + 20 * math.sin(t / 9.0), cy - radius - t * 3) for t in range(120)], np.int32)
        cv2.circle(truth, (cx, cy), radius, 255, thickness=int(radius * 0.25), lineType=cv2.LINE_AA)
        cv2.polylines(truth, [chain.reshape(-1, 1, 2)], False, 255, thickness=2, lineType=cv2.LINE_AA)
        # The colour layer covers every pixel the truth touches (2 px wider, no anti-aliasing):
        # the compositing below gives edge pixels their mix of metal and clutter.
        cv2.circle(piece, (cx, cy), radius, colour, thickness=int(radius * 0.25) + 2)
        cv2.polylines(piece, [chain.reshape(-1, 1, 2)], False, colour, thickness=4)
    rgb = on_clutter(piece, truth)
    opened = cv2.morphologyEx(truth, cv2.MORPH_OPEN, np.ones((7, 7), np.uint8))
    lost = cv2.GaussianBlur(np.where(opened > 0, 255, 0).astype(np.uint8), (0, 0), 0.8)
    return rgb, truth, lost


def _slices(box: tuple[int, int, int, int]) -> tuple[slice, slice]:
    x, y, w, h = box
    return slice(y, y + h), slice(x, x + w)


def _sad(alpha: np.ndarray, truth: np.ndarray) -> float:
    return float(np.abs(alpha.astype(np.int32) - truth).sum()) / 255.0 / 1000.0


def main() -> None:
    from core import matte
    from core.autofix import propose_recipe
    from core.detect import detect
    from core.render import render_alpha

    matte.preload_solver()
    rgb, truth, lost = make_scene()
    chains = cv2.dilate(((truth > 127) & (lost < 128)).astype(np.uint8), np.ones((5, 5), np.uint8)).astype(bool)

    started = time.perf_counter()
    found = detect(rgb, lost)
    fixed = render_alpha(rgb, lost, propose_recipe(found))
    seconds = time.perf_counter() - started
    on_chain = sum(1 for r in found.regions if chains[_slices(r.box)].any())
    print(f"chains lost:  {len(found.regions)} regions, {on_chain} on a lost chain, risk {found.risk:.2f}; "
          f"SAD ai {_sad(lost, truth):.2f} -> fix {_sad(fixed, truth):.2f} ({seconds:.1f} s)")

    correct = detect(rgb, truth)
    kept = render_alpha(rgb, truth, propose_recipe(correct))
    changed = float(np.mean(np.abs(kept.astype(np.int32) - truth) > 25)) * 100.0
    print(f"correct mask: {len(correct.regions)} regions, risk {correct.risk:.2f}, changed {changed:.3f} % of pixels")


if __name__ == "__main__":
    main()
