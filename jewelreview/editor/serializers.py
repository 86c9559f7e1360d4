"""API input and output shapes of the editor's endpoints (previews, channel analysis, drafts)."""

from __future__ import annotations

from rest_framework import serializers

from jewelreview.api.fields import FiniteFloatField, ListedChoiceField, id_field
from jewelreview.repairs.serializers import RecipeField

# Coordinates past a million pixels are refused by core too (core.limits); the photo's own size
# is checked by the preview service.
MAX_COORDINATE = 1_000_000


def _coordinate() -> serializers.IntegerField:
    return serializers.IntegerField(min_value=0, max_value=MAX_COORDINATE)


class WindowInput(serializers.Serializer):
    x0 = _coordinate()
    y0 = _coordinate()
    x1 = _coordinate()
    y1 = _coordinate()


class PreviewInput(serializers.Serializer):
    recipe = RecipeField()
    rect = WindowInput(help_text="Image pixels [x0, x1) x [y0, y1) of the upright photo.")
    scale = FiniteFloatField(help_text="Output pixels per image pixel, 1/64..1 (the browser magnifies past 100 %).")


class ChannelAnalysisInput(serializers.Serializer):
    region = serializers.CharField(trim_whitespace=False, help_text="SVG path data in image pixels.")
    channel = ListedChoiceField(choices=["auto", "r", "g", "b"], default="auto")
    base = ListedChoiceField(choices=["ai", "auto"], default="ai", help_text="The recipe's base mask.")


class ChannelLevelsOutput(serializers.Serializer):
    channel = serializers.CharField()
    black = serializers.FloatField()
    white = serializers.FloatField()
    gamma = serializers.FloatField()
    invert = serializers.BooleanField()
    adaptive = serializers.BooleanField(help_text="Automatic levels: flattened against the background.")


class PerChannelFloats(serializers.Serializer):
    r = serializers.FloatField()
    g = serializers.FloatField()
    b = serializers.FloatField()


class PerChannelHistograms(serializers.Serializer):
    r = serializers.ListField(child=serializers.IntegerField())
    g = serializers.ListField(child=serializers.IntegerField())
    b = serializers.ListField(child=serializers.IntegerField())


class PerChannelPictures(serializers.Serializer):
    r = serializers.CharField()
    g = serializers.CharField()
    b = serializers.CharField()


class ChannelAnalysisOutput(serializers.Serializer):
    box = serializers.ListField(child=serializers.IntegerField(), help_text="x0, y0, x1, y1 of the region.")
    area = serializers.IntegerField(help_text="Pixels at least half inside the region.")
    scores = PerChannelFloats(help_text="core.channels.channel_scores: higher shows the piece better.")
    best = serializers.CharField(help_text="The channel `auto` uses.")
    histograms = PerChannelHistograms(help_text="256 counts per channel over the region.")
    pictures = PerChannelPictures(help_text="Greyscale PNG data URLs of each channel over the region's box.")
    levels = ChannelLevelsOutput(help_text="The settings core resolves for the requested channel.")


class DraftInput(serializers.Serializer):
    document = serializers.JSONField(help_text="The editor's document: {version, base, ops, note}.")
    base_revision = id_field(allow_null=True, help_text="The revision the edit started from.")
    saved_at = serializers.DateTimeField(help_text="When the browser made this state.")


class DraftOutput(serializers.Serializer):
    document = serializers.JSONField()
    base_revision = serializers.IntegerField(source="base_revision_id", allow_null=True)
    saved_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
