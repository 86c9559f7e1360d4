"""Who may do what: the three roles and the actions each may take, in one table.

Roles are Django groups named exactly ``reviewer``, ``retoucher`` and ``manager`` (created by a
data migration). Superusers count as managers. Services call :func:`require`; the API and pages
may call :func:`user_can` to hide what a user cannot do.
"""

from __future__ import annotations

from enum import StrEnum

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from jewelreview.errors import NotAllowed


class Role(StrEnum):
    REVIEWER = "reviewer"
    RETOUCHER = "retoucher"
    MANAGER = "manager"


class Action(StrEnum):
    PHOTO_VIEW = "photo_view"
    PHOTO_APPROVE = "photo_approve"
    PHOTO_FLAG = "photo_flag"
    FLAG_RESOLVE = "flag_resolve"
    PHOTO_CLAIM = "photo_claim"
    PHOTO_RELEASE = "photo_release"
    PHOTO_SUBMIT = "photo_submit"
    REVISION_CREATE = "revision_create"
    RENDER_RETRY = "render_retry"
    # Auto-fix (issue 6): a revision proposed by core.autofix, made by whoever reviews the photo,
    # which is then reviewed as usual; for a whole batch, a manager's action.
    PHOTO_AUTOFIX = "photo_autofix"
    BATCH_AUTOFIX = "batch_autofix"
    PHOTO_ASSIGN = "photo_assign"
    PHOTO_REOPEN = "photo_reopen"
    PHOTO_RESHOOT = "photo_reshoot"
    PHOTO_PREPARE = "photo_prepare"
    BATCH_IMPORT = "batch_import"
    EXPORT = "export"
    ADMIN = "admin"


ACTION_LABELS: dict[Action, str] = {
    Action.PHOTO_VIEW: "view photos",
    Action.PHOTO_APPROVE: "approve photos",
    Action.PHOTO_FLAG: "flag photos",
    Action.FLAG_RESOLVE: "resolve flags",
    Action.PHOTO_CLAIM: "claim photos for repair",
    Action.PHOTO_RELEASE: "release claimed photos",
    Action.PHOTO_SUBMIT: "submit repairs for review",
    Action.REVISION_CREATE: "save revisions",
    Action.RENDER_RETRY: "retry renders",
    Action.PHOTO_AUTOFIX: "apply auto-fix",
    Action.BATCH_AUTOFIX: "auto-fix batches",
    Action.PHOTO_ASSIGN: "assign photos",
    Action.PHOTO_REOPEN: "reopen approved photos",
    Action.PHOTO_RESHOOT: "send photos to reshoot",
    Action.PHOTO_PREPARE: "rebuild previews",
    Action.BATCH_IMPORT: "import batches",
    Action.EXPORT: "export",
    Action.ADMIN: "use the admin",
}

ROLE_ACTIONS: dict[Role, frozenset[Action]] = {
    Role.REVIEWER: frozenset(
        {Action.PHOTO_VIEW, Action.PHOTO_APPROVE, Action.PHOTO_FLAG, Action.FLAG_RESOLVE, Action.PHOTO_AUTOFIX}
    ),
    Role.RETOUCHER: frozenset(
        {
            Action.PHOTO_VIEW,
            Action.PHOTO_CLAIM,
            Action.PHOTO_RELEASE,
            Action.PHOTO_SUBMIT,
            Action.REVISION_CREATE,
            Action.RENDER_RETRY,
        }
    ),
    Role.MANAGER: frozenset(Action),
}

_CACHE_ATTR = "_jewelreview_roles"


def user_roles(user: AbstractBaseUser | AnonymousUser | None) -> frozenset[Role]:
    """The user's roles (cached on the user object for the rest of the request)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return frozenset()
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    names = set(user.groups.filter(name__in=[r.value for r in Role]).values_list("name", flat=True))
    roles = frozenset(Role(name) for name in names)
    if user.is_superuser:
        roles = roles | {Role.MANAGER}
    setattr(user, _CACHE_ATTR, roles)
    return roles


def forget_roles(user: AbstractBaseUser) -> None:
    """Drop the cached roles (after the user's groups changed)."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def user_can(user: AbstractBaseUser | AnonymousUser | None, action: Action) -> bool:
    return any(action in ROLE_ACTIONS[role] for role in user_roles(user))


def user_is_manager(user: AbstractBaseUser | AnonymousUser | None) -> bool:
    return Role.MANAGER in user_roles(user)


def roles_allowed(action: Action) -> list[Role]:
    """The roles that may take ``action``, in the table's order (reviewer, retoucher, manager)."""
    return [role for role in Role if action in ROLE_ACTIONS[role]]


def roles_phrase(roles: list[Role]) -> str:
    """``reviewers and managers``: roles as a sentence names them."""
    names = [f"{role.value}s" for role in roles]
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def role_refusal_details(user: AbstractBaseUser | AnonymousUser | None, allowed: list[Role]) -> dict[str, list[str]]:
    """What every refusal by role says besides its message: the roles that may (``allowed_roles``)
    and the caller's own (``your_roles``), so neither is read for the other."""
    return {"allowed_roles": [role.value for role in allowed], "your_roles": sorted(user_roles(user))}


def require(user: AbstractBaseUser | AnonymousUser | None, action: Action) -> None:
    """Raise NotAllowed unless one of the user's roles may take ``action``."""
    if user_can(user, action):
        return
    roles = sorted(user_roles(user))
    who = f"Your role ({', '.join(roles)})" if roles else "A user without a role"
    allowed = roles_allowed(action)
    raise NotAllowed(
        f"{who} may not {ACTION_LABELS[action]}; only {roles_phrase(allowed)} may.",
        code="role_not_allowed",
        details={"action": action.value, **role_refusal_details(user, allowed)},
    )
