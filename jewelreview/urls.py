"""URL routes: pages, the admin (for managers) and the REST API under /api/.

Media files are never served from MEDIA_URL, not even in development: the API streams each file
after checking the caller's role (``jewelreview.api.files``), whatever the storage backend.
"""

from __future__ import annotations

from django.contrib import admin
from django.urls import include, path
from django.views.generic import TemplateView

from jewelreview.health import healthz

urlpatterns = [
    # A placeholder front page until the browser UI arrives.
    path("", TemplateView.as_view(template_name="home.html"), name="home"),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("api/", include("jewelreview.api.urls")),
]
