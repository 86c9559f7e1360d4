"""/dashboard/ (manager): progress per batch and per SKU, waiting photos, flags, throughput, exports.

/dashboard/photos/ lists photos with the queue's filters plus the assignee, and applies the
manager's actions to a selection: reassign, reopen, mark for reshoot (``photos_bulk_apply``),
or download the selection's approved finals as a ZIP (the export API's streamed ZIP).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from jewelreview.accounts.roles import user_is_manager
from jewelreview.accounts.selectors import user_by_username
from jewelreview.dashboards.charts import line_chart
from jewelreview.dashboards.exports import approved_zip_response
from jewelreview.dashboards.selectors import (
    approved_export_of,
    assignable_users,
    batch_counts_list,
    batch_names,
    flags_by_reason,
    photos_waiting_longest,
    progress_totals,
    sku_progress_list,
    sku_rows_named,
    throughput_per_person,
    work_photo_list,
)
from jewelreview.dashboards.services import BulkAction, photos_bulk_apply
from jewelreview.errors import Conflict, InvalidInput, NotAllowed, NotFound
from jewelreview.pages.autofix_views import BatchAutofixForm
from jewelreview.pages.bulk_messages import bulk_report_messages
from jewelreview.pages.paging import page_of
from jewelreview.pages.photo_filters import (
    SKU_PAGE_SIZE,
    ASSIGN_NO_ONE,
    SKU_STATUS_LABELS,
    BulkActionForm,
    DashboardPhotoFilterForm,
    SkuFilterForm,
)

# Two weeks of throughput: a working fortnight, 14 points that fit the chart's width.
THROUGHPUT_DAYS = 14
WAITING_SHOWN = 10


def _require_manager(user) -> None:
    if not user_is_manager(user):
        raise PermissionDenied("Only managers may open the dashboard.")


@require_safe
@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    _require_manager(request.user)
    batches = batch_counts_list()
    form = SkuFilterForm(request.GET, batches=[row.batch for row in batches])
    batch_id = form.value("batch")
    throughput = throughput_per_person(today=timezone.now().date(), days=THROUGHPUT_DAYS, batch_id=batch_id)
    skus = sku_progress_list(batch_id=batch_id, rollup=form.rollups() or None)
    reasons = flags_by_reason(batch_id=batch_id)
    sku_page = page_of(skus, number=request.GET.get("page"), size=form.value("page_size", SKU_PAGE_SIZE))
    sku_page.object_list = [
        {**row, "rollup_label": SKU_STATUS_LABELS[row["rollup_status"]]} for row in sku_rows_named(sku_page)
    ]
    return render(
        request,
        "dashboard/dashboard.html",
        {
            "form": form,
            "batches": batches,
            "batch": next((row.batch for row in batches if row.batch.pk == batch_id), None),
            "totals": progress_totals(batch_id=batch_id),
            "skus": sku_page,
            "waiting": photos_waiting_longest(batch_id=batch_id, limit=WAITING_SHOWN),
            "reasons": reasons,
            "most_open": max((r.open for r in reasons), default=0),
            "throughput": throughput,
            "chart": line_chart(days=throughput.days, per_person=throughput.per_person),
            "now": timezone.now(),
            "autofix_form": BatchAutofixForm(initial={"batch": batch_id}) if batch_id else None,
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def dashboard_photos(request: HttpRequest) -> HttpResponse:
    _require_manager(request.user)
    if request.method == "POST":
        return _apply_to_selection(request)
    people = assignable_users()
    form = DashboardPhotoFilterForm(request.GET, batches=batch_names(), people=people)
    photos = work_photo_list(**form.selector_kwargs())
    return render(
        request,
        "dashboard/photos.html",
        {
            "form": form,
            "people": people,
            "assign_no_one": ASSIGN_NO_ONE,
            "page": page_of(photos, number=request.GET.get("page"), size=form.rows_per_page()),
            "query": request.GET.urlencode(),
        },
    )


def _apply_to_selection(request: HttpRequest) -> HttpResponse:
    """Reassign, reopen or reshoot the selected photos (then back to the list), or stream their ZIP."""
    form = BulkActionForm(request.POST)
    back = reverse("pages:dashboard-photos") + (f"?{request.GET.urlencode()}" if request.GET else "")
    if not form.is_valid():
        errors = "; ".join(_after_colon(f"{error}") for errors in form.errors.values() for error in errors)
        messages.error(request, f"Nothing was changed: {errors}")
        return redirect(back)
    targets = form.cleaned_data["photo"]
    action = form.cleaned_data["action"]
    if action == "zip":
        if not targets:
            messages.error(request, "Select the approved photos to download.")
            return redirect(back)
        try:
            export = approved_export_of(photo_ids=[t.photo_id for t in targets])
        except (Conflict, NotFound):
            messages.error(request, "None of the selected photos is approved: there is nothing to download.")
            return redirect(back)
        return approved_zip_response(finals=export.finals, stem="selection", left_out=export.left_out)
    try:
        assignee = _assignee(form) if action == BulkAction.ASSIGN else None
        report = photos_bulk_apply(
            actor=request.user,
            action=BulkAction(action),
            targets=targets,
            assignee=assignee,
            note=form.cleaned_data["note"],
        )
    except NotAllowed as exc:
        raise PermissionDenied(exc.message) from None
    except (InvalidInput, NotFound) as exc:
        messages.error(request, exc.message)
    else:
        bulk_report_messages(request, report, unassigning=action == BulkAction.ASSIGN and assignee is None)
    return redirect(back)


def _after_colon(sentence: str) -> str:
    """``sentence`` continuing one after a colon: its first letter in lower case, unless its first
    word is an abbreviation ("SKU")."""
    first_word = sentence.split(" ", 1)[0]
    return sentence if len(first_word) > 1 and first_word.isupper() else sentence[:1].lower() + sentence[1:]


def _assignee(form: BulkActionForm):
    """The person chosen in the form, or None ("No one") to unassign."""
    username = form.assignee_username()
    return user_by_username(username=username) if username else None
