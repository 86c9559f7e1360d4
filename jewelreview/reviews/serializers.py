"""API input and output shapes for photo actions, flags and events."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from jewelreview.accounts.selectors import user_by_reference
from jewelreview.api.fields import ListedChoiceField, version_field
from jewelreview.catalog.models import PhotoStatus
from jewelreview.errors import NotFound
from jewelreview.reviews.models import FlagReason
from jewelreview.reviews.pins import MAX_PINS

MAX_NOTE_LENGTH = 5000  # a paragraph or two; notes are for people, not documents

PIN_SCHEMA = {
    "oneOf": [
        {
            "type": "object",
            "title": "Point",
            "properties": {"x": {"type": "number"}, "y": {"type": "number"}},
            "required": ["x", "y"],
            "additionalProperties": False,
        },
        {
            "type": "object",
            "title": "Region",
            "properties": {k: {"type": "number"} for k in ("x0", "y0", "x1", "y1")},
            "required": ["x0", "y0", "x1", "y1"],
            "additionalProperties": False,
        },
    ],
    "description": "A point or a region in pixels of the upright photo (x right, y down, origin top-left).",
}


@extend_schema_field(PIN_SCHEMA)
class PinField(serializers.DictField):
    """A pin as sent; its keys and bounds are checked against the photo by ``reviews.pins``."""


class NoteInput(serializers.Serializer):
    note = serializers.CharField(max_length=MAX_NOTE_LENGTH, required=False, allow_blank=True, default="")


class ActionInput(NoteInput):
    version = version_field()


class SubmitInput(ActionInput):
    revision = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        help_text="The revision id you mean to send to review (the editor's last saved one). If another "
        "is current now, 409 `stale_revision` and nothing changes.",
    )


class FlagInput(ActionInput):
    reason = ListedChoiceField(choices=FlagReason.choices)
    pins = serializers.ListField(child=PinField(), required=False, max_length=MAX_PINS, default=list)


@extend_schema_field({"type": "string", "nullable": True, "maxLength": 150})
class UserReferenceField(serializers.Field):
    """A user by username, or by id when all digits; null clears. Resolves to the user."""

    default_error_messages = {"invalid": "Give a username or a user id.", "max_length": "At most 150 characters."}

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, (str, int)):
            self.fail("invalid")
        reference = str(data).strip()
        if not reference:
            self.fail("invalid")
        if len(reference) > 150:
            self.fail("max_length")
        try:
            return user_by_reference(reference=reference)
        except NotFound as exc:
            raise serializers.ValidationError(exc.message, code=exc.code) from None

    def to_representation(self, value):
        return value.get_username() if value is not None else None


class AssignInput(ActionInput):
    user = UserReferenceField(allow_null=True, help_text="Username or id; null unassigns.")


class EventOutput(serializers.Serializer):
    id = serializers.IntegerField()
    action = serializers.CharField()
    actor = serializers.CharField(source="actor.username", allow_null=True, help_text="Null for the system.")
    from_status = serializers.ChoiceField(choices=PhotoStatus.choices, allow_blank=True)
    to_status = serializers.ChoiceField(choices=PhotoStatus.choices, allow_blank=True)
    note = serializers.CharField()
    data = serializers.DictField()
    created_at = serializers.DateTimeField()


class FlagOutput(serializers.Serializer):
    id = serializers.IntegerField()
    photo = serializers.IntegerField(source="photo_id")
    revision = serializers.IntegerField(source="revision_id", allow_null=True)
    reason = serializers.ChoiceField(choices=FlagReason.choices)
    note = serializers.CharField()
    pins = serializers.ListField(child=PinField())
    created_by = serializers.CharField(source="created_by.username", allow_null=True)
    created_at = serializers.DateTimeField()
    resolved_by = serializers.CharField(source="resolved_by.username", allow_null=True)
    resolved_at = serializers.DateTimeField(allow_null=True)
    is_open = serializers.BooleanField()
