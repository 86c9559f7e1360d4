"""API: exports for managers, streamed (a CSV of SKU status; a ZIP of approved final PNGs)."""

from __future__ import annotations

import io
import re

from django.http import StreamingHttpResponse
from drf_spectacular.utils import extend_schema

from jewelreview import stored_files
from jewelreview.accounts.roles import Action
from jewelreview.api.schema import SIGNED_IN_ERRORS, binary, json_errors
from jewelreview.api.streams import ZipMember, csv_stream, zip_stream
from jewelreview.api.views import ApiView, validated
from jewelreview.catalog.models import PhotoStatus
from jewelreview.catalog.selectors import batch_get, sku_list, sku_status_counts
from jewelreview.dashboards.serializers import ExportInput
from jewelreview.repairs.selectors import approved_finals

STATUS_COLUMNS = [status.value for status in PhotoStatus]


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
        batch = _batch(request)
        skus = sku_list(batch_id=batch.pk if batch else None).iterator(chunk_size=1000)
        rows = (
            [sku.code, sku.title, sku.rollup_status, sku.photo_count, *sku_status_counts(sku).values()] for sku in skus
        )
        response = StreamingHttpResponse(
            csv_stream(["sku", "title", "status", "photos", *STATUS_COLUMNS], rows),
            content_type="text/csv; charset=utf-8",
        )
        response["Content-Disposition"] = f'attachment; filename="{_stem(batch)}-status.csv"'
        return response


class ApprovedZipExportView(ApiView):
    """The final PNG of every approved photo as ``SKU/SKU_view.png``, plus ``manifest.csv``.

    The manifest lists every approved photo with its file and checksum, or why it has none (an
    approved photo whose current revision has no finished render, e.g. approved as delivered).
    """

    required_actions = {"GET": Action.EXPORT}

    @extend_schema(
        operation_id="exports_approved_zip",
        tags=["exports"],
        parameters=[ExportInput],
        responses={
            **binary("application/zip", description="Streamed ZIP of the approved final PNGs."),
            **json_errors(400, *SIGNED_IN_ERRORS, 404),
        },
    )
    def get(self, request):
        batch = _batch(request)
        finals = approved_finals(batch_id=batch.pk if batch else None)
        response = StreamingHttpResponse(zip_stream(_zip_members(finals)), content_type="application/zip")
        response["Content-Disposition"] = f'attachment; filename="{_stem(batch)}-approved.zip"'
        return response


def _batch(request):
    batch_id = validated(ExportInput, request.query_params).get("batch")
    return batch_get(batch_id=batch_id) if batch_id is not None else None


def _stem(batch) -> str:
    return f"batch-{batch.pk}" if batch else "all"


def _zip_members(finals):
    """Members in order, then the manifest (built as we go; files are read lazily)."""
    manifest = [["sku", "view", "photo_id", "file", "revision", "sha256", "missing"]]
    used: set[str] = set()
    for photo, render in finals:
        if render is None:
            manifest.append(
                [
                    photo.sku.code,
                    photo.view,
                    photo.pk,
                    "",
                    _revision_number(photo),
                    "",
                    "approved without a finished render of its current revision",
                ]
            )
            continue
        name = _member_name(photo, used)
        manifest.append([photo.sku.code, photo.view, photo.pk, name, _revision_number(photo), render.checksum, ""])
        yield ZipMember(
            name=name,
            open=lambda final=render.final.name: stored_files.storage().open(final, "rb"),
            size=render.final_bytes,
            modified=render.finished_at,
        )
    text = "".join(csv_stream(manifest[0], manifest[1:])).encode()
    yield ZipMember(name="manifest.csv", open=lambda: io.BytesIO(text), size=len(text), compress=True)


def _revision_number(photo) -> int | str:
    return photo.current_revision.number if photo.current_revision_id else ""


SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


def _member_name(photo, used: set[str]) -> str:
    """``SKU/SKU_view.png`` with characters outside [A-Za-z0-9._-] replaced: no path can escape."""
    sku = SAFE_NAME.sub("_", photo.sku.code).strip("._") or f"sku-{photo.sku_id}"
    view = SAFE_NAME.sub("_", photo.view).strip("._") or "view"
    name = f"{sku}/{sku}_{view}.png"
    if name in used:
        name = f"{sku}/{sku}_{view}-{photo.pk}.png"
    used.add(name)
    return name
