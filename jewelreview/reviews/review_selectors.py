"""Reads for the review screen: which results of a photo can be shown, which is current, what changed.

A photo's *results* are the AI cutout and the finished render of each revision. Each is shown
from its deep-zoom pyramid (``/api/photos/{id}/tiles/<key>.dzi`` with key ``cutout`` or ``r<N>``);
a render finished before renders had pyramids has only its full-resolution PNG.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Prefetch

from jewelreview.catalog.detections import Detection, detections_parse
from jewelreview.catalog.models import Photo
from jewelreview.repairs.models import Render, RenderState, Revision
from jewelreview.reviews.models import Flag

CUTOUT_KEY = "cutout"


@dataclass(frozen=True)
class ResultLayer:
    key: str  # "cutout" or "r<N>"
    label: str
    has_tiles: bool
    render_id: int | None = None  # a finished render (its final PNG when there are no tiles)
    revision_number: int | None = None


@dataclass(frozen=True)
class ReviewScreen:
    photo: Photo
    layers: list[ResultLayer]
    current_key: str | None  # the result being reviewed; None while nothing can be shown
    current_note: str  # why the current result is not the current revision's, when it is not
    flagged_key: str | None  # the result the newest flag was raised on, when it differs from current
    flags: list[Flag]
    detections: list[Detection]


def revision_key(number: int | None) -> str:
    return CUTOUT_KEY if number is None else f"r{number}"


def review_screen(*, photo: Photo) -> ReviewScreen:
    """Everything the review screen shows of ``photo`` (as returned by ``catalog.selectors.photo_get``)."""
    revisions = list(_revisions_with_finished_renders(photo))
    layers = _layers(photo, revisions)
    current_key, note = _current(photo, revisions, layers)
    flags = list(
        Flag.objects.filter(photo=photo).select_related("created_by", "revision").order_by("-created_at", "-id")
    )
    flagged_key = None
    if flags:
        newest = flags[0]
        key = revision_key(newest.revision.number if newest.revision_id else None)
        if key != current_key and any(layer.key == key for layer in layers):
            flagged_key = key
    detections = detections_parse(photo.detections, width=photo.width, height=photo.height)
    return ReviewScreen(
        photo=photo,
        layers=layers,
        current_key=current_key,
        current_note=note,
        flagged_key=flagged_key,
        flags=flags,
        detections=detections,
    )


def lease_holder(*, photo: Photo, now: datetime) -> tuple[str | None, datetime | None]:
    """Who holds ``photo``'s review lease at ``now`` (username, until), or (None, None)."""
    if photo.review_holder_id is None or photo.review_lease_until is None or photo.review_lease_until <= now:
        return None, None
    return photo.review_holder.get_username(), photo.review_lease_until


def _revisions_with_finished_renders(photo: Photo):
    finished = Render.objects.filter(state=RenderState.DONE).order_by("-finished_at", "-id")
    return (
        Revision.objects.filter(photo=photo)
        .prefetch_related(Prefetch("renders", queryset=finished, to_attr="finished_renders"))
        .order_by("number")
    )


def _layers(photo: Photo, revisions: list[Revision]) -> list[ResultLayer]:
    layers = []
    if photo.tiles_cutout:
        layers.append(ResultLayer(key=CUTOUT_KEY, label="AI cutout", has_tiles=True))
    for revision in revisions:
        if not revision.finished_renders:
            continue
        render = revision.finished_renders[0]
        layers.append(
            ResultLayer(
                key=revision_key(revision.number),
                label=f"Revision {revision.number}",
                has_tiles=bool(render.tiles),
                render_id=render.pk,
                revision_number=revision.number,
            )
        )
    return layers


def _current(photo: Photo, revisions: list[Revision], layers: list[ResultLayer]) -> tuple[str | None, str]:
    """The current revision's result; when it has no finished render, the newest result there is, said so."""
    keys = [layer.key for layer in layers]
    if photo.current_revision_id is None:
        if CUTOUT_KEY in keys:
            return CUTOUT_KEY, ""
        if photo.prepare_error:
            return None, f"The previews could not be made: {photo.prepare_error}"
        return None, "The previews and tiles are still being made."
    current = next((r for r in revisions if r.pk == photo.current_revision_id), None)
    wanted = revision_key(current.number if current else None)
    if wanted in keys:
        return wanted, ""
    fallback = keys[-1] if keys else None
    state = _latest_render_state(current) if current else "missing"
    shown = next((layer.label for layer in layers if layer.key == fallback), "nothing")
    return fallback, f"Revision {current.number if current else '?'} is not rendered yet ({state}): showing {shown}."


def _latest_render_state(revision: Revision) -> str:
    render = revision.renders.order_by("-created_at", "-id").first()
    return render.state if render else "not queued"
