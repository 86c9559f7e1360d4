"""The review screen (/photos/{id}/review/): one photo in the deep-zoom viewer, decided from the keyboard.

The page is rendered once; ``frontend/static/js/review/review_page.js`` reads its configuration
(``review_config``: the photo, its result layers as DZI URLs, flags, detections, API URLs) and
talks to the API for decisions and for the next photo.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.defaultfilters import date as date_filter
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from jewelreview.accounts.roles import Action, user_can
from jewelreview.api.permissions import photo_actions_for
from jewelreview.catalog.models import Photo, PhotoStatus
from jewelreview.catalog.selectors import photo_get
from jewelreview.errors import NotFound
from jewelreview.pages.queue_views import QUEUE_FLOW, require_reviewer
from jewelreview.pages.review_forms import QueueFilterForm, queue_query
from jewelreview.pages.viewer_config import viewer_images
from jewelreview.repairs.autofix_selectors import autofix_plan
from jewelreview.repairs.autofix_services import AUTOFIX_STATUSES
from jewelreview.reviews.models import FlagReason
from jewelreview.reviews.queue_selectors import QueueFilters
from jewelreview.reviews.queue_services import REVIEW_LEASE
from jewelreview.reviews.review_selectors import ReviewScreen, lease_holder, review_screen
from jewelreview.reviews.selectors import reopens_in_force, saved_since

KEYS = [
    ("A", "Approve"),
    ("F", "Flag: reason, note and pins"),
    ("X", "Apply auto-fix: detection's repair becomes a new revision, then review it"),
    ("P", "While flagging: pin at the centre of the view"),
    ("J", "Next photo"),
    ("K", "Previous photo"),
    ("Z", "Toggle fit / 100 %"),
    ("B", "Cycle backdrops"),
    ("O", "Show the original"),
    ("M", "Mask overlay"),
    ("+ / -", "Zoom in / out (arrows pan)"),
    ("?", "This help"),
    ("Esc", "Close the flag form or this help"),
]


@require_safe
@login_required
def review(request: HttpRequest, photo_id: int) -> HttpResponse:
    require_reviewer(request.user)
    try:
        photo = photo_get(photo_id=photo_id)
    except NotFound as exc:
        raise Http404(exc.message) from None
    now = timezone.now()
    screen = review_screen(photo=photo)
    form = QueueFilterForm(request.GET)
    filters = form.filters()
    scope = QueueFilters(batch_id=filters.batch_id, sku=filters.sku)
    holder, until = lease_holder(photo=photo, now=now)
    config = review_config(request, screen, scope, from_queue=request.GET.get("from") == QUEUE_FLOW)
    context = {
        "photo": photo,
        "screen": screen,
        "config": config,
        "reopen": reopen_notice(photo),
        "status_note": "" if config["can"]["approve"] or config["can"]["flag"] else _undecidable(photo.status),
        "keys": KEYS,
        "reasons": FlagReason.choices,
        "flagged_label": next((layer.label for layer in screen.layers if layer.key == screen.flagged_key), None),
        "holder": holder if holder != request.user.get_username() else None,
        "until": until,
        "queue_url": _with_query(reverse("pages:queue"), queue_query(scope)),
    }
    return render(request, "review/photo.html", context)


def review_config(
    request: HttpRequest, screen: ReviewScreen, scope: QueueFilters, *, from_queue: bool = False
) -> dict[str, Any]:
    """What the review screen's script needs, as JSON (``json_script``: no inline script).

    ``queue.lease``: only a page reached through the queue flow (``?from=queue``: the queue's "Review
    next photo", then J and deciding) on a photo that waits for review leases it and the photo up
    next when it opens, and keeps both leases renewed; anyone else browsing leases nothing.
    """
    photo = screen.photo
    actions = photo_actions_for(request.user, photo.status)
    can_autofix = photo.status in AUTOFIX_STATUSES and user_can(request.user, Action.PHOTO_AUTOFIX)
    plan = autofix_plan(photo=photo) if can_autofix else None
    return {
        "photo": {
            "id": photo.pk,
            "sku": photo.sku.code,
            "view": photo.view,
            "width": photo.width,
            "height": photo.height,
            "status": photo.status,
            "version": photo.version,
        },
        **viewer_images(photo, screen.layers),
        "current": screen.current_key,
        "flagged": screen.flagged_key,
        "flags": [
            {
                "id": flag.pk,
                "reason": flag.get_reason_display(),
                "note": flag.note,
                "pins": flag.pins,
                "by": flag.created_by.get_username() if flag.created_by_id else None,
                "at": flag.created_at.isoformat(),
                "open": flag.is_open,
                "revision": flag.revision.number if flag.revision_id else None,
            }
            for flag in screen.flags
        ],
        "detections": [detection.as_dict() for detection in screen.detections],
        "refusals": {name: _refusal(photo.status, name) for name in ("approve", "flag") if name not in actions},
        "can": {
            "approve": "approve" in actions,
            "flag": "flag" in actions,
            "autofix": can_autofix,
        },
        # What the stored proposal would do, in words (None: not stored for this core; the click detects).
        "autofix_plan": plan.as_dict() if plan is not None else None,
        "queue": {
            "batch": scope.batch_id,
            "sku": scope.sku,
            "flow": from_queue,
            "lease": from_queue and photo.status == PhotoStatus.NEEDS_REVIEW,
            "lease_seconds": int(REVIEW_LEASE.total_seconds()),
        },
        "urls": {
            "approve": reverse("api:photo-approve", kwargs={"photo_id": photo.pk}),
            "flag": reverse("api:photo-flag", kwargs={"photo_id": photo.pk}),
            "autofix": reverse("api:photo-autofix", kwargs={"photo_id": photo.pk}),
            "render_base": reverse("api:render-detail", kwargs={"render_id": 0}),
            "next": reverse("api:queue-next"),
            "renew": reverse("api:queue-renew"),
            "release": reverse("api:queue-release"),
            "queue": _with_query(reverse("pages:queue"), queue_query(scope)),
            "review_base": reverse("pages:review", kwargs={"photo_id": 0}),
            "query": queue_query(scope),
        },
    }


def reopen_notice(photo: Photo) -> str:
    """Why a manager reopened the photo, while that still speaks for it (until its next review
    decision), and whether a revision was saved since: what a reviewer judges it against."""
    reopen = reopens_in_force(photo_id=photo.pk).first()
    if reopen is None:
        return ""
    who = reopen.actor.get_username() if reopen.actor_id else "A manager"
    when = date_filter(timezone.localtime(reopen.created_at), "M j, H:i")
    note = reopen.note.strip()
    why = f": {note}{'' if note.endswith(('.', '!', '?')) else '.'}" if note else "."
    since = "" if saved_since(photo.current_revision, reopen.created_at) else " No new revision since."
    return f"{who} reopened this approved photo on {when}{why}{since}"


def _undecidable(status: str) -> str:
    """Why Approve and Flag are off, shown beside them."""
    return f"This photo is {PhotoStatus(status).phrase}: it can be approved or flagged once it is back in review."


def _refusal(status: str, action: str) -> str:
    """Why the page will not ``action`` the photo, for the status line (A or F pressed anyway)."""
    label = PhotoStatus(status).phrase
    done = {"approve": "approved", "flag": "flagged"}[action]
    return f"This photo is {label}; it can't be {done} (only photos that need review can)."


def _with_query(url: str, query: str) -> str:
    return f"{url}?{query}" if query else url
