"""Review records: flags (what is wrong, where) and events (the audit log)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from jewelreview.catalog.models import PhotoStatus


class FlagReason(models.TextChoices):
    CLIPPED_PRONG = "clipped_prong", "Clipped prong"
    MISSING_CHAIN = "missing_chain", "Missing chain"
    OPACITY_BLEED = "opacity_bleed", "Opacity bleed"
    HALO = "halo", "Halo"
    COLOUR_SPILL = "colour_spill", "Colour spill"
    OTHER = "other", "Other"


class Flag(models.Model):
    """A reviewer's finding on a photo (at the revision they looked at).

    ``pins`` is a list of points ``{"x", "y"}`` or regions ``{"x0", "y0", "x1", "y1"}`` in image
    pixels of the upright photo, validated by ``reviews.pins.pins_validate``.
    """

    photo = models.ForeignKey("catalog.Photo", on_delete=models.CASCADE, related_name="flags")
    revision = models.ForeignKey(
        "repairs.Revision", null=True, blank=True, on_delete=models.PROTECT, related_name="flags"
    )
    reason = models.CharField(max_length=20, choices=FlagReason.choices)
    note = models.TextField(blank=True)
    pins = models.JSONField(default=list, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["photo", "resolved_at"])]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} on photo {self.photo_id}"

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None


class Event(models.Model):
    """One line of the audit log. Written by services in the same transaction as the change."""

    photo = models.ForeignKey("catalog.Photo", on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=40)
    from_status = models.CharField(max_length=20, choices=PhotoStatus.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=PhotoStatus.choices, blank=True)
    note = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        # (created_at): the dashboard's throughput per person per day reads a date range of events.
        indexes = [models.Index(fields=["photo", "created_at"]), models.Index(fields=["created_at"])]

    def __str__(self) -> str:
        return f"{self.action} {self.from_status}->{self.to_status} on photo {self.photo_id}"
