"""API input and output shapes for revisions and renders."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.reverse import reverse

from jewelreview.api.fields import id_field, version_field
from jewelreview.repairs.models import RenderState
from jewelreview.reviews.serializers import MAX_NOTE_LENGTH

RECIPE_SCHEMA = {
    "type": "object",
    "description": (
        "A recipe (version 1): `{version, base, ops: [...]}`, validated by core. A bad one is refused "
        "with 400 `invalid_recipe` whose details name `op_index` and `field`."
    ),
    "properties": {
        "version": {"type": "integer"},
        "base": {"type": "string", "enum": ["ai", "auto"]},
        "ops": {"type": "array", "items": {"type": "object", "additionalProperties": True}},
    },
    "additionalProperties": True,
}


@extend_schema_field(RECIPE_SCHEMA)
class RecipeField(serializers.JSONField):
    pass


class RevisionInput(serializers.Serializer):
    recipe = RecipeField()
    base_revision = id_field(
        allow_null=True,
        help_text="The revision id you edited (null for the first one). If it is no longer current the "
        "answer is 409 `stale_base_revision`: your edit is still saved, as a side branch.",
    )
    note = serializers.CharField(max_length=MAX_NOTE_LENGTH, required=False, allow_blank=True, default="")
    version = version_field()


class RenderOutput(serializers.Serializer):
    id = serializers.IntegerField()
    revision = serializers.IntegerField(source="revision_id")
    state = serializers.ChoiceField(choices=RenderState.choices)
    attempts = serializers.IntegerField()
    timings = serializers.DictField(child=serializers.FloatField(), help_text="Milliseconds per step.")
    error = serializers.CharField(help_text="Why it failed (empty otherwise).")
    checksum = serializers.CharField(help_text="sha256 of the final PNG.")
    final_bytes = serializers.IntegerField(allow_null=True)
    created_at = serializers.DateTimeField()
    started_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)
    final_url = serializers.SerializerMethodField()
    preview_url = serializers.SerializerMethodField()

    @extend_schema_field({"type": "string", "format": "uri", "nullable": True})
    def get_final_url(self, render) -> str | None:
        return self._url(render, "final", "api:render-final")

    @extend_schema_field({"type": "string", "format": "uri", "nullable": True})
    def get_preview_url(self, render) -> str | None:
        return self._url(render, "preview", "api:render-preview")

    def _url(self, render, field: str, name: str) -> str | None:
        if render.state != RenderState.DONE or not getattr(render, field).name:
            return None
        return reverse(name, kwargs={"render_id": render.pk}, request=self.context.get("request"))


class RevisionOutput(serializers.Serializer):
    id = serializers.IntegerField()
    photo = serializers.IntegerField(source="photo_id")
    number = serializers.IntegerField()
    parent = serializers.IntegerField(source="parent_id", allow_null=True)
    author = serializers.CharField(source="author.username", allow_null=True)
    recipe = RecipeField()
    note = serializers.CharField()
    created_at = serializers.DateTimeField()
    render = serializers.SerializerMethodField()

    @extend_schema_field(RenderOutput(allow_null=True))
    def get_render(self, revision) -> dict | None:
        """The newest render of this revision (null for a branch kept after a conflict)."""
        renders = list(revision.renders.all())  # prefetched by the selector, newest first
        return RenderOutput(renders[0], context=self.context).data if renders else None


class RevisionCreatedOutput(RevisionOutput):
    photo_version = serializers.IntegerField(source="photo.version", help_text="The photo's version now.")
    unchanged = serializers.SerializerMethodField(
        help_text="True when the save repeated the current revision (same recipe, no new note) and added none."
    )

    def get_unchanged(self, revision) -> bool:
        return bool(self.context.get("unchanged", False))
