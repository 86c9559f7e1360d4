"""Auto-fix: POST /api/photos/{id}/autofix/ turns detection's repair proposal into a revision and a
render; POST /api/batches/{id}/autofix/ queues it for a batch's photos above a risk."""

from __future__ import annotations


import cv2
import numpy as np
import pytest
from rest_framework.test import APIClient

from jewelreview import stored_files
from jewelreview.catalog.models import Photo
from jewelreview.repairs.autofix_tasks import photo_autofix
from jewelreview.repairs.models import Render, Revision
from jewelreview.reviews.models import Event

pytestmark = pytest.mark.django_db

# The proposal for the dropped prong: one channel op (auto channel, levels, add) on its box.
PRONG_OP = {
    "op": "channel",
    "channel": "auto",
    "black": None,
    "white": None,
    "gamma": 1.0,
    "invert": None,
    "mode": "add",
}


@pytest.fixture
def client_of():
    def make(user) -> APIClient:
        client = APIClient()
        client.force_authenticate(user)
        return client

    return make


def test_autofix_makes_the_proposal_the_current_revision_and_renders_it(
    users, scene_photo, client_of, core_render, django_capture_on_commit_callbacks
):
    photo = scene_photo()
    with django_capture_on_commit_callbacks(execute=True):
        response = client_of(users.reviewer).post(f"/api/photos/{photo.pk}/autofix/", {"version": 1}, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["number"], body["parent"], body["author"], body["note"]) == (1, None, "rita", "auto-fix: 1 region")
    [op] = body["recipe"]["ops"]
    assert body["recipe"]["base"] == "ai" and {k: v for k, v in op.items() if k != "region"} == PRONG_OP
    photo.refresh_from_db()
    revision = Revision.objects.get(photo=photo)
    assert photo.current_revision_id == revision.pk and body["photo_version"] == photo.version == 2
    # Reviewed as usual afterwards: the status does not move; detection's fresh result is stored.
    assert photo.status == "needs_review" and photo.risk > 0.9 and photo.detections[0]["kind"] == "thin_loss"
    render = Render.objects.get(revision=revision)
    assert render.state == "done" and render.final.name.endswith(".png")
    final = cv2.imdecode(np.frombuffer(stored_files.read_bytes(render.final.name), np.uint8), cv2.IMREAD_UNCHANGED)
    assert final.shape == (160, 160, 4)
    assert final[65:95, 79:81, 3].min() > 128  # the prong is back
    assert final[110, 60, 3] == 255 and final[20, 20, 3] == 0  # the bar kept, the sweep still cut away
    event = Event.objects.get(photo=photo, action="autofix")
    assert (event.actor, event.note, event.data["ops"]) == (users.reviewer, "auto-fix: 1 region", 1)


def test_the_proposal_stored_by_detection_is_applied_without_detecting_again(
    users, scene_photo, client_of, monkeypatch
):
    from jewelreview.catalog.detection_services import photo_detect_run
    from jewelreview.repairs import autofix_services

    photo = scene_photo()
    photo_detect_run(photo_id=photo.pk)  # the task after ingest
    photo.refresh_from_db()
    stored = photo.autofix_proposal
    assert stored["regions_fixed"] == 1 and [op["op"] for op in stored["recipe"]["ops"]] == ["channel"]
    risk, detections = photo.risk, photo.detections

    def no_detector(**kwargs):
        raise AssertionError("the detector ran in the request")

    monkeypatch.setattr(autofix_services, "photo_detection_compute", no_detector)
    response = client_of(users.reviewer).post(f"/api/photos/{photo.pk}/autofix/", {}, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["recipe"] == stored["recipe"] and response.json()["note"] == "auto-fix: 1 region"
    photo.refresh_from_db()
    assert (photo.risk, photo.detections, photo.autofix_proposal) == (risk, detections, stored)


def test_the_proposal_stored_when_applying_wins_over_the_one_the_caller_loaded(users, scene_photo):
    from jewelreview.catalog.detection_services import photo_detect_run, proposal_versions
    from jewelreview.repairs.autofix_services import photo_autofix_apply

    photo = scene_photo()
    photo_detect_run(photo_id=photo.pk)
    loaded = Photo.objects.get(pk=photo.pk)  # what a request loaded ...
    newer = {**proposal_versions(), "regions_fixed": 1,  # ... before detection ran again
             "recipe": {"version": 1, "base": "ai", "ops": [{"op": "path", "d": "M 70 40 H 90 V 100 H 70 Z"}]}}
    Photo.objects.filter(pk=photo.pk).update(autofix_proposal=newer)
    revision = photo_autofix_apply(photo=loaded, actor=users.reviewer)
    assert [op["op"] for op in revision.recipe["ops"]] == ["path"]


def test_a_proposal_that_cannot_be_made_does_not_lose_the_risk(scene_photo, monkeypatch):
    import core.autofix
    from jewelreview.catalog.detection_services import photo_detect_run

    def broken(*args, **kwargs):
        raise ValueError("proposal bug")

    monkeypatch.setattr(core.autofix, "propose_recipe", broken)
    photo = scene_photo()
    photo_detect_run(photo_id=photo.pk)
    photo.refresh_from_db()
    assert photo.risk > 0.9 and photo.detections and photo.autofix_proposal is None


@pytest.mark.parametrize(
    "stored",
    [
        {"engine": "0.0.1", "detector": 1, "recipe": {"version": 1, "ops": []}, "regions_fixed": 0},  # older core
        {"engine": None, "recipe": "not a recipe"},
        {"recipe": {"version": 1, "ops": [{"op": "no-such-op"}]}},
    ],
)
def test_a_proposal_from_another_core_is_made_again(users, scene_photo, client_of, stored):
    from jewelreview.catalog.detection_services import proposal_versions, regions_damage_extent

    photo = scene_photo()
    if "engine" not in stored:
        stored = {**stored, **proposal_versions(), "regions_fixed": 1}  # this version, but unreadable
    Photo.objects.filter(pk=photo.pk).update(autofix_proposal=stored, risk=0.0, damage_extent=0.0)
    response = client_of(users.reviewer).post(f"/api/photos/{photo.pk}/autofix/", {}, format="json")
    assert response.status_code == 201, response.json()
    assert [op["op"] for op in response.json()["recipe"]["ops"]] == ["channel"]
    photo.refresh_from_db()
    assert photo.risk > 0.9 and photo.autofix_proposal["recipe"] == response.json()["recipe"]
    assert photo.damage_extent == regions_damage_extent(photo.detections, width=160, height=160) > 0
    assert {k: photo.autofix_proposal[k] for k in ("engine", "detector")} == proposal_versions()


def test_a_manager_may_autofix_a_retoucher_may_not(users, scene_photo, client_of):
    photo = scene_photo()
    refused = client_of(users.retoucher).post(f"/api/photos/{photo.pk}/autofix/", {}, format="json")
    assert refused.status_code == 403
    assert refused.json()["message"] == "Your role (retoucher) may not apply auto-fix; only reviewers and managers may."
    assert Revision.objects.count() == 0
    assert client_of(users.manager).post(f"/api/photos/{photo.pk}/autofix/", {}, format="json").status_code == 201


def test_an_unknown_photo_is_404(users, client_of):
    response = client_of(users.reviewer).post("/api/photos/424242/autofix/", {}, format="json")
    assert response.status_code == 404
    assert response.json()["code"] == "photo_not_found" and response.json()["message"] == "Photo 424242 does not exist."


@pytest.mark.parametrize("status", ["flagged", "approved", "in_repair", "reopened", "new"])
def test_only_photos_needing_review_are_autofixed(users, scene_photo, client_of, status):
    photo = scene_photo(status=status, assignee=users.retoucher if status == "in_repair" else None)
    response = client_of(users.manager).post(f"/api/photos/{photo.pk}/autofix/", {}, format="json")
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "autofix_needs_review" and body["details"] == {"status": status}
    assert body["message"].endswith("auto-fix applies to photos that need review.")
    assert Revision.objects.count() == 0 and Photo.objects.get(pk=photo.pk).version == 1


def test_nothing_to_fix_is_a_409_and_writes_nothing(users, scene_photo, client_of):
    photo = scene_photo(prong=False)
    response = client_of(users.reviewer).post(f"/api/photos/{photo.pk}/autofix/", {}, format="json")
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "autofix_nothing_to_fix"
    assert body["message"] == (
        f"Auto-fix found nothing sure enough to repair on photo {photo.pk} (risk 0.00); review it as it is."
    )
    photo.refresh_from_db()
    assert Revision.objects.count() == 0 and (photo.version, photo.risk) == (1, None)


def test_applying_it_twice_is_a_409(users, scene_photo, client_of):
    photo = scene_photo()
    client = client_of(users.reviewer)
    assert client.post(f"/api/photos/{photo.pk}/autofix/", {}, format="json").status_code == 201
    again = client.post(f"/api/photos/{photo.pk}/autofix/", {}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "autofix_already_applied"
    assert again.json()["message"] == f"Auto-fix is already applied to photo {photo.pk} (revision 1)."
    assert Revision.objects.count() == 1


def test_a_stale_version_is_a_409(users, scene_photo, client_of):
    photo = scene_photo()
    response = client_of(users.reviewer).post(f"/api/photos/{photo.pk}/autofix/", {"version": 7}, format="json")
    assert response.status_code == 409 and response.json()["code"] == "stale_version"
    assert Revision.objects.count() == 0


def test_the_batch_action_queues_only_unrepaired_photos_above_the_threshold(
    users, scene_photo, client_of, django_capture_on_commit_callbacks
):
    risky = scene_photo(risk=0.9, batch="launch")
    scene_photo(risk=0.3, prong=True, batch="launch")  # under the threshold
    scene_photo(risk=None, batch="launch")  # not scored yet
    scene_photo(risk=0.95, status="flagged", batch="launch")  # a retoucher's now
    elsewhere = scene_photo(risk=0.99, batch="other")
    repaired = scene_photo(risk=0.8, batch="launch")
    Revision.objects.create(photo=repaired, number=1, author=users.retoucher, recipe={}, recipe_sha256="0" * 64)
    Photo.objects.filter(pk=repaired.pk).update(current_revision=Revision.objects.get(photo=repaired))
    with django_capture_on_commit_callbacks(execute=True):
        response = client_of(users.manager).post(
            f"/api/batches/{risky.batch_id}/autofix/", {"min_risk": 0.5}, format="json"
        )
    assert response.status_code == 202
    assert response.json() == {"batch": risky.batch_id, "min_risk": 0.5, "queued": 1, "photos": [risky.pk], "held": 0}
    assert Revision.objects.get(photo=risky).note == "auto-fix: 1 region"
    assert not Revision.objects.filter(photo=elsewhere).exists()


def test_the_batch_action_queues_equal_risks_most_damaged_first(users, scene_photo, client_of):
    """The order auto-fix works through a batch: risk, then the share of the photo damaged."""
    small, large, larger = (scene_photo(risk=1.0, batch="launch") for _ in range(3))
    for photo, extent in ((small, 0.01), (large, 0.2), (larger, 0.5)):
        Photo.objects.filter(pk=photo.pk).update(damage_extent=extent)
    manager = client_of(users.manager)
    response = manager.post(f"/api/batches/{small.batch_id}/autofix/", {"min_risk": 0.5}, format="json")
    assert response.status_code == 202
    assert response.json()["photos"] == [larger.pk, large.pk, small.pk]


def test_the_batch_action_takes_risks_as_shown(users, scene_photo, client_of):
    """0.996 reads "1.00": with more of the photo damaged it goes before a 1.000 with less."""
    full, nearly = scene_photo(risk=1.0, batch="launch"), scene_photo(risk=0.996, batch="launch")
    Photo.objects.filter(pk=full.pk).update(damage_extent=0.01)
    Photo.objects.filter(pk=nearly.pk).update(damage_extent=0.3)
    response = client_of(users.manager).post(f"/api/batches/{full.batch_id}/autofix/", {"min_risk": 0.5}, format="json")
    assert response.status_code == 202
    assert response.json()["photos"] == [nearly.pk, full.pk]


def test_the_batch_action_refuses_bad_input(users, make_photo, client_of):
    photo = make_photo()
    manager = client_of(users.manager)
    bad = manager.post(f"/api/batches/{photo.batch_id}/autofix/", {"min_risk": 1.5}, format="json")
    assert bad.status_code == 400 and bad.json()["details"]["field"] == "min_risk"
    missing = manager.post("/api/batches/9999/autofix/", {}, format="json")
    assert missing.status_code == 404 and missing.json()["message"] == "Batch 9999 does not exist."
    refused = client_of(users.reviewer).post(f"/api/batches/{photo.batch_id}/autofix/", {}, format="json")
    assert refused.status_code == 403 and refused.json()["message"] == "Your role (reviewer) may not auto-fix batches; only managers may."


def test_the_background_task_skips_a_photo_that_moved_on(users, scene_photo):
    photo = scene_photo(risk=0.9, status="flagged")
    assert photo_autofix.call(photo_id=photo.pk, actor_id=users.manager.pk) == {
        "photo": photo.pk,
        "skipped": "autofix_needs_review",
    }
    assert Revision.objects.count() == 0


def test_a_failed_background_autofix_is_noted_in_a_sentence_and_its_exception_only_logged(
    users, scene_photo, monkeypatch, caplog
):
    from jewelreview.repairs import autofix_tasks

    def broken(**kwargs):
        raise RuntimeError("boom in /srv/app/secret/place.py")

    monkeypatch.setattr(autofix_tasks, "photo_autofix_apply", broken)
    photo = scene_photo(risk=0.9)
    with pytest.raises(RuntimeError):
        photo_autofix.call(photo_id=photo.pk, actor_id=users.manager.pk)
    event = Event.objects.get(photo=photo, action="autofix_failed")
    assert event.note == (
        "something unexpected went wrong on the server; run auto-fix on the batch again, "
        "and tell a manager if it fails again."
    )
    assert "/srv/app/secret/place.py" in caplog.text and "/srv/app" not in event.note


def test_a_missing_original_fails_the_background_autofix_with_a_sentence(users, scene_photo, caplog):
    from django.core.files.storage import default_storage

    photo = scene_photo(risk=0.9)
    default_storage.delete(photo.original.name)
    with pytest.raises(FileNotFoundError):
        photo_autofix.call(photo_id=photo.pk, actor_id=users.manager.pk)
    event = Event.objects.get(photo=photo, action="autofix_failed")
    assert event.note == "the photo's stored original is missing; ask a manager to re-import it."
    assert photo.original.name in caplog.text


def test_the_queue_being_down_notes_the_batch_autofix_without_its_address(
    users, scene_photo, client_of, monkeypatch, django_capture_on_commit_callbacks
):
    from jewelreview.repairs import autofix_tasks

    class DownTask:
        def enqueue(self, **kwargs):
            raise ConnectionError("Error 111 connecting to 10.0.0.5:6379.")

    monkeypatch.setattr(autofix_tasks, "photo_autofix", DownTask())
    photo = scene_photo(risk=0.9)
    with django_capture_on_commit_callbacks(execute=True):
        queued = client_of(users.manager).post(f"/api/batches/{photo.batch_id}/autofix/", {}, format="json")
    assert queued.status_code in (200, 202), queued.json()
    event = Event.objects.get(photo=photo, action="autofix_failed")
    assert event.note == (
        "could not enqueue: the task queue did not answer; run auto-fix on the batch again once the queue is back."
    )


def _make_current(photo, *, author, recipe, note=""):
    revision = Revision.objects.create(
        photo=photo, number=1, author=author, recipe=recipe, recipe_sha256="1" * 64, note=note
    )
    Photo.objects.filter(pk=photo.pk).update(current_revision=revision)
    photo.refresh_from_db()
    return revision


REPAIR_RECIPE = {"version": 1, "base": "ai", "ops": [{"op": "brush", "mode": "add", "radius": 3, "points": [[1, 1]]}]}


def test_a_retouchers_submitted_repair_is_never_replaced(users, scene_photo, client_of):
    photo = scene_photo()
    repair = _make_current(photo, author=users.retoucher, recipe=REPAIR_RECIPE, note="fixed the prong")
    response = client_of(users.reviewer).post(f"/api/photos/{photo.pk}/autofix/", {}, format="json")
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "autofix_has_repair"
    assert body["message"] == (
        f"Photo {photo.pk} shows revision 1, a repair by tom; auto-fix would replace it. "
        "Review that repair, or flag the photo to have it reworked."
    )
    photo.refresh_from_db()
    assert photo.current_revision_id == repair.pk and photo.version == 1
    assert Revision.objects.filter(photo=photo).count() == 1 and not Event.objects.filter(action="autofix").exists()


def test_an_as_is_revision_may_be_auto_fixed(users, scene_photo, client_of):
    photo = scene_photo()
    _make_current(photo, author=users.reviewer, recipe={"version": 1, "base": "ai", "ops": []})
    response = client_of(users.reviewer).post(f"/api/photos/{photo.pk}/autofix/", {}, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["number"] == 2


def test_the_batch_leaves_photos_a_reviewer_holds_alone(
    users, scene_photo, client_of, django_capture_on_commit_callbacks
):
    from datetime import timedelta

    from django.utils import timezone

    free = scene_photo(risk=0.9, batch="launch")
    held = scene_photo(risk=0.95, batch="launch")
    lapsed = scene_photo(risk=0.8, batch="launch")
    Photo.objects.filter(pk=held.pk).update(
        review_holder=users.reviewer, review_lease_until=timezone.now() + timedelta(minutes=5)
    )
    Photo.objects.filter(pk=lapsed.pk).update(
        review_holder=users.reviewer, review_lease_until=timezone.now() - timedelta(minutes=1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client_of(users.manager).post(
            f"/api/batches/{free.batch_id}/autofix/", {"min_risk": 0.5}, format="json"
        )
    assert response.status_code == 202
    assert response.json()["photos"] == [free.pk, lapsed.pk]
    assert response.json()["held"] == 1  # said, not silently dropped
    assert not Revision.objects.filter(photo=held).exists()


def test_the_background_task_skips_a_photo_leased_since_it_was_queued(users, scene_photo):
    from datetime import timedelta

    from django.utils import timezone

    photo = scene_photo(risk=0.9)
    Photo.objects.filter(pk=photo.pk).update(
        review_holder=users.reviewer, review_lease_until=timezone.now() + timedelta(minutes=5)
    )
    assert photo_autofix.call(photo_id=photo.pk, actor_id=users.manager.pk) == {
        "photo": photo.pk,
        "skipped": "autofix_photo_leased",
    }
    assert Revision.objects.count() == 0


def test_a_photo_that_is_no_studio_shot_gets_the_recover_op_and_its_prongs_back(
    users, scene_photo, client_of, cluttered_pendant, core_render, django_capture_on_commit_callbacks
):
    rgb, ai, truth = cluttered_pendant(size=(160, 160))
    jpeg = cv2.imencode(".jpg", cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, 95])[1].tobytes()
    photo = scene_photo(files=(jpeg, cv2.imencode(".png", ai)[1].tobytes()))
    with django_capture_on_commit_callbacks(execute=True):
        response = client_of(users.reviewer).post(f"/api/photos/{photo.pk}/autofix/", {}, format="json")
    assert response.status_code == 201, response.json()
    names = [op["op"] for op in response.json()["recipe"]["ops"]]
    assert names[:2] == ["refine", "refine"] and set(names[2:]) == {"recover"}  # bleed band, then the prongs
    render = Render.objects.get(revision__photo=photo)
    assert render.state == "done"
    final = cv2.imdecode(np.frombuffer(stored_files.read_bytes(render.final.name), np.uint8), cv2.IMREAD_UNCHANGED)
    lost = (truth > 0) & (ai < 128)
    assert np.mean(final[..., 3][lost] >= 128) >= 0.85  # the prongs are back
    far = cv2.dilate(truth, np.ones((9, 9), np.uint8)) == 0
    assert np.count_nonzero(final[..., 3][far] > ai[far] + 25) == 0  # the wall stays cut away
