"""Small thumbnails of what a photo looks like now, for the grid's tiles.

The grid shows the current revision's finished render, or else the AI cutout; both are stored as
2048 px previews (a render's as PNG, ~270 KB), far more than a ~240 px tile needs: 48 tiles came
to ~13 MB. A thumbnail is made from that preview on first request and stored beside it under a
name derived from the preview's, which never changes (render previews carry their checksum, photo
previews their preparation), so it is made once and is the same file for every later request.
"""

from __future__ import annotations

import logging

from jewelreview import stored_files
from jewelreview.catalog.models import Photo
from jewelreview.errors import NotFound
from jewelreview.repairs.selectors import photo_final_render

logger = logging.getLogger(__name__)

# Long side, px: sharp on a 2x screen for tiles up to ~240 CSS px.
THUMBNAIL_LONG_SIDE = 480


def photo_thumbnail(*, photo: Photo) -> str:
    """The storage name of the photo's current thumbnail, made now if it does not exist yet.

    NotFound while the photo has neither a finished render of its current revision nor a cutout
    preview (previews still being made). A preview OpenCV cannot read is served as it is (and
    logged): the tile still shows what the browser can show.
    """
    from core import codecs

    source = _source(photo)
    name = f"thumbs/{source}.{THUMBNAIL_LONG_SIDE}.webp"
    if stored_files.storage().exists(name):
        return name
    try:
        with stored_files.storage().open(source, "rb") as preview:
            data = preview.read()
    except FileNotFoundError:
        raise NotFound("The file is missing from storage.", code="file_missing", details={"file": source}) from None
    try:
        thumbnail = codecs.thumbnail_of(data, long_side=THUMBNAIL_LONG_SIDE)
    except ValueError as exc:
        logger.warning("photo %s: no thumbnail of %s (%s); serving the preview", photo.pk, source, exc)
        return source
    return stored_files.save_content_addressed(name, thumbnail)


def _source(photo: Photo) -> str:
    render = photo_final_render(photo=photo)
    if render is not None and render.preview.name:
        return render.preview.name
    if photo.preview_cutout.name:
        return photo.preview_cutout.name
    raise NotFound(
        f"Photo {photo.pk} has no preview yet (previews are still being made).",
        code="file_not_ready",
        details={"file": "thumbnail", "prepare_error": photo.prepare_error or None},
    )
