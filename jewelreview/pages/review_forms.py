"""The review queue's filter form (query parameters of /queue/ and of the review screen's "next")."""

from __future__ import annotations

from urllib.parse import urlencode

from django import forms
from django.contrib.auth import get_user_model

from jewelreview.accounts.roles import Role
from jewelreview.catalog.models import Batch, PhotoStatus
from jewelreview.catalog.pairing import MAX_CODE_LENGTH
from jewelreview.pages.status_filter import StatusFilterField, chosen_values, statuses_chosen
from jewelreview.reviews.queue_selectors import QueueFilters

ALL_STATUSES = "all"
# A page of the queue: 50 rows fit a screen or two; 200 is a long scroll, still one query.
DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 200


class QueueFilterForm(forms.Form):
    batch = forms.ModelChoiceField(
        queryset=Batch.objects.order_by("-created_at", "-id"), required=False, empty_label="All batches"
    )
    sku = forms.CharField(label="SKU", max_length=MAX_CODE_LENGTH, required=False, strip=True)
    # Repeated, any of them (``?status=flagged&status=reopened``), as on the API.
    # Absent, blank or bad: the default, waiting for review; an explicit "all" shows every status.
    status = StatusFilterField(
        choices=[*PhotoStatus.choices, (ALL_STATUSES, "All statuses")],
        initial=[PhotoStatus.NEEDS_REVIEW],
        fallback=[PhotoStatus.NEEDS_REVIEW],
    )
    assignee = forms.ModelChoiceField(
        queryset=get_user_model().objects.none(), required=False, empty_label="Anyone", to_field_name="username"
    )
    page_size = forms.IntegerField(
        label="Rows per page",
        min_value=1,
        max_value=MAX_PAGE_SIZE,
        required=False,
        initial=DEFAULT_PAGE_SIZE,
        # Every refusal names the bounds ("Enter a whole number." alone left them to guess).
        error_messages={
            key: f"Rows per page: enter a whole number from 1 to {MAX_PAGE_SIZE}."
            for key in ("invalid", "min_value", "max_value")
        },
    )

    def __init__(self, data=None, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        if data is not None:
            data = data.copy()
            data.setdefault("page_size", str(DEFAULT_PAGE_SIZE))
        super().__init__(data, *args, **kwargs)
        # Photos are assigned to retouchers and managers (reviews.services.photo_assign).
        self.fields["assignee"].queryset = (
            get_user_model()
            .objects.filter(groups__name__in=[Role.RETOUCHER, Role.MANAGER], is_active=True)
            .distinct()
            .order_by("username")
        )

    def valid_data(self) -> dict:
        """The fields that are valid (an invalid one falls back to its default; the page shows its error)."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return self.cleaned_data

    def filters(self) -> QueueFilters:
        data = self.valid_data()
        batch, assignee = data.get("batch"), data.get("assignee")
        return QueueFilters(
            batch_id=batch.pk if batch else None,
            sku=data.get("sku") or None,
            statuses=statuses_chosen(chosen_values(self, "status"), every=ALL_STATUSES),
            assignee=assignee.get_username() if assignee else None,
        )

    def rows_per_page(self) -> int:
        return self.valid_data().get("page_size") or DEFAULT_PAGE_SIZE


def queue_query(filters: QueueFilters, **extra) -> str:
    """``filters`` as a query string (without ``?``), for links that keep the queue's filters."""
    params = {
        "batch": filters.batch_id,
        "sku": filters.sku,
        "status": list(filters.statuses) or ALL_STATUSES,
        "assignee": filters.assignee,
        **extra,
    }
    if filters.statuses == (PhotoStatus.NEEDS_REVIEW,):
        del params["status"]  # the default
    return urlencode({key: value for key, value in params.items() if value not in (None, "")}, doseq=True)
