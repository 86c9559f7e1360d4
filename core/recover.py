"""Recover lost detail: raise-only matting that accepts only what the AI's kind of damage removes.

For photos that are no studio shot (a cluttered background, where :mod:`core.channels` has no
sweep to measure against and ridges are everywhere), the photo's own colours are the only
evidence of a lost strand, wire or twig. Closed-form matting (:mod:`core.matte`'s solver) sees
them, but in clutter it also sees "foreground" in background that shares the piece's colours
(green hair over grass, twigs over an office): re-matting a whole outline made the error worse
on 4 of the 6 real photos of the benchmark and changed 1-11 % of the pixels of correct masks.
So the solve is only a proposal, and a pixel takes it only where the physics of the damage
says alpha can have been lost:

1. **Trimap** from the current alpha ``a``: the object is ``a >= 0.95`` eroded by 1 px, the
   background every pixel farther than ``radius`` px from any ``a > 0.03``; the rest is solved
   (the band round the outline, where a lost strand still attached to the piece lies).
2. **Raise only**: a candidate gains at least 0.1 and reaches :data:`ACCEPT_LEVEL` in the solve
   (``up = s > a + 0.1``, ``s >= 0.6``). Lowering is never proposed: the finders that lower
   alpha (halo) are separate ops.
3. **Thin, as the damage is**: a remover loses structures narrower than its own resolution, so
   an accepted gain must be *thin*: what a grey opening with a 7 px disc (structures up to 6 px
   wide, as :func:`core.metrics.thin_mask`) would remove again from the raised alpha, by more
   than 0.3. A blob of background the solve mistook for the piece is wide: the opening keeps
   it, and it is refused. The accepted strands' fringe (within 1 px, gaining over 0.05 in the
   opening's residual) comes with them.
4. **Fog**: deep inside a wide grey area of the mask (``0.05 < a < 0.95`` at least
   :data:`FOG_DEPTH_PX` from both solid and empty pixels: a dense mesh or lattice the remover
   blurred to grey), the solve is taken where it reaches :data:`FOG_LEVEL`.

5. **Photo evidence** (:func:`_with_photo_evidence`, in the op; the strand search of detection,
   :mod:`core.recover_strands`,
   uses steps 2-4 and the colour veto below, calibrated around each strand as its op will be):
   the photo's own known pixels, the mask's solid edge and a background ring just past the
   reach, calibrate two more tests (:mod:`core.recover_evidence`). Where the
   held-out samples show that colour separates object from background, an object-coloured
   pixel takes ``max(s, min(c, 0.6))``, ``c`` its colour alpha, when that reaches 0.5; and
   where the solve reaches :data:`ACCEPT_LEVEL` but the thin test refused it (a twig beside a
   blob the solve raised too), a bright line on the object-vs-background colour axis confirms
   it. Both only in thin groups that touch the mask or accepted pixels. And a raised group
   whose solid pixels are almost all unlike the object and mostly like the background (a cable
   of another colour behind the piece) is refused.

6. **Follow** (only when the op's ``follow`` is over 0; auto-fix proposes :data:`FOLLOW`): a
   strand standing farther out than the reach, or leaving the region's edge, is pinned to the
   background (or to the mask's alpha) where it crosses that line, and comes back only over its
   first half. So the solve also takes the pixels of the bright lines (step 5's ridge, over
   :data:`FOLLOW_QUANTILE` of the background ring's) that leave the band and run on, connected,
   up to ``follow`` px past the reach, inside the region or not, widened by a pixel each side
   (the response marks a line's middle). They are judged like every other pixel (steps 2-5):
   the line only opens them to the solve. Step 5's evidence stays calibrated on what the op
   reads without following, as the strand search calibrates it. Measured on the benchmark's
   real photos (follow 32 px): thin recall 0.670 -> 0.696 (the bonsai's twigs 0.575 -> 0.699),
   SAD 6.27 -> 6.13, IoU 0.967 -> 0.968; 16 px gave 0.692, 48 px 0.676, 64 px 0.691. Reaching as
   far for every pixel of the band instead (a 48 px reach) took background with the twigs: SAD
   worse than the AI mask's on 3 of 6 photos.

7. **Unmixed lines**: the solve shows a strand it cannot lift to :data:`ACCEPT_LEVEL` where
   the background it is pinned to (at the reach's end, beside a followed line) holds it down:
   on the benchmark's bonsai twigs it reads 0.3-0.5 along 3 px twigs whose truth is 0.8-1. Where
   it still shows a line -- at least :data:`LINE_SOLVE_LEVEL`, over its own 7 px opening by
   :data:`LINE_SOLVE_RESIDUAL`, on step 6's bright line, neither raised by steps 2-6 nor refused
   by their veto, in thin groups that touch the mask or what is raised and at least
   :data:`LINE_MIN_LENGTH_PX` long with what they join -- the line and its rim take the alpha the
   photo gives them on the object-vs-background colour axis against the wall right beside them
   (:func:`core.recover_evidence.line_alpha`: the channel-mask method on a line, which reads a
   twig's mixed rim as partial) or the solve's, whichever is higher. After steps 2-6 are judged
   by the colour veto, these groups are judged by it on their own (where colour is trusted;
   elsewhere, as step 5's line evidence, by the solve, the line and the guards alone).
   Measured on the benchmark's real photos (thin recall as :func:`core.metrics.thin_mask`
   counts it since 2026-11-30): 0.874 -> 0.895 (bonsai 0.686 -> 0.757, troll 0.922 -> 0.931,
   broom 0.976 -> 0.980), SAD 6.13 -> 5.94 (troll 13.15 -> 12.51, bonsai 9.30 -> 8.81; the wire
   mesh's 7.198 -> 7.203, where most of its 45 px lie in ops whose colour is not trusted); of the
   1,365 px it lifts over 0.5, 532 are background in the truth (the troll's hair: 280 of 478).
   Tried and not kept: the object samples' mean as the only scale (a twig's anti-aliased rim on
   a correct mask read as solid), no veto and no length test (0.904 on an earlier count, but
   cables beside a correct mask came up), judging these groups with steps 2-6's in one veto (they
   changed its verdict on earlier pixels: tests), an opening lifted by the background's typical
   noise excess (lower recall and SAD), skipping the step where colour is not trusted (a twig
   crossing the sampled ring, which is what makes colour untrusted in a small op, is then left
   out: tests), lifting a strand's fringe that steps 2-6 raised under 0.6 too (no measurable gain).
   **Lines only the photo shows** (engine 0.2.9): a line on step 6's bright line that the solve
   shows nowhere (it merely touches the mask or what is raised: most of the gain) or no longer
   (farther along a followed twig, where the solve fades to nothing towards the background it
   is pinned to) is taken the same way where its unmixed alpha reaches :data:`LINE_PHOTO_LEVEL`,
   if it is thin and at least :data:`LINE_MIN_LENGTH_PX` long with what it joins; its rim
   (within a pixel) where the rim's own unmixed alpha is over what it has. Nothing but the
   line's contrast speaks for it, so its groups are judged on their own, their pixels counted as
   solid from that level, by a stricter colour test
   (:func:`core.recover_evidence.not_object_leaning`: refused unless more of their solid pixels
   look like the object than like the background; a dark hair on a white sweep, a colour neither
   side has shown, reads as a line of a gold piece on that axis and was lifted 45-64 px out from
   a correct mask before: tests). Groups of fewer than 3 solid pixels say nothing and are kept
   (on the real photos all of them stubs on lines already judged; refusing them read 0.902).
   Where colour is not trusted (a twig crossing the sampled ring), only lines touching one the
   solve shows (or its rim) are taken. Pixels step 5's veto refused among the solve's lines stay
   refused. Measured on the benchmark's real photos: 0.895 -> 0.904 (bonsai 0.757 -> 0.792,
   broom 0.980 -> 0.981), SAD 5.94 -> 5.92 (bonsai 8.81 -> 8.66); of the 447 px it lifts
   over 0.5, 120 are background in the truth (bonsai 113 of 436); across the damage
   seeds of ``benchmarks.datasets`` (+ 7919 k, k = 1..3) 0.880 / 0.907 / 0.903 -> 0.883 / 0.914 / 0.909; the
   clutter bench's SAD 18.45 -> 18.49. Measured and not kept: taking such lines where colour is
   not trusted too (0.908, the wire mesh 0.922, but cables on the clutter bench: 18.51); the
   stricter test on all of step 7's groups (the bonsai's twigs lost: 0.779); judging these lines
   in one group with the solve's by step 5's veto (the hair above, 89 px; tests); keeping groups
   that lean to neither side (the hair above); counting their solid pixels from 0.6 (0.905, SAD
   5.91, but a hair reaching 0.5 and never 0.6 came up: tests); refusing groups too small to judge
   (0.902); joining across a 1 px gap (the same recall, SAD worse); judging the solve's lines'
   rims by their unmixed alpha alone, without the solve's residual (the same recall, SAD worse).
   What no colour test can refuse: a line of the object's own colour touching a correct mask
   (white lint on black velvet beside a silver ring: 61 px lifted out to the reach plus follow,
   49-56 px by engine 0.2.8's steps already).

The result is ``max(a, s)`` on accepted pixels and ``a`` elsewhere, blended by the region's
coverage (a followed line counts as covered): never lower than the input; unchanged outside the
region unless ``follow`` is set, and then only along lines leaving it.

Limits: a strand is found only within ``radius`` of the mask's faintest alpha (97-100 % of the
benchmark's lost thin pixels lie within 10 px on the real photos), and the solve fades towards
the background constraint at the end of the reach, so a strand standing the whole reach out
comes back over its first half to two thirds. A larger reach finds more but also takes
background strands next to correct masks (24 px: a risk of 0.77 on the true alpha of the yarn
photo); 16 px is the default.

Measured (``python -m benchmarks.detect_bench --scenes real``): the figures are in the README.

The solver's kernels compile on first use (see :func:`core.matte.preload_solver`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

from core import matte
from core import recover_evidence as evidence
from core.detect_shape import distance_to
from core.errors import checked_number
from core import result_cache
from core.window import Rect

__all__ = [
    "FOLLOW",
    "FOLLOW_RANGE",
    "RADIUS",
    "RADIUS_RANGE",
    "recover_margin",
    "recover_region",
]

RADIUS_RANGE = (2.0, 64.0)  # as RecoverOp in core/recipe.py
RADIUS = 16.0  # default reach past the mask, px: 97-100 % of the benchmark's lost thin pixels lie within 10 px
FOLLOW_RANGE = (0.0, 64.0)  # as RecoverOp in core/recipe.py
# What auto-fix proposes (step 6): on the real photos 16 px gave a thin recall of 0.692, 32 px 0.696, 48 px 0.676.
FOLLOW = 32.0
# A followed pixel's ridge exceeds this quantile of the background ring's (0.8-0.9 measured alike);
# looser than step 5's RIDGE_QUANTILE, which lifts pixels by itself where this only lets the solve in.
FOLLOW_QUANTILE = 0.9
_SOLID = 0.95
_EMPTY = 0.03
_RAISE = 0.1  # a gain smaller than this is no evidence
ACCEPT_LEVEL = 0.6
THIN_RESIDUAL = 0.3
FRINGE_RESIDUAL = 0.05
FOG_LEVEL = 0.8
FOG_DEPTH_PX = 3.5
# Step 7: a line the solve shows (above its own 7 px opening by this much, at least this high).
LINE_SOLVE_RESIDUAL = 0.1
LINE_SOLVE_LEVEL = 0.2
LINE_MIN_LENGTH_PX = 10.0  # ... in a group at least this long (box diagonal) with what it joins
# ... or, where the solve does not show it, the photo does: the line unmixes to at least this.
LINE_PHOTO_LEVEL = 0.5
# Colour alone lifts a pixel to at most this (step 5): over half, so the strand is kept, but
# short of the solve's own ACCEPT_LEVEL (a colour estimate also lifts mixed fringe pixels).
COLOUR_ALPHA_CAP = 0.6
OPEN_PX = 7  # the opening's disc: structures up to 6 px wide are thin (core.metrics.thin_mask)


def recover_region(
    rgb: np.ndarray, alpha: np.ndarray, region: np.ndarray, *, radius: float, follow: float = 0.0
) -> np.ndarray:
    """Raise alpha where matting finds thin structure the mask lost, inside ``region``.

    Parameters
    ----------
    rgb : ndarray, shape (H, W, 3), uint8 or uint16
        The photo. Not modified.
    alpha : ndarray, shape (H, W), uint8
        The current alpha. Not modified.
    region : ndarray, shape (H, W), uint8
        Coverage of the op's region, 0..255.
    radius : float
        2..64 px: how far past the mask (any alpha over 0.03) a lost part may reach.
    follow : float
        0..64 px: bright lines leaving the band (past the reach, or through the region's edge)
        are solved up to ``radius + follow`` px from the mask, inside the region or not (step 6
        of the module notes); 0 follows nothing and changes nothing outside the region.

    Returns
    -------
    ndarray, shape (H, W), uint8
        A new array, ``>= alpha`` everywhere and equal to it where ``region`` is 0 (with
        ``follow``, except along the lines followed).

    Raises
    ------
    CoreError, SizeMismatchError
        Bad arrays.
    InvalidRecipeError
        ``radius`` or ``follow`` out of range (``field`` names it).

    Examples
    --------
    A dark 2 px wire, 10 px long, on a two-tone wall, standing on a dark bar the mask has; the
    mask lost the wire. It comes back (at 0.8-0.9: the solve's estimate), nothing else changes:

    >>> rgb = np.full((60, 60, 3), 200, np.uint8); rgb[:, 30:] = (90, 140, 200)
    >>> rgb[40:, :] = 20; rgb[30:40, 20:22] = 20
    >>> a = np.zeros((60, 60), np.uint8); a[40:, :] = 255
    >>> out = recover_region(rgb, a, np.full((60, 60), 255, np.uint8), radius=16)
    >>> bool((out[30:39, 20:22] >= 200).all()), int(np.delete(out[:40], [20, 21], axis=1).max())
    (True, 0)
    """
    matte._check_arrays(rgb, alpha, region)
    radius = _check_radius(radius)
    follow = _check_follow(follow)
    out = alpha.copy()
    box = matte._bounding_box(region)
    if box is None:
        return out
    crop = box.pad(recover_margin(radius, follow)).clip(Rect.of_shape(alpha.shape))
    a8, cover, rgb = alpha[crop.slices()], region[crop.slices()], rgb[crop.slices()]
    # The region's box in the crop is the bounding box of ``cover``: the key holds it already.
    out[crop.slices()] = result_cache.op_results().get_or_make(
        ("recover", rgb, a8, cover, radius, follow),
        lambda: _recovered(rgb, a8, cover, box.relative_to(crop), radius, follow),
    )
    return out


def _recovered(
    rgb: np.ndarray, a8: np.ndarray, cover: np.ndarray, box: Rect, radius: float, follow: float
) -> np.ndarray:
    """:func:`recover_region` on its crop (``box``: the region's bounding box in it)."""
    out = a8.copy()
    a = a8.astype(np.float32) * (1.0 / 255.0)
    unknown, known, reached = _trimap(a, cover, radius)
    if not unknown.any():
        return out
    # Calibrated on what the op reads without following (as the strand search calibrates it),
    # applied to all it reads.
    calibration = box.pad(recover_margin(radius)).clip(Rect.of_shape(a8.shape))
    photo = _PhotoEvidence.of(rgb, a, reached, radius, calibration)
    if follow and photo is not None:
        followed = _followed_lines(photo, a, unknown, reached, radius, follow)
        unknown = unknown | followed
        cover = np.where(followed, np.uint8(255), cover)
    solved = matte._solve_in_boxes(rgb, a8, unknown, known.astype(np.float64)).astype(np.float32)
    accepted = _accepted(a, solved, unknown)
    accepted, value = _with_photo_evidence(photo, a, solved, unknown, accepted)
    if not accepted.any():
        return out
    raised = np.where(accepted, np.maximum(a, value), a)
    weight = cover.astype(np.float32) * (1.0 / 255.0)
    mixed = np.rint((weight * raised + (1.0 - weight) * a) * 255.0)
    return np.maximum(a8, np.clip(mixed, 0, 255).astype(np.uint8))


def recover_margin(radius: float, follow: float = 0.0) -> int:
    """Pixels of context around the region's bounding box that :func:`recover_region` reads
    (and, with ``follow``, may change).

    >>> recover_margin(16), recover_margin(16, 32)
    (27, 59)
    """
    return math.ceil(_check_radius(radius) + _check_follow(follow)) + OPEN_PX + 4


def _trimap(a: np.ndarray, cover: np.ndarray, radius: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(unknown, known values, distance of every pixel to the mask's faintest alpha)."""
    solid = cv2.erode((a >= _SOLID).view(np.uint8), np.ones((3, 3), np.uint8)).astype(bool)
    reached = distance_to(a > _EMPTY)
    empty = reached > radius
    unknown = ~(solid | empty) & (cover > 0)
    known = a.copy()
    known[solid] = 1.0
    known[empty] = 0.0
    return unknown, known, reached


def _accepted(a: np.ndarray, s: np.ndarray, unknown: np.ndarray) -> np.ndarray:
    """Steps 2-4 of the module notes: the pixels that take the solve."""
    up = unknown & (s > a + _RAISE)
    candidate = up & (s >= ACCEPT_LEVEL)
    raised = np.where(candidate, np.maximum(a, s), a).astype(np.float32)
    residual = raised - cv2.morphologyEx(raised, cv2.MORPH_OPEN, _disc())
    accepted = candidate & (residual > THIN_RESIDUAL)
    accepted |= _rim_of(accepted) & up & (residual > FRINGE_RESIDUAL)
    grey = (a > 0.05) & (a < _SOLID)
    deep = (distance_to(a >= _SOLID) >= FOG_DEPTH_PX) & (distance_to(a <= 0.05) >= FOG_DEPTH_PX)
    accepted |= grey & deep & up & (s >= FOG_LEVEL)
    return accepted


@dataclass(frozen=True)
class _PhotoEvidence:
    """Step 5's calibration, computed once per op: the photo in Lab, the samples, the colour model
    (None unless trusted) and the bright-line response (None when the samples' colours agree)."""

    lab: np.ndarray
    samples: tuple[np.ndarray, np.ndarray]
    colour: evidence.ColourEvidence | None
    projected: np.ndarray | None
    ridge: np.ndarray | None

    @classmethod
    def of(
        cls, rgb: np.ndarray, a: np.ndarray, reached: np.ndarray, radius: float, calibration: Rect
    ) -> "_PhotoEvidence | None":
        """Samples taken inside ``calibration`` (a part of the arrays), the model applied to all of them."""
        window = calibration.slices()
        samples = _samples(a[window], reached[window], radius)
        if samples is None:
            return None
        width = a.shape[1]
        samples = tuple(
            (index // calibration.width + calibration.y0) * width + index % calibration.width + calibration.x0
            for index in samples
        )
        lab = evidence.lab_of(rgb)
        colour = evidence.ColourEvidence.fit(lab, *samples)
        trusted = colour if colour is not None and colour.trusted else None
        projected = evidence.axis_projection(lab, *samples)
        ridge = None if projected is None else evidence.line_response(projected)
        return cls(lab, samples, trusted, projected, ridge)

    def line(self, quantile: float) -> np.ndarray | None:
        """Where the bright-line response exceeds ``quantile`` of the background samples'."""
        if self.ridge is None:
            return None
        return self.ridge > float(np.quantile(self.ridge.ravel()[self.samples[1]], quantile))


def _followed_lines(
    photo: _PhotoEvidence, a: np.ndarray, unknown: np.ndarray, reached: np.ndarray, radius: float, follow: float
) -> np.ndarray:
    """Step 6: line pixels outside the solved band (past the reach, or past the region's edge)
    connected to it, up to ``follow`` px past the reach, widened by a pixel each side."""
    line = photo.line(FOLLOW_QUANTILE)
    if line is None:
        return np.zeros(unknown.shape, bool)
    open_ = ~unknown & (a < _SOLID) & (reached <= radius + follow)
    zone = line & open_
    n, labels = cv2.connectedComponents((zone | unknown).view(np.uint8), connectivity=8)
    leaving = np.zeros(n, bool)
    leaving[np.unique(labels[unknown])] = True
    leaving[0] = False
    lines = (zone & leaving[labels]).view(np.uint8)
    # The response marks a line's middle; its mixed sides are solved too, or the background
    # pinned beside a 3 px strand holds it down (on the tests' strands: 0.15 of them raised, 0.97 so).
    return _rim_of(lines) & open_


def _with_photo_evidence(
    photo: _PhotoEvidence | None,
    a: np.ndarray,
    s: np.ndarray,
    unknown: np.ndarray,
    accepted: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Step 5 of the module notes: ``(accepted, value)`` with colour- and line-confirmed pixels added
    and groups of the background's colours refused."""
    if photo is None:
        return accepted, s
    lab, colour = photo.lab, photo.colour
    value, extra = s, np.zeros(a.shape, bool)
    if colour is not None:
        where = np.flatnonzero((unknown & ~accepted).ravel())
        colours = lab.reshape(-1, 3)[where]
        like = colour.object_like(colours)
        where, colours = where[like], colours[like]
        lifted = np.maximum(s.ravel()[where], np.minimum(colour.alpha(colours), COLOUR_ALPHA_CAP))
        confirmed = (lifted >= 0.5) & (lifted > a.ravel()[where] + _RAISE)
        value = s.copy()
        value.ravel()[where[confirmed]] = lifted[confirmed]
        extra.ravel()[where[confirmed]] = True
    line = photo.line(evidence.RIDGE_QUANTILE)
    if line is not None:
        extra |= unknown & (s > a + _RAISE) & (s >= ACCEPT_LEVEL) & line
    extra &= ~accepted
    if extra.any():
        extra = evidence.thin_and_joined(extra, (a >= 0.5) | accepted, open_px=OPEN_PX)
    raised = accepted | extra
    vetoed = np.zeros(a.shape, bool)
    if colour is not None and raised.any():
        vetoed = evidence.background_coloured(raised, value >= ACCEPT_LEVEL, lab, colour)
        raised &= ~vetoed
    return _with_unmixed_lines(photo, a, s, unknown & ~vetoed, raised, value)


def _with_unmixed_lines(
    photo: _PhotoEvidence, a: np.ndarray, s: np.ndarray, unknown: np.ndarray, raised: np.ndarray, value: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Step 7 of the module notes: lines the solve or only the photo shows, which the solve
    underrates, take their unmixed alpha."""
    line = photo.line(FOLLOW_QUANTILE)
    if line is None or photo.projected is None:
        return raised, value
    residual = s - cv2.morphologyEx(s, cv2.MORPH_OPEN, _disc())
    open_ = unknown & ~raised
    unmixed = evidence.line_alpha(photo.projected, *photo.samples, open_px=OPEN_PX)
    lifted = np.maximum(s, unmixed)  # the solve's or the line's, whichever is higher
    base = (a >= 0.5) | raised
    by_solve = open_ & line & (s > a + _RAISE) & (s >= LINE_SOLVE_LEVEL) & (residual > LINE_SOLVE_RESIDUAL)
    solve_lines = _long_thin_lines(by_solve, base, raised)
    shown = _rim_of(solve_lines) & open_ & (residual > FRINGE_RESIDUAL) & (unmixed > a + _RAISE)
    taken, refused = _colour_judged(photo, shown, shown & (lifted >= ACCEPT_LEVEL), strict=False)
    # Lines only the photo shows (the solve shows them nowhere, or no longer, farther along a
    # followed twig): judged as groups of their own by the stricter colour test; where colour is
    # not trusted, only lines touching one the solve shows. The rims of the photo's lines are judged by
    # their own unmixed alpha (no solve residual speaks for them).
    free = open_ & ~taken & ~refused
    by_photo = free & line & (unmixed >= LINE_PHOTO_LEVEL) & (unmixed > a + _RAISE)
    joined_to = taken if photo.colour is None else base | taken  # untrusted: touching the solve's lines or their rims
    photo_lines = _long_thin_lines(by_photo, joined_to, raised | taken)
    told = _rim_of(photo_lines) & free & (unmixed > a + _RAISE)
    told, _ = _colour_judged(photo, told, told & (lifted >= LINE_PHOTO_LEVEL), strict=True)
    taken |= told
    return raised | taken, np.where(taken, lifted, value).astype(np.float32)


def _disc() -> np.ndarray:
    """The opening's disc (:data:`OPEN_PX`)."""
    return cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (OPEN_PX, OPEN_PX))


def _rim_of(mask: np.ndarray) -> np.ndarray:
    """``mask`` grown by a pixel (8 neighbours)."""
    return cv2.dilate(mask.view(np.uint8), np.ones((3, 3), np.uint8)).astype(bool)


def _long_thin_lines(seen: np.ndarray, joined_to: np.ndarray, with_: np.ndarray) -> np.ndarray:
    """The pixels of ``seen`` in thin groups touching ``joined_to``, at least
    :data:`LINE_MIN_LENGTH_PX` long with what of ``with_`` they join."""
    if not seen.any():
        return seen
    seen = evidence.thin_and_joined(seen, joined_to, open_px=OPEN_PX)
    return seen & evidence.long_groups(seen | with_, LINE_MIN_LENGTH_PX)


def _colour_judged(
    photo: _PhotoEvidence, taken: np.ndarray, solid: np.ndarray, *, strict: bool
) -> tuple[np.ndarray, np.ndarray]:
    """``(kept, refused)``: ``taken`` less its groups step 5's colour veto refuses (``strict``:
    also those whose colour does not lean to the object). Untrusted colour refuses nothing."""
    if photo.colour is None or not taken.any():
        return taken, np.zeros(taken.shape, bool)
    refused = evidence.background_coloured(taken, solid, photo.lab, photo.colour)
    if strict:
        refused |= evidence.not_object_leaning(taken, solid, photo.lab, photo.colour)
    return taken & ~refused, refused


def _samples(a: np.ndarray, reached: np.ndarray, radius: float) -> tuple[np.ndarray, np.ndarray] | None:
    """Step 5's samples: the mask's solid edge, and a ring of background just past the reach."""
    solid = a >= _SOLID
    object_edge = solid & (distance_to(~solid) <= evidence.EDGE_SAMPLE_PX)
    background_ring = (reached > radius) & (reached <= radius + evidence.RING_PX)
    return evidence.samples_of(object_edge, background_ring)


def _check_follow(follow: float) -> float:
    return checked_number(follow, "follow", *FOLLOW_RANGE, unit=" px")


def _check_radius(radius: float) -> float:
    return checked_number(radius, "radius", *RADIUS_RANGE, unit=" px")
