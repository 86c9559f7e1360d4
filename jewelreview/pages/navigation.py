"""Where each person starts, and what their roles let them do (for the start pages)."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from jewelreview.accounts.roles import ACTION_LABELS, Action, Role, user_can, user_roles

# Role -> start page (a URL name), first match wins: a person with several roles lands on the
# page of the most capable one. Later pages slot in here, e.g. (Role.MANAGER, "pages:dashboard"),
# (Role.RETOUCHER, "pages:retouch"), (Role.REVIEWER, "pages:queue").
START_PAGES: tuple[tuple[Role, str], ...] = (
    (Role.MANAGER, "pages:dashboard"),
    (Role.RETOUCHER, "pages:retouch"),
    (Role.REVIEWER, "pages:queue"),
)
DEFAULT_START_PAGE = "pages:home"


def start_url_name(user: AbstractBaseUser | AnonymousUser) -> str:
    """The URL name of the user's start page."""
    roles = user_roles(user)
    for role, url_name in START_PAGES:
        if role in roles:
            return url_name
    return DEFAULT_START_PAGE


def user_action_labels(user: AbstractBaseUser | AnonymousUser) -> list[str]:
    """What the user may do, in words, in the order of the action table."""
    return [ACTION_LABELS[action] for action in Action if user_can(user, action)]
