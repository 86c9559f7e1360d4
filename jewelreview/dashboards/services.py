"""Bulk workflow actions: one existing service per photo, with a per-photo report.

The grid's "approve selected" and the dashboard's reassign / reopen / reshoot apply the same
single-photo services as the API (``reviews.services``), each photo in its own transaction, so
one photo that cannot move (someone flagged it meanwhile, it changed since the page was shown)
is reported and the others still go through. The actor's role is checked once, up front: a
role that may not take the action at all is refused for the whole request (NotAllowed, 403).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from jewelreview.accounts.roles import Action, require
from jewelreview.catalog.models import Photo, PhotoStatus
from jewelreview.catalog.services import photo_lock
from jewelreview.errors import InvalidInput, ServiceError
from jewelreview.reviews.services import photo_approve, photo_assign, photo_reopen, photo_reshoot

# One page of the grid or the dashboard's photo list at most: every photo is its own transaction
# (a few ms each), so 500 keeps a request under a few seconds.
MAX_BULK_PHOTOS = 500


class BulkAction(StrEnum):
    APPROVE = "approve"
    ASSIGN = "assign"
    REOPEN = "reopen"
    RESHOOT = "reshoot"


BULK_PERMISSIONS: dict[BulkAction, Action] = {
    BulkAction.APPROVE: Action.PHOTO_APPROVE,
    BulkAction.ASSIGN: Action.PHOTO_ASSIGN,
    BulkAction.REOPEN: Action.PHOTO_REOPEN,
    BulkAction.RESHOOT: Action.PHOTO_RESHOOT,
}


@dataclass(frozen=True)
class PhotoTarget:
    """A photo as the page showed it: its id and the version seen (None: do not check)."""

    photo_id: int
    version: int | None = None


@dataclass(frozen=True)
class BulkItem:
    photo_id: int
    label: str  # "SKU / view", or "#id" for a photo that does not exist
    code: str = ""  # the refusal's error code (empty when done)
    message: str = ""  # why it was refused; for one done, what else happened to it (empty: nothing)


@dataclass
class BulkReport:
    action: BulkAction
    done: list[BulkItem] = field(default_factory=list)
    refused: list[BulkItem] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.done) + len(self.refused)


def photos_bulk_apply(
    *,
    actor: AbstractBaseUser,
    action: BulkAction,
    targets: list[PhotoTarget],
    assignee: AbstractBaseUser | None = None,
    note: str = "",
) -> BulkReport:
    """Apply ``action`` to each target photo in order; report which were done and why others were not.

    ``assignee`` is the new assignee for ``assign`` (None unassigns).
    """
    require(actor, BULK_PERMISSIONS[action])
    if not targets:
        raise InvalidInput("Select at least one photo.", code="nothing_selected", details={"field": "photo"})
    if len(targets) > MAX_BULK_PHOTOS:
        raise InvalidInput(
            f"At most {MAX_BULK_PHOTOS} photos at a time; {len(targets)} were selected.",
            code="too_many_selected",
            details={"field": "photo", "limit": MAX_BULK_PHOTOS},
        )
    unique = _unique(targets)
    photos = Photo.objects.select_related("sku").in_bulk([t.photo_id for t in unique])
    report = BulkReport(action=action)
    for target in unique:
        photo = photos.get(target.photo_id)
        if photo is None:
            report.refused.append(
                BulkItem(target.photo_id, f"#{target.photo_id}", "photo_not_found", "This photo does not exist.")
            )
            continue
        label = f"{photo.sku.code} / {photo.view}"
        try:
            said = _apply_one(action, photo=photo, actor=actor, version=target.version, assignee=assignee, note=note)
        except ServiceError as exc:
            report.refused.append(BulkItem(photo.pk, label, exc.code, exc.message))
        else:
            report.done.append(BulkItem(photo.pk, label, message=said))
    return report


def _apply_one(
    action: BulkAction,
    *,
    photo: Photo,
    actor: AbstractBaseUser,
    version: int | None,
    assignee: AbstractBaseUser | None,
    note: str,
) -> str:
    """Apply ``action`` to one photo; what else happened to it (empty: nothing)."""
    if action is BulkAction.APPROVE:
        photo_approve(photo=photo, actor=actor, expected_version=version, note=note)
    elif action is BulkAction.ASSIGN:
        return _assign(photo=photo, actor=actor, version=version, assignee=assignee, note=note)
    elif action is BulkAction.REOPEN:
        photo_reopen(photo=photo, actor=actor, expected_version=version, note=note)
    elif action is BulkAction.RESHOOT:
        photo_reshoot(photo=photo, actor=actor, expected_version=version, note=note)
    else:  # pragma: no cover - BulkAction is closed
        raise TypeError(f"unknown bulk action {action!r}")
    return ""


def _assign(
    *, photo: Photo, actor: AbstractBaseUser, version: int | None, assignee: AbstractBaseUser | None, note: str
) -> str:
    """``photo_assign``, saying where the photo went when unassigning it released its claim.

    Whether it was in repair is read from the row as locked for the change, not from the photo
    loaded for the report's label: with no version sent, a photo claimed since then is released
    (and must be reported), and one released since then is only unassigned (and must not be).
    The lock is held until ``photo_assign`` is done, so nobody moves the photo in between.
    """
    with transaction.atomic():
        locked = photo_lock(photo_id=photo.pk, expected_version=version)
        after = photo_assign(photo=locked, actor=actor, assignee=assignee, expected_version=locked.version, note=note)
    if locked.status != PhotoStatus.IN_REPAIR or after.status == PhotoStatus.IN_REPAIR:
        return ""
    # After "SKU / view (photo N): " on the page: one colon per line.
    return f"it was in repair, so unassigning it released its claim ({PhotoStatus(after.status).phrase} now)."


def _unique(targets: list[PhotoTarget]) -> list[PhotoTarget]:
    """The targets in order, each photo once (the first version given wins)."""
    seen: set[int] = set()
    unique = []
    for target in targets:
        if target.photo_id not in seen:
            seen.add(target.photo_id)
            unique.append(target)
    return unique
