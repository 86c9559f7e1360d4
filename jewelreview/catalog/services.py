"""Writes for batches, SKUs and photos (ingest itself is ``catalog.ingest``)."""

from __future__ import annotations

import logging
import unicodedata
from datetime import timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from jewelreview.accounts.roles import Action, require
from jewelreview.catalog.models import Batch, Photo, PhotoStatus, Sku
from jewelreview.errors import Conflict, InvalidInput, NotFound
from jewelreview.failure_reasons import QUEUE_DID_NOT_ANSWER

logger = logging.getLogger(__name__)

# The error a photo records when the queue refused its preparation; the sweeper re-enqueues these.
PREPARE_ENQUEUE_FAILED_PREFIX = "could not enqueue: "
# The rest of that error: the queue's own exception (its host and port) goes to the log only.
PREPARE_ENQUEUE_FAILED = (
    f"{PREPARE_ENQUEUE_FAILED_PREFIX}{QUEUE_DID_NOT_ANSWER}; it is queued again once the queue is back."
)

# A new photo with no preparation error this long after it last changed was never prepared (the
# process died between commit and enqueue, or the job was lost with Redis' data). Preparing takes
# seconds, but a shoot of a thousand photos can queue for longer than that behind two workers:
# 30 minutes keeps the sweeper from piling duplicates onto a busy queue (a duplicate is harmless,
# ``photo_prepare`` skips a prepared photo, only wasted).
PHOTO_PREPARE_GRACE = timedelta(minutes=30)


def photo_lock(*, photo_id: int, expected_version: int | None = None) -> Photo:
    """Lock the photo row for this transaction (SELECT ... FOR UPDATE) and check its version.

    Must be called inside ``transaction.atomic``. ``expected_version`` is the version the caller
    saw; if someone changed the photo since, Conflict (409) says what is current.
    """
    try:
        photo = Photo.objects.select_for_update().get(pk=photo_id)
    except Photo.DoesNotExist:
        raise NotFound(f"Photo {photo_id} does not exist.", code="photo_not_found") from None
    if expected_version is not None and expected_version != photo.version:
        said = (
            f"Photo {photo_id} changed since you loaded it: {_last_change(photo)}. Reload to see it as it is."
            if expected_version < photo.version
            # A version it has never had: a client's bug or a mistyped number, not someone's change.
            else f"Photo {photo_id} has never been at version {expected_version}: it is at version {photo.version}."
        )
        raise Conflict(
            said,
            code="stale_version",
            details={
                "expected_version": expected_version,
                "version": photo.version,
                "status": photo.status,
                "current_revision": photo.current_revision_id,
            },
        )
    return photo


# How a stale-version message says what the last change was (the event's action, past tense).
_DONE = {
    "approve": "approved it", "flag": "flagged it", "claim": "claimed it", "release": "released it",
    "submit": "submitted it for review", "reopen": "reopened it", "reshoot": "marked it for reshoot",
    "assign": "assigned it", "autofix": "applied auto-fix to it", "revision": "saved a revision of it",
}


def _last_change(photo: Photo) -> str:
    """"rita approved it at 14:02, and it is now approved", from the photo's latest event."""
    from jewelreview.reviews.models import Event

    status = f"it is now {PhotoStatus(photo.status).phrase}"
    event = Event.objects.filter(photo=photo).select_related("actor").order_by("-created_at", "-id").first()
    if event is None or event.action not in _DONE:
        return status
    who = event.actor.get_username() if event.actor_id else "the system"
    at = timezone.localtime(event.created_at).strftime("%H:%M")
    return f"{who} {_DONE[event.action]} at {at}, and {status}"


def batch_get_or_create(*, name: str, actor: AbstractBaseUser | None = None) -> Batch:
    name = name.strip()
    if not name:
        raise InvalidInput("A batch needs a name.", code="invalid_batch_name", details={"field": "batch"})
    if len(name) > Batch._meta.get_field("name").max_length:
        raise InvalidInput("Batch names are at most 200 characters.", code="invalid_batch_name")
    batch, _ = Batch.objects.get_or_create(
        name=name, defaults={"created_by": actor if actor is not None and actor.is_authenticated else None}
    )
    return batch


def sku_get_or_create(*, code: str, title: str = "") -> Sku:
    """The SKU of ``code`` in its one Unicode spelling (NFC: a decomposed "É" is the same SKU)."""
    sku, created = Sku.objects.get_or_create(code=unicodedata.normalize("NFC", code), defaults={"title": title})
    if not created and title and not sku.title:
        sku.title = title
        sku.save(update_fields=["title"])
    return sku


def photo_prepare_enqueue(*, photo: Photo, actor: AbstractBaseUser | None = None) -> None:
    """(Re)build a photo's previews and tiles in the background, after the current commit.

    With an actor (a manager retrying after a failure) the role is checked; ingest calls it
    without one.
    """
    if actor is not None:
        require(actor, Action.PHOTO_PREPARE)
    from jewelreview.catalog.tasks import photo_prepare

    photo_id = photo.pk

    def enqueue() -> None:
        try:
            photo_prepare.enqueue(photo_id=photo_id)
        except Exception as exc:  # noqa: BLE001  (the queue is down: say so on the photo; a manager can retry)
            logger.warning("photo %s: could not enqueue its preparation", photo_id, exc_info=exc)
            photo_prepare_failed(photo_id=photo_id, error=PREPARE_ENQUEUE_FAILED)

    transaction.on_commit(enqueue)


def photos_requeue_unprepared(*, grace: timedelta = PHOTO_PREPARE_GRACE) -> dict[str, list[int]]:
    """Enqueue ``photo_prepare`` again for every new photo that would otherwise stay new; ids by reason.

    - ``enqueue_failed``: the queue refused its preparation (Redis was down);
    - ``never_prepared``: no previews and no error ``grace`` after it last changed.

    A photo whose preparation ran and failed (an unreadable file) is left to a manager. Each
    found photo's error is cleared and its clock restarted, so a second run finds nothing until
    another grace has passed; the task skips a photo already prepared, so a duplicate delivery is
    harmless. Run with ``renders_requeue_stale`` (``manage.py renders_requeue_stale``).

    A photo whose job is still on the queue (waiting behind a backlog longer than ``grace``, or
    running) is skipped and keeps its clock: enqueueing again would only multiply the backlog.
    """
    from jewelreview.catalog.prepare_queue import photo_prepare_pending_ids

    now = timezone.now()
    found: dict[str, list[int]] = {"enqueue_failed": [], "never_prepared": []}
    pending = photo_prepare_pending_ids()
    with transaction.atomic():
        candidates = Photo.objects.select_for_update(skip_locked=True).filter(
            status=PhotoStatus.NEW, prepared_at__isnull=True
        ).filter(
            Q(prepare_error__startswith=PREPARE_ENQUEUE_FAILED_PREFIX) | Q(prepare_error="", updated_at__lt=now - grace)
        )
        for photo in candidates.order_by("pk"):
            if photo.pk in pending:
                continue
            found["enqueue_failed" if photo.prepare_error else "never_prepared"].append(photo.pk)
            Photo.objects.filter(pk=photo.pk).update(prepare_error="", updated_at=now)
            photo_prepare_enqueue(photo=photo)
    return found


def photo_prepare_failed(*, photo_id: int, error: str) -> None:
    Photo.objects.filter(pk=photo_id).update(prepare_error=error[:4000], updated_at=timezone.now())


def photo_prepare_complete(
    *, photo_id: int, preview_original: str, preview_cutout: str, tiles_original: str, tiles_cutout: str
) -> Photo:
    """Record a photo's previews and tiles; a new photo then moves to needs_review (system event)."""
    from jewelreview.reviews.events import event_record
    from jewelreview.reviews.workflow import PhotoAction, transition_target

    with transaction.atomic():
        photo = photo_lock(photo_id=photo_id)
        photo.preview_original = preview_original
        photo.preview_cutout = preview_cutout
        photo.tiles_original = tiles_original
        photo.tiles_cutout = tiles_cutout
        photo.prepare_error = ""
        photo.prepared_at = timezone.now()
        photo.version += 1
        if photo.status == PhotoStatus.NEW:
            photo.status, photo.status_since = transition_target(photo.status, PhotoAction.PREPARE), timezone.now()
            event_record(
                photo=photo,
                actor=None,
                action=PhotoAction.PREPARE,
                from_status=PhotoStatus.NEW,
                to_status=photo.status,
                note="previews and tiles ready",
            )
        photo.save()
    return photo
