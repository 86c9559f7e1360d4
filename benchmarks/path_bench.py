"""Speed of drawing pathological paths: long self-crossing edges, rows full of crossings, scribbles.

QA found a valid recipe, 10 self-crossing zig-zags of 19,990 segments across the image, whose
render took minutes (and ~10 GB a path) inside the editor's save. This prints, per case, the
pixel rows its edges cross (``PathGeometry.edge_rows``, budgeted by
``core.limits.MAX_RECIPE_EDGE_ROWS``), whether a recipe of it is accepted, and the seconds to
render it (recipes, through ``core.render``) or to rasterize it (single paths past the budget,
through ``core.rasterize.coverage``: what the budget guards against, and what the sweep now
does with it). numba is loaded before timing (the first self-overlapping path in a process pays
~1 s for it).

    .venv/bin/python -m benchmarks.path_bench [--runs 3] [--quick]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from core.errors import InvalidRecipeError  # noqa: E402
from core.geometry import parse_path, path_data_from_polygon  # noqa: E402
from core.rasterize import coverage  # noqa: E402
from core.recipe import Recipe  # noqa: E402
from core.render import render_alpha  # noqa: E402
from core.window import Rect  # noqa: E402

SEGMENTS = 19_990


def zig_zag(n: int, width: int, height: int, shift: float = 0.0) -> np.ndarray:
    """Down the image zig-zagging between its sides, then back up between those edges: every
    edge is ~``width`` px long and nearly horizontal, and crosses the other pass's edges."""
    half = n // 2
    i = np.arange(n)
    down = np.c_[np.where(i[:half] % 2 == 0, 5.0, width - 5.0), np.linspace(5, height - 5, half) + shift]
    up = np.c_[np.where(i[: n - half] % 2 == 0, width - 5.0, 5.0), np.linspace(height - 5, 5, n - half) + 0.37 + shift]
    return np.vstack([down, up])


def vertical_zig_zag(n: int, width: int, height: int) -> np.ndarray:
    """The same turned upright: every edge spans every row."""
    return zig_zag(n, height, width)[:, ::-1]


def lattice(n: int, width: int, height: int, lean: float = 75.0) -> np.ndarray:
    """Upright strokes, a rightward pass leaning right and a leftward one leaning left: every row
    holds n edges in one slice and ~400 crossings (24 MP)."""
    half = n // 2
    span = width - 4 * lean - 20
    i = np.arange(half)
    y_right = np.where(i % 2 == 0, 2.0, height - 2.0)
    x_right = 10 + 2 * lean + i * span / half + np.where(y_right < height / 2, -lean, lean)
    j = np.arange(n - half)
    y_left = np.where((j + half) % 2 == 0, 2.0, height - 2.0)
    x_left = 10 + 2 * lean + span - j * span / half + 0.37 + np.where(y_left < height / 2, lean, -lean)
    pts = np.vstack([np.c_[x_right, y_right], np.c_[x_left, y_left]])
    pts[:, 0] += np.random.default_rng(3).uniform(-0.3, 0.3, n)
    return pts


def random_polygon(n: int, width: int, height: int) -> np.ndarray:
    """n random vertices: long random chords crossing each other everywhere."""
    return np.random.default_rng(1).uniform([5, 5], [width - 5, height - 5], (n, 2))


def star(n: int, width: int, height: int) -> np.ndarray:
    """The star polygon {n / (n/2 - 1)}: near-diameters, all crossing round the centre."""
    a = 2 * np.pi * (n // 2 - 1) * np.arange(n) / n
    return np.c_[width / 2 + (height / 2 - 10) * np.cos(a), height / 2 + (height / 2 - 10) * np.sin(a)]


def scribble(n: int) -> np.ndarray:
    """A comb of n teeth inside one pixel (crosses nothing)."""
    i = np.arange(n)
    teeth = np.c_[np.where(i % 2 == 0, 0.1, 0.8), 0.1 + i * 0.8 / n]
    return np.vstack([teeth, [[0.95, 0.9], [0.95, 0.05], [0.1, 0.05]]])


def timed(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def accepted(raw: dict) -> tuple[Recipe | None, str]:
    try:
        return Recipe.from_dict(raw), "yes"
    except InvalidRecipeError:
        return None, "refused"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3, help="median of this many runs per case")
    parser.add_argument("--quick", action="store_true", help="only the 2000 x 2000 recipe")
    args = parser.parse_args(argv)

    coverage(parse_path("M 0 0 H 4 V 4 H 0 Z M 1 1 H 5 V 5 H 1 Z"), Rect(0, 0, 6, 6))  # load numba
    print(f"{'case':<66}{'edge rows':>12}{'accepted':>10}{'seconds':>10}")
    sizes = [(2000, 2000)] if args.quick else [(2000, 2000), (6000, 4000)]
    for width, height in sizes:
        ops = [{"op": "path", "d": path_data_from_polygon(zig_zag(SEGMENTS, width, height, shift=3.1 * k))}
               for k in range(10)]  # fmt: skip
        recipe, ok = accepted({"ops": ops})
        rows = sum(parse_path(op["d"]).edge_rows() for op in ops)
        rgb, ai = np.zeros((height, width, 3), np.uint8), np.zeros((height, width), np.uint8)
        seconds = timed(lambda: render_alpha(rgb, ai, recipe), args.runs) if recipe else float("nan")
        name = f"recipe: 10 self-crossing zig-zags x {SEGMENTS:,} segments, {width}x{height}"
        print(f"{name:<66}{rows:>12,}{ok:>10}{seconds:>10.2f}", flush=True)
    if args.quick:
        return
    width, height = 6000, 4000
    window = Rect(0, 0, width, height)
    cases = [
        ("path: 16,000 upright strokes, ~400 crossings a row", lattice(16_000, width, height), window),
        (f"path: {SEGMENTS:,} random vertices", random_polygon(SEGMENTS, width, height), window),
        (f"path: star polygon of {SEGMENTS:,} near-diameters", star(SEGMENTS, width, height), window),
        (f"path: upright zig-zag, {SEGMENTS:,} segments", vertical_zig_zag(SEGMENTS, width, height), window),
        (f"path: comb of {SEGMENTS:,} teeth inside one pixel", scribble(SEGMENTS), Rect(0, 0, 2, 2)),
    ]
    for name, pts, rect in cases:
        d = path_data_from_polygon(pts)
        geometry = parse_path(d)
        _, ok = accepted({"ops": [{"op": "path", "d": d}]})
        seconds = timed(lambda: coverage(geometry, rect), args.runs)
        label = f"{name} (24 MP)" if rect == window else name
        print(f"{label:<66}{geometry.edge_rows():>12,}{ok:>10}{seconds:>10.2f}", flush=True)


if __name__ == "__main__":
    main()
