"""Every API route, in one list (mounted at /api/ by ``jewelreview.urls``)."""

from __future__ import annotations

from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView

from jewelreview.accounts.views_api import AuthTokenView, MeView
from jewelreview.api.views import ApiDocsView, UnknownApiPathView
from jewelreview.catalog.views_api import (
    BatchListView,
    PhotoDetailView,
    PhotoFileView,
    PhotoListView,
    PhotoTilesView,
    PhotoTileView,
    SkuListView,
    UploadView,
)
from jewelreview.dashboards.views_api import ApprovedZipExportView, StatusCsvExportView
from jewelreview.editor.views_api import PhotoChannelsView, PhotoDraftView, PhotoPreviewView
from jewelreview.repairs.autofix_views_api import BatchAutofixView, PhotoAutofixView
from jewelreview.repairs.views_api import (
    PhotoFinalView,
    PhotoRevisionsView,
    PhotoThumbnailView,
    RenderDetailView,
    RenderFinalView,
    RenderPreviewView,
    RenderRetryView,
)
from jewelreview.reviews.queue_views_api import QueueNextView, QueueReleaseView, QueueRenewView
from jewelreview.reviews.views_api import (
    FlagResolveView,
    PhotoActionView,
    PhotoEventsView,
    PhotoFlagsView,
)

app_name = "api"

photo_actions = [
    path(f"photos/<int:photo_id>/{view.action_name}/", view.as_view(), name=f"photo-{view.action_name}")
    for view in PhotoActionView.__subclasses__()
]

urlpatterns = [
    # Both need a signed-in user (SPECTACULAR_SETTINGS' SERVE_PERMISSIONS).
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", ApiDocsView.as_view(url_name="api:schema"), name="docs"),
    path("auth/token/", AuthTokenView.as_view(), name="auth-token"),
    path("me/", MeView.as_view(), name="me"),
    path("batches/", BatchListView.as_view(), name="batch-list"),
    path("batches/<int:batch_id>/autofix/", BatchAutofixView.as_view(), name="batch-autofix"),
    path("skus/", SkuListView.as_view(), name="sku-list"),
    path("photos/", PhotoListView.as_view(), name="photo-list"),
    path("photos/<int:photo_id>/", PhotoDetailView.as_view(), name="photo-detail"),
    *photo_actions,
    path("photos/<int:photo_id>/autofix/", PhotoAutofixView.as_view(), name="photo-autofix"),
    path("photos/<int:photo_id>/revisions/", PhotoRevisionsView.as_view(), name="photo-revisions"),
    path("photos/<int:photo_id>/events/", PhotoEventsView.as_view(), name="photo-events"),
    path("photos/<int:photo_id>/flags/", PhotoFlagsView.as_view(), name="photo-flags"),
    path("photos/<int:photo_id>/preview/", PhotoPreviewView.as_view(), name="photo-preview"),
    path("photos/<int:photo_id>/channels/", PhotoChannelsView.as_view(), name="photo-channels"),
    path("photos/<int:photo_id>/draft/", PhotoDraftView.as_view(), name="photo-draft"),
    path("photos/<int:photo_id>/final.png", PhotoFinalView.as_view(), name="photo-final"),
    path("photos/<int:photo_id>/thumb.webp", PhotoThumbnailView.as_view(), name="photo-thumbnail"),
    path("photos/<int:photo_id>/files/<str:kind>", PhotoFileView.as_view(), name="photo-file"),
    path("photos/<int:photo_id>/tiles/<str:pyramid>.dzi", PhotoTilesView.as_view(), name="photo-tiles"),
    path(
        "photos/<int:photo_id>/tiles/<str:pyramid>_files/<int:level>/<int:col>_<int:row>.<str:fmt>",
        PhotoTileView.as_view(),
        name="photo-tile",
    ),
    path("flags/<int:flag_id>/resolve/", FlagResolveView.as_view(), name="flag-resolve"),
    path("queue/next/", QueueNextView.as_view(), name="queue-next"),
    path("queue/renew/", QueueRenewView.as_view(), name="queue-renew"),
    path("queue/release/", QueueReleaseView.as_view(), name="queue-release"),
    path("renders/<int:render_id>/", RenderDetailView.as_view(), name="render-detail"),
    path("renders/<int:render_id>/retry/", RenderRetryView.as_view(), name="render-retry"),
    path("renders/<int:render_id>/final.png", RenderFinalView.as_view(), name="render-final"),
    path("renders/<int:render_id>/preview.png", RenderPreviewView.as_view(), name="render-preview"),
    path("uploads/", UploadView.as_view(), name="uploads"),
    path("exports/status.csv", StatusCsvExportView.as_view(), name="export-status-csv"),
    path("exports/approved.zip", ApprovedZipExportView.as_view(), name="export-approved-zip"),
    re_path(r"^[\s\S]*$", UnknownApiPathView.as_view(), name="unknown"),  # any path, newlines too
]
