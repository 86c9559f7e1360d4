"""Rendering: (original, AI mask, recipe) -> final RGBA, for the whole image or any window.

Orchestration only; each step lives in its own module:

1. base alpha: the AI mask (``base: "ai"``) or :func:`core.autobase.auto_alpha` (``"auto"``);
2. ops in order (:mod:`core.apply`), on a window chosen so that every op has the context it
   needs: rendering a crop gives exactly the pixels of the full render;
3. encoding (:mod:`core.codecs`): RGBA PNG with ICC profile and provenance, previews.

Rendering is a pure function: the same inputs give the same pixels and the same bytes.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import cv2
import numpy as np

from core import codecs
from core.apply import OpContext, apply_op, op_margin, op_region_window
from core.codecs import DecodedImage
from core.errors import InvalidRecipeError, RenderTooSlowError, SizeMismatchError
from core.recipe import Recipe
from core.version import ENGINE_VERSION
from core.window import Rect

PREVIEW_LONG_SIDE = 2048


@dataclass
class RenderResult:
    """The rendered pixels of ``window``.

    Attributes
    ----------
    rgb : (h, w, 3) uint8 or uint16
        Colours (the original's, decontaminated where asked); 16-bit when the original was.
    alpha : (h, w) uint8
        Final alpha.
    base_alpha : (h, w) uint8
        The base mask (AI or auto) of the same window, before any op: for overlays and diffs.
    window : Rect
        Which pixels of the upright original these are.
    scale : float
        1.0 for full resolution; crops at other scales are resampled.
    level : float
        The resolution the ops ran at, over the original's: 1.0 is exact (every render here);
        below 1 a reduced-resolution approximation (:func:`core.reduced.render_reduced`).
    timings : dict of str to float
        Seconds per step: ``base``, ``op{i}_{name}`` for each op, ``ops`` for all of them.
    """

    rgb: np.ndarray
    alpha: np.ndarray
    base_alpha: np.ndarray
    window: Rect
    icc_profile: bytes | None = None
    bit_depth: int = 8
    scale: float = 1.0
    level: float = 1.0
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def timings_by_op_kind(self) -> dict[str, float]:
        """Seconds spent in each kind of op, summed over the recipe: ``{"ops_path": 0.03, ...}``."""
        kinds: dict[str, float] = {}
        for key, seconds in self.timings.items():
            index, _, kind = key.partition("_")
            if kind and index.startswith("op") and index[2:].isdigit():
                kinds[f"ops_{kind}"] = kinds.get(f"ops_{kind}", 0.0) + seconds
        return kinds

    @property
    def masks(self) -> dict[str, np.ndarray]:
        """The intermediate masks the UI overlays: ``ai`` (base) and ``current`` (final)."""
        return {"ai": self.base_alpha, "current": self.alpha}


def base_alpha(image: DecodedImage, ai_alpha: np.ndarray | None, recipe: Recipe) -> np.ndarray:
    """The (H, W) uint8 mask the recipe's ops start from.

    Raises
    ------
    InvalidRecipeError
        ``base`` is ``"ai"`` but no AI result was given.
    SizeMismatchError
        The AI mask's size differs from the upright original's.
    """
    height, width = image.rgb.shape[:2]
    if recipe.base == "auto":
        from core import autobase  # only plain photos need it: keep it out of every start-up

        return autobase.auto_alpha(_rgb8(image))
    if ai_alpha is None:
        raise InvalidRecipeError('base is "ai" but no AI mask was given (pass one, or use base "auto")', field="base")
    if ai_alpha.shape != (height, width):
        raise SizeMismatchError(
            f"AI mask is {ai_alpha.shape[1]}x{ai_alpha.shape[0]} but the original is {width}x{height} (upright)"
        )
    return ai_alpha


def render(image: DecodedImage, ai_alpha: np.ndarray | None, recipe: Recipe) -> RenderResult:
    """Render the whole image at full resolution.

    Parameters
    ----------
    image : DecodedImage
        The upright original (:func:`core.codecs.decode_original`).
    ai_alpha : (H, W) uint8 or None
        The AI remover's mask; None is allowed when ``recipe.base == "auto"``.
    recipe : Recipe
        A validated recipe.

    Examples
    --------
    >>> import numpy as np
    >>> from core.codecs import DecodedImage, ImageInfo
    >>> rgb = np.zeros((20, 20, 3), np.uint8)
    >>> img = DecodedImage(rgb=rgb, icc_profile=None, bit_depth=8, info=ImageInfo.of_array(rgb))
    >>> r = Recipe.from_dict({"ops": [{"op": "path", "d": "M 5 5 H 15 V 15 H 5 Z"}]})
    >>> int(render(img, np.zeros((20, 20), np.uint8), r).alpha.sum() // 255)
    100
    """
    return render_window(image, ai_alpha, recipe, Rect.of_shape(image.rgb.shape))


def render_window(
    image: DecodedImage,
    ai_alpha: np.ndarray | None,
    recipe: Recipe,
    window: Rect,
    *,
    deadline: float | None = None,
) -> RenderResult:
    """Render the pixels of ``window`` at full resolution, exactly as :func:`render` would.

    ``deadline`` (a ``time.perf_counter()`` value): past it, no further op is started and
    :class:`core.errors.RenderTooSlowError` is raised instead (an interactive preview gives up
    rather than hold its slot for minutes; renders that must finish pass none)."""
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    image_rect = Rect.of_shape(image.rgb.shape)
    window = window.clip(image_rect)
    if window.empty:
        raise InvalidRecipeError("the requested window lies outside the image", field="window")
    base = base_alpha(image, ai_alpha, recipe)
    rgb8 = _rgb8(image)
    timings["base"] = time.perf_counter() - t0

    ops = recipe.active_ops()
    work = working_window(recipe, window, image_rect)
    ctx = OpContext(rgb8=rgb8, ai_alpha=base, window=work)
    alpha = base[work.slices()].copy()  # the working buffer that ops update in place
    rgb = rgb8[work.slices()]
    t1 = time.perf_counter()
    for index, op in enumerate(ops):
        started = time.perf_counter()
        if deadline is not None and started > deadline:
            raise RenderTooSlowError(
                f"the render ran out of time after {index} of its {len(ops)} ops", op_index=index
            )
        alpha, rgb = apply_op(op, ctx, alpha, rgb)
        timings[f"op{index}_{op.name}"] = time.perf_counter() - started
    timings["ops"] = time.perf_counter() - t1

    inner = window.relative_to(work).slices()
    final_rgb = _final_colours(image, rgb8, rgb[inner], window)
    return RenderResult(
        rgb=final_rgb,
        alpha=np.ascontiguousarray(alpha[inner]),
        base_alpha=np.ascontiguousarray(base[window.slices()]),
        window=window,
        icc_profile=image.icc_profile,
        bit_depth=image.bit_depth,
        timings=timings,
    )


def render_crop(
    image: DecodedImage, ai_alpha: np.ndarray | None, recipe: Recipe, window: Rect, scale: float
) -> RenderResult:
    """Render ``window`` resampled by ``scale`` (0 < scale <= 32).

    Below 1 the window is rendered at full resolution and reduced with area averaging
    (premultiplied, so edges do not darken); above 1 pixels are repeated (nearest neighbour),
    so a 400% view shows edge pixels as they are. Exact at every scale, and as slow at 15 % as
    at 100 %: zoomed-out previews that can be approximate use :func:`core.reduced.render_reduced`
    (ops run on a reduced copy of the inputs, ~10x faster at fit zoom on 24 MP).
    """
    if not 0 < scale <= 32:
        raise InvalidRecipeError(f"scale must be in (0, 32], got {scale:g}", field="scale")
    full = render_window(image, ai_alpha, recipe, window)
    if scale == 1:
        return full
    size = (max(1, round(full.window.width * scale)), max(1, round(full.window.height * scale)))
    if scale < 1:
        rgb, alpha = codecs.resize_rgba(full.rgb, full.alpha, size)
        base = cv2.resize(full.base_alpha, size, interpolation=cv2.INTER_AREA)
    else:
        rgb = cv2.resize(full.rgb, size, interpolation=cv2.INTER_NEAREST)
        alpha = cv2.resize(full.alpha, size, interpolation=cv2.INTER_NEAREST)
        base = cv2.resize(full.base_alpha, size, interpolation=cv2.INTER_NEAREST)
    full.rgb, full.alpha, full.base_alpha, full.scale = rgb, alpha, base, scale
    return full


def render_alpha(rgb: np.ndarray, ai_alpha: np.ndarray | None, recipe: Recipe) -> np.ndarray:
    """The final alpha for an 8-bit RGB array: a shortcut for benchmarks and detection."""
    image = DecodedImage(rgb=rgb, icc_profile=None, bit_depth=8, info=codecs.ImageInfo.of_array(rgb))
    return render(image, ai_alpha, recipe).alpha


def provenance(recipe: Recipe) -> dict[str, str]:
    """The PNG text chunks that say how a file was made."""
    return {
        "Software": f"jewelreview-core {ENGINE_VERSION}",
        "jewelreview:engine": ENGINE_VERSION,
        "jewelreview:recipe-sha256": recipe.sha256(),
    }


def encode_final(result: RenderResult, recipe: Recipe) -> bytes:
    """The final RGBA PNG (16-bit when the original was), with ICC profile and provenance."""
    alpha = result.alpha
    if result.bit_depth == 16:
        alpha = alpha.astype(np.uint16) * 257
    return codecs.encode_png(
        result.rgb, alpha, icc_profile=result.icc_profile, text=provenance(recipe), bit_depth=result.bit_depth
    )


def encode_preview_of(result: RenderResult, *, long_side: int = PREVIEW_LONG_SIDE, fmt: str = "png") -> bytes:
    """A downscaled preview (long side ``long_side``, alpha kept) of a render.

    PNG by default: with our encoder it takes ~70 ms against ~500 ms for WebP at 2048 px, and the
    transparent background (RGB zeroed) keeps cutout previews small.
    """
    rgb = result.rgb if result.rgb.dtype == np.uint8 else (result.rgb >> 8).astype(np.uint8)
    return codecs.encode_preview(rgb, result.alpha, long_side=long_side, fmt=fmt)


def working_window(recipe: Recipe, window: Rect, image: Rect) -> Rect:
    """The part of the image :func:`render_window` computes so that ``window`` comes out exact.

    Walk the ops backwards: each needs its input on its output window grown by its margin, and a
    band op (``matte``, ``recover``) needs all of its region when it touches the window at all.
    Callers use its area to bound a windowed render's cost before running it (the 10 x 10 window
    below needs the matte region and the context its solve reads round it).

    >>> r = Recipe.from_dict({"ops": [{"op": "matte", "region": "M 0 0 H 900 V 900 H 0 Z", "radius": 3}]})
    >>> working_window(r, Rect(10, 10, 20, 20), Rect(0, 0, 1000, 1000))
    Rect(x0=0, y0=0, x1=907, y1=907)
    """
    need = window.clip(image)
    for op in reversed(recipe.active_ops()):
        need = need.pad(op_margin(op)).clip(image)
        region = op_region_window(op, image)
        if region is not None and region.intersects(need):
            need = need.union(region)
    return need


def _rgb8(image: DecodedImage) -> np.ndarray:
    if image.rgb.dtype == np.uint8:
        return image.rgb
    return (image.rgb >> 8).astype(np.uint8)


def _final_colours(image: DecodedImage, rgb8: np.ndarray, changed: np.ndarray, window: Rect) -> np.ndarray:
    """The window's colours at the original's bit depth, with the ops' colour changes applied.

    ``rgb8`` is the whole original at 8 bits (:func:`_rgb8`, computed once per render),
    ``changed`` the window's colours after the ops: for 8-bit originals the result itself, not
    copied when it is contiguous (a full render's is).
    """
    if image.rgb.dtype == np.uint8:
        return np.ascontiguousarray(changed)
    # 16-bit: keep the original's precision except where an op (decontaminate) changed a pixel.
    moved = np.any(changed != rgb8[window.slices()], axis=2)
    out = image.rgb[window.slices()].copy()
    out[moved] = changed[moved].astype(np.uint16) * 257
    return out
