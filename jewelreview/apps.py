from django.apps import AppConfig


class JewelreviewConfig(AppConfig):
    """The project itself as an app: system checks and project-wide commands (``demo``)."""

    name = "jewelreview"
    verbose_name = "jewelreview"

    def ready(self) -> None:
        from jewelreview import checks  # noqa: F401  (registers the system checks)
