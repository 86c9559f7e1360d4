"""Bytes a grid page fetches per tile, and the time to make a tile's thumbnail once.

For each dev scene's AI cutout (``../shared/data/synthetic-dev/*_cutout.png``; without the data,
generated rings), the 2048 px previews a tile used to load (a render's PNG, the cutout's WebP)
against the 480 px WebP thumbnail ``/api/photos/{id}/thumb.webp`` serves now
(``core.codecs.thumbnail_of``, made from the preview by the task that stores it).

    .venv/bin/python -m benchmarks.thumbnail_bench
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Iterator

import cv2
import numpy as np

from benchmarks.datasets import data_root
from core import codecs

THUMBNAIL_LONG_SIDE = 480  # as jewelreview.thumbnail_files
TILES_PER_PAGE = 48  # the grid's default page


def cutouts() -> Iterator[tuple[str, np.ndarray, np.ndarray]]:
    """(name, rgb, alpha) of each dev scene's cutout, or of generated rings without the data."""
    paths = sorted((data_root() / "synthetic-dev").glob("*_cutout.png"))
    for path in paths:
        pixels = cv2.imread(str(path), cv2.IMREAD_UNCHANGED)
        yield path.stem, cv2.cvtColor(pixels[..., :3], cv2.COLOR_BGR2RGB), np.ascontiguousarray(pixels[..., 3])
    if not paths:
        rng = np.random.default_rng(0)
        for index in range(6):
            rgb = rng.integers(0, 255, (1600, 1600, 3), dtype=np.uint8)
            alpha = np.zeros((1600, 1600), np.uint8)
            cv2.circle(alpha, (800, 800), 400 + 40 * index, 255, thickness=60)
            yield f"generated_{index}", rgb, alpha


def main() -> int:
    rows = []
    for name, rgb, alpha in cutouts():
        png = codecs.encode_preview(rgb, alpha, long_side=2048, fmt="png")
        webp = codecs.encode_preview(rgb, alpha, long_side=2048, fmt="webp")
        started = time.perf_counter()
        thumbnail = codecs.thumbnail_of(png, long_side=THUMBNAIL_LONG_SIDE)
        rows.append((name, len(png), len(webp), len(thumbnail), time.perf_counter() - started))
    print(f"{'scene':24s} {'render preview':>15s} {'cutout preview':>15s} {'thumbnail':>10s} {'made in':>8s}")
    for name, png, webp, thumbnail, seconds in rows:
        print(f"{name:24s} {png / 1024:12.0f} KB {webp / 1024:12.0f} KB {thumbnail / 1024:7.1f} KB {seconds * 1000:5.0f} ms")
    png, webp, thumb, made = (statistics.median(r[i] for r in rows) for i in range(1, 5))
    print(
        f"median ({len(rows)}): a page of {TILES_PER_PAGE} rendered tiles {TILES_PER_PAGE * png / 2**20:.1f} MB -> "
        f"{TILES_PER_PAGE * thumb / 2**20:.2f} MB ({png / thumb:.0f}x less), of cutout tiles "
        f"{TILES_PER_PAGE * webp / 2**20:.1f} MB -> {TILES_PER_PAGE * thumb / 2**20:.2f} MB ({webp / thumb:.1f}x less); "
        f"a thumbnail is made once in {made * 1000:.0f} ms"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
