"""API: API tokens for scripts, and who the current user is."""

from __future__ import annotations

from django.utils.decorators import method_decorator
from django.views.decorators.csrf import ensure_csrf_cookie
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.response import Response

from jewelreview.accounts.roles import Action, user_can, user_roles
from jewelreview.accounts.serializers import MeOutput, TokenCreateInput, TokenOutput
from jewelreview.accounts.services import auth_token_create, auth_token_revoke
from jewelreview.api.permissions import PUBLIC, SIGNED_IN
from jewelreview.api.schema import SIGNED_IN_ERRORS, errors
from jewelreview.api.throttles import LoginRateThrottle
from jewelreview.api.views import ApiView, validated


class AuthTokenView(ApiView):
    required_actions = {"POST": PUBLIC, "DELETE": SIGNED_IN}

    def get_authenticators(self):
        # Logging in needs no identity; a stale session cookie must not turn it into a CSRF failure.
        if self._method() == "POST":
            return []
        return super().get_authenticators()

    def get_throttles(self):
        return [LoginRateThrottle()] if self._method() == "POST" else []

    def _method(self) -> str | None:
        request = getattr(self, "request", None)  # None while drf-spectacular builds the schema
        return request.method if request is not None else None

    @extend_schema(
        operation_id="auth_token_create",
        tags=["auth"],
        summary="Get an API token",
        auth=[],
        request=TokenCreateInput,
        responses={200: TokenOutput, **errors(400, 415, 429)},
    )
    def post(self, request):
        data = validated(TokenCreateInput, request.data)
        token = auth_token_create(username=data["username"], password=data["password"])
        return Response(TokenOutput({"token": token}).data)

    @extend_schema(
        operation_id="auth_token_revoke",
        tags=["auth"],
        summary="Revoke your API token",
        request=None,
        responses={204: OpenApiResponse(description="Revoked (or there was none)."), **errors(*SIGNED_IN_ERRORS)},
    )
    def delete(self, request):
        auth_token_revoke(user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


@method_decorator(ensure_csrf_cookie, name="dispatch")
class MeView(ApiView):
    """Also sets the ``csrftoken`` cookie that browser writes must echo in ``X-CSRFToken``."""

    required_actions = {"GET": SIGNED_IN}

    @extend_schema(
        operation_id="me",
        tags=["auth"],
        summary="The current user and their roles",
        responses={200: MeOutput, **errors(*SIGNED_IN_ERRORS)},
    )
    def get(self, request):
        user = request.user
        data = {
            "id": user.pk,
            "username": user.get_username(),
            "roles": sorted(user_roles(user)),
            "permissions": [action.value for action in Action if user_can(user, action)],
            "is_staff": user.is_staff,
        }
        return Response(MeOutput(data).data)
