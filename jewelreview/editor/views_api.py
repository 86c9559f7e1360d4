"""API of the editor: crop previews, channel analysis of a region, and the per-person draft."""

from __future__ import annotations

from django.http import HttpResponse
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response

from jewelreview.accounts.roles import Action
from jewelreview.api.throttles import EditorRateThrottle
from jewelreview.api.schema import SIGNED_IN_ERRORS, binary, errors, json_errors
from jewelreview.api.views import ApiView, validated
from jewelreview.catalog.selectors import photo_get
from jewelreview.editor.channel_analysis import channel_analysis
from jewelreview.editor.previews import Window, preview_render
from jewelreview.editor.selectors import draft_get
from jewelreview.editor.serializers import (
    ChannelAnalysisInput,
    ChannelAnalysisOutput,
    DraftInput,
    DraftOutput,
    PreviewInput,
)
from jewelreview.editor.services import draft_delete, draft_save
from jewelreview.errors import NotFound

# Previews, channel analysis and drafts are for those who may save revisions (retouchers, managers).
EDIT = {method: Action.REVISION_CREATE for method in ("GET", "POST", "PUT", "DELETE")}


class PhotoPreviewView(ApiView):
    required_actions = EDIT
    throttle_classes = [EditorRateThrottle]
    throttle_scope = "editor_preview"

    @extend_schema(
        operation_id="photos_preview",
        tags=["editor"],
        summary="Render a recipe over a window of the photo (the editor's live preview)",
        request=PreviewInput,
        responses={
            **binary(
                "image/png",
                description=(
                    "RGBA PNG of the window at the scale; `Server-Timing` says where the time went; "
                    "`X-Preview-Level` the resolution rendered at (1 exact; below 1, for scales under "
                    "0.5, a reduced-resolution approximation)."
                ),
            ),
            **json_errors(400, *SIGNED_IN_ERRORS, 404, 413, 429, 503),
        },
    )
    def post(self, request, photo_id: int):
        photo = photo_get(photo_id=photo_id)
        data = validated(PreviewInput, request.data)
        preview = preview_render(photo=photo, recipe=data["recipe"], window=Window(**data["rect"]), scale=data["scale"])
        response = HttpResponse(preview.png, content_type="image/png")
        response["Cache-Control"] = "no-store"
        response["Server-Timing"] = ", ".join(f"{name};dur={ms}" for name, ms in preview.timings.items())
        window = preview.window
        response["X-Preview-Window"] = f"{window.x0},{window.y0},{window.x1},{window.y1}"
        response["X-Preview-Level"] = f"{preview.level:.4g}"
        return response


class PhotoChannelsView(ApiView):
    required_actions = EDIT
    throttle_classes = [EditorRateThrottle]
    throttle_scope = "editor_channels"

    @extend_schema(
        operation_id="photos_channels",
        tags=["editor"],
        summary="R, G and B of a region: pictures, contrast scores, histograms, automatic levels",
        request=ChannelAnalysisInput,
        responses={200: ChannelAnalysisOutput, **errors(400, *SIGNED_IN_ERRORS, 404, 413, 429, 503)},
    )
    def post(self, request, photo_id: int):
        photo = photo_get(photo_id=photo_id)
        data = validated(ChannelAnalysisInput, request.data)
        analysis = channel_analysis(photo=photo, region=data["region"], channel=data["channel"], base=data["base"])
        return Response(ChannelAnalysisOutput(analysis).data)


class PhotoDraftView(ApiView):
    required_actions = EDIT

    @extend_schema(
        operation_id="photos_draft_retrieve",
        tags=["editor"],
        summary="Your draft of this photo's edit",
        responses={200: DraftOutput, **errors(*SIGNED_IN_ERRORS, 404)},
    )
    def get(self, request, photo_id: int):
        draft = draft_get(photo=photo_get(photo_id=photo_id), author=request.user)
        if draft is None:
            raise NotFound("You have no draft of this photo.", code="no_draft")
        return Response(DraftOutput(draft).data)

    @extend_schema(
        operation_id="photos_draft_update",
        tags=["editor"],
        summary="Keep your draft (409 `newer_draft_exists` when a later state is kept)",
        request=DraftInput,
        responses={200: DraftOutput, **errors(400, *SIGNED_IN_ERRORS, 404, 409, 413)},
    )
    def put(self, request, photo_id: int):
        photo = photo_get(photo_id=photo_id)
        data = validated(DraftInput, request.data)
        draft = draft_save(
            photo=photo,
            author=request.user,
            document=data["document"],
            base_revision=data["base_revision"],
            saved_at=data["saved_at"],
        )
        return Response(DraftOutput(draft).data)

    @extend_schema(
        operation_id="photos_draft_destroy",
        tags=["editor"],
        summary="Drop your draft",
        responses={204: None, **errors(*SIGNED_IN_ERRORS, 404)},
    )
    def delete(self, request, photo_id: int):
        draft_delete(photo=photo_get(photo_id=photo_id), author=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
