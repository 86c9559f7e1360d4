"""Reads for the review queue: the filtered, risk-then-age ordered list, counts per status, candidates for "next".

Every read here is one query whatever the page size (joins and correlated subqueries, no N+1).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from jewelreview.catalog.models import Photo, PhotoStatus
from jewelreview.catalog.selectors import HIGHEST_RISK_FIRST
from jewelreview.reviews.models import Flag

# Highest risk first once detection has scored photos (unscored ones after them), equal risks (to
# the 2 decimals shown) by the share of the photo the regions cover, then oldest first: with no detection at all this is
# plain age order.
QUEUE_ORDER = (*HIGHEST_RISK_FIRST, F("created_at").asc(), F("id").asc())


@dataclass(frozen=True)
class QueueFilters:
    """What the queue shows: photos in any of ``statuses`` (() means every status); ``assignee``
    is a username."""

    batch_id: int | None = None
    sku: str | None = None
    statuses: tuple[str, ...] = (PhotoStatus.NEEDS_REVIEW,)
    assignee: str | None = None


def lease_free(now: datetime) -> Q:
    """Photos nobody holds a review lease on at ``now`` (never leased, released or lapsed)."""
    return Q(review_holder__isnull=True) | Q(review_lease_until__isnull=True) | Q(review_lease_until__lte=now)


def _filtered(qs: QuerySet[Photo], filters: QueueFilters, *, with_status: bool = True) -> QuerySet[Photo]:
    if filters.batch_id is not None:
        qs = qs.filter(batch_id=filters.batch_id)
    if filters.sku:
        qs = qs.filter(sku__code=unicodedata.normalize("NFC", filters.sku))  # as ingest stores codes
    if filters.assignee:
        qs = qs.filter(assignee__username=filters.assignee)
    if with_status and filters.statuses:
        qs = qs.filter(status__in=filters.statuses)
    return qs


def queue_photos(*, filters: QueueFilters) -> QuerySet[Photo]:
    """The queue's rows, with SKU, batch, assignee and lease holder joined and ``open_flags`` counted."""
    open_flags = (
        Flag.objects.filter(photo=OuterRef("pk"), resolved_at__isnull=True)
        .order_by()
        .values("photo")
        .annotate(n=Count("pk"))
        .values("n")
    )
    qs = Photo.objects.select_related("sku", "batch", "assignee", "review_holder").annotate(
        open_flags=Coalesce(Subquery(open_flags, output_field=IntegerField()), Value(0))
    )
    return _filtered(qs, filters).order_by(*QUEUE_ORDER)


def queue_status_counts(*, filters: QueueFilters) -> dict[str, int]:
    """``{status: count}`` for every status under the queue's other filters (batch, SKU, assignee)."""
    rows = (
        _filtered(Photo.objects.all(), filters, with_status=False).order_by().values("status").annotate(n=Count("pk"))
    )
    counts = {status.value: 0 for status in PhotoStatus}
    counts.update({row["status"]: row["n"] for row in rows})
    return counts


def queue_candidates(
    *, now: datetime, batch_id: int | None = None, sku: str | None = None, exclude_ids: frozenset[int] = frozenset()
) -> QuerySet[Photo]:
    """Photos "next" may hand out at ``now``: waiting for review, not leased, in queue order."""
    qs = Photo.objects.filter(status=PhotoStatus.NEEDS_REVIEW).filter(lease_free(now))
    qs = _filtered(qs, QueueFilters(batch_id=batch_id, sku=sku, statuses=()))
    if exclude_ids:
        qs = qs.exclude(pk__in=exclude_ids)
    return qs.order_by(*QUEUE_ORDER)


def queue_waiting_count(*, now: datetime, batch_id: int | None = None, sku: str | None = None) -> int:
    """How many photos "next" could still hand out (for "12 left")."""
    return queue_candidates(now=now, batch_id=batch_id, sku=sku).count()
