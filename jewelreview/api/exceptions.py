"""The one place where errors become HTTP: every API error is ``{"code", "message", "details"}``.

Sources, in the order they are tried:

- the service vocabulary (``jewelreview.errors.ServiceError``): its own code, message, details
  and ``http_status`` (400, 403, 404, 409, 413, 422);
- ``core.errors.CoreError`` that reached a view: translated by ``errors.from_core_error``;
- Django's request-size and suspicious-request errors (413 / 400 instead of an HTML page);
- the database being unreachable (``OperationalError``/``InterfaceError``: PostgreSQL restarting,
  connections exhausted): 503 ``database_unavailable`` with ``Retry-After``, not a 500 traceback;
- DRF's exceptions: validation (400, ``details.fields`` keyed like the request), parse errors,
  authentication (401 with ``WWW-Authenticate``), permission and CSRF (403), not found (404),
  method (405), media type (415), throttling (429 with ``Retry-After``).

Anything else is a bug and is left to Django (500, logged). Service errors do not roll back an
enclosing request transaction: services own their transactions, and some keep work on purpose
(a revision saved as a branch before its 409).
"""

from __future__ import annotations

import logging
import math
from typing import Any

from django.conf import settings
from django.core.exceptions import (
    PermissionDenied as DjangoPermissionDenied,
)
from django.core.exceptions import (
    RequestDataTooBig,
    SuspiciousOperation,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.db import InterfaceError, OperationalError
from django.http import Http404
from rest_framework import exceptions as drf
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from core.errors import CoreError
from jewelreview.errors import Busy, InvalidInput, ServiceError, TooLarge, from_core_error
from jewelreview.stored_files import format_bytes

logger = logging.getLogger(__name__)

# Codes for DRF's exceptions where its own default code says less than ours.
DRF_CODES = {
    drf.ValidationError: "invalid_input",
    drf.NotFound: "not_found",
}


# Seconds a client should wait before retrying while the database is unreachable (a restart).
DATABASE_RETRY_AFTER_SECONDS = 5


class DatabaseUnavailable(ServiceError):
    """The database cannot answer right now (PostgreSQL restarting, a deadlock); retry later.

    Services own their transactions and writes carry versions, so a retried write either applies
    once or answers 409: safe to repeat."""

    http_status = 503
    default_code = "database_unavailable"


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF ``EXCEPTION_HANDLER``: map ``exc`` to a response of the one error shape."""
    if isinstance(exc, TooManyFieldsSent):  # the view may know the better way to ask (``too_many_fields_advice``)
        error = too_many_fields(advice=getattr(context.get("view"), "too_many_fields_advice", None))
    else:
        error = service_error_of(exc)
    if error is not None:
        response = Response(error.as_dict(), status=error.http_status)
        if isinstance(error, DatabaseUnavailable):
            response["Retry-After"] = str(DATABASE_RETRY_AFTER_SECONDS)
        elif isinstance(error, Busy):
            response["Retry-After"] = str(error.retry_after_seconds)
        return response
    if isinstance(exc, Http404):
        exc = drf.NotFound(*exc.args)
    elif isinstance(exc, DjangoPermissionDenied):
        exc = drf.PermissionDenied(*exc.args)
    response = drf_exception_handler(exc, context)  # keeps WWW-Authenticate / Retry-After headers
    if response is None:
        return None
    response.data = drf_error_body(exc, response.status_code)
    return response


def service_error_of(exc: Exception) -> ServiceError | None:
    """The service-vocabulary error for ``exc``, or None when DRF's own mapping applies."""
    if isinstance(exc, ServiceError):
        return exc
    if isinstance(exc, CoreError):
        return from_core_error(exc)
    if isinstance(exc, RequestDataTooBig):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        return TooLarge(
            f"The request body is larger than {format_bytes(limit)}.",
            code="request_too_large",
            details={"limit_bytes": limit},
        )
    if isinstance(exc, TooManyFilesSent):
        return TooLarge(
            "Too many files in one upload; send them in several uploads or as one zip.", code="too_many_files"
        )
    if isinstance(exc, TooManyFieldsSent):
        return too_many_fields()
    if isinstance(exc, SuspiciousOperation):
        return InvalidInput("The request was refused as malformed.", code="bad_request")
    if isinstance(exc, (OperationalError, InterfaceError)):
        logger.error("database unavailable: %s", exc)
        return DatabaseUnavailable(
            "The database could not answer (restarting, unreachable or overloaded); try again shortly.",
            details={"retry_after_seconds": DATABASE_RETRY_AFTER_SECONDS},
        )
    return None


def too_many_fields(*, advice: str | None = None) -> InvalidInput:
    """Django's field limit (``DATA_UPLOAD_MAX_NUMBER_FIELDS``) was passed: the request was not read.
    Says the limit and what to do instead (``advice``, else: fewer, in several requests)."""
    limit = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
    return InvalidInput(
        f"Too many fields in one request: at most {limit} query parameters or form fields are read. "
        + (advice or "Send fewer, in several requests."),
        code="too_many_fields",
        details={"limit": limit},
    )


def drf_error_body(exc: Exception, status: int) -> dict[str, Any]:
    if isinstance(exc, drf.ValidationError):
        return _validation_body(exc)
    detail = getattr(exc, "detail", None)
    message = str(detail) if detail is not None else str(exc)
    code = _code_of(exc)
    details: dict[str, Any] = {}
    if isinstance(exc, drf.Throttled) and exc.wait is not None:
        details["wait_seconds"] = math.ceil(exc.wait)
    if isinstance(exc, drf.PermissionDenied) and message.startswith("CSRF Failed"):
        code = "csrf_failed"
        message = f"{message} Send the csrftoken cookie's value in the X-CSRFToken header, or use token auth."
    return {"code": code, "message": message, "details": details}


def _code_of(exc: Exception) -> str:
    for cls, code in DRF_CODES.items():
        if isinstance(exc, cls):
            return code
    if isinstance(exc, drf.APIException):
        codes = exc.get_codes()
        if isinstance(codes, str):
            return codes
        return exc.default_code
    return "error"


def _validation_body(exc: drf.ValidationError) -> dict[str, Any]:
    fields = _plain(exc.detail)
    path, first = _first_error(fields)
    if isinstance(fields, dict):
        message = f"{path}: {first}" if path and path != "non_field_errors" else first
        details: dict[str, Any] = {"fields": fields}
        if path:
            details["field"] = path.split(".", 1)[0]
            choices = getattr(exc, "choices", {}).get(details["field"])
            if choices is not None:
                details["choices"] = choices
    else:
        message, details = first, {"errors": fields}
    return {"code": "invalid_input", "message": message or "Invalid input.", "details": details}


def _plain(detail: Any) -> Any:
    if isinstance(detail, dict):
        return {str(key): _plain(value) for key, value in detail.items()}
    if isinstance(detail, list):
        return [_plain(item) for item in detail]
    return str(detail)


def _first_error(detail: Any, path: str = "") -> tuple[str, str]:
    """The dotted path and message of the first error (``pins.0.x``, ``must be a number``)."""
    if isinstance(detail, dict):
        for key, value in detail.items():
            found = _first_error(value, f"{path}.{key}" if path else str(key))
            if found[1]:
                return found
        return path, ""
    if isinstance(detail, list):
        for index, item in enumerate(detail):
            nested = isinstance(item, (dict, list))
            found = _first_error(item, f"{path}.{index}" if nested and path else path)
            if found[1]:
                return found
        return path, ""
    return path, str(detail)
