"""API input for exports."""

from __future__ import annotations

from rest_framework import serializers

from jewelreview.api.fields import id_field

# A selection is a page of photos at most (the API's largest page): the ids travel in the URL.
MAX_SELECTED_PHOTOS = 500


class ExportInput(serializers.Serializer):
    batch = id_field(required=False, help_text="Batch id; all batches when absent.")


class ZipExportInput(ExportInput):
    photo = serializers.ListField(
        child=id_field(),
        required=False,
        max_length=MAX_SELECTED_PHOTOS,
        help_text="Photo ids (repeat the parameter): only these, of those approved. With batch, both apply.",
    )
