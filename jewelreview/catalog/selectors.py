"""Reads for batches, SKUs and photos. Each list is one query (aggregates, no N+1)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection

from django.db.models import Case, CharField, Count, Exists, F, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Round

from jewelreview.catalog.models import Batch, Photo, PhotoStatus, Sku
from jewelreview.errors import NotFound
from jewelreview.ids import parse_id


class SkuStatus:
    """A SKU's status, rolled up from its photos."""

    EMPTY = "empty"  # no photos yet
    DONE = "done"  # every photo approved
    RESHOOT = "reshoot"  # at least one photo must be shot again (and no newer photo of its view came in)
    NEEDS_REPAIR = "needs_repair"  # at least one photo flagged, in repair or reopened
    IN_REVIEW = "in_review"  # the rest: photos new or waiting for review (others approved)

    ALL = (EMPTY, DONE, RESHOOT, NEEDS_REPAIR, IN_REVIEW)


REPAIR_STATUSES = (PhotoStatus.FLAGGED, PhotoStatus.IN_REPAIR, PhotoStatus.REOPENED)

# Risk as the pages show it (``floatformat:2``): the order compares what the reviewer reads, so a
# photo at 0.996 ("1.00") with more of it damaged comes before one at 1.000 ("1.00") with less.
# Stored risks have 3 decimals; SQLite's and PostgreSQL's ROUND (on the value cast to numeric)
# both round those halves up as floatformat does (a test checks every value 0.000-1.000 on the
# database it runs on).
RISK_SHOWN = Round("risk", 2)
# "Highest risk first": risk is 1.00 on nearly every damaged photo, so photos of equal shown risk
# come in order of how much of them the detected regions cover (``Photo.damage_extent``). Photos
# not yet scored (both null) sort last, on SQLite and PostgreSQL alike. Callers add their last keys.
HIGHEST_RISK_FIRST = (RISK_SHOWN.desc(nulls_last=True), F("damage_extent").desc(nulls_last=True))
# What an ordering name sorts by, where that is more than the field itself (the same way round).
ORDERING_KEYS = {"risk": (RISK_SHOWN, F("damage_extent"))}


def superseded_photos() -> QuerySet[Photo]:
    """Photos sent for reshoot whose SKU has a newer photo (imported later) of the same view: the
    newer shot stands for them in the SKU's status (a reshoot leaves the workflow for good; it must
    not keep its SKU from being done once the replacement is approved). Photo counts per batch or
    per status still count them: they are photos that were sent for reshoot."""
    newer = Photo.objects.filter(sku_id=OuterRef("sku_id"), view=OuterRef("view"), pk__gt=OuterRef("pk"))
    return Photo.objects.filter(status=PhotoStatus.RESHOOT).filter(Exists(newer))


def _status_counts(prefix: str = "photos", *, only: Q | None = None) -> dict[str, Count]:
    """``photo_count`` and ``count_<status>`` over ``prefix``, of the photos ``only`` keeps (all by default)."""
    only = only if only is not None else Q()
    counts = {"photo_count": Count(prefix, filter=only)}
    for status in PhotoStatus:
        counts[f"count_{status.value}"] = Count(prefix, filter=Q(**{f"{prefix}__status": status.value}) & only)
    return counts


def sku_list(*, batch_id: int | None = None, status: str | Collection[str] | None = None) -> QuerySet[Sku]:
    """SKUs annotated with ``photo_count``, ``count_<status>`` per photo status and ``rollup_status``.

    With ``batch_id`` only SKUs having photos in that batch are listed (counts cover all photos);
    ``status`` is one rolled-up status or several (any of them).
    A photo sent for reshoot and since replaced by a newer photo of its view is not counted
    (:func:`superseded_photos`).
    """
    live = ~Q(photos__in=superseded_photos().values("pk"))
    qs = Sku.objects.annotate(**_status_counts(only=live)).annotate(
        repair_count=F("count_flagged") + F("count_in_repair") + F("count_reopened"),
        rollup_status=Case(
            When(photo_count=0, then=Value(SkuStatus.EMPTY)),
            When(photo_count=F("count_approved"), then=Value(SkuStatus.DONE)),
            When(count_reshoot__gt=0, then=Value(SkuStatus.RESHOOT)),
            When(repair_count__gt=0, then=Value(SkuStatus.NEEDS_REPAIR)),
            default=Value(SkuStatus.IN_REVIEW),
            output_field=CharField(),
        ),
    )
    if batch_id is not None:
        qs = qs.filter(pk__in=Photo.objects.filter(batch_id=batch_id).values("sku_id"))
    if status:
        qs = qs.filter(rollup_status=status) if isinstance(status, str) else qs.filter(rollup_status__in=status)
    return qs.order_by("code")


def sku_status_counts(sku: Sku) -> dict[str, int]:
    """``{status: count}`` from an annotated SKU (as returned by :func:`sku_list`)."""
    return {status.value: getattr(sku, f"count_{status.value}") for status in PhotoStatus}


def batch_list() -> QuerySet[Batch]:
    """Batches with ``photo_count`` and ``count_<status>`` per photo status."""
    return Batch.objects.annotate(**_status_counts()).order_by("-created_at", "-id")


PHOTO_ORDERINGS = frozenset({"id", "created_at", "updated_at", "risk", "status", "sku__code", "view"})


def photo_list(
    *,
    status: str | Collection[str] | None = None,
    sku: str | None = None,
    batch_id: int | None = None,
    assignee_id: int | None = None,
    assignee: str | None = None,
    risk_min: float | None = None,
    risk_below: float | None = None,
    ordering: str | None = None,
) -> QuerySet[Photo]:
    """Photos with their SKU, batch and assignee joined in (one query per page).

    ``status`` is one status or several (any of them). ``assignee`` is a username, or a user id
    when it is all digits (either may match).
    Each photo carries ``final_render_id`` (see :func:`with_final_render`).
    """
    qs = with_final_render(Photo.objects.select_related("sku", "batch", "assignee", "current_revision"))
    if status:
        qs = qs.filter(status=status) if isinstance(status, str) else qs.filter(status__in=status)
    if sku:
        qs = qs.filter(sku__code=unicodedata.normalize("NFC", sku))  # as ingest stores codes
    if batch_id is not None:
        qs = qs.filter(batch_id=batch_id)
    if assignee_id is not None:
        qs = qs.filter(assignee_id=assignee_id)
    if assignee:
        match = Q(assignee__username=assignee)
        if (user_id := parse_id(assignee)) is not None:
            match |= Q(assignee_id=user_id)
        qs = qs.filter(match)
    if risk_min is not None:
        qs = qs.filter(risk__gte=risk_min)
    if risk_below is not None:
        qs = qs.filter(risk__lt=risk_below)  # not yet scored (null) never counts as low risk
    if ordering and ordering.lstrip("-") in PHOTO_ORDERINGS:
        name = ordering.lstrip("-")
        fields = ORDERING_KEYS.get(name, (F(name),))
        # Photos not yet scored (risk null) sort last both ways, on SQLite and PostgreSQL alike.
        descending = ordering.startswith("-")
        order = [field.desc(nulls_last=True) if descending else field.asc(nulls_last=True) for field in fields]
        return qs.order_by(*order, "id")
    return qs.order_by("sku__code", "view", "id")


def photo_get(*, photo_id: int) -> Photo:
    """One photo, joined like :func:`photo_list` (with ``final_render_id``)."""
    qs = with_final_render(Photo.objects.select_related("sku", "batch", "assignee", "current_revision"))
    try:
        return qs.get(pk=photo_id)
    except Photo.DoesNotExist:
        raise NotFound(f"Photo {photo_id} does not exist.", code="photo_not_found") from None


def with_final_render(qs: QuerySet[Photo]) -> QuerySet[Photo]:
    """Annotate ``final_render_id``: the newest done render of each photo's current revision.

    A correlated subquery, so a page of photos stays one query whatever its size.
    """
    from jewelreview.repairs.models import Render, RenderState

    finals = Render.objects.filter(revision_id=OuterRef("current_revision_id"), state=RenderState.DONE)
    return qs.annotate(final_render_id=Subquery(finals.order_by("-finished_at", "-id").values("pk")[:1]))


def batch_get(*, batch_id: int) -> Batch:
    try:
        return Batch.objects.get(pk=batch_id)
    except Batch.DoesNotExist:
        raise NotFound(
            f"Batch {batch_id} does not exist.", code="batch_not_found", details={"field": "batch"}
        ) from None


# Stored files of a photo that may be served, by public name. Never a path chosen by a client.
PHOTO_FILES = {
    "original": "original",
    "ai_mask": "ai_mask",
    "preview_original": "preview_original",
    "preview_cutout": "preview_cutout",
}
PHOTO_TILE_PYRAMIDS = {"original": "tiles_original", "cutout": "tiles_cutout"}
# Besides those two, ``r<N>``: the rendered result of the photo's revision number N.
REVISION_PYRAMID = re.compile(r"r([1-9][0-9]{0,8})")
TILE_FORMATS = frozenset({"jpeg", "jpg", "png", "webp"})


def photo_file_name(*, photo: Photo, kind: str) -> str:
    """The storage name of one of a photo's files (``PHOTO_FILES``); NotFound while it does not exist."""
    if kind not in PHOTO_FILES:
        raise NotFound(f"Photos have no file {kind!r}; use one of {', '.join(PHOTO_FILES)}.", code="file_not_found")
    name = getattr(photo, PHOTO_FILES[kind]).name
    if not name:
        raise NotFound(
            f"Photo {photo.pk} has no {kind.replace('_', ' ')} yet (previews are still being made).",
            code="file_not_ready",
            details={"file": kind, "prepare_error": photo.prepare_error or None},
        )
    return name


def photo_tile_name(
    *, photo: Photo, pyramid: str, level: int | None = None, col: int = 0, row: int = 0, fmt: str = ""
) -> str:
    """The storage name of a pyramid's DZI descriptor (``level`` None) or of one of its tiles.

    Tiles live beside the descriptor as ``<name>_files/<level>/<col>_<row>.<fmt>`` (the Deep Zoom
    layout viewers derive from the descriptor's URL).
    """
    descriptor = _pyramid_descriptor(photo, pyramid)
    if level is None:
        return descriptor
    if fmt not in TILE_FORMATS or min(level, col, row) < 0:
        raise NotFound("No such tile.", code="file_not_found")
    return f"{descriptor.removesuffix('.dzi')}_files/{level}/{col}_{row}.{fmt}"


def photo_tile_missing(*, photo: Photo, pyramid: str, level: int, col: int, row: int, fmt: str) -> NotFound:
    """The 404 for a tile storage does not have: "no such tile" when the pyramid has no such level,
    column, row or format (naming the valid ones), else the file is missing from storage.

    Only asked once storage has answered "no such file", so tiles that exist cost no descriptor read.
    """
    from core.tiles import level_count, level_size, tile_grid

    shape = _dzi_shape(_pyramid_descriptor(photo, pyramid))
    if shape is None:
        return NotFound("The file is missing from storage.", code="file_missing", details={"file": None})
    width, height, tile_size, stored_fmt = shape
    top = level_count(width, height) - 1
    where = f"pyramid {pyramid} of photo {photo.pk}"
    details: dict = {"pyramid": pyramid, "levels": [0, top]}
    if level > top:
        return NotFound(
            f"No such tile: {where} has levels 0..{top}, not {level}.",
            code="tile_not_found",
            details={**details, "level": level},
        )
    cols, rows = tile_grid(*level_size(width, height, level), tile_size)
    if col >= cols or row >= rows:
        return NotFound(
            f"No such tile: level {level} of {where} has columns 0..{cols - 1} and rows 0..{rows - 1}, "
            f"not {col}_{row}.",
            code="tile_not_found",
            details={**details, "level": level, "columns": [0, cols - 1], "rows": [0, rows - 1]},
        )
    if fmt != stored_fmt:
        return NotFound(
            f"No such tile: the tiles of {where} are .{stored_fmt} files, not .{fmt}.",
            code="tile_not_found",
            details={**details, "format": stored_fmt},
        )
    return NotFound("The file is missing from storage.", code="file_missing", details={"file": None})


def _dzi_shape(descriptor: str) -> tuple[int, int, int, str] | None:
    """``(width, height, tile_size, format)`` from a stored DZI descriptor; None if unreadable."""
    from xml.etree import ElementTree

    from jewelreview import stored_files

    try:
        image = ElementTree.fromstring(stored_files.read_bytes(descriptor))  # written by core.tiles, not users
        size = next(child for child in image if child.tag.rsplit("}", 1)[-1] == "Size")
        shape = int(size.get("Width")), int(size.get("Height")), int(image.get("TileSize")), image.get("Format")
    except (OSError, ElementTree.ParseError, StopIteration, TypeError, ValueError):
        return None
    return shape if min(shape[:3]) >= 1 and shape[3] else None


def _pyramid_descriptor(photo: Photo, pyramid: str) -> str:
    if match := REVISION_PYRAMID.fullmatch(pyramid):
        from jewelreview.repairs.selectors import revision_tiles_name

        number = int(match[1])
        descriptor = revision_tiles_name(photo=photo, number=number)
        if not descriptor:
            raise NotFound(
                f"Revision {number} of photo {photo.pk} has no deep-zoom tiles (no finished render with tiles).",
                code="file_not_ready",
                details={"file": f"tiles_{pyramid}"},
            )
        return descriptor
    if pyramid not in PHOTO_TILE_PYRAMIDS:
        raise NotFound(f"Photos have no tile pyramid {pyramid!r}.", code="file_not_found")
    descriptor = getattr(photo, PHOTO_TILE_PYRAMIDS[pyramid]).name
    if not descriptor:
        raise NotFound(
            f"Photo {photo.pk} has no deep-zoom tiles yet (previews are still being made).",
            code="file_not_ready",
            details={"file": f"tiles_{pyramid}", "prepare_error": photo.prepare_error or None},
        )
    return descriptor
