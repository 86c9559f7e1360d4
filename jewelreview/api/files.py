"""Answering with a stored file: streamed from Django's storage API, after the view's role check.

The storage name always comes from the database (a photo's or render's field), never from the
request, so a client cannot reach another file; this holds with any storage backend because the
bytes pass through here instead of a public media URL.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Callable
from pathlib import PurePosixPath

from django.http import FileResponse

from jewelreview import stored_files
from jewelreview.errors import NotFound, ServiceError

CONTENT_TYPES = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".webp": "image/webp",
    ".tif": "image/tiff",
    ".tiff": "image/tiff",
    ".dzi": "application/xml",
}

# Stored names never change content (content-addressed or per-run prefixes): caches may keep them.
IMMUTABLE = "private, max-age=31536000, immutable"
# The same URL may answer another file later (a photo's final follows its current revision).
REVALIDATE = "private, no-cache"


def stored_file_response(
    name: str,
    *,
    download_name: str | None = None,
    cache_control: str = IMMUTABLE,
    attachment: bool = False,
    missing: Callable[[], ServiceError] | None = None,
) -> FileResponse:
    """Stream the stored file ``name``; 404 (``file_missing``) when storage does not have it, or
    ``missing()``'s error when the caller can say better why (a tile outside its pyramid)."""
    try:
        handle = stored_files.storage().open(name, "rb")
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        if missing is not None:
            raise missing() from None
        raise NotFound(
            "The file is missing from storage.", code="file_missing", details={"file": download_name}
        ) from None
    suffix = PurePosixPath(name).suffix.lower()
    content_type = CONTENT_TYPES.get(suffix) or mimetypes.guess_type(name)[0] or "application/octet-stream"
    response = FileResponse(
        handle,
        content_type=content_type,
        as_attachment=attachment,
        filename=download_name or PurePosixPath(name).name,
    )
    response["Cache-Control"] = cache_control
    return response
