"""Reads for users and roles."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser

from jewelreview.errors import NotFound
from jewelreview.ids import parse_id


def user_by_username(*, username: str) -> AbstractBaseUser:
    """The active user with this username (for requests that name a user, e.g. ``assign``)."""
    User = get_user_model()
    try:
        return User.objects.get(**{User.USERNAME_FIELD: username, "is_active": True})
    except User.DoesNotExist:
        raise NotFound(
            f"No active user named {username!r}.", code="user_not_found", details={"field": "user"}
        ) from None


def user_by_reference(*, reference: str | int) -> AbstractBaseUser:
    """The active user named ``reference``, else (when it is all digits) the one with that id."""
    text = str(reference).strip()
    try:
        return user_by_username(username=text)
    except NotFound:
        if (user_id := parse_id(text)) is None:
            raise
    User = get_user_model()
    try:
        return User.objects.get(pk=user_id, is_active=True)
    except User.DoesNotExist:
        raise NotFound(
            f"No active user named or numbered {text!r}.", code="user_not_found", details={"field": "user"}
        ) from None
