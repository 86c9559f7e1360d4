"""API: exports for managers, streamed (a CSV of SKU status; a ZIP of approved final PNGs)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema

from jewelreview.accounts.roles import Action
from jewelreview.api.schema import SIGNED_IN_ERRORS, binary, json_errors
from jewelreview.api.views import ApiView, validated_query
from jewelreview.catalog.selectors import batch_get
from jewelreview.dashboards.exports import approved_zip_response, export_stem, status_csv_response
from jewelreview.dashboards.selectors import approved_export_of
from jewelreview.dashboards.serializers import IN_PARTS, ExportInput, ZipExportInput


class StatusCsvExportView(ApiView):
    """One row per SKU: its rolled-up status and its photos per status."""

    required_actions = {"GET": Action.EXPORT}

    @extend_schema(
        operation_id="exports_status_csv",
        tags=["exports"],
        parameters=[ExportInput],
        responses={
            **binary("text/csv", description="sku, title, status, photos, then one column per photo status."),
            **json_errors(400, *SIGNED_IN_ERRORS, 404),
        },
    )
    def get(self, request):
        data = validated_query(ExportInput, request.query_params)
        return status_csv_response(batch=_batch(data))


class ApprovedZipExportView(ApiView):
    """The final PNG of every approved photo as ``SKU/SKU_view.png``, plus ``manifest.csv``.

    The manifest lists every approved photo with its file and checksum, or why it has none (an
    approved photo whose current revision has no finished render, e.g. approved as delivered),
    and every requested ``photo`` left out with why (no such photo, not approved, not in the
    batch). A selection none of which can be exported is refused: 404 when no id is a photo,
    else 409 ``nothing_to_export`` naming each and why.
    """

    required_actions = {"GET": Action.EXPORT}
    too_many_fields_advice = f"{IN_PARTS}."

    @extend_schema(
        operation_id="exports_approved_zip",
        tags=["exports"],
        parameters=[ZipExportInput],
        responses={
            **binary("application/zip", description="Streamed ZIP of the approved final PNGs."),
            **json_errors(400, *SIGNED_IN_ERRORS, 404, 409),
        },
    )
    def get(self, request):
        data = validated_query(ZipExportInput, request.query_params)
        batch = _batch(data)
        photo_ids = data.get("photo") or None
        export = approved_export_of(batch_id=batch.pk if batch else None, photo_ids=photo_ids)
        stem = "selection" if photo_ids else export_stem(batch)
        return approved_zip_response(finals=export.finals, stem=stem, left_out=export.left_out)


def _batch(data):
    batch_id = data.get("batch")
    return batch_get(batch_id=batch_id) if batch_id is not None else None
