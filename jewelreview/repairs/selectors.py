"""Reads for revisions and renders."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from jewelreview.catalog.models import Photo, PhotoStatus
from jewelreview.errors import NotFound
from jewelreview.repairs.models import Render, RenderState, Revision


def photo_revisions(*, photo: Photo) -> QuerySet[Revision]:
    """A photo's revisions by number; ``revision.renders.all()`` is prefetched, newest first."""
    newest_first = Render.objects.order_by("-created_at", "-id")
    return (
        Revision.objects.filter(photo=photo)
        .select_related("author", "parent")
        .prefetch_related(Prefetch("renders", queryset=newest_first))
        .order_by("number")
    )


def render_get(*, render_id: int) -> Render:
    try:
        return Render.objects.select_related("revision", "revision__photo").get(pk=render_id)
    except Render.DoesNotExist:
        raise NotFound(f"Render {render_id} does not exist.", code="render_not_found") from None


def revision_latest_render(*, revision: Revision) -> Render | None:
    return Render.objects.filter(revision=revision).order_by("-created_at", "-id").first()


def revision_tiles_name(*, photo: Photo, number: int) -> str:
    """The DZI descriptor of revision ``number``'s newest finished render; "" while there is none."""
    name = (
        Render.objects.filter(revision__photo=photo, revision__number=number, state=RenderState.DONE)
        .exclude(tiles="")
        .order_by("-finished_at", "-id")
        .values_list("tiles", flat=True)
        .first()
    )
    return name or ""


def photo_final_render(*, photo: Photo) -> Render | None:
    """The finished render of the photo's current revision (None until it is done)."""
    if photo.current_revision_id is None:
        return None
    return (
        Render.objects.filter(revision_id=photo.current_revision_id, state=RenderState.DONE)
        .order_by("-finished_at", "-id")
        .first()
    )


def approved_finals(*, batch_id: int | None = None) -> list[tuple[Photo, Render | None]]:
    """Approved photos (of one batch, or all) by SKU and view, each with its final render or None.

    None means the photo was approved without a finished render of its current revision (for
    example approved as the AI delivered it). Two queries whatever the number of photos.
    """
    from jewelreview.catalog.selectors import with_final_render

    photos = Photo.objects.filter(status=PhotoStatus.APPROVED).select_related("sku", "current_revision")
    if batch_id is not None:
        photos = photos.filter(batch_id=batch_id)
    photos = list(with_final_render(photos).order_by("sku__code", "view", "id"))
    renders = Render.objects.in_bulk([p.final_render_id for p in photos if p.final_render_id is not None])
    return [(photo, renders.get(photo.final_render_id)) for photo in photos]
