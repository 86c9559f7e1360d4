from django.apps import AppConfig


class PagesConfig(AppConfig):
    """Server-rendered pages: sign in and out, each role's start page, web uploads."""

    name = "jewelreview.pages"
    label = "pages"
    verbose_name = "Pages"
