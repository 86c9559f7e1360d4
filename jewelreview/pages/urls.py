"""Routes of the server-rendered pages (mounted at the site root)."""

from __future__ import annotations

from django.urls import path

from jewelreview.pages import views

app_name = "pages"

urlpatterns = [
    path("", views.start, name="start"),
    path("home/", views.home, name="home"),
    path("login/", views.SignInView.as_view(), name="login"),
    path("logout/", views.SignOutView.as_view(), name="logout"),
    path("uploads/", views.uploads, name="uploads"),
]
