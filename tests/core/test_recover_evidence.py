"""core.recover_evidence: colour and line evidence, calibrated on the photo's own known pixels."""

import dataclasses

import cv2
import numpy as np
import pytest

from core import recover, recover_evidence, recover_strands, result_cache
from core.recover_evidence import (
    ColourEvidence,
    background_coloured,
    lab_of,
    not_object_leaning,
    ridge_strength,
    samples_of,
    thin_and_joined,
)
from core.window import Rect

RED, BLUE_GREY = (200, 60, 40), (90, 120, 150)


def red_strand_on_clutter(seed: int, *, clutter: float = 18, strand: bool = True):
    """A red body with a 3 px red strand 14 px tall, on blotchy blue-grey clutter (blotches of
    ``clutter`` levels); the mask lost the strand."""
    rng = np.random.default_rng(seed)
    h = w = 120
    blotches = cv2.resize(rng.normal(0, 1, (h // 8, w // 8, 3)).astype(np.float32), (w, h),
                          interpolation=cv2.INTER_CUBIC)
    wall = np.array(BLUE_GREY, np.float32) + clutter * blotches
    truth = np.zeros((h, w), np.float32)
    truth[80:, :] = 1
    truth[66:80, 58:61] = 1 if strand else 0
    rgb = truth[..., None] * np.array(RED, np.float32) + (1 - truth[..., None]) * wall
    rgb = np.clip(rgb + rng.normal(0, 2, rgb.shape), 0, 255).astype(np.uint8)
    ai = (truth * 255).astype(np.uint8)
    ai[66:80, 58:61] = 0
    return rgb, ai


def no_evidence(photo, a, s, unknown, accepted):
    """A stand-in for ``recover._with_photo_evidence``: the solve's own acceptance only."""
    return accepted, s


def two_colour_samples(rng, obj_colour, bg_colour, n=2000, spread=6.0):
    lab = np.concatenate([
        lab_of(np.clip(rng.normal(obj_colour, spread, (n, 1, 3)), 0, 255).astype(np.uint8)),
        lab_of(np.clip(rng.normal(bg_colour, spread, (n, 1, 3)), 0, 255).astype(np.uint8)),
    ])
    return lab, np.arange(n), np.arange(n, 2 * n)


def test_colour_is_trusted_where_it_separates_and_says_which_side_a_colour_is_on():
    lab, obj, bg = two_colour_samples(np.random.default_rng(0), RED, BLUE_GREY)
    colour = ColourEvidence.fit(lab, obj, bg)
    assert colour.trusted and colour.held_out_pass > 0.9
    probe = lab_of(np.array([[RED, BLUE_GREY, (145, 90, 95)]], np.uint8)).reshape(-1, 3)
    assert colour.object_like(probe).tolist()[:2] == [True, False]
    a_red, a_wall, a_mix = colour.alpha(probe)
    assert a_red > 0.9 and a_wall < 0.1 and 0.3 < a_mix < 0.7  # half red, half wall: in between


def test_colour_shared_by_object_and_background_is_no_evidence():
    lab, obj, bg = two_colour_samples(np.random.default_rng(1), RED, RED)
    colour = ColourEvidence.fit(lab, obj, bg)
    assert not colour.trusted and colour.held_out_pass < 0.2


def test_too_few_samples_say_nothing():
    few = np.zeros((40, 40), bool)
    few[0, :150 // 40] = True
    many = np.ones((40, 40), bool)
    assert samples_of(few, many) is None
    obj, bg = samples_of(many, many)
    assert len(obj) == len(bg) == 1600  # under MAX_SAMPLES: all of them


def test_a_thin_object_coloured_line_answers_the_ridge_filter_and_flat_wall_does_not():
    rgb = np.full((60, 60, 3), BLUE_GREY, np.uint8)
    rgb[40:, :] = RED
    rgb[10:40, 29:32] = RED  # a 3 px line
    lab = lab_of(rgb)
    obj = np.flatnonzero((np.arange(60)[:, None] >= 44).repeat(60, 1).ravel())
    bg = np.flatnonzero(((np.arange(60)[:, None] < 8) & np.ones((1, 60), bool)).ravel())
    strength = ridge_strength(lab, obj, bg)
    assert strength[20:30, 30].min() > 0.1
    assert strength[20:30, 5:20].max() < 0.01 and strength[20:30, 42:55].max() < 0.01


def test_the_guards_keep_thin_groups_touching_the_mask_only():
    base = np.zeros((60, 60), bool)
    base[40:, :] = True
    extra = np.zeros_like(base)
    extra[20:40, 10:12] = True  # thin, on the mask: kept
    extra[20:35, 30:32] = True  # thin, 5 px above the mask: refused
    extra[25:40, 45:58] = True  # wide, on the mask: refused
    kept = thin_and_joined(extra, base, open_px=7)
    assert kept[20:40, 10:12].all()
    assert not kept[:, 25:].any()


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_evidence_completes_a_strand_the_solve_alone_leaves_short_and_changes_nothing_else(seed, monkeypatch):
    rgb, ai = red_strand_on_clutter(seed)
    region = np.full(ai.shape, 255, np.uint8)
    with_evidence = recover.recover_region(rgb, ai, region, radius=16)
    monkeypatch.setattr(recover, "_with_photo_evidence", no_evidence)
    solve_only = recover.recover_region(rgb, ai, region, radius=16)
    strand = (slice(66, 80), slice(58, 61))
    assert (with_evidence[strand] >= 128).all()
    assert (solve_only[strand] >= 128).mean() < 1.0  # the tip, where the solve fades
    outside = np.ones(ai.shape, bool)
    outside[strand] = False
    assert np.abs(with_evidence.astype(int) - ai)[outside].max() <= 25
    assert (with_evidence >= solve_only).all()


@pytest.mark.parametrize("seed", range(6))
def test_on_a_correct_mask_over_heavy_clutter_the_evidence_adds_nothing(seed, monkeypatch):
    # Blotches of 40 levels put reddish patches on the wall next to the piece: relatively nearer
    # the object's colours than the ring's, but not among them (the held-out calibration).
    rgb, ai = red_strand_on_clutter(seed, clutter=40, strand=False)
    region = np.full(ai.shape, 255, np.uint8)
    with_evidence = recover.recover_region(rgb, ai, region, radius=16)
    monkeypatch.setattr(recover, "_with_photo_evidence", no_evidence)
    solve_only = recover.recover_region(rgb, ai, region, radius=16)
    # Nothing added; what the solve alone raised may be refused (the colour veto).
    assert (with_evidence <= solve_only).all()


GOLD = (196, 160, 72)


def no_veto(raised, solid, lab, colour):
    """A stand-in for ``background_coloured`` that refuses nothing: the op without the veto."""
    return np.zeros_like(raised)


def gold_ring_over_cables(seed: int, *, prong: bool = False, prong_size: tuple[int, int] = (3, 13), size: int = 240):
    """A gold ring over blocks of colour crossed by 2-5 px cables of any colour (some run behind
    the ring), and its true alpha as the mask; with ``prong``, a gold prong (``prong_size``: width,
    height) stands on the ring and the mask lost it. Returns (rgb, mask, prong's lost slices)."""
    rng = np.random.default_rng(seed)
    truth = np.zeros((size, size), np.uint8)
    piece = np.full((size, size, 3), GOLD, np.uint8)  # gold wherever the truth says (composited below)
    c, r = size // 2, size // 4
    cv2.circle(truth, (c, c), r, 255, thickness=r // 3, lineType=cv2.LINE_AA)
    top = c - r - r // 6
    w, h = prong_size
    lost = (slice(top + 1 - h, top - 1), slice(c - 1, c - 1 + w))
    if prong:
        truth[top + 1 - h : top + 2, c - 1 : c - 1 + w] = 255
    blocks = rng.integers(40, 230, (size // 30 + 1, size // 30 + 1, 3), dtype=np.uint8)
    wall = cv2.resize(blocks, (size, size), interpolation=cv2.INTER_NEAREST)
    for _ in range(12):
        x0, y0, x1, y1 = (int(v) for v in rng.integers(0, size, 4))
        cv2.line(wall, (x0, y0), (x1, y1), tuple(int(v) for v in rng.integers(0, 255, 3)), int(rng.integers(2, 6)))
    wall = cv2.add(wall, rng.integers(0, 12, wall.shape, dtype=np.uint8))
    a = truth.astype(np.float32)[..., None] / 255.0
    rgb = (a * piece + (1 - a) * wall).astype(np.uint8)
    mask = truth.copy()
    if prong:
        mask[lost] = 0
    return rgb, mask, lost


def test_groups_of_the_background_s_colours_are_found_and_others_are_not():
    lab, obj, bg = two_colour_samples(np.random.default_rng(2), RED, BLUE_GREY)
    colour = ColourEvidence.fit(lab, obj, bg)
    picture = np.zeros((20, 30, 3), np.uint8)
    picture[:, :10] = RED
    picture[:, 10:20] = (200, 200, 205)  # a colour neither side shows (a second metal): kept
    picture[:, 20:] = BLUE_GREY
    raised = np.zeros((20, 30), bool)
    raised[2:18, 3:6] = True  # red
    raised[2:18, 13:16] = True  # the other colour
    raised[2:18, 23:26] = True  # wall
    raised[0, 28:30] = True  # two pixels of wall: too few to judge
    found = background_coloured(raised, raised, lab_of(picture), colour)
    assert found[2:18, 23:26].all()
    assert found.sum() == 16 * 3
    assert not colour.background_like(lab_of(picture[:1, 10:11]).reshape(-1, 3)).any()
    assert not colour.object_like(lab_of(picture[:1, 10:11]).reshape(-1, 3)).any()


def test_the_stricter_test_keeps_only_groups_whose_colour_leans_to_the_object():
    lab, obj, bg = two_colour_samples(np.random.default_rng(2), RED, BLUE_GREY)
    colour = ColourEvidence.fit(lab, obj, bg)
    picture = np.zeros((20, 50, 3), np.uint8)
    picture[:, :10] = RED
    picture[:, 10:20] = (200, 200, 205)  # neither side's colour
    picture[:, 20:] = BLUE_GREY
    picture[2:6, 30:40] = RED  # a group of 4 red pixels and 12 of wall (a quarter of the object's colour)
    picture[2:12, 40:50] = RED  # a group of 10 red pixels and 6 of wall
    raised = np.zeros((20, 50), bool)
    raised[2:18, 3:6] = True  # red: kept
    raised[2:18, 13:16] = True  # neither: refused (nothing says it is the object's)
    raised[2:18, 23:26] = True  # wall: refused
    raised[2:18, 33] = True  # 4 red over 12 wall: refused, where background_coloured keeps it
    raised[2:18, 43] = True  # 10 red over 6 wall: kept
    raised[0, 28] = True  # a pixel of wall: too few to judge, kept
    lab = lab_of(picture)
    refused = not_object_leaning(raised, raised, lab, colour)
    assert refused[2:18, 13:16].all() and refused[2:18, 23:26].all() and refused[2:18, 33].all()
    assert refused.sum() == 16 * 3 * 2 + 16
    assert not background_coloured(raised, raised, lab, colour)[2:18, 33].any()
    assert not background_coloured(raised, raised, lab, colour)[2:18, 13:16].any()


def test_cables_behind_a_ring_are_mostly_not_raised_on_its_correct_mask(monkeypatch):
    region = np.full((240, 240), 255, np.uint8)
    scenes = [gold_ring_over_cables(seed)[:2] for seed in range(8)]

    def raised_px():
        return [np.count_nonzero(recover.recover_region(rgb, mask, region, radius=16).astype(int) - mask > 25)
                for rgb, mask in scenes]

    vetoed = raised_px()
    monkeypatch.setattr(recover_evidence, "background_coloured", no_veto)
    unvetoed = raised_px()
    # The solve takes the cables next to the ring for lost parts (55-260 px a scene); the colour
    # veto refuses most of them (3-80 px left: cables of colours near the ring's, at its edge).
    assert min(unvetoed) > 50
    assert all(v <= u / 2 for v, u in zip(vetoed, unvetoed))
    assert sum(vetoed) <= 0.2 * sum(unvetoed)


@pytest.mark.parametrize("seed", range(6))
def test_a_lost_prong_of_the_object_s_colour_over_the_same_cables_still_comes_back(seed):
    rgb, mask, prong = gold_ring_over_cables(seed, prong=True)
    out = recover.recover_region(rgb, mask, np.full(mask.shape, 255, np.uint8), radius=16)
    assert (out[prong] >= 128).all()


def test_the_strand_search_still_reports_lost_prongs_over_cables():
    def on(box, part):
        bx, by, bw, bh = box
        return bx < part[1].stop and part[1].start < bx + bw and by < part[0].stop and part[0].start < by + bh

    found = 0
    for seed in range(8):
        rgb, mask, prong = gold_ring_over_cables(seed, prong=True, prong_size=(4, 17))
        found += any(on(s.box, prong) for s in recover_strands.find_lost_strands(rgb, mask))
    # 7 of 8: seed 4 stands the prong on a block of nearly its own colour, where the solve does
    # not raise it.
    assert found >= 7


def test_the_strand_search_does_not_report_the_cables_behind_rings(monkeypatch):
    from benchmarks.clutter_bench import make_scene

    rgb, _, lost = make_scene()  # six rings whose chains the mask lost, over cables: 6 MP
    reported = len(recover_strands.find_lost_strands(rgb, lost))
    monkeypatch.setattr(recover_evidence, "background_coloured", no_veto)
    unvetoed = len(recover_strands.find_lost_strands(rgb, lost))
    assert unvetoed >= 40  # 48: cables touching the rings, 46 of them off the chains
    assert reported <= 10  # 7


def gold_ring_with_a_thin_wire(seed: int, width: float, size: int = 240):
    """The ring over cables of :func:`gold_ring_over_cables`, and a slanted gold wire ``width``
    px wide (drawn 8x supersampled: its pixels mix gold and what is behind) standing on it, which
    the mask lost. Returns (rgb, mask, the wire's pixels over half covered)."""
    rgb, mask, _ = gold_ring_over_cables(seed, size=size)
    c, r = size // 2, size // 4
    top = c - r - r // 6
    ss = 8
    big = np.zeros((size * ss, size * ss), np.uint8)
    cv2.line(big, (c * ss, (top + 3) * ss), ((c + 3) * ss, (top - 16) * ss), 255, thickness=round(width * ss))
    wire = cv2.resize(big, (size, size), interpolation=cv2.INTER_AREA).astype(np.float32)[..., None] / 255.0
    rgb = np.clip(wire * np.array(GOLD, np.float32) + (1 - wire) * rgb, 0, 255).astype(np.uint8)
    return rgb, mask, (wire[..., 0] > 0.5) & (mask < 128)


@pytest.mark.parametrize("width", [1.0, 1.5])
def test_a_lost_wire_of_mixed_pixels_is_not_taken_for_background(width, monkeypatch):
    # A 1-1.5 px wire's pixels are mostly mixed with the block behind it, so few are object-like;
    # on seed 4 the block is orange, nearly gold, and 9 % of the raised group's solid pixels were
    # object-like: a veto at 10 % refused the wire there, at 5 % it does not.
    region = np.full((240, 240), 255, np.uint8)
    scenes = [gold_ring_with_a_thin_wire(seed, width) for seed in range(8)]

    def recovered():
        return [(recover.recover_region(rgb, mask, region, radius=16)[wire] >= 128).mean()
                for rgb, mask, wire in scenes]

    vetoed = recovered()
    monkeypatch.setattr(recover_evidence, "background_coloured", no_veto)
    unvetoed = recovered()
    assert min(unvetoed) > 0.5  # the solve brings the wire back (0.58-1.0 of its pixels)
    assert vetoed == unvetoed


@pytest.mark.parametrize("metal", [(200, 200, 205), (190, 120, 110)])
def test_a_lost_prong_of_a_second_metal_is_not_taken_for_background(metal, monkeypatch):
    # White- or rose-gold prongs on a yellow band over a dark wall: the prong's colour is not
    # among the mask edge's (the band's), but the plain wall does not show it either: no cable.
    background = (40, 45, 55)
    size, c, r = 240, 120, 60
    rng = np.random.default_rng(3)
    truth = np.zeros((size, size), np.uint8)
    cv2.circle(truth, (c, c), r, 255, thickness=r // 3, lineType=cv2.LINE_AA)
    top = c - r - r // 6
    prong = (slice(top - 12, top - 1), slice(c - 1, c + 2))
    truth[top - 12 : top + 2, c - 1 : c + 2] = 255
    colours = np.full((size, size, 3), GOLD, np.float32)
    colours[prong] = metal  # the lost part only, so no mask edge shows its colour
    a = truth.astype(np.float32)[..., None] / 255.0
    wall = np.array(background, np.float32) + rng.normal(0, 2, (size, size, 3))
    rgb = np.clip(a * colours + (1 - a) * wall, 0, 255).astype(np.uint8)
    mask = truth.copy()
    mask[prong] = 0
    region = np.full(mask.shape, 255, np.uint8)
    kept = recover.recover_region(rgb, mask, region, radius=16)
    monkeypatch.setattr(recover_evidence, "background_coloured", no_veto)
    unvetoed = recover.recover_region(rgb, mask, region, radius=16)
    assert (unvetoed[prong] >= 128).mean() > 0.8
    np.testing.assert_array_equal(kept, unvetoed)


@pytest.mark.parametrize(("background", "metal"), [((40, 45, 55), (200, 200, 205)), ((215, 205, 185), (190, 120, 110))])
def test_the_strand_search_reports_a_lost_chain_of_a_second_metal(background, metal, monkeypatch):
    # A 2 px white- or rose-gold chain leaving a yellow-gold ring and running ~9 px outside it;
    # the mask lost it. Judged only as "unlike the object", it was dropped on both backgrounds.
    size, c, r = 260, 130, 65
    rng = np.random.default_rng(0)
    ring = np.zeros((size, size), np.uint8)
    cv2.circle(ring, (c, c), r, 255, thickness=r // 3, lineType=cv2.LINE_AA)
    top = c - r - r // 6 + 2
    chain = np.zeros((size, size), np.uint8)
    points = np.array([[c + 0.3, top + 1], [c + 0.3, top - 9.4], [c + 40.7, top - 6.2], [c + 70.2, top + 6.6]]) * 16
    cv2.polylines(chain, [points.astype(np.int32).reshape(-1, 1, 2)], False, 255, 2, cv2.LINE_AA, 4)
    k = chain.astype(np.float32)[..., None] / 255.0
    piece = k * np.array(metal, np.float32) + (1 - k) * np.array(GOLD, np.float32)
    truth = np.maximum(ring, chain)
    a = truth.astype(np.float32)[..., None] / 255.0
    wall = np.array(background, np.float32) + rng.normal(0, 2, (size, size, 3))
    rgb = np.clip(a * piece + (1 - a) * wall, 0, 255).astype(np.uint8)
    outside = cv2.circle(np.zeros_like(ring), (c, c), r + r // 6 - 1, 255, -1) == 0
    mask = truth.copy()
    mask[(chain > 0) & outside] = 0
    lost = (chain > 127) & outside
    ys, xs = np.nonzero(lost)

    def on_chain():
        return [s for s in recover_strands.find_lost_strands(rgb, mask)
                if s.box[0] <= xs.max() and xs.min() < s.box[0] + s.box[2]
                and s.box[1] <= ys.max() and ys.min() < s.box[1] + s.box[3]]

    reported = on_chain()
    monkeypatch.setattr(recover_evidence, "background_coloured", no_veto)
    assert on_chain()  # found without the veto
    assert reported == on_chain()


BEIGE, LEAF = (170, 150, 95), (70, 100, 40)


def twig_over_a_striped_curtain(seed: int, *, lost: bool = True):
    """A leafy body (beige along its top edge) with a 3 px beige twig leaving it at a slant and
    running 70 px out over a curtain of light and dark grey stripes; the mask lost the twig."""
    rng = np.random.default_rng(seed)
    h, w = 140, 160
    stripes = 115 + 35 * np.sign(np.sin(np.arange(w) / 9.0))
    wall = stripes[None, :, None] * np.ones((h, 1, 3)) * np.array([1.0, 0.97, 1.08])
    body = np.zeros((h, w), np.float32)
    body[100:, :] = 1
    twig = np.zeros((h, w), np.uint8)
    cv2.line(twig, (40, 100), (130, 30), 255, 3, lineType=cv2.LINE_AA)
    truth = np.maximum(body, twig / 255.0)
    colour = np.zeros((h, w, 3), np.float32)
    colour[:] = LEAF
    colour[100:104] = BEIGE
    colour[twig > 0] = BEIGE
    rgb = truth[..., None] * colour + (1 - truth[..., None]) * wall
    rgb = np.clip(rgb + rng.normal(0, 2, rgb.shape), 0, 255).astype(np.uint8)
    mask = (body * 255).astype(np.uint8) if lost else (truth * 255).astype(np.uint8)
    middle = np.zeros((h, w), np.uint8)
    cv2.line(middle, (40, 100), (130, 30), 255, 1)
    return rgb, mask, middle > 0  # the twig's middle line, all of it


def _twig_middle_within(middle: np.ndarray, low: float, high: float) -> np.ndarray:
    """The twig's middle line from ``low`` to ``high`` px above the body (its top edge is row 100)."""
    above = 100 - np.arange(middle.shape[0])[:, None]
    return middle & (above > low) & (above <= high)


@pytest.mark.parametrize("seed", range(3))
def test_a_twig_the_solve_underrates_far_out_takes_its_unmixed_line_alpha(seed, monkeypatch):
    rgb, mask, middle = twig_over_a_striped_curtain(seed)
    region = np.full(mask.shape, 255, np.uint8)
    out = recover.recover_region(rgb, mask, region, radius=16, follow=32)
    near, far = _twig_middle_within(middle, 0, 40), _twig_middle_within(middle, 40, 48)
    beyond = _twig_middle_within(middle, 48, 100)
    assert (out[near] >= 128).mean() >= 0.85
    # Where the solve no longer shows it, the photo's line carries it on, to the reach plus follow (48 px).
    assert (out[far] >= 128).mean() >= 0.85
    assert not out[beyond].any()
    beside = ~cv2.dilate(middle.view(np.uint8), np.ones((9, 9), np.uint8)).astype(bool)
    assert not out[:100][beside[:100]].any()  # nothing beside it
    result_cache.op_results().clear()
    with monkeypatch.context() as patched:
        patched.setattr(recover, "LINE_PHOTO_LEVEL", 2.0)  # the solve's lines only
        solve_only = recover.recover_region(rgb, mask, region, radius=16, follow=32)
    assert (solve_only[near] >= 128).mean() >= 0.85
    assert not (solve_only[far] >= 128).any()
    result_cache.op_results().clear()
    with monkeypatch.context() as patched:  # colour that cannot tell the twig from the wall
        patched.setattr(recover_evidence.ColourEvidence, "fit", classmethod(lambda cls, *args: None))
        untrusted = recover.recover_region(rgb, mask, region, radius=16, follow=32)
        result_cache.op_results().clear()
        patched.setattr(recover, "LINE_SOLVE_LEVEL", 2.0)  # ... and a solve that shows no line
        unshown = recover.recover_region(rgb, mask, region, radius=16, follow=32)
    assert (untrusted[far] >= 128).mean() >= 0.85  # it carries on a line the solve shows
    # A line only the photo shows, that no colour judges, is left out (here all of the twig
    # but the few pixels steps 2-6 raise).
    assert not (unshown[far] >= 128).any() and (unshown[near] >= 128).mean() < 0.6
    result_cache.op_results().clear()
    monkeypatch.setattr(recover, "_with_unmixed_lines", lambda photo, a, s, unknown, raised, value: (raised, value))
    without = recover.recover_region(rgb, mask, region, radius=16, follow=32)
    assert (without[near] >= 128).mean() < 0.6  # the solve fades towards the background it is pinned to


def gold_bar_and_a_line(seed: int, line_colour, *, wall=(128, 128, 132)):
    """A gold bar along the bottom over a blotchy wall, and a 2 px line of ``line_colour`` leaving
    its top edge at a slant; the mask is the bar and the line's foot (its first 4 px). Returns
    (rgb, mask, the line's middle from there to the 16 px reach)."""
    rng = np.random.default_rng(seed)
    h, w = 140, 160
    blotches = rng.normal(0, 6, (h // 10 + 1, w // 10 + 1, 1)).repeat(10, 0).repeat(10, 1)[:h, :w]
    wall = np.asarray(wall, np.float32) + blotches
    bar = np.zeros((h, w), np.float32)
    bar[100:, 20:140] = 1
    line = np.zeros((h, w), np.uint8)
    cv2.line(line, (60, 100), (110, 36), 255, 2, lineType=cv2.LINE_AA)
    c = line[..., None] / 255.0
    wall = c * np.asarray(line_colour, np.float32) + (1 - c) * wall
    a = bar[..., None]
    rgb = np.clip(a * np.asarray(GOLD, np.float32) + (1 - a) * wall + rng.normal(0, 2, wall.shape), 0, 255)
    mask = (bar * 255).astype(np.uint8)
    mask[96:100] = np.maximum(mask[96:100], line[96:100])
    middle = np.zeros((h, w), np.uint8)
    cv2.line(middle, (60, 100), (110, 36), 255, 1)
    rows = np.arange(h)[:, None]
    return rgb.astype(np.uint8), mask, (middle > 0) & (rows < 96) & (rows > 84)


def step_7_alone(rgb, mask, *, trusted: bool = True):
    """Step 7 of core.recover on a whole-image op with no follow, where the solve shows nothing
    (it returned the mask's alpha) and steps 2-6 raised nothing: (raised, value)."""
    a = mask.astype(np.float32) / 255
    unknown, _, reached = recover._trimap(a, np.full(mask.shape, 255, np.uint8), 16.0)
    photo = recover._PhotoEvidence.of(rgb, a, reached, 16.0, Rect.of_shape(a.shape))
    assert photo is not None and photo.colour is not None  # the scenes' colours separate
    if not trusted:
        photo = dataclasses.replace(photo, colour=None)
    return recover._with_unmixed_lines(photo, a, a, unknown, np.zeros(a.shape, bool), a)


@pytest.mark.parametrize("seed", range(3))
def test_a_wire_only_the_photo_shows_is_taken_where_its_colour_is_the_object_s(seed):
    rgb, mask, middle = gold_bar_and_a_line(seed, GOLD)
    raised, value = step_7_alone(rgb, mask)
    assert raised[middle].all() and (value[middle] >= 0.5).all()
    beside = ~cv2.dilate(middle.view(np.uint8), np.ones((9, 9), np.uint8)).astype(bool)
    assert not raised[:96][beside[:96]].any()
    # No colour to judge it and no line of the solve's to carry on: left out.
    raised, _ = step_7_alone(rgb, mask, trusted=False)
    assert not raised.any()


def gold_ring_and_a_hair(seed: int):
    """A shaded gold ring on a white sweep, its true alpha as the mask, and a dark hair 1 px wide
    (drawn 8x finer, so its pixels mix with the sweep) leaving its outer edge and running 90 px
    out: past the reach plus follow, so the solve, pinned there, shows no line."""
    rng = np.random.default_rng(seed)
    size, fine = 200, 8
    truth = np.zeros((size, size), np.uint8)
    cv2.circle(truth, (100, 100), 50, 255, 14, lineType=cv2.LINE_AA)
    start = np.array((100 + 57 * np.cos(0.7), 100 + 57 * np.sin(0.7)))
    end = start + 90 * np.array((np.cos(0.7), np.sin(0.7)))
    hair = np.zeros((size * fine, size * fine), np.uint8)
    cv2.line(hair, tuple(int(v) for v in start * fine), tuple(int(v) for v in end * fine), 255, fine)
    cover = cv2.resize(hair.astype(np.float32) / 255, (size, size), interpolation=cv2.INTER_AREA)[..., None]
    wall = cover * np.array((45, 35, 30), np.float32) + (1 - cover) * np.array((242, 240, 236), np.float32)
    shade = 0.85 + 0.15 * np.cos(np.linspace(0, 6 * np.pi, size))[None, :, None]
    a = truth[..., None] / 255.0
    rgb = a * np.array(GOLD, np.float32) * shade + (1 - a) * wall + rng.normal(0, 2, wall.shape)
    return np.clip(rgb, 0, 255).astype(np.uint8), truth


@pytest.mark.parametrize("seed", range(3))
def test_a_dark_hair_on_a_white_sweep_beside_a_correct_mask_is_not_raised(seed, monkeypatch):
    # A colour neither side's samples show, which on the sweep-to-gold axis still reads as a line
    # of the object: only the photo's line shows it, and it was taken out to the reach plus follow
    # (45-47 px) until the stricter test refused groups that lean to neither side.
    rgb, mask = gold_ring_and_a_hair(seed)
    with_step, without = _with_and_without_unmixed_lines(rgb, mask, monkeypatch)
    assert np.count_nonzero(with_step.astype(int) - without > 25) <= 3
    assert not ((with_step >= 128) & (mask < 128)).any()
    raised, _ = step_7_alone(rgb, mask)  # judged by colour (trusted here), not left out for want of it
    assert not raised.any()


@pytest.mark.parametrize("seed", range(3))
def test_a_line_unmixing_to_just_over_half_is_still_judged_by_colour(seed, monkeypatch):
    # Its pixels count as solid from LINE_PHOTO_LEVEL, not from ACCEPT_LEVEL: a line that reaches
    # 0.5 but never 0.6 would otherwise leave its groups too small to judge, and be kept.
    rgb, mask = gold_ring_and_a_hair(seed)
    line_alpha = recover_evidence.line_alpha
    monkeypatch.setattr(recover_evidence, "line_alpha", lambda *args, **kw: np.minimum(line_alpha(*args, **kw), 0.55))
    raised, _ = step_7_alone(rgb, mask)
    assert not raised.any()


@pytest.mark.parametrize("seed", range(3))
def test_unmixing_adds_nothing_to_a_twig_the_mask_has(seed, monkeypatch):
    rgb, mask, _ = twig_over_a_striped_curtain(seed, lost=False)
    region = np.full(mask.shape, 255, np.uint8)
    out = recover.recover_region(rgb, mask, region, radius=16, follow=32)
    result_cache.op_results().clear()
    monkeypatch.setattr(recover, "_with_unmixed_lines", lambda photo, a, s, unknown, raised, value: (raised, value))
    without = recover.recover_region(rgb, mask, region, radius=16, follow=32)
    # The solve itself lifts 10-19 of the twig's anti-aliased rim pixels by more than 0.1 (it
    # reads their colour as nearer the twig's); the unmixed alpha reads them as partial and
    # adds nothing.
    assert np.array_equal(out, without)


def test_line_alpha_reads_a_line_against_the_wall_beside_it_light_or_dark():
    p = np.zeros((30, 60), np.float32)
    p[:, 30:] = 0.4  # a lighter stretch of wall
    p[:, 10:13] = 1.0  # an object-coloured line over the dark stretch
    p[:, 40:43] = 1.0  # ... and over the light one
    p[:, 50] = 0.7  # a 1 px line half covering its pixels
    alpha = recover_evidence.line_alpha(p, np.array([11]), np.array([0]), open_px=7)
    assert alpha[15, 10:13].min() == pytest.approx(1.0) and alpha[15, 40:43].min() == pytest.approx(1.0)
    assert alpha[15, 50] == pytest.approx(0.5)
    assert alpha[15, 20] == 0 and alpha[15, 35] == 0


def test_line_alpha_does_not_blow_up_a_faint_line_over_a_wall_as_light_as_the_object():
    p = np.full((30, 30), 0.95, np.float32)  # a stretch of wall nearly at the object's level (1)
    p[:, 10:13] = 1.0  # a line 0.05 above it
    p[:3, :] = 0.0  # the background sample's level
    alpha = recover_evidence.line_alpha(p, np.array([15 * 30 + 11]), np.array([0]), open_px=7)
    # Scaled by at least LINE_MIN_CONTRAST of the samples' gap (0.2), not by the 0.05 left above the wall.
    assert alpha[15, 11] == pytest.approx(0.05 / recover_evidence.LINE_MIN_CONTRAST, abs=1e-4)


def test_line_alpha_reads_nothing_when_the_axis_does_not_separate_the_samples():
    p = np.zeros((20, 20), np.float32)
    p[:, 8:10] = 1.0
    assert not recover_evidence.line_alpha(p, np.array([0]), np.array([1]), open_px=7).any()


def gold_ring_touched_by_a_cable(seed: int, width: int):
    """A gold ring's true alpha as the mask, over dark blocks, with a gold-ish cable ``width`` px
    wide running from the ring's edge to the corner: a line of nearly the piece's colour that
    touches a correct mask."""
    rng = np.random.default_rng(seed)
    size = 200
    truth = np.zeros((size, size), np.uint8)
    cv2.circle(truth, (100, 100), 50, 255, 14, lineType=cv2.LINE_AA)
    blocks = rng.integers(40, 110, (8, 8, 3)).astype(np.uint8)
    wall = cv2.resize(blocks, (size, size), interpolation=cv2.INTER_NEAREST).astype(np.float32)
    cable = np.zeros((size, size), np.uint8)
    cv2.line(cable, (100 + int(57 * np.cos(0.7)), 100 + int(57 * np.sin(0.7))), (195, 195), 255, width,
             lineType=cv2.LINE_AA)
    c = cable[..., None] / 255.0
    wall = c * np.array((200, 170, 90), np.float32) + (1 - c) * wall
    a = truth[..., None] / 255.0
    rgb = np.clip(a * np.array(GOLD, np.float32) + (1 - a) * wall + rng.normal(0, 2, wall.shape), 0, 255)
    return rgb.astype(np.uint8), truth


def _with_and_without_unmixed_lines(rgb, mask, monkeypatch):
    region = np.full(mask.shape, 255, np.uint8)
    result_cache.op_results().clear()
    with_step = recover.recover_region(rgb, mask, region, radius=16, follow=32)
    result_cache.op_results().clear()
    with monkeypatch.context() as patched:
        patched.setattr(recover, "_with_unmixed_lines", lambda photo, a, s, unknown, raised, value: (raised, value))
        without = recover.recover_region(rgb, mask, region, radius=16, follow=32)
    result_cache.op_results().clear()
    return with_step, without


@pytest.mark.parametrize("width", [1, 2, 3])
@pytest.mark.parametrize("seed", range(4))
def test_unmixed_lines_add_next_to_nothing_beside_a_correct_mask_and_take_nothing_away(seed, width, monkeypatch):
    rgb, mask = gold_ring_touched_by_a_cable(seed, width)
    with_step, without = _with_and_without_unmixed_lines(rgb, mask, monkeypatch)
    # Judged after steps 2-6's veto, on their own groups: what those steps raised stays raised
    # (judging the union let step 7's pixels change the veto's verdict on earlier ones).
    assert (with_step >= without).all()
    assert np.count_nonzero(with_step.astype(int) - without > 25) <= 3  # 45-67 px without the veto


@pytest.mark.parametrize("seed", range(8))
def test_unmixed_lines_keep_the_cables_behind_a_ring_down_and_take_nothing_away(seed, monkeypatch):
    rgb, mask, _ = gold_ring_over_cables(seed)
    with_step, without = _with_and_without_unmixed_lines(rgb, mask, monkeypatch)
    assert (with_step >= without).all()  # by construction today: a guard against restructuring
    added = np.count_nonzero(with_step.astype(int) - without > 25)
    assert added <= 3, f"step 7 raised {added} px of cables beside a correct mask (0-2 with engine 0.2.9)"
