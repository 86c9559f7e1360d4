"""Tests for core.tiles: DZI geometry, premultiplied halving, tiles, descriptor."""

from __future__ import annotations

import importlib.util
import xml.etree.ElementTree as ET

import cv2
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core import tiles
from core.errors import CoreError
from core.window import Rect


def _codecs_can_encode_tiles() -> bool:
    if importlib.util.find_spec("core.codecs") is None:
        return False
    from core import codecs

    return hasattr(codecs, "encode_tile")


needs_encode_tile = pytest.mark.skipif(not _codecs_can_encode_tiles(), reason="core.codecs.encode_tile not there yet")


# --- geometry ----------------------------------------------------------------------------------


def test_level_count_matches_the_dzi_definition():
    assert tiles.level_count(1, 1) == 1
    assert tiles.level_count(2, 2) == 2
    assert tiles.level_count(3, 1) == 3  # ceil(log2(3)) + 1
    assert tiles.level_count(1024, 1024) == 11
    assert tiles.level_count(1025, 10) == 12
    assert tiles.level_count(6000, 4000) == 14


def test_level_sizes_round_up_at_every_level():
    sizes = [tiles.level_size(6000, 4000, level) for level in range(14)]
    assert sizes[13] == (6000, 4000)
    assert sizes[12] == (3000, 2000)
    assert sizes[3] == (6, 4)  # 6000 / 1024 = 5.86, 4000 / 1024 = 3.91: both round up
    assert sizes[1] == (2, 1)  # 6000 / 4096 = 1.46, 4000 / 4096 = 0.98
    assert sizes[0] == (1, 1)


def test_level_size_refuses_levels_outside_the_pyramid():
    with pytest.raises(CoreError, match="level must be between 0 and 10"):
        tiles.level_size(1000, 600, 11)


def test_tile_rects_of_the_doc_example():
    assert tiles.tile_grid(1000, 600, 254) == (4, 3)
    assert tiles.tile_rect(1000, 600, 0, 0, tile_size=254, overlap=1) == Rect(0, 0, 255, 255)
    assert tiles.tile_rect(1000, 600, 1, 0, tile_size=254, overlap=1) == Rect(253, 0, 509, 255)
    assert tiles.tile_rect(1000, 600, 3, 2, tile_size=254, overlap=1) == Rect(761, 507, 1000, 600)


@settings(max_examples=60, deadline=None)
@given(
    width=st.integers(1, 700),
    height=st.integers(1, 700),
    tile_size=st.integers(16, 300),
    overlap=st.integers(0, 8),
)
def test_tiles_without_overlap_cover_each_pixel_exactly_once(width, height, tile_size, overlap):
    cover = np.zeros((height, width), np.int32)
    cols, rows = tiles.tile_grid(width, height, tile_size)
    for row in range(rows):
        for col in range(cols):
            rect = tiles.tile_rect(width, height, col, row, tile_size=tile_size, overlap=overlap)
            inner = tiles.tile_rect(width, height, col, row, tile_size=tile_size, overlap=0)
            assert rect.contains(inner)
            assert rect.x0 == max(0, inner.x0 - overlap) and rect.x1 == min(width, inner.x1 + overlap)
            cover[inner.slices()] += 1
    assert (cover == 1).all()


def test_descriptor_is_valid_dzi_xml():
    xml = tiles.descriptor(1000, 600, tile_size=254, overlap=1, fmt="webp")
    root = ET.fromstring(xml)
    ns = "{http://schemas.microsoft.com/deepzoom/2008}"
    assert root.tag == f"{ns}Image"
    assert root.attrib == {"Format": "webp", "Overlap": "1", "TileSize": "254"}
    size = root.find(f"{ns}Size")
    assert size is not None and size.attrib == {"Width": "1000", "Height": "600"}


# --- halving -----------------------------------------------------------------------------------


def test_halve_without_alpha_is_the_2x2_box_average():
    rgb = np.array(
        [[[0, 0, 0], [4, 8, 12]], [[8, 16, 24], [12, 24, 36]]],
        np.uint8,
    )
    small, alpha = tiles.halve(rgb, None)
    assert alpha is None
    assert small.tolist() == [[[6, 12, 18]]]


def test_halve_keeps_an_odd_last_column_and_row_as_they_are():
    rgb = np.zeros((3, 3, 3), np.uint8)
    rgb[:, 2] = 200  # last column
    rgb[2, :2] = 100  # last row (first two columns)
    small, _ = tiles.halve(rgb, None)
    assert small.shape == (2, 2, 3)
    assert small[0, 1].tolist() == [200, 200, 200]
    assert small[1, 0].tolist() == [100, 100, 100]
    assert small[1, 1].tolist() == [200, 200, 200]


def test_halve_is_premultiplied_so_transparent_background_never_tints_the_edge():
    # Opaque gold next to a fully transparent blue background (the RGB under alpha 0 is the
    # original photo's background): an unpremultiplied average would make a bluish edge.
    rgb = np.zeros((2, 2, 3), np.uint8)
    rgb[:, 0] = (212, 175, 55)
    rgb[:, 1] = (0, 0, 255)
    alpha = np.array([[255, 0], [255, 0]], np.uint8)
    small, small_alpha = tiles.halve(rgb, alpha)
    assert small.tolist() == [[[212, 175, 55]]]
    assert small_alpha.tolist() == [[128]]


def test_halve_weights_colours_by_alpha():
    rgb = np.array([[[200, 0, 0], [0, 200, 0]], [[200, 0, 0], [0, 200, 0]]], np.uint8)
    alpha = np.array([[255, 85], [255, 85]], np.uint8)  # red 3x as opaque as green
    small, small_alpha = tiles.halve(rgb, alpha)
    assert small.tolist() == [[[150, 50, 0]]]
    assert small_alpha.tolist() == [[170]]


def test_halve_of_fully_transparent_pixels_keeps_their_plain_average():
    rgb = np.array([[[200, 100, 50], [0, 0, 250]]], np.uint8)
    small, small_alpha = tiles.halve(rgb, np.zeros((1, 2), np.uint8))
    assert small.tolist() == [[[100, 50, 150]]]
    assert small_alpha.tolist() == [[0]]


def test_halve_with_opaque_alpha_equals_halve_without_alpha():
    rng = np.random.default_rng(7)
    rgb = rng.integers(0, 256, (37, 53, 3), dtype=np.uint8)
    with_alpha, alpha = tiles.halve(rgb, np.full((37, 53), 255, np.uint8))
    without, _ = tiles.halve(rgb, None)
    assert (alpha == 255).all()
    assert np.abs(with_alpha.astype(int) - without.astype(int)).max() <= 1


def test_halve_across_strips_equals_one_pass(monkeypatch):
    rng = np.random.default_rng(3)
    rgb = rng.integers(0, 256, (41, 30, 3), dtype=np.uint8)
    alpha = rng.integers(0, 256, (41, 30), dtype=np.uint8)
    whole = tiles.halve(rgb, alpha)
    monkeypatch.setattr(tiles, "HALVE_STRIP_ROWS", 6)
    strips = tiles.halve(rgb, alpha)
    assert np.array_equal(whole[0], strips[0]) and np.array_equal(whole[1], strips[1])


def test_halve_never_mutates_its_inputs():
    rng = np.random.default_rng(11)
    rgb = rng.integers(0, 256, (9, 7, 3), dtype=np.uint8)
    alpha = rng.integers(0, 256, (9, 7), dtype=np.uint8)
    rgb_before, alpha_before = rgb.copy(), alpha.copy()
    tiles.halve(rgb, alpha)
    list(tiles.tile_arrays(rgb, alpha, tile_size=16, overlap=1))
    assert np.array_equal(rgb, rgb_before) and np.array_equal(alpha, alpha_before)


# --- levels and tiles --------------------------------------------------------------------------


def test_levels_go_from_full_resolution_down_to_one_pixel():
    rgb = np.zeros((5, 9, 3), np.uint8)
    shapes = [(level, level_rgb.shape[:2]) for level, level_rgb, _ in tiles.levels(rgb, None)]
    assert shapes == [(4, (5, 9)), (3, (3, 5)), (2, (2, 3)), (1, (1, 2)), (0, (1, 1))]
    for level, shape in shapes:
        assert tiles.level_size(9, 5, level) == (shape[1], shape[0])


def test_levels_show_16_bit_images_as_their_top_8_bits():
    rgb = np.full((2, 2, 3), 0xABCD, np.uint16)
    _, top, _ = next(tiles.levels(rgb, None))
    assert top.dtype == np.uint8 and (top == 0xAB).all()


def test_top_level_tiles_reassemble_the_input_exactly():
    rng = np.random.default_rng(5)
    rgb = rng.integers(0, 256, (70, 100, 3), dtype=np.uint8)
    alpha = rng.integers(0, 256, (70, 100), dtype=np.uint8)
    out_rgb = np.zeros_like(rgb)
    out_alpha = np.zeros_like(alpha)
    seen = set()
    for level, col, row, tile_rgb, tile_alpha in tiles.tile_arrays(rgb, alpha, tile_size=32, overlap=2):
        seen.add((level, col, row))
        if level != 7:
            continue
        rect = tiles.tile_rect(100, 70, col, row, tile_size=32, overlap=2)
        assert tile_rgb.shape == (rect.height, rect.width, 3)
        out_rgb[rect.slices()] = tile_rgb
        out_alpha[rect.slices()] = tile_alpha
    assert np.array_equal(out_rgb, rgb) and np.array_equal(out_alpha, alpha)
    expected = set()
    for level in range(tiles.level_count(100, 70)):
        width, height = tiles.level_size(100, 70, level)
        cols, rows = tiles.tile_grid(width, height, 32)
        expected |= {(level, c, r) for c in range(cols) for r in range(rows)}
    assert seen == expected


def test_tile_count_of_a_24_megapixel_pyramid():
    count = 0
    for level in range(tiles.level_count(6000, 4000)):
        width, height = tiles.level_size(6000, 4000, level)
        cols, rows = tiles.tile_grid(width, height, 254)
        count += cols * rows
    assert count == 521


# --- refusals ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rgb", "alpha", "kwargs", "message"),
    [
        (np.zeros((4, 4), np.uint8), None, {}, r"rgb must be an \(H, W, 3\)"),
        (np.zeros((4, 4, 3), np.float32), None, {}, "rgb must be"),
        (np.zeros((0, 4, 3), np.uint8), None, {}, "at least 1 x 1"),
        (np.zeros((4, 4, 3), np.uint8), np.zeros((4, 5), np.uint8), {}, "alpha must be an"),
        (np.zeros((4, 4, 3), np.uint8), np.zeros((4, 4), np.uint16), {}, "alpha must be an"),
        (np.zeros((4, 4, 3), np.uint8), None, {"tile_size": 8}, "tile_size must be between 16 and 4096"),
        (np.zeros((4, 4, 3), np.uint8), None, {"overlap": 200}, "overlap must be between 0 and 127"),
        (np.zeros((4, 4, 3), np.uint8), None, {"fmt": "gif"}, "fmt must be one of"),
        (np.zeros((4, 4, 3), np.uint8), np.zeros((4, 4), np.uint8), {"fmt": "jpeg"}, "jpeg tiles cannot keep alpha"),
    ],
)
def test_dzi_refuses_bad_input_with_a_message(rgb, alpha, kwargs, message):
    with pytest.raises(CoreError, match=message):
        tiles.dzi(rgb, alpha, **kwargs)


# --- encoded tiles (needs core.codecs.encode_tile) ---------------------------------------------


@needs_encode_tile
def test_dzi_png_tiles_decode_to_the_tile_arrays():
    rng = np.random.default_rng(9)
    rgb = rng.integers(0, 256, (40, 60, 3), dtype=np.uint8)
    alpha = rng.integers(0, 256, (40, 60), dtype=np.uint8)
    xml, encoded = tiles.dzi(rgb, alpha, tile_size=16, overlap=1, fmt="png")
    assert 'Format="png"' in xml
    arrays = {(lv, c, r): (t_rgb, t_alpha) for lv, c, r, t_rgb, t_alpha in tiles.tile_arrays(rgb, alpha, tile_size=16)}
    count = 0
    for level, col, row, data in encoded:
        bgra = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_UNCHANGED)
        expected_rgb, expected_alpha = arrays[(level, col, row)]
        assert bgra.shape == (*expected_alpha.shape, 4)
        assert np.array_equal(bgra[..., 3], expected_alpha)
        visible = expected_alpha > 0  # encoders may zero the colour under alpha 0
        assert np.array_equal(bgra[..., 2::-1][visible], expected_rgb[visible])
        count += 1
    assert count == len(arrays)


@needs_encode_tile
def test_dzi_webp_tiles_keep_alpha():
    rgb = np.full((20, 20, 3), 128, np.uint8)
    alpha = np.zeros((20, 20), np.uint8)
    alpha[:, :10] = 255
    _, encoded = tiles.dzi(rgb, alpha, tile_size=16, overlap=1, fmt="webp")
    _, _, _, data = next(encoded)
    assert data[:4] == b"RIFF" and data[8:12] == b"WEBP"
    bgra = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_UNCHANGED)
    assert bgra.shape[2] == 4
    assert bgra[0, 0, 3] == 255 and bgra[0, 15, 3] == 0
