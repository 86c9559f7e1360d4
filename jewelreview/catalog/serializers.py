"""API input and output shapes for batches, SKUs, photos and uploads."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.reverse import reverse

from jewelreview.api.fields import FiniteFloatField, ListedChoiceField, RepeatableChoiceField, id_field
from jewelreview.api.permissions import PHOTO_ACTIONS, photo_actions_for
from jewelreview.catalog.models import PhotoStatus
from jewelreview.catalog.pairing import MAX_CODE_LENGTH
from jewelreview.catalog.selectors import PHOTO_FILES, SkuStatus

StatusCounts = type(
    "StatusCounts",
    (serializers.Serializer,),
    {
        "__doc__": "Photos per status.",
        "__module__": __name__,
        **{status.value: serializers.IntegerField(source=f"count_{status.value}") for status in PhotoStatus},
    },
)


class BatchOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    note = serializers.CharField()
    created_at = serializers.DateTimeField()
    photo_count = serializers.IntegerField()
    counts = StatusCounts(source="*")


class SkuFilterInput(serializers.Serializer):
    batch = id_field(required=False, help_text="Only SKUs with photos in this batch.")
    status = RepeatableChoiceField(
        choices=SkuStatus.ALL,
        required=False,
        help_text="Rolled-up status; repeat the parameter for any of several (`?status=done&status=reshoot`).",
    )


class SkuOutput(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    title = serializers.CharField()
    status = serializers.ChoiceField(
        choices=SkuStatus.ALL,
        source="rollup_status",
        help_text="Rolled up from its photos: done when all are approved.",
    )
    photo_count = serializers.IntegerField()
    counts = StatusCounts(source="*")


# Public ordering names -> selector fields.
PHOTO_ORDERINGS = {"created": "created_at", "risk": "risk", "status": "status", "sku": "sku__code", "id": "id"}


class PhotoFilterInput(serializers.Serializer):
    status = RepeatableChoiceField(
        choices=PhotoStatus.choices,
        required=False,
        help_text="Repeat the parameter for any of several (`?status=flagged&status=reopened`).",
    )
    sku = serializers.CharField(max_length=MAX_CODE_LENGTH, required=False, help_text="SKU code.")
    batch = id_field(required=False, help_text="Batch id.")
    assignee = serializers.CharField(max_length=150, required=False, help_text="Username or user id.")
    risk_min = FiniteFloatField(min_value=0, max_value=1, required=False)
    ordering = ListedChoiceField(
        choices=[name for key in PHOTO_ORDERINGS for name in (key, f"-{key}")],
        required=False,
        help_text="created, risk, status, sku or id; prefix - for descending (risk: compared to 2 decimals, as "
        "the pages show it, so 0.996 and 1.0 are equal; equal risks by damage_extent, the same way round). "
        "Default: SKU, view.",
    )

    @staticmethod
    def selector_kwargs(validated_data: dict) -> dict:
        """``catalog.selectors.photo_list``'s keyword arguments for these filters."""
        data = dict(validated_data)
        ordering = data.pop("ordering", None)
        if ordering:
            descending = ordering.startswith("-")
            data["ordering"] = ("-" if descending else "") + PHOTO_ORDERINGS[ordering.lstrip("-")]
        if "batch" in data:
            data["batch_id"] = data.pop("batch")
        return data


class PhotoOutput(serializers.Serializer):
    """A photo, its workflow state and the URLs of its files (null until they exist)."""

    id = serializers.IntegerField()
    sku = serializers.CharField(source="sku.code")
    view = serializers.CharField()
    batch = serializers.IntegerField(source="batch_id")
    source_name = serializers.CharField()
    status = serializers.ChoiceField(choices=PhotoStatus.choices)
    width = serializers.IntegerField()
    height = serializers.IntegerField()
    risk = serializers.FloatField(allow_null=True, help_text="0..1 from detection; null until detected.")
    damage_extent = serializers.FloatField(
        allow_null=True,
        help_text="0..1: the share of the photo detection's regions cover, weighted by confidence (overlaps "
        "counted once); it orders photos of equal risk. Null until detected.",
    )
    current_revision = serializers.IntegerField(source="current_revision_id", allow_null=True)
    current_revision_number = serializers.IntegerField(source="current_revision.number", allow_null=True)
    version = serializers.IntegerField(help_text="Send it back with an action for optimistic locking.")
    assignee = serializers.CharField(source="assignee.username", allow_null=True)
    prepare_error = serializers.CharField(help_text="Why previews could not be made (empty when fine).")
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    actions = serializers.SerializerMethodField()
    original_url = serializers.SerializerMethodField()
    ai_mask_url = serializers.SerializerMethodField()
    preview_url = serializers.SerializerMethodField()
    preview_cutout_url = serializers.SerializerMethodField()
    tiles_url = serializers.SerializerMethodField()
    tiles_cutout_url = serializers.SerializerMethodField()
    final_url = serializers.SerializerMethodField()

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(choices=list(PHOTO_ACTIONS))))
    def get_actions(self, photo) -> list[str]:
        """Actions the current user's roles allow from this status."""
        return photo_actions_for(self.context["request"].user, photo.status)

    @extend_schema_field(OpenApiTypes.URI)
    def get_original_url(self, photo) -> str:
        return self._file_url(photo, "original")

    @extend_schema_field(OpenApiTypes.URI)
    def get_ai_mask_url(self, photo) -> str:
        return self._file_url(photo, "ai_mask")

    @extend_schema_field({"type": "string", "format": "uri", "nullable": True})
    def get_preview_url(self, photo) -> str | None:
        return self._file_url(photo, "preview_original")

    @extend_schema_field({"type": "string", "format": "uri", "nullable": True})
    def get_preview_cutout_url(self, photo) -> str | None:
        return self._file_url(photo, "preview_cutout")

    @extend_schema_field({"type": "string", "format": "uri", "nullable": True, "description": "DZI descriptor."})
    def get_tiles_url(self, photo) -> str | None:
        return self._tiles_url(photo, "original")

    @extend_schema_field({"type": "string", "format": "uri", "nullable": True, "description": "DZI descriptor."})
    def get_tiles_cutout_url(self, photo) -> str | None:
        return self._tiles_url(photo, "cutout")

    @extend_schema_field(
        {
            "type": "string",
            "format": "uri",
            "nullable": True,
            "description": "Full-resolution PNG of the current revision, once rendered.",
        }
    )
    def get_final_url(self, photo) -> str | None:
        if getattr(photo, "final_render_id", None) is None:
            return None
        return self._url("api:photo-final", photo_id=photo.pk)

    def _file_url(self, photo, kind: str) -> str | None:
        if not getattr(photo, PHOTO_FILES[kind]).name:
            return None
        return self._url("api:photo-file", photo_id=photo.pk, kind=kind)

    def _tiles_url(self, photo, pyramid: str) -> str | None:
        if not getattr(photo, f"tiles_{pyramid}").name:
            return None
        return self._url("api:photo-tiles", photo_id=photo.pk, pyramid=pyramid)

    def _url(self, name: str, **kwargs) -> str:
        return reverse(name, kwargs=kwargs, request=self.context.get("request"))


class UploadInput(serializers.Serializer):
    batch = serializers.CharField(max_length=200, help_text="Batch name (created if new).")
    files = serializers.ListField(
        child=serializers.FileField(allow_empty_file=False, max_length=500),
        allow_empty=False,
        help_text="Originals with their AI results (and optionally manifest.csv), or one zip.",
    )


class ImportedOutput(serializers.Serializer):
    name = serializers.CharField()
    photo_id = serializers.IntegerField()
    sku = serializers.CharField()
    view = serializers.CharField()
    ai_result = serializers.CharField(
        help_text="The pair's AI result file, imported with it; empty for a file without one."
    )


class SkippedOutput(serializers.Serializer):
    name = serializers.CharField()
    reason = serializers.CharField()
    photo_id = serializers.IntegerField(allow_null=True)
    ai_result = serializers.CharField(
        help_text="The pair's AI result file, skipped with it; empty for a file without one."
    )


class RefusedOutput(serializers.Serializer):
    name = serializers.CharField()
    reason = serializers.CharField()
    ai_result = serializers.CharField(
        help_text="The pair's AI result file, not imported either; empty for a file without one."
    )


class ReportBatchOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class IgnoredOutput(serializers.Serializer):
    name = serializers.CharField()
    reason = serializers.CharField()


class ManifestReadOutput(serializers.Serializer):
    name = serializers.CharField()
    rows = serializers.IntegerField(help_text="Files it names (SKU, view and title for each).")


class IngestReportOutput(serializers.Serializer):
    summary = serializers.CharField(
        help_text="The report in one sentence: the batch and its counts, or that nothing new was imported "
        "and no batch was created."
    )
    batch = ReportBatchOutput(allow_null=True, help_text="Null when nothing was imported: no batch was made.")
    imported = ImportedOutput(many=True)
    skipped = SkippedOutput(many=True, help_text="Already imported (same sha256).")
    refused = RefusedOutput(many=True, help_text="Not imported, and why.")
    ignored = IgnoredOutput(
        many=True, help_text="Not read (.txt, __MACOSX/..., a zip sent with other files...), and why."
    )
    manifests = ManifestReadOutput(many=True, help_text="The upload's manifest.csv, read (at most one).")


class NothingImportedOutput(IngestReportOutput):
    """The 422 of an upload whose every pair was refused: the report plus the error shape."""

    code = serializers.CharField(help_text="`nothing_imported`.")
    message = serializers.CharField(help_text="Names the first refused file (else the first ignored one) and why.")
    details = serializers.DictField(
        help_text="`file`: the first refused (else ignored) file, null when the upload held none; "
        "`refused`, `ignored`: how many were."
    )
