"""Applying one recipe op to the alpha (and colours) of a window of the image.

Every op works on a window ``W`` of the image (a :class:`core.window.Rect`), never needing
pixels beyond ``W`` except through the full-resolution inputs in :class:`OpContext`. Each op
declares how much context it needs (:func:`op_margin`) and whether it needs its whole region
inside the window (:func:`op_region_window`), so that :mod:`core.render` can choose a window
for which rendering a crop gives exactly the pixels of the full render.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from core import channels, decontaminate, matte, rasterize, recover, refine
from core.recipe import ChannelOp, DecontaminateOp, MatteOp, Op, PathOp, RecoverOp, RefineOp
from core.window import Rect


@dataclass
class OpContext:
    """Full-resolution inputs shared by all ops of one render, and the window being rendered.

    ``rgb8`` is the original as (H, W, 3) uint8 (16-bit originals are reduced for analysis);
    ``ai_alpha`` the base mask (H, W) uint8 before any op; ``window`` the rect rendered.
    """

    rgb8: np.ndarray
    ai_alpha: np.ndarray
    window: Rect

    @property
    def image_rect(self) -> Rect:
        return Rect.of_shape(self.rgb8.shape)

    @property
    def rgb_window(self) -> np.ndarray:
        return self.rgb8[self.window.slices()]


def op_margin(op: Op) -> int:
    """Pixels of context around a window that ``op`` needs to compute the window exactly."""
    if isinstance(op, RefineOp):
        return refine.refine_margin(op.smooth, op.feather)
    if isinstance(op, DecontaminateOp):
        return decontaminate.decontaminate_margin()
    if isinstance(op, MatteOp):
        return matte.matte_margin(op.radius)
    if isinstance(op, RecoverOp):
        return recover.recover_margin(op.radius, op.follow)
    return 0


def op_region_window(op: Op, image: Rect) -> Rect | None:
    """For ops whose result depends on their whole region (matting), the region's window; else None."""
    if isinstance(op, MatteOp) and op.region_geometry is not None:
        return op.region_geometry.window().pad(matte.matte_margin(op.radius)).clip(image)
    if isinstance(op, RecoverOp) and op.region_geometry is not None:
        return op.region_geometry.window().pad(recover.recover_margin(op.radius, op.follow)).clip(image)
    return None


def apply_op(op: Op, ctx: OpContext, alpha: np.ndarray, rgb: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Apply one op to ``alpha`` (and ``rgb``), both the pixels of ``ctx.window``.

    Parameters
    ----------
    op : Op
        A validated op from :class:`core.recipe.Recipe`.
    ctx : OpContext
        Full-resolution inputs and the window.
    alpha : (h, w) uint8
        Current alpha of the window: the render's own working buffer, which ops may update in
        place (a copy per op would cost ~10 ms each on 24 MP).
    rgb : (h, w, 3) uint8
        Current colours of the window (only ``decontaminate`` changes them).

    Returns
    -------
    (alpha, rgb) : the updated working buffers (``rgb`` is never modified in place).
    """
    if isinstance(op, RefineOp):
        return _apply_refine(op, ctx, alpha), rgb
    if isinstance(op, PathOp):
        return _apply_path(op, ctx, alpha), rgb
    if isinstance(op, ChannelOp):
        return _apply_channel(op, ctx, alpha), rgb
    if isinstance(op, MatteOp):
        return _apply_matte(op, ctx, alpha), rgb
    if isinstance(op, RecoverOp):
        return _apply_recover(op, ctx, alpha), rgb
    if isinstance(op, DecontaminateOp):
        return alpha, decontaminate.decontaminate(rgb, alpha, amount=op.amount, origin=(ctx.window.x0, ctx.window.y0))
    raise TypeError(f"unknown op type {type(op).__name__}")


def _apply_refine(op: RefineOp, ctx: OpContext, alpha: np.ndarray) -> np.ndarray:
    settings = dict(
        smooth=op.smooth,
        feather=op.feather,
        contrast=op.contrast,
        shift_edge=op.shift_edge,
        origin=(ctx.window.x0, ctx.window.y0),
    )
    if op.region_geometry is None:
        return refine.refine_alpha(alpha, **settings, out=alpha)  # in the working buffer
    refined = refine.refine_alpha(alpha, **settings)
    region = rasterize.coverage(op.region_geometry, ctx.window)
    return _blend(alpha, refined, region)


def _apply_path(op: PathOp, ctx: OpContext, alpha: np.ndarray) -> np.ndarray:
    if op.geometry is None:  # never: Recipe.from_dict parses every path
        return alpha
    # Rasterize only where the (feathered) path can reach: a small path on a 24 MP image costs
    # its own bounding box, not the image.
    reach = op.geometry.window(pad=math.ceil(1.5 * op.feather) + 1).intersect(ctx.window)
    if reach.empty:
        return alpha
    selection = rasterize.path_alpha(op.geometry, reach, op.feather)
    inside = reach.relative_to(ctx.window).slices()
    if op.mode == "add":
        np.maximum(alpha[inside], selection, out=alpha[inside])
    else:  # subtract: alpha * (1 - selection), rounded
        alpha[inside] = _multiply(alpha[inside], 255 - selection)
    return alpha


def _apply_channel(op: ChannelOp, ctx: OpContext, alpha: np.ndarray) -> np.ndarray:
    if op.region_geometry is None:  # never: Recipe.from_dict parses every region
        return alpha
    region_rect = op.region_geometry.window().clip(ctx.image_rect)
    reach = region_rect.intersect(ctx.window)
    if reach.empty:
        return alpha
    # The channel mask is computed over the whole region, from the original and the base mask
    # (automatic levels and the structure test look at all of it), never from the window being
    # rendered, so a crop renders exactly like the full image.
    rgb_region = ctx.rgb8[region_rect.slices()]
    region = rasterize.coverage(op.region_geometry, region_rect)
    params = channels.resolve_channel_params(
        rgb_region,
        region,
        ctx.ai_alpha[region_rect.slices()],
        channel=op.channel,
        black=op.black,
        white=op.white,
        gamma=op.gamma,
        invert=op.invert,
    )
    channel_alpha = channels.channel_alpha(rgb_region, region, params)
    part = reach.relative_to(region_rect).slices()
    inside = reach.relative_to(ctx.window).slices()
    alpha[inside] = channels.apply_channel(alpha[inside], channel_alpha[part], region[part], op.mode)
    return alpha


def _apply_matte(op: MatteOp, ctx: OpContext, alpha: np.ndarray) -> np.ndarray:
    if op.region_geometry is None:  # never: Recipe.from_dict parses every region
        return alpha
    if not op.region_geometry.window().intersects(ctx.window):
        return alpha
    region = rasterize.coverage(op.region_geometry, ctx.window)
    if not region.any():
        return alpha
    return matte.matte_region(ctx.rgb_window, alpha, region, radius=op.radius)


def _apply_recover(op: RecoverOp, ctx: OpContext, alpha: np.ndarray) -> np.ndarray:
    if op.region_geometry is None or not op.region_geometry.window().intersects(ctx.window):
        return alpha
    region = rasterize.coverage(op.region_geometry, ctx.window)
    if not region.any():
        return alpha
    return recover.recover_region(ctx.rgb_window, alpha, region, radius=op.radius, follow=op.follow)


def _multiply(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Rounded a * b / 255 for uint8 arrays."""
    return ((a.astype(np.uint16) * b + 127) // 255).astype(np.uint8)


def _blend(before: np.ndarray, after: np.ndarray, coverage: np.ndarray) -> np.ndarray:
    """``before`` outside, ``after`` inside a soft region (coverage 0..255), rounded."""
    cov = coverage.astype(np.uint32)
    mixed = (before.astype(np.uint32) * (255 - cov) + after.astype(np.uint32) * cov + 127) // 255
    return mixed.astype(np.uint8)
