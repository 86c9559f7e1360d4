"""API shapes of the review queue's "next" and its leases (renew, release)."""

from __future__ import annotations

from rest_framework import serializers

from jewelreview.api.fields import id_field
from jewelreview.catalog.pairing import MAX_CODE_LENGTH
from jewelreview.catalog.serializers import PhotoOutput
from jewelreview.reviews.queue_services import MAX_SKIP


class QueueNextInput(serializers.Serializer):
    batch = id_field(required=False, allow_null=True, default=None, help_text="Only photos of this batch.")
    sku = serializers.CharField(
        max_length=MAX_CODE_LENGTH, required=False, allow_blank=True, default="", help_text="Only this SKU code."
    )
    current = id_field(
        required=False,
        allow_null=True,
        default=None,
        help_text="The photo on your screen: its lease is taken (when free) or renewed (when yours); "
        "your other leases are given back.",
    )
    skip = serializers.ListField(
        child=id_field(),
        max_length=MAX_SKIP,
        required=False,
        default=list,
        help_text="Photos not to hand out again (those you saw this session).",
    )


class CurrentLeaseOutput(serializers.Serializer):
    photo = serializers.IntegerField(source="photo_id")
    holder = serializers.CharField(allow_null=True, help_text="Who reviews it now; null when nobody does.")
    until = serializers.DateTimeField(allow_null=True)
    held_by_you = serializers.BooleanField(source="held_by_actor")


class QueueNextOutput(serializers.Serializer):
    photo = PhotoOutput(allow_null=True, help_text="The photo leased to you; null when nothing is left to review.")
    lease_until = serializers.DateTimeField(
        source="until", allow_null=True, help_text="Your lease lapses then unless renewed."
    )
    review_url = serializers.CharField(allow_null=True, help_text="Its review page.")
    current = CurrentLeaseOutput(allow_null=True, help_text="The lease of `current`, when you sent one.")
    waiting = serializers.IntegerField(help_text="Photos still waiting for a reviewer under these filters.")


# The review page renews two leases: the photo on screen and the one up next.
MAX_RENEW = 10


class QueueRenewInput(serializers.Serializer):
    photos = serializers.ListField(
        child=id_field(),
        max_length=MAX_RENEW,
        help_text="Photos whose review lease you hold (the one on screen, the one up next).",
    )


class QueueRenewOutput(serializers.Serializer):
    renewed = serializers.ListField(
        child=serializers.IntegerField(),
        help_text="The photos whose lease is yours until `lease_until`; any other is no longer yours.",
    )
    lease_until = serializers.DateTimeField(
        source="until",
        allow_null=True,
        help_text="When the renewed leases lapse; null when nothing was renewed (none of `photos` is yours).",
    )


class LeaseInput(serializers.Serializer):
    photo = id_field()
    lease_until = serializers.DateTimeField(help_text="The lease's `lease_until` as you were last told it.")


class QueueReleaseInput(serializers.Serializer):
    leases = serializers.ListField(
        child=LeaseInput(),
        max_length=MAX_RENEW,
        help_text="Review leases you give back (the review page's, as it is left). Only a lease lasting until "
        "the time given ends: one taken again since (a reload, another tab) is kept.",
    )


class QueueReleaseOutput(serializers.Serializer):
    released = serializers.ListField(
        child=serializers.IntegerField(),
        help_text="The photos whose lease was yours and is now free; any other was left alone.",
    )
