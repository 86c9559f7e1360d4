"""The editor page: who may open it, what its script is configured with, who may save."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.utils import timezone

from jewelreview.editor.models import Draft
from jewelreview.editor.selectors import save_access
from jewelreview.errors import ServiceError
from jewelreview.repairs.models import Revision
from jewelreview.repairs.services import revision_create

pytestmark = pytest.mark.django_db


def page(user, photo):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client.get(f"/photos/{photo.pk}/edit/")


def config_of(response) -> dict:
    text = response.content.decode()
    start = text.index('<script id="editor-config" type="application/json">') + len(
        '<script id="editor-config" type="application/json">'
    )
    return json.loads(text[start : text.index("</script>", start)])


def test_the_claim_holder_opens_the_editor_with_its_configuration(users, claimed, recipe):
    revision = Revision.objects.create(
        photo=claimed, number=1, author=users.retoucher, recipe=recipe, recipe_sha256="0" * 64, note="first"
    )
    claimed.current_revision = revision
    claimed.save()
    response = page(users.retoucher, claimed)
    assert response.status_code == 200
    assert b'<script type="module" src="/static/js/editor/editor_page.js">' in response.content
    config = config_of(response)
    assert config["photo"] == {
        "id": claimed.pk,
        "sku": "SKU-1",
        "view": claimed.view,
        "width": 64,
        "height": 48,
        "status": "in_repair",
        "version": 1,
    }
    assert config["user"] == "tom"
    assert config["revision"] == {"id": revision.pk, "number": 1, "recipe": recipe, "note": "first"}
    assert config["access"] == {"can_save": True, "reason": "", "can_claim": False}
    assert config["urls"]["preview"] == f"/api/photos/{claimed.pk}/preview/"
    assert config["urls"]["channels"] == f"/api/photos/{claimed.pk}/channels/"
    assert config["urls"]["draft"] == f"/api/photos/{claimed.pk}/draft/"
    assert config["urls"]["revisions"] == f"/api/photos/{claimed.pk}/revisions/"
    assert config["urls"]["tiles_base"] == f"/api/photos/{claimed.pk}/tiles/"
    assert config["draft"] is None and config["render"] is None
    assert b"Save revision" in response.content and b'id="access-notice"' not in response.content


def test_the_page_carries_the_persons_draft_and_the_reviewers_open_pins(users, claimed):
    from jewelreview.reviews.models import Flag

    Flag.objects.create(photo=claimed, reason="clipped_prong", pins=[{"x": 3.0, "y": 4.0}], created_by=users.reviewer)
    Flag.objects.create(
        photo=claimed, reason="halo", pins=[{"x": 9.0, "y": 9.0}], created_by=users.reviewer, resolved_at=timezone.now()
    )
    document = {"version": 1, "base": "ai", "ops": [], "note": "half done"}
    Draft.objects.create(photo=claimed, author=users.retoucher, document=document, saved_at=timezone.now())
    config = config_of(page(users.retoucher, claimed))
    assert config["draft"]["document"] == document and config["draft"]["base_revision"] is None
    assert config["pins"] == [{"x": 3.0, "y": 4.0}], "only open flags' pins"
    assert config_of(page(users.manager, claimed))["draft"] is None, "drafts are per person"


def test_a_flagged_photo_opens_with_a_claim_button_and_without_saving(users, make_photo):
    photo = make_photo(status="flagged")
    response = page(users.retoucher, photo)
    assert response.status_code == 200
    config = config_of(response)
    assert config["access"] == {
        "can_save": False,
        "reason": "This photo is flagged: claim it to save your edits.",
        "can_claim": True,
    }
    assert b'id="claim"' in response.content


def test_someone_elses_claim_is_named(users, make_photo):
    photo = make_photo(status="in_repair", assignee=users.retoucher2)
    access = config_of(page(users.retoucher, photo))["access"]
    assert access["can_save"] is False and access["reason"].startswith("tess holds this photo's claim")


def test_reviewers_may_not_edit_and_strangers_sign_in_first(users, claimed):
    assert page(users.reviewer, claimed).status_code == 403
    assert page(users.nobody, claimed).status_code == 403
    anonymous = page(None, claimed)
    assert anonymous.status_code == 302 and anonymous.url.startswith("/login/")
    client = Client()
    client.force_login(users.retoucher)
    assert client.get("/photos/999999/edit/").status_code == 404
    assert client.post(f"/photos/{claimed.pk}/edit/").status_code == 405


@pytest.mark.parametrize("status", ["new", "needs_review", "approved", "flagged", "in_repair", "reopened", "reshoot"])
@pytest.mark.parametrize("who", ["retoucher", "retoucher2", "manager"])
def test_save_access_says_what_revision_create_will_do(users, make_photo, recipe, status, who):
    """The page's rule against the service's (the authority), on every status, holder or not."""
    photo = make_photo(status=status, assignee=users.retoucher if status == "in_repair" else None)
    user = getattr(users, who)
    predicted = save_access(photo=photo, user=user).can_save
    try:
        revision_create(photo=photo, author=user, recipe=recipe, base_revision=None)
        saved = True
    except ServiceError:
        saved = False
    assert predicted == saved


def test_a_reopened_photo_with_nothing_saved_since_is_said_to_the_editors_submit(users, make_photo, recipe):
    """The editor's Submit asks before sending back, unchanged, what a manager reopened (as My work does)."""
    from jewelreview.reviews.services import photo_claim, photo_reopen

    photo = make_photo(status="in_repair", assignee=users.retoucher)
    first = revision_create(photo=photo, author=users.retoucher, recipe=recipe, base_revision=None)
    assert config_of(page(users.retoucher, photo))["reopened_unchanged"] is False
    type(photo).objects.filter(pk=photo.pk).update(status="approved", assignee=None)  # reviewed and approved
    photo.refresh_from_db()
    photo_reopen(photo=photo, actor=users.manager, note="the clasp")
    photo.refresh_from_db()
    photo_claim(photo=photo, actor=users.retoucher)
    assert config_of(page(users.retoucher, photo))["reopened_unchanged"] is True
    revision_create(photo=photo, author=users.retoucher, recipe={"ops": [{"op": "refine", "contrast": 9}]},
                    base_revision=first.pk)
    assert config_of(page(users.retoucher, photo))["reopened_unchanged"] is False
