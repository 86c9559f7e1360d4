"""Revision and render writes.

Saving a revision is optimistic: the client says which revision it edited (``base_revision``).
If another save moved the photo on meanwhile, the new recipe is still kept, as a side branch
(its parent is the base it was made from), the photo's current revision does not move, and a
Conflict (409) says what is current and where the edit was kept. Nothing is ever lost.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from jewelreview.accounts.roles import Action, require, user_is_manager
from jewelreview.catalog.models import Photo, PhotoStatus
from jewelreview.catalog.services import photo_lock
from jewelreview.editor.services import photo_drafts_delete
from jewelreview.errors import Conflict, InvalidInput, NotAllowed, NotFound, from_core_error
from jewelreview.failure_reasons import QUEUE_DID_NOT_ANSWER
from jewelreview.repairs.models import Render, RenderState, Revision
from jewelreview.reviews.events import event_record

logger = logging.getLogger(__name__)

# A render still "running" after this long lost its worker (RQ kills jobs after the same hour:
# RQ_QUEUES DEFAULT_TIMEOUT); it may be claimed again. Settings may shorten it
# (JEWELREVIEW_RENDER_STALE_AFTER_SECONDS): see ``render_stale_after``.
RENDER_STALE_AFTER = timedelta(hours=1)

# A queued render without a task id this long after it was created never reached the queue
# (the process died between commit and enqueue); the sweeper enqueues it again.
RENDER_ENQUEUE_GRACE = timedelta(minutes=2)

# The error a render records when the queue refused it; the sweeper re-enqueues these.
ENQUEUE_FAILED_PREFIX = "could not enqueue the render: "
# The rest of that error: the queue's own exception (its host and port) goes to the log only.
ENQUEUE_FAILED = f"{ENQUEUE_FAILED_PREFIX}{QUEUE_DID_NOT_ANSWER}; it is queued again once the queue is back."

# Stored error messages are for people; a traceback tail is enough.
MAX_ERROR_CHARS = 4000


def recipe_validate(*, recipe: Any) -> dict[str, Any]:
    """Validate a recipe with ``core`` and return its canonical dict (InvalidInput naming op and field).

    Every check, the edge-row budget included: this is where new recipes enter. Stored revisions
    render without that budget (``rendering.render_to_storage``), as some were saved before it.
    """
    from core.errors import CoreError
    from core.recipe import Recipe

    try:
        return Recipe.from_dict(recipe).to_dict()
    except CoreError as exc:
        raise from_core_error(exc) from None


@dataclass(frozen=True)
class SavedRevision:
    """What a save did: ``revision`` is new (``created``), or the current one it only repeated."""

    revision: Revision
    created: bool


def revision_create(**arguments: Any) -> Revision:
    """The revision :func:`revision_save` (same keyword arguments) saved, or the current one a
    repeat left in place: for callers that need the revision, not whether it is new."""
    return revision_save(**arguments).revision


def revision_save(
    *,
    photo: Photo,
    author: AbstractBaseUser,
    recipe: Any,
    base_revision: int | None,
    note: str = "",
    expected_version: int | None = None,
) -> SavedRevision:
    """Save a new revision from ``base_revision`` (a revision id, or None for the first one).

    Allowed for the retoucher holding the photo's claim (in_repair) and for managers (in_repair
    or reopened). Queues its render after commit. Raises Conflict ``stale_base_revision``, with
    the edit kept as a side branch, when ``base_revision`` is no longer current.

    Saving the current revision's recipe again adds nothing (``created`` False): Save pressed
    twice, or pressed again after an answer that never arrived, whose base is then one revision
    behind (not a conflict: the recipe is already current). The author's drafts are dropped as
    after any save. A new note is content, so it still makes a revision.
    """
    require(author, Action.REVISION_CREATE)
    canonical = recipe_validate(recipe=recipe)
    from core.recipe import Recipe

    recipe_sha = Recipe.from_dict(canonical).sha256()
    conflict: Conflict | None = None
    with transaction.atomic():
        locked = photo_lock(photo_id=photo.pk, expected_version=expected_version)
        _require_may_edit(locked, author)
        parent = _base_revision(locked, base_revision)
        current = locked.current_revision
        if current is not None and _repeats(current, recipe_sha, note):
            photo_drafts_delete(photo=locked, author=author)
            return SavedRevision(current, created=False)
        number = (locked.revisions.aggregate(top=Max("number"))["top"] or 0) + 1
        revision = Revision.objects.create(
            photo=locked,
            number=number,
            parent=parent,
            author=author,
            recipe=canonical,
            recipe_sha256=recipe_sha,
            note=note,
        )
        if base_revision != locked.current_revision_id:
            conflict = _stale_base_conflict(locked, revision, parent)
            event_record(
                photo=locked,
                actor=author,
                action="revision_conflict",
                from_status=locked.status,
                to_status=locked.status,
                note=note,
                data=conflict.details,
            )
        else:
            locked.current_revision = revision
            locked.version += 1
            locked.save()
            event_record(
                photo=locked,
                actor=author,
                action="revision",
                from_status=locked.status,
                to_status=locked.status,
                note=note,
                data={"revision": revision.pk, "number": number, "parent": parent.pk if parent else None},
            )
            render_enqueue(revision=revision)
            # The browser drops its draft after a save too; this keeps it dropped if that request is lost.
            photo_drafts_delete(photo=locked, author=author)
    if conflict is not None:
        raise conflict
    return SavedRevision(revision, created=True)


# The recipe of a photo approved as the AI delivered it: the final PNG is the AI cutout, rendered
# at full resolution with provenance like any repaired photo, so exports never miss an approved photo.
AS_IS_RECIPE: dict[str, Any] = {"version": 1, "base": "ai", "ops": []}


def revision_record_as_is(*, locked: Photo, actor: AbstractBaseUser) -> Revision | None:
    """Give an approved photo that was never repaired its first revision (the empty recipe) and render it.

    Called by the approval inside its transaction, with ``locked`` row-locked; does nothing when the
    photo already has a current revision. Returns the new revision, or None.
    """
    if locked.current_revision_id is not None:
        return None
    canonical = recipe_validate(recipe=AS_IS_RECIPE)
    from core.recipe import Recipe

    revision = Revision.objects.create(
        photo=locked,
        number=(locked.revisions.aggregate(top=Max("number"))["top"] or 0) + 1,
        parent=None,
        author=actor,
        recipe=canonical,
        recipe_sha256=Recipe.from_dict(canonical).sha256(),
        note="approved as is: the AI cutout",
    )
    locked.current_revision = revision
    render_enqueue(revision=revision)
    return revision


def render_enqueue(*, revision: Revision) -> Render:
    """Create a queued render of ``revision`` and enqueue its task after the current commit."""
    render = Render.objects.create(revision=revision, state=RenderState.QUEUED)
    _enqueue_after_commit(render.pk)
    return render


def render_retry(*, render: Render, actor: AbstractBaseUser) -> Render:
    """Queue a failed render again; its old error is cleared (a queued render shows no reason to fail)."""
    require(actor, Action.RENDER_RETRY)
    with transaction.atomic():
        locked = _render_lock(render.pk)
        if locked.state != RenderState.FAILED:
            raise Conflict(
                f"Render {locked.pk} is {locked.state}; only failed renders can be retried.",
                code="render_not_failed",
                details={"state": locked.state},
            )
        locked.state = RenderState.QUEUED
        locked.task_id = ""  # the new job's id replaces the failed one's
        locked.error = ""
        locked.save(update_fields=["state", "task_id", "error"])
        _enqueue_after_commit(locked.pk)
    return locked


def render_stale_after() -> timedelta:
    """How long a render may run before it counts as abandoned by a dead worker."""
    seconds = getattr(settings, "JEWELREVIEW_RENDER_STALE_AFTER_SECONDS", None)
    return RENDER_STALE_AFTER if seconds is None else timedelta(seconds=seconds)


def _stale_before(now: datetime, stale_after: timedelta | None = None) -> datetime:
    """Running renders started before this are abandoned: the one threshold of the sweeper and the claim."""
    return now - (stale_after or render_stale_after())


def renders_requeue_stale(*, stale_after: timedelta | None = None) -> dict[str, list[int]]:
    """Enqueue again every render that would otherwise never finish; returns the ids by reason.

    - ``stale``: running for longer than ``stale_after`` (default ``render_stale_after()``): its
      worker was killed;
    - ``enqueue_failed``: failed because the queue refused it (Redis was down);
    - ``never_enqueued``: queued without a task id for longer than ``RENDER_ENQUEUE_GRACE``.

    Each becomes queued and is enqueued after commit; ``render_claim`` keeps a duplicate delivery
    harmless. Meant to run every few minutes (``manage.py renders_requeue_stale``).
    """
    now = timezone.now()
    found: dict[str, list[int]] = {"stale": [], "enqueue_failed": [], "never_enqueued": []}
    with transaction.atomic():
        candidates = Render.objects.select_for_update(skip_locked=True).filter(
            Q(state=RenderState.RUNNING, started_at__lt=_stale_before(now, stale_after))
            | Q(state=RenderState.FAILED, error__startswith=ENQUEUE_FAILED_PREFIX)
            | Q(state=RenderState.QUEUED, task_id="", created_at__lt=now - RENDER_ENQUEUE_GRACE)
        )
        for render in candidates.order_by("pk"):
            reason = {
                RenderState.RUNNING: "stale",
                RenderState.FAILED: "enqueue_failed",
                RenderState.QUEUED: "never_enqueued",
            }[render.state]
            found[reason].append(render.pk)
            render.state = RenderState.QUEUED
            render.task_id = ""
            render.started_at = None
            render.error = ""
            render.save(update_fields=["state", "task_id", "started_at", "error"])
            _enqueue_after_commit(render.pk)
    return found


def render_claim(*, render_id: int) -> Render | None:
    """Mark a render running for this worker; None when there is nothing to do.

    Nothing to do: it is done already (a duplicate delivery), or another worker runs it and is
    not stale. This makes the task idempotent.

    The claimed render's ``attempts`` (incremented here) is this worker's fencing token: pass it
    as ``attempt`` to ``render_complete`` / ``render_fail``, which ignore a worker whose render
    was meanwhile requeued and claimed again (a slow worker the sweeper took for dead).
    """
    with transaction.atomic():
        try:
            render = _render_lock(render_id)
        except NotFound:
            return None
        now = timezone.now()
        if render.state == RenderState.DONE:
            return None
        if render.state == RenderState.RUNNING and render.started_at and render.started_at >= _stale_before(now):
            return None
        render.state = RenderState.RUNNING
        render.attempts += 1
        render.started_at = now
        render.finished_at = None
        render.save(update_fields=["state", "attempts", "started_at", "finished_at"])
    return render


def render_complete(
    *,
    render_id: int,
    final: str,
    preview: str,
    checksum: str,
    final_bytes: int,
    timings: dict[str, float],
    tiles: str = "",
    attempt: int | None = None,
) -> Render:
    """Record a finished render; ``tiles`` is its DZI descriptor (empty for renders made without one).

    ``attempt`` is the worker's fencing token (``render_claim``'s ``attempts``): unless the render
    is still running that attempt, nothing is written (logged). None records unconditionally
    (callers outside a worker).
    """
    with transaction.atomic():
        render = _render_lock(render_id)
        if not _attempt_current(render, attempt, "complete"):
            return render
        render.state = RenderState.DONE
        render.final = final
        render.preview = preview
        render.tiles = tiles
        render.checksum = checksum
        render.final_bytes = final_bytes
        render.timings = timings
        render.error = ""
        render.finished_at = timezone.now()
        render.save()
    return render


def render_fail(
    *, render_id: int, error: str, timings: dict[str, float] | None = None, attempt: int | None = None
) -> Render:
    """Record a failed render; ``attempt`` fences a stale worker out as in ``render_complete``."""
    with transaction.atomic():
        render = _render_lock(render_id)
        if not _attempt_current(render, attempt, "fail"):
            return render
        render.state = RenderState.FAILED
        render.error = error[-MAX_ERROR_CHARS:]
        render.timings = timings or {}
        render.finished_at = timezone.now()
        render.save(update_fields=["state", "error", "timings", "finished_at"])
    return render


def _attempt_current(render: Render, attempt: int | None, outcome: str) -> bool:
    """Whether the worker holding ``attempt`` may still record an outcome of ``render`` (locked)."""
    if attempt is None or (render.state == RenderState.RUNNING and render.attempts == attempt):
        return True
    logger.warning(
        "render %s: ignored %s from attempt %s; the render is %s at attempt %s",
        render.pk,
        outcome,
        attempt,
        render.state,
        render.attempts,
    )
    return False


def _enqueue_after_commit(render_id: int) -> None:
    from jewelreview.repairs.tasks import render_revision

    def enqueue() -> None:
        try:
            result = render_revision.enqueue(render_id=render_id)
        except Exception as exc:  # noqa: BLE001  (the queue is down: the render must say so, not stay queued)
            logger.warning("render %s: could not enqueue", render_id, exc_info=exc)
            render_fail(render_id=render_id, error=ENQUEUE_FAILED)
            return
        Render.objects.filter(pk=render_id, task_id="").update(task_id=str(result.id)[:64])

    transaction.on_commit(enqueue)


def _render_lock(render_id: int) -> Render:
    try:
        return Render.objects.select_for_update().get(pk=render_id)
    except Render.DoesNotExist:
        raise NotFound(f"Render {render_id} does not exist.", code="render_not_found") from None


def _require_may_edit(photo: Photo, author: AbstractBaseUser) -> None:
    manager = user_is_manager(author)
    if photo.status == PhotoStatus.IN_REPAIR:
        if photo.assignee_id == author.pk or manager:
            return
        holder = photo.assignee.get_username() if photo.assignee_id else "nobody"
        raise NotAllowed(
            f"Photo {photo.pk} is claimed by {holder}; only the claim holder or a manager may save revisions.",
            code="not_claim_holder",
        )
    if photo.status == PhotoStatus.REOPENED and manager:
        return
    status = PhotoStatus(photo.status)
    raise Conflict(
        f"Photo {photo.pk} is {status.phrase}; {NOT_IN_REPAIR_NEXT_STEP.get(status, CLAIM_FIRST)}",
        code="not_in_repair",
        details={"status": photo.status},
    )


CLAIM_FIRST = "claim it for repair before saving revisions."
# What must happen before a photo in each status can take revisions: "claim it" only where a claim
# is possible (workflow: flagged, reopened), the step before that elsewhere.
NOT_IN_REPAIR_NEXT_STEP = {
    PhotoStatus.NEW: "it can be repaired once its previews are made and a reviewer flags it.",
    PhotoStatus.NEEDS_REVIEW: "a reviewer must flag it before it can be repaired.",
    PhotoStatus.APPROVED: "a manager must reopen it before it can be repaired.",
    PhotoStatus.FLAGGED: CLAIM_FIRST,
    PhotoStatus.REOPENED: CLAIM_FIRST,
    PhotoStatus.RESHOOT: "it is to be photographed again, not repaired.",
}


def _repeats(current: Revision, recipe_sha: str, note: str) -> bool:
    """Whether a save would only copy the current revision: same recipe, no new note."""
    return current.recipe_sha256 == recipe_sha and note.strip() in ("", current.note.strip())


def _base_revision(photo: Photo, base_revision: int | None) -> Revision | None:
    if base_revision is None:
        return None
    if isinstance(base_revision, bool) or not isinstance(base_revision, int):
        raise InvalidInput(
            "base_revision must be a revision id or null.",
            code="invalid_base_revision",
            details={"field": "base_revision"},
        )
    try:
        return photo.revisions.get(pk=base_revision)
    except Revision.DoesNotExist:
        raise InvalidInput(
            f"Revision {base_revision} is not a revision of photo {photo.pk}.",
            code="invalid_base_revision",
            details={"field": "base_revision"},
        ) from None


def _stale_base_conflict(photo: Photo, saved: Revision, base: Revision | None) -> Conflict:
    """Someone saved meanwhile. The message names revisions by their number, as the editor does."""
    current = photo.current_revision
    started = f"Revision {base.number}, which you started from," if base else "The AI mask, which you started from,"
    now = f"revision {current.number} is current now" if current else "no revision is current now"
    return Conflict(
        f"{started} is no longer current: {now}. Your edit was kept as revision {saved.number} but not made current.",
        code="stale_base_revision",
        details={
            "base_revision": base.pk if base else None,
            "base_number": base.number if base else None,
            "current_revision": current.pk if current else None,
            "current_number": current.number if current else None,
            "saved_revision": saved.pk,
            "saved_number": saved.number,
            "version": photo.version,
        },
    )
