import doctest
import hashlib

import cv2
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import core.rasterize
from core.geometry import parse_path, path_data_from_polygon
from core.rasterize import coverage, path_alpha, polygon_edges, reference_coverage
from core.window import Rect


def shoelace(points):
    x, y = np.asarray(points, dtype=np.float64).T
    return 0.5 * abs(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1)))


def star(rng, n, center, r_min, r_max):
    """A random star-shaped (hence simple) polygon."""
    angles = (np.arange(n) + rng.uniform(0, 0.9, n)) * (2 * np.pi / n)
    radii = rng.uniform(r_min, r_max, n)
    return np.c_[center[0] + radii * np.cos(angles), center[1] + radii * np.sin(angles)]


def edge_error(alpha, ref):
    """Mean and max |coverage - reference| in levels, over pixels either calls partial."""
    partial = ((ref > 0) & (ref < 1)) | ((alpha > 0) & (alpha < 255))
    diff = np.abs(alpha / 255.0 - ref)[partial] * 255
    return diff.mean(), diff.max()


def test_docstring_examples_hold():
    assert doctest.testmod(core.rasterize).failed == 0


# --- exact answers -----------------------------------------------------------------------------


def test_square_on_integers_covers_exactly_100_pixels():
    a = coverage(parse_path("M 2 3 H 12 V 13 H 2 Z"), Rect(0, 0, 20, 20))
    assert a.dtype == np.uint8 and a.shape == (20, 20)
    assert (a == 255).sum() == 100
    assert (a > 0).sum() == 100
    assert (a[3:13, 2:12] == 255).all()


def test_edge_at_half_pixel_gives_128():
    a = coverage(parse_path("M 2 2 H 10.5 V 12 H 2 Z"), Rect(0, 0, 20, 20))
    assert (a[2:12, 10] == 128).all()  # 0.5 coverage, rounded half up
    assert (a[2:12, 2:10] == 255).all() and (a[:, 11:] == 0).all()
    assert a.sum() == 255 * 80 + 128 * 10


def test_corner_and_fractions_are_area():
    # pixel (2, 10) is covered 0.5 x 0.25; the rest of its row 0.25
    a = coverage(parse_path("M 2 2.75 H 10.5 V 12 H 2 Z"), Rect(0, 0, 20, 20))
    assert a[2, 10] == round(255 * 0.125)
    assert (a[2, 2:10] == round(255 * 0.25)).all()
    tri = coverage(parse_path("M 0 0 L 1 0 L 0 1 Z"), Rect(0, 0, 1, 1))
    assert tri[0, 0] == 128  # half the pixel


def test_thin_sliver_inside_one_pixel():
    a = coverage(parse_path("M 3.25 1 H 3.375 V 2 H 3.25 Z"), Rect(0, 0, 5, 3))
    assert a[1, 3] == 32 and a.sum() == 32  # 0.125 * 255 = 31.9


def test_relative_and_absolute_commands_give_the_same_coverage():
    window = Rect(0, 0, 64, 64)
    a = coverage(parse_path("M 10 10 C 30 0 50 20 50 40 Q 40 60 20 50 A 15 10 30 0 1 10 10 Z"), window)
    b = coverage(parse_path("m 10 10 c 20 -10 40 10 40 30 q -10 20 -30 10 a 15 10 30 0 1 -10 -40 z"), window)
    assert np.array_equal(a, b)


def test_circle_from_arcs_has_the_area_of_its_polygon():
    g = parse_path("M 10 30 A 20 20 0 0 0 50 30 A 20 20 0 0 0 10 30 Z")
    a = coverage(g, Rect(0, 0, 60, 60))
    polygon_area = shoelace(g.polygons[0])
    partial = ((a > 0) & (a < 255)).sum()
    assert abs(a.sum() / 255 - polygon_area) <= partial * 0.5 / 255  # rounding only
    assert 0 < np.pi * 400 - polygon_area <= 0.1 * 2 * np.pi * 20  # chords within 0.1 px of the circle
    assert a[30, 30] == 255 and a[30, 2] == 0


# --- the nonzero rule --------------------------------------------------------------------------


def test_opposite_inner_subpath_is_a_hole():
    a = coverage(parse_path("M 0 0 H 10 V 10 H 0 Z M 2 2 V 8 H 8 V 2 Z"), Rect(0, 0, 10, 10))
    assert a.sum() == 255 * (100 - 36)
    assert (a[2:8, 2:8] == 0).all()


def test_same_direction_inner_subpath_stays_filled():
    a = coverage(parse_path("M 0 0 H 10 V 10 H 0 Z M 2 2 H 8 V 8 H 2 Z"), Rect(0, 0, 10, 10))
    assert (a == 255).all()


def test_overlapping_subpaths_are_a_union():
    a = coverage(parse_path("M 0 0 H 6 V 6 H 0 Z M 3 3 H 9 V 9 H 3 Z"), Rect(0, 0, 10, 10))
    assert a.sum() == 255 * (36 + 36 - 9)
    assert set(np.unique(a)) == {0, 255}


def test_opposite_overlap_cancels_per_nonzero():
    # winding +1 and -1 add to 0 where the squares overlap
    a = coverage(parse_path("M 0 0 H 6 V 6 H 0 Z M 3 3 V 9 H 9 V 3 Z"), Rect(0, 0, 10, 10))
    assert (a[3:6, 3:6] == 0).all()
    assert a.sum() == 255 * (36 + 36 - 2 * 9)


def test_overlap_inside_a_pixel_is_not_counted_twice():
    # the same half-pixel edge twice: plain signed-area accumulation would give 255 there
    once = coverage(parse_path("M 0 0 H 5.5 V 4 H 0 Z"), Rect(0, 0, 8, 4))
    twice = coverage(parse_path("M 0 0 H 5.5 V 4 H 0 Z M 0 0 H 5.5 V 4 H 0 Z"), Rect(0, 0, 8, 4))
    assert np.array_equal(once, twice)
    assert (twice[:, 5] == 128).all()


def test_opposite_subpaths_meeting_inside_a_pixel_leave_no_seam():
    # accumulation would cancel +0.5 and -0.5 in column 5 to a transparent seam
    a = coverage(parse_path("M 0 0 H 5.5 V 4 H 0 Z M 5.5 0 V 4 H 8 V 0 Z"), Rect(0, 0, 8, 4))
    assert (a == 255).all()


def test_self_intersecting_star_fills_its_center_exactly():
    angles = np.linspace(0, 4 * np.pi, 6)[:-1] - np.pi / 2
    pentagram = np.c_[50 + 45 * np.cos(angles), 50 + 45 * np.sin(angles)]
    g = parse_path(path_data_from_polygon(pentagram))
    a = coverage(g, Rect(0, 0, 100, 100))
    assert a[50, 50] == 255  # winding 2 there: filled under nonzero (even-odd would leave a hole)
    mean, worst = edge_error(a, reference_coverage(g, Rect(0, 0, 100, 100), supersample=128))
    assert mean < 0.35 and worst < 1.0  # 128x128 sampling itself errs by up to ~1 level


# --- windows -----------------------------------------------------------------------------------


def test_windows_agree_where_they_overlap():
    g = parse_path("M -20 5 C 40 -30 90 40 130 10 L 120 90 Q 60 140 -10 80 Z M 30 30 h 30 v 30 h -30 z")
    whole = coverage(g, Rect(-30, -40, 140, 150))
    for window in (Rect(0, 0, 100, 100), Rect(37, -13, 61, 29), Rect(-25, 50, 5, 51), Rect(99, 60, 140, 150)):
        part = coverage(g, window)
        assert np.array_equal(part, whole[window.relative_to(Rect(-30, -40, 140, 150)).slices()])


def test_shape_beyond_the_window_fills_it():
    a = coverage(parse_path("M -1000 -1000 H 1000 V 1000 H -1000 Z"), Rect(3, 4, 13, 10))
    assert (a == 255).all()
    b = coverage(parse_path("M -1000 -1000 H 1000 V 1000 H -1000 Z M -5 -5 V 5 H 5 V -5 Z"), Rect(0, 0, 10, 10))
    assert (b[:5, :5] == 0).all() and b.sum() == 255 * 75


def test_shape_outside_or_empty_window_gives_zeros():
    g = parse_path("M 0 0 H 10 V 10 H 0 Z")
    assert not coverage(g, Rect(20, 0, 30, 10)).any()
    assert coverage(g, Rect(5, 5, 5, 9)).shape == (4, 0)


# --- properties and the oracle -----------------------------------------------------------------


@given(seed=st.integers(0, 2**32 - 1), n=st.integers(3, 40), scale=st.floats(10, 60))
def test_total_coverage_is_the_polygon_area(seed, n, scale):
    rng = np.random.default_rng(seed)
    center = rng.uniform(-10, 70, 2)
    pts = star(rng, n, center, 0.3 * scale, scale)
    g = parse_path(path_data_from_polygon(pts))
    a = coverage(g, g.window().pad(1))
    area = shoelace(pts)
    partial = int(((a > 0) & (a < 255)).sum())
    total = a.sum(dtype=np.int64) / 255
    assert abs(total - area) <= 0.005 * area
    assert abs(total - area) <= partial * 0.5 / 255 + 1e-6  # nothing but per-pixel rounding


@given(seed=st.integers(0, 2**32 - 1), n=st.integers(3, 25), closed_subpaths=st.integers(1, 3))
def test_matches_the_supersampled_oracle(seed, n, closed_subpaths):
    # random polygons, self-intersecting and overlapping, in random orientations
    rng = np.random.default_rng(seed)
    d = " ".join(path_data_from_polygon(rng.uniform(0, 40, (n, 2))) for _ in range(closed_subpaths))
    g = parse_path(d)
    window = Rect(-2, -2, 42, 42)
    alpha = coverage(g, window)
    # Mean error in levels over partial pixels. Most of it is the oracle's own: 16x16 point
    # sampling measured 0.5-0.7 typically, 2.2 at worst (thin triangles with nearly horizontal
    # edges); 64x64 sampling at most 0.32 over 150 random seeds.
    assert edge_error(alpha, reference_coverage(g, window, supersample=16))[0] < 3.0
    assert edge_error(alpha, reference_coverage(g, window, supersample=64))[0] < 0.5


def test_oracle_error_shrinks_with_finer_sampling():
    rng = np.random.default_rng(7)
    g = parse_path(" ".join(path_data_from_polygon(rng.uniform(0, 60, (12, 2))) for _ in range(3)))
    window = Rect(0, 0, 60, 60)
    a = coverage(g, window)
    coarse, _ = edge_error(a, reference_coverage(g, window, supersample=16))
    fine, worst = edge_error(a, reference_coverage(g, window, supersample=96))
    assert fine < 0.4 and worst < 2.0 and fine < coarse


def test_rows_over_the_budget_fall_back_and_stay_exact_without_overlap():
    # 600 vertices at distinct heights inside one pixel row: too many slices (600 x 600 edges),
    # so the row is accumulated plainly, which is still exact for a simple polygon
    x = np.arange(0, 300.5, 0.5)
    y = 5.05 + 0.9 * ((np.arange(len(x)) * 0.618034) % 1)
    pts = np.vstack([np.c_[x, y], [[300, 9], [0, 9]]])
    g = parse_path(path_data_from_polygon(pts), max_segments=1000)
    a = coverage(g, Rect(0, 0, 301, 10))
    assert abs(a.sum() / 255 - shoelace(pts)) <= 301 * 0.5 / 255
    mean, _ = edge_error(a, reference_coverage(g, Rect(0, 0, 301, 10), supersample=32))
    assert mean < 1.0


def crossing_bars(n):
    """2 x n thin slanted bars, every one of one family crossing every one of the other in row 0."""
    bars = []
    for i in range(n):
        bars.append(path_data_from_polygon([(i, 0), (i + 0.3, 0), (i + n + 0.3, 1), (i + n, 1)]))
        bars.append(path_data_from_polygon([(i + n, 0), (i + n + 0.3, 0), (i + 0.3, 1), (i, 1)]))
    return parse_path(" ".join(bars)), Rect(0, 0, 2 * n + 1, 1)


def test_many_crossings_in_one_row_are_exact():
    g, window = crossing_bars(12)  # 144 crossings in one slice
    diff = np.abs(coverage(g, window) / 255 - reference_coverage(g, window, supersample=256)) * 255
    assert diff.mean() < 0.6 and diff.max() < 1.0


def test_too_many_crossings_in_one_row_fall_back_and_stay_close():
    g, window = crossing_bars(40)  # 1600 crossings in one slice: over the budget
    diff = np.abs(coverage(g, window) / 255 - reference_coverage(g, window, supersample=64)) * 255
    assert diff.mean() < 10  # the overlaps inside pixels are approximate here (measured 5.7)


# --- cost: long edges, crowded pixels, and the bytes of ordinary paths -------------------------


def zig_zag(n, width, height):
    """n long, nearly horizontal edges zig-zagging down the window and back up between them:
    every edge crosses the window and the edges of the other pass."""
    half = n // 2
    i = np.arange(n)
    down = np.c_[np.where(i[:half] % 2 == 0, 5.0, width - 5.0), np.linspace(5, height - 5, half)]
    up = np.c_[np.where(i[: n - half] % 2 == 0, width - 5.0, 5.0), np.linspace(height - 5, 5, n - half) + 0.37]
    return np.vstack([down, up])


def test_long_crossing_edges_go_to_the_sweep_without_being_cut_into_pieces(monkeypatch):
    # 1,000 edges 1,000 px long would be cut into ~1M pixel pieces by the numpy pass, only for it
    # to find the crossings and hand the path to the sweep (QA: 10 paths of 20,000 such edges took
    # minutes and ~10 GB a path). They now go to the sweep at once.
    g = parse_path(path_data_from_polygon(zig_zag(1000, 1000, 400)))
    window = Rect(0, 0, 1000, 400)
    cut = []
    real_crossings = core.rasterize._crossings

    def counted_crossings(*args):
        t, edge = real_crossings(*args)
        cut.append(len(t))
        return t, edge

    monkeypatch.setattr(core.rasterize, "_crossings", counted_crossings)
    a = coverage(g, window)
    assert sum(cut) == 0
    from core.rasterize_sweep import exact_coverage

    assert np.array_equal(a, exact_coverage(g, window, polygon_edges))
    part = Rect(480, 190, 500, 196)  # nearly horizontal edges: the oracle needs fine sampling (measured 0.44 / 1.3)
    mean, worst = edge_error(a[part.relative_to(window).slices()], reference_coverage(g, part, supersample=256))
    assert mean < 0.6 and worst < 2.0


def test_a_long_path_sent_to_the_sweep_renders_as_the_numpy_pass_would(monkeypatch):
    # A comb of 600 teeth 990 px long crosses nothing, but its ~600k pieces are past the numpy
    # pass's budget: the sweep draws it, to the same bytes
    n, width = 600, 1000
    i = np.arange(n)
    teeth = np.c_[np.where(i % 2 == 0, 5.0, width - 5.0), 5 + i * 0.75]
    pts = np.vstack([teeth, [[width - 2.0, teeth[-1, 1]], [width - 2.0, 2.0], [5.0, 2.0]]])
    d = path_data_from_polygon(pts)
    window = Rect(0, 0, width, 460)
    swept = coverage(parse_path(d), window)
    monkeypatch.setattr(core.rasterize, "_MAX_ACCUMULATION_PIECES", 10**9)
    g = parse_path(d)  # a new geometry: the verdict is kept per geometry
    assert not core.rasterize._drawn_by_sweep(g)
    assert np.array_equal(swept, coverage(g, window))
    assert abs(swept.sum() / 255 - shoelace(pts)) <= ((swept > 0) & (swept < 255)).sum() * 0.5 / 255


def test_a_scribble_inside_one_pixel_skips_the_pairwise_crossing_test(monkeypatch):
    # 2,000 teeth of a comb inside one pixel: the crossing test pairs the pieces of a cell, which
    # made such a scribble quadratic (20,000 teeth: 18 s). Past 64 pieces in a cell the sweep,
    # exact either way, decides.
    n = 2000
    i = np.arange(n)
    teeth = np.c_[np.where(i % 2 == 0, 0.1, 0.8), 0.1 + i * 0.8 / n]
    pts = np.vstack([teeth, [[0.95, 0.9], [0.95, 0.05], [0.1, 0.05]]])
    g = parse_path(path_data_from_polygon(pts), max_segments=n + 10)
    pairs = []
    real_meet = core.rasterize._segments_meet

    def counted_meet(*args):
        pairs.append(len(args[0]))
        return real_meet(*args)

    monkeypatch.setattr(core.rasterize, "_segments_meet", counted_meet)
    a = coverage(g, Rect(0, 0, 2, 2))
    assert pairs == []
    assert a.tolist() == [[round(255 * shoelace(pts)), 0], [0, 0]]


# --- the same pixels in every window --------------------------------------------------------


def tiles_differ(d, full, tile):
    """Pixels where tiles of ``full`` (each drawn from a freshly parsed path) differ from it."""
    whole = coverage(parse_path(d), full)
    differ = 0
    for y in range(full.y0, full.y1, tile):
        for x in range(full.x0, full.x1, tile):
            part = Rect(x, y, min(x + tile, full.x1), min(y + tile, full.y1))
            differ += int(np.count_nonzero(coverage(parse_path(d), part) != whole[part.relative_to(full).slices()]))
    return differ


def slanted_comb(teeth, height):
    """A comb of ``teeth`` slanted teeth ``height`` px tall on fractional coordinates: no edge
    crosses another, but the edges are long (2 * teeth * height pixel pieces)."""
    pts = []
    for i in range(teeth):
        left = 20.29 + i * 16.3
        pts += [(left, height + 20.61), (left + 7.31, 20.37), (left + 15.95, 20.37), (left + 8.64, height + 20.61)]
    pts += [(20.29 + teeth * 16.3, height + 20.61), (20.29 + teeth * 16.3, height + 60.74), (20.29, height + 60.74)]
    return path_data_from_polygon(np.array(pts))


def test_every_tile_of_a_long_path_is_the_full_render():
    # 120 teeth 1,100 px tall: ~266,000 pieces, past the numpy pass's budget, so the sweep draws
    # the path; a 256 px tile holds a tenth of them. Deciding per window drew the tiles with the
    # numpy pass, whose rounding differed where 255 * coverage is within a thousandth of .5:
    # 336 of the 2.37M pixels came out a level apart. The verdict is now the path's.
    d = slanted_comb(120, 1100)
    assert core.rasterize._drawn_by_sweep(parse_path(d))
    assert tiles_differ(d, Rect(0, 0, 1990, 1190), 256) == 0


def lasso(seed):
    """A freehand outline crossing itself, on the editor's 0.1 px grid (coverages of k / 10 of a
    straight edge are exact halves of a level: 0.1 of 255 is 25.5)."""
    rng = np.random.default_rng(seed)
    t = np.linspace(0, 2 * np.pi, 60, endpoint=False)
    r = 60 + 25 * np.sin(3 * t + rng.uniform(0, 6))
    pts = np.c_[100 + r * np.cos(t) + rng.normal(0, 4, 60), 100 + 0.8 * r * np.sin(2 * t) + rng.normal(0, 4, 60)]
    return path_data_from_polygon(np.round(pts, 1))


def test_every_tile_of_a_self_crossing_lasso_is_the_full_render():
    # The sweep draws it. Tiles away from the crossings went to the numpy pass (a verdict per
    # window), and the sweep rounded exact halves of a level by the last bits of its sums, which
    # differ between a tile and the full render: 49 pixels of 17 of these 20 lassos came out a
    # level apart (16 with the verdict per path alone, 1 with the sweep's rounding alone).
    differ = [tiles_differ(lasso(seed), Rect(0, 0, 200, 200), 50) for seed in range(20)]
    assert differ == [0] * 20


def test_the_verdict_is_taken_once_per_path(monkeypatch):
    tests = []
    real = core.rasterize._signed_area_runs

    def counted(geometry, window, *, test):
        tests.append(test)
        return real(geometry, window, test=test)

    monkeypatch.setattr(core.rasterize, "_signed_area_runs", counted)
    g = parse_path("M 0.3 0.3 H 90.7 V 90.7 H 0.3 Z M 20 20 V 40 H 40 V 20 Z")  # a hole: the numpy pass
    for x in range(0, 100, 25):
        coverage(g, Rect(x, 0, x + 25, 100))
    assert tests == [True, False, False, False, False]  # the path's own window, then each tile
    tests.clear()
    coverage(parse_path("M 0 0 H 10 V 10 H 0 Z"), Rect(-1, -1, 11, 11))
    assert tests == [True]  # a window holding the whole path is its own test


def test_a_row_too_tangled_to_slice_is_drawn_alike_in_every_window():
    # Two overlapping rectangles in row 0 (together three quarters of each pixel: 191) beside
    # 2 x 40 crossing bars: 1,600 crossings in the row, past the sweep's budget, so the row is
    # accumulated plainly and the overlap counts twice (255). A tile used to see only the edges
    # left of its right side, found the row within budget and drew 191: now every window counts
    # every edge of the row, and draws it as the full render does, 255 (rasterize_sweep's docstring).
    bars = []
    for i in range(40):
        bars.append(path_data_from_polygon([(10 + i, 0), (10.3 + i, 0), (50.3 + i, 1), (50 + i, 1)]))
        bars.append(path_data_from_polygon([(50 + i, 0), (50.3 + i, 0), (10.3 + i, 1), (10 + i, 1)]))
    d = "M 0 0 H 5 V 0.5 H 0 Z M 0 0 H 5 V 0.75 H 0 Z " + " ".join(bars)
    full = coverage(parse_path(d), Rect(0, 0, 100, 1))
    assert full[0, :6].tolist() == [255] * 5 + [0]
    for right in (6, 30, 60):
        assert np.array_equal(coverage(parse_path(d), Rect(0, 0, right, 1)), full[:, :right])


def test_the_sweep_rounds_as_the_numpy_pass():
    import core.rasterize_sweep

    assert core.rasterize_sweep._ROUNDING_SLACK == core.rasterize._ROUNDING_SLACK


def drawn_cases():
    """(geometry, window, feather) of ordinary paths: simple outlines (the numpy pass),
    overlapping and self-crossing polygons (the sweep; a third with vertices on a quarter-pixel
    grid, so edges meet in shared points), a row of 144 crossings, curves with a hole, feathers."""
    rng = np.random.default_rng(2026)
    cases = []
    for _ in range(30):
        g = parse_path(path_data_from_polygon(star(rng, int(rng.integers(3, 60)), (130, 130), 5, 120)))
        cases.append((g, g.window().pad(1), 0.0))
    for i in range(30):
        n, m = int(rng.integers(3, 25)), int(rng.integers(1, 4))
        rings = [rng.uniform(0, 40, (n, 2)) for _ in range(m)]
        if i % 3 == 0:
            rings = [np.round(p * 4) / 4 for p in rings]
        cases.append((parse_path(" ".join(path_data_from_polygon(p) for p in rings)), Rect(-2, -2, 42, 42), 0.0))
    cases.append((*crossing_bars(12), 0.0))
    curve = parse_path(
        "M 100 60 C 300 0 420 240 260 330 Q 150 380 120 250 A 60 40 20 0 1 100 60 Z M 200 150 h 40 v 40 h -40 z"
    )
    for feather, window in ((0.0, Rect(37, 91, 300, 200)), (2.5, Rect(0, 0, 450, 400)), (6.0, Rect(90, 50, 140, 400)),
                            (20.0, Rect(0, 0, 450, 400))):  # fmt: skip
        cases.append((curve, window, feather))
    angles = np.linspace(0, 4 * np.pi, 6)[:-1] - np.pi / 2
    pentagram = parse_path(path_data_from_polygon(np.c_[50 + 45 * np.cos(angles), 50 + 45 * np.sin(angles)]))
    return cases + [(pentagram, Rect(0, 0, 100, 100), 0.0), (pentagram, Rect(20, 30, 70, 61), 3.0)]


def alphas_digest(cases):
    digest = hashlib.sha256()
    for g, window, feather in cases:
        alpha = path_alpha(g, window, feather)
        digest.update(repr(alpha.shape).encode())
        digest.update(alpha.tobytes())
    return digest.hexdigest()


def test_outlines_drawn_by_the_numpy_pass_keep_their_bytes():
    # The simple outlines among these cases, as engine 0.2.5 drew them before the cost fixes
    # (commit 2024342): renders of ordinary outlines must not change by a single level.
    outlines = [case for case in drawn_cases() if not core.rasterize._drawn_by_sweep(case[0])]
    assert len(outlines) == 30
    assert alphas_digest(outlines) == "8dae6ea9122fdf76d6e0dfa0a761e255069bba883fa231cf730ea6cfa60c3195"


def test_ordinary_paths_render_to_the_bytes_of_engine_0_2_6():
    # Every case as engine 0.2.6 draws them. Engine 0.2.5's digest, af7cd7d2... (unchanged by the
    # cost fixes), differs only where the sweep rounded an exact half level down, as the numpy
    # pass never did: 29 pixels of 12 of the self-overlapping polygons and 1 of the curve
    # feathered by 20, each one level up now (the oracle puts every one at k + 0.50).
    assert alphas_digest(drawn_cases()) == "f25c329a41130a303eff0d46e41ee30f60fcd4e35aba271ef09ba8ad713cc028"


# --- feathering --------------------------------------------------------------------------------


def test_feather_zero_is_coverage():
    g = parse_path("M 3 3 H 12.5 V 9 Z")
    assert np.array_equal(path_alpha(g, Rect(0, 0, 16, 12), 0), coverage(g, Rect(0, 0, 16, 12)))


def test_feather_keeps_a_straight_edge_centred_and_the_mass():
    g = parse_path("M 20 -100 H 60.5 V 200 H 20 Z")
    a = path_alpha(g, Rect(0, 0, 100, 50), 6.0)
    assert (a[:, 60] == 128).all()  # symmetric about the edge's pixel
    assert (a[:, 35:45] == 255).all() and (a[:, 80:] == 0).all()
    assert abs(a.sum() / 255 - 40.5 * 50) < 0.005 * 40.5 * 50


def test_feathered_windows_agree_where_they_overlap():
    g = parse_path("M 10 10 C 60 -20 90 60 40 70 Z")
    whole = path_alpha(g, Rect(-20, -20, 120, 100), 5.0)
    for window in (Rect(0, 0, 50, 50), Rect(45, 30, 46, 31), Rect(30, -20, 120, 12)):
        part = path_alpha(g, window, 5.0)
        assert np.array_equal(part, whole[window.relative_to(Rect(-20, -20, 120, 100)).slices()])


@pytest.mark.parametrize("feather", [16.0, 40.0, 250.0])
def test_wide_feather_on_a_coarse_grid_matches_a_full_resolution_blur(feather):
    g = parse_path("M 100 60 C 300 0 420 240 260 330 Q 150 380 120 250 A 60 40 20 0 1 100 60 Z")
    window = Rect(-200, -200, 700, 700)
    sigma = feather / 2
    size = 2 * int(np.ceil(3 * sigma)) + 1
    cov = coverage(g, window).astype(np.float32)
    reference = cv2.GaussianBlur(cov, (size, size), sigma, sigma, borderType=cv2.BORDER_CONSTANT)
    diff = np.abs(path_alpha(g, window, feather) - reference)
    assert diff.max() < 3.0 and diff.mean() < 0.5  # measured 1.3 / 0.02 (16), 2.6 / 0.35 (250)
    for part in (Rect(37, 91, 120, 200), Rect(-13, 5, 3, 400), Rect(255, 255, 256, 256)):
        assert np.array_equal(
            path_alpha(g, part, feather), path_alpha(g, window, feather)[part.relative_to(window).slices()]
        )


def test_bad_feather_is_refused():
    with pytest.raises(ValueError):
        path_alpha(parse_path("M 0 0 H 1 V 1 Z"), Rect(0, 0, 2, 2), -1.0)


def test_preloading_the_sweep_runs_it(monkeypatch):
    """The bootstrap and workers compile the sweep's kernels before the first save needs them
    (17 s cold): preload_sweep must draw through the sweep, not the numpy pass."""
    from core import rasterize

    swept = []
    real = rasterize._exact
    monkeypatch.setattr(rasterize, "_exact", lambda *args: swept.append(1) or real(*args))
    rasterize.preload_sweep()
    assert swept == [1]
