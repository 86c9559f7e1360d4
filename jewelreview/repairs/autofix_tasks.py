"""Background auto-fix of one photo, queued per photo by ``batch_autofix_enqueue``."""

from __future__ import annotations

import logging

from django.contrib.auth import get_user_model
from django.tasks import task

from jewelreview.catalog.models import Photo
from jewelreview.errors import Conflict
from jewelreview.failure_reasons import failure_reason
from jewelreview.queues import TASK_QUEUE
from jewelreview.repairs.autofix_services import AUTOFIX_RETRY, photo_autofix_apply, photo_autofix_failed

logger = logging.getLogger(__name__)


@task(queue_name=TASK_QUEUE)
def photo_autofix(photo_id: int, actor_id: int) -> dict:
    """Apply auto-fix as ``actor_id`` (the manager who asked), unless the photo moved on meanwhile.

    Idempotent: a photo no longer in review, already auto-fixed, repaired, being reviewed (leased)
    or with nothing to fix is skipped (the Conflict's code says why). Other failures are recorded as an
    ``autofix_failed`` event and re-raised for the queue.
    """
    photo = Photo.objects.filter(pk=photo_id).first()
    actor = get_user_model().objects.filter(pk=actor_id).first()
    if photo is None or actor is None:
        return {"photo": photo_id, "skipped": "missing"}
    if photo.current_revision_id is not None:
        return {"photo": photo_id, "skipped": "has_revision"}
    try:
        revision = photo_autofix_apply(photo=photo, actor=actor, unless_leased=True)
    except Conflict as exc:
        return {"photo": photo_id, "skipped": exc.code}
    except Exception as exc:
        # The note is in the photo's history for every signed-in user; the exception is logged.
        photo_autofix_failed(photo_id=photo_id, error=failure_reason(exc, retry=AUTOFIX_RETRY))
        logger.warning("auto-fix of photo %s failed", photo_id, exc_info=exc)
        raise
    return {"photo": photo_id, "revision": revision.pk}
