"""Bulk workflow actions: each photo through its own service, refusals reported per photo."""

from __future__ import annotations

import pytest

from jewelreview.catalog.models import Photo
from jewelreview.dashboards.services import MAX_BULK_PHOTOS, BulkAction, PhotoTarget, photos_bulk_apply
from jewelreview.errors import InvalidInput, NotAllowed
from jewelreview.reviews.models import Event, Flag
from jewelreview.reviews.services import photo_claim, photo_flag, photo_release

pytestmark = pytest.mark.django_db


def test_bulk_approve_approves_each_and_reports_the_others(make_photo, users):
    ok_1 = make_photo(sku="RING-1", view="front")
    ok_2 = make_photo(sku="RING-1", view="side")
    flagged_meanwhile = make_photo(sku="RING-2", view="front")
    changed = make_photo(sku="RING-3", view="top")
    seen_version = changed.version
    photo_flag(photo=flagged_meanwhile, actor=users.reviewer, reason="halo")
    Photo.objects.filter(pk=changed.pk).update(version=seen_version + 1)

    report = photos_bulk_apply(
        actor=users.reviewer,
        action=BulkAction.APPROVE,
        targets=[
            PhotoTarget(ok_1.pk, ok_1.version),
            PhotoTarget(ok_2.pk),
            PhotoTarget(flagged_meanwhile.pk, flagged_meanwhile.version),
            PhotoTarget(changed.pk, seen_version),
            PhotoTarget(987654),
        ],
    )
    assert [item.photo_id for item in report.done] == [ok_1.pk, ok_2.pk]
    assert [(i.photo_id, i.code) for i in report.refused] == [
        (flagged_meanwhile.pk, "stale_version"),  # flagging bumped its version
        (changed.pk, "stale_version"),
        (987654, "photo_not_found"),
    ]
    assert report.refused[0].label == "RING-2 / front"
    assert "changed since you loaded it" in report.refused[0].message
    assert report.total == 5
    statuses = dict(Photo.objects.values_list("pk", "status"))
    assert statuses[ok_1.pk] == statuses[ok_2.pk] == "approved"
    assert statuses[flagged_meanwhile.pk] == "flagged" and statuses[changed.pk] == "needs_review"
    assert Event.objects.filter(action="approve").count() == 2


def test_bulk_approve_without_versions_reports_the_transition(make_photo, users):
    flagged = make_photo(status="flagged")
    report = photos_bulk_apply(actor=users.reviewer, action=BulkAction.APPROVE, targets=[PhotoTarget(flagged.pk)])
    assert report.done == [] and report.refused[0].code == "transition_not_allowed"
    assert report.refused[0].message.startswith("Cannot approve a photo that is flagged")


def test_each_photo_once(make_photo, users):
    photo = make_photo()
    report = photos_bulk_apply(
        actor=users.reviewer,
        action=BulkAction.APPROVE,
        targets=[PhotoTarget(photo.pk), PhotoTarget(photo.pk)],
    )
    assert len(report.done) == 1 and report.refused == []


def test_role_is_checked_once_for_the_whole_request(make_photo, users):
    photo = make_photo()
    with pytest.raises(NotAllowed) as refused:
        photos_bulk_apply(actor=users.retoucher, action=BulkAction.APPROVE, targets=[PhotoTarget(photo.pk)])
    assert refused.value.code == "role_not_allowed"
    with pytest.raises(NotAllowed):
        photos_bulk_apply(actor=users.reviewer, action=BulkAction.RESHOOT, targets=[PhotoTarget(photo.pk)])
    photo.refresh_from_db()
    assert photo.status == "needs_review" and not Event.objects.exists()


def test_empty_and_oversized_selections_are_refused(make_photo, users):
    with pytest.raises(InvalidInput) as empty:
        photos_bulk_apply(actor=users.reviewer, action=BulkAction.APPROVE, targets=[])
    assert empty.value.code == "nothing_selected" and empty.value.message == "Select at least one photo."
    too_many = [PhotoTarget(n) for n in range(1, MAX_BULK_PHOTOS + 2)]
    with pytest.raises(InvalidInput) as big:
        photos_bulk_apply(actor=users.reviewer, action=BulkAction.APPROVE, targets=too_many)
    assert big.value.code == "too_many_selected" and f"At most {MAX_BULK_PHOTOS}" in big.value.message


def test_bulk_assign_reopen_reshoot(make_photo, users):
    flagged = make_photo(status="flagged")
    approved = make_photo(status="approved")
    report = photos_bulk_apply(
        actor=users.manager,
        action=BulkAction.ASSIGN,
        targets=[PhotoTarget(flagged.pk), PhotoTarget(approved.pk)],
        assignee=users.retoucher2,
        note="tess knows these rings",
    )
    assert [i.photo_id for i in report.done] == [flagged.pk]
    assert report.refused[0].message == "Cannot assign a photo that is approved."
    flagged.refresh_from_db()
    assert flagged.assignee == users.retoucher2
    assert Event.objects.get(photo=flagged, action="assign").note == "tess knows these rings"

    reopened = photos_bulk_apply(actor=users.manager, action=BulkAction.REOPEN, targets=[PhotoTarget(approved.pk)])
    assert len(reopened.done) == 1
    reshot = photos_bulk_apply(
        actor=users.manager, action=BulkAction.RESHOOT, targets=[PhotoTarget(approved.pk), PhotoTarget(flagged.pk)]
    )
    assert len(reshot.done) == 2
    assert set(Photo.objects.values_list("status", flat=True)) == {"reshoot"}
    assert Photo.objects.get(pk=flagged.pk).assignee is None

    unassigned = make_photo(status="flagged", assignee=users.retoucher)
    report = photos_bulk_apply(actor=users.manager, action=BulkAction.ASSIGN, targets=[PhotoTarget(unassigned.pk)])
    assert Photo.objects.get(pk=unassigned.pk).assignee is None and report.done[0].message == ""


def test_bulk_unassigning_photos_in_repair_releases_them_and_says_so(make_photo, users):
    claimed = make_photo(status="in_repair", assignee=users.retoucher)
    Flag.objects.create(photo=claimed, reason="halo", created_by=users.reviewer)
    report = photos_bulk_apply(actor=users.manager, action=BulkAction.ASSIGN, targets=[PhotoTarget(claimed.pk, 1)])
    claimed.refresh_from_db()
    assert (claimed.status, claimed.assignee) == ("flagged", None)
    assert [item.message for item in report.done] == [
        "it was in repair, so unassigning it released its claim (flagged now)."
    ]


@pytest.fixture
def moved_after_loading(monkeypatch):
    """``moved_after_loading(photo, change)``: run ``change()`` once the bulk service has loaded its
    photos (for the report's labels) and before it applies the action: someone else's step between."""
    from django.db.models.query import QuerySet

    def arrange(photo, change):
        in_bulk = QuerySet.in_bulk

        def in_bulk_then_change(queryset, *args, **kwargs):
            loaded = in_bulk(queryset, *args, **kwargs)
            if queryset.model is Photo and photo.pk in loaded:
                change()
            return loaded

        monkeypatch.setattr(QuerySet, "in_bulk", in_bulk_then_change)

    return arrange


def test_a_photo_claimed_after_loading_and_released_by_unassigning_is_reported(make_photo, users, moved_after_loading):
    """It compared the status loaded before the change with the result: flagged both, so no word."""
    photo = make_photo(status="flagged")
    Flag.objects.create(photo=photo, reason="halo", created_by=users.reviewer)
    moved_after_loading(photo, lambda: photo_claim(photo=photo, actor=users.retoucher))
    report = photos_bulk_apply(actor=users.manager, action=BulkAction.ASSIGN, targets=[PhotoTarget(photo.pk)])
    photo.refresh_from_db()
    assert (photo.status, photo.assignee) == ("flagged", None)
    assert Event.objects.filter(photo=photo).order_by("-id").first().data["via"] == "assign"
    assert [item.message for item in report.done] == [
        "it was in repair, so unassigning it released its claim (flagged now)."
    ]


def test_a_photo_released_after_loading_is_only_unassigned_and_no_release_is_reported(
    make_photo, users, moved_after_loading
):
    """It compared the status loaded before the change (in repair) with the result (flagged)."""
    photo = make_photo(status="in_repair", assignee=users.retoucher)
    Flag.objects.create(photo=photo, reason="halo", created_by=users.reviewer)
    moved_after_loading(photo, lambda: photo_release(photo=photo, actor=users.retoucher))
    report = photos_bulk_apply(actor=users.manager, action=BulkAction.ASSIGN, targets=[PhotoTarget(photo.pk)])
    photo.refresh_from_db()
    assert (photo.status, photo.assignee) == ("flagged", None)
    assert list(Event.objects.filter(photo=photo).values_list("action", flat=True)) == ["release", "assign"]
    assert [item.message for item in report.done] == [""]


def test_approving_resolves_flags_as_the_single_service_does(make_photo, users):
    photo = make_photo()
    photo_flag(photo=photo, actor=users.reviewer, reason="halo")
    Photo.objects.filter(pk=photo.pk).update(status="needs_review")
    photos_bulk_apply(actor=users.reviewer, action=BulkAction.APPROVE, targets=[PhotoTarget(photo.pk)])
    assert Flag.objects.get().resolved_by == users.reviewer
