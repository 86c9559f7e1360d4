"""Content negotiation that answers in JSON rather than 406 when the client asks for something else.

File and stream endpoints return their own Django responses (PNG, CSV, ZIP) whatever ``Accept``
says; their errors, like every API error, are JSON.
"""

from __future__ import annotations

from rest_framework.exceptions import NotAcceptable
from rest_framework.negotiation import DefaultContentNegotiation


class JsonFallbackNegotiation(DefaultContentNegotiation):
    def select_renderer(self, request, renderers, format_suffix=None):
        try:
            return super().select_renderer(request, renderers, format_suffix)
        except NotAcceptable:
            return renderers[0], renderers[0].media_type
