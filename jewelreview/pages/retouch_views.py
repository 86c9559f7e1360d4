"""/retouch/: the retoucher's "My work": their photos and flagged photos to claim, with pins and notes.

Each photo card shows the open flags' reasons, notes and pins (numbered marks over a thumbnail).
Buttons claim, release or submit a photo for re-review through the workflow services; the
editor (``/photos/{id}/edit/``) is linked, not embedded.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.views.decorators.http import require_POST, require_safe

from jewelreview.accounts.roles import ACTION_LABELS, Action, user_can
from jewelreview.catalog.models import Photo, PhotoStatus
from jewelreview.catalog.selectors import photo_get
from jewelreview.errors import NotFound, ServiceError
from jewelreview.ids import parse_id
from jewelreview.pages.paging import page_of
from jewelreview.pages.photo_filters import PageSizeForm
from jewelreview.pages.pin_marks import PinMark, pin_marks
from jewelreview.pages.retouch_selectors import (
    CLAIMABLE,
    IN_REVIEW,
    MY_WORK_LIMIT,
    claimable_photos,
    retoucher_photos,
)
from jewelreview.reviews.models import Flag
from jewelreview.reviews.selectors import saved_since, submitted_by
from jewelreview.reviews.services import photo_claim, photo_release, photo_submit

RETOUCH_ACTIONS = {"claim": photo_claim, "release": photo_release, "submit": photo_submit}
DONE_MESSAGES = {
    "claim": "{label} is yours: open it in the editor.",
    "release": "{label} went back to the flagged photos.",
    # released with no open flag and no reopening in force (reviews.services.photo_release)
    "release_to_review": "{label} went back to review: no flag on it is open any more.",
    "submit": "{label} went back to review.",
}
AVAILABLE_PAGE_SIZES = (12, 24, 48, 96)


@dataclass(frozen=True)
class FlagCard:
    flag: Flag
    pin_numbers: list[int]


@dataclass(frozen=True)
class WorkCard:
    photo: Photo
    flags: list[FlagCard]
    marks: list[PinMark]

    @property
    def unchanged_since_flag(self) -> bool:
        """An open flag was raised on the current revision: the reviewer has seen it and said no (as
        the editor's Submit asks, ``flagged_revisions``)."""
        current = self.photo.current_revision_id
        return current is not None and any(c.flag.revision_id == current for c in self.flags)

    @property
    def unchanged_since_reopen(self) -> bool:
        """Reopened, and no revision saved since: the approved result would go back as it was."""
        reopened_at = getattr(self.photo, "reopened_at", None)
        return reopened_at is not None and not saved_since(self.photo.current_revision, reopened_at)

    @property
    def unchanged_warning(self) -> str:
        """What the card says, and Submit asks about, when nothing new would go to review."""
        if self.unchanged_since_flag:
            return "No new revision since the flag."
        if self.unchanged_since_reopen:
            return "No new revision since it was reopened."
        return ""

    @property
    def draft_warning(self) -> str:
        """What the card says, and Submit asks about, when the editor keeps edits of this user's
        that no revision holds: Submit sends the last saved revision without them (the editor's
        own Submit refuses then)."""
        saved_at = getattr(self.photo, "draft_saved_at", None)
        if saved_at is None or self.photo.current_revision_id is None:
            return ""
        when = date_format(localtime(saved_at), "M j, H:i")
        number = self.photo.current_revision.number
        return (
            f"The editor keeps edits of yours from {when} that revision r{number} does not hold (not saved, "
            f"or saved aside after a conflict): Submit sends r{number} without them."
        )

    @property
    def submit_question(self) -> str:
        """Submit's confirmation, empty when it needs none."""
        if self.draft_warning:
            return " ".join(filter(None, [self.draft_warning, self.unchanged_warning, "Send it to review without them?"]))
        if self.unchanged_warning:
            return f"{self.unchanged_warning} Send it back to review unchanged?"
        return ""


def work_card(photo: Photo) -> WorkCard:
    flags = getattr(photo, "open_flags", [])
    marks, numbers = pin_marks(flags=flags, width=photo.width, height=photo.height)
    return WorkCard(photo=photo, flags=[FlagCard(f, numbers[f.pk]) for f in flags], marks=marks)


def _require_retoucher(user) -> None:
    if not user_can(user, Action.PHOTO_CLAIM):
        raise PermissionDenied(f"Only retouchers and managers may {ACTION_LABELS[Action.PHOTO_CLAIM]}.")


@require_safe
@login_required
def retouch(request: HttpRequest) -> HttpResponse:
    _require_retoucher(request.user)
    if "submitted" in request.GET:  # the editor's Submit lands here: say it went, once (then a clean URL)
        photo_id = parse_id(request.GET["submitted"])
        sent = submitted_by(photo_id=photo_id, actor_id=request.user.pk) if photo_id is not None else None
        if sent is not None:
            label = f"{sent.photo.sku.code} / {sent.photo.view}"
            messages.success(request, DONE_MESSAGES["submit"].format(label=label))
        return redirect("pages:retouch")
    mine = retoucher_photos(user=request.user)
    size_form = PageSizeForm(request.GET, sizes=AVAILABLE_PAGE_SIZES)
    available = page_of(claimable_photos(), number=request.GET.get("page"), size=size_form.rows_per_page())
    cards = [work_card(photo) for photo in mine[:MY_WORK_LIMIT]]
    return render(
        request,
        "retouch/retouch.html",
        {
            "claimed": [c for c in cards if c.photo.status == PhotoStatus.IN_REPAIR],
            "assigned": [c for c in cards if c.photo.status in CLAIMABLE],
            "upcoming": [c for c in cards if c.photo.status in IN_REVIEW],
            "more_mine": len(mine) > MY_WORK_LIMIT,
            "available": available,
            "available_cards": [work_card(photo) for photo in available],
            "size_form": size_form,
        },
    )


@require_POST
@login_required
def retouch_action(request: HttpRequest, photo_id: int, action: str) -> HttpResponse:
    _require_retoucher(request.user)
    service = RETOUCH_ACTIONS.get(action)
    if service is None:
        raise Http404(f"No action {action!r} here.")
    try:
        photo = photo_get(photo_id=photo_id)
    except NotFound as exc:
        raise Http404(exc.message) from None
    label = f"{photo.sku.code} / {photo.view}"
    version = request.POST.get("version", "")
    try:
        done = service(photo=photo, actor=request.user, expected_version=parse_id(version))
    except ServiceError as exc:  # refused for this photo (claimed by someone else, changed, no revision)
        messages.error(request, f"{label}: {exc.message}")
    else:
        said = "release_to_review" if action == "release" and done.status == PhotoStatus.NEEDS_REVIEW else action
        messages.success(request, DONE_MESSAGES[said].format(label=label))
    back = request.POST.get("page", "")
    return redirect(reverse("pages:retouch") + (f"?page={back}" if parse_id(back) is not None else ""))
