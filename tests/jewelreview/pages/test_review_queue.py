"""/queue/: the reviewer's queue (filters, risk-then-age order, counts per status, a fixed number of
queries whatever the page size) and its "next photo" button."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from jewelreview.catalog.models import Photo

pytestmark = pytest.mark.django_db


def rows(html: str) -> list[str]:
    """The queue table's photos, as "SKU · view", in order (each name isolated for bidi text)."""
    cells = re.findall(r'<th scope="row"[^>]*><a href="/photos/\d+/review/[^"]*"[^>]*>(.+?)</a></th>', html)
    return [re.sub(r"</?bdi>", "", cell) for cell in cells]


def tab_counts(html: str) -> dict[str, int]:
    nav = html.split('aria-label="Photos per status"', 1)[1].split("</nav>", 1)[0]
    found = re.findall(r'>([^<>]+) <span class="count">(\d+)</span>', nav)
    return {label.strip(): int(count) for label, count in found}


def aged(photo, minutes):
    Photo.objects.filter(pk=photo.pk).update(created_at=timezone.now() - timedelta(minutes=minutes))
    return photo


def test_a_reviewer_starts_on_the_queue(browsers):
    response = browsers.reviewer.get("/")
    assert response.status_code == 302 and response.url == "/queue/"


def test_the_queue_lists_waiting_photos_oldest_first_until_detection_scores_them(browsers, make_photo):
    aged(make_photo(sku="B", view="new"), 1)
    aged(make_photo(sku="A", view="old"), 90)
    make_photo(sku="C", view="done", status="approved")
    html = browsers.reviewer.get("/queue/").content.decode()
    assert rows(html) == ["A · old", "B · new"]
    assert (
        "2 photos, highest risk first (once detection has scored them; equal risks by how much of the photo "
        "the regions cover), then oldest." in html
    )


def test_scored_photos_come_first_by_risk(browsers, make_photo):
    aged(make_photo(sku="OLD", view="unscored"), 120)
    low, high = make_photo(sku="LOW", view="v"), make_photo(sku="HIGH", view="v")
    Photo.objects.filter(pk=low.pk).update(risk=0.25)
    Photo.objects.filter(pk=high.pk).update(risk=0.75)
    html = browsers.reviewer.get("/queue/").content.decode()
    assert rows(html) == ["HIGH · v", "LOW · v", "OLD · unscored"]
    assert ">0.75<" in html and "not scored" in html


def test_equal_risks_come_by_how_much_of_the_photo_the_regions_cover(browsers, make_photo):
    """Risk saturates at 1.00 on damaged photos; the share the regions cover tells them apart."""
    region = {"box": {"x0": 0, "y0": 0, "x1": 8, "y1": 6}, "kind": "halo", "confidence": 1.0}
    small = aged(make_photo(sku="SMALL", view="v"), 90)  # older: came first on age alone
    large = make_photo(sku="LARGE", view="v")
    Photo.objects.filter(pk=small.pk).update(risk=1.0, damage_extent=0.0004, detections=[region])
    Photo.objects.filter(pk=large.pk).update(risk=1.0, damage_extent=0.156, detections=[region, region])
    html = browsers.reviewer.get("/queue/").content.decode()
    assert rows(html) == ["LARGE · v", "SMALL · v"]
    assert ">2 regions · 16 %</span>" in html and ">1 region · &lt; 0.1 %</span>" in html


def test_risks_that_read_the_same_are_equal_in_the_order(browsers, make_photo):
    """0.996 reads "1.00": it is not put after every 1.000 when more of the photo is damaged."""
    full = aged(make_photo(sku="FULL", view="v"), 90)
    nearly = make_photo(sku="NEARLY", view="v")
    Photo.objects.filter(pk=full.pk).update(risk=1.0, damage_extent=0.01)
    Photo.objects.filter(pk=nearly.pk).update(risk=0.996, damage_extent=0.3)
    html = browsers.reviewer.get("/queue/").content.decode()
    assert rows(html) == ["NEARLY · v", "FULL · v"]
    assert html.count(">1.00<") == 2


def test_counts_per_status_follow_the_other_filters(browsers, make_photo):
    for status in ("needs_review", "needs_review", "approved", "flagged"):
        make_photo(status=status, batch="launch")
    make_photo(status="needs_review", batch="other")
    counts = tab_counts(browsers.reviewer.get("/queue/").content.decode())
    assert counts == {
        "New": 0,
        "Needs review": 3,
        "Approved": 1,
        "Flagged": 1,
        "In repair": 0,
        "Reopened": 0,
        "Reshoot": 0,
        "All": 5,
    }
    launch = Photo.objects.filter(batch__name="launch").first().batch_id
    counts = tab_counts(browsers.reviewer.get(f"/queue/?batch={launch}").content.decode())
    assert (counts["Needs review"], counts["All"]) == (2, 4)


def test_filters_by_batch_sku_status_and_assignee(browsers, make_photo, users):
    make_photo(sku="RING-1", view="a", batch="launch")
    make_photo(sku="RING-2", view="b", batch="launch")
    make_photo(sku="RING-1", view="c", batch="other")
    make_photo(sku="RING-1", view="d", batch="launch", status="in_repair", assignee=users.retoucher)
    launch = Photo.objects.get(view="a").batch_id
    get = browsers.reviewer.get
    assert rows(get(f"/queue/?batch={launch}").content.decode()) == ["RING-1 · a", "RING-2 · b"]
    assert rows(get("/queue/?sku=RING-1").content.decode()) == ["RING-1 · a", "RING-1 · c"]
    assert rows(get("/queue/?status=in_repair").content.decode()) == ["RING-1 · d"]
    assert rows(get("/queue/?status=all&assignee=tom").content.decode()) == ["RING-1 · d"]
    assert len(rows(get("/queue/?status=all").content.decode())) == 4


def test_a_repeated_status_means_any_of_them_as_on_the_api(browsers, make_photo):
    """``?status=flagged&status=approved`` kept the last (approved only); the API means any of them."""
    for view, status in (("a", "flagged"), ("b", "approved"), ("c", "needs_review"), ("d", "reopened")):
        make_photo(sku="RING", view=view, status=status)
    get = browsers.reviewer.get
    both = get("/queue/?status=flagged&status=approved&page_size=1").content.decode()
    assert re.search(r"^\s*2 photos, highest risk first", both, re.M)
    listed = rows(both) + rows(get("/queue/?status=flagged&status=approved&page_size=1&page=2").content.decode())
    assert sorted(listed) == ["RING · a", "RING · b"]
    # The select shows both (a list box while several are chosen) and the pages keep both.
    select = re.search(r'<select name="status"[^>]*>.*?</select>', both, re.S).group(0)
    assert "multiple" in select.split(">", 1)[0]
    assert re.findall(r'<option value="(\w+)" selected>', select) == ["approved", "flagged"]
    assert 'href="?status=flagged&amp;status=approved&amp;page_size=1&amp;page=2"' in both
    assert 'aria-current="page"' not in both.split('aria-label="Photos per status"', 1)[1].split("</nav>", 1)[0]
    assert len(rows(get("/queue/?status=flagged&status=all").content.decode())) == 4  # any of everything
    single = get("/queue/?status=flagged").content.decode()
    assert rows(single) == ["RING · a"]
    assert '<select name="status" id="id_status">' in single  # one status: the usual select


def test_a_bad_page_size_names_its_bounds(browsers, make_photo):
    make_photo()
    for value in ("abc", "0", "201", "2.5"):
        html = browsers.reviewer.get(f"/queue/?page_size={value}").content.decode()
        assert "Rows per page: enter a whole number from 1 to 200." in html, value
        assert "Enter a whole number." not in html
        assert len(rows(html)) == 1  # the default size applies meanwhile


def test_links_keep_the_queues_batch_and_sku_for_next(browsers, make_photo):
    photo = make_photo(sku="RING-1", batch="launch")
    html = browsers.reviewer.get(f"/queue/?batch={photo.batch_id}&sku=RING-1").content.decode()
    assert f'href="/photos/{photo.pk}/review/?batch={photo.batch_id}&amp;sku=RING-1"' in html
    assert f'<input type="hidden" name="batch" value="{photo.batch_id}">' in html
    assert '<input type="hidden" name="sku" value="RING-1">' in html


def test_an_invalid_filter_is_shown_and_the_others_still_apply(browsers, make_photo):
    make_photo(sku="RING-1", view="a")
    make_photo(sku="RING-2", view="b")
    response = browsers.reviewer.get("/queue/?status=bogus&sku=RING-2")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Select a valid choice. bogus is not one of the available choices." in html
    assert rows(html) == ["RING-2 · b"]
    # Given with a good one, the bad status is reported and the good one still filters.
    make_photo(sku="RING-3", view="c", status="flagged")
    mixed = browsers.reviewer.get("/queue/?status=bogus&status=flagged").content.decode()
    assert "Select a valid choice. bogus is not one of the available choices." in mixed
    assert rows(mixed) == ["RING-3 · c"] and '<option value="flagged" selected>' in mixed


def selected_statuses(html: str) -> list[str]:
    """The options selected in the status select, by value."""
    select = re.search(r'<select name="status"[^>]*>.*?</select>', html, re.S).group(0)
    return re.findall(r'<option value="(\w*)" selected>', select)


def test_a_blank_or_bad_status_means_the_default_and_the_select_shows_it(browsers, make_photo):
    """``?status=`` read "Select a valid choice.  is not one of the available choices."; with
    ``?status=bogus`` the queue showed photos waiting for review while no option was selected (the
    browser showed the first, "New")."""
    make_photo(sku="RING-1", view="a")
    make_photo(sku="RING-2", view="b", status="flagged")
    blank = browsers.reviewer.get("/queue/?status=").content.decode()
    assert "Select a valid choice" not in blank and 'class="errorlist"' not in blank
    assert rows(blank) == ["RING-1 · a"] and selected_statuses(blank) == ["needs_review"]
    bogus = browsers.reviewer.get("/queue/?status=bogus").content.decode()
    assert "Select a valid choice. bogus is not one of the available choices." in bogus
    assert rows(bogus) == ["RING-1 · a"] and selected_statuses(bogus) == ["needs_review"]
    # Blank with a good one: the good one filters, alone selected.
    flagged = browsers.reviewer.get("/queue/?status=&status=flagged").content.decode()
    assert 'class="errorlist"' not in flagged
    assert rows(flagged) == ["RING-2 · b"] and selected_statuses(flagged) == ["flagged"]


def test_the_queue_shows_who_is_reviewing_what(browsers, make_photo, users):
    mine, theirs = make_photo(sku="MINE", view="v"), make_photo(sku="THEIRS", view="v")
    until = timezone.now() + timedelta(minutes=5)
    Photo.objects.filter(pk=mine.pk).update(review_holder=users.reviewer, review_lease_until=until)
    Photo.objects.filter(pk=theirs.pk).update(review_holder=users.manager, review_lease_until=until)
    html = browsers.reviewer.get("/queue/").content.decode()
    assert re.search(r"<td>you <span class=\"muted\">until \d\d:\d\d</span></td>", html)
    assert re.search(r"<td>mona <span class=\"muted\">until \d\d:\d\d</span></td>", html)


def test_htmx_gets_only_the_results_except_when_restoring_history(browsers, make_photo):
    make_photo()
    html = browsers.reviewer.get("/queue/", HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in html and 'class="queue-table"' in html and 'class="queue-filters"' in html
    restored = browsers.reviewer.get("/queue/", HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true")
    assert "<html" in restored.content.decode()


def test_pages_of_the_queue(browsers, make_photo):
    for n in range(7):
        aged(make_photo(sku=f"S{n}", view="v"), 100 - n)
    html = browsers.reviewer.get("/queue/?page_size=3&page=2").content.decode()
    assert rows(html) == ["S3 · v", "S4 · v", "S5 · v"]
    assert 'href="?page_size=3&amp;page=3" rel="next"' in html and 'href="?page_size=3&amp;page=1" rel="prev"' in html


@pytest.mark.parametrize("photos", [5, 50])
def test_the_queue_page_makes_a_fixed_number_of_queries_whatever_the_page_size(
    browsers, make_photo, users, django_assert_num_queries, photos
):
    for n in range(photos):
        photo = make_photo(sku=f"S{n % 7}", view=f"v{n}", batch=f"b{n % 3}")
        Photo.objects.filter(pk=photo.pk).update(
            assignee=users.retoucher if n % 2 else None,
            review_holder=users.manager if n % 3 == 0 else None,
            review_lease_until=timezone.now() + timedelta(minutes=5),
        )
    browsers.reviewer.get("/queue/")  # warm the session
    # session, user, the user's roles, batches and assignees for the filters, counts, page count, page.
    with django_assert_num_queries(8):
        response = browsers.reviewer.get(f"/queue/?status=all&page_size={photos}")
    assert len(rows(response.content.decode())) == photos


def test_next_leases_a_photo_and_opens_its_review_screen(browsers, make_photo, users):
    aged(make_photo(batch="launch", sku="RING-1"), 30)
    wanted = aged(make_photo(batch="launch", sku="RING-1"), 10)
    held_until = timezone.now() + timedelta(minutes=5)
    Photo.objects.exclude(pk=wanted.pk).update(review_holder=users.manager, review_lease_until=held_until)
    response = browsers.reviewer.post("/queue/next/", {"batch": wanted.batch_id, "sku": "RING-1"})
    assert response.status_code == 302
    # ``from=queue``: the review page was reached through the queue flow, so it leases (and renews).
    assert response.url == f"/photos/{wanted.pk}/review/?batch={wanted.batch_id}&sku=RING-1&from=queue"
    assert Photo.objects.get(pk=wanted.pk).review_holder_id == users.reviewer.pk


def test_next_with_nothing_left_returns_to_the_queue_saying_so(browsers, make_photo):
    make_photo(status="approved")
    response = browsers.reviewer.post("/queue/next/", follow=True)
    assert response.redirect_chain == [("/queue/", 302)]
    assert "Nothing is waiting for review here" in response.content.decode()


def test_next_is_a_post(browsers):
    assert browsers.reviewer.get("/queue/next/").status_code == 405


@pytest.mark.parametrize("role", ["retoucher", "nobody"])
def test_other_roles_may_not_use_the_queue(browsers, make_photo, role):
    photo = make_photo()
    client = getattr(browsers, role)
    assert client.get("/queue/").status_code == 403
    assert client.post("/queue/next/").status_code == 403
    assert Photo.objects.get(pk=photo.pk).review_holder_id is None


def test_the_queue_needs_sign_in(browsers):
    assert browsers.anonymous.get("/queue/").url == "/login/?next=/queue/"


def test_reviewers_see_the_queue_in_the_header_and_retouchers_do_not(browsers):
    assert 'href="/queue/"' in browsers.reviewer.get("/home/").content.decode()
    assert 'href="/queue/"' not in browsers.retoucher.get("/home/").content.decode()


def test_waiting_counts_from_the_photos_last_status_change_as_on_the_dashboard(browsers, make_photo):
    photo = make_photo(status="flagged")
    long_ago = timezone.now() - timedelta(days=3)
    Photo.objects.filter(pk=photo.pk).update(created_at=long_ago, status_since=timezone.now() - timedelta(minutes=10))
    html = browsers.reviewer.get("/queue/?status=flagged").content.decode()
    row = next(r for r in html.split("<tr>") if f'/photos/{photo.pk}/review/' in r)
    assert "10\xa0minutes" in row and "days" not in row
