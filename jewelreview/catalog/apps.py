from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "jewelreview.catalog"
    label = "catalog"
    verbose_name = "Catalog"
