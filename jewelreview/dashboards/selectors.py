"""Reads for the manager's dashboard: a fixed number of queries each (one or two), whatever the
catalogue's size or the page's.

"Done" follows ``catalog.selectors.SkuStatus``: a SKU is done when every one of its photos (in
the scope: one batch, or all) is approved; a photo sent for reshoot and since replaced by a newer
photo of its view no longer counts (``catalog.selectors.superseded_photos``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Case, CharField, Count, DateField, F, Func, Q, QuerySet, Subquery, Value, When

from jewelreview.accounts.roles import Role
from jewelreview.catalog.models import Batch, Photo, PhotoStatus, Sku
from jewelreview.catalog.selectors import SkuStatus, superseded_photos, with_final_render
from jewelreview.errors import Conflict, NotFound
from jewelreview.repairs.models import Render
from jewelreview.reviews.models import Event, Flag, FlagReason

# Statuses in which a photo waits for someone: a reviewer (needs_review) or a retoucher.
WAITING_STATUSES = (PhotoStatus.NEEDS_REVIEW, PhotoStatus.FLAGGED, PhotoStatus.REOPENED)
# Events that move a photo on through the workflow: what "throughput" counts.
THROUGHPUT_ACTIONS = ("approve", "flag", "submit", "reopen", "reshoot")


def _status_counts() -> dict[str, Count]:
    """``photo_count`` and ``count_<status>`` aggregates over photos."""
    counts = {"photo_count": Count("id")}
    for status in PhotoStatus:
        counts[f"count_{status.value}"] = Count("id", filter=Q(status=status.value))
    return counts


def _sku_counts() -> dict[str, Count]:
    """``sku_count`` and ``skus_open`` (SKUs with at least one photo not approved) over photos."""
    live = ~Q(pk__in=superseded_photos().values("pk"))
    return {
        "sku_count": Count("sku", distinct=True),
        "skus_open": Count("sku", distinct=True, filter=~Q(status=PhotoStatus.APPROVED) & live),
    }


@dataclass(frozen=True)
class Progress:
    """Photos per status and SKUs done in one scope (a batch, or everything)."""

    photo_count: int
    counts: dict[str, int]
    sku_count: int
    skus_done: int

    @property
    def status_rows(self) -> list[tuple[str, str, int]]:
        """``(status, label, count)`` in workflow order."""
        return [(status.value, status.label, self.counts[status.value]) for status in PhotoStatus]

    @property
    def approved(self) -> int:
        """Approved photos: what the approved ZIP holds (a ZIP of none is only a manifest's header)."""
        return self.counts[PhotoStatus.APPROVED.value]


def progress_totals(*, batch_id: int | None = None) -> Progress:
    """Counts per status and SKUs done, of one batch or of all photos."""
    photos = Photo.objects.all() if batch_id is None else Photo.objects.filter(batch_id=batch_id)
    row = photos.aggregate(**_status_counts(), **_sku_counts())
    return Progress(
        photo_count=row["photo_count"],
        counts={status.value: row[f"count_{status.value}"] for status in PhotoStatus},
        sku_count=row["sku_count"],
        skus_done=row["sku_count"] - row["skus_open"],
    )


@dataclass(frozen=True)
class BatchCounts:
    batch: Batch
    photo_count: int
    counts: dict[str, int]

    @property
    def status_rows(self) -> list[tuple[str, str, int]]:
        return [(status.value, status.label, self.counts[status.value]) for status in PhotoStatus]

    @property
    def approved(self) -> int:
        return self.counts[PhotoStatus.APPROVED.value]


def batch_counts_list() -> list[BatchCounts]:
    """Every batch, newest first, with its photos per status (two quick queries: names, and counts).

    SKUs done per batch is left to :func:`progress_totals` of the batch: counting distinct SKUs
    per batch takes one pass that sorts every photo (15 ms at 10,000 photos on SQLite) unless an
    index on (batch, sku, status) exists.
    """
    counts: dict[int, dict[str, int]] = {}
    for row in Photo.objects.values("batch_id", "status").annotate(n=Count("id")).order_by():
        counts.setdefault(row["batch_id"], {})[row["status"]] = row["n"]
    rows = []
    for batch in batch_names():
        per_status = {status.value: counts.get(batch.pk, {}).get(status.value, 0) for status in PhotoStatus}
        rows.append(BatchCounts(batch=batch, photo_count=sum(per_status.values()), counts=per_status))
    return rows


def sku_progress_list(*, batch_id: int | None = None, rollup: str | Collection[str] | None = None) -> QuerySet:
    """One row (a dict) per SKU with photos in the scope, in import order (by SKU id).

    Rows: ``sku_id``, ``photo_count``, ``count_<status>`` (within the scope) and
    ``rollup_status`` (a ``SkuStatus``); ``rollup`` keeps only SKUs of that rolled-up status (or
    of any of several).
    Grouping by the SKU id alone follows the photo table's SKU index, so a page stops early
    instead of grouping every photo first; :func:`sku_rows_named` adds codes and titles to a page.
    """
    photos = Photo.objects.all() if batch_id is None else Photo.objects.filter(batch_id=batch_id)
    rows = (
        photos.exclude(pk__in=superseded_photos().values("pk"))
        .values("sku_id")
        .annotate(**_status_counts())
        .annotate(
            repair_count=F("count_flagged") + F("count_in_repair") + F("count_reopened"),
            rollup_status=Case(
                When(photo_count=F("count_approved"), then=Value(SkuStatus.DONE)),
                When(count_reshoot__gt=0, then=Value(SkuStatus.RESHOOT)),
                When(repair_count__gt=0, then=Value(SkuStatus.NEEDS_REPAIR)),
                default=Value(SkuStatus.IN_REVIEW),
                output_field=CharField(),
            ),
        )
    )
    if rollup:
        rows = rows.filter(rollup_status=rollup) if isinstance(rollup, str) else rows.filter(rollup_status__in=rollup)
    return rows.order_by("sku_id")


def sku_rows_named(rows: Iterable[dict]) -> list[dict]:
    """``rows`` of :func:`sku_progress_list` with each SKU's ``code`` and ``title`` (one query)."""
    rows = list(rows)
    skus = Sku.objects.only("code", "title").in_bulk([row["sku_id"] for row in rows])
    return [{**row, "code": skus[row["sku_id"]].code, "title": skus[row["sku_id"]].title} for row in rows]


def photos_waiting_longest(*, batch_id: int | None = None, limit: int = 10) -> list[Photo]:
    """Photos waiting for a reviewer or retoucher, longest waiting first.

    "Waiting since" is when the photo entered its status (``status_since``), not its last change
    of any kind: assigning it to someone (and back) or saving a revision does not restart it.
    """
    photos = Photo.objects.filter(status__in=WAITING_STATUSES)
    if batch_id is not None:
        photos = photos.filter(batch_id=batch_id)
    # Sort narrow rows (id, status_since) in a subquery, join the names to the chosen few only.
    oldest = photos.order_by("status_since", "id").values("pk")[:limit]
    chosen = Photo.objects.filter(pk__in=Subquery(oldest)).select_related("sku", "batch", "assignee")
    return list(chosen.order_by("status_since", "id"))


@dataclass(frozen=True)
class ReasonCount:
    reason: str
    label: str
    open: int
    total: int


def flags_by_reason(*, batch_id: int | None = None) -> list[ReasonCount]:
    """Every flag reason with its open and all-time flag counts, most open first."""
    flags = Flag.objects.all() if batch_id is None else Flag.objects.filter(photo__batch_id=batch_id)
    rows = {
        row["reason"]: row
        for row in flags.values("reason").annotate(
            total=Count("id"), open=Count("id", filter=Q(resolved_at__isnull=True))
        )
    }
    counts = [
        ReasonCount(
            reason=reason.value,
            label=reason.label,
            open=rows.get(reason.value, {}).get("open", 0),
            total=rows.get(reason.value, {}).get("total", 0),
        )
        for reason in FlagReason
    ]
    return sorted(counts, key=lambda c: (-c.open, -c.total, c.label))


class UtcDay(Func):
    """The UTC calendar day of a datetime column.

    Django's ``TruncDate`` calls a Python function per row on SQLite (~2.5 us each: 35 ms for
    the 14 days of events of a 10,000-photo catalogue); SQLite stores aware datetimes as UTC
    text ``YYYY-MM-DD HH:MM:SS[.ffffff]``, so the day is its first ten characters.
    """

    output_field = DateField()
    template = "((%(expressions)s) AT TIME ZONE 'UTC')::date"  # PostgreSQL

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection, template="substr(%(expressions)s, 1, 10)", **extra_context)


@dataclass(frozen=True)
class PersonThroughput:
    name: str
    counts: list[int]  # aligned with ``Throughput.days``
    actions: dict[str, int]  # action -> count over the whole period

    @property
    def total(self) -> int:
        return sum(self.counts)


@dataclass(frozen=True)
class Throughput:
    """Workflow actions per person per day over ``days`` (oldest first), busiest person first."""

    days: list[dt.date]
    people: list[PersonThroughput]

    @property
    def per_person(self) -> dict[str, list[int]]:
        return {person.name: person.counts for person in self.people}


def throughput_per_person(*, today: dt.date, days: int = 14, batch_id: int | None = None) -> Throughput:
    """How many photos each person moved on (approved, flagged, submitted...) per day, UTC days."""
    first = today - dt.timedelta(days=days - 1)
    start = dt.datetime.combine(first, dt.time.min, tzinfo=dt.UTC)
    events = Event.objects.filter(created_at__gte=start, action__in=THROUGHPUT_ACTIONS, actor__isnull=False)
    if batch_id is not None:
        events = events.filter(photo__batch_id=batch_id)
    rows = (
        events.annotate(day=UtcDay("created_at"))
        .values("day", "action", person=F("actor__username"))
        .annotate(n=Count("id"))
        .order_by()
    )
    day_list = [first + dt.timedelta(days=i) for i in range(days)]
    index = {day: i for i, day in enumerate(day_list)}
    counts: dict[str, list[int]] = {}
    actions: dict[str, dict[str, int]] = {}
    for row in rows:
        if row["day"] not in index:
            continue  # an event stamped in the future (clock skew) is not part of the chart
        counts.setdefault(row["person"], [0] * days)[index[row["day"]]] += row["n"]
        per_action = actions.setdefault(row["person"], {})
        per_action[row["action"]] = per_action.get(row["action"], 0) + row["n"]
    people = [PersonThroughput(name, counts[name], actions[name]) for name in counts]
    people.sort(key=lambda person: (-person.total, person.name))
    return Throughput(days=day_list, people=people)


def assignable_users() -> list[AbstractBaseUser]:
    """Active retoucher and manager accounts (and superusers), by username: who work can go to."""
    User = get_user_model()
    roles = [Role.RETOUCHER.value, Role.MANAGER.value]
    return list(
        User.objects.filter(Q(groups__name__in=roles) | Q(is_superuser=True), is_active=True)
        .distinct()
        .order_by(User.USERNAME_FIELD)
    )


def approved_finals_of(*, batch_id: int | None = None, photo_ids: list[int] | None = None):
    """Approved photos of a batch, of a selection, or all, each with its final render or None.

    As ``repairs.selectors.approved_finals`` (by SKU and view; two queries), also for a selection.
    """
    photos = Photo.objects.filter(status=PhotoStatus.APPROVED).select_related("sku", "current_revision")
    if batch_id is not None:
        photos = photos.filter(batch_id=batch_id)
    if photo_ids is not None:
        photos = photos.filter(pk__in=photo_ids)
    photos = list(with_final_render(photos).order_by("sku__code", "view", "id"))
    renders = Render.objects.in_bulk([p.final_render_id for p in photos if p.final_render_id is not None])
    return [(photo, renders.get(photo.final_render_id)) for photo in photos]


@dataclass(frozen=True)
class LeftOut:
    """A photo asked for in an export but not in it, and why (a manifest row with no file)."""

    photo_id: int
    sku: str
    view: str
    revision: int | str
    reason: str


@dataclass(frozen=True)
class ApprovedExport:
    finals: list[tuple[Photo, Render | None]]
    left_out: list[LeftOut]


# How many left-out photos a refusal's message names (details name them all).
NAMED_IN_MESSAGE = 10


def approved_export_of(*, batch_id: int | None = None, photo_ids: list[int] | None = None) -> ApprovedExport:
    """What the approved ZIP holds: :func:`approved_finals_of`, and for a selection every photo
    asked for but left out with why (no such photo, not approved, not in the batch).

    Raises NotFound ``photo_not_found`` when no requested id is a photo, and Conflict
    ``nothing_to_export`` when none of the requested photos can be exported, naming each and why:
    an empty ZIP would read as success.
    """
    finals = approved_finals_of(batch_id=batch_id, photo_ids=photo_ids)
    if photo_ids is None:
        return ApprovedExport(finals, [])
    left_out = _left_out_of(photo_ids, exported={photo.pk for photo, _ in finals}, batch_id=batch_id)
    if not finals:
        raise _nothing_to_export(left_out)
    return ApprovedExport(finals, left_out)


def _left_out_of(photo_ids: list[int], *, exported: set[int], batch_id: int | None) -> list[LeftOut]:
    """The requested photos not exported, in the order of :func:`approved_finals_of`, then the ids
    that are no photo."""
    wanted = set(photo_ids) - exported
    photos = Photo.objects.filter(pk__in=wanted).select_related("sku", "current_revision")
    left_out = []
    for photo in photos.order_by("sku__code", "view", "id"):
        if photo.status != PhotoStatus.APPROVED:
            reason = f"not approved: it is {PhotoStatus(photo.status).phrase}"
        else:  # approved, so left out by the batch
            reason = f"not in batch {batch_id}"
        revision = photo.current_revision.number if photo.current_revision_id else ""
        left_out.append(LeftOut(photo.pk, photo.sku.code, photo.view, revision, reason))
    found = {item.photo_id for item in left_out}
    left_out += [LeftOut(pk, "", "", "", "no such photo") for pk in sorted(wanted - found)]
    return left_out


def _nothing_to_export(left_out: list[LeftOut]) -> NotFound | Conflict:
    if all(item.reason == "no such photo" for item in left_out):
        ids = [item.photo_id for item in left_out]
        listed = ", ".join(str(pk) for pk in ids[:-1]) + (" or " if len(ids) > 1 else "") + str(ids[-1])
        return NotFound(
            f"No photo has the id {listed}: there is nothing to export.",
            code="photo_not_found",
            details={"photo_ids": ids},
        )
    named = "; ".join(f"photo {item.photo_id}: {item.reason}" for item in left_out[:NAMED_IN_MESSAGE])
    more = len(left_out) - NAMED_IN_MESSAGE
    return Conflict(
        f"None of the requested photos can be exported: {named}" + (f"; and {more} more" if more > 0 else "") + ".",
        code="nothing_to_export",
        details={"left_out": [{"photo_id": item.photo_id, "reason": item.reason} for item in left_out]},
    )


def work_photo_list(*, unassigned: bool = False, **filters) -> QuerySet[Photo]:
    """``catalog.selectors.photo_list`` (same filters, same single query), plus "assigned to no one"."""
    from jewelreview.catalog.selectors import photo_list

    photos = photo_list(**filters)
    return photos.filter(assignee__isnull=True) if unassigned else photos


def batch_names() -> list[Batch]:
    """Batches (id and name only), newest first: the choices of the pages' batch filters."""
    return list(Batch.objects.only("id", "name").order_by("-created_at", "-id"))
