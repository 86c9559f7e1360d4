"""Reads for the retoucher's "My work" page: their photos, and flagged photos anyone may claim.

Each list comes with its open flags prefetched (one more query per list, whatever its length)
and the note of the photo's latest reopen (``reopen_note``, ``reopened_by``: why a manager sent an
approved photo back, for a card with no open flags; ``reopened_at``), unless the photo was
approved or flagged since. The user's own photos also carry ``draft_saved_at``: when the editor
last kept a draft of theirs (edits not saved as a revision; a save drops the draft), or None.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Case, IntegerField, OuterRef, Prefetch, QuerySet, Subquery, Value, When

from jewelreview.catalog.models import Photo, PhotoStatus
from jewelreview.catalog.selectors import with_final_render
from jewelreview.editor.models import Draft
from jewelreview.reviews.models import Flag
from jewelreview.reviews.selectors import reopens_in_force

# A photo a retoucher may work on: claimed (in repair), or waiting to be claimed.
CLAIMABLE = (PhotoStatus.FLAGGED, PhotoStatus.REOPENED)
# Assigned ahead of review (a manager routed it): it comes to claim if a reviewer flags it.
IN_REVIEW = (PhotoStatus.NEW, PhotoStatus.NEEDS_REVIEW)
MINE = (PhotoStatus.IN_REPAIR, *CLAIMABLE, *IN_REVIEW)
# "My work" is a to-do list, not a catalogue: past 200 photos the page says how many more.
MY_WORK_LIMIT = 200


def _with_open_flags(photos: QuerySet[Photo]) -> QuerySet[Photo]:
    open_flags = (
        Flag.objects.filter(resolved_at__isnull=True)
        .select_related("created_by", "revision")
        .order_by("created_at", "id")
    )
    reopens = reopens_in_force(photo_id=OuterRef("pk"))
    photos = photos.annotate(
        reopen_note=Subquery(reopens.values("note")[:1]),
        reopened_by=Subquery(reopens.values("actor__username")[:1]),
        reopened_at=Subquery(reopens.values("created_at")[:1]),
    )
    return with_final_render(photos.select_related("sku", "batch", "assignee", "current_revision")).prefetch_related(
        Prefetch("flags", queryset=open_flags, to_attr="open_flags")
    )


def retoucher_photos(*, user: AbstractBaseUser, limit: int = MY_WORK_LIMIT) -> list[Photo]:
    """Photos held by or assigned to ``user``: in repair first, then those to claim, then those
    still in review; each group waiting longest first.

    At most ``limit + 1`` are returned, so the caller can tell that there are more.
    """
    in_repair_first = Case(
        When(status=PhotoStatus.IN_REPAIR, then=Value(0)),
        When(status__in=CLAIMABLE, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    drafts = Draft.objects.filter(photo=OuterRef("pk"), author=user)
    photos = Photo.objects.filter(assignee=user, status__in=MINE).annotate(
        in_repair_first=in_repair_first, draft_saved_at=Subquery(drafts.values("saved_at")[:1])
    )
    return list(_with_open_flags(photos).order_by("in_repair_first", "status_since", "id")[: limit + 1])


def claimable_photos() -> QuerySet[Photo]:
    """Flagged or reopened photos assigned to no one, waiting longest first (paginate it)."""
    photos = Photo.objects.filter(status__in=CLAIMABLE, assignee__isnull=True)
    return _with_open_flags(photos).order_by("status_since", "id")
