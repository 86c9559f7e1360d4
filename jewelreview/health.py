"""Liveness and readiness for container health checks.

``/healthz`` is the one URL that needs no login, on purpose: load balancers and container
health checks call it without credentials. It reveals nothing: ``{"status": "ok"}`` or
``{"status": "unavailable"}``, the database's error going to the log, not to the caller.
"""

from __future__ import annotations

import logging

from django.db import connection
from django.http import HttpRequest, JsonResponse

logger = logging.getLogger(__name__)


def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the process serves requests and the database answers; 503 otherwise."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # noqa: BLE001  (any database failure means "not ready")
        logger.error("healthz: database unavailable: %s", exc)
        return JsonResponse({"status": "unavailable"}, status=503)
    return JsonResponse({"status": "ok"})
