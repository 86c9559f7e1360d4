"""Previews of auto-fix's ``recover`` ops, and of a ``matte`` region over the whole photo: the first
render, and the next ones while a retoucher moves a slider of an op after them.

A recover op re-solves its whole region whatever the window, so without
:mod:`core.result_cache` every preview of a cluttered photo's auto-fix revision took the solve's
time again. Per real photo of the benchmark (``benchmarks.datasets``; skipped when the data is
absent): the auto-fix recipe plus a decontaminate op whose amount changes between renders, the
whole photo rendered by ``core.render.render_window`` (what the preview endpoint runs), in this
process:

    .venv/bin/python -m benchmarks.recover_preview_bench [--runs 3]

Columns: recover ops in the recipe; the first render (solves them); the median of the next
renders (served from the cache); the same with the cache disabled (solved every time). Then the
same for one ``matte`` op (Refine Edge) painted over the whole photo at the largest radius, 64 px
(QA: ~9 s on every crop preview after it), which shares the cache (core.result_cache).
"""

from __future__ import annotations

import argparse
import statistics
import time

from benchmarks.datasets import data_root, load_real_scene, real_names
from core import codecs, result_cache
from core.autofix import propose_recipe
from core.detect import detect
from core.recipe import Recipe
from core.render import render_window
from core.window import Rect


def _timed(image, alpha, recipes) -> list[float]:
    window = Rect.of_shape(alpha.shape)
    times = []
    for recipe in recipes:
        started = time.perf_counter()
        render_window(image, alpha, recipe, window)
        times.append(time.perf_counter() - started)
    return times


def measure(name: str, runs: int, *, matte: bool = False) -> tuple[int, float, float, float]:
    """(recover ops, first render s, median cached s, median uncached s) for one real photo; with
    ``matte``, of one matte op over the whole photo instead of the auto-fix recipe."""
    scene = load_real_scene(name)
    if matte:
        height, width = scene.ai_alpha.shape
        whole = f"M 0 0 H {width} V {height} H 0 Z"
        proposal = {"version": 1, "base": "ai", "ops": [{"op": "matte", "region": whole, "radius": 64}]}
    else:
        proposal = propose_recipe(detect(scene.rgb, scene.ai_alpha)).to_dict()
    recipes = [
        Recipe.from_dict({**proposal, "ops": proposal["ops"] + [{"op": "decontaminate", "amount": 40 + 5 * i}]})
        for i in range(runs + 1)
    ]
    image = codecs.DecodedImage(
        rgb=scene.rgb, icc_profile=None, bit_depth=8, info=codecs.ImageInfo.of_array(scene.rgb)
    )
    try:
        result_cache.keep_op_results(result_cache.OP_RESULT_BYTES)
        cached = _timed(image, scene.ai_alpha, recipes)
        result_cache.keep_op_results(0)
        uncached = _timed(image, scene.ai_alpha, recipes[1:])
    finally:
        result_cache.keep_op_results(result_cache.OP_RESULT_BYTES)
    ops = sum(op["op"] in ("recover", "matte") for op in proposal["ops"])
    return ops, cached[0], statistics.median(cached[1:]), statistics.median(uncached)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="renders after the first (default 3)")
    args = parser.parse_args(argv)
    if not (data_root() / "real").is_dir():
        print(f"no real photos under {data_root()}: nothing measured")
        return 0
    print(f"{'photo':<28} {'recover ops':>11} {'first s':>8} {'next s':>7} {'uncached s':>10}")
    for name in real_names():
        ops, first, cached, uncached = measure(name, args.runs)
        print(f"{name:<28} {ops:>11} {first:>8.2f} {cached:>7.2f} {uncached:>10.2f}")
    print(f"\n{'photo':<28} {'matte ops':>11} {'first s':>8} {'next s':>7} {'uncached s':>10}")
    for name in real_names():
        ops, first, cached, uncached = measure(name, args.runs, matte=True)
        print(f"{name:<28} {ops:>11} {first:>8.2f} {cached:>7.2f} {uncached:>10.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
