"""What the channel-mask panel shows for a region: each channel's picture, score and histogram.

Photoshop's channel-mask method starts by looking at the R, G and B channels of the area side by
side and picking the one where the piece stands out most. For a region drawn in the editor this
module returns, per channel, a small greyscale picture of the region, core's contrast score
(:func:`core.channels.channel_scores`, the evidence the automatic choice uses) and the histogram
the Levels sliders sit on; plus the settings core would choose automatically
(:func:`core.channels.resolve_channel_params`). Only those public functions of ``core.channels``
are called; pictures and histograms are plain numpy here.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass

import cv2
import numpy as np

from jewelreview.catalog.models import Photo
from jewelreview.editor.inputs import photo_inputs
from jewelreview.editor.render_slots import render_slot
from jewelreview.errors import InvalidInput, TooLarge, from_core_error

CHANNELS = ("r", "g", "b")
# The analysis grows structures over the region's bounding box (~60 ms per 400 x 400 box, linear
# in pixels); 2000 x 2000 is about 1.5 s. Channel masks are for small areas around lost detail.
MAX_REGION_PIXELS = 2000 * 2000
# Long side of each channel's picture in the panel (three side by side in a 20rem panel).
PICTURE_LONG_SIDE = 192
# Outside the region the pictures are dimmed towards grey, so the region reads at a glance.
OUTSIDE_DIM = 0.35


@dataclass(frozen=True)
class ChannelLevels:
    channel: str
    black: float
    white: float
    gamma: float
    invert: bool
    adaptive: bool


@dataclass(frozen=True)
class ChannelAnalysis:
    box: tuple[int, int, int, int]  # x0, y0, x1, y1 of the region's pixels, clipped to the photo
    area: int  # pixels at least half inside the region
    scores: dict[str, float]
    best: str  # the channel "auto" uses
    histograms: dict[str, list[int]]  # 256 counts per channel, over the region's pixels
    pictures: dict[str, str]  # data: URLs of greyscale PNGs
    levels: ChannelLevels  # what core resolves for the requested channel (auto: the best one)


def channel_analysis(*, photo: Photo, region: str, channel: str = "auto", base: str = "ai") -> ChannelAnalysis:
    """Analyse the channels of ``photo`` inside ``region`` (SVG path data, image pixels)."""

    geometry = _region_parse(region)
    box = _region_box(geometry, photo)
    with render_slot():  # decoding and scoring a region costs as much as a preview
        return _analyse(photo, geometry, box, channel, base)


def _analyse(photo: Photo, geometry, box, channel: str, base: str) -> ChannelAnalysis:
    from core.channels import channel_scores, resolve_channel_params
    from core.errors import CoreError

    from core import rasterize

    coverage = rasterize.coverage(geometry, box)
    _require_area(coverage)
    inputs = photo_inputs(photo=photo)
    rgb = inputs.rgb8()[box.slices()]
    base_alpha = inputs.auto_alpha() if base == "auto" else inputs.ai_alpha
    ai_alpha = base_alpha[box.slices()]
    try:
        scores = channel_scores(rgb, coverage, ai_alpha=ai_alpha)
        auto = resolve_channel_params(rgb, coverage, ai_alpha, channel="auto")
        chosen = (
            auto
            if channel in ("auto", auto.channel)
            else resolve_channel_params(rgb, coverage, ai_alpha, channel=channel)
        )
    except CoreError as exc:
        raise from_core_error(exc) from None
    inside = coverage >= 128
    return ChannelAnalysis(
        box=(box.x0, box.y0, box.x1, box.y1),
        area=int(np.count_nonzero(inside)),
        scores={name: round(float(value), 3) for name, value in scores.items()},
        best=auto.channel,
        histograms={name: _histogram(rgb[..., k], inside) for k, name in enumerate(CHANNELS)},
        pictures={name: _picture(rgb[..., k], coverage) for k, name in enumerate(CHANNELS)},
        levels=ChannelLevels(
            channel=chosen.channel,
            black=round(float(chosen.black), 2),
            white=round(float(chosen.white), 2),
            gamma=float(chosen.gamma),
            invert=bool(chosen.invert),
            adaptive=bool(chosen.adaptive),
        ),
    )


def _region_parse(region: str):
    from core.errors import InvalidPathError
    from core.geometry import parse_path
    from core.limits import MAX_PATH_DATA_CHARS

    if len(region) > MAX_PATH_DATA_CHARS:
        raise InvalidInput(
            f"region: path data is longer than {MAX_PATH_DATA_CHARS} characters.",
            code="invalid_region",
            details={"field": "region"},
        )
    try:
        return parse_path(region)
    except InvalidPathError as exc:
        raise InvalidInput(f"region: {exc}", code="invalid_region", details={"field": "region"}) from None


def _region_box(geometry, photo: Photo):
    from core.window import Rect

    x0, y0, x1, y1 = geometry.bbox
    if x0 == x1 or y0 == y1:  # a point or a straight line along x or y: no box at all
        raise InvalidInput(NO_AREA, code="invalid_region", details={"field": "region"})
    box = geometry.window().clip(Rect(0, 0, photo.width, photo.height))
    if box.empty:
        raise InvalidInput(
            "region: the region lies outside the photo.", code="invalid_region", details={"field": "region"}
        )
    if box.area > MAX_REGION_PIXELS:
        raise TooLarge(
            f"region: its box is {box.width} x {box.height} px; channel masks take at most "
            f"{MAX_REGION_PIXELS} px. Draw a smaller region around the lost detail.",
            code="region_too_large",
            details={"field": "region", "limit_pixels": MAX_REGION_PIXELS},
        )
    return box


NO_AREA = "region: the region has no area (its points lie on one line); draw around the lost detail."


def _require_area(coverage: np.ndarray) -> None:
    """Refuse a region no pixel is at least half inside: there is nothing to analyse."""
    if np.count_nonzero(coverage >= 128):
        return
    message = NO_AREA if not coverage.any() else (
        "region: the region is too thin: no pixel is even half inside it; draw it wider around the lost detail."
    )
    raise InvalidInput(message, code="invalid_region", details={"field": "region"})


def _histogram(channel: np.ndarray, inside: np.ndarray) -> list[int]:
    return np.bincount(channel[inside], minlength=256).astype(int).tolist()


def _picture(channel: np.ndarray, coverage: np.ndarray) -> str:
    """The channel as a greyscale PNG data URL, dimmed outside the region, long side <= PICTURE_LONG_SIDE."""
    weight = OUTSIDE_DIM + (1 - OUTSIDE_DIM) * (coverage.astype(np.float32) / 255)
    grey = channel.astype(np.float32) * weight + 128 * (1 - weight)
    picture = np.clip(grey + 0.5, 0, 255).astype(np.uint8)
    height, width = picture.shape
    factor = PICTURE_LONG_SIDE / max(height, width)
    if factor < 1:
        size = (max(1, round(width * factor)), max(1, round(height * factor)))
        picture = cv2.resize(picture, size, interpolation=cv2.INTER_AREA)
    ok, data = cv2.imencode(".png", picture)
    if not ok:  # OpenCV encodes any 2-D uint8 array; this would be a broken installation
        raise RuntimeError("OpenCV could not encode a PNG")
    return "data:image/png;base64," + base64.b64encode(data.tobytes()).decode("ascii")
