"""API: the photo workflow actions, and a photo's flags and events.

``POST /api/photos/{id}/{action}/``: one small view per action. Each parses its body, calls its
one service, and answers the photo's new state (200); the services answer 403 (role, claim
held by someone else) and 409 (transition not allowed, stale ``version``) through the one
exception handler.
"""

from __future__ import annotations

from typing import Any, ClassVar

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.response import Response

from jewelreview.accounts.roles import Action
from jewelreview.api.permissions import PHOTO_ACTIONS
from jewelreview.api.schema import SIGNED_IN_ERRORS, errors
from jewelreview.api.views import ApiView, validated
from jewelreview.catalog.selectors import photo_get
from jewelreview.catalog.serializers import PhotoOutput
from jewelreview.reviews.selectors import flag_get, photo_events, photo_flags
from jewelreview.reviews.serializers import (
    ActionInput,
    AssignInput,
    EventOutput,
    FlagInput,
    FlagOutput,
    NoteInput,
    SubmitInput,
)
from jewelreview.reviews.services import (
    flag_resolve,
    photo_approve,
    photo_assign,
    photo_claim,
    photo_flag,
    photo_release,
    photo_reopen,
    photo_reshoot,
    photo_submit,
)

ACTION_SUMMARIES = {
    "approve": "Approve (needs_review -> approved; resolves open flags)",
    "flag": "Flag with a reason, note and pins (needs_review -> flagged)",
    "claim": "Claim for repair (flagged | reopened -> in_repair)",
    "release": "Give a claim back (in_repair -> flagged; needs_review when no flag is open and no reopening in force)",
    "submit": "Submit a repair for review (in_repair | reopened -> needs_review)",
    "reopen": "Reopen an approved photo (manager; approved -> reopened)",
    "reshoot": "Send to reshoot: unfixable (manager; any -> reshoot)",
    "assign": (
        "Assign to a retoucher or manager, or unassign with null (manager; unassigning a photo in repair "
        "releases its claim, as release does)"
    ),
}


class PhotoActionView(ApiView):
    # One subclass per action; __init_subclass__ sets its permission and documents it.
    action_name: ClassVar[str]
    input_serializer: ClassVar[type] = ActionInput

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        cls.required_actions = {"POST": PHOTO_ACTIONS[cls.action_name]}
        extend_schema_view(
            post=extend_schema(
                operation_id=f"photos_{cls.action_name}",
                summary=ACTION_SUMMARIES[cls.action_name],
                tags=["workflow"],
                request=cls.input_serializer,
                responses={200: PhotoOutput, **errors(400, *SIGNED_IN_ERRORS, 404, 409, 413, 415)},
            )
        )(cls)

    def post(self, request, photo_id: int):
        photo = photo_get(photo_id=photo_id)
        data = validated(self.input_serializer, request.data)
        self.perform(photo=photo, actor=request.user, data=data)
        return Response(PhotoOutput(photo_get(photo_id=photo_id), context={"request": request}).data)

    def perform(self, *, photo, actor, data: dict[str, Any]) -> None:
        """Call this action's service; each subclass below names its own."""
        raise TypeError(f"{type(self).__name__} must define perform() for {self.action_name!r}")


class PhotoApproveView(PhotoActionView):
    action_name = "approve"

    def perform(self, *, photo, actor, data):
        photo_approve(photo=photo, actor=actor, expected_version=data.get("version"), note=data["note"])


class PhotoFlagView(PhotoActionView):
    action_name = "flag"
    input_serializer = FlagInput

    def perform(self, *, photo, actor, data):
        photo_flag(
            photo=photo,
            actor=actor,
            reason=data["reason"],
            note=data["note"],
            pins=data["pins"],
            expected_version=data.get("version"),
        )


class PhotoClaimView(PhotoActionView):
    action_name = "claim"

    def perform(self, *, photo, actor, data):
        photo_claim(photo=photo, actor=actor, expected_version=data.get("version"))


class PhotoReleaseView(PhotoActionView):
    action_name = "release"

    def perform(self, *, photo, actor, data):
        photo_release(photo=photo, actor=actor, expected_version=data.get("version"), note=data["note"])


class PhotoSubmitView(PhotoActionView):
    action_name = "submit"
    input_serializer = SubmitInput

    def perform(self, *, photo, actor, data):
        photo_submit(
            photo=photo,
            actor=actor,
            expected_version=data.get("version"),
            note=data["note"],
            expected_revision=data["revision"],
        )


class PhotoReopenView(PhotoActionView):
    action_name = "reopen"

    def perform(self, *, photo, actor, data):
        photo_reopen(photo=photo, actor=actor, expected_version=data.get("version"), note=data["note"])


class PhotoReshootView(PhotoActionView):
    action_name = "reshoot"

    def perform(self, *, photo, actor, data):
        photo_reshoot(photo=photo, actor=actor, expected_version=data.get("version"), note=data["note"])


class PhotoAssignView(PhotoActionView):
    action_name = "assign"
    input_serializer = AssignInput

    def perform(self, *, photo, actor, data):
        photo_assign(
            photo=photo, actor=actor, assignee=data["user"], expected_version=data.get("version"), note=data["note"]
        )


class PhotoEventsView(ApiView):
    required_actions = {"GET": Action.PHOTO_VIEW}

    @extend_schema(
        operation_id="photos_events",
        tags=["workflow"],
        summary="The photo's audit log, oldest first",
        responses={200: EventOutput(many=True), **errors(*SIGNED_IN_ERRORS, 404)},
    )
    def get(self, request, photo_id: int):
        events = photo_events(photo=photo_get(photo_id=photo_id))
        return Response(EventOutput(events, many=True).data)


class PhotoFlagsView(ApiView):
    required_actions = {"GET": Action.PHOTO_VIEW}

    @extend_schema(
        operation_id="photos_flags",
        tags=["workflow"],
        summary="The photo's flags, newest first",
        responses={200: FlagOutput(many=True), **errors(*SIGNED_IN_ERRORS, 404)},
    )
    def get(self, request, photo_id: int):
        flags = photo_flags(photo=photo_get(photo_id=photo_id))
        return Response(FlagOutput(flags, many=True).data)


class FlagResolveView(ApiView):
    required_actions = {"POST": Action.FLAG_RESOLVE}

    @extend_schema(
        operation_id="flags_resolve",
        tags=["workflow"],
        summary="Mark one flag resolved (a flagged photo whose last open flag it was goes back to review, unassigned)",
        request=NoteInput,
        responses={200: FlagOutput, **errors(400, *SIGNED_IN_ERRORS, 404, 409, 415)},
    )
    def post(self, request, flag_id: int):
        flag = flag_get(flag_id=flag_id)
        data = validated(NoteInput, request.data)
        flag_resolve(flag=flag, actor=request.user, note=data["note"])
        return Response(FlagOutput(flag_get(flag_id=flag_id)).data)
