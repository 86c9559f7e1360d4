"""Drafts are bounded per person and dropped when their photo is approved or their revision saved."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from jewelreview.editor import services as draft_services
from jewelreview.editor.models import Draft
from jewelreview.errors import Conflict

pytestmark = pytest.mark.django_db

DOCUMENT = {"version": 1, "base": "ai", "note": "prong", "ops": [{"id": "o1", "op": "path", "d": "M 1 1 L 9 1 Z"}]}
SAVED_AT = datetime(2026, 11, 29, 10, 0, tzinfo=UTC)


def put(client, photo, document=DOCUMENT, saved_at="2026-11-29T10:00:00Z"):
    body = {"document": document, "base_revision": None, "saved_at": saved_at}
    return client.put(f"/api/photos/{photo.pk}/draft/", body, format="json")


def test_a_new_draft_past_the_per_person_count_is_409_and_says_how_to_free_space(
    api, users, make_photo, monkeypatch
):
    monkeypatch.setattr(draft_services, "MAX_DRAFTS_PER_USER", 2)
    first, second, third = (make_photo(status="in_repair", assignee=users.retoucher) for _ in range(3))
    assert put(api.retoucher, first).status_code == 200
    assert put(api.retoucher, second).status_code == 200

    response = put(api.retoucher, third)

    assert response.status_code == 409, response.json()
    error = response.json()
    assert error["code"] == "draft_quota_exceeded"
    assert (error["details"]["drafts"], error["details"]["limit_drafts"]) == (2, 2)
    assert "Save or discard drafts of other photos to free space" in error["message"]
    assert Draft.objects.count() == 2 and not Draft.objects.filter(photo=third).exists()
    # Updating a draft already kept stays allowed, and another person has their own bound.
    newer = {**DOCUMENT, "note": "prong and chain"}
    assert put(api.retoucher, first, newer, saved_at="2026-11-29T10:05:00Z").status_code == 200
    assert Draft.objects.get(photo=first).document["note"] == "prong and chain"
    assert put(api.manager, third).status_code == 200


def test_a_new_draft_past_the_per_person_bytes_is_409_and_nothing_is_written(api, users, make_photo, monkeypatch):
    first, second = (make_photo(status="in_repair", assignee=users.retoucher) for _ in range(2))
    assert put(api.retoucher, first).status_code == 200
    monkeypatch.setattr(draft_services, "MAX_DRAFT_TOTAL_BYTES_PER_USER", 150)

    response = put(api.retoucher, second)

    assert response.status_code == 409
    assert response.json()["code"] == "draft_quota_exceeded"
    assert response.json()["details"]["limit_bytes"] == 150
    assert list(Draft.objects.values_list("photo_id", flat=True)) == [first.pk]


def test_approving_a_photo_drops_everyones_drafts_of_it(users, make_photo):
    from jewelreview.reviews.services import photo_approve

    photo = make_photo(status="needs_review")
    other = make_photo(status="needs_review")
    for author in (users.retoucher, users.manager):
        draft_services.draft_save(photo=photo, author=author, document=DOCUMENT, base_revision=None, saved_at=SAVED_AT)
    draft_services.draft_save(
        photo=other, author=users.retoucher, document=DOCUMENT, base_revision=None, saved_at=SAVED_AT
    )

    photo_approve(photo=photo, actor=users.reviewer)

    assert list(Draft.objects.values_list("photo_id", flat=True)) == [other.pk]


def test_a_refused_approval_keeps_the_drafts(users, make_photo):
    from jewelreview.reviews.services import photo_approve

    photo = make_photo(status="needs_review")
    draft_services.draft_save(photo=photo, author=users.retoucher, document=DOCUMENT, base_revision=None, saved_at=SAVED_AT)

    with pytest.raises(Conflict):
        photo_approve(photo=photo, actor=users.reviewer, expected_version=photo.version + 1)

    assert Draft.objects.count() == 1


def test_saving_a_revision_drops_its_authors_draft_only(users, claimed, recipe):
    from jewelreview.repairs.services import revision_create

    for author in (users.retoucher, users.manager):
        draft_services.draft_save(
            photo=claimed, author=author, document=DOCUMENT, base_revision=None, saved_at=SAVED_AT
        )

    revision_create(photo=claimed, author=users.retoucher, recipe=recipe, base_revision=None)

    assert list(Draft.objects.values_list("author__username", flat=True)) == ["mona"]
