"""The closed-form matting system of a box's unknown pixels, built and solved directly.

Levin, Lischinski and Weiss (2008): for every 3 x 3 window ``k`` of the photo, with mean colour
``mu_k`` and colour covariance ``S_k``, every pair of its pixels ``i, j`` adds::

    L_ij += [i == j] - (1 + (I_i - mu_k)^T (S_k + epsilon / 9 * Id)^-1 (I_j - mu_k)) / 9

(the convention of pymatting's ``cf_laplacian``). With the known pixels' alpha fixed, the
unknown alpha ``x`` solves ``L_UU x = -L_UK a_K``. The covariance is inverted through its
Cholesky factor, not its cofactors as pymatting does: where a window's colours lie on one line
(an edge between two greys, common in a studio shot) the cofactors cancel down to epsilon
squared and pymatting's entries are off by up to 0.006 (a grey edge's alpha then ramps 1-5
levels where it should be flat); these match exact rational arithmetic to 1e-12.

:func:`solve_unknowns` builds ``L_UU`` and the right-hand side straight from the windows that
touch an unknown pixel, and solves it exactly with a sparse LDL^T factorisation (qdldl, with
approximate-minimum-degree ordering). Building the whole box's Laplacian first, as pymatting
does, spent a third of the solve's time on known pixels that were then cut away, and the
conjugate-gradient solve it fed (incomplete-Cholesky preconditioned) stopped at a tolerance, up
to 0.09 off the exact solution on the bonsai photo's band. Detection of the 24 MP cluttered
benchmark scene, measured in one process: 5.0 s with that Laplacian and CG, 3.8 s with the same
Laplacian factorised by qdldl, 3.1 s with the system built here (equal on dense hair, where the
factor fills in: the troll photo's band at twice its size 12.4 -> 11.3 s, 50 MB less at peak).

A group of unknown pixels that touches no known pixel (a tile cut through a wide grey area)
leaves the system singular: a tiny pull towards the current alpha (:data:`_ANCHOR`, far below
the Laplacian's entries, which are of order 1) keeps it solvable, pulling such a group to its
mean alpha, and moves every other pixel by under 1/255.
"""

from __future__ import annotations

import numpy as np
import qdldl
from numba import njit
from scipy.sparse import csc_matrix

__all__ = ["matting_system", "solve_unknowns", "warm_up"]

# Weight of the pull towards the current alpha (see the module notes). The Laplacian's entries
# are of order 1: on every strand-search tile of the dev set this moved alpha by 2e-5 to 7e-4
# from the unanchored exact solve (a review measured it), under 1/255; 1e-6 moved it by 0.06.
_ANCHOR = 1e-8


def solve_unknowns(
    image: np.ndarray, unknown: np.ndarray, known_value: np.ndarray, start: np.ndarray, epsilon: float
) -> np.ndarray | None:
    """Closed-form alpha of the unknown pixels of a box, in raster order.

    Parameters
    ----------
    image : ndarray, shape (H, W, 3), float64 in [0, 1]
    unknown : ndarray, shape (H, W), bool
    known_value : ndarray, shape (H, W), float64
        Alpha of the known pixels (ignored where ``unknown``).
    start : ndarray, shape (N,), float64
        Current alpha of the N unknown pixels (raster order). A group that touches no known
        pixel is pulled to its mean (the Laplacian's null space is the constants).
    epsilon : float
        The windows' colour regularisation, > 0.

    Returns
    -------
    ndarray of shape (N,), or None when the factorisation breaks down (non-finite values).

    Examples
    --------
    A grey ramp between a known black and a known white column: the unknowns follow the photo.

    >>> image = np.repeat(np.linspace(0, 1, 5)[None, :, None], 3, axis=2).repeat(4, axis=0)
    >>> unknown = np.zeros((4, 5), bool); unknown[:, 1:4] = True
    >>> known = np.zeros((4, 5)); known[:, 4] = 1.0
    >>> x = solve_unknowns(image, unknown, known, np.full(12, 0.5), 1e-7)
    >>> np.round(x[:3], 2).tolist()
    [0.25, 0.5, 0.75]
    """
    if not epsilon > 0:
        raise ValueError(f"epsilon must be positive, got {epsilon!r}")
    if not unknown.any():
        return np.empty(0)
    matrix, rhs = matting_system(image, unknown, known_value, epsilon)
    matrix.data[matrix.indptr[1:] - 1] += _ANCHOR  # each column's last entry is its diagonal
    rhs += _ANCHOR * start
    try:
        x = qdldl.Solver(matrix, upper=True).solve(rhs)
    except (ValueError, RuntimeError):
        return None
    return x if np.all(np.isfinite(x)) else None


def matting_system(
    image: np.ndarray, unknown: np.ndarray, known_value: np.ndarray, epsilon: float
) -> tuple[csc_matrix, np.ndarray]:
    """``(L_UU, -L_UK a_K)`` of the module notes: the matrix as its upper triangle (CSC, sorted
    row indices, the diagonal last in every column), unknowns numbered in raster order.

    >>> image = np.random.default_rng(0).random((4, 4, 3)); unknown = np.ones((4, 4), bool)
    >>> matrix, rhs = matting_system(image, unknown, np.zeros((4, 4)), 1e-7)
    >>> matrix.shape, float(abs(rhs).max())
    ((16, 16), 0.0)
    """
    image = np.ascontiguousarray(image, np.float64)  # one compiled signature for every caller
    known_value = np.ascontiguousarray(known_value, np.float64)
    index = np.full(unknown.shape, -1, np.int64)
    count = int(np.count_nonzero(unknown))
    index[unknown] = np.arange(count)
    values = np.zeros((count, 5, 5), np.float64)
    rhs = np.zeros(count, np.float64)
    _assemble(image, index, known_value, float(epsilon), values, rhs)
    indptr, rows, data = _upper_csc(index, values)
    return csc_matrix((data, rows, indptr), shape=(count, count)), rhs


def warm_up() -> None:
    """Compile the kernels now (about 0.2 s from numba's cache beside this file, 1.5 s without)
    rather than in the first solve.

    >>> warm_up()
    """
    unknown = np.zeros((6, 6), bool)
    unknown[2:4, 2:4] = True
    solve_unknowns(np.zeros((6, 6, 3)), unknown, np.zeros((6, 6)), np.zeros(4), 1e-7)


@njit(cache=True, nogil=True)
def _assemble(image, index, known, epsilon, values, rhs):
    height, width = index.shape
    colours = np.empty((9, 3))
    for y in range(1, height - 1):
        for x in range(1, width - 1):
            touches = False
            for p in range(9):
                if index[y + p // 3 - 1, x + p % 3 - 1] >= 0:
                    touches = True
                    break
            if not touches:
                continue
            mean0 = mean1 = mean2 = 0.0
            for p in range(9):
                py, px = y + p // 3 - 1, x + p % 3 - 1
                colours[p, 0] = image[py, px, 0]
                colours[p, 1] = image[py, px, 1]
                colours[p, 2] = image[py, px, 2]
                mean0 += colours[p, 0]
                mean1 += colours[p, 1]
                mean2 += colours[p, 2]
            mean0 /= 9.0
            mean1 /= 9.0
            mean2 /= 9.0
            s00 = s01 = s02 = s11 = s12 = s22 = 0.0
            for p in range(9):
                colours[p, 0] -= mean0
                colours[p, 1] -= mean1
                colours[p, 2] -= mean2
                s00 += colours[p, 0] * colours[p, 0]
                s01 += colours[p, 0] * colours[p, 1]
                s02 += colours[p, 0] * colours[p, 2]
                s11 += colours[p, 1] * colours[p, 1]
                s12 += colours[p, 1] * colours[p, 2]
                s22 += colours[p, 2] * colours[p, 2]
            s00 = (s00 + epsilon) / 9.0
            s11 = (s11 + epsilon) / 9.0
            s22 = (s22 + epsilon) / 9.0
            s01 /= 9.0
            s02 /= 9.0
            s12 /= 9.0
            # (I_p - mu)^T S^-1 (I_q - mu) as y_p . y_q, y = L^-1 (I - mu) with S = L L^T (Cholesky).
            # Inverting S by its cofactors instead (as pymatting does) loses up to a few % of the product
            # where a window's colours lie on one line (a grey edge: S is then rank one plus epsilon, and
            # the cofactors cancel down to epsilon squared).
            l00 = np.sqrt(s00)
            l10 = s01 / l00
            l20 = s02 / l00
            l11 = np.sqrt(s11 - l10 * l10)
            l21 = (s12 - l20 * l10) / l11
            l22 = np.sqrt(s22 - l20 * l20 - l21 * l21)
            for p in range(9):
                y0 = colours[p, 0] / l00
                y1 = (colours[p, 1] - l10 * y0) / l11
                colours[p, 2] = (colours[p, 2] - l20 * y0 - l21 * y1) / l22
                colours[p, 0] = y0
                colours[p, 1] = y1
            for p in range(9):
                py, px = y + p // 3 - 1, x + p % 3 - 1
                i = index[py, px]
                if i < 0:
                    continue
                for q in range(9):
                    qy, qx = y + q // 3 - 1, x + q % 3 - 1
                    product = (colours[p, 0] * colours[q, 0] + colours[p, 1] * colours[q, 1]
                               + colours[p, 2] * colours[q, 2])
                    value = (1.0 if p == q else 0.0) - (1.0 + product) / 9.0
                    j = index[qy, qx]
                    if j >= 0:
                        values[i, qy - py + 2, qx - px + 2] += value
                    else:
                        rhs[i] -= value * known[qy, qx]


@njit(cache=True, nogil=True)
def _upper_csc(index, values):
    # Column j's entries in rows i <= j: the unknown neighbours before it in raster order
    # (whose indices are smaller, and ascending in that order), then itself.
    height, width = index.shape
    count = values.shape[0]
    indptr = np.zeros(count + 1, np.int64)
    rows = np.empty(count * 13, np.int64)
    data = np.empty(count * 13, np.float64)
    k = 0
    for y in range(height):
        for x in range(width):
            j = index[y, x]
            if j < 0:
                continue
            for n in range(13):  # the 5 x 5 neighbourhood's first 13 offsets, centre last
                dy, dx = n // 5 - 2, n % 5 - 2
                ny, nx = y + dy, x + dx
                if 0 <= ny < height and 0 <= nx < width and index[ny, nx] >= 0:
                    rows[k] = index[ny, nx]
                    data[k] = values[j, dy + 2, dx + 2]
                    k += 1
            indptr[j + 1] = k
    return indptr, rows[:k], data[:k]
