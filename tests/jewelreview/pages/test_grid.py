"""/grid/: cutouts on a backdrop, filters, selection values, bulk approve with a per-photo report."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone

from jewelreview import stored_files
from jewelreview.catalog.models import Photo
from jewelreview.reviews.models import Event
from jewelreview.reviews.services import photo_flag

pytestmark = pytest.mark.django_db


def with_preview(photo: Photo) -> Photo:
    name = stored_files.save_new(f"photos/{photo.pk}/run/preview_cutout.webp", b"RIFF-cutout-WEBP")
    Photo.objects.filter(pk=photo.pk).update(preview_cutout=name, prepared_at=timezone.now())
    photo.refresh_from_db()
    return photo


def tiles(html: str) -> list[str]:
    """The checkbox values of the page: ``id:version`` per tile, in order."""
    return re.findall(r'name="photo" value="([0-9:]+)"', html)


def test_grid_shows_photos_waiting_for_review_on_a_checkerboard(browsers, make_photo):
    ring = with_preview(make_photo(sku="RING-1", view="front"))
    no_preview = make_photo(sku="RING-2", view="front")
    make_photo(sku="RING-3", status="approved")
    response = browsers.reviewer.get("/grid/")
    html = response.content.decode()
    assert response.status_code == 200
    assert tiles(html) == [f"{ring.pk}:{ring.version}", f"{no_preview.pk}:{no_preview.version}"]
    stamp = int(ring.prepared_at.timestamp())
    assert f'src="/api/photos/{ring.pk}/thumb.webp?v=c{stamp}"' in html
    assert 'alt="AI cutout of RING-1 front"' in html and 'loading="lazy"' in html
    # Names isolated for bidirectional text: an Arabic SKU's "05-خاتم" is not reordered around its neighbours.
    assert '<strong><bdi>RING-1</bdi></strong> · <bdi>front</bdi>' in html
    assert "No preview yet" in html
    assert 'class="photo-grid backdrop-checkerboard"' in html
    assert "Photos 1–2 of 2" in html
    assert '<option value="48" selected>48</option>' in html  # the select shows the page size applied
    assert 'aria-label="Select RING-1 front"' in html
    assert f'href="/photos/{ring.pk}/review/"' in html
    assert ">Approve selected</button>" in html
    assert 'src="/static/js/grid/grid.js"' in html and "htmx.min.js" in html
    assert "style=" not in html and "<style" not in html  # CSP: no inline styles


def test_grid_filters_like_the_queue(browsers, make_photo):
    spring = make_photo(sku="RING-1", batch="spring")
    make_photo(sku="RING-2", batch="spring")
    summer = make_photo(sku="RING-1", batch="summer", status="approved")
    html = browsers.reviewer.get(f"/grid/?batch={spring.batch_id}&sku=RING-1").content.decode()
    assert tiles(html) == [f"{spring.pk}:{spring.version}"]
    assert f'<option value="{spring.batch_id}" selected>spring</option>' in html
    any_status = browsers.reviewer.get("/grid/?status=&sku=RING-1").content.decode()
    assert [t.split(":")[0] for t in tiles(any_status)] == [str(spring.pk), str(summer.pk)]
    approved = browsers.reviewer.get("/grid/?status=approved").content.decode()
    assert [t.split(":")[0] for t in tiles(approved)] == [str(summer.pk)]


def test_a_repeated_status_means_any_of_them(browsers, make_photo):
    flagged = make_photo(sku="RING-1", status="flagged")
    approved = make_photo(sku="RING-2", status="approved")
    make_photo(sku="RING-3")
    html = browsers.reviewer.get("/grid/?status=flagged&status=approved").content.decode()
    assert [t.split(":")[0] for t in tiles(html)] == [str(flagged.pk), str(approved.pk)]
    assert re.search(r'<select name="status" id="id_status" multiple size="8">', html)
    assert "Approve selected" not in html  # none of them waits for review
    mixed = browsers.reviewer.get("/grid/?status=needs_review&status=flagged").content.decode()
    assert len(tiles(mixed)) == 2 and "Approve selected" in mixed


def test_bad_filters_are_reported_and_ignored(browsers, make_photo):
    photo = make_photo()
    html = browsers.reviewer.get("/grid/?batch=abc&status=nope&page_size=7&backdrop=plaid").content.decode()
    assert tiles(html) == [f"{photo.pk}:{photo.version}"]
    assert html.count('class="errorlist"') == 4
    assert "7 per page is not offered: choose 24, 48, 96, 200." in html
    assert "backdrop-checkerboard" in html


def test_a_blank_or_bad_status_shows_any_status_selected(browsers, make_photo):
    """Blank is the grid's "Any status"; a bad status is reported and the grid shows every status,
    so "Any status" is the option selected (none was: the browser showed the first by chance)."""
    waiting, approved = make_photo(sku="RING-1"), make_photo(sku="RING-2", status="approved")
    for query in ("status=", "status=bogus"):
        html = browsers.reviewer.get(f"/grid/?{query}").content.decode()
        assert [t.split(":")[0] for t in tiles(html)] == [str(waiting.pk), str(approved.pk)], query
        select = re.search(r'<select name="status"[^>]*>.*?</select>', html, re.S).group(0)
        assert re.findall(r"<option [^>]*selected>[^<]*</option>", select) == [
            '<option value="" selected>Any status</option>'
        ], query
        assert ("Select a valid choice. bogus is not one of the available choices." in html) == (query != "status=")


def test_backdrop_and_custom_colour_come_from_the_url(browsers, make_photo):
    make_photo()
    black = browsers.reviewer.get("/grid/?backdrop=black").content.decode()
    assert 'class="photo-grid backdrop-black"' in black
    assert 'type="radio" name="backdrop" value="black" checked' in black
    custom = browsers.reviewer.get("/grid/?backdrop=custom&colour=%23aa3300").content.decode()
    assert 'backdrop-custom" data-backdrop-target data-colour="#aa3300"' in custom
    assert 'type="color" name="colour" value="#aa3300"' in custom


def test_pages(browsers, make_photo):
    photos = [make_photo(sku=f"S-{n:02d}") for n in range(30)]
    first = browsers.reviewer.get("/grid/?page_size=24&backdrop=grey").content.decode()
    assert len(tiles(first)) == 24 and "Page 1 of 2" in first
    assert 'href="?page_size=24&amp;backdrop=grey&amp;page=2"' in first
    second = browsers.reviewer.get("/grid/?page_size=24&page=2").content.decode()
    assert tiles(second) == [f"{p.pk}:{p.version}" for p in photos[24:]]


def test_bulk_approve_redirects_back_with_a_report(browsers, make_photo, users):
    ok = make_photo(sku="RING-1", view="front")
    flagged_meanwhile = make_photo(sku="RING-2", view="front")
    seen = flagged_meanwhile.version
    photo_flag(photo=flagged_meanwhile, actor=users.manager, reason="halo")

    response = browsers.reviewer.post(
        "/grid/?batch=&sku=&status=needs_review",
        {"photo": [f"{ok.pk}:{ok.version}", f"{flagged_meanwhile.pk}:{seen}"]},
        follow=True,
    )
    assert response.redirect_chain == [("/grid/?batch=&sku=&status=needs_review", 302)]
    html = response.content.decode()
    assert "1 of 2 photos approved; 1 could not be." in html
    pk = flagged_meanwhile.pk
    assert f"RING-2 / front (photo {pk}) was not approved: Photo {pk} changed since you loaded it" in html
    # It says what happened, in words, not in version numbers.
    assert re.search(rf"changed since you loaded it: {users.manager.get_username()} flagged it at \d\d:\d\d, "
                     r"and it is now flagged\. Reload to see it as it is\.", html)
    assert Photo.objects.get(pk=ok.pk).status == "approved"
    assert Photo.objects.get(pk=flagged_meanwhile.pk).status == "flagged"
    assert tiles(html) == []  # nothing left waiting


def test_bulk_approve_with_htmx_answers_the_results_region(browsers, make_photo):
    first, second, third = make_photo(sku="A"), make_photo(sku="B"), make_photo(sku="C")
    response = browsers.reviewer.post(
        "/grid/?backdrop=black",
        {"photo": [f"{first.pk}:{first.version}", f"{third.pk}:{third.version}"]},
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<section id="grid-results"') and "<html" not in html
    assert 'role="status">2 photos approved.</li>' in html
    assert tiles(html) == [f"{second.pk}:{second.version}"]  # the approved ones left the list
    assert "backdrop-black" in html
    assert set(Photo.objects.filter(status="approved").values_list("pk", flat=True)) == {first.pk, third.pk}


def test_bulk_approve_of_nothing_or_garbage_changes_nothing(browsers, make_photo):
    photo = make_photo()
    empty = browsers.reviewer.post("/grid/", {}, follow=True).content.decode()
    assert "Select at least one photo." in empty
    garbage = browsers.reviewer.post("/grid/", {"photo": ["1:x", "../2"]}, follow=True).content.decode()
    assert "Not a photo selection: 1:x." in garbage
    assert Photo.objects.get(pk=photo.pk).status == "needs_review" and not Event.objects.exists()


def test_retouchers_see_the_grid_but_cannot_approve(browsers, make_photo):
    photo = make_photo()
    html = browsers.retoucher.get("/grid/").content.decode()
    assert tiles(html) and "Approve selected" not in html
    assert "/review/" not in html  # the review screen would answer them 403: no link to it
    response = browsers.retoucher.post("/grid/", {"photo": [f"{photo.pk}:{photo.version}"]})
    assert response.status_code == 403
    assert Photo.objects.get(pk=photo.pk).status == "needs_review"


def test_grid_needs_a_role_and_sign_in(browsers):
    assert browsers.anonymous.get("/grid/").url == "/login/?next=/grid/"
    assert browsers.nobody.get("/grid/").status_code == 403


def test_nav_links_follow_roles(browsers):
    reviewer = browsers.reviewer.get("/home/").content.decode()
    assert 'href="/grid/"' in reviewer and 'href="/retouch/"' not in reviewer and 'href="/dashboard/"' not in reviewer
    retoucher = browsers.retoucher.get("/home/").content.decode()
    assert 'href="/retouch/"' in retoucher and 'href="/dashboard/"' not in retoucher
    manager = browsers.manager.get("/home/").content.decode()
    assert all(f'href="/{page}/"' in manager for page in ("grid", "retouch", "dashboard"))


def test_approve_selected_is_offered_only_where_photos_can_be_approved(browsers, make_photo):
    make_photo(status="approved")
    make_photo(status="needs_review")
    assert "Approve selected" in browsers.reviewer.get("/grid/").content.decode()  # waiting for review
    assert "Approve selected" in browsers.reviewer.get("/grid/?status=").content.decode()  # any status
    assert "Approve selected" not in browsers.reviewer.get("/grid/?status=approved").content.decode()
