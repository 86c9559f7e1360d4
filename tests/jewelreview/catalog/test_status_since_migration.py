"""Migration 0007: Photo.status_since, from the event log's last status change (else updated_at).

Run on the schema and models it was written for (``migrate``), not today's."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone


def test_existing_photos_wait_since_their_last_status_change(migrate):
    apps = migrate(("catalog", "0006_nfc_names"))
    Batch, Sku, Photo = (apps.get_model("catalog", name) for name in ("Batch", "Sku", "Photo"))
    Event = apps.get_model("reviews", "Event")
    batch, sku = Batch.objects.create(name="old"), Sku.objects.create(code="RING-1")

    def make(view: str, status: str):
        return Photo.objects.create(
            batch=batch, sku=sku, view=view, source_name=f"{view}.jpg", original=f"originals/{view}.jpg",
            original_sha256=view.ljust(64, "0"), original_bytes=1, ai_mask="masks/m.png", ai_mask_sha256="0" * 64,
            width=64, height=48, status=status,
        )

    now = timezone.now()
    flagged = make("front", "flagged")
    Event.objects.create(photo=flagged, action="prepare", from_status="new", to_status="needs_review")
    Event.objects.create(photo=flagged, action="flag", from_status="needs_review", to_status="flagged")
    Event.objects.create(photo=flagged, action="assign", from_status="flagged", to_status="flagged")
    Event.objects.filter(photo=flagged, action="prepare").update(created_at=now - dt.timedelta(days=5))
    Event.objects.filter(photo=flagged, action="flag").update(created_at=now - dt.timedelta(days=3))
    Event.objects.filter(photo=flagged, action="assign").update(created_at=now - dt.timedelta(hours=1))
    never_moved = make("side", "needs_review")  # made in its status: no event
    Photo.objects.filter(pk=flagged.pk).update(updated_at=now - dt.timedelta(hours=1))  # the assignment
    Photo.objects.filter(pk=never_moved.pk).update(updated_at=now - dt.timedelta(days=2))

    apps = migrate(("catalog", "0007_photo_status_since"))

    Photo = apps.get_model("catalog", "Photo")
    assert Photo.objects.get(pk=flagged.pk).status_since == now - dt.timedelta(days=3)
    assert Photo.objects.get(pk=never_moved.pk).status_since == now - dt.timedelta(days=2)
