"""Reads for flags and events."""

from __future__ import annotations

from django.db.models import QuerySet

from jewelreview.catalog.models import Photo
from jewelreview.errors import NotFound
from jewelreview.reviews.models import Event, Flag


def photo_events(*, photo: Photo) -> QuerySet[Event]:
    return Event.objects.filter(photo=photo).select_related("actor").order_by("created_at", "id")


def photo_flags(*, photo: Photo, open_only: bool = False) -> QuerySet[Flag]:
    qs = Flag.objects.filter(photo=photo).select_related("created_by", "resolved_by", "revision")
    if open_only:
        qs = qs.filter(resolved_at__isnull=True)
    return qs.order_by("-created_at", "-id")


def flag_get(*, flag_id: int) -> Flag:
    try:
        return Flag.objects.select_related("created_by", "resolved_by", "revision").get(pk=flag_id)
    except Flag.DoesNotExist:
        raise NotFound(f"Flag {flag_id} does not exist.", code="flag_not_found") from None
