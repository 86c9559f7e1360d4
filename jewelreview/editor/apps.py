from django.apps import AppConfig


class EditorConfig(AppConfig):
    """The repair editor's server side: crop previews, channel analysis and drafts."""

    name = "jewelreview.editor"
    label = "editor"
    verbose_name = "Editor"
