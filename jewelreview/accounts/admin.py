"""Users and their roles in the Django admin, for managers.

Managers (not only superusers) manage accounts here: create users, set their roles (the three
role groups, through ``user_set_roles`` so ``is_staff`` follows the manager role), deactivate
them. They never see or edit superusers, superuser status, raw groups or model permissions, and
they deactivate rather than delete (the audit log keeps who did what).

An account that stops working on photos here (deactivated, left with neither the retoucher nor
the manager role, or deleted by a superuser) hands its photos back first
(``reviews.services.user_work_release``): its claims are released and its other assignments
cleared, each with an event by the admin user, so no photo stays held by someone who cannot
save, submit or release it.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm

from jewelreview.accounts.admin_access import ManagerAdminMixin
from jewelreview.accounts.roles import Role, user_roles
from jewelreview.accounts.services import user_set_roles
from jewelreview.reviews.services import user_work_release

User = get_user_model()

ROLE_CHOICES = [(role.value, role.value.capitalize()) for role in Role]
ROLE_NAMES = frozenset(role.value for role in Role)
WORKING_ROLES = frozenset({Role.RETOUCHER, Role.MANAGER})


def _roles_field() -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        choices=ROLE_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Reviewers approve and flag; retouchers repair; managers do all of that, assign, export "
        "and use this admin.",
    )


class RoleUserChangeForm(UserChangeForm):
    roles = _roles_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            names = self.instance.groups.values_list("name", flat=True)
            self.fields["roles"].initial = sorted(name for name in names if name in ROLE_NAMES)


class RoleUserCreationForm(AdminUserCreationForm):
    roles = _roles_field()


class RoleUserAdmin(ManagerAdminMixin, UserAdmin):
    form = RoleUserChangeForm
    add_form = RoleUserCreationForm
    list_display = ("username", "email", "roles_display", "is_active", "last_login")
    list_filter = ("is_active", "groups")
    manager_fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("Personal info", {"fields": ("first_name", "last_name", "email")}),
        ("Access", {"fields": ("is_active", "roles")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "usable_password", "password1", "password2", "roles")}),
    )
    readonly_fields = ("last_login", "date_joined")

    @admin.display(description="Roles")
    def roles_display(self, obj) -> str:
        names = [g.name for g in obj.groups.all() if g.name in ROLE_NAMES]
        return ", ".join(sorted(names)) or "-"

    def get_queryset(self, request):
        qs = super().get_queryset(request).prefetch_related("groups")
        return qs if request.user.is_superuser else qs.filter(is_superuser=False)

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return self.add_fieldsets
        if request.user.is_superuser:
            return (*self.manager_fieldsets, ("Superuser", {"fields": ("is_superuser", "is_staff")}))
        return self.manager_fieldsets

    def has_change_permission(self, request, obj=None) -> bool:
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser  # managers deactivate instead

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        user = user_set_roles(user=form.instance, roles=form.cleaned_data.get("roles", []))
        if change and not user_roles(user) & WORKING_ROLES:
            why = "deactivated" if not user.is_active else "no longer a retoucher or manager"
            self._hand_back_work(request, user, f"{user.get_username()}'s account is {why}.")

    def delete_model(self, request, obj):
        self._hand_back_work(request, obj, f"{obj.get_username()}'s account was deleted.")
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for user in queryset:
            self._hand_back_work(request, user, f"{user.get_username()}'s account was deleted.")
        super().delete_queryset(request, queryset)

    def _hand_back_work(self, request, user, reason: str) -> None:
        released = user_work_release(user=user, actor=request.user, reason=reason)
        if released:
            names = ", ".join(f"{photo.sku.code} · {photo.view} (photo {photo.pk})" for photo in released)
            self.message_user(request, f"{len(released)} photo(s) {user.get_username()} held were unassigned: {names}.")


if admin.site.is_registered(User):
    admin.site.unregister(User)
admin.site.register(User, RoleUserAdmin)
