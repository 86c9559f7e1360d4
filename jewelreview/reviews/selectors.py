"""Reads for flags and events."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, QuerySet

from jewelreview.catalog.models import Photo
from jewelreview.errors import NotFound
from jewelreview.reviews.models import Event, Flag
from jewelreview.reviews.workflow import PhotoAction

if TYPE_CHECKING:
    from jewelreview.repairs.models import Revision


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


def reopens_in_force(*, photo_id: int | OuterRef) -> QuerySet[Event]:
    """The photo's reopen events, newest first, that still speak for it: none after its next
    review decision (approved or flagged since, a reopen's note is history). ``photo_id`` is an
    id or an ``OuterRef`` (the My work cards annotate each photo with its latest one)."""
    decided_since = Event.objects.filter(
        photo_id=OuterRef("photo_id"), action__in=(PhotoAction.APPROVE, PhotoAction.FLAG), id__gt=OuterRef("id")
    )
    return (
        Event.objects.filter(photo_id=photo_id, action=PhotoAction.REOPEN)
        .exclude(Exists(decided_since))
        .select_related("actor")
        .order_by("-created_at", "-id")
    )


def submitted_by(*, photo_id: int, actor_id: int) -> Event | None:
    """The photo's latest event when it is ``actor_id`` sending it back to review, else None."""
    last = Event.objects.filter(photo_id=photo_id).select_related("photo__sku").order_by("-id").first()
    if last is None or last.action != PhotoAction.SUBMIT or last.actor_id != actor_id:
        return None
    return last


def saved_since(revision: Revision | None, moment: datetime) -> bool:
    """Whether ``revision`` (a photo's current one, or None) was saved after ``moment`` (a reopen)."""
    return revision is not None and revision.created_at >= moment
