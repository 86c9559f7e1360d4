import cv2
import numpy as np
import pytest

from core.errors import CoreError, InvalidRecipeError, SizeMismatchError
from core.matte import matte_margin, matte_region

DARK = np.array([40, 35, 30], np.float64)
LIGHT = np.array([215, 218, 222], np.float64)


def _coverage(inside, shape, ss=8):
    """Area coverage (float 0..1) of the set ``inside(x, y)``, by ss x ss supersampling."""
    h, w = shape
    ys, xs = np.mgrid[0 : h * ss, 0 : w * ss]
    hit = inside((xs + 0.5) / ss, (ys + 0.5) / ss)
    return hit.reshape(h, ss, w, ss).mean(axis=(1, 3))


def _photo(truth, seed):
    """Dark object over a light background by the compositing equation, with sensor noise."""
    rng = np.random.default_rng(seed)
    a = truth[:, :, None]
    rgb = a * DARK + (1 - a) * LIGHT + rng.normal(0, 1.5, truth.shape + (3,))
    return np.clip(np.rint(rgb), 0, 255).astype(np.uint8)


def _to_alpha(values):
    return np.clip(np.rint(values * 255), 0, 255).astype(np.uint8)


def _disk_scene():
    shape = (90, 100)
    truth = _coverage(lambda x, y: (x - 48.3) ** 2 + (y - 44.6) ** 2 <= 28.0**2, shape)
    # a damaged AI alpha: eroded by 2 px and blurred, as an over-cautious matting model gives
    eroded = _coverage(lambda x, y: (x - 48.3) ** 2 + (y - 44.6) ** 2 <= 26.0**2, shape)
    damaged = _to_alpha(cv2.GaussianBlur(eroded.astype(np.float32), (0, 0), 1.5))
    return _photo(truth, 1), damaged, truth


def _sad(alpha, truth, where):
    return np.abs(alpha[where] / 255.0 - truth[where]).sum()


def test_disk_edge_is_recovered_inside_the_region_and_untouched_outside():
    rgb, alpha, truth = _disk_scene()
    region = np.zeros(alpha.shape, np.uint8)
    region[:, :50] = 255  # the left half of the disk
    out = matte_region(rgb, alpha, region, radius=5)
    inside = region == 255
    before, after = _sad(alpha, truth, inside), _sad(out, truth, inside)
    assert before > 40  # the damage is real: about 40 px worth of alpha
    assert after < before / 5  # error in the region cut by more than 5x (measured: 7.3x)
    np.testing.assert_array_equal(out[region == 0], alpha[region == 0])


def _prong_scene(damage):
    """A 2-px prong sticking out of a round body; the AI alpha is damaged along the prong."""
    shape = (70, 90)
    body = lambda x, y: (x - 30) ** 2 + (y - 35) ** 2 <= 18**2
    prong = lambda x, y: (np.abs(y - 35.0) <= 1.0) & (x >= 30) & (x <= 75)
    truth = _coverage(lambda x, y: body(x, y) | prong(x, y), shape)
    if damage == "bleed":  # the prong kept at 45 % opacity
        damaged = np.maximum(_coverage(body, shape), 0.45 * _coverage(prong, shape))
    else:  # "blurred": a soft, washed-out edge everywhere
        damaged = cv2.GaussianBlur(truth.astype(np.float32), (0, 0), 1.2)
    region = np.zeros(shape, np.uint8)
    region[20:50, 40:85] = 255  # painted over the prong
    return _photo(truth, 3), _to_alpha(damaged), truth, region


@pytest.mark.parametrize("damage,factor", [("bleed", 20), ("blurred", 10)])
def test_two_pixel_prong_is_recovered(damage, factor):
    rgb, alpha, truth, region = _prong_scene(damage)
    out = matte_region(rgb, alpha, region, radius=2)
    inside = region == 255
    before, after = _sad(alpha, truth, inside), _sad(out, truth, inside)
    # measured: bleed 29.7 -> 0.5 px of alpha, blurred 70.7 -> 3.1
    assert after < before / factor
    assert out[35, 45:75].min() >= 250  # the prong is opaque again along its length
    np.testing.assert_array_equal(out[region == 0], alpha[region == 0])


def test_an_isolated_thin_line_without_opaque_pixels_is_left_as_it_is():
    # A known limit: with no definite object pixel within reach, nothing anchors the solve
    # (use a channel mask or a path there). The result must not get worse.
    shape = (60, 80)
    truth = _coverage(lambda x, y: np.abs((y - 30) - 0.3 * (x - 40)) <= 1.0, shape)
    rgb = _photo(truth, 2)
    alpha = _to_alpha(truth * 0.45)
    region = np.zeros(shape, np.uint8)
    region[10:50, 10:70] = 255
    out = matte_region(rgb, alpha, region, radius=3)
    inside = region == 255
    assert _sad(out, truth, inside) <= _sad(alpha, truth, inside) * 1.05


def test_soft_region_boundary_blends_by_coverage():
    rgb, alpha, _ = _disk_scene()
    full = np.full(alpha.shape, 255, np.uint8)
    half = np.full(alpha.shape, 128, np.uint8)
    solved = matte_region(rgb, alpha, full, radius=5).astype(np.float64)
    blended = matte_region(rgb, alpha, half, radius=5).astype(np.float64)
    want = (128 * solved + 127 * alpha.astype(np.float64)) / 255
    assert np.abs(blended - want).max() <= 1.0


def test_definite_pixels_are_unchanged():
    rgb, alpha, _ = _disk_scene()
    out = matte_region(rgb, alpha, np.full(alpha.shape, 255, np.uint8), radius=4)
    definite = (alpha == 255) | (alpha == 0)
    # pixels farther than the radius from every soft pixel are constraints, not solved
    far = cv2.distanceTransform(definite.astype(np.uint8), cv2.DIST_L2, cv2.DIST_MASK_PRECISE) > 4
    np.testing.assert_array_equal(out[far], alpha[far])


def test_matches_pymatting_closed_form_on_the_same_trimap():
    from pymatting import estimate_alpha_cf

    rgb, alpha, _ = _disk_scene()
    radius = 5
    out = matte_region(rgb, alpha, np.full(alpha.shape, 255, np.uint8), radius=radius)
    solid = alpha >= 242
    empty = alpha <= 13
    d_solid = cv2.distanceTransform(solid.astype(np.uint8), cv2.DIST_L2, cv2.DIST_MASK_PRECISE)
    d_empty = cv2.distanceTransform(empty.astype(np.uint8), cv2.DIST_L2, cv2.DIST_MASK_PRECISE)
    trimap = np.full(alpha.shape, 0.5)
    trimap[solid & (d_solid > radius)] = 1.0
    trimap[empty & (d_empty > radius)] = 0.0
    reference = estimate_alpha_cf(rgb / 255.0, trimap, laplacian_kwargs={"epsilon": 1e-7})
    assert np.abs(out / 255.0 - reference).max() <= 2 / 255


def test_empty_region_and_region_far_from_edges_return_a_copy():
    rgb, alpha, _ = _disk_scene()
    empty = np.zeros(alpha.shape, np.uint8)
    out = matte_region(rgb, alpha, empty, radius=5)
    assert out is not alpha
    np.testing.assert_array_equal(out, alpha)
    corner = np.zeros(alpha.shape, np.uint8)
    corner[:8, :8] = 255  # plain background, nothing to solve
    np.testing.assert_array_equal(matte_region(rgb, alpha, corner, radius=5), alpha)


def test_inputs_are_not_modified():
    rgb, alpha, _ = _disk_scene()
    region = np.full(alpha.shape, 255, np.uint8)
    copies = rgb.copy(), alpha.copy(), region.copy()
    matte_region(rgb, alpha, region, radius=5)
    for before, after in zip(copies, (rgb, alpha, region)):
        np.testing.assert_array_equal(before, after)


def test_sixteen_bit_photo_gives_the_same_result():
    rgb, alpha, _ = _disk_scene()
    region = np.full(alpha.shape, 255, np.uint8)
    out8 = matte_region(rgb, alpha, region, radius=5).astype(int)
    out16 = matte_region(rgb.astype(np.uint16) * 257, alpha, region, radius=5).astype(int)
    assert np.abs(out8 - out16).max() <= 1


def test_rejects_bad_input():
    rgb, alpha, _ = _disk_scene()
    region = np.full(alpha.shape, 255, np.uint8)
    with pytest.raises(CoreError, match="region must be a 2-D uint8 array, got bool"):
        matte_region(rgb, alpha, region > 0, radius=5)
    with pytest.raises(SizeMismatchError, match="rgb is 100x90 px but alpha is 100x89 px"):
        matte_region(rgb, alpha[1:], region, radius=5)
    with pytest.raises(InvalidRecipeError) as info:
        matte_region(rgb, alpha, region, radius=0.5)
    assert str(info.value) == "radius: must be between 1 and 64, got 0.5"


def test_a_large_box_is_solved_in_overlapping_tiles(monkeypatch):
    import core.matte

    rgb, alpha, truth = _disk_scene()
    region = np.full(alpha.shape, 255, np.uint8)
    whole = matte_region(rgb, alpha, region, radius=5).astype(int)
    monkeypatch.setattr(core.matte, "_MAX_SOLVE_SIDE", 40)
    monkeypatch.setattr(core.matte, "_TILE_OVERLAP", 10)
    tiled = matte_region(rgb, alpha, region, radius=5).astype(int)
    # the tiles' seams cost little: within 3 levels of the one-box solve, same error to truth
    assert np.abs(tiled - whole).max() <= 3
    assert abs(_sad(tiled.astype(np.uint8), truth, region > 0) - _sad(whole.astype(np.uint8), truth, region > 0)) < 1.0


def test_a_window_with_the_margin_gives_the_same_pixels():
    rgb, alpha, _ = _disk_scene()
    region = np.zeros(alpha.shape, np.uint8)
    region[30:60, 10:45] = 255  # bounding box x 10..45, y 30..60
    full = matte_region(rgb, alpha, region, radius=4)
    m = matte_margin(4)
    assert m == 8
    window = (slice(30 - m, 60 + m), slice(10 - m, 45 + m))
    part = matte_region(rgb[window], alpha[window], region[window], radius=4)
    np.testing.assert_array_equal(part, full[window])


def test_tiles_solved_by_two_threads_give_the_pixels_of_one(monkeypatch):
    import core.matte

    rgb, alpha, _ = _disk_scene()
    region = np.full(alpha.shape, 255, np.uint8)
    monkeypatch.setattr(core.matte, "_MAX_SOLVE_SIDE", 40)
    monkeypatch.setattr(core.matte, "_TILE_OVERLAP", 10)
    monkeypatch.setattr(core.matte, "SOLVE_THREADS", 1)
    one = matte_region(rgb, alpha, region, radius=5)
    monkeypatch.setattr(core.matte, "SOLVE_THREADS", 2)
    two = matte_region(rgb, alpha, region, radius=5)
    np.testing.assert_array_equal(one, two)
    assert np.count_nonzero(one != alpha) > 100  # the tiles were solved, not skipped


def test_the_solve_reaches_the_exact_solution_of_the_matting_system():
    """The result is the linear system's own solution (found here by scipy's direct sparse solve
    on pymatting's Laplacian), not an approximation stopped at a tolerance."""
    from pymatting.laplacian.cf_laplacian import cf_laplacian
    from scipy.sparse.linalg import spsolve

    from core.matte import _solve

    rgb, alpha, _ = _disk_scene()
    a = alpha.astype(np.float64) / 255.0
    unknown = (cv2.distanceTransform((alpha < 242).view(np.uint8), cv2.DIST_L2, 3) <= 6) & (
        cv2.distanceTransform((alpha > 13).view(np.uint8), cv2.DIST_L2, 3) <= 6
    )
    known = np.where(a >= 0.5, 1.0, 0.0)
    image = rgb.astype(np.float64) / 255.0
    got = _solve(image, alpha, unknown, known)

    laplacian = cf_laplacian(image, epsilon=1e-7, radius=1, is_known=~unknown).tocsr()
    laplacian.sum_duplicates()
    u = unknown.ravel()
    rows = laplacian[u]
    exact = spsolve(rows[:, u].tocsc(), -(rows[:, ~u] @ known.ravel()[~u]))
    assert np.count_nonzero(unknown) > 500
    assert np.abs(got.ravel()[u] - np.clip(exact, 0, 1)).max() < 1e-4
    np.testing.assert_array_equal(got[~unknown], known[~unknown])


@pytest.fixture
def results_kept(solves_counted):
    """core.matte's results kept as a process keeps them, counting the solves it saves."""
    from core import matte

    return solves_counted(matte, "_matted")


def test_a_repeated_matte_op_is_served_from_the_cache_and_a_changed_input_solves_again(results_kept):
    """QA: a matte region over the photo took ~9 s on every crop preview after it, solved again
    each time though its input had not changed."""
    rgb, alpha, _ = _disk_scene()
    region = np.full(alpha.shape, 255, np.uint8)
    first = matte_region(rgb, alpha, region, radius=6)
    again = matte_region(rgb, alpha, region, radius=6)
    assert np.array_equal(again, first) and len(results_kept) == 1
    changed = alpha.copy()
    changed[0, 0] ^= 1
    for args, radius in [((rgb, changed, region), 6), ((rgb, alpha, region), 5), ((rgb ^ 1, alpha, region), 6)]:
        solved = len(results_kept)
        matte_region(*args, radius=radius)
        assert len(results_kept) == solved + 1
    from core import result_cache

    result_cache.keep_op_results(0)
    assert np.array_equal(matte_region(rgb, alpha, region, radius=6), first)  # the same pixels uncached


def test_a_matte_result_is_not_served_for_a_recover_op_of_the_same_inputs(results_kept):
    from core.recover import recover_region

    rgb, alpha, _ = _disk_scene()
    region = np.full(alpha.shape, 255, np.uint8)
    matted = matte_region(rgb, alpha, region, radius=6)
    recovered = recover_region(rgb, alpha, region, radius=6)
    assert len(results_kept) == 1 and not np.array_equal(matted, recovered)
