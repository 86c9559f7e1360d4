"""URL routes: pages, the admin (for managers) and the REST API under /api/.

Media files are never served from MEDIA_URL, not even in development: the API streams each file
after checking the caller's role (``jewelreview.api.files``), whatever the storage backend.
"""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest, HttpResponseRedirect
from django.templatetags.static import static
from django.urls import include, path

from jewelreview.health import healthz

# A database error outside any view (a middleware's session save) is a 503, as inside one.
handler500 = "jewelreview.outages.server_error"


def favicon(request: HttpRequest) -> HttpResponseRedirect:
    """Pages name their icon; the admin's do not, and browsers ask for /favicon.ico (a 404 in the
    admin's log). Resolved per request: the production storage's hashed name exists only after
    collectstatic, and changes with the icon, so the redirect is not a permanent one."""
    return HttpResponseRedirect(static("favicon.svg"))


urlpatterns = [
    path("", include("jewelreview.pages.urls")),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("favicon.ico", favicon),
    path("api/", include("jewelreview.api.urls")),
]
