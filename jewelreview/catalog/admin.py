from django.contrib import admin

from jewelreview.accounts.admin_access import ManagerAdminMixin
from jewelreview.catalog.models import Batch, Photo, Sku


@admin.register(Batch)
class BatchAdmin(ManagerAdminMixin, admin.ModelAdmin):
    list_display = ["name", "created_at", "created_by"]
    search_fields = ["name"]


@admin.register(Sku)
class SkuAdmin(ManagerAdminMixin, admin.ModelAdmin):
    list_display = ["code", "title"]
    search_fields = ["code", "title"]


@admin.register(Photo)
class PhotoAdmin(ManagerAdminMixin, admin.ModelAdmin):
    """Status, assignee and version change only through the workflow services (read-only here)."""

    list_display = ["id", "sku", "view", "status", "assignee", "risk", "batch", "created_at"]
    list_filter = ["status", "batch"]
    search_fields = ["sku__code", "view", "source_name", "original_sha256"]
    list_select_related = ["sku", "assignee", "batch"]
    readonly_fields = [
        "status",
        "assignee",
        "version",
        "current_revision",
        "original",
        "original_sha256",
        "original_bytes",
        "ai_mask",
        "ai_mask_sha256",
        "width",
        "height",
        "preview_original",
        "preview_cutout",
        "tiles_original",
        "tiles_cutout",
        "prepare_error",
        "prepared_at",
        "risk",
        "damage_extent",
    ]

    def has_add_permission(self, request, *args) -> bool:
        return False  # photos come in through ingest
