"""The review queue's writes: hand each reviewer the next photo under a short lease.

"Next" must never give two reviewers the same photo. The lease lives on the photo row
(``review_holder``, ``review_lease_until``) and is taken in one transaction:

- Candidates are read in queue order. On PostgreSQL with ``SELECT ... FOR UPDATE SKIP LOCKED``:
  concurrent callers walk past the rows another caller is taking instead of waiting for them, and a
  row whose lease was taken and committed meanwhile is re-checked against the WHERE clause.
- The lease is then taken by a conditional UPDATE (still waiting for review, lease still free):
  its row count is the truth, on every database. SQLite has no row locks (``select_for_update``
  is a no-op there), but our SQLite transactions ``BEGIN IMMEDIATE`` (settings), so writers run one
  after another and the conditional UPDATE sees every earlier lease.

A lease is not a status: any status change ends it (``reviews.services``), the review page gives
its leases back as it is left (``review_lease_release``), and it lapses after ``REVIEW_LEASE`` so a
tab that could not say goodbye (a crash, no network) never hides a photo for long. Leasing does not bump the photo's
``version``: it changes nothing a decision depends on.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from jewelreview.accounts.roles import Action, require
from jewelreview.catalog.models import Photo, PhotoStatus
from jewelreview.errors import InvalidInput
from jewelreview.reviews.queue_selectors import lease_free, queue_candidates

# A reviewer decides a photo in well under a minute; ten minutes covers a long look, and a photo
# whose reviewer walked away returns to the queue by itself soon after.
REVIEW_LEASE = timedelta(minutes=10)
# "Do not hand me these again": the photos a reviewer saw this session (J/K history), bounded.
MAX_SKIP = 500


@dataclass(frozen=True)
class CurrentLease:
    """Who holds the review lease of the photo on the reviewer's screen after a "next" call."""

    photo_id: int
    holder: str | None
    until: datetime | None
    held_by_actor: bool


@dataclass(frozen=True)
class NextResult:
    photo: Photo | None
    until: datetime | None
    current: CurrentLease | None


def review_next(
    *,
    actor: AbstractBaseUser,
    batch_id: int | None = None,
    sku: str | None = None,
    current: int | None = None,
    skip: Iterable[int] = (),
) -> NextResult:
    """Lease the next photo to review to ``actor``; ``photo`` None when the queue is empty.

    ``current`` is the photo on the reviewer's screen: its lease is taken (when free) or renewed
    (when theirs) so nobody else is handed it; every other lease of ``actor`` is given back.
    ``skip`` lists photos not to hand out again (already seen this session).
    """
    require(actor, Action.PHOTO_APPROVE)
    skipped = _skip_ids(skip)
    now = timezone.now()
    until = now + REVIEW_LEASE
    with transaction.atomic():
        _leases_release(actor=actor, keep=current)
        current_lease = _current_take(photo_id=current, actor=actor, now=now, until=until) if current else None
        exclude = skipped | ({current} if current else set())
        leased_id = _lease_first_free(actor=actor, now=now, until=until, batch_id=batch_id, sku=sku, exclude=exclude)
    photo = Photo.objects.get(pk=leased_id) if leased_id is not None else None
    return NextResult(photo=photo, until=until if photo else None, current=current_lease)


def _skip_ids(skip: Iterable[int]) -> frozenset[int]:
    ids = list(skip)
    if len(ids) > MAX_SKIP:
        raise InvalidInput(f"skip: at most {MAX_SKIP} photo ids.", code="invalid_skip", details={"field": "skip"})
    return frozenset(ids)


def _leases_release(*, actor: AbstractBaseUser, keep: int | None) -> int:
    held = Photo.objects.filter(review_holder=actor)
    if keep is not None:
        held = held.exclude(pk=keep)
    return held.update(review_holder=None, review_lease_until=None)


def _current_take(*, photo_id: int, actor: AbstractBaseUser, now: datetime, until: datetime) -> CurrentLease | None:
    """Take or renew the lease of the photo on screen when it waits for review and nobody else holds it.

    On PostgreSQL a row another transaction has locked is left alone rather than waited for: two
    reviewers each looking at the photo the other is giving back must not wait on each other.
    """
    mine_or_free = lease_free(now) | Q(review_holder=actor)
    if not _skip_locked_supported() or _row_lockable(photo_id):
        Photo.objects.filter(pk=photo_id, status=PhotoStatus.NEEDS_REVIEW).filter(mine_or_free).update(
            review_holder=actor, review_lease_until=until
        )
    row = (
        Photo.objects.filter(pk=photo_id)
        .values_list("review_holder_id", "review_holder__username", "review_lease_until")
        .first()
    )
    if row is None:
        return None
    holder_id, holder, lease_until = row
    if lease_until is not None and lease_until <= now:
        holder_id, holder, lease_until = None, None, None
    return CurrentLease(photo_id=photo_id, holder=holder, until=lease_until, held_by_actor=holder_id == actor.pk)


def _lease_first_free(
    *,
    actor: AbstractBaseUser,
    now: datetime,
    until: datetime,
    batch_id: int | None,
    sku: str | None,
    exclude: set[int] | frozenset[int],
) -> int | None:
    """Take the first free candidate; one row at a time, so a caller locks only the row it takes."""
    tried: set[int] = set()
    while True:
        candidates = queue_candidates(now=now, batch_id=batch_id, sku=sku, exclude_ids=frozenset(exclude | tried))
        if _skip_locked_supported():
            candidates = candidates.select_for_update(skip_locked=True, of=("self",))
        photo_id = candidates.values_list("pk", flat=True).first()
        if photo_id is None:
            return None
        taken = (
            Photo.objects.filter(pk=photo_id, status=PhotoStatus.NEEDS_REVIEW)
            .filter(lease_free(now))
            .update(review_holder=actor, review_lease_until=until)
        )
        if taken:
            return photo_id
        tried.add(photo_id)  # another caller took it between the read and the update


def _skip_locked_supported() -> bool:
    features = connection.features
    return features.has_select_for_update_skip_locked and features.has_select_for_update_of


def _row_lockable(photo_id: int) -> bool:
    """Lock the photo's row for this transaction unless another transaction holds it (PostgreSQL)."""
    locked = Photo.objects.select_for_update(skip_locked=True, of=("self",)).filter(pk=photo_id)
    return bool(list(locked.values_list("pk", flat=True)))


@dataclass(frozen=True)
class LeaseRenewal:
    """The leases a heartbeat kept: ``renewed`` photo ids are the actor's until ``until``."""

    renewed: list[int]
    until: datetime | None  # None when nothing was renewed: no lease of the actor's lasts until then


def review_lease_renew(*, actor: AbstractBaseUser, photo_ids: Iterable[int]) -> LeaseRenewal:
    """Extend ``actor``'s review leases on ``photo_ids`` (the photo on screen and the one up next).

    The review page calls this every third of ``REVIEW_LEASE`` so a long look at one photo never lets
    its lease, or the up-next lease, lapse into another reviewer's "next". Only leases still held
    by ``actor`` (or lapsed and not taken since) on photos still waiting for review are renewed: a
    photo missing from ``renewed`` is no longer the actor's, and the page fetches a fresh up-next.
    """
    require(actor, Action.PHOTO_APPROVE)
    ids = frozenset(photo_ids)
    until = timezone.now() + REVIEW_LEASE
    # Still the actor's, lapsed or not: taking a lease (``next``) sets another holder.
    with transaction.atomic():
        Photo.objects.filter(pk__in=ids, status=PhotoStatus.NEEDS_REVIEW, review_holder=actor).update(
            review_lease_until=until
        )
        renewed = sorted(
            Photo.objects.filter(pk__in=ids, review_holder=actor, review_lease_until=until).values_list("pk", flat=True)
        )
    return LeaseRenewal(renewed=renewed, until=until if renewed else None)


def review_lease_release(*, actor: AbstractBaseUser, leases: Iterable[tuple[int, datetime]]) -> list[int]:
    """Give back ``actor``'s review leases, each ``(photo id, its lease_until)``; the ids released, sorted.

    The review page calls this as it is left (closed, or another page opened) for the leases it
    took and no longer needs, chiefly the photo up next: it returns to the queue at once instead of
    after ``REVIEW_LEASE``. Only the lease that lasts until the time given is ended: a request that
    arrives late (the page reloaded, or another tab on the photo, leased it again meanwhile) finds
    a newer lease and leaves it. A lease someone else holds is left alone, as is one already gone.
    """
    require(actor, Action.PHOTO_APPROVE)
    match = Q(pk__in=[])
    for photo_id, until in leases:
        match |= Q(pk=photo_id, review_lease_until=until)
    with transaction.atomic():
        # Locked as read (PostgreSQL; SQLite's BEGIN IMMEDIATE already serialises writers), so the
        # ids answered are exactly the leases this update ends.
        held = Photo.objects.select_for_update().filter(match, review_holder=actor)
        released = sorted(held.values_list("pk", flat=True))
        Photo.objects.filter(pk__in=released, review_holder=actor).update(review_holder=None, review_lease_until=None)
    return released
