"""The strand search of detection: where a recover op (:mod:`core.recover`) over the whole image
would raise alpha, grouped into lost strands.

Steps 2-4 of :mod:`core.recover`'s notes, then step 5's colour veto calibrated around each strand
on the neighbourhood its op will read, so that detection reports only what auto-fix's op for it
would keep. Groups closer than :data:`STRAND_GAP_PX` are one strand; groups under
:data:`MIN_STRAND_PX` are left out; a band over :data:`MAX_SOLVE_PX` is not searched.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from core import matte, recover
from core import recover_evidence as evidence
from core.window import Rect

__all__ = ["MAX_SOLVE_PX", "MIN_STRAND_PX", "STRAND_GAP_PX", "STRAND_OP_MARGIN_PX", "LostStrand", "find_lost_strands"]


@dataclass(frozen=True)
class LostStrand:
    """A group of pixels :func:`find_lost_strands` would raise: ``box`` (x, y, w, h) and count."""

    box: tuple[int, int, int, int]
    pixels: int


# Accepted pixels closer than this (px) are one finding; groups smaller than MIN_STRAND_PX are
# left out (with the true alpha as the mask, the benchmark's photos gave groups of 1-48 px).
STRAND_GAP_PX = 8
MIN_STRAND_PX = 50
# Above this many pixels to solve, the photo is not searched for strands: the solve runs at
# about 550,000 px/s here on an outline's band (the 24 MP cluttered scene's 675,000 px: 1.2 s)
# but far slower on dense hair, where the factor fills in (the troll photo at 24 MP, 5,300,000
# px: 309 s with engine 0.2.0's solver, which was as fast as today's on dense hair).
MAX_SOLVE_PX = 1_000_000


def find_lost_strands(rgb: np.ndarray, alpha: np.ndarray, *, radius: float = recover.RADIUS) -> tuple[LostStrand, ...] | None:
    """Where :func:`core.recover.recover_region` over the whole image would raise alpha, grouped.

    Accepted pixels closer than :data:`STRAND_GAP_PX` are one group; a group's parts of the
    background's colours (step 5's veto, calibrated on the group's neighbourhood) are left out,
    and so are groups under :data:`MIN_STRAND_PX`. On a synthetic cluttered scene (rings whose
    chains the mask lost, over blocks of colour crossed by cables: ``benchmarks.clutter_bench``)
    the veto cut the strands reported from 48 (46 off the chains: cables touching the rings) to
    7; the real photos' benchmark figures did not change.

    Parameters
    ----------
    rgb : ndarray, shape (H, W, 3), uint8 or uint16
    alpha : ndarray, shape (H, W), uint8
        The mask (the AI's). Neither is modified.
    radius : float
        As in :func:`core.recover.recover_region`.

    Returns
    -------
    tuple of LostStrand, or None
        Largest first; None when the band to solve exceeds :data:`MAX_SOLVE_PX` (not searched).

    Examples
    --------
    Two dark 4 px prongs, 14 px tall, on a two-tone wall, standing on a bar the mask has:

    >>> rgb = np.full((60, 60, 3), 200, np.uint8); rgb[:, 30:] = (90, 140, 200)
    >>> rgb[40:, :] = 20; rgb[26:40, 16:20] = 20; rgb[26:40, 36:40] = 20
    >>> a = np.zeros((60, 60), np.uint8); a[40:, :] = 255
    >>> find_lost_strands(rgb, a)
    (LostStrand(box=(16, 26, 4, 13), pixels=52), LostStrand(box=(36, 26, 4, 13), pixels=52))
    """
    from scipy import ndimage

    matte._check_arrays(rgb, alpha, alpha)
    radius = recover._check_radius(radius)
    # Only the mask's reach matters: work on its bounding box grown by the op's margin (a
    # 24 MP photo of a small piece is mostly far background).
    reach = matte._bounding_box(alpha > round(recover._EMPTY * 255))
    if reach is None:
        return ()
    crop = reach.pad(recover.recover_margin(radius)).clip(Rect.of_shape(alpha.shape))
    alpha, rgb = alpha[crop.slices()], rgb[crop.slices()]
    a = alpha.astype(np.float32) * (1.0 / 255.0)
    unknown, known, reached = recover._trimap(a, np.full(alpha.shape, 255, np.uint8), radius)
    if np.count_nonzero(unknown) > MAX_SOLVE_PX:
        return None
    if not unknown.any():
        return ()
    solved = matte._solve_in_boxes(rgb, alpha, unknown, known.astype(np.float64)).astype(np.float32)
    accepted = recover._accepted(a, solved, unknown)
    joined = cv2.dilate(accepted.view(np.uint8), cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (STRAND_GAP_PX + 1,) * 2))
    n, labels = cv2.connectedComponents(joined, connectivity=8)
    own = np.where(accepted, labels, 0)
    counts = np.bincount(own.ravel(), minlength=n)
    found = []
    for label, where in enumerate(ndimage.find_objects(own), start=1):
        if where is None or counts[label] < MIN_STRAND_PX:
            continue
        ys, xs = where
        near = Rect(xs.start, ys.start, xs.stop, ys.stop).pad(STRAND_OP_MARGIN_PX + recover.recover_margin(radius))
        near = near.clip(Rect.of_shape(a.shape))
        window = near.slices()
        group = own[window] == label
        group &= ~_background_coloured(rgb[window], a[window], solved[window], reached[window], group, radius)
        pixels = int(np.count_nonzero(group))
        if pixels < MIN_STRAND_PX:
            continue
        ys, xs = ndimage.find_objects(group.view(np.uint8))[0]
        box = (xs.start + near.x0 + crop.x0, ys.start + near.y0 + crop.y0, xs.stop - xs.start, ys.stop - ys.start)
        found.append(LostStrand(box, pixels))
    return tuple(sorted(found, key=lambda f: (-f.pixels, f.box)))


# The recover op auto-fix proposes for a strand covers its box grown by this (core.autofix);
# the strand search judges a strand's colour on what that op reads.
STRAND_OP_MARGIN_PX = 4


def _background_coloured(rgb, a, solved, reached, group, radius) -> np.ndarray:
    """The pixels of ``group`` (in a strand's window) that the recover op proposed for it would
    refuse as the background's colours: step 5's veto, calibrated on the same neighbourhood."""
    samples = recover._samples(a, reached, radius)
    if samples is None:
        return np.zeros(group.shape, bool)
    lab = evidence.lab_of(rgb)
    colour = evidence.ColourEvidence.fit(lab, *samples)
    if colour is None or not colour.trusted:
        return np.zeros(group.shape, bool)
    return evidence.background_coloured(group, solved >= recover.ACCEPT_LEVEL, lab, colour)
