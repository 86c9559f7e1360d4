"""The thin adapter that builds a photo's previews and deep-zoom tiles with ``core``.

Everything is written under a fresh prefix per run (``photos/<id>/<run>/``) and the photo row
points to it only when all of it exists, so a viewer never meets a half-built pyramid and a
re-run never collides with an earlier partial one. Within a pyramid the ``.dzi`` descriptor is
written last.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import numpy as np

from jewelreview import stored_files
from jewelreview.catalog.models import Photo
from jewelreview.failure_reasons import stored_input_read
from jewelreview.thumbnail_files import thumbnail_store_quietly

# Previews for lists and the review page: 2048 px long side is sharp on a 4K screen's half.
PREVIEW_LONG_SIDE = 2048
# Tiles of the original carry no alpha: JPEG is ~10x faster to encode than WebP here.
ORIGINAL_TILE_FORMAT = "jpeg"
# Tiles of the cutout keep alpha exactly (reviewers judge edges): lossless PNG, ~5x faster than WebP.
CUTOUT_TILE_FORMAT = "png"
TILE_SIZE = 254
TILE_OVERLAP = 1


@dataclass(frozen=True)
class PhotoRenditions:
    preview_original: str
    preview_cutout: str
    tiles_original: str
    tiles_cutout: str
    tiles_written: int


def photo_renditions_build(*, photo: Photo) -> PhotoRenditions:
    """Decode the photo's original and AI mask and store previews and both DZI pyramids."""
    from core import codecs

    image = codecs.decode_original(stored_input_read(photo.original.name, what="original"))
    alpha = codecs.decode_ai_result(
        stored_input_read(photo.ai_mask.name, what="AI mask"), size=(image.info.width, image.info.height)
    )
    prefix = f"photos/{photo.pk}/{uuid.uuid4().hex[:12]}"
    opaque = np.full(alpha.shape, 255, np.uint8)
    preview_original = stored_files.save_new(
        f"{prefix}/preview_original.webp", codecs.encode_preview(image.rgb, opaque, long_side=PREVIEW_LONG_SIDE)
    )
    cutout = codecs.encode_preview(image.rgb, alpha, long_side=PREVIEW_LONG_SIDE)
    preview_cutout = stored_files.save_new(f"{prefix}/preview_cutout.webp", cutout)
    thumbnail_store_quietly(source=preview_cutout, preview=cutout)  # the grid's tile: made here, not on request
    tiles_original, count_original = pyramid_store(
        base=f"{prefix}/original", rgb=image.rgb, alpha=None, fmt=ORIGINAL_TILE_FORMAT
    )
    tiles_cutout, count_cutout = pyramid_store(
        base=f"{prefix}/cutout", rgb=image.rgb, alpha=alpha, fmt=CUTOUT_TILE_FORMAT
    )
    return PhotoRenditions(
        preview_original=preview_original,
        preview_cutout=preview_cutout,
        tiles_original=tiles_original,
        tiles_cutout=tiles_cutout,
        tiles_written=count_original + count_cutout,
    )


def pyramid_store(*, base: str, rgb: np.ndarray, alpha: np.ndarray | None, fmt: str) -> tuple[str, int]:
    """Store ``<base>_files/<level>/<col>_<row>.<fmt>`` then ``<base>.dzi``; return the .dzi name and tile count.

    Also used for the pyramid of each render (``repairs.rendering``): ``base`` must be a fresh prefix.
    """
    from core import tiles

    xml, encoded = tiles.dzi(rgb, alpha, tile_size=TILE_SIZE, overlap=TILE_OVERLAP, fmt=fmt)
    count = 0
    for level, col, row, data in encoded:
        stored_files.save_new(f"{base}_files/{level}/{col}_{row}.{fmt}", data)
        count += 1
    return stored_files.save_new(f"{base}.dzi", xml.encode()), count
