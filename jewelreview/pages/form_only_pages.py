"""A page address that only takes a form's submission answers a visit with a page, not a blank 405.

``/dashboard/autofix/``, ``/queue/next/``, ``/retouch/<id>/<action>/`` and ``/logout/`` take a
POST from a form on another page. Reloading the address after the form moved on, a bookmark, or
typing ``/logout/`` got Django's empty 405 response: a blank page. The status and the ``Allow``
header stay; the body says what the address is for and links to the page whose form sends it
(for ``/logout/``, a form that signs out). The API's 405s (JSON) are not touched.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import render

# url name -> (the page whose form posts there, what that form does)
FORM_PAGES = {
    "dashboard-autofix": ("pages:dashboard", "queues auto-fix for a batch"),
    "queue-next": ("pages:queue", "opens the next photo to review"),
    "retouch-action": ("pages:retouch", "claims, releases or submits a photo"),
    "logout": ("pages:start", "signs you out"),
}


class FormOnlyPagesMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        match = request.resolver_match
        if (
            not isinstance(response, HttpResponseNotAllowed)
            or request.method not in ("GET", "HEAD")
            or match is None
            or match.namespace != "pages"
            or match.url_name not in FORM_PAGES
        ):
            return response
        back, purpose = FORM_PAGES[match.url_name]
        page = render(
            request,
            "405.html",
            {"back": back, "purpose": purpose, "sign_out": match.url_name == "logout"},
            status=405,
        )
        page["Allow"] = response["Allow"]
        # The decorator logged the 405 already; Django's handler would log the new response again.
        page._has_been_logged = getattr(response, "_has_been_logged", False)
        return page
