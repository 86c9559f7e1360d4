"""POST /dashboard/autofix/ (manager): queue auto-fix for a batch's photos at or above a risk.

The form sits on /dashboard/ once a batch is chosen; the work runs in the background, one task
per photo (``repairs.autofix_services.batch_autofix_enqueue``), and the dashboard says how many
were queued.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from jewelreview.errors import InvalidInput, NotAllowed, NotFound
from jewelreview.ids import parse_id
from jewelreview.repairs.autofix_services import DEFAULT_MIN_RISK, batch_autofix_enqueue


class BatchAutofixForm(forms.Form):
    """The dashboard's "Queue auto-fix" form: posted here, rendered by the dashboard for one batch."""

    batch = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    min_risk = forms.FloatField(
        label="Risk at least", min_value=0, max_value=1, initial=DEFAULT_MIN_RISK,
        widget=forms.NumberInput(attrs={"step": "0.05"}),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "autofix-%s")
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


@require_POST
@login_required
def dashboard_autofix(request: HttpRequest) -> HttpResponse:
    form = BatchAutofixForm(request.POST)
    if not form.is_valid():
        errors = "; ".join(f"{name}: {error}" for name, errs in form.errors.items() for error in errs)
        messages.error(request, f"Nothing was queued: {errors}")
        return redirect(_back(request.POST.get("batch")))
    batch_id, min_risk = form.cleaned_data["batch"], form.cleaned_data["min_risk"]
    try:
        queued = batch_autofix_enqueue(batch_id=batch_id, actor=request.user, min_risk=min_risk)
    except NotAllowed as exc:
        raise PermissionDenied(exc.message) from None
    except (InvalidInput, NotFound) as exc:
        messages.error(request, exc.message)
        return redirect(_back(None))
    plural = "" if queued.queued == 1 else "s"
    held = ""
    if queued.held:
        photos = "photo" if queued.held == 1 else "photos"
        held = f" Left alone: {queued.held} {photos} a reviewer has open or up next; run it again once reviewed."
    messages.success(
        request,
        f"Auto-fix queued for {queued.queued} photo{plural} at risk {min_risk:.2f} or above "
        f"(needing review, not yet repaired). Each gets a new revision to review.{held}",
    )
    return redirect(_back(batch_id))


def _back(batch_id) -> str:
    url = reverse("pages:dashboard")
    return f"{url}?batch={batch_id}" if parse_id(str(batch_id or "")) is not None else url
