from django.contrib import admin

from jewelreview.accounts.admin_access import ManagerAdminMixin
from jewelreview.reviews.models import Event, Flag


@admin.register(Flag)
class FlagAdmin(ManagerAdminMixin, admin.ModelAdmin):
    read_only = True
    list_display = ["id", "photo", "reason", "created_by", "created_at", "resolved_at"]
    list_filter = ["reason"]


@admin.register(Event)
class EventAdmin(ManagerAdminMixin, admin.ModelAdmin):
    read_only = True
    list_display = ["created_at", "photo", "actor", "action", "from_status", "to_status"]
    list_filter = ["action"]
