"""The thumbnail of what a photo looks like now, for the grid's tiles and My work's cards.

The current revision's finished render, else the AI cutout. Both are stored as 2048 px previews
(a render's as PNG, ~270 KB), far more than a ~240 px tile needs: 48 tiles came to ~13 MB. Their
thumbnails (``jewelreview.thumbnail_files``) are made when the preview is stored; one missing (a
preview stored before thumbnails existed) is made on first request.

Pages ask for ``?v=r<render id>`` or ``?v=c<preparation time>``: when that still names what the
photo shows, the answer can be cached for good (a new render or preparation changes the address).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from jewelreview import stored_files
from jewelreview.catalog.models import Photo
from jewelreview.errors import NotFound
from jewelreview.repairs.selectors import photo_final_render
from jewelreview.thumbnail_files import thumbnail_name, thumbnail_store

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Thumbnail:
    name: str  # storage name of the file to serve
    version: str  # "r<render id>" or "c<preparation time>": what it shows


def photo_thumbnail(*, photo: Photo) -> Thumbnail:
    """The photo's current thumbnail, made now if it was not made with its preview.

    NotFound while the photo has neither a finished render of its current revision nor a cutout
    preview (previews still being made). A preview OpenCV cannot read is served as it is (and
    logged): the tile still shows what the browser can show.
    """
    source, version = _source(photo)
    name = thumbnail_name(source)
    if stored_files.storage().exists(name):
        return Thumbnail(name, version)
    try:
        with stored_files.storage().open(source, "rb") as preview:
            data = preview.read()
    except FileNotFoundError:
        raise NotFound("The file is missing from storage.", code="file_missing", details={"file": source}) from None
    try:
        return Thumbnail(thumbnail_store(source=source, preview=data), version)
    except ValueError as exc:
        logger.warning("photo %s: no thumbnail of %s (%s); serving the preview", photo.pk, source, exc)
        return Thumbnail(source, version)


def photo_thumbnail_version(photo: Photo, *, final_render_id: int | None) -> str:
    """The ``?v=`` a page puts on the photo's thumbnail address (see the module notes; pages get
    it through the ``thumbnail_src`` template filter)."""
    if final_render_id is not None:
        return f"r{final_render_id}"
    return f"c{int(photo.prepared_at.timestamp())}" if photo.prepared_at else "c0"


def _source(photo: Photo) -> tuple[str, str]:
    render = photo_final_render(photo=photo)
    if render is not None and render.preview.name:
        return render.preview.name, photo_thumbnail_version(photo, final_render_id=render.pk)
    if photo.preview_cutout.name:
        return photo.preview_cutout.name, photo_thumbnail_version(photo, final_render_id=None)
    raise NotFound(
        f"Photo {photo.pk} has no preview yet (previews are still being made).",
        code="file_not_ready",
        details={"file": "thumbnail", "prepare_error": photo.prepare_error or None},
    )
