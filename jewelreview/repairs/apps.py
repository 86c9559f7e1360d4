from django.apps import AppConfig


class RepairsConfig(AppConfig):
    name = "jewelreview.repairs"
    label = "repairs"
    verbose_name = "Repairs"
