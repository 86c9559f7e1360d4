from django.contrib import admin

from jewelreview.accounts.admin_access import ManagerAdminMixin
from jewelreview.repairs.models import Render, Revision


@admin.register(Revision)
class RevisionAdmin(ManagerAdminMixin, admin.ModelAdmin):
    read_only = True  # append-only
    list_display = ["photo", "number", "author", "created_at"]


@admin.register(Render)
class RenderAdmin(ManagerAdminMixin, admin.ModelAdmin):
    read_only = True
    list_display = ["id", "revision", "state", "attempts", "created_at", "finished_at"]
    list_filter = ["state"]
