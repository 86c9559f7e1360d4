"""The pages' status filters: ``?status=flagged&status=approved`` means any of them, as on the API.

Django's select keeps only the last of repeated values, so the queue showed approved photos alone
for the query above while ``/api/photos/`` showed both. :class:`StatusFilterField` reads every
value; its select is the usual single one while one status (or none) is chosen, and a list box
with each chosen status selected when several are, so the page shows what it filters by and a
change keeps them (Ctrl/Cmd-click adds or removes one). As with the pages' other filters, a
bad value is reported on the field and ignored: the statuses given with it still filter.
"""

from __future__ import annotations

from collections.abc import Iterable

from django import forms

# A list box as tall as the statuses (eight, plus "any"), no taller.
LIST_BOX_ROWS = 9


class StatusSelect(forms.SelectMultiple):
    """Submits one ``status`` per chosen option; a single select unless several are chosen."""

    def get_context(self, name, value, attrs):
        known = {str(key) for key, _ in self.choices}
        chosen = [item for item in self.format_value(value) if item != "" and item in known]
        self.allow_multiple_selected = len(chosen) > 1
        context = super().get_context(name, value, attrs)
        if self.allow_multiple_selected:
            context["widget"]["attrs"]["size"] = min(len(self.choices), LIST_BOX_ROWS)
        return context


class StatusFilterField(forms.MultipleChoiceField):
    """Any number of statuses, each one of ``choices``; cleans to a list without repeats."""

    widget = StatusSelect

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, value) -> list[str]:
        return list(dict.fromkeys(super().clean(value)))


def chosen_values(form: forms.Form, name: str) -> list[str]:
    """The values of ``form``'s status filter ``name``: all of them when valid, else the valid
    ones among those given (the field reports the others)."""
    _ = form.errors  # cleans once
    if name in form.cleaned_data:
        return form.cleaned_data[name]
    field = form.fields[name]
    given = form[name].data or []
    return list(dict.fromkeys(value for value in given if field.valid_value(value)))


def statuses_chosen(values: Iterable[str] | None, *, every: str) -> tuple[str, ...]:
    """The statuses a cleaned filter keeps, in the order given; () for every status (nothing
    chosen, or ``every`` among them: "any of everything")."""
    chosen = tuple(values or ())
    return () if not chosen or every in chosen else chosen
