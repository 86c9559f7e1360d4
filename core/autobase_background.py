"""The studio background model of :mod:`core.autobase`: one smooth polynomial per channel.

A quadratic is fitted robustly to the border strip, then a cubic to every pixel the border fit
explains (:func:`estimate_background`). Sweeps and vignettes are smooth; objects, shadows and
chains that leave the frame are trimmed away as outliers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

from core.autobase_blocks import _as_rgb8, _shrink, _shrink_factor
from core.window import Rect

# Long side of the copy the background is fitted on: it is smooth, and 128 px gives
# ~10k samples for 10 coefficients per channel.
MODEL_SIDE = 128
# Width of the border strip that seeds the background model, as a fraction of the short side.
BORDER_FRACTION = 0.04
# Quadratic from the border alone (tamer inwards), cubic once the interior is known.
BORDER_DEGREE = 2
INTERIOR_DEGREE = 3


@dataclass(frozen=True, eq=False)
class BackgroundModel:
    """A smooth studio background: one polynomial per RGB channel over the whole image.

    Its variables are normalised pixel-centre coordinates ``u = (x + 0.5) / W * 2 - 1`` and
    ``v = (y + 0.5) / H * 2 - 1``, so the model does not depend on the resolution it is
    rendered at.

    Attributes
    ----------
    coefficients : ndarray, shape (n_terms, 3), float64
        Coefficients of ``u**i * v**j`` for ``i + j <= degree`` (``i`` the outer loop).
    degree : int
    shape : tuple of int
        ``(H, W)`` of the image the model describes.
    noise : float
        Robust standard deviation of the background's pixel noise at full size (8-bit levels).
    residual : float
        Robust standard deviation of the fit's residuals on the ~128 px copy (8-bit levels,
        colour distance). About 1 on a studio sweep; tens on a cluttered or hard-shadowed
        background, where :func:`auto_alpha` finds little or nothing.
    """

    coefficients: np.ndarray
    degree: int
    shape: tuple[int, int]
    noise: float
    residual: float

    def render(self, size: tuple[int, int] | None = None, *, window: Rect | None = None) -> np.ndarray:
        """The background colour on a pixel grid.

        Parameters
        ----------
        size : tuple of int or None
            ``(h, w)``: the whole image resampled to this grid (pixel centres mapped as by
            ``cv2.resize``). Default: full size. Ignored when ``window`` is given.
        window : Rect or None
            Render these full-size pixels (clipped to the image).

        Returns
        -------
        ndarray, shape (h, w, 3), float32
            RGB in 8-bit levels (may leave 0..255 slightly where the fit extrapolates).

        Examples
        --------
        >>> model = estimate_background(np.full((40, 60, 3), 200, np.uint8))
        >>> model.render((4, 6)).shape, round(float(model.render(window=Rect(0, 0, 2, 2))[1, 1, 0]))
        ((4, 6, 3), 200)
        """
        height, width = self.shape
        if window is not None:
            win = window.clip(Rect(0, 0, width, height))
            xs, ys = np.arange(win.x0, win.x1) + 0.5, np.arange(win.y0, win.y1) + 0.5
        else:
            h, w = size if size is not None else self.shape
            xs, ys = (np.arange(w) + 0.5) * (width / w), (np.arange(h) + 0.5) * (height / h)
        return self._at(xs, ys)

    def _at(self, xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
        """The model on the grid of full-size coordinates ``ys x xs`` (pixel centres)."""
        u, v = xs / self.shape[1] * 2 - 1, ys / self.shape[0] * 2 - 1
        return _evaluate(self.coefficients, self.degree, u, v)


def estimate_background(rgb: np.ndarray) -> BackgroundModel:
    """Fit a smooth model of a studio background (sweep, gradient, vignette).

    A quadratic is fitted to the border strip, trimming outliers (a chain leaving the frame);
    every pixel it explains then feeds the final cubic. Objects and their shadows fall out as
    outliers, so the model shows the empty set. Robust to objects touching the border as long
    as most of the border is background.

    Parameters
    ----------
    rgb : ndarray, shape (H, W, 3), uint8 (or uint16, read as its high byte)

    Returns
    -------
    BackgroundModel

    Raises
    ------
    CoreError
        If ``rgb`` is not an (H, W, 3) uint8/uint16 image with at least one pixel.

    Examples
    --------
    >>> ramp = np.repeat(np.linspace(180, 220, 50)[:, None], 80, axis=1)
    >>> rgb = np.dstack([ramp] * 3).round().astype(np.uint8)
    >>> bool(np.abs(estimate_background(rgb).render() - rgb).max() < 1.0)
    True
    """
    rgb = _as_rgb8(rgb)
    factor = _shrink_factor(rgb.shape, MODEL_SIDE)
    return _fit_background(_shrink(rgb, factor), factor, rgb)


def _poly_terms(u: np.ndarray, v: np.ndarray, degree: int) -> list[np.ndarray]:
    return [u**i * v**j for i in range(degree + 1) for j in range(degree + 1 - i)]


def _evaluate(coefficients: np.ndarray, degree: int, u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """The polynomial on the grid ``v x u``, as one small matrix product, (h, w, 3) float32."""
    powers_u = np.stack([u**i for i in range(degree + 1)], axis=1).astype(np.float32)
    powers_v = np.stack([v**j for j in range(degree + 1)], axis=1)
    matrix = np.zeros((3, degree + 1, degree + 1))  # [channel, j, i]
    k = 0
    for i in range(degree + 1):
        for j in range(degree + 1 - i):
            matrix[:, j, i] = coefficients[k]
            k += 1
    rows = np.einsum("hj,cji->hci", powers_v, matrix).astype(np.float32).reshape(-1, degree + 1)
    out = (rows @ powers_u.T).reshape(v.size, 3, u.size)
    return np.ascontiguousarray(out.transpose(0, 2, 1))


def _robust_fit(u: np.ndarray, v: np.ndarray, values: np.ndarray, degree: int) -> tuple[np.ndarray, int, float]:
    """Least squares, three rounds trimming residuals past 3 robust sigmas.

    Solved by the tiny normal equations: the terms are well conditioned on ``[-1, 1]`` and
    ``lstsq``'s SVD is ~100x slower here.
    """
    while degree > 0 and values.shape[0] < 4 * (degree + 1) * (degree + 2) // 2:
        degree -= 1
    design = np.stack(_poly_terms(u, v, degree), axis=1)
    keep = np.ones(values.shape[0], bool)
    coefficients, sigma = np.zeros((design.shape[1], 3)), 0.0
    for _ in range(3):
        a, b = design[keep], values[keep]
        try:
            coefficients = np.linalg.solve(np.einsum("ni,nj->ij", a, a), np.einsum("ni,nc->ic", a, b))
        except np.linalg.LinAlgError:  # degenerate sample layout
            coefficients = np.linalg.lstsq(a, b, rcond=None)[0]
        residual = np.linalg.norm(design @ coefficients - values, axis=1)
        sigma = 1.4826 * float(np.median(residual[keep]))
        keep = residual <= max(3.0 * sigma, 1.5)
    return coefficients, degree, sigma


def _fit_background(tiny: np.ndarray, factor: int, rgb: np.ndarray) -> BackgroundModel:
    """Fit on ``tiny``, whose pixels are the means of ``factor x factor`` blocks of ``rgb``."""
    height, width = rgb.shape[:2]
    h, w = tiny.shape[:2]
    v1 = ((np.arange(h) + 0.5) * factor) / height * 2 - 1
    u1 = ((np.arange(w) + 0.5) * factor) / width * 2 - 1
    v, u = np.meshgrid(v1, u1, indexing="ij")
    values = tiny.astype(np.float64)
    border = _border_mask((h, w))
    coefficients, degree, sigma = _robust_fit(u[border], v[border], values[border], BORDER_DEGREE)
    first = _evaluate(coefficients, degree, u1, v1)
    explained = np.linalg.norm(values - first, axis=2) <= max(4.0 * sigma, 3.0)
    if explained.sum() > border.sum():
        coefficients, degree, sigma = _robust_fit(u[explained], v[explained], values[explained], INTERIOR_DEGREE)
    return BackgroundModel(coefficients, degree, (height, width), _border_noise(rgb), sigma)


def _border_mask(shape: tuple[int, ...]) -> np.ndarray:
    width = max(1, round(BORDER_FRACTION * min(shape[:2])))
    mask = np.zeros(shape[:2], bool)
    mask[:width], mask[-width:], mask[:, :width], mask[:, -width:] = True, True, True, True
    return mask


def _border_noise(rgb: np.ndarray) -> float:
    """Pixel noise in the top and bottom border rows: mean absolute deviation from a local blur.

    (A median of integer differences collapses to 0 or 1 on clean JPEGs, hence the trimmed
    mean of float residuals; the top 2 % are dropped as edges, not noise.)
    """
    rows = min(16, max(1, round(BORDER_FRACTION * min(rgb.shape[:2]))))
    strips = [s.astype(np.float32) for s in (rgb[:rows], rgb[-rows:])]
    deviation = np.concatenate([np.abs(s - cv2.GaussianBlur(s, (0, 0), 2.0)).ravel() for s in strips])
    deviation = deviation[deviation <= np.percentile(deviation, 98)]
    return max(0.5, math.sqrt(math.pi / 2) * float(deviation.mean()))
