"""Detection writes: run ``core.detect`` on a photo and store its risk, regions and auto-fix proposal.

With the risk goes ``damage_extent`` (``catalog.detections.damage_extent``): the share of the
photo the regions cover, weighted by confidence, which orders photos of equal risk (risk is
1.00 on nearly every damaged photo). It is computed here from the regions as stored, so it is
the figure the migration gives photos detected before it existed.

Runs as the ``photo_detect`` task, queued after a photo's previews exist (``catalog.tasks``).
Detection informs review (the queue sorts by risk, the review screen outlines the regions); it
never blocks it: a failure is logged and recorded as a ``detect_failed`` event, the photo keeps
``risk = null`` (sorted last) and is reviewed like any other.

The repair ``core.autofix`` proposes for the detection is stored with it
(``Photo.autofix_proposal``), so "Apply auto-fix" needs no second detector run in the request:
the proposal repairs exactly the regions the reviewer sees outlined. It is tagged with core's
engine and detector versions; a proposal from another version is recomputed at apply time, and
``manage.py detect_photos --all`` refreshes every photo after the detector changes.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from django.db import transaction

from jewelreview.catalog.detections import damage_extent, detections_parse
from jewelreview.catalog.models import Photo
from jewelreview.failure_reasons import QUEUE_DID_NOT_ANSWER, failure_reason, stored_input_read
from jewelreview.reviews.events import event_record

if TYPE_CHECKING:
    from core.detect import Detection

logger = logging.getLogger(__name__)

# core.detect's studio_fit under this means "not a studio shot": only what the mask's shape and
# raise-only matting show is reported there (see core.detect), so "nothing found" is weaker
# evidence than on a studio shot. Such photos get at least UNSURE_RISK: never below a "risk below
# 0.5" bulk-approve filter (strictly below), and ahead of the clean ones in the risk-sorted
# queue, so a person looks at them.
MIN_STUDIO_FIT = 0.5
UNSURE_RISK = 0.5
MAX_ERROR_CHARS = 2000
# A detect_failed event's note when the queue refused the job (its exception is logged);
# ``manage.py detect_photos`` queues the photos without a risk again.
DETECT_ENQUEUE_FAILED = f"could not enqueue: {QUEUE_DID_NOT_ANSWER}; tell a manager."


def photo_inputs_decode(*, photo: Photo):
    """The photo's upright RGB and AI alpha, decoded in parallel by ``core.codecs.decode_inputs``."""
    from core import codecs

    image, alpha = codecs.decode_inputs(
        stored_input_read(photo.original.name, what="original"), stored_input_read(photo.ai_mask.name, what="AI mask")
    )
    return image.rgb, alpha


def photo_detection_compute(*, photo: Photo) -> Detection:
    from core.detect import detect

    rgb, alpha = photo_inputs_decode(photo=photo)
    return detect(rgb, alpha)


def detection_stored_risk(detection: Detection) -> float:
    """The risk the queue sorts by (see UNSURE_RISK)."""
    if detection.studio_fit < MIN_STUDIO_FIT:
        return max(detection.risk, UNSURE_RISK)
    return detection.risk


def detection_regions_stored(detection: Detection, *, width: int, height: int) -> list[dict[str, Any]]:
    """core's regions (``box: (x, y, w, h)``) in ``Photo.detections``' form, validated by its parser."""
    raw = [
        {
            "box": {"x0": r.box[0], "y0": r.box[1], "x1": r.box[0] + r.box[2], "y1": r.box[1] + r.box[3]},
            "kind": r.kind,
            "confidence": r.confidence,
        }
        for r in detection.regions
    ]
    return [d.as_dict() for d in detections_parse(raw, width=width, height=height)]


def regions_damage_extent(regions: list[dict[str, Any]], *, width: int, height: int) -> float:
    """``Photo.damage_extent`` for regions in ``Photo.detections``' form."""
    return damage_extent(detections_parse(regions, width=width, height=height), width=width, height=height)


def detection_proposal_stored(detection: Detection) -> dict[str, Any]:
    """The auto-fix proposal for ``detection`` in ``Photo.autofix_proposal``'s form."""
    from core.autofix import MIN_CONFIDENCE, propose_recipe

    recipe = propose_recipe(detection, min_confidence=MIN_CONFIDENCE)
    fixed = sum(1 for region in detection.regions if region.confidence >= MIN_CONFIDENCE)
    return {**proposal_versions(), "recipe": recipe.to_dict(), "regions_fixed": fixed}


def proposal_versions() -> dict[str, Any]:
    """The versions a stored proposal must carry to be used as it is (module notes)."""
    from core.detect import DETECTION_VERSION
    from core.version import ENGINE_VERSION

    return {"engine": ENGINE_VERSION, "detector": DETECTION_VERSION}


def photo_detection_store(*, photo_id: int, detection: Detection) -> Photo | None:
    """Record a detection's risk, regions, damage extent and auto-fix proposal (None when the photo is gone).

    Neither ``version`` nor ``updated_at`` moves: detection is no decision, so it must not make a
    reviewer's approve stale (409) nor reset the dashboard's "waiting since".
    """
    try:
        proposal = detection_proposal_stored(detection)
    except Exception:  # noqa: BLE001  (the risk and regions still count; apply time proposes again)
        logger.exception("proposing auto-fix for photo %s failed", photo_id)
        proposal = None
    with transaction.atomic():
        photo = Photo.objects.select_for_update().filter(pk=photo_id).first()
        if photo is None:
            return None
        photo.risk = detection_stored_risk(detection)
        photo.detections = detection_regions_stored(detection, width=photo.width, height=photo.height)
        photo.damage_extent = regions_damage_extent(photo.detections, width=photo.width, height=photo.height)
        photo.autofix_proposal = proposal
        Photo.objects.filter(pk=photo_id).update(
            risk=photo.risk,
            detections=photo.detections,
            damage_extent=photo.damage_extent,
            autofix_proposal=photo.autofix_proposal,
        )
    return photo


def photo_detection_failed(*, photo_id: int, error: str) -> None:
    """Record why detection failed (a ``failure_reasons`` sentence), in the photo's history (risk
    stays null; review goes on)."""
    with transaction.atomic():
        photo = Photo.objects.filter(pk=photo_id).first()
        if photo is not None:
            event_record(
                photo=photo,
                actor=None,
                action="detect_failed",
                from_status=photo.status,
                to_status=photo.status,
                note=error[:MAX_ERROR_CHARS],
            )


def photo_detect_run(*, photo_id: int, force: bool = False) -> dict[str, Any]:
    """Detect and store, for the task. Idempotent: a photo with a risk is left alone unless ``force``.

    Failures are recorded (:func:`photo_detection_failed`) and re-raised for the queue.
    """
    photo = Photo.objects.filter(pk=photo_id).first()
    if photo is None:
        return {"photo": photo_id, "skipped": "missing"}
    if photo.risk is not None and not force:
        return {"photo": photo_id, "skipped": "detected"}
    try:
        detection = photo_detection_compute(photo=photo)
        photo_detection_store(photo_id=photo_id, detection=detection)
    except Exception as exc:
        # The note is in the photo's history for every signed-in user; the exception is logged.
        logger.warning("detecting damage on photo %s failed", photo_id, exc_info=exc)
        photo_detection_failed(photo_id=photo_id, error=failure_reason(exc, retry=None))
        raise
    return {"photo": photo_id, "risk": detection_stored_risk(detection), "regions": len(detection.regions)}


def photo_detect_enqueue(*, photo_id: int, force: bool = False) -> None:
    """Queue ``photo_detect`` after the current commit (at once outside a transaction)."""
    from jewelreview.catalog.tasks import photo_detect

    def enqueue() -> None:
        try:
            photo_detect.enqueue(photo_id=photo_id, force=force)
        except Exception as exc:  # noqa: BLE001  (the queue is down: say so; `manage.py detect_photos` retries)
            logger.warning("photo %s: could not enqueue its detection", photo_id, exc_info=exc)
            photo_detection_failed(photo_id=photo_id, error=DETECT_ENQUEUE_FAILED)

    transaction.on_commit(enqueue)
