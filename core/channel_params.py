"""The resolved settings of a channel op: what :func:`core.channels.resolve_channel_params` decides.

Plain params are exactly Photoshop's: a channel, Levels (black, white, gamma) and Invert.
Adaptive params (automatic levels) say how the mask was measured: the background plane, and one
or two *sources* (a channel and a direction) with Levels on the channel flattened against that
plane, whose background sits at ``reference`` (so the numbers mean what they mean in Photoshop,
at the region's average background). The first source is in the top-level fields; ``also`` holds
the other direction's best channel when the piece shows both (:mod:`core.channel_structure`).
"""

from __future__ import annotations

from dataclasses import dataclass

from core.errors import InvalidRecipeError
from core.levels import check_gamma, check_levels, check_point

CHANNELS = ("r", "g", "b")


@dataclass(frozen=True)
class AdaptiveSource:
    """A further source of an adaptive mask (fields as in :class:`ChannelParams`)."""

    channel: str
    invert: bool
    black: float
    white: float
    reference: float
    offset: float = 0.0
    noise: float = 1.0

    def __post_init__(self) -> None:
        _check_source(self.channel, self.black, self.white, 1.0, self.noise)

    def contrast_levels(self) -> tuple[float, float]:
        """``(lo, hi)``: the Levels points as contrast above the background (see :func:`to_contrast`)."""
        return to_contrast(self.black, self.white, self.reference, self.invert)


@dataclass(frozen=True)
class ChannelParams:
    """Fully resolved settings of one channel op (nothing automatic left).

    Attributes
    ----------
    channel : {'r', 'g', 'b'}
    black, white : float
        Levels input points, ``0 <= black < white <= 255``. With ``adaptive`` they apply to the
        flattened channel, whose background sits at ``reference``.
    gamma : float
        Levels midtone gamma, 0.1..10 (1 = linear; > 1 lightens midtones, as in Photoshop).
    invert : bool
        Invert after Levels: the piece is darker than the background.
    adaptive : bool
        Automatic levels: flatten against ``background``, ignore shadows, keep structure only.
    background : tuple of 9 floats
        ``(c0, cx, cy)`` for R, G, B: the background plane ``c0 + cx * x + cy * y``, x and y in
        pixels from the top-left corner of the region's bounding box. Empty unless adaptive.
    reference : float
        The channel's mean background level over the region (adaptive only).
    offset, noise : float
        Median and robust sigma, in levels, of the flattened contrast of background pixels
        (adaptive only): the structure test counts contrast in these sigmas.
    also : tuple of AdaptiveSource
        Adaptive only: the other direction's best channel, when the piece shows there too (a
        highlight-lit prong's dark reflections); its mask joins this one's (maximum).

    Examples
    --------
    >>> ChannelParams('g', 50, 150).invert
    False
    >>> ChannelParams('g', 150, 50)
    Traceback (most recent call last):
    ...
    core.errors.InvalidRecipeError: white: must be greater than black (150), got 50
    """

    channel: str
    black: float
    white: float
    gamma: float = 1.0
    invert: bool = False
    adaptive: bool = False
    background: tuple[float, ...] = ()
    reference: float = 0.0
    offset: float = 0.0
    noise: float = 1.0
    also: tuple[AdaptiveSource, ...] = ()

    def __post_init__(self) -> None:
        _check_source(self.channel, self.black, self.white, self.gamma, self.noise)
        if self.adaptive and len(self.background) != 9:
            raise InvalidRecipeError(
                "adaptive levels need 9 background numbers and a positive noise", field="background"
            )
        if self.also and not self.adaptive:
            raise InvalidRecipeError("further sources need adaptive levels", field="also")

    def sources(self) -> tuple[AdaptiveSource, ...]:
        """Every source of an adaptive mask, this one first."""
        first = AdaptiveSource(
            self.channel, self.invert, self.black, self.white, self.reference, self.offset, self.noise
        )
        return (first, *self.also)


def to_contrast(black: float, white: float, reference: float, invert: bool) -> tuple[float, float]:
    """Levels on a flattened channel -> ``(lo, hi)``, the same points as contrast above the background.

    The flattened channel is ``reference + e`` for a lighter source and ``reference - e`` for a
    darker (inverted) one, e being the contrast; Levels then Invert map e linearly from 0 at
    ``lo`` to 1 at ``hi``.

    Examples
    --------
    >>> to_contrast(210, 230, 200, False), to_contrast(170, 190, 200, True)
    ((10, 30), (10, 30))
    """
    return (reference - white, reference - black) if invert else (black - reference, white - reference)


def from_contrast(lo: float, hi: float, reference: float, invert: bool) -> tuple[float, float]:
    """The inverse of :func:`to_contrast`: ``(black, white)`` on the flattened channel.

    Examples
    --------
    >>> from_contrast(10, 30, 200, True)
    (170, 190)
    """
    return (reference - hi, reference - lo) if invert else (reference + lo, reference + hi)


def check_settings(channel, black, white, gamma, invert) -> None:
    """Validate a channel op's settings as the recipe gives them (None = automatic).

    Raises
    ------
    InvalidRecipeError
        Naming the field.

    Examples
    --------
    >>> check_settings("auto", None, 30, 1.0, None)
    >>> check_settings("x", None, None, 1.0, None)
    Traceback (most recent call last):
    ...
    core.errors.InvalidRecipeError: channel: must be one of auto, r, g, b, got 'x'
    """
    if channel not in (*CHANNELS, "auto"):
        raise InvalidRecipeError(f"must be one of auto, {', '.join(CHANNELS)}, got {channel!r}", field="channel")
    if black is not None:
        check_point("black", black)
    if white is not None:
        check_point("white", white)
    if black is not None and white is not None and white <= black:
        raise InvalidRecipeError(f"must be greater than black ({black:g}), got {white:g}", field="white")
    check_gamma(gamma)
    if invert is not None and not isinstance(invert, bool):
        raise InvalidRecipeError(f"must be true, false or null, got {invert!r}", field="invert")


def _check_source(channel: str, black: float, white: float, gamma: float, noise: float) -> None:
    if channel not in CHANNELS:
        raise InvalidRecipeError(f"must be one of {', '.join(CHANNELS)}, got {channel!r}", field="channel")
    check_levels(black, white, gamma)
    if not noise > 0:
        raise InvalidRecipeError("adaptive levels need 9 background numbers and a positive noise", field="background")
