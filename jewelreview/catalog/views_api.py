"""API: batches, SKUs, photos, their files and deep-zoom tiles, and uploads."""

from __future__ import annotations

from pathlib import PurePosixPath

from django.conf import settings
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from jewelreview.accounts.roles import Action
from jewelreview.api.files import stored_file_response
from jewelreview.api.pagination import PageQuery, paginated, paginated_response
from jewelreview.api.schema import SIGNED_IN_ERRORS, binary, errors, json_errors
from jewelreview.api.views import ApiView, validated, validated_query
from jewelreview.catalog.ingest import ingest_upload, upload_report_or_refusal
from jewelreview.catalog.selectors import (
    PHOTO_FILES,
    PHOTO_TILE_PYRAMIDS,
    batch_list,
    photo_file_name,
    photo_get,
    photo_list,
    photo_tile_missing,
    photo_tile_name,
    sku_list,
)
from jewelreview.catalog.serializers import (
    BatchOutput,
    IngestReportOutput,
    NothingImportedOutput,
    PhotoFilterInput,
    PhotoOutput,
    SkuFilterInput,
    SkuOutput,
    UploadInput,
)
from jewelreview.errors import TooLarge
from jewelreview.stored_files import format_bytes

VIEW = {"GET": Action.PHOTO_VIEW}
PHOTO_ID = OpenApiParameter("photo_id", OpenApiTypes.INT, OpenApiParameter.PATH)


class BatchListView(ApiView):
    required_actions = VIEW

    @extend_schema(
        operation_id="batches_list",
        tags=["catalog"],
        parameters=[PageQuery],
        responses={200: paginated(BatchOutput), **errors(400, *SIGNED_IN_ERRORS, 404)},
    )
    def get(self, request):
        return paginated_response(queryset=batch_list(), serializer_class=BatchOutput, request=request, view=self)


class SkuListView(ApiView):
    required_actions = VIEW

    @extend_schema(
        operation_id="skus_list",
        tags=["catalog"],
        parameters=[SkuFilterInput, PageQuery],
        responses={200: paginated(SkuOutput), **errors(400, *SIGNED_IN_ERRORS, 404)},
    )
    def get(self, request):
        filters = validated_query(SkuFilterInput, request.query_params)
        skus = sku_list(batch_id=filters.get("batch"), status=filters.get("status"))
        return paginated_response(queryset=skus, serializer_class=SkuOutput, request=request, view=self)


class PhotoListView(ApiView):
    required_actions = VIEW

    @extend_schema(
        operation_id="photos_list",
        tags=["catalog"],
        parameters=[PhotoFilterInput, PageQuery],
        responses={200: paginated(PhotoOutput), **errors(400, *SIGNED_IN_ERRORS, 404)},
    )
    def get(self, request):
        filters = validated_query(PhotoFilterInput, request.query_params)
        photos = photo_list(**PhotoFilterInput.selector_kwargs(filters))
        return paginated_response(queryset=photos, serializer_class=PhotoOutput, request=request, view=self)


class PhotoDetailView(ApiView):
    required_actions = VIEW

    @extend_schema(
        operation_id="photos_retrieve", tags=["catalog"], responses={200: PhotoOutput, **errors(*SIGNED_IN_ERRORS, 404)}
    )
    def get(self, request, photo_id: int):
        photo = photo_get(photo_id=photo_id)
        return Response(PhotoOutput(photo, context={"request": request}).data)


class PhotoFileView(ApiView):
    """The original, the AI mask or a preview, streamed from storage."""

    required_actions = VIEW

    @extend_schema(
        operation_id="photos_file",
        tags=["files"],
        parameters=[PHOTO_ID, OpenApiParameter("kind", str, OpenApiParameter.PATH, enum=list(PHOTO_FILES))],
        responses={
            **binary("image/jpeg", "image/png", "image/tiff", "image/webp", description="The file."),
            **json_errors(*SIGNED_IN_ERRORS, 404),
        },
    )
    def get(self, request, photo_id: int, kind: str):
        photo = photo_get(photo_id=photo_id)
        name = photo_file_name(photo=photo, kind=kind)
        # The stored name's extension is the file's sniffed format (ingest), so a saved download opens.
        download = f"{photo.sku.code}_{photo.view}_{kind}{PurePosixPath(name).suffix}"
        return stored_file_response(name, download_name=download)


PYRAMID = OpenApiParameter(
    "pyramid",
    str,
    OpenApiParameter.PATH,
    pattern=f"^({'|'.join(PHOTO_TILE_PYRAMIDS)}|r[1-9][0-9]*)$",
    description="original, cutout (the AI result), or rN: the rendered result of revision number N.",
)


class PhotoTilesView(ApiView):
    """A Deep Zoom (DZI) descriptor; its tiles are at ``<pyramid>_files/<level>/<col>_<row>.<format>``."""

    required_actions = VIEW

    @extend_schema(
        operation_id="photos_tiles_descriptor",
        tags=["files"],
        parameters=[PHOTO_ID, PYRAMID],
        responses={**binary("application/xml", description="DZI descriptor."), **json_errors(*SIGNED_IN_ERRORS, 404)},
    )
    def get(self, request, photo_id: int, pyramid: str):
        photo = photo_get(photo_id=photo_id)
        return stored_file_response(photo_tile_name(photo=photo, pyramid=pyramid), download_name=f"{pyramid}.dzi")


class PhotoTileView(ApiView):
    required_actions = VIEW

    @extend_schema(
        operation_id="photos_tile",
        tags=["files"],
        parameters=[
            PHOTO_ID,
            PYRAMID,
            OpenApiParameter("level", OpenApiTypes.INT, OpenApiParameter.PATH),
            OpenApiParameter("col", OpenApiTypes.INT, OpenApiParameter.PATH),
            OpenApiParameter("row", OpenApiTypes.INT, OpenApiParameter.PATH),
            OpenApiParameter("fmt", str, OpenApiParameter.PATH, enum=["jpeg", "jpg", "png", "webp"]),
        ],
        responses={
            **binary("image/jpeg", "image/png", "image/webp", description="One tile."),
            **json_errors(*SIGNED_IN_ERRORS, 404),
        },
    )
    def get(self, request, photo_id: int, pyramid: str, level: int, col: int, row: int, fmt: str):
        photo = photo_get(photo_id=photo_id)
        tile = {"pyramid": pyramid, "level": level, "col": col, "row": row, "fmt": fmt}
        return stored_file_response(
            photo_tile_name(photo=photo, **tile), missing=lambda: photo_tile_missing(photo=photo, **tile)
        )


class UploadView(ApiView):
    """Import originals and AI results (or one zip) with the same pairing rules as ``import_batch``."""

    required_actions = {"POST": Action.BATCH_IMPORT}
    parser_classes = [MultiPartParser]

    @extend_schema(
        operation_id="uploads_create",
        tags=["catalog"],
        request={"multipart/form-data": UploadInput},
        responses={
            200: IngestReportOutput,
            **errors(400, *SIGNED_IN_ERRORS, 413, 415),
            422: OpenApiResponse(
                NothingImportedOutput,
                description="Nothing imported, and not because every file was a duplicate: every pair "
                "refused, every file ignored (two zips, a zip inside the zip, no image) or none sent (an "
                "empty zip). The report, with `code` `nothing_imported` and a `message` naming the first "
                "refused file (else the first ignored one) and why.",
            ),
        },
    )
    def post(self, request):
        _refuse_oversized_body(request)
        data = validated(UploadInput, request.data)
        report = ingest_upload(
            files=[(upload.name, upload) for upload in data["files"]], batch_name=data["batch"], actor=request.user
        )
        return Response(IngestReportOutput(upload_report_or_refusal(report).as_dict()).data)


def _refuse_oversized_body(request) -> None:
    """413 before reading a body larger than one upload may be (plus room for the form fields)."""
    limit = settings.JEWELREVIEW_MAX_UPLOAD_BYTES + settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > limit:
        raise TooLarge(
            f"The upload is larger than {format_bytes(settings.JEWELREVIEW_MAX_UPLOAD_BYTES)}. Nothing was imported.",
            code="upload_too_large",
            details={"limit_bytes": settings.JEWELREVIEW_MAX_UPLOAD_BYTES},
        )
