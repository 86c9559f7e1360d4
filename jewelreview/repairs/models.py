"""Revisions (append-only recipes) and their renders."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class AppendOnlyError(Exception):
    """A programming error: someone tried to edit or delete a revision."""


class RevisionQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("Revisions are append-only; they are never updated.")

    def delete(self):
        raise AppendOnlyError("Revisions are append-only; they are never deleted.")


class Revision(models.Model):
    """One saved state of a photo's repair: a validated recipe, numbered 1, 2, ... per photo.

    Append-only: ``save()`` refuses an existing row and ``delete()`` always refuses; the
    queryset's bulk ``update()``/``delete()`` refuse too. The history is a tree through
    ``parent`` (a save that lost an optimistic-lock race is kept as a side branch).
    """

    photo = models.ForeignKey("catalog.Photo", on_delete=models.PROTECT, related_name="revisions")
    number = models.PositiveIntegerField()
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recipe = models.JSONField()
    recipe_sha256 = models.CharField(max_length=64)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RevisionQuerySet.as_manager()

    class Meta:
        ordering = ["photo_id", "number"]
        constraints = [models.UniqueConstraint(fields=["photo", "number"], name="repairs_revision_number_unique")]

    def __str__(self) -> str:
        return f"photo {self.photo_id} r{self.number}"

    def save(self, *args, **kwargs):
        if self.pk is not None or not self._state.adding:
            raise AppendOnlyError(f"Revision {self.pk} exists; revisions are append-only.")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Revisions are append-only; they are never deleted.")


class RenderState(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class Render(models.Model):
    """The full-resolution PNG (and a preview) of one revision."""

    revision = models.ForeignKey(Revision, on_delete=models.PROTECT, related_name="renders")
    state = models.CharField(max_length=10, choices=RenderState.choices, default=RenderState.QUEUED)
    final = models.FileField(max_length=300, blank=True)
    preview = models.FileField(max_length=300, blank=True)
    tiles = models.FileField(max_length=300, blank=True, help_text="DZI descriptor of the rendered result")
    checksum = models.CharField(max_length=64, blank=True, help_text="sha256 of the final PNG")
    final_bytes = models.PositiveBigIntegerField(null=True, blank=True)
    timings = models.JSONField(default=dict, blank=True, help_text="milliseconds per step")
    error = models.TextField(blank=True)
    attempts = models.PositiveIntegerField(default=0)
    task_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["revision", "state"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(state__in=RenderState.values), name="repairs_render_state_valid")
        ]

    def __str__(self) -> str:
        return f"render {self.pk} of {self.revision} ({self.state})"
