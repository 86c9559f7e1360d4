"""Admin access by role: managers (and superusers) use the Django admin."""

from __future__ import annotations

from jewelreview.accounts.roles import Action, user_can


class ManagerAdminMixin:
    """ModelAdmin mixin: managers may view and change; ``read_only`` admins never add/change/delete."""

    read_only = False

    def has_module_permission(self, request) -> bool:
        return user_can(request.user, Action.ADMIN)

    def has_view_permission(self, request, obj=None) -> bool:
        return user_can(request.user, Action.ADMIN)

    def has_add_permission(self, request, *args) -> bool:
        return not self.read_only and user_can(request.user, Action.ADMIN)

    def has_change_permission(self, request, obj=None) -> bool:
        return not self.read_only and user_can(request.user, Action.ADMIN)

    def has_delete_permission(self, request, obj=None) -> bool:
        return not self.read_only and user_can(request.user, Action.ADMIN)
