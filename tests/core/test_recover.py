"""core.recover: raise-only, thin-gated matting for photos that are no studio shot, and the strand
search built on it (core.recover_strands), on the same scenes."""

import cv2
import numpy as np
import pytest

from core import codecs, recover_strands
from core.errors import InvalidRecipeError
from core.recipe import Recipe, RecoverOp
from core.recover import FOLLOW, FOLLOW_RANGE, RADIUS, RADIUS_RANGE, recover_margin, recover_region
from core.recover_strands import find_lost_strands
from core.render import render, render_window
from core.window import Rect

# The scene's strands stand 16 px tall: a reach of 24 px holds them with room (a strand fades
# towards the background constraint at the end of the reach: see the module notes).
REACH = 24


def busy_wall(rng, w, h):
    """20 px blocks of different colours: clutter, no sweep."""
    rgb = np.zeros((h, w, 3), np.uint8)
    for y in range(0, h, 20):
        for x in range(0, w, 20):
            rgb[y : y + 20, x : x + 20] = rng.integers(120, 240, 3)
    return rgb


def cluttered_scene(seed=0, size=(160, 120)):
    """A dark bar with four 2-3 px dark strands on a busy wall (coloured blocks and noise, no
    sweep); the "AI" mask has the bar, lost the strands."""
    w, h = size
    rng = np.random.default_rng(seed)
    rgb = busy_wall(rng, w, h)
    truth = np.zeros((h, w), np.uint8)
    rgb[80:, :] = (30, 25, 20)
    truth[80:, :] = 255
    for x, lean in ((30, -6), (62, 4), (95, -3), (128, 7)):
        cv2.line(rgb, (x, 80), (x + lean, 64), (30, 25, 20), 3)
        cv2.line(truth, (x, 80), (x + lean, 64), 255, 3)
    rgb = np.clip(rgb.astype(np.int16) + rng.normal(0, 2, rgb.shape).astype(np.int16), 0, 255).astype(np.uint8)
    ai = np.zeros((h, w), np.uint8)
    ai[80:, :] = 255
    ai = cv2.GaussianBlur(ai, (0, 0), 0.8)
    return rgb, ai, truth


def everywhere(shape):
    return np.full(shape, 255, np.uint8)


def test_lost_strands_come_back_and_nothing_else_changes():
    rgb, ai, truth = cluttered_scene()
    out = recover_region(rgb, ai, everywhere(ai.shape), radius=REACH)
    strands = (truth > 0) & (ai < 128)
    assert np.mean(out[strands] >= 128) >= 0.9
    far = cv2.dilate(truth, np.ones((7, 7), np.uint8)) == 0
    assert np.array_equal(out[far], ai[far])


def test_it_only_ever_raises_alpha_and_keeps_the_input():
    rgb, ai, _ = cluttered_scene(seed=1)
    before = ai.copy()
    out = recover_region(rgb, ai, everywhere(ai.shape), radius=REACH)
    assert np.array_equal(ai, before)
    assert (out >= ai).all()


def test_a_correct_mask_is_left_alone():
    """Do no harm: with the true alpha (strands and all), nothing gains more than 0.1."""
    rgb, _, truth = cluttered_scene(seed=2)
    out = recover_region(rgb, truth, everywhere(truth.shape), radius=REACH)
    assert np.count_nonzero(out.astype(int) - truth > 25) == 0


def test_a_wide_blob_the_solve_mistakes_for_the_piece_is_refused():
    """A block of the wall coloured like the piece, next to it: matting calls it foreground, the
    thin-structure test (a 7 px opening keeps a wide blob) refuses it."""
    rgb, ai, _ = cluttered_scene(seed=3)
    rgb[66:80, 40:60] = (30, 25, 20)  # 20 x 14 px of piece-coloured wall touching the bar
    out = recover_region(rgb, ai, everywhere(ai.shape), radius=REACH)
    assert np.count_nonzero(out[66:78, 44:56].astype(int) - ai[66:78, 44:56] > 25) == 0


def test_only_the_region_changes():
    rgb, ai, _ = cluttered_scene()
    region = np.zeros(ai.shape, np.uint8)
    region[50:90, 20:45] = 255  # the first strand only
    out = recover_region(rgb, ai, region, radius=REACH)
    assert np.array_equal(out[region == 0], ai[region == 0])
    assert np.count_nonzero(out[60:80, 20:40] > ai[60:80, 20:40] + 25) > 20


def test_sixteen_bit_photos_give_the_same_result_as_eight_bit():
    rgb, ai, _ = cluttered_scene()
    wide = rgb.astype(np.uint16) * 257
    np.testing.assert_array_equal(
        recover_region(wide, ai, everywhere(ai.shape), radius=REACH),
        recover_region(rgb, ai, everywhere(ai.shape), radius=REACH),
    )


def test_a_window_with_the_margin_gives_the_same_pixels():
    rgb, ai, _ = cluttered_scene()
    region = np.zeros(ai.shape, np.uint8)
    region[55:90, 55:105] = 255
    full = recover_region(rgb, ai, region, radius=REACH)
    m = recover_margin(REACH)
    window = (slice(55 - m, 90 + m), slice(55 - m, 105 + m))
    part = recover_region(rgb[window], ai[window], region[window], radius=REACH)
    np.testing.assert_array_equal(part, full[window])


@pytest.mark.parametrize("window", [Rect(0, 0, 50, 40), Rect(50, 60, 160, 120), Rect(25, 55, 90, 100)])
def test_the_op_renders_a_window_exactly_like_the_full_image(window):
    rgb, ai, _ = cluttered_scene()
    recipe = Recipe.from_dict({"ops": [{"op": "recover", "region": "M 10 50 H 150 V 100 H 10 Z", "radius": 12}]})
    image = codecs.DecodedImage(rgb=rgb, icc_profile=None, bit_depth=8, info=codecs.ImageInfo.of_array(rgb))
    full = render(image, ai, recipe)
    part = render_window(image, ai, recipe, window)
    assert np.array_equal(part.alpha, full.alpha[window.slices()])


def test_the_op_parses_with_its_limits_and_scales():
    op = Recipe.from_dict({"ops": [{"op": "recover", "region": "M 0 0 H 40 V 40 H 0 Z"}]}).ops[0]
    assert isinstance(op, RecoverOp) and op.radius == RADIUS == 16.0
    for radius in RADIUS_RANGE:  # the recipe and the engine agree on the range
        assert Recipe.from_dict({"ops": [{"op": "recover", "region": "M 0 0 H 4 V 4 Z", "radius": radius}]})
    assert op.to_dict() == {"op": "recover", "region": "M 0 0 H 40 V 40 H 0 Z", "radius": 16.0}
    assert op.scaled(0.25).radius == 4.0 and op.scaled(0.05).radius == 2.0
    with pytest.raises(InvalidRecipeError, match=r"ops\[0\]\.region: SVG path data is required"):
        Recipe.from_dict({"ops": [{"op": "recover"}]})
    with pytest.raises(InvalidRecipeError, match=r"ops\[0\]\.radius: must be between 2 and 64"):
        Recipe.from_dict({"ops": [{"op": "recover", "region": "M 0 0 H 4 V 4 Z", "radius": 1}]})
    with pytest.raises(InvalidRecipeError, match="radius"):
        recover_region(np.zeros((4, 4, 3), np.uint8), np.zeros((4, 4), np.uint8), np.zeros((4, 4), np.uint8), radius=99)


def test_find_lost_strands_groups_them_and_ignores_a_correct_mask():
    rgb, ai, truth = cluttered_scene()
    found = find_lost_strands(rgb, ai, radius=REACH)
    assert len(found) == 4
    lost = (truth > 0) & (ai < 128)
    for strand, x in zip(sorted(found, key=lambda s: s.box[0]), (30, 62, 95, 128)):
        bx, by, bw, bh = strand.box
        assert bx - 8 <= x <= bx + bw + 8 and by < 80
        in_box = np.count_nonzero(lost[by : by + bh, bx : bx + bw])
        assert 0.8 * in_box <= strand.pixels <= 1.5 * in_box  # the strand, and not much more
    assert find_lost_strands(rgb, truth, radius=REACH) == ()
    assert find_lost_strands(rgb, np.zeros_like(ai)) == () and find_lost_strands(rgb, np.full_like(ai, 255)) == ()


def test_too_large_a_band_is_not_searched(monkeypatch):
    rgb, ai, _ = cluttered_scene()
    monkeypatch.setattr(recover_strands, "MAX_SOLVE_PX", 100)
    assert find_lost_strands(rgb, ai) is None


def long_strands_scene(seed=0):
    """A dark bar at the bottom of a busy wall (as :func:`cluttered_scene`) with four 3 px dark
    strands standing 44 px: far past the default 16 px reach. The mask has the bar only."""
    size = 160
    rng = np.random.default_rng(seed)
    rgb = busy_wall(rng, size, size)
    truth = np.zeros((size, size), np.uint8)
    rgb[120:, :] = (30, 25, 20)
    truth[120:, :] = 255
    for x, lean in ((30, -6), (62, 4), (95, -3), (128, 7)):
        cv2.line(rgb, (x, 120), (x + lean, 76), (30, 25, 20), 3)
        cv2.line(truth, (x, 120), (x + lean, 76), 255, 3)
    rgb = np.clip(rgb.astype(np.int16) + rng.normal(0, 2, rgb.shape).astype(np.int16), 0, 255).astype(np.uint8)
    ai = np.zeros((size, size), np.uint8)
    ai[120:, :] = 255
    ai = cv2.GaussianBlur(ai, (0, 0), 0.8)
    return rgb, ai, truth


def test_follow_brings_back_strands_standing_past_the_reach_and_nothing_else():
    rgb, ai, truth = long_strands_scene()
    region = np.zeros(ai.shape, np.uint8)
    region[96:160, :] = 255  # the band round the bar: the strands' upper halves lie outside it
    strands = (truth > 0) & (ai < 128)
    upper = strands & (np.arange(160)[:, None] < 96)
    without = recover_region(rgb, ai, region, radius=RADIUS)
    followed = recover_region(rgb, ai, region, radius=RADIUS, follow=32)
    assert np.array_equal(without[region == 0], ai[region == 0])  # follow 0: the region only
    assert np.mean(without[strands] >= 128) < 0.6
    assert np.mean(followed[strands] >= 128) >= 0.85 and np.mean(followed[upper] >= 128) >= 0.8
    far = cv2.dilate(truth, np.ones((7, 7), np.uint8)) == 0
    assert np.array_equal(followed[far], ai[far])


def test_follow_takes_a_strand_out_through_the_side_of_a_tight_box():
    """Auto-fix's boxes hug a strand's base (4 px round what detection raised): the strand leaves
    the box inside the band, where the photo's alpha (0) would pin it down."""
    rgb, ai, truth = long_strands_scene()
    region = np.zeros(ai.shape, np.uint8)
    region[108:160, 20:40] = 255  # the first strand's base, 12 px up from the bar
    strand = (truth > 0) & (ai < 128)
    strand[:, 40:] = False
    without = recover_region(rgb, ai, region, radius=RADIUS)
    followed = recover_region(rgb, ai, region, radius=RADIUS, follow=32)
    assert np.mean(without[strand] >= 128) < 0.4
    assert np.mean(followed[strand] >= 128) >= 0.85
    others = np.ones(ai.shape, bool)
    others[:, :45] = False  # the other strands: their region does not hold them
    assert np.array_equal(followed[others], ai[others])


def test_follow_leaves_a_correct_mask_alone():
    rgb, _, truth = long_strands_scene(seed=2)
    out = recover_region(rgb, truth, everywhere(truth.shape), radius=RADIUS, follow=32)
    assert np.count_nonzero(out.astype(int) - truth > 25) == 0


@pytest.mark.parametrize("window", [Rect(0, 0, 60, 60), Rect(20, 70, 110, 130)])
def test_a_followed_op_renders_a_window_exactly_like_the_full_image(window):
    rgb, ai, _ = long_strands_scene()
    recipe = Recipe.from_dict(
        {"ops": [{"op": "recover", "region": "M 10 96 H 150 V 160 H 10 Z", "radius": 16, "follow": 32}]}
    )
    image = codecs.DecodedImage(rgb=rgb, icc_profile=None, bit_depth=8, info=codecs.ImageInfo.of_array(rgb))
    full = render(image, ai, recipe)
    part = render_window(image, ai, recipe, window)
    assert (full.alpha[60:96] > ai[60:96]).any()  # the followed strands do reach the first window
    assert np.array_equal(part.alpha, full.alpha[window.slices()])


def test_follow_parses_with_its_limits_scales_and_is_written_only_when_set():
    region = "M 0 0 H 40 V 40 H 0 Z"
    plain = Recipe.from_dict({"ops": [{"op": "recover", "region": region}]}).ops[0]
    assert plain.follow == 0.0 and "follow" not in plain.to_dict()  # recipes saved before it stay as they were
    op = Recipe.from_dict({"ops": [{"op": "recover", "region": region, "follow": FOLLOW}]}).ops[0]
    assert op.to_dict() == {"op": "recover", "region": region, "radius": 16.0, "follow": FOLLOW}
    assert Recipe.from_dict({"ops": [op.to_dict()]}).ops[0] == op
    assert op.scaled(0.25).follow == FOLLOW / 4
    for follow in FOLLOW_RANGE:
        assert Recipe.from_dict({"ops": [{"op": "recover", "region": region, "follow": follow}]})
    with pytest.raises(InvalidRecipeError, match=r"ops\[0\]\.follow: must be between 0 and 64"):
        Recipe.from_dict({"ops": [{"op": "recover", "region": region, "follow": 65}]})
    with pytest.raises(InvalidRecipeError, match="follow"):
        recover_region(np.zeros((4, 4, 3), np.uint8), np.zeros((4, 4), np.uint8), np.zeros((4, 4), np.uint8), radius=16, follow=-1)


@pytest.fixture
def results_kept(solves_counted):
    """core.recover's results kept as a process keeps them, counting the solves it saves."""
    from core import recover

    return solves_counted(recover, "_recovered")


def test_a_repeated_op_is_served_from_the_cache_and_any_change_of_its_input_solves_again(results_kept):
    """The editor's previews re-render a recover op whose input did not change (a slider of a later
    op moved): not solved again. A change of any input it reads is."""
    rgb, ai, _ = cluttered_scene()
    region = everywhere(ai.shape)
    first = recover_region(rgb, ai, region, radius=REACH)
    assert np.array_equal(recover_region(rgb, ai, region, radius=REACH), first) and len(results_kept) == 1
    changed_alpha = ai.copy()
    changed_alpha[0, 0] = 1
    changed_colour = rgb.copy()
    changed_colour[0, 0, 0] ^= 1
    softer = region.copy()
    softer[40:, :] = 200  # the same box, other coverage
    for args, kwargs in [
        ((rgb, changed_alpha, region), {"radius": REACH}),
        ((changed_colour, ai, region), {"radius": REACH}),
        ((rgb.astype(np.uint16) * 257, ai, region), {"radius": REACH}),  # the same colours, 16-bit
        ((rgb, ai, softer), {"radius": REACH}),
        ((rgb, ai, region), {"radius": REACH, "follow": 8}),
        ((rgb, ai, region), {"radius": REACH - 1}),
    ]:
        solved = len(results_kept)
        recover_region(*args, **kwargs)
        assert len(results_kept) == solved + 1, kwargs


def test_renders_through_the_cache_equal_renders_without_it(results_kept):
    """A recipe with a refine before the recover op and one after: moving the later one is served
    from the cache, moving the earlier one solves again; every render equals one made without it."""
    from core import result_cache

    rgb, ai, _ = cluttered_scene()
    image = codecs.DecodedImage(rgb=rgb, icc_profile=None, bit_depth=8, info=codecs.ImageInfo.of_array(rgb))

    def recipe(before, after):
        return Recipe.from_dict({"ops": [
            {"op": "refine", "shift_edge": before, "region": "M 0 70 H 160 V 90 H 0 Z"},
            {"op": "recover", "region": "M 10 50 H 150 V 100 H 10 Z", "radius": REACH, "follow": 8},
            {"op": "refine", "contrast": after},
        ]})

    steps = [recipe(0, 0), recipe(0, 10), recipe(0, 20), recipe(40, 20)]
    cached = [render(image, ai, r).alpha for r in steps]
    assert len(results_kept) == 2  # the first render and the one after the earlier op moved
    result_cache.keep_op_results(0)
    for r, alpha in zip(steps, cached):
        assert np.array_equal(render(image, ai, r).alpha, alpha)
    assert not np.array_equal(cached[2], cached[3])  # the earlier op did change the recover's input


def test_the_cache_hands_out_copies_and_drops_the_oldest_past_its_budget():
    from core.result_cache import ResultCache

    cache = ResultCache(max_bytes=250)
    one, two, three = (np.full((10, 10), v, np.uint8) for v in (1, 2, 3))
    cache.put(b"1", one)
    one[:] = 9  # the caller's array: the cache keeps its own
    got = cache.get(b"1")
    got[:] = 7  # and what it hands out is a copy
    assert (cache.get(b"1") == 1).all()
    cache.put(b"2", two)
    cache.put(b"3", three)  # 300 bytes: the least recently used (1) goes
    assert cache.get(b"1") is None and (cache.get(b"2") == 2).all() and (cache.get(b"3") == 3).all()
    cache.put(b"big", np.zeros(300, np.uint8))  # larger than the budget: not kept
    assert cache.get(b"big") is None and cache.get(b"2") is not None
