"""The repair editor (/photos/{id}/edit/): pen paths, channel masks and refinement over the deep zoom.

The page is rendered once; ``frontend/static/js/editor/editor_page.js`` reads its configuration
(``editor_config``: the photo, its tiles, the current revision's recipe, the draft, pins and
detections, who may save, API URLs) and talks to the API for previews, channel analysis,
drafts, saving and the render's progress.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from jewelreview.accounts.roles import Action, user_can
from jewelreview.catalog.selectors import photo_get
from jewelreview.editor.selectors import EditorScreen, editor_screen
from jewelreview.errors import NotFound
from jewelreview.pages.viewer_config import tiles_url, viewer_images
from jewelreview.repairs.serializers import RenderOutput
from jewelreview.reviews.selectors import reopens_in_force, saved_since

KEYS = [
    ("V", "Select: click a path to select it, drag it or its anchors and handles"),
    ("P", "Pen: click for a corner, drag for a smooth anchor, click the first anchor to close"),
    ("Alt", "With the pen: drag a handle alone (breaks the pair); click an anchor to make it a corner"),
    ("C", "Channel mask: lasso (or pen) a region around lost detail"),
    ("R", "Refine: sliders, and the Refine Edge brush (Alt erases)"),
    ("[ / ]", "Brush smaller / larger"),
    ("← / →", "On a Feather slider: 1 px (Shift: 10 px, Alt: 0.1 px)"),
    ("Enter / Esc", "Finish the path / deselect"),
    ("Delete", "Delete the selected anchor (or op)"),
    ("Ctrl+Z / Ctrl+Shift+Z", "Undo / redo"),
    ("Ctrl+S", "Save a revision"),
    ("Space + drag", "Pan (the wheel zooms)"),
    ("Z", "Toggle fit / 100 %"),
    ("+ / -", "Zoom in / out"),
    ("B", "Cycle backdrops"),
    ("O", "Show the original"),
    ("M", "Mask overlay"),
    ("?", "This help"),
]


@require_safe
@login_required
def editor(request: HttpRequest, photo_id: int) -> HttpResponse:
    if not user_can(request.user, Action.REVISION_CREATE):
        raise PermissionDenied("Only retouchers and managers may use the editor.")
    try:
        photo = photo_get(photo_id=photo_id)
    except NotFound as exc:
        raise Http404(exc.message) from None
    screen = editor_screen(photo=photo, user=request.user)
    config = editor_config(request, screen)
    context = {
        "photo": photo,
        "screen": screen,
        "config": config,
        "pins": config["pins"],
        "keys": KEYS,
        "retouch_url": reverse("pages:retouch"),
    }
    return render(request, "editor/editor.html", context)


def editor_config(request: HttpRequest, screen: EditorScreen) -> dict[str, Any]:
    """What the editor's script needs, as JSON (``json_script``: no inline script)."""
    photo = screen.photo
    review = screen.review
    current = screen.current
    photo_url = {"photo_id": photo.pk}
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
        "user": request.user.get_username(),
        **viewer_images(photo, review.layers),
        "current": review.current_key,
        "pins": [pin for flag in review.flags if flag.is_open for pin in flag.pins],
        # The revisions the open flags were raised on: submitting one of them sends nothing new.
        "flagged_revisions": sorted({flag.revision_id for flag in review.flags if flag.is_open and flag.revision_id}),
        # A manager reopened it and nothing was saved since: submitting sends the approved result back.
        "reopened_unchanged": _reopened_unchanged(photo),
        "detections": [detection.as_dict() for detection in review.detections],
        "revision": {
            "id": current.pk,
            "number": current.number,
            "recipe": current.recipe,
            "note": current.note,
        }
        if current
        else None,
        "render": RenderOutput(screen.current_render, context={"request": request}).data
        if screen.current_render
        else None,
        "draft": {
            "document": screen.draft.document,
            "base_revision": screen.draft.base_revision_id,
            "saved_at": screen.draft.saved_at.isoformat(),
        }
        if screen.draft
        else None,
        "access": {
            "can_save": screen.access.can_save,
            "reason": screen.access.reason,
            "can_claim": screen.access.can_claim,
        },
        "urls": {
            "preview": reverse("api:photo-preview", kwargs=photo_url),
            "channels": reverse("api:photo-channels", kwargs=photo_url),
            "draft": reverse("api:photo-draft", kwargs=photo_url),
            "revisions": reverse("api:photo-revisions", kwargs=photo_url),
            "claim": reverse("api:photo-claim", kwargs=photo_url),
            "submit": reverse("api:photo-submit", kwargs=photo_url),
            "retouch": reverse("pages:retouch"),
            "tiles_base": tiles_url(photo.pk, "original").removesuffix("original.dzi"),
        },
    }


def _reopened_unchanged(photo) -> bool:
    reopen = reopens_in_force(photo_id=photo.pk).first()
    return reopen is not None and not saved_since(photo.current_revision, reopen.created_at)
