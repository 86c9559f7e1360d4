"""Forms of the grid, retouch and dashboard pages: photo filters, page sizes, selections, backdrops.

Filters come from the query string and are tolerant: a bad value is reported on its field and
ignored, the rest still filter. Choices that need the database (batches, people) are passed in
by the view, which has already loaded them, so building a form never runs a query.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from django import forms
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError

from jewelreview.catalog.models import Batch, PhotoStatus
from jewelreview.catalog.pairing import MAX_CODE_LENGTH
from jewelreview.catalog.selectors import SkuStatus
from jewelreview.dashboards.services import MAX_BULK_PHOTOS, BulkAction, PhotoTarget
from jewelreview.ids import parse_id
from jewelreview.pages.status_filter import StatusFilterField, chosen_values, statuses_chosen

ANY = ""
UNASSIGNED = "none"
# The bulk reassign's "No one": a value no username can take (Django's usernames are letters,
# digits and @.+-_), so a person called "none" can still be chosen.
ASSIGN_NO_ONE = "(no one)"
STATUS_CHOICES = [(ANY, "Any status"), *PhotoStatus.choices]
SKU_STATUS_LABELS = {
    SkuStatus.DONE: "Done",
    SkuStatus.IN_REVIEW: "In review",
    SkuStatus.NEEDS_REPAIR: "Needs repair",
    SkuStatus.RESHOOT: "Reshoot",
}
# Grid pages: 24 to 200 tiles (200 previews is the most a browser lays out smoothly here).
GRID_PAGE_SIZES = (24, 48, 96, 200)
LIST_PAGE_SIZES = (25, 50, 100, 200)
# The dashboard's SKU table: 25 rows keep the page short; the CSV export has them all.
SKU_PAGE_SIZE = LIST_PAGE_SIZES[0]

BACKDROPS = {
    "checkerboard": "Checkerboard",
    "white": "White",
    "black": "Black",
    "grey": "Mid-grey",
    "custom": "Custom colour",
}
HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
DEFAULT_CUSTOM_COLOUR = "#3c6e71"


def batch_choices(batches: Iterable[Batch]) -> list[tuple[str, str]]:
    return [(ANY, "All batches"), *((str(b.pk), b.name) for b in batches)]


def with_default(data: Mapping[str, Any], name: str, value: object) -> Mapping[str, Any]:
    """``data`` with ``name`` set to ``value`` when absent, so a select shows the default it applies."""
    if name in data:
        return data
    copy = data.copy()
    copy[name] = str(value)
    return copy


def cleaned_value(form: forms.Form, name: str, default: Any = None) -> Any:
    """A field's cleaned value, or ``default`` when it is missing, empty or invalid (cleans once)."""
    _ = form.errors  # runs full_clean on first use
    value = form.cleaned_data.get(name)
    return default if value in (None, "") else value


def page_size_choices(sizes: Iterable[int]) -> list[tuple[str, str]]:
    return [(str(size), str(size)) for size in sizes]


def offer_page_sizes(field: forms.ChoiceField, sizes: Iterable[int]) -> None:
    """``field`` offers ``sizes``, and a size it does not offer is refused naming them."""
    field.choices = page_size_choices(sizes)
    offered = ", ".join(str(size) for size in sizes)
    field.error_messages["invalid_choice"] = f"%(value)s per page is not offered: choose {offered}."


class PageSizeForm(forms.Form):
    """``?page_size=`` alone, one of ``sizes`` (else the second of them)."""

    page_size = forms.TypedChoiceField(label="Per page", coerce=int, empty_value=None, required=False)

    def __init__(self, data: Mapping[str, Any], *, sizes: tuple[int, ...], **kwargs):
        super().__init__(with_default(data, "page_size", sizes[1]), **kwargs)
        self.sizes = sizes
        offer_page_sizes(self.fields["page_size"], sizes)

    def rows_per_page(self) -> int:
        return cleaned_value(self, "page_size", self.sizes[1])


class PhotoFilterForm(forms.Form):
    """Batch, SKU and status, as on the queue."""

    batch = forms.TypedChoiceField(label="Batch", coerce=int, empty_value=None, required=False)
    sku = forms.CharField(label="SKU", max_length=MAX_CODE_LENGTH, required=False, strip=True)
    status = StatusFilterField(label="Status", choices=STATUS_CHOICES, fallback=[ANY])
    page_size = forms.TypedChoiceField(label="Per page", coerce=int, empty_value=None, required=False)

    page_sizes: tuple[int, ...] = LIST_PAGE_SIZES

    def __init__(self, data: Mapping[str, Any], *, batches: Iterable[Batch], **kwargs):
        super().__init__(with_default(data, "page_size", self.page_sizes[1]), **kwargs)
        self.fields["batch"].choices = batch_choices(batches)
        offer_page_sizes(self.fields["page_size"], self.page_sizes)

    def value(self, name: str, default: Any = None) -> Any:
        """The cleaned value of a field, or ``default`` when it is missing, empty or invalid."""
        return cleaned_value(self, name, default)

    def statuses(self) -> tuple[str, ...]:
        """The statuses shown, any of them (repeated ``status``, as on the API); () for every status."""
        return statuses_chosen(chosen_values(self, "status"), every=ANY)

    def selector_kwargs(self) -> dict[str, Any]:
        return {"batch_id": self.value("batch"), "sku": self.value("sku"), "status": self.statuses() or None}

    def rows_per_page(self) -> int:
        return self.value("page_size", self.page_sizes[1])


class GridFilterForm(PhotoFilterForm):
    """The grid's filters, plus its backdrop (kept in the URL so a reload or a link keeps it)."""

    backdrop = forms.ChoiceField(label="Backdrop", choices=list(BACKDROPS.items()), required=False)
    colour = forms.RegexField(label="Custom backdrop colour", regex=HEX_COLOUR, required=False)
    # Low-risk bulk approve (issue 6): only photos detection scored strictly below this; photos
    # not yet scored (risk null) never pass it.
    max_risk = forms.FloatField(
        label="Risk below", min_value=0, max_value=1, required=False, widget=forms.NumberInput(attrs={"step": "0.05"})
    )

    page_sizes = GRID_PAGE_SIZES

    def selector_kwargs(self) -> dict[str, Any]:
        return {**super().selector_kwargs(), "risk_below": self.value("max_risk")}


class DashboardPhotoFilterForm(PhotoFilterForm):
    """The dashboard's photo list: the grid's filters plus who the photo is assigned to."""

    assignee = forms.ChoiceField(label="Assigned to", required=False)

    def __init__(self, data, *, batches, people: Iterable[AbstractBaseUser], **kwargs):
        super().__init__(data, batches=batches, **kwargs)
        self.fields["assignee"].choices = [
            (ANY, "Anyone or no one"),
            (UNASSIGNED, "No one"),
            *((p.get_username(), p.get_username()) for p in people),
        ]

    def selector_kwargs(self) -> dict[str, Any]:
        kwargs = super().selector_kwargs()
        assignee = self.value("assignee")
        if assignee == UNASSIGNED:
            kwargs["unassigned"] = True
        elif assignee:
            kwargs["assignee"] = assignee
        return kwargs


class SkuFilterForm(forms.Form):
    """The dashboard's scope (a batch or all) and its SKU table's rolled-up status."""

    batch = forms.TypedChoiceField(label="Batch", coerce=int, empty_value=None, required=False)
    rollup = StatusFilterField(
        label="SKU status", choices=[(ANY, "Any"), *SKU_STATUS_LABELS.items()], fallback=[ANY]
    )
    page_size = forms.TypedChoiceField(label="SKUs per page", coerce=int, empty_value=None, required=False)

    def __init__(self, data, *, batches: Iterable[Batch], **kwargs):
        super().__init__(with_default(data, "page_size", SKU_PAGE_SIZE), **kwargs)
        self.fields["batch"].choices = batch_choices(batches)
        offer_page_sizes(self.fields["page_size"], LIST_PAGE_SIZES)

    def value(self, name: str, default: Any = None) -> Any:
        return cleaned_value(self, name, default)

    def rollups(self) -> tuple[str, ...]:
        """The SKU statuses shown, any of them; () for every one."""
        return statuses_chosen(chosen_values(self, "rollup"), every=ANY)


class PhotoTargetsField(forms.Field):
    """Checkbox values ``<id>:<version>`` (or a bare ``<id>``): the photos selected, as the page saw them."""

    widget = forms.MultipleHiddenInput
    default_error_messages = {"invalid": "Not a photo selection: %(value)s."}

    def to_python(self, value) -> list[PhotoTarget]:
        values = value if isinstance(value, (list, tuple)) else ([value] if value else [])
        targets = []
        for raw in values:
            photo_text, _, version_text = str(raw).partition(":")
            photo_id, version = parse_id(photo_text), parse_id(version_text)
            if photo_id is None or (version_text and version is None):
                raise ValidationError(self.error_messages["invalid"], code="invalid", params={"value": raw})
            targets.append(PhotoTarget(photo_id, version))
        if len(targets) > MAX_BULK_PHOTOS:
            raise ValidationError(f"At most {MAX_BULK_PHOTOS} photos at a time.", code="too_many_selected")
        return targets


class BulkActionForm(forms.Form):
    """What to do with the selected photos (the dashboard's work list and the grid)."""

    photo = PhotoTargetsField(required=False)
    action = forms.ChoiceField(choices=[(a.value, a.value) for a in BulkAction] + [("zip", "zip")])
    assignee = forms.CharField(max_length=150, required=False)
    note = forms.CharField(max_length=5000, required=False)

    def clean(self):
        cleaned = super().clean()
        # Reassigning needs an explicit choice: "No one" releases claims, so it is never what an
        # untouched select sends.
        if cleaned.get("action") == BulkAction.ASSIGN and not cleaned.get("assignee"):
            self.add_error(
                "assignee",
                ValidationError(
                    'Choose whom to assign the selected photos to: a person, or "No one" to unassign them.',
                    code="assignee_missing",
                ),
            )
        return cleaned

    def assignee_username(self) -> str | None:
        """The chosen person's username, or None for "No one" (call after a valid ``assign``)."""
        username = self.cleaned_data["assignee"]
        return None if username == ASSIGN_NO_ONE else username
