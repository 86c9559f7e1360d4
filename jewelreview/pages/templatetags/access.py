"""Template filters about the signed-in user's roles: ``{{ user|role_label }}``, ``{% if user|can:"export" %}``."""

from __future__ import annotations

from django import template

from jewelreview.accounts.roles import Action, user_can, user_roles

register = template.Library()


@register.filter
def role_label(user) -> str:
    """The user's roles in words, for the page header."""
    roles = sorted(user_roles(user))
    return ", ".join(roles) if roles else "no role"


@register.filter
def can(user, action: str) -> bool:
    """Whether the user may take ``action`` (an ``Action`` value); shows or hides links, never enforces."""
    return user_can(user, Action(action))
