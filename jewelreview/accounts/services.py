"""Writes for users and roles."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth.models import AbstractBaseUser, Group
from django.db import transaction

from jewelreview.accounts.roles import Role, forget_roles
from jewelreview.errors import InvalidInput


@transaction.atomic
def user_set_roles(*, user: AbstractBaseUser, roles: Iterable[Role | str]) -> AbstractBaseUser:
    """Make ``roles`` exactly the user's role groups; managers get admin access (is_staff)."""
    try:
        wanted = {Role(role) for role in roles}
    except ValueError as exc:
        raise InvalidInput(str(exc), code="unknown_role", details={"roles": [r.value for r in Role]}) from None
    # The data migration creates the groups; get_or_create keeps this right after a `flush`.
    groups = [Group.objects.get_or_create(name=role.value)[0] for role in Role]
    user.groups.remove(*[g for g in groups if g.name not in wanted])
    user.groups.add(*[g for g in groups if g.name in wanted])
    should_be_staff = Role.MANAGER in wanted or user.is_superuser
    if user.is_staff != should_be_staff:
        user.is_staff = should_be_staff
        user.save(update_fields=["is_staff"])
    forget_roles(user)
    return user


@transaction.atomic
def user_ensure(*, username: str, password: str, roles: Iterable[Role | str], email: str = "") -> AbstractBaseUser:
    """Create or update a user with this password and exactly these roles (used by ``demo``)."""
    User = get_user_model()
    user, _ = User.objects.get_or_create(username=username, defaults={"email": email})
    user.set_password(password)
    user.is_active = True
    user.save()
    return user_set_roles(user=user, roles=roles)


def auth_token_create(*, username: str, password: str) -> str:
    """The API token of the user with these credentials (created on first use, then reused).

    Wrong credentials and inactive users get the same answer, so it does not tell which.
    """
    from rest_framework.authtoken.models import Token

    user = authenticate(username=username, password=password)
    if user is None or not user.is_active:
        raise InvalidInput(
            "Unable to log in with this username and password.",
            code="invalid_credentials",
            details={"field": "password"},
        )
    token, _ = Token.objects.get_or_create(user=user)
    return token.key


def auth_token_revoke(*, user: AbstractBaseUser) -> bool:
    """Delete the user's API token; scripts holding it are signed out. False if there was none."""
    from rest_framework.authtoken.models import Token

    deleted, _ = Token.objects.filter(user=user).delete()
    return deleted > 0
