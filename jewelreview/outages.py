"""Pages answer 503 "try again shortly" while the database is unreachable, never a 500 traceback.

The API has the same mapping in its one exception handler (``jewelreview.api.exceptions``); this
middleware covers the server-rendered pages, whose views Django (not DRF) calls.
"""

from __future__ import annotations

import logging

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse

from jewelreview.api.exceptions import DATABASE_RETRY_AFTER_SECONDS

logger = logging.getLogger(__name__)

OUTAGE_PAGE = (
    "<!doctype html><html lang=en><meta charset=utf-8><title>Unavailable - jewelreview</title>"
    "<h1>jewelreview is briefly unavailable</h1>"
    "<p>The database cannot answer right now (it may be restarting). "
    "Try again in a few seconds.</p></html>"
)


class DatabaseOutageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, (OperationalError, InterfaceError)):
            return None
        logger.error("database unavailable on %s: %s", request.path, exception)
        response = HttpResponse(OUTAGE_PAGE, status=503, content_type="text/html; charset=utf-8")
        response["Retry-After"] = str(DATABASE_RETRY_AFTER_SECONDS)
        return response
