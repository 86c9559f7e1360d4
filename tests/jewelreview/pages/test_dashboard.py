"""/dashboard/ and /dashboard/photos/ (managers): progress, waiting, flags, throughput, actions, exports."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

import pytest
from django.utils import timezone

from jewelreview import stored_files
from jewelreview.catalog.models import Photo
from jewelreview.repairs.models import Render, RenderState, Revision
from jewelreview.repairs.services import render_complete
from jewelreview.reviews.models import Event, Flag
from jewelreview.reviews.services import photo_approve, photo_assign, photo_flag

pytestmark = pytest.mark.django_db


def count_of(html: str, key: str) -> str:
    match = re.search(rf'<dd data-count="{key}">(\d+)', html)
    assert match, key
    return match.group(1)


def rows(html: str, attribute: str) -> list[str]:
    return re.findall(rf'<tr {attribute}="([^"]+)"', html)


def test_counts_change_after_an_approval(browsers, make_photo, users):
    first = make_photo(sku="RING-1", view="front")
    make_photo(sku="RING-1", view="side", status="approved")
    make_photo(sku="RING-2", view="front", status="flagged")
    before = browsers.manager.get("/dashboard/").content.decode()
    assert [count_of(before, key) for key in ("photos", "needs_review", "approved")] == ["3", "1", "1"]
    assert count_of(before, "skus_done") == "0"
    photo_approve(photo=first, actor=users.reviewer)
    after = browsers.manager.get("/dashboard/").content.decode()
    assert [count_of(after, key) for key in ("needs_review", "approved", "skus_done")] == ["0", "2", "1"]
    assert '<span class="stat-of"> of 2</span>' in after


def test_per_batch_scope_and_sku_table(browsers, make_photo):
    spring = make_photo(sku="RING-1", batch="spring", status="approved")
    make_photo(sku="RING-2", batch="spring", status="flagged")
    make_photo(sku="RING-3", batch="summer")
    everything = browsers.manager.get("/dashboard/").content.decode()
    assert "<h2 id=\"batches-heading\">Batches</h2>" in everything
    assert f'<a href="?batch={spring.batch_id}">spring</a>' in everything
    assert f'href="/api/exports/status.csv?batch={spring.batch_id}"' in everything
    assert rows(everything, "data-sku") == ["RING-1", "RING-2", "RING-3"]

    html = browsers.manager.get(f"/dashboard/?batch={spring.batch_id}").content.decode()
    assert "<h1>Dashboard: spring</h1>" in html and "batches-heading" not in html
    assert count_of(html, "photos") == "2" and count_of(html, "skus_done") == "1"
    assert rows(html, "data-sku") == ["RING-1", "RING-2"]
    assert re.search(r'data-sku="RING-1">.*?<span class="status status-done">Done</span>', html, re.S)
    assert re.search(r'data-sku="RING-2">.*?<span class="status status-needs_repair">Needs repair</span>', html, re.S)
    assert f'href="/api/exports/status.csv?batch={spring.batch_id}" download data-export="csv"' in html
    assert f'href="/api/exports/approved.zip?batch={spring.batch_id}" download data-export="zip"' in html
    assert rows(browsers.manager.get("/dashboard/?rollup=done").content.decode(), "data-sku") == ["RING-1"]


def test_waiting_longest_and_flags_by_reason(browsers, make_photo, users):
    old = make_photo(sku="OLD")
    photo_flag(photo=old, actor=users.reviewer, reason="halo", note="fringe")
    make_photo(sku="NEW")
    Photo.objects.filter(pk=old.pk).update(status_since=timezone.now() - dt.timedelta(days=2))
    html = browsers.manager.get("/dashboard/").content.decode()
    waiting = re.search(r'id="waiting-heading".*?</table>', html, re.S).group(0)
    assert re.findall(r'review/"><bdi>(\w+)</bdi> ·', waiting) == ["OLD", "NEW"]
    assert "2\xa0days" in waiting
    old.refresh_from_db()
    unassigned = photo_assign(
        photo=photo_assign(photo=old, actor=users.manager, assignee=users.retoucher), actor=users.manager, assignee=None
    )
    assert unassigned.updated_at > unassigned.status_since  # changed, but waits for the same thing as before
    again = browsers.manager.get("/dashboard/").content.decode()
    waiting = re.search(r'id="waiting-heading".*?</table>', again, re.S).group(0)
    assert re.findall(r'review/"><bdi>(\w+)</bdi> ·', waiting) == ["OLD", "NEW"] and "2\xa0days" in waiting
    assert '<tr data-reason="halo">' in html
    assert re.search(r'data-reason="halo">\s*<th scope="row">Halo</th>\s*<td class="number">1</td>', html)
    assert '<meter min="0" max="1" value="1" aria-label="Halo: 1 open">' in html


def test_throughput_chart_is_inline_svg_with_a_table(browsers, make_photo, users):
    for n in range(3):
        photo_approve(photo=make_photo(), actor=users.reviewer)
    photo_flag(photo=make_photo(), actor=users.manager, reason="halo")
    yesterday = Event.objects.filter(action="approve").order_by("id").first()
    Event.objects.filter(pk=yesterday.pk).update(created_at=timezone.now() - dt.timedelta(days=1))
    html = browsers.manager.get("/dashboard/").content.decode()
    assert '<svg class="line-chart" viewBox="0 0 720 240" role="img"' in html
    series = re.findall(r'<g class="chart-series series-(\d)" data-person="(\w+)">', html)
    assert series == [("0", "rita"), ("1", "mona")]
    today = timezone.now().date()
    assert f"<title>rita, {today:%b} {today.day}: 2</title>" in html
    assert "<th scope=\"row\">rita</th>" in html and "approve 3" in html and "flag 1" in html
    assert "<script" not in html  # the dashboard itself needs no script


def test_empty_dashboard(browsers):
    html = browsers.manager.get("/dashboard/").content.decode()
    assert count_of(html, "photos") == "0"
    assert "No one approved, flagged or submitted a photo in the last 14 days." in html
    assert "No batches yet" in html and "No SKUs match." in html


def test_managers_only_and_start_page(browsers):
    assert browsers.manager.get("/").url == "/dashboard/"
    for who in ("reviewer", "retoucher", "nobody"):
        assert getattr(browsers, who).get("/dashboard/").status_code == 403
        assert getattr(browsers, who).get("/dashboard/photos/").status_code == 403
    assert browsers.anonymous.get("/dashboard/").url == "/login/?next=/dashboard/"


def test_page_size_selects_show_the_default_applied(browsers):
    assert '<option value="25" selected>25</option>' in browsers.manager.get("/dashboard/").content.decode()
    assert '<option value="50" selected>50</option>' in browsers.manager.get("/dashboard/photos/").content.decode()


def test_photos_page_filters_by_assignee(browsers, make_photo, users):
    toms = make_photo(status="flagged", assignee=users.retoucher)
    free = make_photo(status="flagged")
    html = browsers.manager.get("/dashboard/photos/?assignee=tom").content.decode()
    assert rows(html, "data-photo-row") == [str(toms.pk)]
    assert rows(browsers.manager.get("/dashboard/photos/?assignee=none").content.decode(), "data-photo-row") == [
        str(free.pk)
    ]
    assert '<option value="tess">tess</option>' in html and '<option value="rita">' not in html


def test_status_filters_take_repeats_as_any_of_them(browsers, make_photo):
    """As on the API: the photo list's ?status= and the SKU table's ?rollup= repeated mean any of them."""
    flagged = make_photo(sku="RING-1", status="flagged")
    approved = make_photo(sku="RING-2", status="approved")
    make_photo(sku="RING-3", status="needs_review")
    html = browsers.manager.get("/dashboard/photos/?status=flagged&status=approved").content.decode()
    assert rows(html, "data-photo-row") == [str(flagged.pk), str(approved.pk)]
    assert re.findall(r'<option value="(\w+)" selected>', html.split('name="status"', 1)[1].split("</select>")[0]) == [
        "approved",
        "flagged",
    ]
    skus = browsers.manager.get("/dashboard/?rollup=done&rollup=needs_repair").content.decode()
    assert rows(skus, "data-sku") == ["RING-1", "RING-2"]
    bad_size = browsers.manager.get("/dashboard/photos/?page_size=7").content.decode()
    assert "7 per page is not offered: choose 25, 50, 100, 200." in bad_size


def test_a_blank_or_bad_status_filter_shows_any_selected(browsers, make_photo):
    """Blank is "Any"; a bad value is reported and every status shown, so "Any" is the option
    selected (none was: the browser showed the first by chance)."""
    flagged = make_photo(sku="RING-1", status="flagged")
    approved = make_photo(sku="RING-2", status="approved")

    def selected(html: str, name: str) -> list[str]:
        select = re.search(rf'<select name="{name}"[^>]*>.*?</select>', html, re.S).group(0)
        return re.findall(r"<option [^>]*selected>[^<]*</option>", select)

    for value in ("", "bogus"):
        html = browsers.manager.get(f"/dashboard/photos/?status={value}").content.decode()
        assert rows(html, "data-photo-row") == [str(flagged.pk), str(approved.pk)], value
        assert selected(html, "status") == ['<option value="" selected>Any status</option>'], value
        skus = browsers.manager.get(f"/dashboard/?rollup={value}").content.decode()
        assert rows(skus, "data-sku") == ["RING-1", "RING-2"], value
        assert selected(skus, "rollup") == ['<option value="" selected>Any</option>'], value
        reported = "Select a valid choice. bogus is not one of the available choices."
        assert (reported in html, reported in skus) == (value == "bogus",) * 2


def test_reassign_reopen_reshoot_with_a_report(browsers, make_photo, users):
    flagged = make_photo(sku="RING-1", view="front", status="flagged", assignee=users.retoucher)
    approved = make_photo(sku="RING-2", view="front", status="approved")
    selection = [f"{flagged.pk}:{flagged.version}", f"{approved.pk}:{approved.version}"]

    response = browsers.manager.post(
        "/dashboard/photos/?status=", {"photo": selection, "action": "assign", "assignee": "tess"}, follow=True
    )
    assert response.redirect_chain == [("/dashboard/photos/?status=", 302)]
    html = response.content.decode()
    assert "1 of 2 photos reassigned; 1 could not be." in html
    assert f"RING-2 / front (photo {approved.pk}) was not reassigned: Cannot assign a photo that is approved." in html
    flagged.refresh_from_db()
    assert flagged.assignee == users.retoucher2

    browsers.manager.post(
        "/dashboard/photos/", {"photo": [f"{approved.pk}:{approved.version}"], "action": "reopen", "note": "dust"}
    )
    assert Photo.objects.get(pk=approved.pk).status == "reopened"
    assert Event.objects.get(photo=approved, action="reopen").note == "dust"
    done = browsers.manager.post("/dashboard/photos/", {"photo": [str(flagged.pk)], "action": "reshoot"}, follow=True)
    assert "1 photo marked for reshoot." in done.content.decode()
    assert Photo.objects.get(pk=flagged.pk).status == "reshoot"


def test_reassigning_a_photo_in_repair_to_no_one_releases_it_and_says_so(browsers, make_photo, users):
    claimed = make_photo(sku="RING-3", view="front", status="in_repair", assignee=users.retoucher)
    Flag.objects.create(photo=claimed, reason="halo", created_by=users.reviewer)
    response = browsers.manager.post(
        "/dashboard/photos/", {"photo": [f"{claimed.pk}:1"], "action": "assign", "assignee": "(no one)"}, follow=True
    )
    html = response.content.decode()
    assert "1 photo unassigned." in html and "reassigned" not in html
    line = f"RING-3 / front (photo {claimed.pk}): it was in repair, so unassigning it released its claim (flagged now)."
    assert line in html and line.count(":") == 1  # it read "(photo N): it was in repair: with no one holding it, ..."
    assert Photo.objects.filter(pk=claimed.pk, status="flagged", assignee=None).exists()


def test_a_long_report_counts_the_claims_released_past_its_twenty_lines(browsers, make_photo, users):
    """Unassigning 25 photos in repair named 20 releases and said nothing of the other 5."""
    claimed = [make_photo(sku=f"RING-{n:02d}", status="in_repair", assignee=users.retoucher) for n in range(25)]
    selection = [f"{photo.pk}:1" for photo in claimed]
    html = browsers.manager.post(
        "/dashboard/photos/", {"photo": selection, "action": "assign", "assignee": "(no one)"}, follow=True
    ).content.decode()
    assert html.count("so unassigning it released its claim (") == 20
    assert "… and 5 more photos were in repair, so unassigning them released their claims." in html
    assert not Photo.objects.filter(status="in_repair").exists()

    # One past the twenty, of either kind, reads in the singular.
    held = [make_photo(sku=f"RING-{n:02d}", status="in_repair", assignee=users.retoucher) for n in range(21)]
    unassign = {"photo": [f"{p.pk}:1" for p in held], "action": "assign", "assignee": "(no one)"}
    held_html = browsers.manager.post("/dashboard/photos/", unassign, follow=True).content.decode()
    assert "… and 1 more photo was in repair, so unassigning it released its claim." in held_html
    reopen = {"photo": selection[:21], "action": "reopen"}  # none is approved
    refused = browsers.manager.post("/dashboard/photos/", reopen, follow=True).content.decode()
    assert refused.count(") was not reopened: ") == 20
    assert "… and 1 more photo was not reopened." in refused


def test_unassigning_is_reported_as_unassigned(browsers, make_photo, users):
    """Choosing "No one" read "N photos reassigned."."""
    flagged = make_photo(sku="RING-1", view="front", status="flagged", assignee=users.retoucher)
    approved = make_photo(sku="RING-2", view="front", status="approved")
    selection = [f"{flagged.pk}:1", f"{approved.pk}:1"]
    html = browsers.manager.post(
        "/dashboard/photos/", {"photo": selection, "action": "assign", "assignee": "(no one)"}, follow=True
    ).content.decode()
    assert "1 of 2 photos unassigned; 1 could not be." in html
    assert f"RING-2 / front (photo {approved.pk}) was not unassigned: Cannot assign a photo that is approved." in html
    assert "reassigned" not in html
    assert Photo.objects.get(pk=flagged.pk).assignee is None


def test_the_reassign_select_starts_on_no_choice(browsers, make_photo):
    """Ticking photos and clicking Reassign must not unassign them (and release claims) by default."""
    claimed = make_photo(status="in_repair")
    html = browsers.manager.get("/dashboard/photos/").content.decode()
    select = re.search(r'<select name="assignee" id="bulk-assignee".*?</select>', html, re.S).group(0)
    assert re.findall(r"<option[^>]*>[^<]*</option>", select)[:2] == [
        '<option value="" selected>Choose…</option>',
        '<option value="(no one)" data-no-one>No one (unassign; releases claims)</option>',
    ]
    assert f'data-photo-id="{claimed.pk}" data-status="in_repair"' in html  # what photos.js asks about


def test_reassign_without_a_choice_changes_nothing_and_says_why(browsers, make_photo, users):
    claimed = make_photo(status="in_repair", assignee=users.retoucher)
    for data in ({"assignee": ""}, {}):
        response = browsers.manager.post(
            "/dashboard/photos/", {"photo": [f"{claimed.pk}:1"], "action": "assign", **data}, follow=True
        )
        assert (
            "Nothing was changed: choose whom to assign the selected photos to: "
            "a person, or &quot;No one&quot; to unassign them."
        ) in response.content.decode()
    claimed.refresh_from_db()
    assert (claimed.status, claimed.assignee, claimed.version) == ("in_repair", users.retoucher, 1)
    assert not Event.objects.exists()


def test_a_person_named_none_can_be_chosen(browsers, make_photo, django_user_model):
    from jewelreview.accounts.services import user_set_roles

    user_set_roles(user=django_user_model.objects.create_user("none", password="x" * 20), roles=["retoucher"])
    photo = make_photo(status="flagged")
    browsers.manager.post("/dashboard/photos/", {"photo": [f"{photo.pk}:1"], "action": "assign", "assignee": "none"})
    assert Photo.objects.get(pk=photo.pk).assignee.username == "none"


def test_bad_actions_change_nothing(browsers, make_photo):
    photo = make_photo(status="flagged")
    unknown_user = browsers.manager.post(
        "/dashboard/photos/", {"photo": [str(photo.pk)], "action": "assign", "assignee": "ghost"}, follow=True
    )
    assert "No active user named &#x27;ghost&#x27;." in unknown_user.content.decode()
    bad_action = browsers.manager.post(
        "/dashboard/photos/", {"photo": [str(photo.pk)], "action": "delete"}, follow=True
    )
    assert "Nothing was changed: select a valid choice. delete is not one of the available choices." in (
        bad_action.content.decode()
    )
    nothing = browsers.manager.post("/dashboard/photos/", {"action": "reopen"}, follow=True)
    assert "Select at least one photo." in nothing.content.decode()
    photo.refresh_from_db()
    assert (photo.status, photo.assignee, photo.version) == ("flagged", None, 1)
    assert not Event.objects.exists()


def approved_with_final(make_photo, images, author, **photo_kwargs) -> Photo:
    """An approved photo whose current revision has a finished render (a real PNG in storage)."""
    photo = make_photo(status="approved", **photo_kwargs)
    revision = Revision.objects.create(photo=photo, number=1, author=author, recipe={}, recipe_sha256="0" * 64)
    Photo.objects.filter(pk=photo.pk).update(current_revision=revision)
    render = Render.objects.create(revision=revision, state=RenderState.QUEUED)
    png = images.cutout(photo.width, photo.height)
    final = stored_files.save_new(f"renders/{photo.pk}/r1.png", png)
    render_complete(
        render_id=render.pk, final=final, preview=final, checksum="0" * 64, final_bytes=len(png), timings={}
    )
    photo.refresh_from_db()
    return photo


def test_zip_of_the_selection(browsers, make_photo, users, images):
    photo = approved_with_final(make_photo, images, users.manager, sku="RING-1", view="front")
    approved_with_final(make_photo, images, users.manager, sku="RING-2", view="front")
    waiting = make_photo(sku="RING-3")
    response = browsers.manager.post("/dashboard/photos/", {"photo": [f"{photo.pk}:{photo.version}"], "action": "zip"})
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == 'attachment; filename="selection-approved.zip"'
    with zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))) as archive:
        assert archive.namelist() == ["RING-1/RING-1_front.png", "manifest.csv"]
        assert archive.read("RING-1/RING-1_front.png").startswith(b"\x89PNG")
    # A selection mixing approved and waiting photos: the waiting one is named in the manifest, with why.
    mixed = browsers.manager.post(
        "/dashboard/photos/", {"photo": [f"{photo.pk}:{photo.version}", str(waiting.pk)], "action": "zip"}
    )
    with zipfile.ZipFile(io.BytesIO(b"".join(mixed.streaming_content))) as archive:
        rows = archive.read("manifest.csv").decode().splitlines()
        assert archive.namelist() == ["RING-1/RING-1_front.png", "manifest.csv"]
    assert rows[-1] == f"RING-3,{waiting.view},{waiting.pk},,,,not approved: it is waiting for review"
    empty = browsers.manager.post("/dashboard/photos/", {"action": "zip"}, follow=True)
    assert "Select the approved photos to download." in empty.content.decode()
    none_approved = browsers.manager.post(
        "/dashboard/photos/", {"photo": [str(waiting.pk)], "action": "zip"}, follow=True
    )
    assert "None of the selected photos is approved: there is nothing to download." in none_approved.content.decode()


def test_no_zip_link_where_nothing_is_approved_yet(browsers, make_photo):
    spring = make_photo(sku="RING-1", batch="spring", status="approved")
    summer = make_photo(sku="RING-2", batch="summer", status="flagged")
    everything = browsers.manager.get("/dashboard/").content.decode()
    assert f'href="/api/exports/approved.zip?batch={spring.batch_id}" download>ZIP' in everything
    assert f'href="/api/exports/approved.zip?batch={summer.batch_id}"' not in everything
    assert '<span class="empty-note">no ZIP yet<span class="visually-hidden">: nothing in summer is approved' in everything
    assert 'href="/api/exports/approved.zip" download data-export="zip"' in everything  # all batches: one is

    html = browsers.manager.get(f"/dashboard/?batch={summer.batch_id}").content.decode()
    assert "approved.zip" not in html
    assert "No approved PNGs to download yet" in html
    assert f'href="/api/exports/status.csv?batch={summer.batch_id}"' in html  # the CSV is still there
