"""Background work for the catalog (``django.tasks``; in-process or RQ workers by settings)."""

from __future__ import annotations

import logging

from django.tasks import task

from jewelreview.catalog.detection_services import photo_detect_enqueue, photo_detect_run
from jewelreview.catalog.models import Photo
from jewelreview.catalog.previews import photo_renditions_build
from jewelreview.catalog.services import photo_prepare_complete, photo_prepare_failed
from jewelreview.failure_reasons import failure_reason
from jewelreview.queues import TASK_QUEUE

logger = logging.getLogger(__name__)


@task(queue_name=TASK_QUEUE)
def photo_prepare(photo_id: int) -> dict:
    """Build a photo's previews and DZI tiles, then move it from new to needs_review.

    Idempotent: a photo that already has its previews is left alone. A failure is recorded in
    ``Photo.prepare_error`` (the photo stays new) and re-raised for the queue;
    ``photo_prepare_enqueue`` retries. Detection (``photo_detect``) is queued once the photo is
    prepared, also when a re-run finds it prepared but not yet detected.
    """
    photo = Photo.objects.filter(pk=photo_id).first()
    if photo is None:
        return {"photo": photo_id, "skipped": "missing"}
    if photo.has_previews:
        if photo.risk is None:
            photo_detect_enqueue(photo_id=photo_id)
        return {"photo": photo_id, "skipped": "prepared"}
    try:
        renditions = photo_renditions_build(photo=photo)
    except Exception as exc:
        # The reason is shown on the review screen and the API; the exception and its paths are logged.
        photo_prepare_failed(photo_id=photo_id, error=failure_reason(exc, retry=None))
        logger.warning("preparing photo %s failed", photo_id, exc_info=exc)
        raise
    photo_prepare_complete(
        photo_id=photo_id,
        preview_original=renditions.preview_original,
        preview_cutout=renditions.preview_cutout,
        tiles_original=renditions.tiles_original,
        tiles_cutout=renditions.tiles_cutout,
    )
    # Its own task: a slow or failing detection never holds the photo out of review.
    photo_detect_enqueue(photo_id=photo_id)
    return {"photo": photo_id, "tiles": renditions.tiles_written}


@task(queue_name=TASK_QUEUE)
def photo_detect(photo_id: int, force: bool = False) -> dict:
    """Run ``core.detect`` on a photo and store its risk and regions (``catalog.detection_services``).

    Idempotent: a photo that has a risk is left alone unless ``force``. A failure is recorded as a
    ``detect_failed`` event (risk stays null, review is not held up) and re-raised for the queue.
    """
    return photo_detect_run(photo_id=photo_id, force=force)
