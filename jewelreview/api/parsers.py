"""Request body parsers with a size cap.

DRF reads a JSON body from the request stream, past Django's ``DATA_UPLOAD_MAX_MEMORY_SIZE``
check; this parser applies that same limit itself, so a huge body is a clear 413, never memory; a body
nested too deeply for the JSON reader is a clear 400 ``json_too_deep``, never a 500.
"""

from __future__ import annotations

import io

from django.conf import settings
from rest_framework.parsers import JSONParser

from jewelreview.errors import InvalidInput, TooLarge
from jewelreview.stored_files import format_bytes


class LimitedJSONParser(JSONParser):
    """JSON bodies up to ``DATA_UPLOAD_MAX_MEMORY_SIZE`` bytes (10 MiB: the largest recipe is ~4 MB)."""

    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        data = stream.read(limit + 1) if stream is not None else b""
        if len(data) > limit:
            raise TooLarge(
                f"The request body is larger than {format_bytes(limit)}.",
                code="request_too_large",
                details={"limit_bytes": limit},
            )
        try:
            return super().parse(io.BytesIO(data), media_type, parser_context)
        except RecursionError:
            # json.loads recurses once per nesting level: "[[[[..." of a few thousand brackets
            # (well under the size cap) would otherwise be a 500.
            raise InvalidInput(
                "The JSON body nests too deeply to read.", code="json_too_deep", details={}
            ) from None
