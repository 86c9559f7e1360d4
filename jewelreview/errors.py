"""The one error vocabulary of the service layer.

Services and selectors raise these; the API maps them to HTTP in exactly one DRF exception
handler (``jewelreview.api.exceptions``) as ``{"code", "message", "details"}`` with
``http_status``. ``code`` is a stable machine-readable string, ``message`` is for a person,
``details`` is JSON-serialisable context (what is current, which field, which file).
"""

from __future__ import annotations

from typing import Any


class ServiceError(Exception):
    """Base class. Subclasses fix the HTTP status; instances carry code, message and details."""

    http_status = 400
    default_code = "error"

    def __init__(self, message: str, *, code: str | None = None, details: dict[str, Any] | None = None):
        super().__init__(message)
        self.message = message
        self.code = code or self.default_code
        self.details = details or {}

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "details": self.details}

    def __repr__(self) -> str:
        return f"{type(self).__name__}(code={self.code!r}, message={self.message!r})"


class InvalidInput(ServiceError):
    """The request itself is wrong (bad recipe, bad pins, unreadable image...)."""

    http_status = 400
    default_code = "invalid_input"


class NotAllowed(ServiceError):
    """The user's role may not do this."""

    http_status = 403
    default_code = "not_allowed"


class NotFound(ServiceError):
    http_status = 404
    default_code = "not_found"


class Conflict(ServiceError):
    """The request is valid but the current state forbids it (transition, stale version)."""

    http_status = 409
    default_code = "conflict"


class Unprocessable(ServiceError):
    """The request was well formed and read, but nothing in it could be used."""

    http_status = 422
    default_code = "unprocessable"


class TooLarge(ServiceError):
    """An upload, file or archive exceeds a named limit."""

    http_status = 413
    default_code = "too_large"


class Busy(ServiceError):
    """The service is at a named capacity bound right now; the client should retry after a pause."""

    http_status = 503
    default_code = "busy"

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        details: dict[str, Any] | None = None,
        retry_after_seconds: int = 1,
    ):
        super().__init__(message, code=code, details=details)
        self.retry_after_seconds = retry_after_seconds


def from_core_error(exc: Exception, *, name: str | None = None) -> InvalidInput | TooLarge:
    """Translate a ``core.errors.CoreError`` into the service vocabulary, keeping its code.

    ``name`` (a file name) prefixes the message so a report line says which file failed.
    """
    code = getattr(exc, "code", "core_error")
    message = f"{name}: {exc}" if name else str(exc)
    details: dict[str, Any] = {}
    for attr in ("op_index", "field"):
        value = getattr(exc, attr, None)
        if value is not None:
            details[attr] = value
    if name:
        details["file"] = name
    if code == "image_too_large":
        return TooLarge(message, code=code, details=details)
    return InvalidInput(message, code=code, details=details)
