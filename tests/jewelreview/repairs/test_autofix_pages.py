"""Auto-fix and risk on the pages: the review screen's button, the dashboard's batch form, and the
grid's "risk below" filter for low-risk bulk approve."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.utils import timezone

from jewelreview.catalog.models import Photo

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def review_config(html: str) -> dict:
    found = re.search(r'<script id="review-config" type="application/json">(.*?)</script>', html, re.S)
    assert found, "the review page has no configuration"
    return json.loads(found.group(1))


def with_risk(photo: Photo, risk: float | None) -> Photo:
    Photo.objects.filter(pk=photo.pk).update(risk=risk)
    photo.refresh_from_db()
    return photo


def tiles(html: str) -> list[str]:
    return re.findall(r'name="photo" value="([0-9]+):[0-9]+"', html)


def test_reviewers_and_managers_get_the_autofix_button_on_photos_needing_review(users, make_photo):
    photo = make_photo()
    html = signed_in(users.reviewer).get(f"/photos/{photo.pk}/review/").content.decode()
    assert 'id="autofix"' in html and "Apply auto-fix <kbd>X</kbd>" in html
    assert "<kbd>X</kbd></th><td>Apply auto-fix" in html  # in the keyboard help too
    config = review_config(html)
    assert config["can"]["autofix"] is True
    assert config["urls"]["autofix"] == f"/api/photos/{photo.pk}/autofix/"
    assert config["urls"]["render_base"] == "/api/renders/0/"
    assert review_config(signed_in(users.manager).get(f"/photos/{photo.pk}/review/").content.decode())["can"]["autofix"]


def test_the_review_screen_says_what_the_stored_proposal_repairs(users, scene_photo):
    from jewelreview.catalog.detection_services import photo_detect_run, proposal_versions

    photo = scene_photo()
    html = signed_in(users.reviewer).get(f"/photos/{photo.pk}/review/").content.decode()
    assert review_config(html)["autofix_plan"] is None  # not detected yet: the click will detect
    assert "Auto-fix repairs the detected regions as a new revision" in html

    photo_detect_run(photo_id=photo.pk)
    reviewer = signed_in(users.reviewer)
    html = reviewer.get(f"/photos/{photo.pk}/review/").content.decode()
    text = "Auto-fix repairs 1 region in 1 step (1 channel mask) as a new revision; you then review the result."
    assert review_config(html)["autofix_plan"] == {
        "regions": 1, "ops": 1, "summary": "1 channel mask", "applied": None, "usable": True, "text": text,
        "repair": None,
    }
    assert text in html and 'aria-disabled="true"' not in html

    # Applied: the screen says so, and the button says why it does nothing.
    assert reviewer.post(f"/api/photos/{photo.pk}/autofix/", {}, content_type="application/json").status_code == 201
    html = reviewer.get(f"/photos/{photo.pk}/review/").content.decode()
    plan = review_config(html)["autofix_plan"]
    assert (plan["applied"], plan["usable"]) == (1, False)
    assert "Auto-fix is applied: revision 1 is its result." in html and 'aria-disabled="true"' in html

    nothing = {**proposal_versions(), "regions_fixed": 0, "recipe": {"version": 1, "base": "ai", "ops": []}}
    Photo.objects.filter(pk=photo.pk).update(autofix_proposal=nothing)
    html = reviewer.get(f"/photos/{photo.pk}/review/").content.decode()
    assert review_config(html)["autofix_plan"]["usable"] is False
    assert "Detection found nothing sure enough to auto-fix here: review it as it is." in html


def test_over_a_persons_repair_the_button_says_beforehand_that_auto_fix_will_not_replace_it(users, scene_photo):
    from jewelreview.catalog.detection_services import photo_detect_run
    from jewelreview.repairs.services import revision_create

    photo = scene_photo()
    photo_detect_run(photo_id=photo.pk)
    Photo.objects.filter(pk=photo.pk).update(status="in_repair", assignee=users.retoucher)
    photo.refresh_from_db()
    recipe = {"version": 1, "ops": [{"op": "refine", "contrast": 30}]}
    revision_create(photo=photo, author=users.retoucher, recipe=recipe, base_revision=None)
    Photo.objects.filter(pk=photo.pk).update(status="needs_review", assignee=None)
    html = signed_in(users.reviewer).get(f"/photos/{photo.pk}/review/").content.decode()
    plan = review_config(html)["autofix_plan"]
    assert (plan["repair"], plan["usable"]) == (1, False)
    assert "No auto-fix: revision 1 is a repair by tom, which auto-fix would replace. Review that repair." in html
    assert 'aria-disabled="true"' in html


def test_the_plan_names_each_kind_of_op(make_photo):
    from jewelreview.catalog.detection_services import proposal_versions
    from jewelreview.repairs.autofix_selectors import autofix_plan

    box = "M 1 1 H 9 V 9 H 1 Z"
    ops = [{"op": "refine", "contrast": 90, "region": box}, {"op": "refine", "shift_edge": 40, "region": box},
           {"op": "channel", "region": box, "channel": "auto"}, {"op": "recover", "region": box, "radius": 16}]
    photo = make_photo()
    Photo.objects.filter(pk=photo.pk).update(
        autofix_proposal={**proposal_versions(), "regions_fixed": 3, "recipe": {"version": 1, "ops": ops}}
    )
    photo.refresh_from_db()
    plan = autofix_plan(photo=photo)
    assert (plan.regions, plan.ops) == (3, 4)
    assert plan.summary == "2 edge refines, 1 channel mask, 1 lost-detail recovery"
    assert plan.text.startswith("Auto-fix repairs 3 regions in 4 steps (2 edge refines, 1 channel mask,")


def test_a_plan_of_only_the_outline_refine_says_so(make_photo):
    from core.autofix import propose_recipe
    from core.detect import Detection
    from jewelreview.catalog.detection_services import detection_proposal_stored
    from jewelreview.repairs.autofix_selectors import autofix_plan

    soft_outline = Detection((), 0.0, (100, 100), studio_fit=1.0, edge_sharpness=0.5)
    assert [op.name for op in propose_recipe(soft_outline).ops] == ["refine"]
    photo = make_photo()
    Photo.objects.filter(pk=photo.pk).update(autofix_proposal=detection_proposal_stored(soft_outline))
    photo.refresh_from_db()
    assert autofix_plan(photo=photo).text == (
        "Auto-fix sharpens the whole outline (1 edge refine) as a new revision; you then review the result."
    )


def test_no_autofix_button_for_a_flagged_photo(users, make_photo):
    flagged = make_photo(status="flagged")
    html = signed_in(users.reviewer).get(f"/photos/{flagged.pk}/review/").content.decode()
    assert 'id="autofix"' not in html and review_config(html)["can"]["autofix"] is False


def test_the_grid_filters_by_risk_below_and_shows_each_risk(users, make_photo):
    low = with_risk(make_photo(sku="A"), 0.12)
    high = with_risk(make_photo(sku="B"), 0.8)
    edge = with_risk(make_photo(sku="C"), 0.5)
    unscored = make_photo(sku="D")
    reviewer = signed_in(users.reviewer)
    html = reviewer.get("/grid/?max_risk=0.5").content.decode()
    assert tiles(html) == [str(low.pk)]  # strictly below; unscored photos never count as low risk
    assert 'name="max_risk"' in html and 'value="0.5"' in html
    everything = reviewer.get("/grid/").content.decode()
    assert tiles(everything) == [str(p.pk) for p in (low, high, edge, unscored)]
    assert "risk 0.12" in everything and "risk 0.80" in everything and "risk not scored" in everything
    bad = reviewer.get("/grid/?max_risk=2").content.decode()
    assert "Ensure this value is less than or equal to 1" in bad and len(tiles(bad)) == 4


def test_a_grid_tile_says_how_much_of_the_photo_the_regions_cover(users, make_photo):
    region = {"box": {"x0": 0, "y0": 0, "x1": 8, "y1": 6}, "kind": "halo", "confidence": 1.0}
    photo = make_photo(sku="A")
    Photo.objects.filter(pk=photo.pk).update(risk=1.0, damage_extent=0.024, detections=[region, region])
    html = signed_in(users.reviewer).get("/grid/").content.decode()
    assert 'title="Detection risk: 2 regions covering 2.4 % of the photo"' in html


def test_low_risk_photos_are_bulk_approved_from_the_filtered_grid(users, make_photo):
    low = [with_risk(make_photo(sku=f"L{i}"), 0.05) for i in range(2)]
    high = with_risk(make_photo(sku="H"), 0.9)
    reviewer = signed_in(users.reviewer)
    selected = tiles(reviewer.get("/grid/?max_risk=0.2").content.decode())
    response = reviewer.post("/grid/?max_risk=0.2", {"photo": selected})
    assert response.status_code == 302
    assert {p.status for p in Photo.objects.filter(pk__in=[p.pk for p in low])} == {"approved"}
    assert Photo.objects.get(pk=high.pk).status == "needs_review"


def test_the_dashboard_queues_autofix_for_a_batch(users, make_photo, django_capture_on_commit_callbacks, monkeypatch):
    from jewelreview.repairs import autofix_tasks

    queued = []

    class RecordingTask:  # the photos' own auto-fix is tested in test_autofix.py
        def enqueue(self, **kwargs):
            queued.append(kwargs)

    monkeypatch.setattr(autofix_tasks, "photo_autofix", RecordingTask())
    risky = with_risk(make_photo(batch="launch"), 0.7)
    with_risk(make_photo(batch="launch"), 0.2)
    open_now = with_risk(make_photo(batch="launch"), 0.9)
    Photo.objects.filter(pk=open_now.pk).update(
        review_holder=users.reviewer, review_lease_until=timezone.now() + timedelta(minutes=5)
    )
    manager = signed_in(users.manager)
    page = manager.get(f"/dashboard/?batch={risky.batch_id}").content.decode()
    assert 'action="/dashboard/autofix/"' in page and f'name="batch" value="{risky.batch_id}"' in page
    with django_capture_on_commit_callbacks(execute=True):
        response = manager.post("/dashboard/autofix/", {"batch": risky.batch_id, "min_risk": "0.5"})
    assert response.status_code == 302 and response["Location"] == f"/dashboard/?batch={risky.batch_id}"
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Auto-fix queued for 1 photo at risk 0.50 or above (needing review, not yet repaired). "
        "Each gets a new revision to review. Left alone: 1 photo a reviewer has open or up next; "
        "run it again once reviewed."
    ]
    assert queued == [{"photo_id": risky.pk, "actor_id": users.manager.pk}]


def test_only_managers_queue_batch_autofix_from_the_dashboard(users, make_photo):
    photo = make_photo()
    response = signed_in(users.reviewer).post("/dashboard/autofix/", {"batch": photo.batch_id, "min_risk": "0.5"})
    assert response.status_code == 403
    bad = signed_in(users.manager).post("/dashboard/autofix/", {"batch": photo.batch_id, "min_risk": "7"})
    assert [str(m) for m in get_messages(bad.wsgi_request)] == [
        "Nothing was queued: min_risk: Ensure this value is less than or equal to 1."
    ]


def test_the_dashboards_autofix_form_is_rendered_from_its_form_class(users, make_photo, monkeypatch):
    from jewelreview.pages.autofix_views import BatchAutofixForm

    photo = make_photo(batch="launch")
    monkeypatch.setattr(BatchAutofixForm.base_fields["min_risk"], "initial", 0.7)
    page = signed_in(users.manager).get(f"/dashboard/?batch={photo.batch_id}").content.decode()
    assert '<label for="autofix-min_risk">Risk at least</label>' in page
    field = re.search(r'<input type="number" name="min_risk"[^>]*>', page)
    assert field, page[page.find("autofix-heading") :][:1500]
    assert 'value="0.7"' in field.group(0) and 'step="0.05"' in field.group(0)
    assert 'min="0"' in field.group(0) and 'max="1"' in field.group(0)
    assert f'<input type="hidden" name="batch" value="{photo.batch_id}"' in page
    assert "autofix-heading" not in signed_in(users.manager).get("/dashboard/").content.decode()  # no batch chosen
