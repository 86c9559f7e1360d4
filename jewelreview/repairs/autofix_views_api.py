"""API: apply auto-fix to a photo, or queue it for a batch's riskiest photos (``repairs.autofix_services``)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from jewelreview.accounts.roles import Action
from jewelreview.api.fields import version_field
from jewelreview.api.schema import SIGNED_IN_ERRORS, errors
from jewelreview.api.views import ApiView, validated
from jewelreview.catalog.selectors import photo_get
from jewelreview.repairs.autofix_services import DEFAULT_MIN_RISK, batch_autofix_enqueue, photo_autofix_apply
from jewelreview.repairs.serializers import RevisionCreatedOutput


class AutofixInput(serializers.Serializer):
    version = version_field()


class BatchAutofixInput(serializers.Serializer):
    min_risk = serializers.FloatField(
        required=False,
        default=DEFAULT_MIN_RISK,
        min_value=0,
        max_value=1,
        help_text="Photos whose detection risk is at least this are auto-fixed.",
    )


class BatchAutofixOutput(serializers.Serializer):
    batch = serializers.IntegerField(source="batch_id")
    min_risk = serializers.FloatField()
    queued = serializers.IntegerField(help_text="Photos queued: needing review, no revision yet, risk >= min_risk.")
    photos = serializers.ListField(child=serializers.IntegerField(), source="photo_ids")
    held = serializers.IntegerField(
        help_text="Photos that qualified but a reviewer has open (or up next): left alone, run it again later."
    )


class PhotoAutofixView(ApiView):
    required_actions = {"POST": Action.PHOTO_AUTOFIX}

    @extend_schema(
        operation_id="photos_autofix",
        tags=["repairs"],
        summary="Apply auto-fix: detection's repair proposal becomes the current revision; its render is queued",
        request=AutofixInput,
        responses={
            201: RevisionCreatedOutput,
            409: OpenApiResponse(
                description="`autofix_needs_review` (the photo does not need review), `autofix_nothing_to_fix`, "
                "`autofix_already_applied`, `stale_version`. Nothing was written.",
                response=errors(409)[409].response,
            ),
            **errors(400, *SIGNED_IN_ERRORS, 404, 413, 415),
        },
    )
    def post(self, request, photo_id: int):
        photo = photo_get(photo_id=photo_id)
        data = validated(AutofixInput, request.data)
        revision = photo_autofix_apply(photo=photo, actor=request.user, expected_version=data.get("version"))
        body = RevisionCreatedOutput(revision, context={"request": request}).data
        return Response(body, status=status.HTTP_201_CREATED)


class BatchAutofixView(ApiView):
    required_actions = {"POST": Action.BATCH_AUTOFIX}

    @extend_schema(
        operation_id="batches_autofix",
        tags=["repairs"],
        summary="Queue auto-fix for a batch's photos at or above a risk (one background task each)",
        request=BatchAutofixInput,
        responses={202: BatchAutofixOutput, **errors(400, *SIGNED_IN_ERRORS, 404, 415)},
    )
    def post(self, request, batch_id: int):
        data = validated(BatchAutofixInput, request.data)
        queued = batch_autofix_enqueue(batch_id=batch_id, actor=request.user, min_risk=data["min_risk"])
        return Response(BatchAutofixOutput(queued).data, status=status.HTTP_202_ACCEPTED)
