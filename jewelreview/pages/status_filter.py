"""The pages' status filters: ``?status=flagged&status=approved`` means any of them, as on the API.

Django's select keeps only the last of repeated values, so the queue showed approved photos alone
for the query above while ``/api/photos/`` showed both. :class:`StatusFilterField` reads every
value; its select is the usual single one while one status (or none) is chosen, and a list box
with each chosen status selected when several are, so the page shows what it filters by and a
change keeps them (Ctrl/Cmd-click adds or removes one). As with the pages' other filters, a
bad value is reported on the field and ignored: the statuses given with it still filter. A blank
value is no value, unless blank is one of the choices ("any status"): ``?status=`` on the queue
means its default, as an absent ``status`` does. When no valid status is given the filter uses
its ``fallback`` (the queue's "needs review", the lists' "any"), and the select shows what the
page filters by: the valid statuses given, else that fallback, selected.
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
    """Any number of statuses, each one of ``choices``; cleans to a list without repeats.

    ``fallback``: the values filtered by when no valid one is given (absent, blank or all bad).
    """

    widget = StatusSelect

    def __init__(self, *, fallback: Iterable[str], **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.fallback = [str(value) for value in fallback]

    def to_python(self, value) -> list[str]:
        # A blank value is no value (``?status=`` reported "Select a valid choice.  is not one of
        # the available choices."), unless blank is itself a choice (the lists' "any").
        blank_chosen = self.valid_value("")
        return [item for item in super().to_python(value) if item != "" or blank_chosen]

    def clean(self, value) -> list[str]:
        return list(dict.fromkeys(super().clean(value)))

    def chosen(self, given) -> list[str]:
        """The values filtered by: the valid ones among ``given`` (the others are reported on the
        field), else ``fallback``."""
        valid = [item for item in self.to_python(given) if self.valid_value(item)]
        return list(dict.fromkeys(valid)) or list(self.fallback)

    def bound_data(self, data, initial) -> list[str]:
        # The select shows what the page filters by: with ``?status=bogus`` the queue used its
        # fallback while no option was selected, so the browser showed the first one ("New").
        return self.chosen(data)


def chosen_values(form: forms.Form, name: str) -> list[str]:
    """The values ``form``'s status filter ``name`` filters by (``StatusFilterField.chosen``)."""
    return form.fields[name].chosen(form[name].data)


def statuses_chosen(values: Iterable[str] | None, *, every: str) -> tuple[str, ...]:
    """The statuses a cleaned filter keeps, in the order given; () for every status (nothing
    chosen, or ``every`` among them: "any of everything")."""
    chosen = tuple(values or ())
    return () if not chosen or every in chosen else chosen
