"""The matting system core.matte builds and solves itself (core.matte_system), checked against
pymatting's Laplacian and scipy's direct solver."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from pymatting.laplacian.cf_laplacian import cf_laplacian
from scipy.sparse.linalg import spsolve

from core.matte_system import matting_system, solve_unknowns


def _photo(seed: int = 3) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Noisy colours with flat patches (where a window's covariance is only epsilon), a band of
    unknowns that touches the border, and known alpha of 0, 1 and in between."""
    rng = np.random.default_rng(seed)
    image = rng.random((40, 50, 3))
    image[5:15, 5:20] = (0.8, 0.6, 0.2)  # flat gold
    image[25:38, 30:48] = 0.1  # flat dark grey
    unknown = np.zeros((40, 50), bool)
    unknown[8:30, 0:35] = True
    unknown[12:20, 10:20] = False  # a known island inside the band
    known = rng.random((40, 50))
    known[:20] = 1.0
    return image, unknown, known


def _pymatting_system(image, unknown, known):
    laplacian = cf_laplacian(image, epsilon=1e-7, radius=1, is_known=~unknown).tocsr()
    u = unknown.ravel()
    rows = laplacian[u]
    return rows[:, u], -(rows[:, ~u] @ known.ravel()[~u])


def test_the_system_is_pymattings_closed_form_laplacian_restricted_to_the_unknowns():
    image, unknown, known = _photo()
    matrix, rhs = matting_system(image, unknown, known, 1e-7)
    want_matrix, want_rhs = _pymatting_system(image, unknown, known)
    full = (matrix + matrix.T).toarray()
    full[np.diag_indices_from(full)] /= 2  # the diagonal was added twice
    want = want_matrix.toarray()
    scale = np.abs(want).max()
    assert scale > 1.0  # flat windows make large entries: the comparison is relative to them
    assert np.abs(full - want).max() <= 1e-9 * scale
    assert np.abs(rhs - want_rhs).max() <= 1e-9 * scale
    # the upper triangle, sorted rows, the diagonal last in each column (what the solver expects)
    assert (matrix.indices[matrix.indptr[1:] - 1] == np.arange(matrix.shape[0])).all()
    assert all(np.all(np.diff(matrix.indices[a:b]) > 0) for a, b in zip(matrix.indptr, matrix.indptr[1:]))


def test_the_solve_is_the_systems_exact_solution():
    image, unknown, known = _photo(seed=7)
    start = np.full(int(unknown.sum()), 0.5)
    got = solve_unknowns(image, unknown, known, start, 1e-7)
    want_matrix, want_rhs = _pymatting_system(image, unknown, known)
    exact = spsolve(want_matrix.tocsc(), want_rhs)
    assert np.abs(got - exact).max() < 1e-4


def test_unknowns_that_touch_no_known_pixel_are_solved_without_breaking_down():
    # A tile cut through a wide grey area: nothing anchors it, the system alone is singular.
    image, _, known = _photo()
    unknown = np.ones(known.shape, bool)
    start = np.random.default_rng(1).random(unknown.size)
    got = solve_unknowns(image, unknown, known, start, 1e-7)
    assert got is not None and np.all(np.isfinite(got))
    # the group can only move as a whole towards its mean (the Laplacian's null space is the
    # constants): what is solved is the start's own mean, not noise
    assert abs(float(np.mean(got)) - float(np.mean(start))) < 1e-3
    # and a separate anchored group beside it (3 known columns apart: no window holds both) is
    # solved as if it were alone
    unknown[:, 25:] = False
    unknown[:, 28:40] = True
    anchored = unknown.copy()
    anchored[:, :25] = False
    both = solve_unknowns(image, unknown, known, np.full(int(unknown.sum()), 0.5), 1e-7)
    alone = solve_unknowns(image, anchored, known, np.full(int(anchored.sum()), 0.5), 1e-7)
    part = anchored[unknown]
    assert np.abs(both[part] - alone).max() < 1e-6


def _exact_entry(grey: np.ndarray, pi: tuple[int, int], pj: tuple[int, int], epsilon: float) -> float:
    """L_ij of a grey photo (colours equal in R, G and B) in exact rational arithmetic."""
    total = Fraction(0)
    h, w = grey.shape
    for y in range(1, h - 1):
        for x in range(1, w - 1):
            window = [(y + dy, x + dx) for dy in (-1, 0, 1) for dx in (-1, 0, 1)]
            if pi not in window or pj not in window:
                continue
            values = [Fraction(int(grey[p]), 255) for p in window]
            mean = sum(values) / 9
            centred = [v - mean for v in values]
            variance = sum(c * c for c in centred) / 9
            e = Fraction(epsilon) / 9
            # the covariance is variance * ones(3, 3) + e * I: its inverse is (I - ones * variance /
            # (e + 3 variance)) / e, so (c, c, c) M (d, d, d) = 3 c d / (e + 3 variance)
            ci, cj = centred[window.index(pi)], centred[window.index(pj)]
            product = 3 * ci * cj / (e + 3 * variance)
            total += (1 if pi == pj else 0) - (1 + product) / 9
    return float(total)


def test_a_grey_edge_gives_the_exact_laplacian_where_a_cofactor_inverse_drifts():
    # Two greys: every window's colours lie on one line, the covariance is rank one plus epsilon
    grey = np.full((12, 12), 230, np.uint8)
    grey[:, :6] = 30
    image = np.repeat(grey[..., None] / 255.0, 3, axis=2)
    unknown = np.zeros(grey.shape, bool)
    unknown[2:10, 3:9] = True
    matrix, _ = matting_system(image, unknown, np.zeros(grey.shape), 1e-7)
    full = (matrix + matrix.T).toarray()
    full[np.diag_indices_from(full)] /= 2
    pymatting_matrix, _ = _pymatting_system(image, unknown, np.zeros(grey.shape))
    index = {p: n for n, p in enumerate(zip(*np.nonzero(unknown)))}
    worst_ours = worst_pymatting = 0.0
    for pi, pj in [((5, 5), (5, 5)), ((5, 6), (5, 6)), ((5, 5), (5, 6)), ((4, 5), (6, 7)), ((5, 4), (5, 6))]:
        exact = _exact_entry(grey, pi, pj, 1e-7)
        worst_ours = max(worst_ours, abs(full[index[pi], index[pj]] - exact))
        worst_pymatting = max(worst_pymatting, abs(pymatting_matrix[index[pi], index[pj]] - exact))
    assert worst_ours < 1e-9
    # pymatting 1.1.16, inverting by cofactors, was off by ~5e-3 here (why this kernel does not)
    print(f"pymatting's worst entry error on the grey edge: {worst_pymatting:.1e}")


def test_a_photo_the_solve_cannot_use_leaves_the_pixels_as_they_were():
    from core.matte import _solve

    image, unknown, known = _photo()
    image[20, 20] = np.nan  # a broken decode: the factorisation gives no finite answer
    alpha = np.full(unknown.shape, 77, np.uint8)
    got = _solve(image, alpha, unknown, known)
    np.testing.assert_array_equal(got[unknown], np.full(int(unknown.sum()), 77 / 255))
    np.testing.assert_array_equal(got[~unknown], known[~unknown])


def test_nothing_unknown_and_a_bad_epsilon():
    image, unknown, known = _photo()
    assert solve_unknowns(image, np.zeros(unknown.shape, bool), known, np.empty(0), 1e-7).shape == (0,)
    for epsilon in (0.0, -1e-7, float("nan")):
        with pytest.raises(ValueError, match="epsilon must be positive"):
            solve_unknowns(image, unknown, known, np.zeros(int(unknown.sum())), epsilon)
