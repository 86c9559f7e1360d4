"""/grid/: many cutouts on one backdrop, filtered like the queue; select several and approve them.

GET lists one page of photos (two queries: count and rows, whatever the page size). POST
approves the selected photos through ``dashboards.services.photos_bulk_apply`` and reports per
photo; with htmx (``HX-Request``) it answers the refreshed results region, else it redirects
back to the same filters (post/redirect/get).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from jewelreview.accounts.roles import ACTION_LABELS, Action, user_can
from jewelreview.catalog.models import PhotoStatus
from jewelreview.catalog.selectors import photo_list
from jewelreview.dashboards.selectors import batch_names
from jewelreview.dashboards.services import BulkAction, photos_bulk_apply
from jewelreview.errors import InvalidInput, NotAllowed
from jewelreview.pages.bulk_messages import bulk_report_messages
from jewelreview.pages.paging import page_of
from jewelreview.pages.photo_filters import BACKDROPS, DEFAULT_CUSTOM_COLOUR, GridFilterForm, PhotoTargetsField

GRID_TEMPLATE = "grid/grid.html"
RESULTS_TEMPLATE = "grid/_results.html"
DEFAULT_STATUS = PhotoStatus.NEEDS_REVIEW


@require_http_methods(["GET", "POST"])
@login_required
def grid(request: HttpRequest) -> HttpResponse:
    if not user_can(request.user, Action.PHOTO_VIEW):
        raise PermissionDenied(f"Your role may not {ACTION_LABELS[Action.PHOTO_VIEW]}.")
    if request.method == "POST":
        return _approve_selected(request)
    return render(request, GRID_TEMPLATE, _grid_context(request))


def _grid_context(request: HttpRequest) -> dict:
    data = request.GET.copy()
    if "status" not in data:
        data["status"] = DEFAULT_STATUS  # the grid is for deciding: photos waiting for review
    form = GridFilterForm(data, batches=batch_names())
    page = page_of(photo_list(**form.selector_kwargs()), number=request.GET.get("page"), size=form.rows_per_page())
    return {
        "form": form,
        "page": page,
        "backdrops": BACKDROPS,
        "backdrop": form.value("backdrop", "checkerboard"),
        "colour": form.value("colour", DEFAULT_CUSTOM_COLOUR),
        # Only photos waiting for review can be approved: filtered to another status, no such button.
        "can_approve": user_can(request.user, Action.PHOTO_APPROVE)
        and (not form.statuses() or PhotoStatus.NEEDS_REVIEW in form.statuses()),
        "query": request.GET.urlencode(),
    }


def _approve_selected(request: HttpRequest) -> HttpResponse:
    try:
        targets = PhotoTargetsField(required=False).clean(request.POST.getlist("photo"))
        report = photos_bulk_apply(actor=request.user, action=BulkAction.APPROVE, targets=targets)
    except NotAllowed as exc:
        raise PermissionDenied(exc.message) from None
    except InvalidInput as exc:
        messages.error(request, exc.message)
    except ValidationError as exc:  # a selection the page cannot have sent
        messages.error(request, " ".join(exc.messages))
    else:
        bulk_report_messages(request, report)
    if request.headers.get("HX-Request") == "true":
        return render(request, RESULTS_TEMPLATE, {**_grid_context(request), "partial": True})
    query = request.GET.urlencode()
    return redirect(reverse("pages:grid") + (f"?{query}" if query else ""))
