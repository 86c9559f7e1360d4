"""/photos/{id}/review/: the review screen's page and the configuration its script reads."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from jewelreview.catalog.models import Photo
from jewelreview.repairs.models import Render, RenderState, Revision
from jewelreview.reviews.models import Flag

pytestmark = pytest.mark.django_db


def prepared(photo):
    Photo.objects.filter(pk=photo.pk).update(tiles_original="p/original.dzi", tiles_cutout="p/cutout.dzi")
    return photo


def config_of(response) -> dict:
    html = response.content.decode()
    match = re.search(r'<script id="review-config" type="application/json">(.*?)</script>', html, re.S)
    assert match, "the page carries its configuration as JSON"
    return json.loads(match.group(1))


def test_the_review_screen_of_a_waiting_photo(browsers, make_photo):
    photo = prepared(make_photo(sku="RING-9", view="front", width=640, height=480))
    response = browsers.reviewer.get(f"/photos/{photo.pk}/review/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1><bdi>RING-9</bdi> <span" in html and "640 × 480 px" in html
    config = config_of(response)
    assert config["photo"] == {
        "id": photo.pk,
        "sku": "RING-9",
        "view": "front",
        "width": 640,
        "height": 480,
        "status": "needs_review",
        "version": 1,
    }
    assert config["original"] == f"/api/photos/{photo.pk}/tiles/original.dzi"
    assert config["layers"] == [
        {"key": "cutout", "label": "AI cutout", "tiles": f"/api/photos/{photo.pk}/tiles/cutout.dzi", "image": None}
    ]
    assert (config["current"], config["flagged"], config["detections"], config["flags"]) == ("cutout", None, [], [])
    assert config["can"] == {"approve": True, "flag": True, "autofix": True}
    assert config["urls"]["approve"] == f"/api/photos/{photo.pk}/approve/"
    assert config["urls"]["flag"] == f"/api/photos/{photo.pk}/flag/"
    assert config["urls"]["next"] == "/api/queue/next/"
    assert config["urls"]["review_base"] == "/photos/0/review/"


def test_the_page_loads_its_scripts_as_files_and_has_no_inline_code_or_style(browsers, make_photo):
    photo = prepared(make_photo())
    html = browsers.reviewer.get(f"/photos/{photo.pk}/review/").content.decode()
    scripts = re.findall(r"<script([^>]*)>", html)
    assert 'src="/static/vendor/openseadragon-6.1.1/openseadragon.min.js" defer' in html
    assert '<script type="module" src="/static/js/review/review_page.js"></script>' in html
    assert all("src=" in attributes or 'type="application/json"' in attributes for attributes in scripts)
    assert "style=" not in html and "<style" not in html


def test_every_control_has_a_label(browsers, make_photo):
    photo = prepared(make_photo())
    html = browsers.reviewer.get(f"/photos/{photo.pk}/review/").content.decode()
    for button in re.findall(r"<button[^>]*>(.*?)</button>", html, re.S):
        assert re.sub(r"<[^>]+>", "", button).strip() or "aria-label" in button, button
    assert 'aria-label="Keyboard shortcuts (?)"' in html
    for control in ("flag-reason", "flag-note", "reference"):
        assert f'<label for="{control}">' in html
    assert 'aria-label="Custom backdrop colour"' in html and 'aria-label="Swipe position: result on the left"' in html


def test_a_re_review_compares_with_the_flagged_revision(browsers, make_photo, users):
    photo = prepared(make_photo(status="needs_review"))
    revisions = []
    for number in (1, 2):
        revision = Revision.objects.create(
            photo=photo, number=number, author=users.retoucher, recipe={}, recipe_sha256="x"
        )
        Render.objects.create(
            revision=revision, state=RenderState.DONE, tiles=f"r/{number}.dzi", finished_at=timezone.now()
        )
        revisions.append(revision)
    Flag.objects.create(
        photo=photo, revision=revisions[0], reason="clipped_prong", note="prong", pins=[{"x": 3, "y": 4}],
        created_by=users.reviewer,
    )
    Photo.objects.filter(pk=photo.pk).update(current_revision=revisions[1])
    response = browsers.reviewer.get(f"/photos/{photo.pk}/review/")
    config = config_of(response)
    assert [layer["key"] for layer in config["layers"]] == ["cutout", "r1", "r2"]
    assert (config["current"], config["flagged"]) == ("r2", "r1")
    assert config["layers"][2]["tiles"] == f"/api/photos/{photo.pk}/tiles/r2.dzi"
    flag = config["flags"][0]
    assert (flag["reason"], flag["note"], flag["pins"], flag["revision"], flag["open"]) == (
        "Clipped prong", "prong", [{"x": 3, "y": 4}], 1, True
    )
    html = response.content.decode()
    assert '<option value="r1">Revision 1 (flagged)</option>' in html
    assert '<option value="r2">' not in html  # the current result is not its own reference
    assert "Re-review: compare with <strong>Revision 1</strong>" in html


def test_a_render_without_tiles_is_offered_as_its_full_resolution_png(browsers, make_photo, users):
    photo = prepared(make_photo())
    revision = Revision.objects.create(photo=photo, number=1, author=users.retoucher, recipe={}, recipe_sha256="x")
    render = Render.objects.create(revision=revision, state=RenderState.DONE, final="f.png", finished_at=timezone.now())
    Photo.objects.filter(pk=photo.pk).update(current_revision=revision)
    layer = config_of(browsers.reviewer.get(f"/photos/{photo.pk}/review/"))["layers"][1]
    assert layer == {"key": "r1", "label": "Revision 1", "tiles": None, "image": f"/api/renders/{render.pk}/final.png"}


def test_detections_are_listed(browsers, make_photo):
    photo = prepared(make_photo(width=100, height=80))
    box = {"x0": 10, "y0": 10, "x1": 30, "y1": 40}
    Photo.objects.filter(pk=photo.pk).update(detections=[{"box": box, "kind": "clipped_prong", "confidence": 0.87}])
    response = browsers.reviewer.get(f"/photos/{photo.pk}/review/")
    assert (
        'data-detection="0" data-kind="clipped_prong"><span class="visually-hidden">Region A: </span>'
        "Clipped prong · 0.87</button>"
    ) in response.content.decode()
    assert config_of(response)["detections"] == [
        {"box": {"x0": 10.0, "y0": 10.0, "x1": 30.0, "y1": 40.0}, "kind": "clipped_prong", "confidence": 0.87}
    ]


def test_without_detections_the_page_says_none(browsers, make_photo):
    photo = prepared(make_photo())
    html = browsers.reviewer.get(f"/photos/{photo.pk}/review/").content.decode()
    assert "None: detection has not found anything" in html


def test_a_photo_someone_else_is_reviewing_says_so(browsers, make_photo, users):
    photo = prepared(make_photo())
    Photo.objects.filter(pk=photo.pk).update(
        review_holder=users.manager, review_lease_until=timezone.now() + timedelta(minutes=3)
    )
    html = browsers.reviewer.get(f"/photos/{photo.pk}/review/").content.decode()
    assert re.search(r"mona is reviewing this photo \(until \d\d:\d\d\)", html)
    assert "is reviewing this photo" not in browsers.manager.get(f"/photos/{photo.pk}/review/").content.decode()


def test_a_decided_photo_offers_no_decision(browsers, make_photo):
    photo = prepared(make_photo(status="approved"))
    config = config_of(browsers.reviewer.get(f"/photos/{photo.pk}/review/"))
    assert config["can"] == {"approve": False, "flag": False, "autofix": False}
    # A and F pressed anyway: the page says why instead of doing nothing.
    assert config["refusals"] == {
        "approve": "This photo is approved; it can't be approved (only photos that need review can).",
        "flag": "This photo is approved; it can't be flagged (only photos that need review can).",
    }


def test_a_reopened_photo_says_why_beside_its_buttons_and_on_its_re_review(browsers, make_photo, users, recipe):
    """While reopened, Approve and Flag are off and the panel says why; once the retoucher sends it
    back, the reviewer sees who reopened it and why, and whether anything was saved since."""
    from jewelreview.repairs.services import revision_create
    from jewelreview.reviews.services import photo_approve, photo_claim, photo_reopen, photo_submit

    photo = prepared(make_photo(status="approved"))
    photo_reopen(photo=photo, actor=users.manager, note="Chain missing on the left")
    html = browsers.reviewer.get(f"/photos/{photo.pk}/review/").content.decode()
    assert "can be approved or flagged once it is back in review" in html
    assert re.search(r'id="reopen-notice">mona reopened this approved photo on \w+ \d+, \d\d:\d\d: '
                     r"Chain missing on the left\. No new revision since\.</p>", html), html
    photo.refresh_from_db()
    photo_claim(photo=photo, actor=users.retoucher)
    revision_create(photo=photo, author=users.retoucher, recipe=recipe, base_revision=None)
    photo_submit(photo=photo, actor=users.retoucher)
    html = browsers.reviewer.get(f"/photos/{photo.pk}/review/").content.decode()
    assert "Chain missing on the left" in html and "No new revision since" not in html
    assert 'id="decision-note"' not in html  # it waits for review: the buttons work
    photo_approve(photo=photo, actor=users.reviewer)
    html = browsers.reviewer.get(f"/photos/{photo.pk}/review/").content.decode()
    assert "Chain missing" not in html  # decided since: history


def test_a_photo_still_being_prepared_says_so(browsers, make_photo):
    photo = make_photo(status="new")
    response = browsers.reviewer.get(f"/photos/{photo.pk}/review/")
    assert config_of(response)["current"] is None
    assert "The previews and tiles are still being made." in response.content.decode()


def test_the_queue_filters_carry_over_to_next(browsers, make_photo):
    photo = prepared(make_photo(sku="RING-1"))
    config = config_of(browsers.reviewer.get(f"/photos/{photo.pk}/review/?batch={photo.batch_id}&sku=RING-1"))
    assert config["queue"] == {
        "batch": photo.batch_id,
        "sku": "RING-1",
        "flow": False,
        "lease": False,
        "lease_seconds": 600,
    }
    assert config["urls"]["query"] == f"batch={photo.batch_id}&sku=RING-1"
    assert config["urls"]["queue"] == f"/queue/?batch={photo.batch_id}&sku=RING-1"


def test_a_missing_photo_is_404(browsers):
    assert browsers.reviewer.get("/photos/999999/review/").status_code == 404


@pytest.mark.parametrize(("role", "status"), [("retoucher", 403), ("nobody", 403), ("manager", 200)])
def test_who_may_open_the_review_screen(browsers, make_photo, role, status):
    photo = prepared(make_photo())
    assert getattr(browsers, role).get(f"/photos/{photo.pk}/review/").status_code == status


def test_the_review_screen_needs_sign_in(browsers, make_photo):
    photo = make_photo()
    response = browsers.anonymous.get(f"/photos/{photo.pk}/review/")
    assert response.status_code == 302 and response.url.startswith("/login/?next=")


def test_only_the_queue_flow_leases_and_renews(browsers, make_photo):
    photo = prepared(make_photo())
    browsing = config_of(browsers.manager.get(f"/photos/{photo.pk}/review/"))
    assert (browsing["queue"]["flow"], browsing["queue"]["lease"]) == (False, False)
    flow = config_of(browsers.reviewer.get(f"/photos/{photo.pk}/review/?from=queue"))
    assert (flow["queue"]["flow"], flow["queue"]["lease"], flow["queue"]["lease_seconds"]) == (True, True, 600)
    assert flow["urls"]["renew"] == "/api/queue/renew/"
    assert flow["urls"]["release"] == "/api/queue/release/"
    assert flow["urls"]["query"] == ""  # the script adds from=queue to the next photo's URL itself
    assert Photo.objects.get(pk=photo.pk).review_holder_id is None  # the page leases through the API


def test_a_decided_photo_in_the_queue_flow_leases_nothing(browsers, make_photo):
    photo = prepared(make_photo(status="approved"))
    config = config_of(browsers.reviewer.get(f"/photos/{photo.pk}/review/?from=queue"))
    assert (config["queue"]["flow"], config["queue"]["lease"]) == (True, False)


def test_damage_extent_reads_in_whole_percents_from_10_once_rounded():
    """0.0996 read "10.0 %": the format was chosen before rounding (9.96 < 10, one decimal)."""
    from jewelreview.pages.templatetags.regions import extent_percent

    values = (None, 0, 0.0004, 0.000496, 0.0005, 0.024, 0.09949, 0.0995, 0.0996, 0.1234, 0.9996, 1)
    assert [extent_percent(x) for x in values] == [
        "", "0 %", "< 0.1 %", "< 0.1 %", "0.1 %", "2.4 %", "9.9 %", "10 %", "10 %", "12 %", "100 %", "100 %"
    ]


def test_region_letters_count_as_the_viewer_and_an_ol_type_a_do():
    from jewelreview.pages.templatetags.regions import region_letter

    assert [region_letter(n) for n in (1, 2, 26, 27, 28, 52, 53, 702, 703)] == [
        "A", "B", "Z", "AA", "AB", "AZ", "BA", "ZZ", "AAA"
    ]
