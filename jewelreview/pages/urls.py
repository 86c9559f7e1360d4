"""Routes of the server-rendered pages (mounted at the site root)."""

from __future__ import annotations

from django.urls import path

from jewelreview.pages import (
    autofix_views,
    dashboard_views,
    editor_views,
    grid_views,
    queue_views,
    retouch_views,
    review_views,
    views,
)

app_name = "pages"

urlpatterns = [
    path("", views.start, name="start"),
    path("home/", views.home, name="home"),
    path("login/", views.SignInView.as_view(), name="login"),
    path("logout/", views.SignOutView.as_view(), name="logout"),
    path("uploads/", views.uploads, name="uploads"),
    path("queue/", queue_views.queue, name="queue"),
    path("queue/next/", queue_views.queue_next, name="queue-next"),
    path("photos/<int:photo_id>/review/", review_views.review, name="review"),
    path("photos/<int:photo_id>/edit/", editor_views.editor, name="editor"),
    path("grid/", grid_views.grid, name="grid"),
    path("retouch/", retouch_views.retouch, name="retouch"),
    path("retouch/<int:photo_id>/<str:action>/", retouch_views.retouch_action, name="retouch-action"),
    path("dashboard/", dashboard_views.dashboard, name="dashboard"),
    path("dashboard/photos/", dashboard_views.dashboard_photos, name="dashboard-photos"),
    path("dashboard/autofix/", autofix_views.dashboard_autofix, name="dashboard-autofix"),
]
