"""Thumbnails of stored previews: their names, and making them.

A thumbnail (a 480 px WebP, alpha kept) lives beside its preview under a name derived from the
preview's, which never changes (render previews carry their checksum, photo previews the prefix
of their preparation): made once, by the task that stores the preview or on first request for
previews stored before thumbnails existed, it is the same file for every later request.
"""

from __future__ import annotations

import logging

from jewelreview import stored_files

logger = logging.getLogger(__name__)

# Long side, px: sharp on a 2x screen for tiles up to ~240 CSS px (the grid's, My work's cards).
THUMBNAIL_LONG_SIDE = 480


def thumbnail_name(source: str) -> str:
    """Where the thumbnail of the stored preview ``source`` is (or will be) stored."""
    return f"thumbs/{source}.{THUMBNAIL_LONG_SIDE}.webp"


def thumbnail_store_quietly(*, source: str, preview: bytes) -> None:
    """:func:`thumbnail_store` for the tasks that store previews: a thumbnail that cannot be made
    is logged, never a failed render or preparation (pages then make it on request, or show the
    preview)."""
    try:
        thumbnail_store(source=source, preview=preview)
    except (ValueError, OSError) as exc:
        logger.warning("no thumbnail of %s: %s", source, exc)


def thumbnail_store(*, source: str, preview: bytes) -> str:
    """Make and store the thumbnail of ``preview`` (the bytes stored as ``source``); return its name.

    Raises ValueError when ``preview`` is no image OpenCV reads (``core.codecs.thumbnail_of``).
    """
    from core import codecs

    name = thumbnail_name(source)
    if stored_files.storage().exists(name):
        return name
    return stored_files.save_content_addressed(name, codecs.thumbnail_of(preview, long_side=THUMBNAIL_LONG_SIDE))
