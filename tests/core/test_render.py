"""End-to-end renders: ops through core.render on small scenes built here."""

import io

import numpy as np
import pytest
from PIL import Image

from core import codecs
from core.errors import InvalidRecipeError, SizeMismatchError
from core.recipe import Recipe
from core.render import encode_final, encode_preview_of, render, render_alpha, render_crop, render_window
from core.window import Rect


def studio_scene(size=(160, 120), seed=3):
    """A light studio background with a dark ring, a 2 px wire and noise; AI mask lost the wire."""
    import cv2

    w, h = size
    rng = np.random.default_rng(seed)
    rgb = np.full((h, w, 3), (214, 214, 216), np.uint8)
    truth = np.zeros((h, w), np.uint8)
    cv2.circle(rgb, (60, 60), 30, (150, 120, 40), thickness=10)
    cv2.circle(truth, (60, 60), 30, 255, thickness=10)
    cv2.line(rgb, (90, 60), (150, 20), (150, 120, 40), thickness=2)
    cv2.line(truth, (90, 60), (150, 20), 255, thickness=2)
    rgb = np.clip(rgb.astype(np.int16) + rng.normal(0, 1.2, rgb.shape).astype(np.int16), 0, 255).astype(np.uint8)
    ai = truth.copy()
    ai[:, 92:] = 0  # the wire is gone
    return rgb, ai, truth


def decoded(rgb):
    return codecs.DecodedImage(rgb=rgb, icc_profile=None, bit_depth=8, info=codecs.ImageInfo.of_array(rgb))


def test_empty_recipe_returns_the_ai_mask_and_original_colours():
    rgb, ai, _ = studio_scene()
    result = render(decoded(rgb), ai, Recipe.from_dict({"ops": []}))
    assert np.array_equal(result.alpha, ai)
    assert np.array_equal(result.rgb, rgb)
    assert np.array_equal(result.masks["ai"], ai)


def test_path_square_adds_exactly_100_pixels():
    rgb = np.zeros((40, 40, 3), np.uint8)
    ai = np.zeros((40, 40), np.uint8)
    recipe = Recipe.from_dict({"ops": [{"op": "path", "d": "M 10 10 h 10 v 10 h -10 z"}]})
    alpha = render_alpha(rgb, ai, recipe)
    assert int((alpha == 255).sum()) == 100
    assert int(alpha.sum()) == 100 * 255


def test_subtract_path_removes_what_add_put():
    rgb = np.zeros((40, 40, 3), np.uint8)
    ai = np.full((40, 40), 255, np.uint8)
    recipe = Recipe.from_dict({"ops": [{"op": "path", "d": "M 10 10 H 20 V 20 H 10 Z", "mode": "subtract"}]})
    alpha = render_alpha(rgb, ai, recipe)
    assert int((alpha == 0).sum()) == 100
    assert int((alpha == 255).sum()) == 40 * 40 - 100


def test_half_pixel_edge_gives_half_alpha():
    rgb = np.zeros((20, 20, 3), np.uint8)
    ai = np.zeros((20, 20), np.uint8)
    alpha = render_alpha(rgb, ai, Recipe.from_dict({"ops": [{"op": "path", "d": "M 2 2 H 10.5 V 12 H 2 Z"}]}))
    assert np.all(np.abs(alpha[2:12, 10].astype(int) - 128) <= 1)
    assert np.all(alpha[2:12, 2:10] == 255)
    assert np.all(alpha[:, 11:] == 0)


def test_channel_op_recovers_the_lost_wire_without_touching_the_rest():
    rgb, ai, truth = studio_scene()
    recipe = Recipe.from_dict({"ops": [{"op": "channel", "region": "M 92 14 H 156 V 66 H 92 Z"}]})
    alpha = render_alpha(rgb, ai, recipe)
    wire = (truth == 255) & (ai == 0)
    assert (alpha[wire] >= 128).mean() >= 0.9
    outside = np.ones_like(ai, bool)
    outside[14:66, 92:156] = False
    assert np.array_equal(alpha[outside], ai[outside])


@pytest.mark.parametrize("window", [Rect(0, 0, 50, 40), Rect(70, 10, 160, 90), Rect(33, 47, 121, 113)])
def test_a_window_renders_exactly_like_the_full_image(window):
    rgb, ai, _ = studio_scene()
    recipe = Recipe.from_dict({"ops": [
        {"op": "refine", "smooth": 10, "feather": 2, "contrast": 30, "shift_edge": 20},
        {"op": "path", "d": "M 100 20 C 120 0 150 10 140 40 Z", "feather": 1.5},
        {"op": "channel", "region": "M 92 14 H 156 V 66 H 92 Z"},
        {"op": "decontaminate", "amount": 80},
    ]})
    full = render(decoded(rgb), ai, recipe)
    part = render_window(decoded(rgb), ai, recipe, window)
    assert np.array_equal(part.alpha, full.alpha[window.slices()])
    assert np.array_equal(part.rgb, full.rgb[window.slices()])


def test_crop_scales_up_with_nearest_neighbour_and_down_by_area():
    rgb, ai, _ = studio_scene()
    recipe = Recipe.from_dict({"ops": []})
    up = render_crop(decoded(rgb), ai, recipe, Rect(40, 40, 60, 50), 4.0)
    assert up.alpha.shape == (40, 80)
    assert np.array_equal(up.alpha[::4, ::4], ai[40:50, 40:60])
    down = render_crop(decoded(rgb), ai, recipe, Rect(0, 0, 160, 120), 0.5)
    assert down.alpha.shape == (60, 80)


def test_auto_base_needs_no_ai_mask():
    rgb, _, truth = studio_scene()
    alpha = render_alpha(rgb, None, Recipe.from_dict({"base": "auto", "ops": []}))
    inter = ((alpha >= 128) & (truth >= 128)).sum()
    union = ((alpha >= 128) | (truth >= 128)).sum()
    assert inter / union >= 0.8


def test_ai_base_without_mask_is_a_clear_error():
    rgb, _, _ = studio_scene()
    with pytest.raises(InvalidRecipeError) as info:
        render_alpha(rgb, None, Recipe.from_dict({"ops": []}))
    assert "no AI mask" in str(info.value)


def test_mask_of_the_wrong_size_names_both_sizes():
    rgb, _, _ = studio_scene()
    with pytest.raises(SizeMismatchError) as info:
        render_alpha(rgb, np.zeros((10, 20), np.uint8), Recipe.from_dict({"ops": []}))
    assert "20x10" in str(info.value) and "160x120" in str(info.value)


def test_inputs_are_never_mutated():
    rgb, ai, _ = studio_scene()
    rgb_copy, ai_copy = rgb.copy(), ai.copy()
    recipe = Recipe.from_dict({"ops": [
        {"op": "refine", "contrast": 50, "shift_edge": 30},
        {"op": "path", "d": "M 0 0 H 30 V 30 Z", "mode": "subtract"},
        {"op": "decontaminate", "amount": 100},
    ]})
    render(decoded(rgb), ai, recipe)
    assert np.array_equal(rgb, rgb_copy) and np.array_equal(ai, ai_copy)


def test_final_png_is_deterministic_and_carries_provenance():
    rgb, ai, _ = studio_scene()
    recipe = Recipe.from_dict({"ops": [{"op": "refine", "contrast": 15, "shift_edge": 10}]})
    first = encode_final(render(decoded(rgb), ai, recipe), recipe)
    second = encode_final(render(decoded(rgb), ai, recipe), recipe)
    assert first == second
    png = Image.open(io.BytesIO(first))
    assert png.mode == "RGBA" and png.size == (160, 120)
    assert png.text["jewelreview:recipe-sha256"] == recipe.sha256()


def test_sixteen_bit_original_gives_sixteen_bit_png():
    rgb16 = (np.arange(20 * 30 * 3, dtype=np.uint32).reshape(20, 30, 3) * 97 % 65536).astype(np.uint16)
    image = codecs.DecodedImage(rgb=rgb16, icc_profile=None, bit_depth=16, info=codecs.ImageInfo.of_array(rgb16))
    ai = np.full((20, 30), 255, np.uint8)
    recipe = Recipe.from_dict({"ops": []})
    data = encode_final(render(image, ai, recipe), recipe)
    import cv2

    back = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_UNCHANGED)
    assert back.dtype == np.uint16
    assert np.array_equal(back[..., 2::-1], rgb16)


def test_sixteen_bit_decontaminate_changes_only_soft_pixels_at_their_eight_bit_value():
    import cv2

    rgb8, ai, _ = studio_scene()
    ai = cv2.GaussianBlur(ai, (0, 0), 1.5)  # soft edges
    rgb16 = rgb8.astype(np.uint16) * 256 + 100  # precision the 8-bit analysis copy does not hold
    image = codecs.DecodedImage(rgb=rgb16, icc_profile=None, bit_depth=16, info=codecs.ImageInfo.of_array(rgb16))
    recipe = Recipe.from_dict({"ops": [{"op": "decontaminate", "amount": 100}]})
    result = render(image, ai, recipe)
    eight = render(decoded(rgb8), ai, recipe).rgb  # rgb8 is rgb16's top byte, what ops analyse
    moved = np.any(eight != rgb8, axis=2)
    assert moved.any() and result.rgb.dtype == np.uint16
    np.testing.assert_array_equal(result.rgb[~moved], rgb16[~moved])
    np.testing.assert_array_equal(result.rgb[moved], eight[moved].astype(np.uint16) * 257)


def test_timings_by_op_kind_sums_each_kind():
    rgb, ai, _ = studio_scene()
    recipe = Recipe.from_dict({"ops": [
        {"op": "path", "d": "M 5 5 H 15 V 15 H 5 Z"},
        {"op": "refine", "contrast": 10},
        {"op": "path", "d": "M 25 5 H 35 V 15 H 25 Z", "mode": "subtract"},
    ]})
    result = render(decoded(rgb), ai, recipe)
    kinds = result.timings_by_op_kind
    assert set(kinds) == {"ops_path", "ops_refine"}
    assert kinds["ops_path"] == result.timings["op0_path"] + result.timings["op2_path"]


def test_preview_keeps_alpha_and_fits_2048():
    rgb = np.zeros((300, 5000, 3), np.uint8)
    ai = np.zeros((300, 5000), np.uint8)
    ai[100:200, 1000:4000] = 255
    result = render(decoded(rgb), ai, Recipe.from_dict({"ops": []}))
    preview = Image.open(io.BytesIO(encode_preview_of(result, fmt="png")))
    assert max(preview.size) == 2048
    assert preview.mode == "RGBA"


def test_every_tile_of_a_long_path_renders_like_the_full_image():
    # A comb of 120 slanted teeth 1,100 px tall on fractional coordinates: past the numpy pass's
    # budget in the full render, not in a 256 px tile. Each tile was drawn by the rasteriser its
    # own window chose, and 336 pixels came out a level apart; the path now decides for all.
    teeth = []
    for i in range(120):
        left = 20.29 + i * 16.3
        teeth.append(f"L {left} 1120.61 L {left + 7.31} 20.37 L {left + 15.95} 20.37 L {left + 8.64} 1120.61")
    d = "M 20.29 1160.74 " + " ".join(teeth) + " L 1976.29 1120.61 L 1976.29 1160.74 Z"
    recipe = Recipe.from_dict({"ops": [{"op": "path", "d": d}]})
    rgb, ai = np.zeros((1190, 1990, 3), np.uint8), np.zeros((1190, 1990), np.uint8)
    full = render(decoded(rgb), ai, recipe).alpha
    for y in range(0, 1190, 256):
        for x in range(0, 1990, 256):
            tile = Rect(x, y, min(x + 256, 1990), min(y + 256, 1190))
            part = render_window(decoded(rgb), ai, recipe, tile).alpha
            assert np.array_equal(part, full[tile.slices()]), tile


def test_a_render_past_its_deadline_starts_no_further_op(monkeypatch):
    """Before each op the clock is read; past the deadline the render stops, naming the next op."""
    from types import SimpleNamespace

    import core.render
    from core.errors import RenderTooSlowError

    rgb, ai, _ = studio_scene()
    recipe = Recipe.from_dict({"ops": [{"op": "refine", "feather": 4}] * 3})
    now = [0.0]
    real_apply = core.render.apply_op

    def one_second_an_op(op, ctx, alpha, rgb):
        now[0] += 1.0
        return real_apply(op, ctx, alpha, rgb)

    monkeypatch.setattr(core.render, "apply_op", one_second_an_op)
    monkeypatch.setattr(core.render, "time", SimpleNamespace(perf_counter=lambda: now[0]))  # its clock only
    with pytest.raises(RenderTooSlowError) as caught:
        render_window(decoded(rgb), ai, recipe, Rect(0, 0, 50, 50), deadline=1.5)
    assert caught.value.op_index == 2 and str(caught.value) == "the render ran out of time after 2 of its 3 ops"
    now[0] = 0.0
    done = render_window(decoded(rgb), ai, recipe, Rect(0, 0, 50, 50), deadline=2.0)  # reached, not passed
    assert np.array_equal(done.alpha, render_window(decoded(rgb), ai, recipe, Rect(0, 0, 50, 50)).alpha)
