"""Migration 0007: Photo.status_since, from the event log's last status change (else updated_at)."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
from django.apps import apps
from django.utils import timezone

from jewelreview.catalog.models import Photo
from jewelreview.reviews.models import Event

pytestmark = pytest.mark.django_db

migration = importlib.import_module("jewelreview.catalog.migrations.0007_photo_status_since")


def test_existing_photos_wait_since_their_last_status_change(make_photo, users):
    now = timezone.now()
    flagged = make_photo(status="flagged")
    Event.objects.create(photo=flagged, action="prepare", from_status="new", to_status="needs_review")
    Event.objects.create(photo=flagged, action="flag", from_status="needs_review", to_status="flagged")
    Event.objects.create(photo=flagged, action="assign", from_status="flagged", to_status="flagged")
    Event.objects.filter(photo=flagged, action="prepare").update(created_at=now - dt.timedelta(days=5))
    Event.objects.filter(photo=flagged, action="flag").update(created_at=now - dt.timedelta(days=3))
    Event.objects.filter(photo=flagged, action="assign").update(created_at=now - dt.timedelta(hours=1))
    never_moved = make_photo(status="needs_review")  # made in its status: no event
    Photo.objects.filter(pk=flagged.pk).update(updated_at=now - dt.timedelta(hours=1))  # the assignment
    Photo.objects.filter(pk=never_moved.pk).update(updated_at=now - dt.timedelta(days=2))

    migration.forwards(apps, None)

    assert Photo.objects.get(pk=flagged.pk).status_since == now - dt.timedelta(days=3)
    assert Photo.objects.get(pk=never_moved.pk).status_since == now - dt.timedelta(days=2)
