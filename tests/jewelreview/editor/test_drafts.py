"""Drafts: one per photo and person, newest state wins, refused writes change nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from jewelreview.editor import services as draft_services
from jewelreview.editor.models import Draft
from jewelreview.repairs.models import Revision

pytestmark = pytest.mark.django_db

DOCUMENT = {
    "version": 1,
    "base": "ai",
    "note": "prong",
    "ops": [{"id": "o1", "op": "path", "d": "M 1 1 L 9 1 L 9 9 Z"}],
}


def put(client, photo, document=DOCUMENT, saved_at="2026-11-29T10:00:00Z", base_revision=None):
    body = {"document": document, "base_revision": base_revision, "saved_at": saved_at}
    return client.put(f"/api/photos/{photo.pk}/draft/", body, format="json")


def test_a_draft_is_kept_and_read_back(api, claimed):
    response = put(api.retoucher, claimed)
    assert response.status_code == 200, response.json()
    assert response.json()["document"] == DOCUMENT
    body = api.retoucher.get(f"/api/photos/{claimed.pk}/draft/").json()
    assert (body["document"], body["base_revision"], body["saved_at"]) == (DOCUMENT, None, "2026-11-29T10:00:00Z")
    newer = {**DOCUMENT, "note": "prong and chain"}
    assert put(api.retoucher, claimed, newer, saved_at="2026-11-29T10:05:00Z").status_code == 200
    assert Draft.objects.get().document["note"] == "prong and chain"
    assert Draft.objects.count() == 1


def test_drafts_are_per_person(api, claimed):
    put(api.retoucher, claimed)
    other = api.retoucher2.get(f"/api/photos/{claimed.pk}/draft/")
    assert other.status_code == 404 and other.json()["code"] == "no_draft"
    assert put(api.manager, claimed, {**DOCUMENT, "note": "mine"}).status_code == 200
    assert sorted(Draft.objects.values_list("author__username", flat=True)) == ["mona", "tom"]


def test_an_older_state_never_overwrites_a_newer_one(api, claimed):
    put(api.retoucher, claimed, saved_at="2026-11-29T10:05:00Z")
    response = put(api.retoucher, claimed, {**DOCUMENT, "note": "stale"}, saved_at="2026-11-29T10:00:00Z")
    assert response.status_code == 409
    assert response.json()["code"] == "newer_draft_exists"
    assert response.json()["details"]["saved_at"] == "2026-11-29T10:05:00+00:00"
    assert Draft.objects.get().document["note"] == "prong"


def test_a_draft_stamped_far_past_the_servers_clock_does_not_refuse_a_correctly_stamped_one(api, claimed):
    """A skewed clock (or a bad integrator) stamping 2999 must not block every later, correct draft;
    an earlier moment than the correct one kept is refused again."""
    skewed = put(api.retoucher, claimed, {**DOCUMENT, "note": "skewed"}, saved_at="2999-01-01T00:00:00Z")
    assert skewed.status_code == 200
    response = put(api.retoucher, claimed, {**DOCUMENT, "note": "later edit"}, saved_at=timezone.now().isoformat())
    assert response.status_code == 200, response.json()
    assert Draft.objects.get().document["note"] == "later edit"
    stale = put(api.retoucher, claimed, {**DOCUMENT, "note": "stale"}, saved_at="2026-01-01T00:00:00Z")
    assert stale.status_code == 409 and stale.json()["code"] == "newer_draft_exists"
    assert Draft.objects.get().document["note"] == "later edit"


def test_a_browser_whose_clock_runs_ahead_still_orders_its_own_drafts(api, claimed):
    """Review: clamping its stamps to the server's clock let a slow earlier save of such a browser
    overwrite a later one. Its own stamps, an hour ahead, still order its states."""
    ahead = timezone.now() + timedelta(hours=1)
    later = put(api.retoucher, claimed, {**DOCUMENT, "note": "later"}, saved_at=(ahead + timedelta(seconds=2)).isoformat())
    assert later.status_code == 200
    slow = put(api.retoucher, claimed, {**DOCUMENT, "note": "earlier"}, saved_at=ahead.isoformat())
    assert slow.status_code == 409 and slow.json()["code"] == "newer_draft_exists"
    assert Draft.objects.get().document["note"] == "later"


@pytest.mark.parametrize(
    ("document", "code"),
    [([1, 2], "invalid_draft"), ({"ops": "none"}, "invalid_draft"), ({"version": 1}, "invalid_draft")],
)
def test_a_document_that_is_no_editor_document_is_refused_and_nothing_is_written(api, claimed, document, code):
    response = put(api.retoucher, claimed, document)
    assert response.status_code == 400
    error = response.json()
    assert (error["code"], error["details"]["field"]) == (code, "document")
    assert error["message"] == "document must be the editor's document: an object with a list of ops."
    assert Draft.objects.count() == 0


def test_a_draft_past_its_size_limit_is_413_and_nothing_is_written(api, claimed, monkeypatch):
    monkeypatch.setattr(draft_services, "MAX_DRAFT_BYTES", 50)
    response = put(api.retoucher, claimed)
    assert response.status_code == 413
    assert response.json()["code"] == "draft_too_large" and response.json()["details"]["limit_bytes"] == 50
    assert Draft.objects.count() == 0


def test_the_base_revision_must_be_one_of_the_photos(api, users, claimed, make_photo, recipe):
    other = make_photo(status="in_repair", assignee=users.retoucher)
    foreign = Revision.objects.create(photo=other, number=1, recipe=recipe, recipe_sha256="0" * 64)
    response = put(api.retoucher, claimed, base_revision=foreign.pk)
    assert response.status_code == 400
    assert response.json()["message"] == f"Revision {foreign.pk} is not a revision of photo {claimed.pk}."
    assert Draft.objects.count() == 0
    own = Revision.objects.create(photo=claimed, number=1, recipe=recipe, recipe_sha256="0" * 64)
    assert put(api.retoucher, claimed, base_revision=own.pk).json()["base_revision"] == own.pk


def test_a_draft_is_dropped_by_delete(api, claimed):
    put(api.retoucher, claimed)
    assert api.retoucher.delete(f"/api/photos/{claimed.pk}/draft/").status_code == 204
    assert Draft.objects.count() == 0
    assert api.retoucher.delete(f"/api/photos/{claimed.pk}/draft/").status_code == 204  # idempotent


@pytest.mark.parametrize(("role", "status"), [("anonymous", 401), ("nobody", 403), ("reviewer", 403)])
def test_drafts_are_for_those_who_may_edit(api, claimed, role, status):
    client = getattr(api, role)
    assert put(client, claimed).status_code == status
    assert client.get(f"/api/photos/{claimed.pk}/draft/").status_code == status
    assert client.delete(f"/api/photos/{claimed.pk}/draft/").status_code == status
    assert Draft.objects.count() == 0


def _nested(depth: int) -> list:
    value: list = ["x"]
    for _ in range(depth - 1):
        value = [value]
    return value


@pytest.mark.parametrize(
    "document, code",
    [
        ({**DOCUMENT, "note": "prong\u0000"}, "draft_nul_character"),
        ({**DOCUMENT, "ops": [{"id": "o1", "op": "path", "d": "M 0 0", "\u0000": 1}]}, "draft_nul_character"),
        ({**DOCUMENT, "ops": [_nested(40)]}, "draft_too_deep"),
    ],
)
def test_a_document_postgres_cannot_keep_or_too_deep_is_400_and_nothing_is_written(api, claimed, document, code):
    response = put(api.retoucher, claimed, document)
    assert response.status_code == 400, response.json()
    assert response.json()["code"] == code and response.json()["details"]["field"] == "document"
    assert Draft.objects.count() == 0


def test_a_document_with_too_many_keys_is_400_and_nothing_is_written(api, claimed, monkeypatch):
    monkeypatch.setattr(draft_services, "MAX_DRAFT_KEYS", 10)
    document = {**DOCUMENT, "ops": [{"id": f"o{k}", "op": "path", "d": "M 0 0"} for k in range(4)]}
    response = put(api.retoucher, claimed, document)
    assert response.status_code == 400 and response.json()["code"] == "draft_too_many_keys"
    assert Draft.objects.count() == 0
