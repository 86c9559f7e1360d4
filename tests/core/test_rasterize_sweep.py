"""The exact sweep for self-overlapping paths: its work grows with edges plus crossings per row."""

import numpy as np

from benchmarks.path_bench import lattice
from core.geometry import parse_path, path_data_from_polygon
from core.rasterize import polygon_edges, reference_coverage
from core.rasterize_sweep import exact_coverage
from core.window import Rect


def crossings_in_row(pts, row):
    """Pairs of edges that cross inside pixel row ``row`` (both spanning it), counted directly."""
    x0, y0 = pts[:, 0], pts[:, 1]
    x1, y1 = np.roll(x0, -1), np.roll(y0, -1)
    spans = (np.minimum(y0, y1) <= row) & (np.maximum(y0, y1) >= row + 1)
    top = (x0 + (row - y0) * (x1 - x0) / (y1 - y0))[spans]
    bottom = (x0 + (row + 1 - y0) * (x1 - x0) / (y1 - y0))[spans]
    order = np.argsort(top)
    b = bottom[order]
    return int(sum((b[k + 1 :] < b[k]).sum() for k in range(len(b))))


def test_work_grows_with_edges_plus_crossings_not_their_product():
    # 2,000 edges in each of 300 rows, ~290 crossings per row. The sweep used to order and walk
    # all 2,000 edges again after every crossing (~2,000 x 290 visits a row; a 16,000-edge path
    # like this took 3 minutes on 24 MP); now only the edges that cross there (and neighbours
    # they displace) are visited again.
    pts = lattice(2000, 800, 300, 20)
    g = parse_path(path_data_from_polygon(pts))
    crossings = crossings_in_row(pts, 150)
    assert 200 < crossings < 1024  # within the budget of the exact path, so the row is not clamped
    work = np.zeros(1, np.int64)
    exact_coverage(g, Rect(0, 0, 800, 300), polygon_edges, work)
    edge_rows = g.edge_rows()
    assert edge_rows == 2000 * 296
    assert work[0] < edge_rows + 4 * crossings * 300  # measured 1.38 x edge_rows
    assert work[0] < 2000 * crossings * 300 / 100  # the old walk: edges x crossings per row


def test_many_crossings_per_row_are_exact():
    pts = lattice(600, 400, 60, 20)
    g = parse_path(path_data_from_polygon(pts))
    window = Rect(0, 0, 400, 60)
    assert crossings_in_row(pts, 30) > 100
    alpha = exact_coverage(g, window, polygon_edges)
    part = Rect(150, 25, 190, 31)
    ref = reference_coverage(g, part, supersample=128)
    diff = np.abs(alpha[part.relative_to(window).slices()] / 255 - ref) * 255
    assert diff.mean() < 0.5 and diff.max() < 2.0


def test_edges_through_shared_points_are_ordered_as_a_whole_sort_would():
    # Vertices on a quarter-pixel grid: many edges pass through the same points, so their
    # pairwise crossing heights differ only by rounding. Such heights are taken as one and the
    # edges crossing there re-sorted together; sorting each rounding-thin sub-slice alone left
    # some out of order (seed 20: 12 levels off, seeds 136 and 143: 2).
    worst = 0.0
    for seed in range(150):
        rng = np.random.default_rng(seed)
        g = parse_path(path_data_from_polygon(np.round(rng.uniform(0, 5, (24, 2)) * 4) / 4))
        window = Rect(-1, -1, 6, 6)
        alpha = exact_coverage(g, window, polygon_edges)
        diff = np.abs(alpha / 255 - reference_coverage(g, window, supersample=256)) * 255
        worst = max(worst, float(diff.max()))
    assert worst < 1.5  # measured 0.98, the oracle's own sampling error
