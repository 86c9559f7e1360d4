"""POST /api/photos/{id}/{action}/: 200 with the new state, 409 with the reason, 403 for the role."""

from __future__ import annotations

import pytest

from jewelreview.catalog.models import Photo
from jewelreview.reviews.models import Event, Flag

pytestmark = pytest.mark.django_db


def snapshot(photo):
    fresh = Photo.objects.get(pk=photo.pk)
    return fresh.status, fresh.version, fresh.assignee_id, Event.objects.count(), Flag.objects.count()


# action, starting status, who acts, body, resulting status, resulting assignee (username)
HAPPY = [
    ("approve", "needs_review", "reviewer", {"note": "crisp"}, "approved", None),
    ("flag", "needs_review", "reviewer", {"reason": "clipped_prong", "pins": [{"x": 3, "y": 4}]}, "flagged", None),
    ("claim", "flagged", "retoucher", {}, "in_repair", "tom"),
    ("claim", "reopened", "retoucher", {}, "in_repair", "tom"),
    ("release", "in_repair", "retoucher", {}, "flagged", None),
    ("submit", "in_repair", "retoucher", {}, "needs_review", None),
    ("submit", "reopened", "manager", {}, "needs_review", None),
    ("reopen", "approved", "manager", {}, "reopened", None),
    ("reshoot", "flagged", "manager", {"note": "stone missing"}, "reshoot", None),
    ("assign", "flagged", "manager", {"user": "tess"}, "flagged", "tess"),
]


@pytest.mark.parametrize(("action", "status", "role", "body", "target", "assignee"), HAPPY)
def test_action_answers_the_new_state(action, status, role, body, target, assignee, api, users, make_photo, scenes):
    holder = users.retoucher if status == "in_repair" else None
    photo = make_photo(status=status, assignee=holder)
    if status == "in_repair":  # claimed for a flag (released with none open, it goes back to review)
        Flag.objects.create(photo=photo, reason="halo", created_by=users.reviewer)
    if action == "submit":
        scenes.revision(photo, users.retoucher)
    response = getattr(api, role).post(f"/api/photos/{photo.pk}/{action}/", {**body, "version": 1}, format="json")
    assert response.status_code == 200, response.json()
    state = response.json()
    assert (state["id"], state["status"], state["version"], state["assignee"]) == (photo.pk, target, 2, assignee)
    event = Event.objects.filter(photo=photo).latest("id")
    assert (event.action, event.from_status, event.to_status, event.actor.username) == (
        action,
        status,
        target,
        getattr(users, role).username,
    )


def test_release_after_the_last_flag_was_resolved_answers_needs_review(api, users, make_photo):
    photo = make_photo(status="in_repair", assignee=users.retoucher)
    flag = Flag.objects.create(photo=photo, reason="halo", created_by=users.reviewer)
    assert api.reviewer.post(f"/api/flags/{flag.pk}/resolve/", {}, format="json").status_code == 200
    response = api.retoucher.post(f"/api/photos/{photo.pk}/release/", {"version": 1}, format="json")
    assert response.status_code == 200, response.json()
    state = response.json()
    assert (state["status"], state["assignee"], state["version"]) == ("needs_review", None, 2)
    event = Event.objects.filter(photo=photo).latest("id")
    assert (event.action, event.to_status, event.data["nothing_to_repair"]) == ("release", "needs_review", True)


def test_flag_records_reason_note_and_pins(api, make_photo):
    photo = make_photo(status="needs_review")
    pins = [{"x": 10, "y": 12.5}, {"x0": 1, "y0": 2, "x1": 30, "y1": 40}]
    response = api.reviewer.post(
        f"/api/photos/{photo.pk}/flag/", {"reason": "halo", "note": "grey fringe", "pins": pins}, format="json"
    )
    assert response.status_code == 200
    flags = api.reviewer.get(f"/api/photos/{photo.pk}/flags/").json()
    assert len(flags) == 1
    assert (flags[0]["reason"], flags[0]["note"], flags[0]["created_by"], flags[0]["is_open"]) == (
        "halo",
        "grey fringe",
        "rita",
        True,
    )
    assert flags[0]["pins"] == [{"x": 10.0, "y": 12.5}, {"x0": 1.0, "y0": 2.0, "x1": 30.0, "y1": 40.0}]


@pytest.mark.parametrize(
    ("body", "code", "message", "details"),
    [
        (
            {"reason": "ugly"},
            "invalid_input",
            'reason: "ugly" is not a valid choice; choose one of: clipped_prong, missing_chain, opacity_bleed, '
            "halo, colour_spill, other.",
            {
                "field": "reason",
                "fields": {
                    "reason": [
                        '"ugly" is not a valid choice; choose one of: clipped_prong, missing_chain, opacity_bleed, '
                        "halo, colour_spill, other."
                    ]
                },
                "choices": ["clipped_prong", "missing_chain", "opacity_bleed", "halo", "colour_spill", "other"],
            },
        ),
        (
            {"reason": "halo", "pins": [{"x": 1, "y": 999}]},
            "invalid_pins",
            "pins[0]: y = 999 is outside the photo (0..48)",
            {"field": "pins", "index": 0, "pin_field": "y"},
        ),
        (
            {"reason": "halo", "pins": [{"x": 1}]},
            "invalid_pins",
            "pins[0]: must have exactly the keys x, y (a point) or x0, y0, x1, y1 (a region); got x",
            {"field": "pins", "index": 0},
        ),
        (
            {"reason": "halo", "pins": [{"x0": 5, "y0": 5, "x1": 2, "y1": 9}]},
            "invalid_pins",
            "pins[0]: x1 (2) must be greater than x0 (5)",
            {"field": "pins", "index": 0, "pin_field": "x1"},
        ),
        (
            {"reason": "halo", "pins": "everywhere"},
            "invalid_input",
            'pins: Expected a list of items but got type "str".',
            None,
        ),
        (
            {"reason": "halo", "version": 0},
            "invalid_input",
            "version: Ensure this value is greater than or equal to 1.",
            None,
        ),
    ],
)
def test_bad_flag_bodies_are_400_and_write_nothing(api, make_photo, body, code, message, details):
    photo = make_photo(status="needs_review")
    before = snapshot(photo)
    response = api.reviewer.post(f"/api/photos/{photo.pk}/flag/", body, format="json")
    assert response.status_code == 400
    assert (response.json()["code"], response.json()["message"]) == (code, message)
    if details is not None:
        assert response.json()["details"] == details
    assert snapshot(photo) == before


@pytest.mark.parametrize(
    ("action", "status", "role"),
    [
        ("approve", "flagged", "reviewer"),
        ("flag", "approved", "reviewer"),
        ("claim", "needs_review", "retoucher"),
        ("release", "flagged", "retoucher"),
        ("submit", "approved", "retoucher"),
        ("reopen", "needs_review", "manager"),
        ("reshoot", "reshoot", "manager"),
        ("assign", "approved", "manager"),
    ],
)
def test_transition_not_allowed_is_409_with_the_current_status(action, status, role, api, make_photo):
    photo = make_photo(status=status)
    before = snapshot(photo)
    body = {"reason": "halo"} if action == "flag" else {"user": "tom"} if action == "assign" else {}
    response = getattr(api, role).post(f"/api/photos/{photo.pk}/{action}/", body, format="json")
    assert response.status_code == 409
    error = response.json()
    assert error["code"] == "transition_not_allowed"
    assert error["details"]["status"] == status and error["details"]["action"] == action
    assert error["message"].startswith(f"Cannot {action} a photo that is")
    assert snapshot(photo) == before


@pytest.mark.parametrize(
    ("action", "role"),
    [
        ("approve", "retoucher"),
        ("flag", "retoucher"),
        ("claim", "reviewer"),
        ("release", "reviewer"),
        ("submit", "reviewer"),
        ("reopen", "reviewer"),
        ("reopen", "retoucher"),
        ("reshoot", "retoucher"),
        ("assign", "reviewer"),
        ("assign", "retoucher"),
    ],
)
def test_role_that_may_not_is_403_and_nothing_changes(action, role, api, make_photo):
    photo = make_photo(status="needs_review")
    before = snapshot(photo)
    response = getattr(api, role).post(
        f"/api/photos/{photo.pk}/{action}/", {"reason": "halo", "user": "tom"}, format="json"
    )
    assert response.status_code == 403
    assert response.json()["code"] == "role_not_allowed"
    assert response.json()["details"]["your_roles"] == [role]
    assert "manager" in response.json()["details"]["allowed_roles"] and role not in response.json()["details"]["allowed_roles"]
    assert snapshot(photo) == before


def test_claims_held_by_someone_else_are_403(api, users, make_photo):
    photo = make_photo(status="in_repair", assignee=users.retoucher)
    response = api.retoucher2.post(f"/api/photos/{photo.pk}/release/", {}, format="json")
    assert response.status_code == 403
    assert response.json() == {
        "code": "not_claim_holder",
        "message": f"Photo {photo.pk} is claimed by tom, not by you.",
        "details": {"assignee": "tom"},
    }


def test_optimistic_lock_conflict(api, make_photo):
    photo = make_photo(status="needs_review")
    # Two reviewers loaded version 1; the first approves, the second's flag must not win silently.
    assert api.reviewer.post(f"/api/photos/{photo.pk}/approve/", {"version": 1}, format="json").status_code == 200
    response = api.manager.post(f"/api/photos/{photo.pk}/flag/", {"reason": "halo", "version": 1}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "stale_version"
    assert response.json()["details"] == {
        "expected_version": 1,
        "version": 2,
        "status": "approved",
        # Approval gave the unrepaired photo its as-is revision (the AI cutout as the final PNG).
        "current_revision": Photo.objects.get(pk=photo.pk).current_revision_id,
    }
    assert Photo.objects.get(pk=photo.pk).current_revision_id is not None
    assert Photo.objects.get(pk=photo.pk).status == "approved" and not Flag.objects.exists()


def test_without_a_version_the_action_applies_to_the_current_state(api, make_photo):
    photo = make_photo(status="needs_review")
    Photo.objects.filter(pk=photo.pk).update(version=7)
    assert api.reviewer.post(f"/api/photos/{photo.pk}/approve/", format="json").json()["version"] == 8


@pytest.mark.parametrize("reference", ["tess", "ID"])
def test_assign_by_username_or_id_and_unassign(reference, api, users, make_photo):
    photo = make_photo(status="flagged")
    user = users.retoucher2.pk if reference == "ID" else reference
    assigned = api.manager.post(f"/api/photos/{photo.pk}/assign/", {"user": user}, format="json")
    assert assigned.status_code == 200 and assigned.json()["assignee"] == "tess"
    cleared = api.manager.post(f"/api/photos/{photo.pk}/assign/", {"user": None}, format="json")
    assert cleared.status_code == 200 and cleared.json()["assignee"] is None


def test_unassigning_a_photo_in_repair_answers_it_released(api, users, make_photo):
    photo = make_photo(status="in_repair", assignee=users.retoucher)
    Flag.objects.create(photo=photo, reason="halo", created_by=users.reviewer)
    response = api.manager.post(f"/api/photos/{photo.pk}/assign/", {"user": None, "version": 1}, format="json")
    assert response.status_code == 200
    state = response.json()
    assert (state["status"], state["assignee"], state["version"]) == ("flagged", None, 2)
    assert "claim" in state["actions"]


@pytest.mark.parametrize(
    ("user", "code", "message"),
    [
        ("ghost", "invalid_input", "user: No active user named 'ghost'."),
        ("4242", "invalid_input", "user: No active user named or numbered '4242'."),
        ("rita", "invalid_assignee", "rita is not a retoucher or manager."),
        ({"id": 1}, "invalid_input", "user: Give a username or a user id."),
    ],
)
def test_assign_refuses_unknown_or_unsuitable_users(user, code, message, api, make_photo):
    photo = make_photo(status="flagged")
    response = api.manager.post(f"/api/photos/{photo.pk}/assign/", {"user": user}, format="json")
    assert response.status_code == 400
    assert (response.json()["code"], response.json()["message"]) == (code, message)
    assert Photo.objects.get(pk=photo.pk).assignee is None


def test_resolve_a_flag(api, users, make_photo):
    photo = make_photo(status="flagged")
    flag = Flag.objects.create(photo=photo, reason="halo", created_by=users.reviewer)
    response = api.reviewer.post(f"/api/flags/{flag.pk}/resolve/", {"note": "fine after all"}, format="json")
    assert response.status_code == 200
    assert (response.json()["is_open"], response.json()["resolved_by"]) == (False, "rita")
    again = api.reviewer.post(f"/api/flags/{flag.pk}/resolve/", {}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "flag_resolved"
    assert api.reviewer.post("/api/flags/999999/resolve/", {}, format="json").status_code == 404


def test_a_retoucher_resolving_a_flag_is_told_who_may(api, users, make_photo):
    """The 403 names the roles that may resolve a flag, and the caller's own under its own key (it
    said "roles": ["retoucher"], which read as the roles allowed)."""
    photo = make_photo(status="flagged")
    flag = Flag.objects.create(photo=photo, reason="halo", created_by=users.reviewer)
    response = api.retoucher.post(f"/api/flags/{flag.pk}/resolve/", {}, format="json")
    assert response.status_code == 403
    assert response.json() == {
        "code": "role_not_allowed",
        "message": "Your role (retoucher) may not resolve flags; only reviewers and managers may.",
        "details": {"action": "flag_resolve", "allowed_roles": ["reviewer", "manager"], "your_roles": ["retoucher"]},
    }
    assert Flag.objects.get(pk=flag.pk).resolved_at is None


def test_events_are_the_audit_log(api, users, make_photo):
    photo = make_photo(status="needs_review")
    api.reviewer.post(f"/api/photos/{photo.pk}/flag/", {"reason": "halo", "note": "n1"}, format="json")
    api.retoucher.post(f"/api/photos/{photo.pk}/claim/", {}, format="json")
    events = api.manager.get(f"/api/photos/{photo.pk}/events/").json()
    assert [(e["action"], e["actor"], e["from_status"], e["to_status"]) for e in events] == [
        ("flag", "rita", "needs_review", "flagged"),
        ("claim", "tom", "flagged", "in_repair"),
    ]
    assert events[0]["note"] == "n1" and events[0]["data"]["reason"] == "halo"


@pytest.mark.parametrize(
    ("content", "content_type", "status", "code"),
    [
        (b"{not json", "application/json", 400, "parse_error"),
        (b"[1, 2]", "application/json", 400, "invalid_input"),
        (b"reason=halo", "application/x-www-form-urlencoded", 415, "unsupported_media_type"),
        (b'{"reason": "halo", "note": NaN}', "application/json", 400, "parse_error"),
    ],
)
def test_unparseable_bodies_get_the_error_shape(api, make_photo, content, content_type, status, code):
    photo = make_photo(status="needs_review")
    response = api.reviewer.generic("POST", f"/api/photos/{photo.pk}/flag/", content, content_type=content_type)
    assert response.status_code == status
    assert response.json()["code"] == code and set(response.json()) == {"code", "message", "details"}


def test_oversized_json_is_413(api, make_photo, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    photo = make_photo(status="needs_review")
    response = api.reviewer.post(f"/api/photos/{photo.pk}/flag/", {"reason": "halo", "note": "x" * 2000}, format="json")
    assert response.status_code == 413
    assert response.json() == {
        "code": "request_too_large",
        "message": "The request body is larger than 1000 bytes.",
        "details": {"limit_bytes": 1000},
    }


def test_a_version_the_photo_never_had_is_said_as_such(api, make_photo):
    photo = make_photo(status="needs_review")
    response = api.reviewer.post(f"/api/photos/{photo.pk}/approve/", {"version": 7}, format="json")
    assert response.status_code == 409 and response.json()["code"] == "stale_version"
    assert response.json()["message"] == f"Photo {photo.pk} has never been at version 7: it is at version 1."
