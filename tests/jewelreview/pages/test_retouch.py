"""/retouch/: the retoucher's photos and flagged photos to claim, with reasons, notes and pins."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone

from jewelreview.catalog.models import Photo
from jewelreview.pages.pin_marks import pin_marks
from jewelreview.repairs.models import Revision
from jewelreview.reviews.models import Event, Flag
from jewelreview.reviews.services import photo_claim, photo_flag

pytestmark = pytest.mark.django_db


def card(html: str, photo_id: int) -> str:
    match = re.search(rf'<article class="work-card" id="photo-{photo_id}".*?</article>', html, re.S)
    assert match, f"no card for photo {photo_id}"
    return match.group(0)


def section(html: str, heading_id: str) -> str:
    match = re.search(rf'<section class="work-section" aria-labelledby="{heading_id}">.*?</section>', html, re.S)
    return match.group(0) if match else ""


def test_pin_marks_number_pins_across_flags():
    class F:
        def __init__(self, pk, pins):
            self.pk, self.pins = pk, pins

    marks, numbers = pin_marks(
        flags=[F(7, [{"x": 10, "y": 20}]), F(8, []), F(9, [{"x0": 1, "y0": 2, "x1": 31, "y1": 12}, {"x": 5, "y": 5}])],
        width=400,
        height=300,
    )
    assert numbers == {7: [1], 8: [], 9: [2, 3]}
    assert [(m.number, m.kind, m.x, m.y, m.w, m.h) for m in marks] == [
        (1, "point", 10, 20, 0, 0),
        (2, "region", 1, 2, 30, 10),
        (3, "point", 5, 5, 0, 0),
    ]
    assert marks[0].r == 16.0  # 4 % of the long side
    assert pin_marks(flags=[F(1, [{"x": 1, "y": 1}])], width=20, height=10)[0][0].r == 1.0  # at least 1 px


def test_pins_at_one_spot_share_one_label_on_the_thumbnail(browsers, make_photo, users):
    """QA: two pins at one spot printed "2" under "3". They share "2,3"; a pin farther than a
    number's size keeps its own label."""

    class F:
        def __init__(self, pk, pins):
            self.pk, self.pins = pk, pins

    flags = [F(1, [{"x": 300, "y": 300}, {"x0": 300, "y0": 300, "x1": 340, "y1": 330}]), F(2, [{"x": 305, "y": 306}])]
    marks, _ = pin_marks(flags=flags + [F(3, [{"x": 100, "y": 100}])], width=800, height=600)  # r = 32
    assert [(m.number, m.label) for m in marks] == [(1, "1,2,3"), (2, ""), (3, ""), (4, "4")]
    assert (marks[0].font, marks[3].font) == (14.1, 32.0)  # 5 characters fit their 32 px disc

    photo = make_photo(sku="RING-8", view="front", width=400, height=300)
    photo_flag(photo=photo, actor=users.reviewer, reason="halo", pins=[{"x": 200, "y": 150}, {"x": 200, "y": 150}])
    html = card(browsers.retoucher.get("/retouch/").content.decode(), photo.pk)
    assert re.findall(r"<text [^>]*>([^<]*)</text>", html) == ["1,2"]
    assert html.count('class="pin pin-point pin-labelled"') == 1  # the one whose disc carries it
    assert html.count('<circle cx="200" cy="150"') == 2  # both rings drawn


def test_retoucher_sees_flags_notes_and_pins(browsers, make_photo, users):
    photo = make_photo(sku="RING-7", view="front", width=400, height=300)
    photo_flag(
        photo=photo,
        actor=users.reviewer,
        reason="clipped_prong",
        note="right prong cut off",
        pins=[{"x": 120, "y": 80}, {"x0": 200, "y0": 100, "x1": 260, "y1": 140}],
    )
    response = browsers.retoucher.get("/retouch/")
    assert response.status_code == 200
    html = card(response.content.decode(), photo.pk)
    assert "Clipped prong" in html and "right prong cut off" in html and "flagged by rita" in html
    assert "pins 1, 2" in html
    assert 'viewBox="0 0 400 300"' in html and 'aria-label="2 pins on the photo"' in html
    assert '<circle cx="120" cy="80" r="16"' in html
    assert '<rect x="200" y="100" width="60" height="40"' in html
    assert f'action="/retouch/{photo.pk}/claim/"' in html and ">Claim<" in html
    assert "/edit/" not in html  # the editor link comes with a claim
    assert "style=" not in response.content.decode()


def test_sections_claimed_assigned_available(browsers, make_photo, users):
    mine = make_photo(status="flagged")
    photo_claim(photo=mine, actor=users.retoucher)
    assigned = make_photo(status="flagged", assignee=users.retoucher)
    free = make_photo(status="flagged")
    reopened = make_photo(status="reopened")
    make_photo(status="flagged", assignee=users.retoucher2)  # someone else's
    make_photo(status="in_repair", assignee=users.retoucher2)
    html = browsers.retoucher.get("/retouch/").content.decode()
    claimed_html, assigned_html = section(html, "claimed-heading"), section(html, "assigned-heading")
    available_html = section(html, "available-heading")
    assert f'id="photo-{mine.pk}"' in claimed_html and 'Claimed by you <span class="section-count">(1)' in claimed_html
    assert f'href="/photos/{mine.pk}/edit/"' in claimed_html
    assert "Save a revision in the editor to submit it." in claimed_html
    assert f'action="/retouch/{mine.pk}/release/"' in claimed_html
    assert f'id="photo-{assigned.pk}"' in assigned_html
    assert re.findall(r'id="photo-(\d+)"', available_html) == [str(free.pk), str(reopened.pk)]
    assert "a manager reopened this approved photo" in available_html


def test_photos_assigned_before_review_are_listed_as_coming_and_move_up_when_flagged(browsers, make_photo, users):
    """QA: a manager assigned a photo in review to a retoucher ("1 photo reassigned") and it showed
    nowhere on their My work. It is listed, with nothing to claim yet, and once a reviewer flags it
    (the assignee stays) it is theirs to claim."""
    waiting = make_photo(status="needs_review", assignee=users.retoucher)
    fresh = make_photo(status="new", assignee=users.retoucher)
    make_photo(status="needs_review", assignee=users.retoucher2)  # someone else's
    make_photo(status="approved", assignee=users.retoucher)  # done: not work
    html = browsers.retoucher.get("/retouch/").content.decode()
    upcoming = section(html, "upcoming-heading")
    assert 'Assigned to you, still in review <span class="section-count">(2)' in upcoming
    assert re.findall(r'id="photo-(\d+)"', upcoming) == [str(waiting.pk), str(fresh.pk)]
    assert "In review: nothing to claim unless a reviewer flags it." in card(upcoming, waiting.pk)
    assert "/claim/" not in upcoming
    assert section(html, "assigned-heading") == ""

    photo_flag(photo=waiting, actor=users.reviewer, reason="halo")
    html = browsers.retoucher.get("/retouch/").content.decode()
    assert f'action="/retouch/{waiting.pk}/claim/"' in card(section(html, "assigned-heading"), waiting.pk)
    assert re.findall(r'id="photo-(\d+)"', section(html, "upcoming-heading")) == [str(fresh.pk)]


def test_a_reopened_photos_card_says_who_reopened_it_and_why_also_once_claimed(browsers, make_photo, users):
    from jewelreview.reviews.services import photo_reopen

    photo = make_photo(status="approved")
    photo_reopen(photo=photo, actor=users.manager, note="Customer complaint: the clasp is cut off")
    html = card(browsers.retoucher.get("/retouch/").content.decode(), photo.pk)
    assert f"No open flags: {users.manager.get_username()} reopened this approved photo:" in html
    assert "Customer complaint: the clasp is cut off" in html
    photo.refresh_from_db()
    photo_claim(photo=photo, actor=users.retoucher)
    html = card(browsers.retoucher.get("/retouch/").content.decode(), photo.pk)
    assert "Customer complaint: the clasp is cut off" in html


def test_an_old_reopen_note_is_not_shown_after_a_later_review_decision(browsers, make_photo, users, recipe):
    """Reopened with a note, repaired, flagged again, claimed, and its flag resolved by a manager:
    the card has no open flags, and the months-old reopen note is not why the photo is here now."""
    from jewelreview.repairs.services import revision_create
    from jewelreview.reviews.services import flag_resolve, photo_flag, photo_reopen, photo_submit

    photo = make_photo(status="approved")
    photo_reopen(photo=photo, actor=users.manager, note="Customer complaint: the clasp is cut off")
    photo.refresh_from_db()
    photo_claim(photo=photo, actor=users.retoucher)
    revision_create(photo=photo, author=users.retoucher, recipe=recipe, base_revision=None)
    photo_submit(photo=photo, actor=users.retoucher)
    photo_flag(photo=photo, actor=users.reviewer, reason="halo", note="fringe")
    assert "Customer complaint" not in card(browsers.retoucher.get("/retouch/").content.decode(), photo.pk)
    photo.refresh_from_db()
    photo_claim(photo=photo, actor=users.retoucher)
    flag_resolve(flag=photo.flags.get(), actor=users.manager)
    html = card(browsers.retoucher.get("/retouch/").content.decode(), photo.pk)
    assert "No open flags." in html and "Customer complaint" not in html and "reopened" not in html


def test_submitting_nothing_new_is_said_and_asked_first(browsers, make_photo, users, recipe):
    """A card whose Submit would send back what the reviewer flagged, or what a manager reopened,
    says so and its form asks first (data-confirm, confirm_forms.js); after a new revision, neither."""
    from jewelreview.repairs.services import revision_create
    from jewelreview.reviews.services import photo_approve, photo_flag, photo_reopen, photo_submit

    photo = make_photo(status="in_repair", assignee=users.retoucher)
    first = revision_create(photo=photo, author=users.retoucher, recipe=recipe, base_revision=None)
    photo_submit(photo=photo, actor=users.retoucher)
    photo_flag(photo=photo, actor=users.reviewer, reason="halo", note="fringe")
    photo.refresh_from_db()
    photo_claim(photo=photo, actor=users.retoucher)
    html = card(browsers.retoucher.get("/retouch/").content.decode(), photo.pk)
    assert 'data-confirm="No new revision since the flag. Send it back to review unchanged?"' in html
    assert '<p class="work-warning">No new revision since the flag.</p>' in html
    assert "js/retouch/confirm_forms.js" in browsers.retoucher.get("/retouch/").content.decode()

    other = {"ops": [{"op": "refine", "contrast": 20}]}
    revision_create(photo=photo, author=users.retoucher, recipe=other, base_revision=first.pk)
    html = card(browsers.retoucher.get("/retouch/").content.decode(), photo.pk)
    assert "data-confirm" not in html and "work-warning" not in html

    photo_submit(photo=photo, actor=users.retoucher)
    photo_approve(photo=photo, actor=users.reviewer)
    photo_reopen(photo=photo, actor=users.manager, note="the clasp")
    photo.refresh_from_db()
    photo_claim(photo=photo, actor=users.retoucher)
    html = card(browsers.retoucher.get("/retouch/").content.decode(), photo.pk)
    assert 'data-confirm="No new revision since it was reopened. Send it back to review unchanged?"' in html


def test_edits_the_editor_keeps_unsaved_are_said_on_the_card_and_submit_asks_first(browsers, make_photo, users, recipe):
    """QA: My work's Submit sent the last saved revision while the editor kept newer edits, and said
    nothing (the editor's own Submit refuses then). Another person's draft says nothing here."""
    from datetime import UTC, datetime

    from jewelreview.editor.services import draft_save
    from jewelreview.repairs.services import revision_create

    photo = make_photo(status="in_repair", assignee=users.retoucher)
    first = revision_create(photo=photo, author=users.retoucher, recipe=recipe, base_revision=None)
    draft_save(photo=photo, author=users.manager, document={"ops": []}, base_revision=first.pk,
               saved_at=datetime(2026, 11, 30, 14, 20, tzinfo=UTC))
    html = card(browsers.retoucher.get("/retouch/").content.decode(), photo.pk)
    assert "data-confirm" not in html and "work-warning" not in html

    draft_save(photo=photo, author=users.retoucher, document={"ops": [{"op": "refine", "shift_edge": 40}]},
               base_revision=first.pk, saved_at=datetime(2026, 11, 30, 14, 31, tzinfo=UTC))
    html = card(browsers.retoucher.get("/retouch/").content.decode(), photo.pk)
    said = "The editor keeps edits of yours from Nov 30, 14:31 that revision r1 does not hold (not saved, or saved aside after a conflict): Submit sends r1 without them."
    assert f'data-confirm="{said} Send it to review without them?"' in html
    assert f'<p class="work-warning">{said} <a href="/photos/{photo.pk}/edit/">Open the editor to save them.</a></p>' in html

    revision_create(photo=photo, author=users.retoucher, recipe={"ops": [{"op": "refine", "shift_edge": 40}]},
                    base_revision=first.pk)  # saving drops the draft
    html = card(browsers.retoucher.get("/retouch/").content.decode(), photo.pk)
    assert "data-confirm" not in html and "work-warning" not in html


def test_claim_then_submit_with_a_revision(browsers, make_photo, users):
    photo = make_photo(status="flagged")
    response = browsers.retoucher.post(f"/retouch/{photo.pk}/claim/", {"version": photo.version}, follow=True)
    assert response.redirect_chain == [("/retouch/", 302)]
    assert f"{photo.sku.code} / {photo.view} is yours: open it in the editor." in response.content.decode()
    photo.refresh_from_db()
    assert (photo.status, photo.assignee) == ("in_repair", users.retoucher)

    refused = browsers.retoucher.post(f"/retouch/{photo.pk}/submit/", {"version": photo.version}, follow=True)
    assert "has no revision to submit; save one first." in refused.content.decode()
    assert Photo.objects.get(pk=photo.pk).status == "in_repair"

    revision = Revision.objects.create(photo=photo, number=1, author=users.retoucher, recipe={}, recipe_sha256="0" * 64)
    Photo.objects.filter(pk=photo.pk).update(current_revision=revision)
    page = browsers.retoucher.get("/retouch/").content.decode()
    assert ">Submit for re-review<" in card(page, photo.pk) and "revision r1" in card(page, photo.pk)
    done = browsers.retoucher.post(f"/retouch/{photo.pk}/submit/", {}, follow=True)
    assert "went back to review." in done.content.decode()
    photo.refresh_from_db()
    assert (photo.status, photo.assignee) == ("needs_review", None)
    assert list(Event.objects.filter(photo=photo).values_list("action", flat=True)) == ["claim", "submit"]


def test_refusals_are_messages_not_errors(browsers, make_photo, users):
    someone_elses = make_photo(status="flagged", assignee=users.retoucher2)
    response = browsers.retoucher.post(f"/retouch/{someone_elses.pk}/claim/", {}, follow=True)
    assert response.status_code == 200
    assert "is assigned to tess." in response.content.decode()
    stale = make_photo(status="flagged")
    Photo.objects.filter(pk=stale.pk).update(version=stale.version + 5)  # changed since the page was loaded
    stale_response = browsers.retoucher.post(f"/retouch/{stale.pk}/claim/", {"version": stale.version}, follow=True)
    assert "changed since you loaded it" in stale_response.content.decode()
    assert Photo.objects.get(pk=someone_elses.pk).assignee == users.retoucher2
    assert Photo.objects.get(pk=stale.pk).status == "flagged"
    assert not Event.objects.exists()


def test_release_gives_the_photo_back(browsers, make_photo, users):
    photo = make_photo(status="in_repair", assignee=users.retoucher)
    Flag.objects.create(photo=photo, reason="halo", created_by=users.reviewer)
    response = browsers.retoucher.post(f"/retouch/{photo.pk}/release/", {}, follow=True)
    photo.refresh_from_db()
    assert (photo.status, photo.assignee) == ("flagged", None)
    assert "went back to the flagged photos" in response.content.decode()


def test_release_with_no_flag_left_open_says_it_went_back_to_review(browsers, make_photo, users):
    photo = make_photo(status="in_repair", assignee=users.retoucher)
    Flag.objects.create(photo=photo, reason="halo", created_by=users.reviewer, resolved_at=timezone.now())
    response = browsers.retoucher.post(f"/retouch/{photo.pk}/release/", {}, follow=True)
    photo.refresh_from_db()
    assert (photo.status, photo.assignee) == ("needs_review", None)
    assert "went back to review: no flag on it is open any more" in response.content.decode()
    assert f'id="photo-{photo.pk}"' not in response.content.decode()  # on no to-claim list


def test_unknown_action_and_photo_are_404(browsers, make_photo):
    photo = make_photo(status="flagged")
    assert browsers.retoucher.post(f"/retouch/{photo.pk}/approve/", {}).status_code == 404
    assert browsers.retoucher.post("/retouch/99999/claim/", {}).status_code == 404
    assert browsers.retoucher.get(f"/retouch/{photo.pk}/claim/").status_code == 405


def test_reviewers_may_not(browsers, make_photo):
    photo = make_photo(status="flagged")
    assert browsers.reviewer.get("/retouch/").status_code == 403
    assert browsers.reviewer.post(f"/retouch/{photo.pk}/claim/", {}).status_code == 403
    assert Photo.objects.get(pk=photo.pk).status == "flagged"


def test_retouchers_start_on_my_work(browsers):
    assert browsers.retoucher.get("/").url == "/retouch/"


def test_query_count_does_not_grow_with_the_page(browsers, make_photo, users, django_assert_num_queries):
    for n in range(60):
        photo = make_photo(sku=f"S-{n:02d}")
        photo_flag(photo=photo, actor=users.reviewer, reason="halo", pins=[{"x": 1, "y": 1}])
    for n in range(3):
        claimed = make_photo(sku=f"M-{n}", status="flagged")
        photo_claim(photo=claimed, actor=users.retoucher)
    browsers.retoucher.get("/retouch/")  # warm-up (content types, session)
    for size in (12, 48):
        # session, user, roles; mine + its flags; available count, page and its flags.
        with django_assert_num_queries(8):
            html = browsers.retoucher.get(f"/retouch/?page_size={size}").content.decode()
        assert len(re.findall(r'<article class="work-card"', html)) == size + 3


def test_the_editors_submit_is_said_on_my_work_once_and_only_to_who_sent_it(browsers, make_photo, users, recipe):
    from jewelreview.repairs.services import revision_create
    from jewelreview.reviews.services import photo_submit

    photo = make_photo(status="in_repair", assignee=users.retoucher)
    revision_create(photo=photo, author=users.retoucher, recipe=recipe, base_revision=None)
    photo_submit(photo=photo, actor=users.retoucher)
    response = browsers.retoucher.get(f"/retouch/?submitted={photo.pk}", follow=True)
    assert response.redirect_chain == [("/retouch/", 302)]
    assert f"{photo.sku.code} / {photo.view} went back to review." in response.content.decode()
    assert "went back to review" not in browsers.retoucher.get("/retouch/").content.decode()  # once
    other = browsers.manager.get(f"/retouch/?submitted={photo.pk}", follow=True)  # not who sent it
    assert "went back to review" not in other.content.decode()
    assert browsers.retoucher.get("/retouch/?submitted=x").status_code == 302  # not a photo id: ignored, clean URL
