"""OpenAPI pieces shared by the API views: the error shape and the responses that use it."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers

ERROR_DESCRIPTIONS = {
    400: "Invalid input: `details.field` (or `details.fields`) names what is wrong.",
    401: "No or invalid credentials (session or `Authorization: Token ...`).",
    403: "Your role may not do this (`role_not_allowed`: `details.allowed_roles` are the roles that may, "
    "`details.your_roles` yours), the photo is held by someone else (`not_claim_holder`, `assigned_to_other`), "
    "or a CSRF failure (`csrf_failed`).",
    404: "No such object, or its file does not exist yet.",
    409: "The current state forbids it; `details` says what is current.",
    413: "Too large; `details.limit_bytes` gives the limit.",
    415: "Unsupported request media type.",
    429: "Too many attempts; `details.wait_seconds` and the Retry-After header say when to retry.",
    503: "Busy or unavailable for a moment (`editor_busy`, `database_unavailable`); retry after Retry-After.",
}


class ErrorSerializer(serializers.Serializer):
    """Every API error."""

    code = serializers.CharField(help_text="Stable machine-readable code, e.g. `transition_not_allowed`.")
    message = serializers.CharField(help_text="What went wrong, for a person.")
    details = serializers.DictField(help_text="Context: the current status, the offending field, a limit...")

    class Meta:
        ref_name = "Error"


def errors(*statuses: int) -> dict[int, OpenApiResponse]:
    """Documented error responses (JSON, :class:`ErrorSerializer`) for ``statuses``."""
    return {status: OpenApiResponse(ErrorSerializer, description=ERROR_DESCRIPTIONS[status]) for status in statuses}


def json_errors(*statuses: int) -> dict[tuple[int, str], OpenApiResponse]:
    """Like :func:`errors`, keyed ``(status, "application/json")`` for endpoints that answer files."""
    return {
        (status, "application/json"): OpenApiResponse(ErrorSerializer, description=ERROR_DESCRIPTIONS[status])
        for status in statuses
    }


def binary(*media_types: str, description: str) -> dict[tuple[int, str], OpenApiResponse]:
    return {(200, media): OpenApiResponse(OpenApiTypes.BINARY, description=description) for media in media_types}


# The errors any signed-in endpoint can answer.
SIGNED_IN_ERRORS = (401, 403)
