"""Editor drafts: what a retoucher is editing, kept by the server so that a reload loses nothing.

A draft is the editor's working document (its ops, with the pen's anchors, the note and the
revision it started from), one per photo and person, overwritten as they work. It is not a
revision: nothing renders it, and saving a revision (``repairs.services.revision_create``) is
what makes an edit count.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Draft(models.Model):
    photo = models.ForeignKey("catalog.Photo", on_delete=models.CASCADE, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    base_revision = models.ForeignKey(
        "repairs.Revision",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The revision the edit started from (null: from the AI mask).",
    )
    document = models.JSONField(help_text="The editor's document: {version, base, ops, note}.")
    saved_at = models.DateTimeField(help_text="When the browser made this state (it orders local and server copies).")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["photo", "author"], name="editor_draft_one_per_person")]

    def __str__(self) -> str:
        return f"draft of photo {self.photo_id} by user {self.author_id}"
