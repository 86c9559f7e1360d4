"""The pages benchmark's catalogue waits as real photos do: entered their status over 30 days."""

from __future__ import annotations

import pytest
from django.db.models import F
from django.utils import timezone

from benchmarks.pages_bench import seed
from jewelreview.catalog.models import Photo

pytestmark = pytest.mark.django_db


def test_photos_wait_since_any_of_the_past_30_days():
    """"Waiting" counts from status_since (the queue, My work, the dashboard's waiting longest):
    photos seeded at once and left so would all have waited no time at all."""
    seed(120)
    now = timezone.now()
    days = {(now - since).days for since in Photo.objects.values_list("status_since", flat=True)}
    assert days == set(range(30))
    # the photo list's "Last change" goes with it: nothing changed since a photo entered its status
    assert not Photo.objects.exclude(updated_at=F("status_since")).exists()
