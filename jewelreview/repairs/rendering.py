"""The thin adapter between a Render row and ``core``: storage bytes in, storage names out.

Steps: read the original and AI mask through the storage API, decode, render the recipe,
encode the final PNG and a preview, store both under names holding their checksum, then store the
result's deep-zoom pyramid (the review page zooms into it) under a fresh per-run prefix; a render
of the as-is recipe reuses the photo's cutout pyramid instead (``reuses_cutout_tiles``). A name is
only ever written once, completely (``AtomicFileSystemStorage`` on disk; S3 objects appear
whole), and the Render row points to it only after the save returned, so no reader can see a
half-written final.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from jewelreview import stored_files
from jewelreview.catalog.models import Photo
from jewelreview.catalog.previews import CUTOUT_TILE_FORMAT, pyramid_store
from jewelreview.failure_reasons import stored_input_read
from jewelreview.repairs.models import Render
from jewelreview.thumbnail_files import thumbnail_store_quietly

if TYPE_CHECKING:
    from core.recipe import Recipe
    from core.render import RenderResult


@dataclass
class RenderOutput:
    final: str
    preview: str
    checksum: str
    final_bytes: int
    tiles: str = ""
    timings: dict[str, float] = field(default_factory=dict)


class Stopwatch:
    """Milliseconds per named step, for Render.timings."""

    def __init__(self) -> None:
        self.timings: dict[str, float] = {}
        self._start = time.perf_counter()
        self._last = self._start

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.timings[f"{name}_ms"] = round((now - self._last) * 1000, 1)
        self._last = now

    def total(self) -> dict[str, float]:
        self.timings["total_ms"] = round((time.perf_counter() - self._start) * 1000, 1)
        return self.timings


def render_names(*, photo_id: int, number: int, checksum: str) -> tuple[str, str]:
    stem = f"renders/{photo_id}/r{number}-{checksum[:16]}"
    return f"{stem}.png", f"{stem}-preview.png"


def render_tiles_base(*, photo_id: int, number: int, checksum: str) -> str:
    """A fresh prefix for one run's pyramid: a retried render never meets a half-written earlier one."""
    return f"renders/{photo_id}/r{number}-{checksum[:16]}-tiles-{uuid.uuid4().hex[:12]}/result"


def reuses_cutout_tiles(recipe: Recipe, photo: Photo) -> bool:
    """Whether a render of ``recipe`` is the AI cutout itself (the as-is recipe: no ops, base "ai").

    Its pixels are the photo's cutout pyramid's (``catalog.previews``, made from the same original
    and AI mask at ingest), so the render points at ``photo.tiles_cutout`` instead of storing a
    second full pyramid for every photo approved as is.
    """
    return not recipe.ops and recipe.base == "ai" and bool(photo.tiles_cutout.name)


def render_tiles_store(*, render: Render, recipe: Recipe, result: RenderResult, checksum: str) -> str:
    """The DZI descriptor of the render's result: the cutout's for the as-is recipe, else a new pyramid."""
    revision = render.revision
    photo = revision.photo
    if reuses_cutout_tiles(recipe, photo):
        return photo.tiles_cutout.name
    tiles, _ = pyramid_store(
        base=render_tiles_base(photo_id=photo.pk, number=revision.number, checksum=checksum),
        rgb=result.rgb,
        alpha=result.alpha,
        fmt=CUTOUT_TILE_FORMAT,
    )
    return tiles


def render_to_storage(*, render: Render, watch: Stopwatch | None = None) -> RenderOutput:
    """Render ``render.revision`` at full resolution and store the PNG and its preview."""
    from core import codecs
    from core import render as core_render
    from core.recipe import Recipe

    watch = watch or Stopwatch()
    revision = render.revision
    photo = revision.photo
    # A stored revision was accepted when it was saved: the budget on new paths' edge rows, newer
    # than some revisions, is checked on save (recipe_validate), never again here, or a revision
    # saved before it could never render.
    recipe = Recipe.from_dict(revision.recipe, edge_row_budget=False)
    original = stored_input_read(photo.original.name, what="original")
    mask = stored_input_read(photo.ai_mask.name, what="AI mask")
    watch.lap("read")
    image = codecs.decode_original(original)
    ai_alpha = codecs.decode_ai_result(mask, size=(image.info.width, image.info.height))
    watch.lap("decode")
    result = core_render.render(image, ai_alpha, recipe)
    watch.lap("render")
    final_png = core_render.encode_final(result, recipe)
    watch.lap("encode_final")
    preview = core_render.encode_preview_of(result, fmt="png")
    watch.lap("encode_preview")
    checksum = stored_files.sha256_hex(final_png)
    final_name, preview_name = render_names(photo_id=photo.pk, number=revision.number, checksum=checksum)
    stored_files.save_content_addressed(final_name, final_png)
    stored_files.save_content_addressed(preview_name, preview)
    thumbnail_store_quietly(source=preview_name, preview=preview)  # the grid's tile: made here, not on request
    watch.lap("store")
    tiles = render_tiles_store(render=render, recipe=recipe, result=result, checksum=checksum)
    watch.lap("tiles")
    timings = watch.total()
    # core reports seconds per step of the render; keep them, in ms, next to ours.
    timings.update({f"core_{name}_ms": round(seconds * 1000, 1) for name, seconds in (result.timings or {}).items()})
    return RenderOutput(
        final=final_name,
        preview=preview_name,
        checksum=checksum,
        final_bytes=len(final_png),
        tiles=tiles,
        timings=timings,
    )

