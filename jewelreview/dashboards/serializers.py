"""API input for exports."""

from __future__ import annotations

from rest_framework import serializers

from jewelreview.api.fields import id_field

# A selection is a page of photos at most (the API's largest page): the ids travel in the URL.
MAX_SELECTED_PHOTOS = 500


class ExportInput(serializers.Serializer):
    batch = id_field(required=False, help_text="Batch id; all batches when absent.")


# What to do instead of one request with too many photo ids.
IN_PARTS = f"Export a whole batch with batch=ID, or the selection in parts of at most {MAX_SELECTED_PHOTOS} photo ids"


class ZipExportInput(ExportInput):
    photo = serializers.ListField(
        child=id_field(),
        required=False,
        max_length=MAX_SELECTED_PHOTOS,
        error_messages={"max_length": f"An export takes at most {MAX_SELECTED_PHOTOS} photo ids. {IN_PARTS}."},
        help_text=f"Photo ids (repeat the parameter), at most {MAX_SELECTED_PHOTOS}: only these, of those "
        "approved. With batch, both apply.",
    )
