"""API: ``POST /api/queue/next/``, the review queue's "next photo" (leased to the caller),
``POST /api/queue/renew/``, the review page's heartbeat that keeps its leases, and
``POST /api/queue/release/``, which gives leases back as the review page is left."""

from __future__ import annotations

from dataclasses import asdict

from django.urls import reverse
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response

from jewelreview.accounts.roles import Action
from jewelreview.api.schema import SIGNED_IN_ERRORS, errors
from jewelreview.api.views import ApiView, validated
from jewelreview.catalog.selectors import photo_get
from jewelreview.reviews.queue_selectors import queue_waiting_count
from jewelreview.reviews.queue_serializers import (
    QueueNextInput,
    QueueNextOutput,
    QueueReleaseInput,
    QueueReleaseOutput,
    QueueRenewInput,
    QueueRenewOutput,
)
from jewelreview.reviews.queue_services import REVIEW_LEASE, review_lease_release, review_lease_renew, review_next


LEASE_MINUTES = int(REVIEW_LEASE.total_seconds() // 60)  # as the schema's descriptions say it


class QueueNextView(ApiView):
    required_actions = {"POST": Action.PHOTO_APPROVE}

    @extend_schema(
        operation_id="queue_next",
        tags=["workflow"],
        summary="Lease the next photo to review (never one another reviewer holds)",
        description=(
            "Hands out the photo waiting for review that comes first in queue order (highest risk to 2 "
            "decimals, as the pages show it; equal risks by `damage_extent`, then oldest), under a review lease of "
            f"{LEASE_MINUTES} minutes that no other "
            "reviewer's `next` can take. Deciding the photo (approve, flag) ends the lease. `photo` is null "
            "when nothing is left."
        ),
        request=QueueNextInput,
        responses={200: QueueNextOutput, **errors(400, *SIGNED_IN_ERRORS, 415)},
    )
    def post(self, request):
        data = validated(QueueNextInput, request.data)
        sku = data["sku"] or None
        result = review_next(
            actor=request.user, batch_id=data["batch"], sku=sku, current=data["current"], skip=data["skip"]
        )
        photo = photo_get(photo_id=result.photo.pk) if result.photo is not None else None
        body = {
            "photo": photo,
            "until": result.until,
            "review_url": reverse("pages:review", kwargs={"photo_id": photo.pk}) if photo else None,
            "current": asdict(result.current) if result.current else None,
            "waiting": queue_waiting_count(now=timezone.now(), batch_id=data["batch"], sku=sku),
        }
        return Response(QueueNextOutput(body, context={"request": request}).data)


class QueueRenewView(ApiView):
    required_actions = {"POST": Action.PHOTO_APPROVE}

    @extend_schema(
        operation_id="queue_renew",
        tags=["workflow"],
        summary="Renew your review leases (the review page's heartbeat)",
        description=(
            f"Extends your review leases on `photos` by {LEASE_MINUTES} minutes from now. "
            "Only photos still waiting for review whose lease is still yours are renewed; a photo missing from "
            "`renewed` was decided or handed to another reviewer after your lease lapsed. When none is renewed "
            "(none is yours, or none exists), `renewed` is empty and `lease_until` is null."
        ),
        request=QueueRenewInput,
        responses={200: QueueRenewOutput, **errors(400, *SIGNED_IN_ERRORS, 415)},
    )
    def post(self, request):
        data = validated(QueueRenewInput, request.data)
        result = review_lease_renew(actor=request.user, photo_ids=data["photos"])
        return Response(QueueRenewOutput(result).data)


class QueueReleaseView(ApiView):
    required_actions = {"POST": Action.PHOTO_APPROVE}

    @extend_schema(
        operation_id="queue_release",
        tags=["workflow"],
        summary="Give back your review leases (the review page, as it is left)",
        description=(
            "Ends your review leases on `photos`, so they return to the queue at once rather than after "
            f"{LEASE_MINUTES} minutes. A lease is ended only if it still lasts until the "
            "`lease_until` given (one renewed or taken again since is kept); a photo whose lease is not yours is "
            "left alone. Either is missing from `released`."
        ),
        request=QueueReleaseInput,
        responses={200: QueueReleaseOutput, **errors(400, *SIGNED_IN_ERRORS, 415)},
    )
    def post(self, request):
        data = validated(QueueReleaseInput, request.data)
        leases = [(lease["photo"], lease["lease_until"]) for lease in data["leases"]]
        released = review_lease_release(actor=request.user, leases=leases)
        return Response(QueueReleaseOutput({"released": released}).data)
