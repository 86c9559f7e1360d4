"""Pages are never kept by the browser: Back shows the photo as it is now, not as it was.

A review page kept in the browser's back/forward cache showed a photo approved a moment ago as
"Needs review" with Approve and Flag enabled (the decision then failed as a stale version), and
the queue still listed it. Every HTML page the server renders is sent with
``Cache-Control: no-store``, so the browser asks again. Static files (WhiteNoise answers them
before this middleware) and the API's own responses are not touched.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers


class FreshPagesMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.get("Content-Type", "").startswith("text/html") and not response.has_header("Cache-Control"):
            add_never_cache_headers(response)  # no-cache, no-store, must-revalidate, private
        return response
