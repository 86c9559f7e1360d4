"""The reviewer's queue page (/queue/) and its "next photo" button."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from jewelreview.accounts.roles import Action, user_can
from jewelreview.catalog.models import PhotoStatus
from jewelreview.pages.review_forms import DEFAULT_PAGE_SIZE, QueueFilterForm, queue_query
from jewelreview.reviews.queue_selectors import QueueFilters, queue_photos, queue_status_counts
from jewelreview.reviews.queue_services import review_next

QUEUE_TEMPLATE = "review/queue.html"
QUEUE_RESULTS_TEMPLATE = "review/_queue_results.html"
# ``?from=queue`` on a review page: reached through the queue flow, so the page leases (review_views).
QUEUE_FLOW = "queue"


def require_reviewer(user) -> None:
    if not user_can(user, Action.PHOTO_APPROVE):
        raise PermissionDenied("Only reviewers and managers may use the review queue.")


@require_safe
@login_required
def queue(request: HttpRequest) -> HttpResponse:
    require_reviewer(request.user)
    form = QueueFilterForm(request.GET)
    filters = form.filters()
    page = Paginator(queue_photos(filters=filters), form.rows_per_page()).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "filters": filters,
        "page": page,
        "counts": _status_tabs(filters),
        "now": timezone.now(),
        "review_query": queue_query(QueueFilters(batch_id=filters.batch_id, sku=filters.sku)),
        "page_prefix": _prefix(queue_query(filters, page_size=_non_default(form.rows_per_page()))),
    }
    # htmx swaps only the results when the filters change; a plain request, or htmx restoring a page
    # missing from its history cache, gets the whole page.
    htmx = request.headers.get("HX-Request") == "true"
    partial = htmx and request.headers.get("HX-History-Restore-Request") != "true"
    template = QUEUE_RESULTS_TEMPLATE if partial else QUEUE_TEMPLATE
    return render(request, template, context)


@require_POST
@login_required
def queue_next(request: HttpRequest) -> HttpResponse:
    """Lease the next photo (batch and SKU filters apply) and open its review screen."""
    require_reviewer(request.user)
    form = QueueFilterForm(request.POST)
    filters = form.filters()
    scope = QueueFilters(batch_id=filters.batch_id, sku=filters.sku)
    result = review_next(actor=request.user, batch_id=scope.batch_id, sku=scope.sku)
    query = queue_query(scope)
    if result.photo is None:
        messages.info(request, "Nothing is waiting for review here: every photo is decided or being reviewed.")
        return redirect(f"{reverse('pages:queue')}?{query}" if query else reverse("pages:queue"))
    url = reverse("pages:review", kwargs={"photo_id": result.photo.pk})
    return redirect(f"{url}?{queue_query(scope, **{'from': QUEUE_FLOW})}")


def _status_tabs(filters: QueueFilters) -> list[dict]:
    counts = queue_status_counts(filters=filters)
    tabs = [
        {
            "label": status.label,
            "count": counts[status.value],
            "current": filters.statuses == (status.value,),
            "query": queue_query(QueueFilters(filters.batch_id, filters.sku, (status.value,), filters.assignee)),
        }
        for status in PhotoStatus
    ]
    tabs.append(
        {
            "label": "All",
            "count": sum(counts.values()),
            "current": filters.statuses == (),
            "query": queue_query(QueueFilters(filters.batch_id, filters.sku, (), filters.assignee)),
        }
    )
    return tabs


def _prefix(query: str) -> str:
    """``query`` ready to take ``page=N`` after it."""
    return f"{query}&" if query else ""


def _non_default(page_size: int) -> int | None:
    return None if page_size == DEFAULT_PAGE_SIZE else page_size
