"""Damage along the AI mask's edges: opacity bleed, halos and clipped parts.

Runs at the work resolution of :mod:`core.detect_colours` (long side <= 1600 px): these are
the AI's low-resolution artefacts, several pixels wide. The physics:

* A solid piece's edge goes from transparent to opaque within the photo's blur and the pixel
  grid: 1-3 px. A **band** of partial alpha wider than :data:`BAND_PX` is either a truly
  translucent thing (hair, glass, a shadow kept on purpose) or damage; the photo decides:

  - **bleed**: the photo shows the piece (alpha read from colour, :func:`core.detect_colours.colour_alpha`,
    is at least :data:`OPAQUE_COLOUR` and well above the mask's), or the colour cannot tell
    (a neutral piece darker than the sweep) and the band clings to the piece's opaque body,
    inside its outline: jewelry is solid, so that is bleed with less confidence;
  - **halo**: the photo shows the background (chroma and lightness of the sweep, a shadow
    forgiven) under partial alpha;
  - colour that agrees with the mask's alpha is a genuinely soft edge: nothing to report.

* **clipped**: next to the mask's solid part, thick (not thin: :mod:`core.detect_thin` owns
  those) areas the mask leaves transparent (alpha under :data:`SOFT_LOW`; partial alpha is
  bleed's) whose colour is the piece's, read in a way no shadow can imitate.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from core.detect_colours import ColourAlpha, ColourModel

# Partial alpha: strictly between these (0..1).
SOFT_LOW, SOFT_HIGH = 0.1, 0.9
# A band of partial alpha at least this wide (work px, the diameter of an opening disc) is no
# anti-aliased edge: a hard edge blurred by sigma 1 px is soft over ~2.6 px.
BAND_PX = 4
# Colour says "opaque piece" at or above this alpha, and this far above the mask's alpha.
OPAQUE_COLOUR, BLEED_GAP = 0.65, 0.3
# Colour says "background": within this many noise sigmas of the sweep (shadows forgiven), and
# alpha from colour (where readable) under HALO_COLOUR.
BACKGROUND_Z, HALO_COLOUR = 4.0, 0.2
# Halos are partial alpha over background at or above this: a quarter opacity is the level at
# which a reviewer sees a grey veil on a dark page (and the dev set calls a pixel damaged).
HALO_MIN_ALPHA = 0.25
# A bleed band clings to the opaque body: within this many work px of alpha >= SOFT_HIGH.
BODY_REACH_PX = 12
# Clipped: transparent (<= SOFT_LOW) pixels coloured like the piece, at least this many noise sigmas
# away from the sweep, within CLIP_REACH_PX of the solid part, surviving an opening by a
# CLIP_DISC_PX disc (thinner parts are thin_loss), CLIP_MIN_PX work px at least.
CLIP_COLOUR, CLIP_Z = 0.6, 8.0
CLIP_REACH_PX, CLIP_DISC_PX, CLIP_MIN_PX = 3, 5, 12
# Edge sharpness: gradients of alpha 0.3-0.7 (of 255: 77-178); the 90th-percentile 3x3 Sobel
# gradient of a hard anti-aliased edge (0.53-0.54 per px on the dev set's true alphas, any
# direction); fewer edge pixels than MIN_EDGE_PX and there is no edge to judge.
MID_LOW, MID_HIGH = 77, 178
HARD_EDGE_GRADIENT = 0.535
MIN_EDGE_PX = 50
# Findings smaller than this many work px are pixel noise.
MIN_FINDING_PX = 12
# Findings of one kind closer than this (work px) are one region.
MERGE_GAP_PX = 6


@dataclass(frozen=True)
class EdgeFinding:
    """One bleed band, halo or clipped part.

    Attributes
    ----------
    kind : {'bleed', 'halo', 'clipped'}
    box : tuple of 4 int
        ``(x, y, w, h)`` in image pixels.
    pixels : int
        Its size in work pixels.
    colour_share : float
        Fraction of its pixels where colour confirmed the kind (0..1); the rest rest on shape.
    """

    kind: str
    box: tuple[int, int, int, int]
    pixels: int
    colour_share: float


def find_edge_damage(model: ColourModel, colour: ColourAlpha) -> tuple[EdgeFinding, ...]:
    """Bleed bands, halos and clipped parts of the AI mask (module notes).

    Parameters
    ----------
    model : ColourModel
    colour : ColourAlpha
        :func:`core.detect_colours.colour_alpha` of ``model``.

    Returns
    -------
    tuple of EdgeFinding
        Sorted by kind, then position.

    Examples
    --------
    >>> from core.detect_colours import colour_model, colour_alpha
    >>> rgb = np.full((60, 60, 3), 235, np.uint8); rgb[10:50, 10:50] = (200, 150, 50)
    >>> a = np.zeros((60, 60), np.uint8); a[10:50, 10:50] = 255; a[10:50, 10:18] = 100
    >>> m = colour_model(rgb, a)
    >>> [(f.kind, f.box) for f in find_edge_damage(m, colour_alpha(m))]
    [('bleed', (11, 11, 7, 39))]
    """
    a = model.alpha
    soft = (a > SOFT_LOW) & (a < SOFT_HIGH)
    band = _open(soft, BAND_PX)
    readable = colour.reliable
    looks_background = model.background_z <= BACKGROUND_Z
    piece = readable & (colour.alpha >= np.maximum(OPAQUE_COLOUR, a + BLEED_GAP))
    body = _dilate(a >= SOFT_HIGH, BODY_REACH_PX)

    bleed_colour = band & piece
    bleed_shape = band & ~readable & body & ~looks_background
    halo = band & (a >= HALO_MIN_ALPHA) & looks_background & (~readable | (colour.alpha <= HALO_COLOUR))
    halo &= ~bleed_colour

    solid = a >= 0.5
    reach = _dilate(solid, CLIP_REACH_PX)
    clip = (a <= SOFT_LOW) & readable & (colour.alpha >= CLIP_COLOUR) & (colour.contrast >= CLIP_Z)
    clip &= ~looks_background
    clip = _open(clip, CLIP_DISC_PX)
    clip = _touching(clip, reach)

    findings = []
    findings += _findings("bleed", bleed_colour | bleed_shape, bleed_colour, model)
    findings += _findings("halo", halo, halo & readable, model)
    findings += _findings("clipped", clip, clip, model)
    return tuple(findings)


def _findings(kind, mask, confirmed, model: ColourModel) -> list[EdgeFinding]:
    """One finding per group of ``mask`` pixels (closer than MERGE_GAP_PX), boxes in image px."""
    if not mask.any():
        return []
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (MERGE_GAP_PX + 1, MERGE_GAP_PX + 1))
    n, labels = cv2.connectedComponents(cv2.dilate(mask.view(np.uint8), kernel), connectivity=8)
    labels = np.where(mask, labels, 0)
    sizes = np.bincount(labels.ravel(), minlength=n)
    confirmed_n = np.bincount(labels[confirmed], minlength=n)
    s = model.scale
    out = []
    for label, (x0, y0, x1, y1) in _boxes(labels, n).items():
        if sizes[label] < MIN_FINDING_PX:
            continue
        box = (x0 * s, y0 * s, (x1 - x0) * s, (y1 - y0) * s)
        out.append(EdgeFinding(kind, box, int(sizes[label]), float(confirmed_n[label] / sizes[label])))
    return out


def _boxes(labels: np.ndarray, n: int) -> dict[int, tuple[int, int, int, int]]:
    """``{label: (x0, y0, x1, y1)}`` (end exclusive) of the labelled pixels, in one pass."""
    ys, xs = np.nonzero(labels)
    if not len(ys):
        return {}
    which = labels[ys, xs]
    x0, y0 = np.full(n, np.iinfo(np.int64).max), np.full(n, np.iinfo(np.int64).max)
    x1, y1 = np.full(n, -1), np.full(n, -1)
    np.minimum.at(x0, which, xs)
    np.minimum.at(y0, which, ys)
    np.maximum.at(x1, which, xs)
    np.maximum.at(y1, which, ys)
    return {int(k): (int(x0[k]), int(y0[k]), int(x1[k]) + 1, int(y1[k]) + 1) for k in np.unique(which)}


def _touching(mask: np.ndarray, other: np.ndarray) -> np.ndarray:
    """The connected components of ``mask`` that touch ``other``."""
    n, labels = cv2.connectedComponents(mask.view(np.uint8), connectivity=8)
    if n <= 1:
        return mask
    hit = np.bincount(labels[other & mask], minlength=n) > 0
    hit[0] = False
    return hit[labels]


def _open(mask: np.ndarray, diameter: int) -> np.ndarray:
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (diameter, diameter))
    return cv2.morphologyEx(mask.view(np.uint8), cv2.MORPH_OPEN, kernel).astype(bool)


def _dilate(mask: np.ndarray, radius: int) -> np.ndarray:
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * radius + 1, 2 * radius + 1))
    return cv2.dilate(mask.view(np.uint8), kernel).astype(bool)


def edge_sharpness(ai_alpha: np.ndarray) -> float:
    """How sharp the AI mask's edges are, 1 for a pixel-coverage (anti-aliased) edge.

    A solid piece's true alpha goes from 0 to 1 across about one pixel (its coverage); AI
    removers return edges blurred by their upsampling, which leaves a thin veil of partial
    alpha all round the piece. Measured as the 90th percentile of the alpha gradient (3x3 Sobel,
    per px) over the pixels of alpha 0.3-0.7, divided by that of a hard anti-aliased edge,
    :data:`HARD_EDGE_GRADIENT`. The 90th percentile reads the outline's steepest stretches, not
    bleed bands or halos (flat partial alpha).

    Parameters
    ----------
    ai_alpha : ndarray, shape (H, W), uint8

    Returns
    -------
    float
        In (0, 1] (capped); 1.0 when the mask has no edge pixels.

    Examples
    --------
    A disc with an anti-aliased edge, then blurred by 1 px:

    >>> yy, xx = np.mgrid[:64, :64]
    >>> a = (np.clip(20.5 - np.hypot(xx - 31.7, yy - 32.2), 0, 1) * 255).astype(np.uint8)
    >>> round(edge_sharpness(a), 2), round(edge_sharpness(cv2.GaussianBlur(a, (0, 0), 1.0)), 2)
    (1.0, 0.61)
    """
    mid = cv2.inRange(ai_alpha, MID_LOW, MID_HIGH)
    points = cv2.findNonZero(mid)
    if points is None or len(points) < MIN_EDGE_PX:
        return 1.0
    x, y, w, h = cv2.boundingRect(points)
    rows, cols = ai_alpha.shape
    y0, x0 = max(0, y - 1), max(0, x - 1)
    crop = ai_alpha[y0 : min(rows, y + h + 1), x0 : min(cols, x + w + 1)]
    inside = mid[y0 : y0 + crop.shape[0], x0 : x0 + crop.shape[1]] > 0
    gx = cv2.Sobel(crop, cv2.CV_16S, 1, 0, ksize=3)[inside].astype(np.float32)
    gy = cv2.Sobel(crop, cv2.CV_16S, 0, 1, ksize=3)[inside].astype(np.float32)
    gradient = np.hypot(gx, gy) / (8.0 * 255.0)
    return float(min(1.0, np.percentile(gradient, 90) / HARD_EDGE_GRADIENT))
