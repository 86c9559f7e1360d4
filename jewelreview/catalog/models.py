"""Batches, SKUs and photos: what a studio sends us.

Files are stored through Django's storage API under names we choose (content-addressed originals
and masks, per-run prefixes for derived previews and tiles), so no upload_to logic lives here.
Status changes go through ``jewelreview.reviews.workflow`` only.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class PhotoStatus(models.TextChoices):
    NEW = "new", "New"
    NEEDS_REVIEW = "needs_review", "Needs review"
    APPROVED = "approved", "Approved"
    FLAGGED = "flagged", "Flagged"
    IN_REPAIR = "in_repair", "In repair"
    REOPENED = "reopened", "Reopened"
    RESHOOT = "reshoot", "Reshoot"

    @property
    def phrase(self) -> str:
        """The status after "is" in a sentence: "a photo that is waiting for review"."""
        return _STATUS_PHRASES.get(self.value, self.label.lower())


_STATUS_PHRASES = {"needs_review": "waiting for review", "reshoot": "marked for reshoot"}


class Batch(models.Model):
    """One import, e.g. a product launch."""

    name = models.CharField(max_length=200, unique=True)
    note = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "batches"

    def __str__(self) -> str:
        return self.name


class Sku(models.Model):
    code = models.CharField(max_length=120, unique=True)
    title = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code"]
        verbose_name = "SKU"

    def __str__(self) -> str:
        return self.code


class Photo(models.Model):
    batch = models.ForeignKey(Batch, on_delete=models.PROTECT, related_name="photos")
    sku = models.ForeignKey(Sku, on_delete=models.PROTECT, related_name="photos")
    view = models.CharField(max_length=120, help_text="front, side, top, ...")
    source_name = models.CharField(max_length=500, help_text="File name at import")

    original = models.FileField(max_length=300)
    original_sha256 = models.CharField(max_length=64, unique=True)
    original_bytes = models.PositiveBigIntegerField()
    ai_mask = models.FileField(max_length=300)
    ai_mask_sha256 = models.CharField(max_length=64)
    # Upright size: after the original's EXIF orientation is applied (the AI mask's size).
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()

    status = models.CharField(max_length=20, choices=PhotoStatus.choices, default=PhotoStatus.NEW)
    # When the photo entered its status: how long it has waited ("Waiting" on the dashboard, the
    # queue and My work). Set with every status change, and only then: assigning someone, saving a
    # revision or detection do not restart the wait (``updated_at`` is any change at all).
    status_since = models.DateTimeField(default=timezone.now)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="assigned_photos"
    )
    risk = models.FloatField(null=True, blank=True, help_text="0..1 from detection; null until detected")
    # Risk saturates at 1.00 on nearly every damaged photo; this second figure from the same
    # detection tells them apart (orderings "highest risk first" sort by it next):
    # ``catalog.detections.damage_extent``.
    damage_extent = models.FloatField(
        null=True,
        blank=True,
        help_text="0..1: the share of the photo its detected regions cover, weighted by confidence "
        "(overlaps counted once); null until detected",
    )
    current_revision = models.ForeignKey(
        "repairs.Revision", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Optimistic lock: every service write increments it; callers may send the version they saw.
    version = models.PositiveIntegerField(default=1)
    # Review lease: who the review queue's "next" handed this photo to, and until when
    # (``reviews.queue_services``). Not a status: any status change ends it, and it lapses by itself.
    review_holder = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    review_lease_until = models.DateTimeField(null=True, blank=True)
    detections = models.JSONField(
        default=list,
        blank=True,
        help_text="Detection's regions: [{box: {x0, y0, x1, y1}, kind, confidence}] in upright image pixels",
    )
    autofix_proposal = models.JSONField(
        null=True,
        blank=True,
        help_text="The repair the last detection proposes: {engine, detector, recipe, regions_fixed}; null until detected",
    )

    preview_original = models.FileField(max_length=300, blank=True)
    preview_cutout = models.FileField(max_length=300, blank=True)
    tiles_original = models.FileField(max_length=300, blank=True, help_text="DZI descriptor of the original")
    tiles_cutout = models.FileField(max_length=300, blank=True, help_text="DZI descriptor of the AI cutout")
    prepare_error = models.TextField(blank=True)
    prepared_at = models.DateTimeField(null=True, blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["sku__code", "view", "id"]
        indexes = [
            models.Index(fields=["status"]),
            models.Index(fields=["batch", "status"]),
            models.Index(fields=["sku", "view"]),
            models.Index(fields=["assignee", "status"]),
            models.Index(fields=["status", "created_at"]),
            # The dashboard: photos waiting longest, SKUs done per batch and overall, per-SKU counts.
            models.Index(fields=["status", "status_since"]),
            models.Index(fields=["batch", "sku", "status"]),
            models.Index(fields=["sku", "status"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=PhotoStatus.values), name="catalog_photo_status_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(risk__isnull=True) | models.Q(risk__gte=0, risk__lte=1),
                name="catalog_photo_risk_0_1",
            ),
            models.CheckConstraint(
                condition=models.Q(damage_extent__isnull=True) | models.Q(damage_extent__gte=0, damage_extent__lte=1),
                name="catalog_photo_damage_extent_0_1",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.sku.code}/{self.view} #{self.pk}"

    @property
    def has_previews(self) -> bool:
        return bool(self.preview_original and self.preview_cutout and self.tiles_original and self.tiles_cutout)
