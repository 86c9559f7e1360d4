"""API input for exports."""

from __future__ import annotations

from rest_framework import serializers

from jewelreview.api.fields import id_field


class ExportInput(serializers.Serializer):
    batch = id_field(required=False, help_text="Batch id; all batches when absent.")
