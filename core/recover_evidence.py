"""What a photo's own known pixels say about a lost strand: colour and line evidence for :mod:`core.recover`.

A lost strand, prong or twig is the object's own material, thin and line-shaped. Around a mask
the photo shows both sides of the question: the mask's solid edge (the object, its pixels next
to the background) and the background just past the search reach. Both are sampled per
recover op, half of each is held out, and each test is calibrated on the held-out half, so a
photo decides for itself how far its colours can be trusted:

- **Colour** (:class:`ColourEvidence`): a pixel is object-like when its k-nearest-neighbour
  density ratio in Lab (object samples against background samples) passes a threshold that lets
  :data:`COLOUR_FALSE_PASS` of the held-out background through, and it lies among the object's
  colours (no farther from them than the farthest held-out object colour: a reddish blotch of
  wall that is only *nearer* the object's colours than the ring's is not the object). Samples
  are held out by :data:`HOLD_OUT_BLOCK_PX` squares of a checkerboard, not pixel by pixel: a
  neighbour of a fitted pixel has its colour and would make any threshold look safe. The test
  is *trusted* only when
  at least :data:`COLOUR_MIN_PASS` of the held-out object passes it too: where object and
  background share their colours (a wire mesh over a similar wall, yarn over its own colours)
  colour is no evidence and is not used. Its alpha (:meth:`ColourEvidence.alpha`) is the pixel's
  position between its nearest object and background colours.
- **Line** (:func:`ridge_strength`): the photo projected on the colour axis that best separates
  the object's samples from the background's (Fisher's discriminant), then a multi-scale Hessian
  ridge filter (sigma 1-2 px: bars 2-7 px wide) for bright lines along that axis. The threshold
  is the background ring's own :data:`RIDGE_QUANTILE` response.
- **Line alpha** (:func:`line_alpha`): on the same axis, a thin line's level over the level an
  opening leaves beside it, scaled by the line's own middle (or the object's level, if higher):
  the alpha of a strand the solve underrates, mixed rim partial.
- **Veto** (:func:`background_coloured`): where colour is trusted, a group the solve raised
  whose solid pixels are almost all unlike the object (under :data:`VETO_OBJECT_SHARE`) and
  mostly like the background (:meth:`ColourEvidence.background_like`, at least
  :data:`VETO_BACKGROUND_SHARE`) is a background line next to the piece, not a lost part of
  it, and is refused. Like the background too: a strand of a second metal (white-gold prongs on
  a yellow band) is unlike the mask edge's colours, but over a plain background the background
  has not shown its colour either and it is kept (judged on "unlike the object" alone, 29 of
  108 synthetic two-tone strands were refused, now 10: those running on past the reach, whose
  colour the background samples then show). Over a busy background nearly every colour is
  background-like (:data:`BACKGROUND_REACH_QUANTILE`), so there only object-coloured groups
  are kept. On a correct mask of a gold ring over blocks of colour crossed by 2-5 px cables, a
  recover op raised 55-260 px without the veto and 3-80 with it; on the real photos it changes
  under 0.1 % of what is raised.
- **Guards** (:func:`thin_and_joined`): the remover loses only thin parts and they hang on the
  piece, so evidence counts only in groups that a 7 px opening mostly removes and that touch the
  mask or what matting already recovered.

Measured on the real photos of ``python -m benchmarks.detect_bench --scenes real`` (separation of
the truly lost thin pixels from the rest of the band, ROC AUC): colour 0.77-1.00 (wire mesh and
yarn the lowest: there the held-out check turns colour off), ridge 0.70-0.99.
"""

from __future__ import annotations

import cv2
import numpy as np

__all__ = [
    "ColourEvidence",
    "axis_projection",
    "background_coloured",
    "lab_of",
    "line_alpha",
    "line_response",
    "not_object_leaning",
    "ridge_strength",
    "samples_of",
    "thin_and_joined",
]

EDGE_SAMPLE_PX = 4.0  # object samples: solid pixels this close to the mask's edge
RING_PX = 10.0  # background samples: this wide a ring just past the search reach
MIN_SAMPLES = 200  # per side: fewer, and a photo says nothing
MAX_SAMPLES = 4000  # per side (evenly spaced): the evidence adds ~1 s to a recover render of 145,000 band px
HOLD_OUT_BLOCK_PX = 24  # calibration samples lie on other 24 px squares than the fitted ones
COLOUR_K = 10
COLOUR_FALSE_PASS = 0.01
COLOUR_MIN_PASS = 0.8
OBJECT_REACH_QUANTILE = 1.0  # among the object's colours: no farther from them than any held-out object colour
# Among the background's colours: no farther from them (3rd neighbour) than any held-out
# background colour. On a plain wall that is a few Lab units, so a second metal is not
# background-like and keeps its strand; on a busy wall (blocks and cables) it is 23-46 Lab and
# 68-98 % of all colours pass, so there only the object's own colours keep a raised group: any
# colour may be the background's. Measured against 90 % of them (a 3-7 Lab reach): cables next
# to a ring raised 1,187-1,335 px in 12 scenes instead of 230-236 (2,146 unvetoed), and the
# synthetic two-tone prongs over busy walls lost 1-2 of the 2 the solve raises either way.
BACKGROUND_REACH_QUANTILE = 1.0
BACKGROUND_REACH_K = 3  # a cable crossing the sampled ring leaves only a few samples
RIDGE_SIGMAS = (1.0, 1.5, 2.0)
RIDGE_QUANTILE = 0.95
# line_alpha's denominator: at least this share of the samples' gap (a line over a stretch of wall
# nearly as light as the object is not blown up to full alpha by a tiny difference).
LINE_MIN_CONTRAST = 0.2
WIDE_SHARE = 0.5  # a group of which half survives the opening is wide
# A raised group is background when fewer than this share of its solid pixels are object-like
# (colour trusted): a cable or twig of another colour running behind the piece (cables' groups:
# 0 %). Not 10 %: a 1 px gold wire over an orange block, its pixels mixed with the block, raised
# a group of which 9 % were object-like.
VETO_OBJECT_SHARE = 0.05
VETO_MIN_PX = 3  # solid pixels a group needs before its colour says anything
# ... and at least this share of them background-like: a strand of a second metal (white-gold
# prongs on a yellow band) is unlike the object's samples but unlike the background's too.
VETO_BACKGROUND_SHARE = 0.5


def lab_of(rgb: np.ndarray) -> np.ndarray:
    """The photo in CIE Lab, float32 (OpenCV's 8-bit scale: L, a, b in 0..255), for 8- or 16-bit RGB.

    >>> lab_of(np.array([[[255, 255, 255]]], np.uint8)).tolist()
    [[[255.0, 128.0, 128.0]]]
    """
    if rgb.dtype != np.uint8:
        rgb = (rgb >> 8).astype(np.uint8)  # as core.render and core.matte reduce 16-bit colour
    return cv2.cvtColor(rgb, cv2.COLOR_RGB2LAB).astype(np.float32)


def samples_of(object_edge: np.ndarray, background_ring: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """Flat pixel indices of the object and the background samples, or None when either is too small.

    Parameters
    ----------
    object_edge, background_ring : ndarray of bool, shape (H, W)
        Where the two kinds of sample may come from.

    Returns
    -------
    (ndarray of int, ndarray of int), or None
        At most :data:`MAX_SAMPLES` of each, evenly spaced (deterministic: the same op gives the
        same samples, whatever window is rendered); None when either side has fewer than
        :data:`MIN_SAMPLES`.

    Examples
    --------
    >>> edge = np.zeros((100, 100), bool); edge[50:, :] = True
    >>> obj, bg = samples_of(edge, ~edge)
    >>> len(obj), len(bg), samples_of(edge[:1, :50], ~edge) is None
    (4000, 4000, True)
    """
    picked = []
    for where in (object_edge, background_ring):
        index = np.flatnonzero(where.ravel())
        if len(index) < MIN_SAMPLES:
            return None
        if len(index) > MAX_SAMPLES:
            index = index[np.linspace(0, len(index) - 1, MAX_SAMPLES).astype(np.int64)]
        picked.append(index)
    return picked[0], picked[1]


def _held_out(index: np.ndarray, width: int) -> np.ndarray:
    """Bool per sample: on the held-out squares of a :data:`HOLD_OUT_BLOCK_PX` checkerboard.

    Held-out samples lie a block away from most of the fitted ones, so the calibration sees
    colours the fitted samples have not, as the band's unknown pixels are.
    """
    y, x = np.divmod(index, width)
    return ((y // HOLD_OUT_BLOCK_PX + x // HOLD_OUT_BLOCK_PX) % 2).astype(bool)


class ColourEvidence:
    """Colour models of object and background from a photo's samples (module notes).

    Build with :meth:`fit`; ``held_out_pass`` is the share of the held-out object samples that
    pass ``threshold``.
    """

    def __init__(self, object_colours: np.ndarray, background_colours: np.ndarray) -> None:
        from scipy.spatial import cKDTree

        self.object_colours, self.background_colours = object_colours, background_colours
        self._object_tree, self._background_tree = cKDTree(object_colours), cKDTree(background_colours)
        self._k = min(COLOUR_K, len(object_colours), len(background_colours))
        self.threshold, self.reach, self.held_out_pass = np.inf, np.inf, 0.0
        self.background_threshold, self.background_reach = -np.inf, -np.inf

    @classmethod
    def fit(cls, lab: np.ndarray, object_index: np.ndarray, background_index: np.ndarray) -> ColourEvidence | None:
        """Fit on one checkerboard colour of the samples, calibrate on the other (:func:`_held_out`).

        Parameters
        ----------
        lab : ndarray, shape (H, W, 3), float32
            From :func:`lab_of`.
        object_index, background_index : ndarray of int
            Flat pixel indices, from :func:`samples_of`.

        Returns
        -------
        ColourEvidence, or None when a side has fewer than :data:`MIN_SAMPLES` // 2 on either
        half of the board.
        """
        flat, width = lab.reshape(-1, 3), lab.shape[1]
        halves = []
        for index in (object_index, background_index):
            held = _held_out(index, width)
            if min(np.count_nonzero(held), np.count_nonzero(~held)) < MIN_SAMPLES // 2:
                return None
            halves.append((flat[index[~held]], flat[index[held]]))
        (obj_fit, obj_held), (bg_fit, bg_held) = halves
        model = cls(obj_fit, bg_fit)
        model.threshold = float(np.quantile(model._score(bg_held), 1.0 - COLOUR_FALSE_PASS))
        model.reach = float(np.quantile(model._to_object(obj_held), OBJECT_REACH_QUANTILE))
        model.held_out_pass = float(np.mean(model.object_like(obj_held)))
        # The mirror image, for background_like: what lets 1 % of the held-out object through,
        # and no farther from the background's colours than any held-out background colour.
        model.background_threshold = float(np.quantile(model._score(obj_held), COLOUR_FALSE_PASS))
        model.background_reach = float(
            np.quantile(model._to_background(bg_held, BACKGROUND_REACH_K), BACKGROUND_REACH_QUANTILE)
        )
        return model

    @property
    def trusted(self) -> bool:
        return self.held_out_pass >= COLOUR_MIN_PASS

    def object_like(self, colours: np.ndarray) -> np.ndarray:
        """Bool per colour (N x 3 Lab): nearer the object's colours than the background's (the
        calibrated ``threshold``) and among them (no farther from them than ``reach``, what
        :data:`OBJECT_REACH_QUANTILE` of the held-out object colours are)."""
        to_object = self._to_object(colours)
        return (self._score(colours, to_object) > self.threshold) & (to_object <= self.reach)

    def background_like(self, colours: np.ndarray) -> np.ndarray:
        """Bool per colour (N x 3 Lab): nearer the background's colours than the object's (the
        calibrated ``background_threshold``) and among them (``background_reach``). A colour
        neither side has shown (a second metal) is neither object- nor background-like."""
        to_background = self._to_background(colours, BACKGROUND_REACH_K)
        return (self._score(colours) < self.background_threshold) & (to_background <= self.background_reach)

    def alpha(self, colours: np.ndarray) -> np.ndarray:
        """Per colour: its position from the mean of its 5 nearest background colours (0) to the
        mean of its 5 nearest object colours (1), clipped to 0..1."""
        f = self.object_colours[self._object_tree.query(colours, 5)[1]].mean(axis=1)
        b = self.background_colours[self._background_tree.query(colours, 5)[1]].mean(axis=1)
        d = f - b
        along = np.einsum("ij,ij->i", colours - b, d) / np.maximum(np.einsum("ij,ij->i", d, d), 1e-6)
        return np.clip(along, 0.0, 1.0).astype(np.float32)

    def _to_object(self, colours: np.ndarray) -> np.ndarray:
        """Lab distance to the k-th nearest object colour."""
        return self._object_tree.query(colours, self._k)[0].reshape(len(colours), -1)[:, -1]

    def _to_background(self, colours: np.ndarray, k: int | None = None) -> np.ndarray:
        """Lab distance to the k-th nearest background colour (k: ``COLOUR_K`` unless given)."""
        k = min(k or self._k, len(self.background_colours))
        return self._background_tree.query(colours, k)[0].reshape(len(colours), -1)[:, -1]

    def _score(self, colours: np.ndarray, to_object: np.ndarray | None = None) -> np.ndarray:
        """log of the k-th background neighbour's distance over the k-th object neighbour's:
        high where object colours are dense and background colours sparse."""
        if to_object is None:
            to_object = self._to_object(colours)
        to_background = self._background_tree.query(colours, self._k)[0].reshape(len(colours), -1)[:, -1]
        return np.log(to_background + 1.0) - np.log(to_object + 1.0)


def axis_projection(lab: np.ndarray, object_index: np.ndarray, background_index: np.ndarray) -> np.ndarray | None:
    """The photo on the colour axis that best separates the object's samples from the background's
    (Fisher's discriminant), scaled so that the two samples' means lie 1 apart.

    Parameters
    ----------
    lab : ndarray, shape (H, W, 3), float32
        From :func:`lab_of`.
    object_index, background_index : ndarray of int
        Flat pixel indices of the samples (:func:`samples_of`).

    Returns
    -------
    ndarray, shape (H, W), float32, or None
        The object's mean is 1 higher than the background's (the level itself is arbitrary);
        None when the samples' mean colours do not differ at all.
    """
    flat = lab.reshape(-1, 3)
    obj, bg = flat[object_index].astype(np.float64), flat[background_index].astype(np.float64)
    gap_vector = obj.mean(axis=0) - bg.mean(axis=0)
    within = np.cov(obj.T) + np.cov(bg.T) + np.eye(3)
    axis = np.linalg.solve(within, gap_vector)
    gap = float(gap_vector @ axis)
    if not gap > 1e-6:
        return None
    return ((lab @ axis.astype(np.float32)) / gap).astype(np.float32)


def ridge_strength(lab: np.ndarray, object_index: np.ndarray, background_index: np.ndarray) -> np.ndarray | None:
    """Bright-line response (module notes) on the object-vs-background colour axis.

    Parameters
    ----------
    lab, object_index, background_index
        As :func:`axis_projection`.

    Returns
    -------
    ndarray, shape (H, W), float32, or None
        >= 0, scale-normalised (0.35-0.45 on a 2-6 px line of the object's colour across the
        background, 0 on flat areas); None when the samples' mean colours do not differ at all.
    """
    projected = axis_projection(lab, object_index, background_index)
    return None if projected is None else line_response(projected)


def line_response(projected: np.ndarray) -> np.ndarray:
    """:func:`ridge_strength` of a projection from :func:`axis_projection`."""
    strength = np.zeros(projected.shape, np.float32)
    for sigma in RIDGE_SIGMAS:
        p = cv2.GaussianBlur(projected, (0, 0), sigma)
        dxx = cv2.Sobel(p, cv2.CV_32F, 2, 0, ksize=3) / 4
        dyy = cv2.Sobel(p, cv2.CV_32F, 0, 2, ksize=3) / 4
        dxy = cv2.Sobel(p, cv2.CV_32F, 1, 1, ksize=3) / 4
        half, root = (dxx + dyy) / 2, np.sqrt(((dxx - dyy) / 2) ** 2 + dxy**2)
        across, along = half - root, half + root  # a bright line curves down across it, not along it
        np.maximum(strength, np.maximum(-across - np.abs(along), 0) * (sigma * sigma), out=strength)
    return strength


def line_alpha(projected: np.ndarray, object_index: np.ndarray, background_index: np.ndarray, *, open_px: int) -> np.ndarray:
    """Alpha of thin lines unmixed from the background right beside them, on the colour axis.

    The channel-mask method on the object-vs-background axis: a line up to ``open_px - 1`` px
    wide is measured against the level an opening with an ``open_px`` disc leaves there (the
    background on both sides of it, whatever that background is locally), and scaled by how far
    the line's own colour lies from that level: ``(p - open(p)) / (top - open(p))``, where
    ``top`` is the highest level within 2 px (the line's middle) or the object samples' mean,
    whichever is higher, and the denominator is at least :data:`LINE_MIN_CONTRAST` of the
    samples' gap. A line of the object's colour reads 1 over a light or a dark stretch of wall
    alike, and so does a twig of a colour farther from the background than the object's mean
    (beige twigs on a green shrub); its mixed rim, and a hair finer than a pixel that never
    reaches the object's level, read what they cover.

    Parameters
    ----------
    projected : ndarray, shape (H, W), float32
        From :func:`axis_projection`.
    object_index, background_index : ndarray of int
        The samples the axis was fitted on.
    open_px : int
        The opening's disc.

    Returns
    -------
    ndarray, shape (H, W), float32
        0..1; meaningful on thin lines only (on wide areas it is 0, as the opening keeps them).

    Examples
    --------
    >>> p = np.zeros((20, 20), np.float32); p[:, 8:11] = 2.0; p[:, 11] = 1.0; p[:, 16] = 0.5
    >>> a = line_alpha(p, np.array([8]), np.array([0]), open_px=7)
    >>> [float(a[5, x]) for x in (9, 11, 16, 3)]  # the line, its rim, a fine hair, the wall
    [1.0, 0.5, 0.25, 0.0]
    """
    flat = projected.ravel()
    background = float(flat[background_index].mean())
    object_level = float(flat[object_index].mean())
    gap = object_level - background
    if not gap > 0:
        return np.zeros(projected.shape, np.float32)  # the axis does not separate them: no line reads as the object
    disc = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (open_px, open_px))
    beside = cv2.morphologyEx(projected, cv2.MORPH_OPEN, disc)
    top = np.maximum(cv2.dilate(projected, np.ones((5, 5), np.uint8)), object_level)
    contrast = np.maximum(top - beside, LINE_MIN_CONTRAST * gap)
    return np.clip((projected - beside) / contrast, 0.0, 1.0).astype(np.float32)


def thin_and_joined(extra: np.ndarray, base: np.ndarray, *, open_px: int) -> np.ndarray:
    """The pixels of ``extra`` in groups that are thin (an opening of ``extra`` with an
    ``open_px`` disc removes over half of each) and touch ``base`` (the mask and what is already
    accepted).

    Parameters
    ----------
    extra, base : ndarray of bool, shape (H, W)
    open_px : int
        The opening's disc (7: structures up to 6 px wide are thin).

    Returns
    -------
    ndarray of bool, shape (H, W)

    Examples
    --------
    >>> base = np.zeros((30, 30), bool); base[20:] = True
    >>> extra = np.zeros_like(base); extra[5:20, 3:5] = True; extra[8:20, 12:26] = True
    >>> kept = thin_and_joined(extra, base, open_px=7)
    >>> int(kept[:, :6].sum()), int(kept[:, 10:].sum())  # the 2 px strand stays, the blob goes
    (30, 0)
    """
    mask = extra.view(np.uint8)
    disc = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (open_px, open_px))
    survives = cv2.morphologyEx(mask, cv2.MORPH_OPEN, disc)
    n, labels = cv2.connectedComponents(mask, connectivity=8)
    total = np.bincount(labels.ravel(), minlength=n)
    wide = np.bincount(labels.ravel(), weights=survives.ravel().astype(np.float64), minlength=n)
    thin = wide < WIDE_SHARE * np.maximum(total, 1)
    thin[0] = False
    kept = extra & thin[labels]
    n, labels = cv2.connectedComponents((kept | base).view(np.uint8), connectivity=8)
    touching = np.zeros(n, bool)
    touching[np.unique(labels[base])] = True
    touching[0] = False
    return kept & touching[labels]


def long_groups(mask: np.ndarray, length: float) -> np.ndarray:
    """The pixels of ``mask`` in 8-connected groups whose bounding box's diagonal is at least
    ``length`` px (a line's length, whatever its slant).

    >>> m = np.zeros((20, 20), bool); m[2, 2:6] = True; m[10:18, 10:18] = np.eye(8, dtype=bool)
    >>> int(long_groups(m, 10).sum())  # the 4 px dash goes, the 8 px diagonal (11.3 px) stays
    8
    """
    n, labels, stats, _ = cv2.connectedComponentsWithStats(mask.view(np.uint8), connectivity=8)
    diagonal = np.hypot(stats[:, cv2.CC_STAT_WIDTH], stats[:, cv2.CC_STAT_HEIGHT])
    keep = diagonal >= length
    keep[0] = False
    return keep[labels]


def background_coloured(raised: np.ndarray, solid: np.ndarray, lab: np.ndarray, colour: ColourEvidence) -> np.ndarray:
    """The pixels of ``raised`` in groups whose ``solid`` pixels are almost all unlike the object
    and mostly like the background.

    A group (8-connected) with at least :data:`VETO_MIN_PX` solid pixels, under
    :data:`VETO_OBJECT_SHARE` of them object-like (:meth:`ColourEvidence.object_like`) and at
    least :data:`VETO_BACKGROUND_SHARE` background-like (:meth:`ColourEvidence.background_like`),
    is background; smaller groups say nothing and are kept. Use only with a trusted ``colour``.

    Parameters
    ----------
    raised, solid : ndarray of bool, shape (H, W)
        What the solve would raise, and where it reaches its acceptance level.
    lab : ndarray, shape (H, W, 3), float32
        From :func:`lab_of`.
    colour : ColourEvidence

    Returns
    -------
    ndarray of bool, shape (H, W)
    """
    counts = _group_colours(raised, solid, lab, colour)
    if counts is None:
        return np.zeros(raised.shape, bool)
    labels, counted, liked, seen = counts
    unlike_object = liked < VETO_OBJECT_SHARE * counted
    background = (counted >= VETO_MIN_PX) & unlike_object & (seen >= VETO_BACKGROUND_SHARE * counted)
    background[0] = False
    return background[labels]


def not_object_leaning(raised: np.ndarray, solid: np.ndarray, lab: np.ndarray, colour: ColourEvidence) -> np.ndarray:
    """The pixels of ``raised`` in groups whose ``solid`` pixels are not more often object-like
    than background-like: the stricter test for what only the photo's lines, not the solve, show.

    Nothing but a line's contrast speaks for such a group, so its colour must speak for the
    object. A 1 px cable of nearly the piece's gold, mixed with the dark wall behind it (a few of
    its pixels pass as the object's colour, most read as the wall's), and a dark hair on a white
    sweep beside a gold piece (a colour neither side has shown, which on the white-to-gold axis
    still reads as a line) are refused; :func:`background_coloured` keeps both. Groups with fewer
    than :data:`VETO_MIN_PX` solid pixels say nothing and are kept. Use only with a trusted
    ``colour``.
    """
    counts = _group_colours(raised, solid, lab, colour)
    if counts is None:
        return np.zeros(raised.shape, bool)
    labels, counted, liked, seen = counts
    refused = (counted >= VETO_MIN_PX) & (liked <= seen)
    refused[0] = False
    return refused[labels]


def _group_colours(
    raised: np.ndarray, solid: np.ndarray, lab: np.ndarray, colour: ColourEvidence
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None:
    """Per 8-connected group of ``raised``: (labels, solid pixels, object-like ones, background-like ones)."""
    n, labels = cv2.connectedComponents(raised.view(np.uint8), connectivity=8)
    if n <= 1:
        return None
    judged = np.flatnonzero((raised & solid).ravel())
    if not len(judged):
        return None
    group = labels.ravel()[judged]
    colours = lab.reshape(-1, 3)[judged]
    counted = np.bincount(group, minlength=n)
    liked = np.bincount(group, weights=colour.object_like(colours).astype(np.float64), minlength=n)
    seen = np.bincount(group, weights=colour.background_like(colours).astype(np.float64), minlength=n)
    return labels, counted, liked, seen
