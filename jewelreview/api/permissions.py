"""Who may call which endpoint.

Each API view names, per HTTP method, the :class:`~jewelreview.accounts.roles.Action` it takes;
the role table in ``jewelreview.accounts.roles`` (``ROLE_ACTIONS``) says which roles may take it.
:class:`RoleRequired` enforces that before the view parses anything: no credentials -> 401,
a role that may not -> 403 with the service vocabulary's ``role_not_allowed``. Services check
roles again (they are the authority); this makes the refusal early and uniform, and the
``PHOTO_ACTIONS`` table lets pages show only the buttons a user may press.
"""

from __future__ import annotations

from typing import Final

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from rest_framework.permissions import BasePermission

from jewelreview.accounts.roles import Action, require, user_can
from jewelreview.reviews.services import ASSIGNABLE
from jewelreview.reviews.workflow import PhotoAction, allowed_actions

PUBLIC: Final = "public"
"""Anyone, signed in or not (logging in, the schema)."""
SIGNED_IN: Final = "signed_in"
"""Any signed-in user, whatever their roles (their own token, who am I)."""

Requirement = Action | str

# The photo actions of ``POST /api/photos/{id}/{action}/`` and the permission each needs.
PHOTO_ACTIONS: dict[str, Action] = {
    PhotoAction.APPROVE.value: Action.PHOTO_APPROVE,
    PhotoAction.FLAG.value: Action.PHOTO_FLAG,
    PhotoAction.CLAIM.value: Action.PHOTO_CLAIM,
    PhotoAction.RELEASE.value: Action.PHOTO_RELEASE,
    PhotoAction.SUBMIT.value: Action.PHOTO_SUBMIT,
    PhotoAction.REOPEN.value: Action.PHOTO_REOPEN,
    PhotoAction.RESHOOT.value: Action.PHOTO_RESHOOT,
    "assign": Action.PHOTO_ASSIGN,
}


class RoleRequired(BasePermission):
    """DRF permission reading ``view.required_actions`` (``{"GET": Action.PHOTO_VIEW, ...}``).

    HEAD and OPTIONS need what GET needs. A method the view does not list needs a signed-in
    user (the view then answers 405).
    """

    def has_permission(self, request, view) -> bool:
        requirement = requirement_for(view, request.method)
        if requirement == PUBLIC:
            return True
        if not (request.user and request.user.is_authenticated):
            return False  # DRF answers 401 (NotAuthenticated)
        if requirement != SIGNED_IN:
            require(request.user, Action(requirement))  # NotAllowed -> 403
        return True


def requirement_for(view, method: str) -> Requirement:
    table: dict[str, Requirement] = getattr(view, "required_actions", {})
    if method in ("HEAD", "OPTIONS"):
        method = "GET"
    return table.get(method, SIGNED_IN)


def photo_actions_for(user: AbstractBaseUser | AnonymousUser | None, status: str) -> list[str]:
    """The photo actions ``user``'s roles allow from ``status`` (what buttons to show).

    Considers the status machine and roles only; a service may still refuse a specific case
    (a claim held by someone else), with 403 or 409.
    """
    names = [action.value for action in allowed_actions(status) if action.value in PHOTO_ACTIONS]
    if status in ASSIGNABLE:
        names.append("assign")
    return [name for name in names if user_can(user, PHOTO_ACTIONS[name])]
