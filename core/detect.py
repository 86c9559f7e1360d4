"""Damage detection: where an AI background remover most likely got a jewelry photo wrong.

For a photo and its AI mask, :func:`detect` returns regions, each a box, a kind and a
confidence, and a risk score for the photo (the review queue sorts by it):

=============  ==================================================================================
kind           what the AI did, and how it is found
=============  ==================================================================================
``thin_loss``  dropped a prong, chain or wire 1-6 px wide: a ridge in the photo's luma, outside
               the mask's solid part, reaching away from it (:mod:`core.detect_thin`, full
               resolution)
``bleed``      left a solid part semi-transparent: a band of partial alpha where the photo shows
               the piece (:mod:`core.detect_edges`, work resolution)
``halo``       kept background under partial alpha (:mod:`core.detect_edges`)
``clipped``    cut off a part whose colour continues past the mask's edge (:mod:`core.detect_edges`)
=============  ==================================================================================

Orchestration only: the colour model (:mod:`core.detect_colours`), the finders, then
confidences and the risk. Boxes are ``(x, y, w, h)`` in pixels of the (upright) image, origin
top-left, as in recipe paths.

The JSON form (:meth:`Detection.to_dict`), which the service stores and shows::

    {"version": 1, "size": [W, H], "risk": 0.97, "studio_fit": 1.0, "edge_sharpness": 0.67,
     "regions": [{"box": [x, y, w, h], "kind": "thin_loss", "confidence": 0.87}, ...]}

``studio_fit`` under ~0.5 means the photo is no studio shot (cluttered background): every
colour or ridge confidence is scaled down by it. Under :data:`SHAPE_MODE_BELOW` those findings
are dropped and the detector turns to evidence that needs no studio: the mask's own shape
(:mod:`core.detect_shape`: opacity-bleed plateaus as ``bleed``; a mask with no thin structure
at all) and, for such a mask, the photo's colours through raise-only matting
(:func:`core.recover_strands.find_lost_strands`: strands as ``thin_loss``). :mod:`core.autofix`
repairs these with the same recipe ops (refine for bleed, ``recover`` for the strands).
"""

from __future__ import annotations

import math
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from core.detect_colours import colour_alpha, colour_model
from core.detect_edges import EdgeFinding, edge_sharpness, find_edge_damage
from core.detect_shape import OPEN_MASK_LEVEL, find_bleed_plateaus, openness
from core.detect_thin import ThinResult, ThinStructure, find_thin_loss
from core.errors import CoreError, SizeMismatchError

KINDS = ("thin_loss", "bleed", "halo", "clipped")  # the vocabulary of Region.kind
DETECTION_VERSION = 1
# Regions under this confidence are not reported (they would be noise in the review UI).
MIN_CONFIDENCE = 0.15
# At most this many regions per photo, the most confident first (a reviewer reads a list, and
# an auto-fix recipe stays far below core.limits.MAX_OPS).
MAX_REGIONS = 100
# Thin structures whose boxes come this close (px) are one region: a chain's links, a prong
# broken by the surviving stretches of the AI mask.
THIN_MERGE_GAP_PX = 8
# Confidence scales (see _thin_confidence and _edge_confidence).
THIN_Z0, THIN_Z_SCALE, THIN_PX_SCALE = 4.0, 4.0, 40.0
# A faint ridge is confirmed by its length: its excess over THIN_Z0 counts sqrt(pixels /
# THIN_LENGTH_PX) times (evidence adds up along a wire; noise makes no long ridge). A silver
# chain of 1800 ridge px at a median 6 sigmas counts as a short prong at 13 (dev_003).
THIN_LENGTH_PX = 100.0
NEUTRAL_DARK_FACTOR = 0.7
EDGE_PX_SCALE = 40.0
SHAPE_ONLY_CONFIDENCE = 0.4
# Not-a-studio-shot penalty, applied to every confidence. A cluttered scene shows ridges
# everywhere (ThinResult.clutter: the share of far background seeding a ridge; studio dev scenes
# 0.0001-0.007, the alphamatting.com photos 0.006-0.34), and its background is no smooth sweep
# (ColourModel.misfit: dev scenes 0.02-0.22, alphamatting.com 0.49-0.79), so neither a ridge nor
# a colour is evidence there. Full confidence up to the first number, none from the second.
CLUTTER_FREE, CLUTTER_FULL = 0.008, 0.02
MISFIT_FREE, MISFIT_FULL = 0.25, 0.4
# Under this studio fit the shape findings replace the colour and ridge ones (module notes).
SHAPE_MODE_BELOW = 0.5
# Clutter over this alone puts a photo under SHAPE_MODE_BELOW: its ridges are not traced and its
# colour model not built (their findings would be dropped; on a cluttered 24 MP photo that is
# ~1.3 s of the detector's time), and studio_fit is the clutter's factor alone.
SHAPE_MODE_CLUTTER = CLUTTER_FREE + (1.0 - SHAPE_MODE_BELOW) * (CLUTTER_FULL - CLUTTER_FREE)
# A plateau 5-12 px wide at a steady 0.2-0.65 alpha is strong evidence (no natural edge looks
# like it), but shape alone: at most this confidence.
PLATEAU_CONFIDENCE = 0.8
STRAND_PX_SCALE = 100.0


@dataclass(frozen=True)
class Region:
    """One place the AI most likely got wrong.

    Attributes
    ----------
    box : tuple of 4 int
        ``(x, y, w, h)`` in image pixels, inside the image, ``w, h >= 1``.
    kind : {'thin_loss', 'bleed', 'halo', 'clipped'}
    confidence : float
        0..1, rounded to 3 decimals.
    """

    box: tuple[int, int, int, int]
    kind: str
    confidence: float

    def to_dict(self) -> dict:
        """JSON form: ``{"box": [x, y, w, h], "kind": ..., "confidence": ...}``."""
        return {"box": list(self.box), "kind": self.kind, "confidence": self.confidence}


@dataclass(frozen=True)
class Detection:
    """What :func:`detect` found in one photo.

    Attributes
    ----------
    regions : tuple of Region
        Most confident first.
    risk : float
        0..1: the chance that the photo needs repair, ``1 - prod(1 - confidence)``.
    size : tuple of 2 int
        ``(width, height)`` of the image the boxes refer to.
    studio_fit : float
        0..1: how well the photo fits the studio model the detector relies on (a smooth sweep,
        few ridges away from the piece), to 3 decimals rounded down. Every confidence is scaled by
        it, so a low value means "cannot tell": such photos need a person, whatever their risk.
        Under :data:`SHAPE_MODE_BELOW` it is an upper bound when the background's clutter alone
        puts it there (the colour model is then not built: :data:`SHAPE_MODE_CLUTTER`).
    edge_sharpness : float
        0..1: the AI mask's edges against a pixel-coverage edge
        (:func:`core.detect_edges.edge_sharpness`); under ~0.85 the whole outline is
        softened (a veil of partial alpha all round), a photo-wide defect, not a region.
    """

    regions: tuple[Region, ...]
    risk: float
    size: tuple[int, int]
    studio_fit: float = 1.0
    edge_sharpness: float = 1.0

    def to_dict(self) -> dict:
        """JSON form: ``{"version", "size": [w, h], "risk", "studio_fit", "edge_sharpness", "regions": [...]}``."""
        return {
            "version": DETECTION_VERSION,
            "size": list(self.size),
            "risk": self.risk,
            "studio_fit": self.studio_fit,
            "edge_sharpness": self.edge_sharpness,
            "regions": [r.to_dict() for r in self.regions],
        }


def detect(rgb: np.ndarray, ai_alpha: np.ndarray) -> Detection:
    """Find the regions an AI mask most likely got wrong, and the photo's risk.

    Parameters
    ----------
    rgb : ndarray, shape (H, W, 3), uint8 or uint16
        The photo (upright, RGB). A 16-bit photo is looked at in 8 bits (its high bytes), as the
        ops that repair it analyse it: detection's thresholds are 8-bit levels.
    ai_alpha : ndarray, shape (H, W), uint8
        The AI remover's alpha. Neither input is modified.

    Returns
    -------
    Detection

    Raises
    ------
    CoreError
        Wrong dtype or shape.
    SizeMismatchError
        The mask's size differs from the photo's.

    Examples
    --------
    A gold ring on a white sweep whose 2 px prong the AI dropped:

    >>> rgb = np.full((160, 160, 3), 235, np.uint8); a = np.zeros((160, 160), np.uint8)
    >>> rgb[100:130, 40:120] = (200, 150, 50); a[100:130, 40:120] = 255
    >>> rgb[60:100, 79:81] = (200, 150, 50)
    >>> d = detect(rgb, a)
    >>> [(r.kind, r.box) for r in d.regions], d.risk > 0.5
    ([('thin_loss', (77, 59, 6, 38))], True)
    """
    _check_inputs(rgb, ai_alpha)
    if rgb.dtype == np.uint16:
        rgb = (rgb >> 8).astype(np.uint8)
    height, width = ai_alpha.shape
    thin = find_thin_loss(rgb, ai_alpha, max_clutter=SHAPE_MODE_CLUTTER)
    studio = _clutter_factor(thin.clutter)
    model = colour_model(rgb, ai_alpha) if studio >= SHAPE_MODE_BELOW else None
    if model is not None:
        studio = min(studio, _misfit_factor(model.misfit))
    if model is not None and studio >= SHAPE_MODE_BELOW:
        regions = _thin_regions(thin, (width, height), studio)
        edges = find_edge_damage(model, colour_alpha(model))
        regions += [_edge_region(f, (width, height), studio) for f in edges]
    else:
        regions = _shape_regions(rgb, ai_alpha, (width, height))
    regions = [r for r in regions if r.confidence >= MIN_CONFIDENCE]
    regions.sort(key=lambda r: (-r.confidence, r.kind, r.box))
    regions = regions[:MAX_REGIONS]
    survive = math.prod(1.0 - r.confidence for r in regions)
    sharpness = round(edge_sharpness(ai_alpha), 3)
    # Rounded down: a photo in shape mode never reports a fit of SHAPE_MODE_BELOW or more.
    reported = math.floor(studio * 1000.0) / 1000.0
    return Detection(tuple(regions), round(1.0 - survive, 3), (width, height), reported, sharpness)


def _shape_regions(rgb: np.ndarray, ai_alpha: np.ndarray, size: tuple[int, int]) -> list[Region]:
    """Findings for a photo that is no studio shot (module notes)."""
    from core.recover_strands import find_lost_strands

    # The plateaus are found beside the strand search, whose solve leaves a core idle at times
    # (OpenCV and the solver release the GIL): 0.3 s less on the 24 MP cluttered scene.
    with ThreadPoolExecutor(1) as pool:
        plateaus = pool.submit(find_bleed_plateaus, ai_alpha)
        strands = find_lost_strands(rgb, ai_alpha) if openness(ai_alpha) < OPEN_MASK_LEVEL else ()
        regions = [
            Region(_clip_box(f.box, size), "bleed",
                   round(PLATEAU_CONFIDENCE * (1.0 - math.exp(-f.pixels / EDGE_PX_SCALE)), 3))
            for f in plateaus.result()
        ]
    for strand in strands or ():
        confidence = 1.0 - math.exp(-strand.pixels / STRAND_PX_SCALE)
        regions.append(Region(_clip_box(strand.box, size), "thin_loss", round(confidence, 3)))
    return regions


def _thin_regions(thin: ThinResult, size: tuple[int, int], studio: float) -> list[Region]:
    regions = []
    for group in _group_boxes(thin.structures, THIN_MERGE_GAP_PX):
        pixels = sum(s.pixels for s in group)
        strength = sum(s.strength * s.pixels for s in group) / pixels
        neutral = sum(s.pixels for s in group if s.neutral_dark) > pixels / 2
        confidence = _thin_confidence(strength, pixels, neutral) * studio
        regions.append(Region(_clip_box(_union(s.box for s in group), size), "thin_loss", round(confidence, 3)))
    return regions


def _thin_confidence(strength: float, pixels: int, neutral: bool) -> float:
    """Stronger ridges and longer structures are surer; neutral dark ones (shape only) less so.

    A structure's excess strength over :data:`THIN_Z0` is weighted by ``sqrt(pixels /
    THIN_LENGTH_PX)`` (at least 1): hysteresis grows every wire through 4-sigma pixels, so
    a faint wire's median stays near 5-6 sigmas however long it is, while its evidence adds up
    along it.
    """
    length = math.sqrt(max(1.0, pixels / THIN_LENGTH_PX))
    by_strength = 1.0 - math.exp(-max(strength - THIN_Z0, 0.0) * length / THIN_Z_SCALE)
    by_size = 1.0 - math.exp(-pixels / THIN_PX_SCALE)
    return by_strength * by_size * (NEUTRAL_DARK_FACTOR if neutral else 1.0)


def _edge_region(finding: EdgeFinding, size: tuple[int, int], studio: float) -> Region:
    return Region(_clip_box(finding.box, size), finding.kind, round(_edge_confidence(finding) * studio, 3))


def _edge_confidence(finding: EdgeFinding) -> float:
    """Colour-confirmed findings can reach 1; shape-only ones at most SHAPE_ONLY_CONFIDENCE."""
    by_size = 1.0 - math.exp(-finding.pixels / EDGE_PX_SCALE)
    by_colour = SHAPE_ONLY_CONFIDENCE + (1.0 - SHAPE_ONLY_CONFIDENCE) * finding.colour_share
    return by_size * by_colour


def _misfit_factor(misfit: float) -> float:
    if misfit <= MISFIT_FREE:
        return 1.0
    return max(0.0, 1.0 - (misfit - MISFIT_FREE) / (MISFIT_FULL - MISFIT_FREE))


def _clutter_factor(clutter: float) -> float:
    if clutter <= CLUTTER_FREE:
        return 1.0
    return max(0.0, 1.0 - (clutter - CLUTTER_FREE) / (CLUTTER_FULL - CLUTTER_FREE))


def _group_boxes(structures: tuple[ThinStructure, ...], gap: int) -> list[list[ThinStructure]]:
    """Structures whose boxes, grown by ``gap`` px, overlap (transitively) form one group."""
    groups = [[s] for s in structures]
    boxes = [s.box for s in structures]
    merged = True
    while merged:
        merged = False
        for i in range(len(boxes)):
            for j in range(i + 1, len(boxes)):
                if _near(boxes[i], boxes[j], gap):
                    boxes[i] = _union((boxes[i], boxes[j]))
                    groups[i] += groups[j]
                    del boxes[j], groups[j]
                    merged = True
                    break
            if merged:
                break
    return groups


def _near(a, b, gap) -> bool:
    ax, ay, aw, ah = a
    bx, by, bw, bh = b
    return ax - gap < bx + bw and bx - gap < ax + aw and ay - gap < by + bh and by - gap < ay + ah


def _union(boxes) -> tuple[int, int, int, int]:
    boxes = list(boxes)
    x0 = min(b[0] for b in boxes)
    y0 = min(b[1] for b in boxes)
    x1 = max(b[0] + b[2] for b in boxes)
    y1 = max(b[1] + b[3] for b in boxes)
    return (x0, y0, x1 - x0, y1 - y0)


def _clip_box(box, size: tuple[int, int]) -> tuple[int, int, int, int]:
    width, height = size
    x, y, w, h = box
    x0, y0 = min(max(0, x), width - 1), min(max(0, y), height - 1)
    x1, y1 = max(x0 + 1, min(width, x + w)), max(y0 + 1, min(height, y + h))
    return (int(x0), int(y0), int(x1 - x0), int(y1 - y0))


def _check_inputs(rgb: np.ndarray, ai_alpha: np.ndarray) -> None:
    if (
        not isinstance(rgb, np.ndarray)
        or rgb.dtype not in (np.uint8, np.uint16)
        or rgb.ndim != 3
        or rgb.shape[2] != 3
    ):
        raise CoreError(f"the photo must be an (H, W, 3) uint8 or uint16 array, got {_describe(rgb)}")
    if not isinstance(ai_alpha, np.ndarray) or ai_alpha.dtype != np.uint8 or ai_alpha.ndim != 2:
        raise CoreError(f"the AI mask must be an (H, W) uint8 array, got {_describe(ai_alpha)}")
    if ai_alpha.shape != rgb.shape[:2]:
        h, w = rgb.shape[:2]
        mh, mw = ai_alpha.shape
        raise SizeMismatchError(f"the AI mask is {mw}x{mh} but the photo is {w}x{h}")
    if min(ai_alpha.shape) < 1:
        raise CoreError("the image is empty")


def _describe(value) -> str:
    if isinstance(value, np.ndarray):
        return f"{value.dtype} array of shape {value.shape}"
    return type(value).__name__
