"""Editor reads: who may save, what the editor opens with (current revision, draft, layers, pins)."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser

from jewelreview.accounts.roles import user_is_manager
from jewelreview.api.permissions import photo_actions_for
from jewelreview.catalog.models import Photo, PhotoStatus
from jewelreview.editor.models import Draft
from jewelreview.repairs.models import Render, Revision
from jewelreview.reviews.review_selectors import ReviewScreen, review_screen


@dataclass(frozen=True)
class SaveAccess:
    """Whether ``user`` may save revisions of the photo now, and if not, why and what would help."""

    can_save: bool
    reason: str  # empty when they may
    can_claim: bool


@dataclass(frozen=True)
class EditorScreen:
    photo: Photo
    review: ReviewScreen  # layers (tiles), flags with pins, detections: what the review page shows
    access: SaveAccess
    current: Revision | None
    current_render: Render | None  # the newest render of the current revision
    draft: Draft | None


def save_access(*, photo: Photo, user: AbstractBaseUser) -> SaveAccess:
    """The rule of ``repairs.services.revision_create`` (the authority, which checks again on save):
    the claim holder or a manager while the photo is in repair, a manager while it is reopened."""
    manager = user_is_manager(user)
    if photo.status == PhotoStatus.IN_REPAIR:
        if photo.assignee_id == user.pk or manager:
            return SaveAccess(can_save=True, reason="", can_claim=False)
        holder = photo.assignee.get_username() if photo.assignee_id else "nobody"
        return SaveAccess(
            can_save=False,
            reason=f"{holder} holds this photo's claim: you can try edits, but only they (or a manager) can save.",
            can_claim=False,
        )
    if photo.status == PhotoStatus.REOPENED and manager:
        return SaveAccess(can_save=True, reason="", can_claim=False)
    can_claim = "claim" in photo_actions_for(user, photo.status)
    label = PhotoStatus(photo.status).phrase
    hint = "claim it to save your edits." if can_claim else "only photos in repair can be saved."
    return SaveAccess(can_save=False, reason=f"This photo is {label}: {hint}", can_claim=can_claim)


def draft_get(*, photo: Photo, author: AbstractBaseUser) -> Draft | None:
    return Draft.objects.filter(photo=photo, author=author).select_related("base_revision").first()


def editor_screen(*, photo: Photo, user: AbstractBaseUser) -> EditorScreen:
    """Everything the editor page opens with (``photo`` as ``catalog.selectors.photo_get`` returns it)."""
    current = photo.current_revision
    render = None
    if current is not None:
        render = Render.objects.filter(revision=current).order_by("-created_at", "-id").first()
    return EditorScreen(
        photo=photo,
        review=review_screen(photo=photo),
        access=save_access(photo=photo, user=user),
        current=current,
        current_render=render,
        draft=draft_get(photo=photo, author=user),
    )
