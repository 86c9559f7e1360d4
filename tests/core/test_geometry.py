import doctest
import math
import warnings

import numpy as np
import pytest
import svgpathtools
from hypothesis import given
from hypothesis import strategies as st

import core.geometry
from core.errors import InvalidPathError
from core.geometry import MAX_FLAT_VERTICES, PathGeometry, parse_path, path_data_from_polygon
from core.limits import MAX_COORD_MAGNITUDE, MAX_PATH_SEGMENTS
from core.window import Rect


def rings(d, **kw):
    return [p.tolist() for p in parse_path(d, **kw).polygons]


def test_docstring_examples_hold():
    assert doctest.testmod(core.geometry).failed == 0


# --- the grammar ------------------------------------------------------------------------------


def test_square_absolute():
    g = parse_path("M 2 2 L 12 2 L 12 12 L 2 12 Z")
    assert rings("M 2 2 L 12 2 L 12 12 L 2 12 Z") == [[[2, 2], [12, 2], [12, 12], [2, 12], [2, 2]]]
    assert g.bbox == (2.0, 2.0, 12.0, 12.0)
    assert g.n_segments == 4  # three L and the Z


def test_relative_and_absolute_and_hv_agree():
    expected = rings("M 2 2 L 12 2 L 12 12 L 2 12 Z")
    assert rings("m 2 2 l 10 0 l 0 10 l -10 0 z") == expected
    assert rings("M 2 2 H 12 V 12 H 2 Z") == expected
    assert rings("M2,2h10v10h-10z") == expected
    assert rings("M 2 2 12 2 12 12 2 12 Z") == expected  # implicit lineto after moveto
    assert rings("m 2 2 10 0 0 10 -10 0 z") == expected
    assert rings("M 2 2 L 12 2 12 12 2 12 Z") == expected  # repeated command letter omitted


@pytest.mark.parametrize(
    "d, first_points",
    [
        ("M.5.5L1e1-2", [[0.5, 0.5], [10.0, -2.0]]),
        ("M-1-2L+3.25E+1,4e-1", [[-1.0, -2.0], [32.5, 0.4]]),
        ("M 0.1 0.2 L 1.5.5", [[0.1, 0.2], [1.5, 0.5]]),
        ("M\t0\n0\r\nL 7., 8", [[0.0, 0.0], [7.0, 8.0]]),
        ("M 12345678901234567890 0 L 0 0", "too large"),  # long mantissa: exactly rounded, then refused
        ("M 0.30000000000000004 0 L 0 1", [[0.30000000000000004, 0.0], [0.0, 1.0]]),
    ],
)
def test_number_syntax(d, first_points):
    if first_points == "too large":
        with pytest.raises(InvalidPathError, match="beyond"):
            parse_path(d)
        return
    assert parse_path(d).polygons[0][:2].tolist() == first_points


def test_numbers_are_correctly_rounded():
    values = [
        "0.1",
        "1e-7",
        "123.456",
        "999999.9999999999",
        "123456.78901234567",
        "2.2250738585072014e-308",
        "4.9406564584124654e-324",
        "1.7976931348623157e2",
        ".3e-3",
        "0.30000000000000004",
        "7e5",
        "3e-22",
        "-0e-5",
    ]
    d = "M 0 0 " + " ".join(f"L 0 {v}" for v in values)
    xs = parse_path(d, max_segments=100).polygons[0][1:, 1]
    assert xs.tolist() == [float(v) for v in values]


def test_subpath_boundaries_are_kept_for_filling():
    # svgpathtools merges these into one square; SVG fills a triangle and a degenerate line.
    assert rings("M0 0 L10 0 L10 10 M10 10 L0 10") == [[[0, 0], [10, 0], [10, 10]], [[10, 10], [0, 10]]]


def test_drawing_after_close_starts_a_new_subpath_at_the_start_point():
    assert rings("M 1 1 H 5 V 5 Z L 1 9 H 3 Z") == [[[1, 1], [5, 1], [5, 5], [1, 1]], [[1, 1], [1, 9], [3, 9], [1, 1]]]
    # a relative moveto after Z is relative to the subpath start
    assert rings("M 1 1 H 5 V 5 Z m 10 0 h 1 v 1 z")[1][0] == [11, 1]


def test_lone_movetos_add_no_ring():
    g = parse_path("M 50 50 M 0 0 H 1 V 1 Z M 70 70")
    assert len(g.polygons) == 1
    assert g.bbox == (0.0, 0.0, 1.0, 1.0)


def test_polygons_are_read_only_float64():
    g = parse_path("M 0 0 H 3 V 3 Z")
    assert g.polygons[0].dtype == np.float64 and g.polygons[0].shape == (4, 2)
    with pytest.raises(ValueError):
        g.polygons[0][0, 0] = 5


def test_path_data_from_polygon_round_trips():
    pts = np.array([[0.1, 0.2], [10.123456789, 0.0], [3.0, 1e-3]])
    assert np.array_equal(parse_path(path_data_from_polygon(pts)).polygons[0][:3], pts)
    with pytest.raises(ValueError):
        path_data_from_polygon([[0, math.nan]])


# --- curves and arcs against svgpathtools (the oracle) -----------------------------------------


def _distance_to_polyline(points, poly):
    """Distance of each point to the closed polyline ``poly``."""
    a, b = poly, np.roll(poly, -1, axis=0)
    ab = b - a
    t = np.clip(((points[:, None, :] - a) * ab).sum(-1) / np.maximum((ab * ab).sum(-1), 1e-300), 0, 1)
    nearest = a + t[..., None] * ab
    return np.sqrt(((points[:, None, :] - nearest) ** 2).sum(-1)).min(axis=1)


def _oracle_samples(d, n=4000):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        path = svgpathtools.parse_path(d)
    ts = np.linspace(0, 1, n)
    pts = np.concatenate([np.array([seg.point(t) for t in ts]) for seg in path])
    return np.c_[pts.real, pts.imag]


@pytest.mark.parametrize(
    "d",
    [
        "M 10 80 C 40 10, 65 10, 95 80 S 150 150, 180 80 Z",
        "M 10 80 Q 52.5 10, 95 80 T 180 80 Z",
        "m 10 80 c 30 -70 55 -70 85 0 s 55 70 85 0 z",
        "M 10 10 Q 100 10 100 100 T 10 190 T 100 280 L 0 300 Z",
        "M 80 80 A 45 45 0 0 0 125 125 L 125 80 Z",
        "M 230 80 A 45 45 0 1 0 275 125 L 275 80 Z",
        "M 80 230 A 45 45 0 0 1 125 275 L 125 230 Z",
        "M 230 230 a 45 30 -30 1 1 45 45 l 0 -45 z",
        "M 0 0 A 5 5 0 0 1 100 0 Z",  # radii too small: scaled up to a half ellipse (SVG F.6.6)
        "M 0 0 A 60 20 90 1 0 40 40 Z",
    ],
)
def test_flattening_matches_svgpathtools_within_tolerance(d):
    tolerance = 0.1
    g = parse_path(d, tolerance=tolerance)
    (poly,) = g.polygons
    curve = _oracle_samples(d)
    # every point of the true curve lies within the tolerance of the flattened ring ...
    assert _distance_to_polyline(curve, poly).max() <= tolerance * 1.001
    # ... and every vertex lies on the curve (up to the oracle's sampling density)
    assert _distance_to_polyline(poly, curve).max() < 0.05


def test_flattening_uses_few_vertices():
    # a circle of radius 100 as two arcs: chords within 0.1 px need about 2 pi / sqrt(8 * 0.1 / 100) ~ 70
    g = parse_path("M 0 100 A 100 100 0 0 0 200 100 A 100 100 0 0 0 0 100 Z")
    assert 60 <= len(g.polygons[0]) <= 90
    d = np.hypot(*(g.polygons[0] - [100, 100]).T)
    assert np.allclose(d, 100)


def test_zero_radius_arc_is_a_line_and_coincident_arc_is_omitted():
    assert rings("M 0 0 A 0 5 0 0 1 10 10 Z") == [[[0, 0], [10, 10], [0, 0]]]
    g = parse_path("M 0 0 A 5 5 0 0 1 0 0 L 3 3")
    assert g.polygons[0].tolist() == [[0, 0], [3, 3]]
    assert g.n_segments == 2


def test_compact_arc_flags():
    assert rings("M 0 0 A 10 10 0 0110 0") == rings("M 0 0 A 10 10 0 0 1 10 0")


# --- window and scaling ------------------------------------------------------------------------


def test_window_covers_the_pixels_touched():
    g = parse_path("M 2.5 3 H 12 V 13.2 H 2.5 Z")
    assert g.window() == Rect(2, 3, 12, 14)
    assert g.window(pad=1.5) == Rect(1, 1, 14, 15)


def test_edge_rows_count_each_edge_once_per_pixel_row_it_crosses():
    assert parse_path("M 2 3 H 12 V 13 H 2 Z").edge_rows() == 20  # two sides of 10 rows; horizontals none
    assert parse_path("M 2 3.5 H 12 V 13.2 H 2 Z").edge_rows() == 22  # rows 3..13 each
    assert parse_path("M 0 0.2 L 50 0.7 L 0 0.9 Z").edge_rows() == 3  # inside one row: once per edge
    assert parse_path("M 0 0 L 10 10 Z").edge_rows() == 20  # a ring's closing edge counts (here: back up)
    assert parse_path("M 0 0 L 10 10 Z M 0 0 L 10 10 Z").edge_rows() == 40  # every subpath


def test_edge_rows_count_only_rows_an_image_can_have():
    from core.limits import MAX_SIDE

    assert parse_path("M 0 -900000 V 900000 H 1 V -900000 Z").edge_rows() == 2 * MAX_SIDE
    assert parse_path("M 0 -500 V -100 H 1 V -500 Z").edge_rows() == 0
    assert parse_path("M 0 70000 V 90000 H 1 Z").edge_rows() == 0


def test_scaled_scales_about_the_origin():
    g = parse_path("M 2 4 H 12 V 14 Z")
    s = g.scaled(0.25)
    assert isinstance(s, PathGeometry)
    assert s.bbox == (0.5, 1.0, 3.0, 3.5)
    assert s.polygons[0].tolist() == (g.polygons[0] * 0.25).tolist()
    assert s.n_segments == g.n_segments
    with pytest.raises(ValueError):
        g.scaled(0)


# --- refusals ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "d, message",
    [
        ("", "path data is empty"),
        ("  \n\t", "path data is empty"),
        ("L 1 1", "must start with a moveto"),
        ("M 0 0 L 10 x 10 10 Z", "at position 11: expected a number, found 'x'"),
        ("M 0 0 L 10", "at position 10: expected a number, found the end of the data"),
        ("M 0 0 C 1 1 2 2", "expected a number, found the end"),
        ("M 0 0 L 1 2 3", "expected a number, found the end"),
        ("M 0 0 L 1 2,", "expected a number, found the end"),
        ("M 0 0 L 1,,2", "at position 10: expected a number, found ','"),
        ("M,0 0", "at position 1: expected a number, found ','"),
        ("M 0 0 Z 5", "at position 8: expected a command letter"),
        ("M 0 0 B 5 5", "at position 6: expected a command letter"),
        ("M 0 0 L 1e 2", "at position 8: malformed number"),
        ("M 0 0 L - 2", "at position 8: malformed number"),
        ("M 0 0 A 10 10 0 2 1 5 5", "at position 16: expected an arc flag"),
        ("M 0 0 L 5 5 é", "unexpected character 'é' at position 12"),
        ("M 0 0 L NaN 5", "contains 'NaN' at position 8: numbers must be finite"),
        ("M 0 0 L -inf 5", "contains 'inf' at position 8"),
        ("M 0 0 L 5 5 Infinity", "contains 'Inf'"),
        ("M 0 0 L 1e400 5", "number '1e400' at position 8 is too large"),
        ("M 0 0 L 1e308 0", "'L' command at position 6 is beyond 1e+06 px"),
        ("M 0 0 " + "l 400000 0 " * 3, "'l' command at position 28 is beyond"),
        ("M 0 0 C 0 0 2e6 0 5 5", "'C' command at position 6 is beyond"),
        ("M 0 0 A 1e300 5 0 0 1 5 5", "'A' command at position 6 is beyond"),
        ("M 5 5", "draws nothing"),
        ("M 0 0 A 5 5 0 0 1 0 0", "draws nothing"),
    ],
)
def test_bad_path_data_is_refused_with_a_clear_message(d, message):
    with pytest.raises(InvalidPathError) as info:
        parse_path(d)
    assert message in str(info.value)


def test_coordinate_limit_is_inclusive():
    g = parse_path(f"M 0 0 L {MAX_COORD_MAGNITUDE:f} 0 L 0 1 Z")
    assert g.bbox[2] == MAX_COORD_MAGNITUDE


def test_non_string_is_refused():
    with pytest.raises(InvalidPathError, match="must be a string"):
        parse_path(b"M 0 0 L 1 1")  # type: ignore[arg-type]


def test_a_million_segments_are_refused_by_the_count():
    d = "M 0 0" + " L 1 1" * 1_000_000
    with pytest.raises(InvalidPathError, match=f"more than {MAX_PATH_SEGMENTS} segments"):
        parse_path(d)


def test_implicit_segments_count_too():
    d = "M 0 0 L" + " 1 1" * (MAX_PATH_SEGMENTS + 1)
    with pytest.raises(InvalidPathError, match="segments"):
        parse_path(d)
    with pytest.raises(InvalidPathError, match="subpaths"):
        parse_path("M 0 0 " * (MAX_PATH_SEGMENTS + 1))
    with pytest.raises(InvalidPathError, match="segments"):
        parse_path("M 0 0 L 1 1" + "Z" * MAX_PATH_SEGMENTS)


def test_max_segments_is_exact():
    d = "M 0 0" + " L 1 1" * 9 + " Z"
    assert parse_path(d, max_segments=10).n_segments == 10
    with pytest.raises(InvalidPathError, match="more than 9 segments"):
        parse_path(d, max_segments=9)


def test_curves_too_large_to_flatten_are_refused():
    big = MAX_COORD_MAGNITUDE
    d = "M 0 0" + f" C {big} {big} {-big} {big} 0 0" * 500
    with pytest.raises(InvalidPathError, match=f"limit is {MAX_FLAT_VERTICES}"):
        parse_path(d)


# --- property: any spelling of the same numbers gives the same geometry -------------------------

_coord = st.floats(min_value=-5000, max_value=5000, allow_nan=False).map(lambda v: round(v, 3))


def _spell(value, style):
    if style == 0:
        return repr(value)
    if style == 1:
        return f"{value:.6e}"
    text = f"{value:.3f}".rstrip("0").rstrip(".") or "0"
    if style == 2 and text.startswith(("0.", "-0.")):
        text = text.replace("0.", ".", 1)  # .5 and -.5
    return text


@given(
    points=st.lists(st.tuples(_coord, _coord), min_size=3, max_size=12),
    styles=st.lists(st.integers(0, 2), min_size=24, max_size=24),
    separators=st.lists(st.sampled_from([" ", ",", " , ", "\n", ""]), min_size=24, max_size=24),
)
def test_any_spelling_parses_to_the_same_polygon(points, styles, separators):
    text, previous = "M", ""
    for i, value in enumerate(v for point in points for v in point):
        spelled, sep = _spell(value, styles[i % 24]), separators[i % 24]
        joinable = spelled[0] == "-" or (spelled[0] == "." and ("." in previous or "e" in previous))
        if not previous:
            sep = ""  # no comma right after the command letter
        elif sep == "" and not joinable:
            sep = " "
        text += sep + spelled
        previous = spelled
    expected = [[float(_spell(x, 0)), float(_spell(y, 0))] for x, y in points]
    got = parse_path(text + "Z").polygons[0].tolist()
    assert np.allclose(got[: len(points)], expected, rtol=1e-6, atol=1e-6)
