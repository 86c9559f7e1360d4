"""Crop previews: the recipe rendered over the part of the photo the editor shows, as a PNG.

Orchestration of named steps: validate the recipe and the window, take the decoded inputs from
this process's cache (:mod:`jewelreview.editor.inputs`), render the window, shrink it to the
screen's scale, encode.

Two renders, chosen by scale (``core.reduced.level_factor``):

- at 50 % and above, ``core``'s windowed render at full resolution: exactly the pixels of the
  full render, whatever the window;
- below 50 % (zoomed out, up to fit), a reduced-resolution approximation: the recipe scaled and
  rendered on a cached pyramid level of the photo at 1.4-2x the screen's scale, then shrunk
  (``core.reduced.render_reduced``). A whole 24 MP photo with a heavy recipe takes ~0.1 s this
  way instead of ~1 s; what it can miss (1-2 px wires) is below a screen pixel at those zooms.

``Preview.level`` says which one answered (1.0 exact), and the API sends it as
``X-Preview-Level``.

Previews are never larger than their window: above 100 % the browser magnifies the pixels
itself (nearest neighbour), which costs nothing on the server and keeps answers small.
"""

from __future__ import annotations

import dataclasses
import math
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from core.errors import RenderTooSlowError
from jewelreview.catalog.models import Photo
from jewelreview.editor.inputs import PhotoInputs, photo_inputs
from jewelreview.editor.render_slots import render_slot
from jewelreview.errors import InvalidInput, TooLarge, Unprocessable, from_core_error

if TYPE_CHECKING:
    from core.recipe import Recipe

# 4096 x 4096 output pixels: a 4K screen's whole viewer at device resolution fits; a bigger
# preview would take longer to encode and send than the retoucher waits for a preview.
MAX_PREVIEW_PIXELS = 4096 * 4096
# 16 MP rendered, whatever the output: the render's working memory (~30 bytes a pixel across the
# recipe's masks and layers) stays near 0.5 GB. Without it a 0.5 scale window of a 67 MP photo
# would render all 67 MP exactly. Bigger windows render from a pyramid level (core.reduced) that
# brings them under this, or are refused.
MAX_RENDER_PIXELS = 4096 * 4096
# Below this scale a preview shows less than one output pixel per 64 image pixels: nothing to see.
MIN_PREVIEW_SCALE = 1 / 64
# A preview that has not finished its ops this long after taking its render slot starts no
# further op and is refused (``preview_too_slow``): one of the two slots is held at most this
# long plus one op, however heavy the recipe (QA: 20 refine ops of feather 250 held one for
# 30 s, 500 for minutes, while every other retoucher's previews got 503). Ordinary previews take
# 0.02-0.3 s; saved revisions render in the background with no such limit.
PREVIEW_SECONDS = 15.0


@dataclass(frozen=True)
class Window:
    """Integer image pixels ``[x0, x1) x [y0, y1)`` of the upright photo."""

    x0: int
    y0: int
    x1: int
    y1: int

    @property
    def width(self) -> int:
        return self.x1 - self.x0

    @property
    def height(self) -> int:
        return self.y1 - self.y0


@dataclass(frozen=True)
class Preview:
    png: bytes
    window: Window
    width: int
    height: int
    timings: dict[str, float]  # milliseconds per step
    level: float = 1.0  # the resolution rendered at over the photo's: 1.0 exact, < 1 approximate


def preview_render(*, photo: Photo, recipe: Any, window: Window, scale: float) -> Preview:
    """Render ``recipe`` over ``window`` of ``photo`` at ``scale`` (output px per image px, <= 1).

    Raises InvalidInput (the recipe, naming op and field; a window outside the photo; a scale
    out of range), TooLarge (more than ``MAX_PREVIEW_PIXELS`` output pixels, or a window too big
    to render under ``MAX_RENDER_PIXELS`` even from a pyramid level), Unprocessable
    (``preview_too_slow``: the ops took over ``PREVIEW_SECONDS``) or Busy (no render slot).
    """
    started = time.perf_counter()
    parsed = _recipe_parse(recipe)
    _window_check(window, photo)
    size = _output_size(window, scale)
    level = _render_level(window, scale)
    _working_area_check(parsed, window, photo, level)
    with render_slot():
        return _preview_make(photo, parsed, window, scale, size, level, started)


def _preview_make(photo: Photo, parsed, window: Window, scale: float, size, level: float, started: float) -> Preview:
    from core import codecs

    deadline = time.perf_counter() + PREVIEW_SECONDS
    inputs = photo_inputs(photo=photo)
    level_inputs = inputs.level(level, base=parsed.base) if level < 1 else None  # built once per photo
    decoded = time.perf_counter()
    try:
        if level_inputs is not None:
            rgb, alpha = _render_reduced(level_inputs, parsed, window, scale, level, deadline)
        else:
            rgb, alpha = _render(inputs, parsed, window, deadline)
    except RenderTooSlowError as exc:
        raise _too_slow(exc, parsed) from None
    rendered = time.perf_counter()
    if (alpha.shape[1], alpha.shape[0]) != size:
        rgb, alpha = codecs.resize_rgba(rgb, alpha, size)  # premultiplied area average, as core's previews
    shrunk = time.perf_counter()
    png = codecs.encode_png(rgb, alpha)
    done = time.perf_counter()
    timings = {
        "inputs": _ms(decoded - started),
        "render": _ms(rendered - decoded),
        "shrink": _ms(shrunk - rendered),
        "encode": _ms(done - shrunk),
        "total": _ms(done - started),
    }
    return Preview(png=png, window=window, width=size[0], height=size[1], timings=timings, level=level)


def _too_slow(exc: RenderTooSlowError, recipe: Recipe) -> Unprocessable:
    """The refusal, naming the op as the recipe numbers them (the render counts enabled ops only)."""
    stopped = recipe.active_ops()[exc.op_index]
    index = next(i for i, op in enumerate(recipe.ops) if op is stopped)
    return Unprocessable(
        f"This preview took more than {PREVIEW_SECONDS:g} s and was stopped before op {index + 1} of "
        f"{len(recipe.ops)}: the recipe is too heavy to preview at this zoom. Zoom out (previews below 50 % "
        "render from a smaller copy of the photo), or use fewer or smaller blurs and regions; a saved "
        "revision renders in the background whatever it takes.",
        code="preview_too_slow",
        details={"limit_seconds": PREVIEW_SECONDS, "op_index": index, "ops": len(recipe.ops)},
    )


def _render(inputs: PhotoInputs, recipe, window: Window, deadline: float) -> tuple[np.ndarray, np.ndarray]:
    from core import render as core_render
    from core.errors import CoreError
    from core.window import Rect

    ai_alpha = inputs.ai_alpha
    if recipe.base == "auto":
        # The same pixels as core's own "auto" base, computed once per photo instead of per preview.
        ai_alpha = inputs.auto_alpha()
        recipe = dataclasses.replace(recipe, base="ai")
    try:
        result = core_render.render_window(
            inputs.image, ai_alpha, recipe, Rect(window.x0, window.y0, window.x1, window.y1), deadline=deadline
        )
    except RenderTooSlowError:
        raise
    except CoreError as exc:
        raise from_core_error(exc) from None
    rgb = result.rgb if result.rgb.dtype == np.uint8 else (result.rgb >> 8).astype(np.uint8)
    return rgb, result.alpha


def _render_reduced(
    level_inputs: tuple[np.ndarray, np.ndarray], recipe, window: Window, scale: float, level: float, deadline: float
) -> tuple[np.ndarray, np.ndarray]:
    """The approximate render from the photo's cached pyramid level (already at the output size)."""
    from core.errors import CoreError
    from core.reduced import render_reduced
    from core.window import Rect

    level_rgb, level_alpha = level_inputs
    try:
        result = render_reduced(
            level_rgb, level_alpha, recipe, Rect(window.x0, window.y0, window.x1, window.y1), scale, level,
            deadline=deadline,
        )
    except RenderTooSlowError:
        raise
    except CoreError as exc:
        raise from_core_error(exc) from None
    return result.rgb, result.alpha

def _recipe_parse(recipe: Any):
    from core.errors import CoreError
    from core.recipe import Recipe

    try:
        # With the edge-row budget, as a save: the editor's unsaved recipe is new work, drawn inside
        # the request (only stored revisions render without it, in the render task).
        return Recipe.from_dict(recipe)
    except CoreError as exc:
        raise from_core_error(exc) from None


def _window_check(window: Window, photo: Photo) -> None:
    if not (0 <= window.x0 < window.x1 <= photo.width and 0 <= window.y0 < window.y1 <= photo.height):
        raise InvalidInput(
            f"The window {window.x0},{window.y0} - {window.x1},{window.y1} is not a non-empty part of the "
            f"{photo.width} x {photo.height} photo.",
            code="invalid_window",
            details={"field": "rect", "width": photo.width, "height": photo.height},
        )


def _output_size(window: Window, scale: float) -> tuple[int, int]:
    if not MIN_PREVIEW_SCALE <= scale <= 1:
        raise InvalidInput(
            f"scale must be between 1/64 and 1 (output pixels per image pixel), got {scale:g}.",
            code="invalid_scale",
            details={"field": "scale"},
        )
    size = (max(1, round(window.width * scale)), max(1, round(window.height * scale)))
    if size[0] * size[1] > MAX_PREVIEW_PIXELS:
        raise TooLarge(
            f"A {size[0]} x {size[1]} preview is larger than the {MAX_PREVIEW_PIXELS} pixels allowed; "
            "ask for a smaller window or scale.",
            code="preview_too_large",
            details={"limit_pixels": MAX_PREVIEW_PIXELS},
        )
    return size


def _render_level(window: Window, scale: float) -> float:
    """The pyramid level to render at: core's choice for ``scale``, coarser while over the area cap.

    Levels follow ``core.reduced.level_factor``'s ladder (1, 3/4, 1/2, 3/8, ...) and never go
    below ``scale`` (``render_reduced`` only shrinks).
    """
    from core.reduced import level_factor

    level = level_factor(scale)
    area = window.width * window.height
    while area * level * level > MAX_RENDER_PIXELS:
        coarser = level * (0.75 if _is_power_of_two(level) else 2 / 3)
        if coarser < scale:
            raise TooLarge(
                f"Rendering the {window.width} x {window.height} window at scale {scale:g} would cover "
                f"more than the {MAX_RENDER_PIXELS} pixels allowed; ask for a smaller window or a scale "
                f"of {math.sqrt(MAX_RENDER_PIXELS / area):.3g} or less.",
                code="preview_render_too_large",
                details={"limit_pixels": MAX_RENDER_PIXELS, "window_pixels": area},
            )
        level = coarser
    return level


def _working_area_check(recipe: Recipe, window: Window, photo: Photo, level: float) -> None:
    """Refuse a window whose render a matte or recover region grows past ``MAX_RENDER_PIXELS``.

    A ``matte`` or ``recover`` op re-solves all of its region when the window touches it
    (``core.render.working_window``), so a small window over a huge brushed region costs what the
    region costs: the cap counts that grown window, at the level rendered. Ops' context margins
    alone are left to :func:`_render_level`'s cap (a few pixels round the window).
    """
    from core.apply import op_margin
    from core.render import working_window
    from core.window import Rect

    image = Rect(0, 0, photo.width, photo.height)
    asked = Rect(window.x0, window.y0, window.x1, window.y1)
    need = working_window(recipe, asked, image)
    margins_only = asked.pad(sum(op_margin(op) for op in recipe.active_ops())).clip(image)
    area = need.area
    if need.area <= margins_only.area or area * level * level <= MAX_RENDER_PIXELS:
        return
    raise TooLarge(
        f"This window touches a matte or recover region of {need.width} x {need.height} px, which is "
        f"re-solved whole for every preview: more than the {MAX_RENDER_PIXELS} pixels allowed. Make the "
        "region smaller, or zoom out.",
        code="preview_region_too_large",
        details={"limit_pixels": MAX_RENDER_PIXELS, "working_pixels": area},
    )


def _is_power_of_two(level: float) -> bool:
    return math.log2(level).is_integer()


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 1)
