"""Pages answer 503 "try again shortly" while the database is unreachable, never a 500 traceback.

The API has the same mapping in its one exception handler (``jewelreview.api.exceptions``); this
middleware covers the server-rendered pages, whose views Django (not DRF) calls.

An error raised outside any view (the session saved in ``SessionMiddleware.process_response``,
a middleware's query) never reaches a middleware: Django turns it into a 500 around the
middleware that raised it, then calls ``handler500``. So ``server_error`` (``handler500`` in
``jewelreview.urls``) answers the same 503 for those: JSON under /api/, the page elsewhere.
"""

from __future__ import annotations

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views import defaults

from jewelreview.api.exceptions import DATABASE_RETRY_AFTER_SECONDS, service_error_of

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
        return outage_response(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    """``handler500``: the outage answer when the uncaught error is the database's, else Django's 500."""
    exception = sys.exc_info()[1]
    if isinstance(exception, (OperationalError, InterfaceError)):
        logger.error("database unavailable outside a view on %s: %s", request.path, exception)
        return outage_response(request, exception)
    return defaults.server_error(request)


def outage_response(request: HttpRequest, exception: Exception) -> HttpResponse:
    """503 with Retry-After: the API's JSON error under /api/, the outage page elsewhere."""
    if request.path.startswith("/api/"):
        error = service_error_of(exception)
        response: HttpResponse = JsonResponse(error.as_dict(), status=error.http_status)
    else:
        response = HttpResponse(OUTAGE_PAGE, status=503, content_type="text/html; charset=utf-8")
    response["Retry-After"] = str(DATABASE_RETRY_AFTER_SECONDS)
    return response
