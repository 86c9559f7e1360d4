"""Serializer fields shared by the apps' API serializers."""

from __future__ import annotations

import math

from rest_framework import serializers
from rest_framework.fields import empty

# Database integers are 64-bit; larger ids can never exist, so refuse them as input.
MAX_ID = 2**63 - 1
# Version counters are 32-bit unsigned in the database.
MAX_VERSION = 2**31 - 1


class FiniteFloatField(serializers.FloatField):
    """A float that is a real number (NaN and infinities refused)."""

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        if not math.isfinite(value):
            self.fail("invalid")
        return value


def id_field(**kwargs) -> serializers.IntegerField:
    return serializers.IntegerField(min_value=1, max_value=MAX_ID, **kwargs)


def version_field() -> serializers.IntegerField:
    return serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_VERSION,
        help_text="The photo version you saw; if it changed since, the answer is 409 `stale_version`.",
    )


class ListedChoiceField(serializers.ChoiceField):
    """A choice whose refusal says what is allowed: DRF's ``"bogus" is not a valid choice.`` left an
    integrator guessing (the handler also adds ``details.choices``: ``api.views.validated``)."""

    default_error_messages = {"invalid_choice": '"{input}" is not a valid choice; choose one of: {allowed}.'}

    def fail(self, key, **kwargs):
        if key == "invalid_choice":
            kwargs["allowed"] = ", ".join(str(choice) for choice in self.choices)
        super().fail(key, **kwargs)


class RepeatableChoiceField(serializers.ListField):
    """A query parameter that may be repeated, each value one of ``choices``: ``?status=a&status=b``
    means a or b (never only the last one). A blank value counts as not given, as a blank
    single-valued parameter does; the values come back without repeats, in the order given."""

    def __init__(self, *, choices, **kwargs):
        super().__init__(child=ListedChoiceField(choices=choices), **kwargs)

    def get_value(self, dictionary):
        value = super().get_value(dictionary)
        if isinstance(value, list):
            value = [item for item in value if item != ""]
            return value or empty
        return value

    def to_internal_value(self, data):
        try:
            values = super().to_internal_value(data)
        except serializers.ValidationError as exc:
            if isinstance(exc.detail, dict):  # {position: errors}: said as a single parameter's are
                raise serializers.ValidationError(next(iter(exc.detail.values()))) from None
            raise
        return list(dict.fromkeys(values))
