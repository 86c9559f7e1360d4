"""API: a photo's revisions (saving one queues its render), renders, and final PNGs."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.response import Response

from jewelreview.accounts.roles import Action
from jewelreview.api.files import IMMUTABLE, REVALIDATE, stored_file_response
from jewelreview.api.schema import SIGNED_IN_ERRORS, binary, errors, json_errors
from jewelreview.api.views import ApiView, validated
from jewelreview.catalog.selectors import photo_get
from jewelreview.errors import NotFound
from jewelreview.repairs.selectors import photo_final_render, photo_revisions, render_get, revision_latest_render
from jewelreview.repairs.serializers import RenderOutput, RevisionCreatedOutput, RevisionInput, RevisionOutput
from jewelreview.repairs.services import render_retry, revision_save
from jewelreview.repairs.thumbnails import photo_thumbnail


class PhotoRevisionsView(ApiView):
    required_actions = {"GET": Action.PHOTO_VIEW, "POST": Action.REVISION_CREATE}

    @extend_schema(
        operation_id="photos_revisions_list",
        tags=["repairs"],
        summary="All revisions, by number",
        responses={200: RevisionOutput(many=True), **errors(*SIGNED_IN_ERRORS, 404)},
    )
    def get(self, request, photo_id: int):
        revisions = photo_revisions(photo=photo_get(photo_id=photo_id))
        return Response(RevisionOutput(revisions, many=True, context={"request": request}).data)

    @extend_schema(
        operation_id="photos_revisions_create",
        tags=["repairs"],
        summary="Save a revision; its render is queued",
        request=RevisionInput,
        responses={
            201: RevisionCreatedOutput,
            200: OpenApiResponse(
                description="Nothing changed: the recipe is the current revision's and no new note was given, "
                "so no revision was added; the body is the current revision, with `unchanged` true.",
                response=RevisionCreatedOutput,
            ),
            409: OpenApiResponse(
                description="`stale_base_revision`: base_revision is no longer current. Your edit was still saved, "
                "as a side branch (`details.saved_revision`); `details.current_revision` says what is current. "
                "Also `stale_version`, or `not_in_repair` when the photo is not claimed.",
                response=errors(409)[409].response,
            ),
            **errors(400, *SIGNED_IN_ERRORS, 404, 413, 415),
        },
    )
    def post(self, request, photo_id: int):
        photo = photo_get(photo_id=photo_id)
        data = validated(RevisionInput, request.data)
        saved = revision_save(
            photo=photo,
            author=request.user,
            recipe=data["recipe"],
            base_revision=data["base_revision"],
            note=data["note"],
            expected_version=data.get("version"),
        )
        context = {"request": request, "unchanged": not saved.created}
        body = RevisionCreatedOutput(saved.revision, context=context).data
        return Response(body, status=status.HTTP_201_CREATED if saved.created else status.HTTP_200_OK)


class RenderDetailView(ApiView):
    required_actions = {"GET": Action.PHOTO_VIEW}

    @extend_schema(
        operation_id="renders_retrieve",
        tags=["repairs"],
        responses={200: RenderOutput, **errors(*SIGNED_IN_ERRORS, 404)},
    )
    def get(self, request, render_id: int):
        return Response(RenderOutput(render_get(render_id=render_id), context={"request": request}).data)


class RenderRetryView(ApiView):
    required_actions = {"POST": Action.RENDER_RETRY}

    @extend_schema(
        operation_id="renders_retry",
        tags=["repairs"],
        summary="Queue a failed render again",
        request=None,
        responses={200: RenderOutput, **errors(*SIGNED_IN_ERRORS, 404, 409)},
    )
    def post(self, request, render_id: int):
        render = render_retry(render=render_get(render_id=render_id), actor=request.user)
        return Response(RenderOutput(render, context={"request": request}).data)


class RenderFinalView(ApiView):
    required_actions = {"GET": Action.PHOTO_VIEW}

    @extend_schema(
        operation_id="renders_final",
        tags=["files"],
        responses={
            **binary("image/png", description="The render's full-resolution PNG."),
            **json_errors(*SIGNED_IN_ERRORS, 404),
        },
    )
    def get(self, request, render_id: int):
        render = render_get(render_id=render_id)
        name = _finished_file(render, "final")
        return stored_file_response(name, download_name=f"render-{render.pk}.png")


class RenderPreviewView(ApiView):
    required_actions = {"GET": Action.PHOTO_VIEW}

    @extend_schema(
        operation_id="renders_preview",
        tags=["files"],
        responses={
            **binary("image/png", description="A downscaled preview of the render (long side 2048, alpha kept)."),
            **json_errors(*SIGNED_IN_ERRORS, 404),
        },
    )
    def get(self, request, render_id: int):
        render = render_get(render_id=render_id)
        name = _finished_file(render, "preview")
        return stored_file_response(name, download_name=f"render-{render.pk}-preview.png")


class PhotoFinalView(ApiView):
    """The current revision's full-resolution PNG, once rendered."""

    required_actions = {"GET": Action.PHOTO_VIEW}

    @extend_schema(
        operation_id="photos_final",
        tags=["files"],
        responses={
            **binary("image/png", description="The final PNG of the current revision."),
            **json_errors(*SIGNED_IN_ERRORS, 404),
        },
    )
    def get(self, request, photo_id: int):
        photo = photo_get(photo_id=photo_id)
        render = photo_final_render(photo=photo)
        if render is None:
            raise _no_final(photo)
        return stored_file_response(
            render.final.name, download_name=f"{photo.sku.code}_{photo.view}.png", cache_control=REVALIDATE
        )


class PhotoThumbnailView(ApiView):
    """What the photo looks like now, small: the grid's tiles (``repairs.thumbnails``)."""

    required_actions = {"GET": Action.PHOTO_VIEW}

    @extend_schema(
        operation_id="photos_thumbnail",
        tags=["files"],
        parameters=[
            OpenApiParameter(
                "v", str, OpenApiParameter.QUERY, required=False,
                description="What the page expects it to show: `r<render id>` or `c<preparation time>`.",
            )
        ],
        responses={
            **binary(
                "image/webp",
                description="A 480 px WebP (alpha kept) of the current revision's finished render, or of the "
                "AI cutout before one exists. Cached for good when `v` names what it shows (`r<render id>`, "
                "`c<preparation time>`, as the grid's pages put it), else revalidated.",
            ),
            **json_errors(*SIGNED_IN_ERRORS, 404),
        },
    )
    def get(self, request, photo_id: int):
        photo = photo_get(photo_id=photo_id)
        thumbnail = photo_thumbnail(photo=photo)
        # One address, a picture that changes with each render: cached for good only when the
        # page's ?v= names what it shows (repairs.thumbnails).
        cache = IMMUTABLE if request.GET.get("v") == thumbnail.version else REVALIDATE
        download = f"{photo.sku.code}_{photo.view}_thumb.webp"
        return stored_file_response(thumbnail.name, download_name=download, cache_control=cache)


def _finished_file(render, field: str) -> str:
    name = getattr(render, field).name
    if not name:
        raise NotFound(
            f"Render {render.pk} is {render.state}; its {field} exists once it is done.",
            code="render_not_done",
            details={"state": render.state, "error": render.error or None},
        )
    return name


def _no_final(photo) -> NotFound:
    if photo.current_revision is None:
        return NotFound(
            f"Photo {photo.pk} has no revision, so nothing has been rendered for it.",
            code="final_not_rendered",
            details={"current_revision": None, "render_state": None},
        )
    latest = revision_latest_render(revision=photo.current_revision)
    state = latest.state if latest else None
    return NotFound(
        f"The final PNG of photo {photo.pk} (revision {photo.current_revision.number}) is not rendered yet"
        f" (render {state or 'not queued'}).",
        code="final_not_rendered",
        details={
            "current_revision": photo.current_revision_id,
            "render": latest.pk if latest else None,
            "render_state": state,
            "error": (latest.error or None) if latest else None,
        },
    )
