"""Revisions over the API: 201 with the queued render, 409 keeping the edit, 400 naming op and field."""

from __future__ import annotations

import pytest

from jewelreview import stored_files
from jewelreview.catalog.models import Photo
from jewelreview.repairs.models import Render, Revision
from jewelreview.thumbnail_files import thumbnail_name

pytestmark = pytest.mark.django_db


@pytest.fixture
def claimed(users, make_photo):
    return make_photo(status="in_repair", assignee=users.retoucher)


def save(client, photo, recipe, base, **extra):
    return client.post(
        f"/api/photos/{photo.pk}/revisions/", {"recipe": recipe, "base_revision": base, **extra}, format="json"
    )


def test_post_creates_the_revision_and_queues_its_render(api, claimed, recipe, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        response = save(api.retoucher, claimed, recipe, None, note="closed the prong", version=1)
    assert response.status_code == 201, response.json()
    body = response.json()
    revision = Revision.objects.get(pk=body["id"])
    assert (body["photo"], body["number"], body["parent"], body["author"], body["note"]) == (
        claimed.pk,
        1,
        None,
        "tom",
        "closed the prong",
    )
    assert body["recipe"] == revision.recipe  # canonical: defaults filled in
    assert body["recipe"]["ops"][0]["feather"] == 0.0
    assert body["photo_version"] == 2
    render = Render.objects.get(revision=revision)
    assert body["render"]["id"] == render.pk and body["render"]["state"] == "queued"
    assert body["render"]["final_url"] is None and body["render"]["preview_url"] is None
    assert len(callbacks) == 1  # the render task is enqueued after commit
    assert Photo.objects.get(pk=claimed.pk).current_revision_id == revision.pk

    grown = {**recipe, "ops": [*recipe["ops"], {"op": "refine", "contrast": 15}]}
    second = save(api.retoucher, claimed, grown, revision.pk)
    assert second.status_code == 201 and second.json()["number"] == 2 and second.json()["parent"] == revision.pk
    assert second.json()["unchanged"] is False


def test_saving_the_current_recipe_again_adds_no_revision(api, claimed, recipe, django_capture_on_commit_callbacks):
    first = save(api.retoucher, claimed, recipe, None, note="closed the prong").json()
    with django_capture_on_commit_callbacks() as callbacks:
        again = save(api.retoucher, claimed, recipe, first["id"])
    assert again.status_code == 200, again.json()
    body = again.json()
    assert (body["id"], body["number"], body["unchanged"], body["note"]) == (first["id"], 1, True, "closed the prong")
    assert body["render"]["id"] == first["render"]["id"]  # no second render either
    assert body["photo_version"] == first["photo_version"]
    assert callbacks == [] and Revision.objects.filter(photo=claimed).count() == 1
    assert Render.objects.filter(revision__photo=claimed).count() == 1
    # The same note again is no news; a new note is, and makes a revision of the same recipe.
    assert save(api.retoucher, claimed, recipe, first["id"], note=" closed the prong ").status_code == 200
    noted = save(api.retoucher, claimed, recipe, first["id"], note="checked the clasp too")
    assert noted.status_code == 201 and noted.json()["number"] == 2 and noted.json()["unchanged"] is False


def test_a_repeat_of_an_older_revision_is_still_saved(api, claimed, recipe):
    """Only a repeat of the current revision is dropped: going back to an earlier recipe is an edit."""
    first = save(api.retoucher, claimed, recipe, None).json()
    second = save(api.retoucher, claimed, {"ops": [{"op": "decontaminate", "amount": 40}]}, first["id"]).json()
    back = save(api.retoucher, claimed, recipe, second["id"])
    assert back.status_code == 201 and back.json()["number"] == 3
    assert Photo.objects.get(pk=claimed.pk).current_revision_id == back.json()["id"]


def test_stale_base_revision_is_409_and_the_edit_is_kept(api, users, claimed, recipe):
    first = save(api.retoucher, claimed, recipe, None).json()
    winner = save(api.manager, claimed, {"ops": [{"op": "decontaminate", "amount": 90}]}, first["id"]).json()
    mine = {"ops": [{"op": "decontaminate", "amount": 10}]}
    response = save(api.retoucher, claimed, mine, first["id"], note="my fix")
    assert response.status_code == 409
    error = response.json()
    assert error["code"] == "stale_base_revision"
    assert error["details"]["current_revision"] == winner["id"] and error["details"]["current_number"] == 2
    assert "Your edit was kept as revision 3" in error["message"]
    kept = Revision.objects.get(pk=error["details"]["saved_revision"])
    assert (kept.number, kept.parent_id, kept.note, kept.recipe["ops"][0]["amount"]) == (3, first["id"], "my fix", 10.0)
    assert Photo.objects.get(pk=claimed.pk).current_revision_id == winner["id"]
    # The branch is listed, without a render.
    listed = api.reviewer.get(f"/api/photos/{claimed.pk}/revisions/").json()
    assert [(r["number"], r["parent"], r["render"] is None) for r in listed] == [
        (1, None, False),
        (2, first["id"], False),
        (3, first["id"], True),
    ]


@pytest.mark.parametrize(
    ("recipe", "message", "details"),
    [
        (
            {"version": 1, "ops": [{"op": "refine", "contrast": 15}, {"op": "refine", "contrast": 400}]},
            "ops[1].contrast: must be between 0 and 100, got 400",
            {"op_index": 1, "field": "contrast"},
        ),
        ({"version": 1, "ops": [{"op": "path", "d": "M 0 0 Q", "mode": "add"}]}, None, {"op_index": 0, "field": "d"}),
        (
            {"version": 1, "ops": [{"op": "refine", "contrastt": 5}]},
            "ops[0].contrastt: unknown field 'contrastt'",
            {"op_index": 0, "field": "contrastt"},
        ),
        ({"version": 99, "ops": []}, None, {"field": "version"}),
        ("not a recipe", None, {}),
        (  # few segments, but too costly to draw: refused on save, not left to hang the render
            {"version": 1, "ops": [{"op": "path", "d": "M 0 0" + " l 1 60000 l 1 -60000" * 42}]},
            "ops: paths cross 5,040,000 pixel rows in all, counting each edge once per row it crosses "
            "(ops[0].d alone 5,040,000); the limit is 5,000,000: use fewer or shorter edges",
            {"field": "ops"},
        ),
    ],
)
def test_bad_recipe_is_400_naming_op_and_field_and_nothing_is_written(api, claimed, recipe, message, details):
    response = save(api.retoucher, claimed, recipe, None)
    assert response.status_code == 400
    error = response.json()
    assert error["code"] == "invalid_recipe"
    if message:
        assert error["message"] == message
    assert error["details"] == details
    assert not Revision.objects.exists() and not Render.objects.exists()
    assert Photo.objects.get(pk=claimed.pk).version == 1


def test_revision_needs_a_claim(api, make_photo, recipe):
    flagged = make_photo(status="flagged")
    response = save(api.retoucher, flagged, recipe, None)
    assert response.status_code == 409 and response.json()["code"] == "not_in_repair"
    assert response.json()["details"] == {"status": "flagged"}


def test_saving_after_submitting_says_a_reviewer_must_flag_it(api, claimed, recipe):
    assert save(api.retoucher, claimed, recipe, None).status_code == 201
    submitted = api.retoucher.post(f"/api/photos/{claimed.pk}/submit/", {}, format="json")
    assert submitted.status_code == 200, submitted.json()
    response = save(api.retoucher, claimed, recipe, None)
    assert response.status_code == 409
    assert response.json() == {
        "code": "not_in_repair",
        "message": f"Photo {claimed.pk} is waiting for review; a reviewer must flag it before it can be repaired.",
        "details": {"status": "needs_review"},
    }


def test_revision_of_someone_elses_claim_is_403(api, claimed, recipe):
    response = save(api.retoucher2, claimed, recipe, None)
    assert response.status_code == 403 and response.json()["code"] == "not_claim_holder"
    assert not Revision.objects.exists()


def test_base_revision_must_belong_to_the_photo(api, users, claimed, make_photo, recipe):
    other = make_photo(status="in_repair", assignee=users.retoucher)
    foreign = save(api.retoucher, other, recipe, None).json()["id"]
    response = save(api.retoucher, claimed, recipe, foreign)
    assert response.status_code == 400 and response.json()["code"] == "invalid_base_revision"
    assert response.json()["details"] == {"field": "base_revision"}


def test_base_revision_is_required_and_may_be_null(api, claimed, recipe):
    response = api.retoucher.post(f"/api/photos/{claimed.pk}/revisions/", {"recipe": recipe}, format="json")
    assert response.status_code == 400
    assert response.json()["message"] == "base_revision: This field is required."


def test_render_detail_retry_and_files(api, users, make_photo, scenes):
    photo = make_photo(status="in_repair", assignee=users.retoucher)
    failed = scenes.failed_render(photo, users.retoucher)
    body = api.reviewer.get(f"/api/renders/{failed.pk}/").json()
    assert (body["state"], body["error"], body["timings"], body["final_url"]) == (
        "failed",
        "core: out of memory",
        {"total_ms": 3.0},
        None,
    )
    retried = api.retoucher.post(f"/api/renders/{failed.pk}/retry/", format="json")
    assert retried.status_code == 200 and (retried.json()["state"], retried.json()["error"]) == ("queued", "")
    assert api.reviewer.get(f"/api/renders/{failed.pk}/").json()["error"] == ""  # no stale reason while queued
    again = api.retoucher.post(f"/api/renders/{failed.pk}/retry/", format="json")
    assert again.status_code == 409
    assert again.json() == {
        "code": "render_not_failed",
        "message": f"Render {failed.pk} is queued; only failed renders can be retried.",
        "details": {"state": "queued"},
    }
    not_done = api.reviewer.get(f"/api/renders/{failed.pk}/final.png")
    assert not_done.status_code == 404 and not_done.json()["code"] == "render_not_done"
    assert not_done.json()["details"] == {"state": "queued", "error": None}

    done = scenes.done_render(photo, users.retoucher)
    body = api.reviewer.get(f"/api/renders/{done.pk}/").json()
    assert body["state"] == "done" and body["checksum"] == done.checksum and body["attempts"] == 0
    assert body["final_url"] == f"http://testserver/api/renders/{done.pk}/final.png"
    assert body["preview_url"] == f"http://testserver/api/renders/{done.pk}/preview.png"
    final = api.reviewer.get(body["final_url"])
    assert final["Content-Type"] == "image/png" and b"".join(final.streaming_content).startswith(b"\x89PNG")
    preview = api.reviewer.get(body["preview_url"])
    assert preview["Content-Type"] == "image/webp"
    assert api.reviewer.get("/api/renders/424242/").json()["code"] == "render_not_found"


@pytest.mark.usefixtures("core_render")
def test_a_saved_revision_renders_in_process_and_its_final_is_served(
    api, claimed, recipe, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        created = save(api.retoucher, claimed, recipe, None).json()
    render = api.retoucher.get(f"/api/renders/{created['render']['id']}/").json()
    assert render["state"] == "done", render["error"]
    final = api.retoucher.get(f"/api/photos/{claimed.pk}/final.png")
    assert final.status_code == 200 and b"".join(final.streaming_content)[:8] == b"\x89PNG\r\n\x1a\n"
    preview = Render.objects.get(pk=render["id"]).preview.name
    assert stored_files.read_bytes(thumbnail_name(preview))[8:12] == b"WEBP"  # the grid's tile, made by the render
