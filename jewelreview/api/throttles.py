"""Throttling: the login (token) endpoint against password guessing; the editor's renders against floods."""

from __future__ import annotations

from rest_framework.settings import api_settings
from rest_framework.throttling import ScopedRateThrottle, SimpleRateThrottle

# Ten attempts a minute per client address: plenty for a script or a person mistyping, and it
# slows a guesser to 14,400 passwords a day. Override with REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["login"].
DEFAULT_LOGIN_RATE = "10/minute"


class LoginRateThrottle(SimpleRateThrottle):
    """Scope ``login``: attempts per client address.

    The address is ``REMOTE_ADDR`` unless ``REST_FRAMEWORK["NUM_PROXIES"]`` says how many proxies
    in front of us append to ``X-Forwarded-For``. (DRF's default with ``NUM_PROXIES`` unset trusts
    the whole header, which a guesser can change on every attempt.)

    Counts live in Django's default cache: per process with the default local-memory cache,
    shared between processes with a shared cache.
    """

    scope = "login"

    def get_rate(self) -> str:
        # Read at call time (not import time) so settings overrides and tests apply.
        return (api_settings.DEFAULT_THROTTLE_RATES or {}).get(self.scope) or DEFAULT_LOGIN_RATE

    def get_ident(self, request) -> str:
        if api_settings.NUM_PROXIES is None:
            return request.META.get("REMOTE_ADDR") or "unknown"
        return super().get_ident(request)

    def get_cache_key(self, request, view) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


# Per signed-in user. The editor asks for a preview per settled pan/zoom/edit (a few a second while
# dragging a slider, debounced) and a channel analysis per region drawn; 20 previews and 5
# analyses a second leave a fast retoucher untouched and stop a runaway script well before the
# render slots (jewelreview.editor.render_slots) become the only bound. Override with
# REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["editor_preview" / "editor_channels"].
DEFAULT_EDITOR_RATES = {"editor_preview": "20/second", "editor_channels": "5/second"}


class EditorRateThrottle(ScopedRateThrottle):
    """The view's ``throttle_scope`` (``editor_preview``, ``editor_channels``): requests per user."""

    def get_rate(self) -> str | None:
        # Read at call time (not import time) so settings overrides and tests apply.
        rates = api_settings.DEFAULT_THROTTLE_RATES or {}
        return rates.get(self.scope) or DEFAULT_EDITOR_RATES.get(self.scope)
