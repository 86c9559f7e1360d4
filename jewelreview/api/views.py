"""The base of every API view, the JSON answer for unknown API paths, and the API docs page.

Views are thin: parse (input serializers), call one service or selector, serialize. They
inherit authentication (token first, so a request without credentials gets 401 with
``WWW-Authenticate: Token``; then the browser session, CSRF enforced on writes), the role
check (:mod:`jewelreview.api.permissions`), JSON in and out, and the one exception handler.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import QueryDict
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularSwaggerSplitView
from rest_framework import exceptions as drf
from rest_framework import serializers
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.renderers import JSONRenderer
from rest_framework.views import APIView

from jewelreview.api.negotiation import JsonFallbackNegotiation
from jewelreview.api.parsers import LimitedJSONParser
from jewelreview.api.permissions import PUBLIC, RoleRequired
from jewelreview.errors import NotFound


def validated(serializer_class: type[serializers.Serializer], data, **context) -> dict[str, Any]:
    """Parse ``data`` (a body or query parameters) with an input serializer; 400 naming the field
    (and, for a value that is not one of a field's choices, the choices: ``details.choices``)."""
    serializer = serializer_class(data=data, context=context)
    if not serializer.is_valid():
        error = drf.ValidationError(serializer.errors)
        error.choices = _choices_refused(serializer)
        raise error
    return serializer.validated_data


def _choices_refused(serializer: serializers.Serializer) -> dict[str, list[str]]:
    """The choices of each top-level field whose value was refused as no valid choice."""
    found = {}
    for name, errors in serializer.errors.items():
        field = serializer.fields.get(name)
        field = getattr(field, "child", field)  # a repeatable choice: its values' choices
        if isinstance(field, serializers.ChoiceField) and "invalid_choice" in _codes(errors):
            found[name] = [str(choice) for choice in field.choices]
    return found


def _codes(errors: Any) -> set[str]:
    if isinstance(errors, dict):
        return set().union(*(_codes(value) for value in errors.values()))
    if isinstance(errors, list):
        return set().union(*(_codes(item) for item in errors))
    return {getattr(errors, "code", "")}


def validated_query(serializer_class: type[serializers.Serializer], query_params: QueryDict) -> dict[str, Any]:
    """``validated`` for a query string: a parameter that takes one value, given more than once, is
    a 400 naming it instead of silently its last value; a list field (``RepeatableChoiceField``,
    ``ListField``) takes every value. Parameters the serializer does not know are left alone."""
    fields = serializer_class().fields
    repeated = {
        name: [f"Give {name} once: it takes one value, and {len(values)} were given."]
        for name, values in query_params.lists()
        if len(values) > 1 and name in fields and not isinstance(fields[name], serializers.ListField)
    }
    if repeated:
        raise drf.ValidationError(repeated)
    return validated(serializer_class, query_params)


class ApiView(APIView):
    # Subclasses set ``required_actions = {"GET": Action.PHOTO_VIEW, "POST": ...}``. (A comment,
    # not a docstring: drf-spectacular would show an inherited docstring on every endpoint.)

    authentication_classes = [TokenAuthentication, SessionAuthentication]
    permission_classes = [RoleRequired]
    parser_classes = [LimitedJSONParser]
    renderer_classes = [JSONRenderer]
    content_negotiation_class = JsonFallbackNegotiation
    required_actions: dict = {}


@extend_schema(exclude=True)
class UnknownApiPathView(ApiView):
    # Any path under /api/ that no route matches: a JSON 404 instead of Django's HTML page.

    required_actions = {method: PUBLIC for method in ("GET", "POST", "PUT", "PATCH", "DELETE")}
    authentication_classes: list = []

    def dispatch_unknown(self, request, *args, **kwargs):
        hint = "" if request.path.endswith("/") else " (API paths end with a slash)"
        raise NotFound(f"No API endpoint at {request.path}{hint}.", code="no_such_endpoint")

    get = post = put = patch = delete = head = options = dispatch_unknown

    @property
    def default_response_headers(self):
        headers = super().default_response_headers
        headers.pop("Allow", None)  # nothing is allowed here; do not advertise every method
        return headers


class ApiDocsView(SpectacularSwaggerSplitView):
    """Swagger UI for signed-in users (session or token); an anonymous browser goes to the login page.

    The split view serves its start-up script as a file (``?script``): no inline script under the CSP.
    """

    def handle_exception(self, exc):
        if isinstance(exc, (drf.NotAuthenticated, drf.AuthenticationFailed)):
            return redirect_to_login(self.request.get_full_path())
        return super().handle_exception(exc)
