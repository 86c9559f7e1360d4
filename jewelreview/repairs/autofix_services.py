"""Auto-fix: a revision proposed by ``core.autofix`` from what ``core.detect`` finds, in one click.

Who and when (``accounts.roles``: ``PHOTO_AUTOFIX`` for reviewers and managers,
``BATCH_AUTOFIX`` for managers):

- A photo that **needs review** only. The revision becomes current and the photo stays in
  needs_review: the reviewer then approves or flags the repaired result as usual. Other
  statuses belong to a retoucher (flagged, in repair, reopened: the editor) or are decided.
- The proposal is the one detection stored with the photo (``Photo.autofix_proposal``, made by
  the ``photo_detect`` task after ingest): applying it runs no detector in the request, and it
  repairs exactly the regions the reviewer sees outlined. Only a photo without a stored proposal
  of this engine and detector version (detected before the proposal was kept, or by another
  version of core) is detected again here, and the fresh risk, regions and damage extent are
  stored with the revision. On a 24 MP studio shot that is the detector's ~1-3 s; on a photo that
  is no studio shot the detector also runs its matting search (``core.recover``: ~35,000 band
  px/s, at most 1,000,000 px, so up to ~30 s, inside gunicorn's 120 s timeout).
- The proposal is a normal recipe (``base: "ai"``), appended like any revision (its parent is the
  current one, nothing is lost) and rendered in the background.

Refusals (nothing written): ``autofix_needs_review`` (409, wrong status), ``autofix_has_repair``
(409, the current revision is a person's repair: auto-fix never replaces it), ``autofix_nothing_to_fix``
(409, no region is sure enough to repair), ``autofix_already_applied`` (409, the current revision
is this very proposal), ``stale_version`` (409), ``photo_not_found`` (404).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from jewelreview.accounts.roles import Action, require
from jewelreview.catalog.detection_services import (
    detection_proposal_stored,
    detection_regions_stored,
    detection_stored_risk,
    photo_detection_compute,
    regions_damage_extent,
)
from jewelreview.catalog.models import Batch, Photo, PhotoStatus
from jewelreview.catalog.selectors import HIGHEST_RISK_FIRST
from jewelreview.catalog.services import photo_lock
from jewelreview.errors import Conflict, InvalidInput, NotFound, from_core_error
from jewelreview.failure_reasons import QUEUE_DID_NOT_ANSWER
from jewelreview.repairs.autofix_selectors import (
    AutofixProposal,
    person_repair,
    photo_autofix_proposal_stored,
    recipe_of,
)
from jewelreview.repairs.models import Revision
from jewelreview.repairs.services import render_enqueue
from jewelreview.reviews.events import event_record
from jewelreview.reviews.queue_selectors import lease_free

logger = logging.getLogger(__name__)

AUTOFIX_STATUSES = frozenset({PhotoStatus.NEEDS_REVIEW})
# How a manager tries a failed background auto-fix again; the autofix_failed notes say it.
AUTOFIX_RETRY = "run auto-fix on the batch again"
AUTOFIX_ENQUEUE_FAILED = f"could not enqueue: {QUEUE_DID_NOT_ANSWER}; {AUTOFIX_RETRY} once the queue is back."
DEFAULT_MIN_RISK = 0.5


@dataclass(frozen=True)
class BatchAutofixQueued:
    batch_id: int
    min_risk: float
    photo_ids: list[int]
    held: int = 0  # photos that qualified but a reviewer holds (on screen or up next): left alone

    @property
    def queued(self) -> int:
        return len(self.photo_ids)


def photo_autofix_propose(*, photo: Photo) -> AutofixProposal:
    """The photo's stored proposal when it is of this core; otherwise detect and propose (reads only)."""
    stored = photo_autofix_proposal_stored(photo=photo)
    if stored is not None:
        return stored
    from core.errors import CoreError

    try:
        detection = photo_detection_compute(photo=photo)
    except CoreError as exc:
        raise from_core_error(exc) from None
    fresh = detection_proposal_stored(detection)
    return AutofixProposal(
        recipe=recipe_of(fresh["recipe"]), regions_fixed=fresh["regions_fixed"], detection=detection, stored_form=fresh
    )


def photo_autofix_apply(
    *, photo: Photo, actor: AbstractBaseUser, expected_version: int | None = None, unless_leased: bool = False
) -> Revision:
    """Make the auto-fix proposal the photo's current revision and queue its render (module notes).

    ``unless_leased`` (the batch's background task): refuse with ``autofix_photo_leased`` while a
    reviewer holds the photo's review lease, so nobody's photo changes under their eyes.
    """
    require(actor, Action.PHOTO_AUTOFIX)
    _require_needs_review(photo)  # early, before the detector's seconds
    _require_no_repair(photo)
    if unless_leased:
        _require_not_leased(photo)
    proposal = photo_autofix_propose(photo=photo)  # the detector, when it must run, outside the lock
    with transaction.atomic():
        locked = photo_lock(photo_id=photo.pk, expected_version=expected_version)
        _require_needs_review(locked)
        _require_no_repair(locked)
        if unless_leased:
            _require_not_leased(locked)
        # What is stored now is what the reviewer sees outlined (detection may have run meanwhile).
        proposal = photo_autofix_proposal_stored(photo=locked) or proposal
        _require_something_to_fix(locked, proposal)
        recipe = proposal.recipe.to_dict()
        recipe_sha = proposal.recipe.sha256()
        current = locked.current_revision
        if current is not None and current.recipe_sha256 == recipe_sha:
            raise Conflict(
                f"Auto-fix is already applied to photo {locked.pk} (revision {current.number}).",
                code="autofix_already_applied",
                details={"current_revision": current.pk, "current_number": current.number},
            )
        number = (locked.revisions.aggregate(top=Max("number"))["top"] or 0) + 1
        revision = Revision.objects.create(
            photo=locked,
            number=number,
            parent=current,
            author=actor,
            recipe=recipe,
            recipe_sha256=recipe_sha,
            note=proposal.note,
        )
        locked.current_revision = revision
        if proposal.detection is not None:  # detected again here: keep what was found with the revision
            locked.risk = detection_stored_risk(proposal.detection)
            locked.detections = detection_regions_stored(
                proposal.detection, width=locked.width, height=locked.height
            )
            locked.damage_extent = regions_damage_extent(locked.detections, width=locked.width, height=locked.height)
            locked.autofix_proposal = proposal.stored_form
        locked.version += 1
        locked.save()
        event_record(
            photo=locked,
            actor=actor,
            action="autofix",
            from_status=locked.status,
            to_status=locked.status,
            note=proposal.note,
            data={"revision": revision.pk, "number": number, "risk": locked.risk, "ops": len(recipe["ops"])},
        )
        render_enqueue(revision=revision)
    return revision


def batch_autofix_enqueue(
    *, batch_id: int, actor: AbstractBaseUser, min_risk: float = DEFAULT_MIN_RISK
) -> BatchAutofixQueued:
    """Queue auto-fix (one background task each) for the batch's photos at ``min_risk`` or above.

    Only photos that need review and still show the AI cutout (no current revision): a person's
    repair or an earlier auto-fix is left alone, so running it twice queues nothing new. Photos a
    reviewer holds the review lease of are left alone too (here and again in the task).
    """
    require(actor, Action.BATCH_AUTOFIX)
    if isinstance(min_risk, bool) or not isinstance(min_risk, (int, float)) or not 0 <= min_risk <= 1:
        raise InvalidInput(
            f"min_risk must be a number from 0 to 1, got {min_risk!r}.",
            code="invalid_min_risk",
            details={"field": "min_risk"},
        )
    if not Batch.objects.filter(pk=batch_id).exists():
        raise NotFound(f"Batch {batch_id} does not exist.", code="batch_not_found")
    qualifying = Photo.objects.filter(
        batch_id=batch_id,
        status=PhotoStatus.NEEDS_REVIEW,
        current_revision__isnull=True,
        risk__gte=min_risk,
    )
    photo_ids = list(
        qualifying.filter(lease_free(timezone.now()))  # a reviewer is looking at the others right now
        .order_by(*HIGHEST_RISK_FIRST, "pk")
        .values_list("pk", flat=True)
    )
    held = qualifying.count() - len(photo_ids)
    from jewelreview.repairs.autofix_tasks import photo_autofix

    actor_id = actor.pk

    def enqueue() -> None:
        for photo_id in photo_ids:
            try:
                photo_autofix.enqueue(photo_id=photo_id, actor_id=actor_id)
            except Exception as exc:  # noqa: BLE001  (the queue is down: the photo stays as it was)
                logger.warning("photo %s: could not enqueue its auto-fix", photo_id, exc_info=exc)
                photo_autofix_failed(photo_id=photo_id, error=AUTOFIX_ENQUEUE_FAILED)

    transaction.on_commit(enqueue)
    return BatchAutofixQueued(batch_id=batch_id, min_risk=float(min_risk), photo_ids=photo_ids, held=held)


def photo_autofix_failed(*, photo_id: int, error: str) -> None:
    """Record a background auto-fix that failed in the photo's history (the photo is unchanged)."""
    photo = Photo.objects.filter(pk=photo_id).first()
    if photo is not None:
        event_record(
            photo=photo,
            actor=None,
            action="autofix_failed",
            from_status=photo.status,
            to_status=photo.status,
            note=error[:2000],
        )


def _require_something_to_fix(photo: Photo, proposal: AutofixProposal) -> None:
    if proposal.recipe.ops:
        return
    found = proposal.detection
    risk = found.risk if found is not None else photo.risk
    regions = len(found.regions) if found is not None else len(photo.detections or [])
    raise Conflict(
        f"Auto-fix found nothing sure enough to repair on photo {photo.pk}"
        + (f" (risk {risk:.2f})" if risk is not None else "")
        + "; review it as it is.",
        code="autofix_nothing_to_fix",
        details={"risk": risk, "regions": regions},
    )


def _require_not_leased(photo: Photo) -> None:
    if Photo.objects.filter(pk=photo.pk).filter(lease_free(timezone.now())).exists():
        return
    raise Conflict(
        f"Photo {photo.pk} is being reviewed right now; batch auto-fix leaves it to its reviewer.",
        code="autofix_photo_leased",
        details={"lease_until": photo.review_lease_until.isoformat() if photo.review_lease_until else None},
    )


def _require_no_repair(photo: Photo) -> None:
    """Refuse when the current revision is a person's work: neither the as-is recipe nor an auto-fix."""
    current = person_repair(photo)
    if current is None:
        return
    author = current.author.get_username() if current.author_id else "someone"
    raise Conflict(
        f"Photo {photo.pk} shows revision {current.number}, a repair by {author}; auto-fix would replace "
        "it. Review that repair, or flag the photo to have it reworked.",
        code="autofix_has_repair",
        details={"current_revision": current.pk, "current_number": current.number},
    )


def _require_needs_review(photo: Photo) -> None:
    if photo.status in AUTOFIX_STATUSES:
        return
    raise Conflict(
        f"Photo {photo.pk} is {PhotoStatus(photo.status).phrase}; auto-fix applies to photos that need review.",
        code="autofix_needs_review",
        details={"status": photo.status},
    )
