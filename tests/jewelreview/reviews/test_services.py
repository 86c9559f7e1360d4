"""Workflow services: roles (403), transitions (409), optimistic locking, events in the same transaction."""

from __future__ import annotations

import pytest

from jewelreview.catalog.models import Photo
from jewelreview.catalog.models import PhotoStatus as S
from jewelreview.errors import Conflict, InvalidInput, NotAllowed
from jewelreview.repairs.models import Revision
from jewelreview.reviews import services
from jewelreview.reviews.models import Event, Flag

pytestmark = pytest.mark.django_db


def _revision(photo, author, recipe):
    revision = Revision.objects.create(photo=photo, number=1, author=author, recipe=recipe, recipe_sha256="x")
    Photo.objects.filter(pk=photo.pk).update(current_revision=revision)
    photo.refresh_from_db()
    return revision


def _act(action: str, photo, actor, **extra):
    if action == "approve":
        return services.photo_approve(photo=photo, actor=actor, **extra)
    if action == "flag":
        return services.photo_flag(photo=photo, actor=actor, reason="halo", pins=[{"x": 1, "y": 2}], **extra)
    if action == "claim":
        return services.photo_claim(photo=photo, actor=actor, **extra)
    if action == "release":
        return services.photo_release(photo=photo, actor=actor, **extra)
    if action == "submit":
        return services.photo_submit(photo=photo, actor=actor, **extra)
    if action == "reopen":
        return services.photo_reopen(photo=photo, actor=actor, **extra)
    if action == "reshoot":
        return services.photo_reshoot(photo=photo, actor=actor, **extra)
    raise AssertionError(action)


def _in_repair_for_a_flag(photo, reviewer):
    """A claimed photo as the workflow leaves it: in repair for an open flag (released, it is flagged again)."""
    return Flag.objects.create(photo=photo, reason="halo", created_by=reviewer)


def _snapshot(photo):
    fresh = Photo.objects.get(pk=photo.pk)
    return (fresh.status, fresh.version, fresh.assignee_id, Event.objects.count(), Flag.objects.count())


# --- every status x action, taken by a manager (who holds every role permission) -------------------

TARGETS = {
    ("needs_review", "approve"): "approved",
    ("needs_review", "flag"): "flagged",
    ("flagged", "claim"): "in_repair",
    ("reopened", "claim"): "in_repair",
    ("in_repair", "release"): "flagged",
    ("in_repair", "submit"): "needs_review",
    ("reopened", "submit"): "needs_review",
    ("approved", "reopen"): "reopened",
    **{(status.value, "reshoot"): "reshoot" for status in S if status != S.RESHOOT},
}
ACTIONS = ["approve", "flag", "claim", "release", "submit", "reopen", "reshoot"]


@pytest.mark.parametrize("status", [s.value for s in S])
@pytest.mark.parametrize("action", ACTIONS)
def test_service_takes_exactly_the_allowed_transitions(status, action, users, make_photo, recipe):
    photo = make_photo(status=status, assignee=users.manager if status == "in_repair" else None)
    if status == "in_repair":
        _in_repair_for_a_flag(photo, users.reviewer)
    _revision(photo, users.manager, recipe)
    before = _snapshot(photo)
    target = TARGETS.get((status, action))
    if target is None:
        with pytest.raises(Conflict) as caught:
            _act(action, photo, users.manager)
        assert caught.value.code == "transition_not_allowed"
        assert _snapshot(photo) == before, "a refused transition writes nothing"
        return
    result = _act(action, photo, users.manager)
    assert result.status == target
    assert result.version == before[1] + 1
    event = Event.objects.latest("id")
    assert (event.photo_id, event.actor_id, event.action, event.from_status, event.to_status) == (
        photo.pk,
        users.manager.pk,
        action,
        status,
        target,
    )
    assert Event.objects.count() == before[3] + 1


# --- roles --------------------------------------------------------------------------------------

ROLE_MATRIX = {
    # action: (status it needs, roles allowed)
    "approve": ("needs_review", {"reviewer", "manager"}),
    "flag": ("needs_review", {"reviewer", "manager"}),
    "claim": ("flagged", {"retoucher", "manager"}),
    "release": ("in_repair", {"retoucher", "manager"}),
    "submit": ("in_repair", {"retoucher", "manager"}),
    "reopen": ("approved", {"manager"}),
    "reshoot": ("flagged", {"manager"}),
}


@pytest.mark.parametrize("role", ["reviewer", "retoucher", "manager", "nobody"])
@pytest.mark.parametrize("action", sorted(ROLE_MATRIX))
def test_each_role_may_take_only_its_actions(role, action, users, make_photo, recipe):
    actor = getattr(users, role)
    status, allowed_roles = ROLE_MATRIX[action]
    photo = make_photo(status=status, assignee=actor if status == "in_repair" else None)
    if status == "in_repair":
        _in_repair_for_a_flag(photo, users.reviewer)
    _revision(photo, actor, recipe)
    before = _snapshot(photo)
    if role in allowed_roles:
        assert _act(action, photo, actor).status == TARGETS[(status, action)]
    else:
        with pytest.raises(NotAllowed) as caught:
            _act(action, photo, actor)
        assert caught.value.http_status == 403 and caught.value.code == "role_not_allowed"
        assert _snapshot(photo) == before


# --- events and transactions --------------------------------------------------------------------


def test_a_failing_event_write_rolls_the_status_change_back(users, make_photo, monkeypatch):
    photo = make_photo(status="needs_review")
    before = _snapshot(photo)

    def broken_event(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "event_record", broken_event)
    with pytest.raises(RuntimeError):
        services.photo_approve(photo=photo, actor=users.reviewer)
    assert _snapshot(photo) == before


def test_stale_version_is_a_conflict_that_says_what_is_current(users, make_photo):
    photo = make_photo(status="needs_review")
    services.photo_flag(photo=photo, actor=users.reviewer, reason="halo", expected_version=1)
    before = _snapshot(photo)
    with pytest.raises(Conflict) as caught:
        services.photo_approve(photo=photo, actor=users.manager, expected_version=1)
    assert caught.value.code == "stale_version"
    assert caught.value.details["version"] == 2 and caught.value.details["status"] == "flagged"
    assert _snapshot(photo) == before


def test_expected_version_that_matches_is_accepted(users, make_photo):
    photo = make_photo(status="needs_review")
    assert services.photo_approve(photo=photo, actor=users.reviewer, expected_version=photo.version).version == 2


# --- rules of individual actions ----------------------------------------------------------------


def test_flag_records_reason_note_pins_and_the_current_revision(users, make_photo, recipe):
    photo = make_photo(status="needs_review")
    revision = _revision(photo, users.manager, recipe)
    services.photo_flag(
        photo=photo,
        actor=users.reviewer,
        reason="clipped_prong",
        note="left prong",
        pins=[{"x": 3, "y": 4}, {"x0": 1, "y0": 1, "x1": 10, "y1": 9}],
    )
    flag = Flag.objects.get(photo=photo)
    assert (flag.reason, flag.note, flag.revision_id, flag.created_by_id) == (
        "clipped_prong",
        "left prong",
        revision.pk,
        users.reviewer.pk,
    )
    assert flag.pins == [{"x": 3.0, "y": 4.0}, {"x0": 1.0, "y0": 1.0, "x1": 10.0, "y1": 9.0}]
    assert Event.objects.latest("id").data == {"flag": flag.pk, "reason": "clipped_prong", "pins": 2}


def test_flag_with_pins_outside_the_photo_writes_nothing(users, make_photo):
    photo = make_photo(status="needs_review", width=64, height=48)
    before = _snapshot(photo)
    with pytest.raises(InvalidInput, match=r"pins\[0\]: x = 65 is outside the photo"):
        services.photo_flag(photo=photo, actor=users.reviewer, reason="halo", pins=[{"x": 65, "y": 1}])
    assert _snapshot(photo) == before


def test_flag_with_an_unknown_reason_is_refused(users, make_photo):
    photo = make_photo(status="needs_review")
    with pytest.raises(InvalidInput, match="Unknown flag reason 'ugly'"):
        services.photo_flag(photo=photo, actor=users.reviewer, reason="ugly")


def test_approve_resolves_open_flags(users, make_photo):
    photo = make_photo(status="needs_review")
    services.photo_flag(photo=photo, actor=users.reviewer, reason="halo")
    services.photo_claim(photo=photo, actor=users.retoucher)
    Photo.objects.filter(pk=photo.pk).update(status="needs_review")
    services.photo_approve(photo=photo, actor=users.reviewer)
    flag = Flag.objects.get(photo=photo)
    assert flag.resolved_by_id == users.reviewer.pk and flag.resolved_at is not None


def test_claim_sets_the_assignee_and_a_second_claim_conflicts(users, make_photo):
    photo = make_photo(status="flagged")
    assert services.photo_claim(photo=photo, actor=users.retoucher).assignee_id == users.retoucher.pk
    with pytest.raises(Conflict, match="Cannot claim a photo that is in repair"):
        services.photo_claim(photo=photo, actor=users.retoucher2)


def test_a_photo_assigned_to_someone_else_cannot_be_claimed(users, make_photo):
    photo = make_photo(status="flagged", assignee=users.retoucher)
    before = _snapshot(photo)
    with pytest.raises(NotAllowed, match="assigned to tom") as caught:
        services.photo_claim(photo=photo, actor=users.retoucher2)
    assert caught.value.code == "assigned_to_other"
    assert _snapshot(photo) == before
    assert services.photo_claim(photo=photo, actor=users.retoucher).status == "in_repair"


def test_only_the_claim_holder_or_a_manager_releases_or_submits(users, make_photo, recipe):
    photo = make_photo(status="in_repair", assignee=users.retoucher)
    _in_repair_for_a_flag(photo, users.reviewer)
    _revision(photo, users.retoucher, recipe)
    for service in (services.photo_release, services.photo_submit):
        with pytest.raises(NotAllowed, match="claimed by tom, not by you"):
            service(photo=photo, actor=users.retoucher2)
    released = services.photo_release(photo=photo, actor=users.manager)
    assert (released.status, released.assignee_id) == ("flagged", None)


def test_submit_needs_a_revision(users, make_photo):
    photo = make_photo(status="in_repair", assignee=users.retoucher)
    before = _snapshot(photo)
    with pytest.raises(Conflict, match="has no revision to submit") as caught:
        services.photo_submit(photo=photo, actor=users.retoucher)
    assert caught.value.code == "no_revision"
    assert _snapshot(photo) == before


def test_submit_hands_the_photo_back_to_review_and_clears_the_claim(users, make_photo, recipe):
    photo = make_photo(status="in_repair", assignee=users.retoucher)
    _revision(photo, users.retoucher, recipe)
    submitted = services.photo_submit(photo=photo, actor=users.retoucher, note="fixed prongs")
    assert (submitted.status, submitted.assignee_id) == ("needs_review", None)
    assert Event.objects.latest("id").note == "fixed prongs"


def test_submit_refuses_when_another_revision_became_current_than_the_one_meant(users, make_photo, recipe):
    photo = make_photo(status="in_repair", assignee=users.retoucher)
    mine = _revision(photo, users.retoucher, recipe)
    photo.refresh_from_db()
    theirs = Revision.objects.create(photo=photo, number=2, author=users.manager, recipe=recipe, recipe_sha256="y")
    Photo.objects.filter(pk=photo.pk).update(current_revision=theirs)  # a manager saved meanwhile
    photo.refresh_from_db()
    before = _snapshot(photo)
    with pytest.raises(Conflict, match=f"Revision {theirs.number} is current now") as caught:
        services.photo_submit(photo=photo, actor=users.retoucher, expected_revision=mine.pk)
    assert caught.value.code == "stale_revision"
    assert _snapshot(photo) == before
    submitted = services.photo_submit(photo=photo, actor=users.retoucher, expected_revision=theirs.pk)
    assert submitted.status == "needs_review"


def test_a_retoucher_cannot_submit_a_reopened_photo_without_claiming_it(users, make_photo):
    photo = make_photo(status="reopened")
    with pytest.raises(NotAllowed, match="Only a manager may send a reopened photo back") as caught:
        services.photo_submit(photo=photo, actor=users.retoucher)
    assert caught.value.details == {"allowed_roles": ["manager"], "your_roles": ["retoucher"]}
    assert services.photo_claim(photo=photo, actor=users.retoucher).status == "in_repair"


def test_manager_assigns_a_retoucher_and_the_event_says_so(users, make_photo):
    photo = make_photo(status="flagged")
    assigned = services.photo_assign(photo=photo, actor=users.manager, assignee=users.retoucher)
    assert (assigned.status, assigned.assignee_id, assigned.version) == ("flagged", users.retoucher.pk, 2)
    event = Event.objects.latest("id")
    assert (event.action, event.from_status, event.to_status, event.data["assignee"]) == (
        "assign",
        "flagged",
        "flagged",
        "tom",
    )


def test_unassigning_a_photo_in_repair_releases_its_claim(users, make_photo):
    """No photo stays in repair held by no one: it goes where a released claim goes."""
    photo = make_photo(status="in_repair", assignee=users.retoucher)
    _in_repair_for_a_flag(photo, users.reviewer)
    cleared = services.photo_assign(photo=photo, actor=users.manager, assignee=None, expected_version=1, note="busy")
    assert (cleared.status, cleared.assignee_id, cleared.version) == ("flagged", None, 2)
    event = Event.objects.get(photo=photo)
    assert (event.action, event.from_status, event.to_status, event.note) == ("release", "in_repair", "flagged", "busy")
    assert event.data == {"released_by": "mona", "previous_assignee": "tom", "via": "assign"}
    assert cleared.status_since > photo.status_since  # a new status: the wait starts again

    # with nothing left to repair (its flag resolved while it was claimed): back to review
    fixed = make_photo(status="in_repair", assignee=users.retoucher)
    back = services.photo_assign(photo=fixed, actor=users.manager, assignee=None)
    assert (back.status, back.assignee_id) == ("needs_review", None)
    assert Event.objects.get(photo=fixed).data["nothing_to_repair"] is True


def test_unassigning_photos_not_in_repair_leaves_their_status(users, make_photo):
    for status in ("new", "needs_review", "flagged", "reopened"):
        photo = make_photo(status=status, assignee=users.retoucher)
        cleared = services.photo_assign(photo=photo, actor=users.manager, assignee=None)
        assert (cleared.status, cleared.assignee_id) == (status, None)
        assert Event.objects.get(photo=photo).action == "assign"


def test_unassigning_a_photo_in_repair_with_a_stale_version_changes_nothing(users, make_photo):
    photo = make_photo(status="in_repair", assignee=users.retoucher)
    Photo.objects.filter(pk=photo.pk).update(version=3)
    before = _snapshot(photo)
    with pytest.raises(Conflict) as caught:
        services.photo_assign(photo=photo, actor=users.manager, assignee=None, expected_version=2)
    assert caught.value.code == "stale_version"
    assert _snapshot(photo) == before


def test_assign_refusals(users, make_photo):
    photo = make_photo(status="flagged")
    with pytest.raises(NotAllowed):
        services.photo_assign(photo=photo, actor=users.reviewer, assignee=users.retoucher)
    with pytest.raises(InvalidInput, match="rita is not a retoucher or manager"):
        services.photo_assign(photo=photo, actor=users.manager, assignee=users.reviewer)
    approved = make_photo(status="approved")
    with pytest.raises(Conflict, match="Cannot assign a photo that is approved"):
        services.photo_assign(photo=approved, actor=users.manager, assignee=users.retoucher)


def test_flag_resolve(users, make_photo):
    photo = make_photo(status="needs_review")
    services.photo_flag(photo=photo, actor=users.reviewer, reason="halo")
    flag = Flag.objects.get(photo=photo)
    resolved = services.flag_resolve(flag=flag, actor=users.reviewer)
    assert resolved.resolved_by_id == users.reviewer.pk
    with pytest.raises(Conflict, match="already resolved"):
        services.flag_resolve(flag=flag, actor=users.reviewer)
    with pytest.raises(NotAllowed):
        services.flag_resolve(flag=flag, actor=users.retoucher)


def test_resolving_the_last_flag_of_an_unclaimed_photo_sends_it_back_to_review(users, make_photo):
    """Nothing left to repair: it no longer sits "flagged" with no flag on every to-claim list."""
    photo = make_photo(status="needs_review")
    services.photo_flag(photo=photo, actor=users.reviewer, reason="halo")
    Flag.objects.create(photo=photo, reason="clipped_prong", created_by=users.reviewer)  # a second open flag
    first, second = Flag.objects.filter(photo=photo).order_by("id")
    services.flag_resolve(flag=first, actor=users.manager)
    photo.refresh_from_db()
    assert photo.status == "flagged"  # one flag still open
    version = photo.version
    services.flag_resolve(flag=second, actor=users.manager, note="fine after all")
    photo.refresh_from_db()
    assert (photo.status, photo.version) == ("needs_review", version + 1)
    event = Event.objects.filter(photo=photo, action="flag_resolve").latest("id")
    assert (event.from_status, event.to_status, event.note) == ("flagged", "needs_review", "fine after all")

    assigned = make_photo(status="flagged", assignee=users.retoucher)  # assigned by a manager, not claimed
    services.flag_resolve(flag=Flag.objects.create(photo=assigned, reason="halo", created_by=users.reviewer),
                          actor=users.manager)
    assigned.refresh_from_db()
    assert (assigned.status, assigned.assignee) == ("needs_review", None)
    event = Event.objects.filter(photo=assigned, action="flag_resolve").latest("id")
    assert event.data["was_assigned_to"] == users.retoucher.get_username()

    claimed = make_photo(status="needs_review")
    services.photo_flag(photo=claimed, actor=users.reviewer, reason="halo")
    claimed.refresh_from_db()
    services.photo_claim(photo=claimed, actor=users.retoucher)
    services.flag_resolve(flag=Flag.objects.get(photo=claimed), actor=users.manager)
    claimed.refresh_from_db()
    assert claimed.status == "in_repair"  # someone holds it: theirs to submit


def test_releasing_a_claim_whose_last_flag_was_resolved_sends_it_back_to_review(users, make_photo):
    """As flag_resolve does for an unclaimed photo: released "flagged", it sat on every to-claim
    list with no flag saying what to fix."""
    photo = make_photo(status="needs_review")
    services.photo_flag(photo=photo, actor=users.reviewer, reason="halo")
    photo.refresh_from_db()
    services.photo_claim(photo=photo, actor=users.retoucher)
    services.flag_resolve(flag=Flag.objects.get(photo=photo), actor=users.manager)
    photo.refresh_from_db()
    assert photo.status == "in_repair"
    released = services.photo_release(photo=photo, actor=users.retoucher, expected_version=photo.version)
    assert (released.status, released.assignee_id, released.version) == ("needs_review", None, photo.version + 1)
    event = Event.objects.filter(photo=photo).latest("id")
    assert (event.action, event.from_status, event.to_status, event.actor_id) == (
        "release",
        "in_repair",
        "needs_review",
        users.retoucher.pk,
    )
    assert event.data == {"released_by": "tom", "previous_assignee": "tom", "nothing_to_repair": True}


def test_releasing_a_claim_with_a_flag_still_open_leaves_it_flagged(users, make_photo):
    photo = make_photo(status="needs_review")
    services.photo_flag(photo=photo, actor=users.reviewer, reason="halo")
    Flag.objects.create(photo=photo, reason="clipped_prong", created_by=users.reviewer)
    photo.refresh_from_db()
    services.photo_claim(photo=photo, actor=users.retoucher)
    services.flag_resolve(flag=Flag.objects.filter(photo=photo).order_by("id").first(), actor=users.manager)
    photo.refresh_from_db()
    released = services.photo_release(photo=photo, actor=users.retoucher)
    assert (released.status, released.assignee_id) == ("flagged", None)
    assert "nothing_to_repair" not in Event.objects.filter(photo=photo).latest("id").data


def test_releasing_a_claimed_reopened_photo_leaves_it_to_claim_for_the_reopening(users, make_photo, recipe):
    """A reopening has no flag, its note says what to fix: released, the photo is still to repair."""
    photo = make_photo(status="approved")
    _revision(photo, users.retoucher, recipe)
    services.photo_reopen(photo=photo, actor=users.manager, note="stone dull")
    photo.refresh_from_db()
    services.photo_claim(photo=photo, actor=users.retoucher)
    photo.refresh_from_db()
    assert services.photo_release(photo=photo, actor=users.retoucher).status == "flagged"
    # Once a review decision answered the reopening, it no longer speaks for the photo.
    photo.refresh_from_db()
    services.photo_claim(photo=photo, actor=users.retoucher)
    photo.refresh_from_db()
    services.photo_submit(photo=photo, actor=users.retoucher)
    photo.refresh_from_db()
    services.photo_flag(photo=photo, actor=users.reviewer, reason="halo")
    photo.refresh_from_db()
    services.photo_claim(photo=photo, actor=users.retoucher)
    services.flag_resolve(flag=Flag.objects.get(photo=photo, resolved_at__isnull=True), actor=users.reviewer)
    photo.refresh_from_db()
    assert services.photo_release(photo=photo, actor=users.retoucher).status == "needs_review"
