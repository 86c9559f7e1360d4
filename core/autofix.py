"""Auto-fix: a recipe proposal that repairs what :mod:`core.detect` found.

The proposal is a normal :class:`core.recipe.Recipe` (``base: "ai"``): the retoucher opens it in
the editor like any other, and rendering it is the usual pure function. An op (two for bleed
and for a larger ``thin_loss`` or ``clipped`` region) per region the detector is sure enough of
(:data:`MIN_CONFIDENCE`), each limited to the region's box grown by a margin, so nothing far
from the damage changes. In this order:

1. ``halo`` -> ``refine`` with contrast :data:`HALO_CONTRAST` in the box: partial alpha under
   50 % (the veil over the background) goes to 0, the piece's edge stays where it is.
2. ``bleed`` -> two ``refine`` ops in the box: shift edge +40, then the README's bleed settings
   (contrast 90, shift edge +100). Alone, the README's settings put the threshold at ~45 %
   alpha, and bleed bands sit at 35-45 %: a band the detector saw as solid metal would be cut
   away. Shift edge +40 first (``a ** 0.57``) moves that threshold to ~30 %: the band becomes
   opaque, the rim outside the true edge (its coverage times the bleed factor, under 25 %) goes
   to 0.
3. a mask whose whole outline is soft (:attr:`core.detect.Detection.edge_sharpness` under
   :data:`SOFT_EDGE_SHARPNESS`) -> one ``refine`` over the image with contrast
   ``100 * (1 - sharpness)`` (capped at :data:`MAX_EDGE_CONTRAST`): the slope of a blurred
   edge is ``sharpness`` times a coverage edge's, and contrast ``c`` multiplies slopes by
   ``1 / (1 - c / 100)``. Only on studio shots (``studio_fit`` >= :data:`MIN_STUDIO_FIT`).
4. ``clipped`` and ``thin_loss`` -> ``channel`` ops (auto channel, auto levels, auto invert,
   mode add) on the box grown by :data:`CHANNEL_MARGIN_PX`: the channel mask finds the piece's
   pixels against the sweep (see :mod:`core.channels`) and adds them. Added last, so a halo fix
   cannot erase a wire. Why so wide a margin: the channel op fits its background plane, picks
   its channel and sets its levels from everything in its box. In a tight box, where the
   structure leaves a coloured body whose fringe the AI also lacks (a ruby's bleed band), the
   fringe's strong contrast outweighs a faint prong's, the levels are set for the fringe and
   the prong stays out; and the detector finds a prong only from
   :data:`core.detect_thin.EDGE_ZONE_PX` outside the body, so a tight box misses where it
   attaches. A wide box holds the whole prong and enough of it that it dominates. The price: the
   op also adds the outline of a body inside the box where JPEG smears its colour 1-3 px out,
   and now and then a noise speck. Measured on the dev set (thin-structure recall after
   auto-fix, mean of 12; mean SAD): margin 6 px 0.83 (4.21), 30 px 0.87 (4.25), 45 px 0.89
   (4.36), 60 px 0.89 (4.44); boxes merged where they overlap, 30 px, 0.85 (a merged box mixes
   unrelated structures and fringes). No one margin suits every structure: the right context
   grows with the structure (a long chain needs more sweep around it for its background plane
   and levels than a short prong). So a region gets **two** channel ops, added together: one
   with the local margin :data:`CHANNEL_MARGIN_PX`, one with a margin of the box's own diagonal
   (at least that, at most :data:`MAX_CHANNEL_MARGIN_PX`); a small box whose diagonal is under
   the local margin gets one. Measured the same way: 45 + diagonal 0.908 (4.83), SAD better on
   12/12, IoU up on every scene by +0.011 at least; 45 + 1x the longer side 0.901; 45 + 90
   0.900; 12 + 60 0.898; the diagonal and twice it, 0.908 but SAD worse on one scene.

**Photos that are no studio shot** (``studio_fit`` under
:data:`core.detect.SHAPE_MODE_BELOW`): the detector reports only what the mask's shape and
raise-only matting show (see :mod:`core.detect`). ``bleed`` plateaus get the two refine ops of
step 2 (measured on the real photos against dividing alpha by the plateau's level: the same
SAD within 0.03); the ``thin_loss`` strands get ``recover`` ops (:mod:`core.recover`), one per
box grown by :data:`RECOVER_MARGIN_PX` (overlapping boxes merged), after the bleed fixes, each
following the lines that leave it (``follow``: step 6 of :mod:`core.recover`). One op
per box, not one op over all of them: a recover op needs its whole region to render any window
of it exactly, so an op spanning the piece would re-solve all of it for every close-up preview.

Examples
--------
>>> from core.detect import Detection, Region
>>> found = Detection((Region((10, 20, 5, 30), "thin_loss", 0.9),), 0.9, (100, 100))
>>> [op["op"] for op in propose_recipe(found).to_dict()["ops"]]
['channel']
"""

from __future__ import annotations

import math

import numpy as np

from core.detect import SHAPE_MODE_BELOW, Detection, detect
from core.recipe import Recipe
from core.recover import FOLLOW as RECOVER_FOLLOW
from core.recover import RADIUS as RECOVER_RADIUS
from core.recover_strands import STRAND_OP_MARGIN_PX as RECOVER_MARGIN_PX

# Regions at or above this confidence are repaired; the others are only shown to the reviewer.
# At 0.35 a colour-confirmed edge finding of ~20 work px, or a thin structure of ~7 sigmas over
# ~40 px, qualifies; shape-only bleed needs ~60 px.
MIN_CONFIDENCE = 0.35
# Margins (px) around a region's box: a channel op needs background around the structure for
# its background fit and levels, and enough of the structure to dominate them (module notes,
# step 4); a refine needs the band's soft rim.
CHANNEL_MARGIN_PX = 45
MAX_CHANNEL_MARGIN_PX = 150
REFINE_MARGIN_PX = 3
HALO_CONTRAST = 90.0
BLEED_REFINES = ({"shift_edge": 40.0}, {"contrast": 90.0, "shift_edge": 100.0})
KIND_ORDER = ("halo", "bleed", "clipped", "thin_loss")
SOFT_EDGE_SHARPNESS = 0.85
MAX_EDGE_CONTRAST = 60.0
MIN_STUDIO_FIT = 0.5


def propose_recipe(detection: Detection, *, min_confidence: float = MIN_CONFIDENCE) -> Recipe:
    """The repair recipe for ``detection`` (module notes).

    Parameters
    ----------
    detection : Detection
        From :func:`core.detect.detect`.
    min_confidence : float
        Regions under this confidence get no op.

    Returns
    -------
    Recipe
        ``base: "ai"``; no ops when nothing qualifies (rendering it gives the AI mask back).
    """
    width, height = detection.size
    chosen = [r for r in detection.regions if r.confidence >= min_confidence]
    chosen.sort(key=lambda r: (KIND_ORDER.index(r.kind), r.box))
    ops = []
    if detection.studio_fit < SHAPE_MODE_BELOW:
        strands = [r.box for r in chosen if r.kind == "thin_loss"]
        chosen = [r for r in chosen if r.kind != "thin_loss"]
    else:
        strands = []
    edge_op = _edge_refine(detection)
    for region in chosen:
        if region.kind == "halo":
            region_path = _box_path(region.box, REFINE_MARGIN_PX, width, height)
            ops.append({"op": "refine", "contrast": HALO_CONTRAST, "region": region_path})
        elif region.kind == "bleed":
            region_path = _box_path(region.box, REFINE_MARGIN_PX, width, height)
            ops += [{"op": "refine", **settings, "region": region_path} for settings in BLEED_REFINES]
        else:
            if edge_op is not None:
                ops.append(edge_op)
                edge_op = None
            for margin in _channel_margins(region.box):
                ops.append(
                    {"op": "channel", "region": _box_path(region.box, margin, width, height), "channel": "auto",
                     "black": None, "white": None, "gamma": 1.0, "invert": None, "mode": "add"}
                )
    if edge_op is not None:
        ops.append(edge_op)
    for box in _merged([_grown(box, RECOVER_MARGIN_PX, width, height) for box in strands]):
        ops.append(
            {"op": "recover", "region": _box_path(box, 0, width, height), "radius": RECOVER_RADIUS,
             "follow": RECOVER_FOLLOW}
        )
    return Recipe.from_dict({"version": 1, "base": "ai", "ops": ops})


def _grown(box: tuple[int, int, int, int], margin: int, width: int, height: int) -> tuple[int, int, int, int]:
    x, y, w, h = box
    x0, y0 = max(0, x - margin), max(0, y - margin)
    return (x0, y0, min(width, x + w + margin) - x0, min(height, y + h + margin) - y0)


def _merged(boxes: list[tuple[int, int, int, int]]) -> list[tuple[int, int, int, int]]:
    """Boxes that overlap replaced by their union, until none overlap (no pixel is solved by two
    ops). At most :data:`core.detect.MAX_REGIONS` boxes: the restarts cost milliseconds.

    >>> _merged([(0, 0, 10, 10), (5, 5, 10, 10), (30, 0, 5, 5)])
    [(0, 0, 15, 15), (30, 0, 5, 5)]
    """
    out = list(boxes)
    merged = True
    while merged:
        merged = False
        for i in range(len(out)):
            for j in range(i + 1, len(out)):
                (ax, ay, aw, ah), (bx, by, bw, bh) = out[i], out[j]
                if ax < bx + bw and bx < ax + aw and ay < by + bh and by < ay + ah:
                    x0, y0 = min(ax, bx), min(ay, by)
                    out[i] = (x0, y0, max(ax + aw, bx + bw) - x0, max(ay + ah, by + bh) - y0)
                    del out[j]
                    merged = True
                    break
            if merged:
                break
    return out


def _channel_margins(box: tuple[int, int, int, int]) -> tuple[int, ...]:
    """The local margin, and the box's diagonal if larger (capped): the two contexts of step 4.

    >>> _channel_margins((0, 0, 10, 20)), _channel_margins((0, 0, 60, 80)), _channel_margins((0, 0, 900, 5))
    ((45,), (45, 100), (45, 150))
    """
    own = min(MAX_CHANNEL_MARGIN_PX, round(math.hypot(box[2], box[3])))
    return (CHANNEL_MARGIN_PX,) if own <= CHANNEL_MARGIN_PX else (CHANNEL_MARGIN_PX, own)


def _edge_refine(detection: Detection) -> dict | None:
    """The image-wide refine that restores a pixel-coverage edge, if the outline is soft."""
    if detection.edge_sharpness >= SOFT_EDGE_SHARPNESS or detection.studio_fit < MIN_STUDIO_FIT:
        return None
    contrast = min(MAX_EDGE_CONTRAST, round(100.0 * (1.0 - detection.edge_sharpness)))
    return {"op": "refine", "contrast": float(contrast)}


def autofix_alpha(rgb: np.ndarray, ai_alpha: np.ndarray, detection: Detection | None = None) -> np.ndarray:
    """Detect (unless ``detection`` is given), propose and render: the auto-fixed alpha.

    Parameters
    ----------
    rgb : ndarray, shape (H, W, 3), uint8 or uint16
    ai_alpha : ndarray, shape (H, W), uint8
        Not modified.
    detection : Detection, optional
        :func:`core.detect.detect` of these inputs, when already computed.

    Returns
    -------
    ndarray, shape (H, W), uint8
        A new array.

    Raises
    ------
    CoreError, SizeMismatchError
        Bad inputs (see :func:`core.detect.detect`).

    Examples
    --------
    >>> rgb = np.full((40, 40, 3), 230, np.uint8); a = np.zeros((40, 40), np.uint8)
    >>> bool((autofix_alpha(rgb, a) == a).all())
    True
    """
    from core.render import render_alpha

    if detection is None:
        detection = detect(rgb, ai_alpha)
    recipe = propose_recipe(detection)
    if not recipe.ops:
        return ai_alpha.copy()
    return render_alpha(rgb, ai_alpha, recipe)


def _box_path(box: tuple[int, int, int, int], margin: int, width: int, height: int) -> str:
    """SVG path of ``box`` grown by ``margin`` px, clipped to the image."""
    x, y, w, h = box
    x0, y0 = max(0, x - margin), max(0, y - margin)
    x1, y1 = min(width, x + w + margin), min(height, y + h + margin)
    return f"M {x0} {y0} H {x1} V {y1} H {x0} Z"
