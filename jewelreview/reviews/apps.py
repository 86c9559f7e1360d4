from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "jewelreview.reviews"
    label = "reviews"
    verbose_name = "Reviews"
