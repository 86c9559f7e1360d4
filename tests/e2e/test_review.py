"""In a real browser: a reviewer signs in, takes the next photo from the queue, zooms into a prong past
100 % (nearest-neighbour, the deepest tiles loaded), flags it with a pin placed from the keyboard, and
moves on to the next photo, whose tiles were fetched ahead."""

from __future__ import annotations

import io
import math
import re
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import timedelta

import pytest
from django.utils import timezone

PASSWORD = "reviewer-e2e-password-1"
WIDTH, HEIGHT = 1200, 900
# The right prong of the stone's setting: a 3 px line the AI mask dropped. The reviewer pins (PRONG).
PRONG_FROM, PRONG_TO = (632, 236), (648, 316)
PRONG = (640, 276)
TOP_LEVEL = math.ceil(math.log2(max(WIDTH, HEIGHT)))  # the full-resolution level of the pyramids


@pytest.fixture
def queue(transactional_db, django_user_model, ring_scene):
    """A reviewer and two prepared photos waiting for review, RING1 the older."""
    from jewelreview.accounts.roles import Role
    from jewelreview.accounts.services import user_set_roles
    from jewelreview.catalog.ingest import ingest_files
    from jewelreview.catalog.models import Photo

    reviewer = user_set_roles(
        user=django_user_model.objects.create_user(username="rita", password=PASSWORD), roles=[Role.REVIEWER]
    )
    files = []
    for n in (1, 2):
        jpeg, png = ring_scene(seed=n)
        files += [(f"RING{n}_front.jpg", io.BytesIO(jpeg)), (f"RING{n}_front_mask.png", io.BytesIO(png))]
    report = ingest_files(files=files, batch_name="e2e")  # previews and tiles are made on commit, in-process
    assert len(report.imported) == 2, report
    photos = {p.sku.code: p for p in Photo.objects.select_related("sku")}
    assert all(p.status == "needs_review" and p.tiles_cutout for p in photos.values())
    # Detection scores both scenes on ingest; with RING2's figures (risk, then the share of the photo
    # damaged) RING1 comes first in queue order by age alone.
    ring2 = photos["RING2"]
    Photo.objects.filter(pk=photos["RING1"].pk).update(
        created_at=timezone.now() - timedelta(hours=1), risk=ring2.risk, damage_extent=ring2.damage_extent
    )
    return reviewer, photos["RING1"], photos["RING2"]


def zoom_percent(page) -> int:
    text = page.locator("#zoom-readout").text_content() or ""
    match = re.match(r"(\d+) %", text)
    return int(match.group(1)) if match else 0


def screen_point(box: dict, image_point: tuple[float, float]) -> tuple[float, float]:
    """Where an image pixel is on screen while the photo is fit (whole and centred) in ``box``."""
    scale = min(box["width"] / WIDTH, box["height"] / HEIGHT)
    left = box["x"] + (box["width"] - WIDTH * scale) / 2
    top = box["y"] + (box["height"] - HEIGHT * scale) / 2
    return left + image_point[0] * scale, top + image_point[1] * scale


def test_reviewer_zooms_into_a_prong_and_flags_it_with_a_keyboard_pin(live_url, queue, chromium, sign_in):
    from playwright.sync_api import expect

    from jewelreview.catalog.models import Photo
    from jewelreview.reviews.models import Flag

    reviewer, first, second = queue
    responses: list[tuple[str, int]] = []
    # The ORM stays outside the Playwright block (its event loop makes Django refuse database calls).
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        page.on("response", lambda response: responses.append((response.url, response.status)))
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))

        sign_in(page, "rita", PASSWORD)
        expect(page).to_have_url(f"{live_url}/queue/")  # a reviewer starts on the queue
        expect(page.get_by_role("link", name="RING1 · front")).to_be_visible()

        page.get_by_role("button", name="Review next photo").click()
        expect(page).to_have_url(f"{live_url}/photos/{first.pk}/review/?from=queue")  # the older one
        expect(page.locator("#zoom-readout")).to_have_text(re.compile(r"^\d+ %"))
        expect(page.locator("#next-info")).to_contain_text("Next: RING2 · front")

        # Zoom into the prong with the mouse wheel until past 800 %.
        box = page.locator("#viewer-main").bounding_box()
        assert box is not None
        x, y = screen_point(box, PRONG)
        page.mouse.move(x, y)
        for _ in range(40):
            if zoom_percent(page) >= 800:
                break
            page.mouse.wheel(0, -240)
            page.wait_for_timeout(120)
        expect(page.locator("#zoom-readout")).to_have_text(re.compile(r"^\d+ % · full resolution$"), timeout=15_000)
        assert zoom_percent(page) >= 800
        deepest = f"/api/photos/{first.pk}/tiles/cutout_files/{TOP_LEVEL}/"
        assert any(deepest in url and status == 200 for url, status in responses), "no full-resolution tile"
        smoothing = page.evaluate(
            "() => document.querySelector('#viewer-main .openseadragon-canvas canvas')"
            ".getContext('2d').imageSmoothingEnabled"
        )
        assert smoothing is False, "past 100 % pixels must be drawn nearest-neighbour"

        # Bring the prong to the centre of the view (a slow drag pans exactly).
        page.mouse.move(x, y)
        page.mouse.down()
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2, steps=25)
        page.mouse.up()
        page.wait_for_timeout(800)

        # Flag from the keyboard: F, a reason, a note, P (a pin at the centre), Ctrl+Enter.
        page.keyboard.press("f")
        expect(page.locator("#flag-reason")).to_be_focused()
        page.keyboard.press("ArrowDown")
        expect(page.locator("#flag-reason")).to_have_value("clipped_prong")
        expect(page.locator("#flag-reason")).to_be_focused()  # arrows step through the reasons
        page.keyboard.press("p")  # P pins the centre even on the focused select
        expect(page.locator("#pin-list li")).to_have_count(1)
        expect(page.locator("#flag-reason")).to_have_value("clipped_prong")
        page.keyboard.press("Enter")  # the reason chosen: on to the note
        expect(page.locator("#flag-note")).to_be_focused()
        page.keyboard.type("right prong cut off")
        page.keyboard.press("Tab")
        expect(page.locator("#pin-centre")).to_be_focused()
        page.keyboard.press("p")
        expect(page.locator("#pin-list li")).to_have_count(2)
        expect(page.locator(".pin-draft .pin-ring")).to_have_count(2)
        # Both pins at the centre: one label names both (QA: "2" printed under "3", unreadable).
        expect(page.locator(".pin-numbers.pin-draft .pin-label")).to_have_text(["1,2"])

        # The next photo's tiles were fetched while the reviewer looked at this one.
        ahead = f"/api/photos/{second.pk}/tiles/cutout_files/"
        assert any(ahead in url and status == 200 for url, status in responses), "next photo not prefetched"

        page.keyboard.press("Control+Enter")
        expect(page).to_have_url(f"{live_url}/photos/{second.pk}/review/?from=queue")
        expect(page.locator("#review-status")).to_have_text("Flagged RING1 · front.")  # said on the next photo
        page.reload()
        expect(page.locator("#review-status")).not_to_contain_text("Flagged")  # once
        assert errors == []

    flag = Flag.objects.get(photo=first)
    assert (flag.reason, flag.note, flag.created_by_id, flag.revision_id) == (
        "clipped_prong",
        "right prong cut off",
        reviewer.pk,
        None,
    )
    assert len(flag.pins) == 2 and all(set(pin) == {"x", "y"} for pin in flag.pins)
    for pin in flag.pins:
        assert abs(pin["x"] - PRONG[0]) <= 2 and abs(pin["y"] - PRONG[1]) <= 2, flag.pins
    flagged = Photo.objects.get(pk=first.pk)
    assert flagged.status == "flagged" and flagged.review_holder_id is None
    assert Photo.objects.get(pk=second.pk).review_holder_id == reviewer.pk  # the page leased it ahead


PIXEL_JS = """([x, y]) => {
    const canvas = document.querySelector('#viewer-main .openseadragon-canvas canvas');
    const box = canvas.getBoundingClientRect();
    const ratio = canvas.width / box.width;
    return Array.from(canvas.getContext('2d').getImageData((x - box.x) * ratio, (y - box.y) * ratio, 1, 1).data);
}"""
REFERENCE_PIXEL_JS = PIXEL_JS.replace("#viewer-main", "#viewer-reference")
BACKGROUND = (150, 150)  # image pixels: grey studio background, removed by the AI mask
BAND = (830, 560)  # on the ring's band, kept by the AI mask


def test_backdrops_mask_overlay_and_compare_modes_draw_what_they_say(live_url, queue, chromium, sign_in):
    from playwright.sync_api import expect

    reviewer, first, _ = queue
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        sign_in(page, "rita", PASSWORD)
        page.goto(f"{live_url}/photos/{first.pk}/review/")
        expect(page.locator("#zoom-readout")).to_have_text(re.compile(r"^\d+ %"))
        page.wait_for_load_state("networkidle")
        stage = page.locator("#stage")

        def pixel(image_point, script=PIXEL_JS, viewer="#viewer-main"):
            box = page.locator(viewer).bounding_box()
            return page.evaluate(script, list(screen_point(box, image_point)))

        # The AI cutout: transparent where the background was removed, so the backdrop shows.
        assert pixel(BACKGROUND)[3] == 0
        assert pixel(BAND)[3] == 255
        expect(stage).to_have_class(re.compile(r"\bbackdrop-checker\b"))
        page.keyboard.press("b")
        expect(stage).to_have_class(re.compile(r"\bbackdrop-white\b"))
        page.keyboard.press("b")
        expect(stage).to_have_class(re.compile(r"\bbackdrop-black\b"))
        expect(page.locator("#backdrops input[value=black]")).to_be_checked()

        # Quick mask: the original everywhere, tinted red (half strength) where it was removed.
        page.keyboard.press("m")
        expect(page.locator("#stage-legend")).to_contain_text("Mask overlay")
        expect(page.locator("#toggle-mask")).to_have_attribute("aria-pressed", "true")
        page.wait_for_load_state("networkidle")
        page.wait_for_timeout(500)
        red, green, blue, alpha = pixel(BACKGROUND)
        assert alpha == 255 and red > 200 and abs(green - 113) < 20 and abs(blue - 113) < 20, (red, green, blue)
        red, green, blue, alpha = pixel(BAND)
        assert alpha == 255 and red > green > blue and blue < 100, (red, green, blue)  # gold, not tinted
        page.keyboard.press("m")

        # O: the original in place of the result.
        page.keyboard.press("o")
        page.wait_for_load_state("networkidle")
        page.wait_for_timeout(500)
        assert pixel(BACKGROUND)[3] == 255 and abs(pixel(BACKGROUND)[0] - 226) < 12
        page.keyboard.press("o")

        # Side by side: the original on the right, at the same place and zoom.
        page.locator("#compare-modes label", has_text="Side by side").click()
        expect(page.locator("#viewer-reference")).to_be_visible()
        page.wait_for_load_state("networkidle")
        page.wait_for_timeout(800)
        assert pixel(BACKGROUND)[3] == 0
        reference = pixel(BACKGROUND, REFERENCE_PIXEL_JS, "#viewer-reference")
        assert reference[3] == 255 and abs(reference[0] - 226) < 12, reference

        # Difference with the original: black where the cutout kept the original's pixels.
        page.locator("#compare-modes label", has_text="Difference").click()
        expect(page.locator("#viewer-reference")).to_be_hidden()
        page.wait_for_timeout(800)
        assert max(pixel(BAND)[:3]) < 40, pixel(BAND)
        assert abs(pixel(BACKGROUND)[0] - 226) < 12  # removed: the original shows

        # The help lists the keys; Escape closes it.
        page.keyboard.press("?")
        expect(page.get_by_role("dialog", name="Keyboard shortcuts")).to_be_visible()
        page.keyboard.press("a")  # ignored while the help is open
        page.keyboard.press("Escape")
        expect(page.get_by_role("dialog")).to_be_hidden()

    first.refresh_from_db()
    assert first.status == "needs_review"  # the "a" pressed under the help approved nothing


def test_a_decided_photo_says_why_a_and_f_do_nothing_and_browsing_leases_nothing(live_url, queue, chromium, sign_in):
    from playwright.sync_api import expect

    from jewelreview.catalog.models import Photo

    reviewer, first, second = queue
    Photo.objects.filter(pk=first.pk).update(status="approved")
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        sign_in(page, "rita", PASSWORD)
        page.goto(f"{live_url}/photos/{first.pk}/review/?from=queue")
        expect(page.locator("#zoom-readout")).to_have_text(re.compile(r"^\d+ %"))

        page.keyboard.press("f")
        expect(page.locator("#review-status")).to_have_text(
            "This photo is approved; it can't be flagged (only photos that need review can)."
        )
        expect(page.locator("#flag-form")).to_be_hidden()
        page.keyboard.press("a")
        expect(page.locator("#review-status")).to_have_text(
            "This photo is approved; it can't be approved (only photos that need review can)."
        )

        # Opened directly (not through the queue): looking leases neither it nor a next photo.
        page.goto(f"{live_url}/photos/{second.pk}/review/")
        expect(page.locator("#zoom-readout")).to_have_text(re.compile(r"^\d+ %"))
        page.wait_for_load_state("networkidle")
        page.wait_for_timeout(500)
        assert errors == []

    assert list(Photo.objects.exclude(review_holder=None).values_list("pk", flat=True)) == []


def test_the_queue_flow_renews_its_leases_and_a_flag_is_sent_once(live_url, queue, monkeypatch, chromium, sign_in):
    from datetime import timedelta as _timedelta

    from playwright.sync_api import expect

    from jewelreview.catalog.models import Photo
    from jewelreview.pages import review_views
    from jewelreview.reviews.models import Flag

    reviewer, first, second = queue
    # A 3-second lease on the page: its heartbeat (a third of it) beats every second.
    monkeypatch.setattr(review_views, "REVIEW_LEASE", _timedelta(seconds=3))
    renewals: list[dict] = []
    flag_posts: list[object] = []
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        def record(request):
            if request.url.endswith("/api/queue/renew/"):
                renewals.append(request.post_data_json)

        page.on("request", record)
        sign_in(page, "rita", PASSWORD)
        page.get_by_role("button", name="Review next photo").click()
        expect(page.locator("#next-info")).to_contain_text("Next: RING2 · front")
        page.wait_for_timeout(2500)
        assert renewals and renewals[-1] == {"photos": [first.pk, second.pk]}, renewals

        # Send flag: disabled while the flag is in flight, so a second Ctrl+Enter sends nothing.
        page.route("**/api/photos/*/flag/", lambda route: flag_posts.append(route))
        page.keyboard.press("f")
        page.locator("#flag-reason").select_option("clipped_prong")
        page.keyboard.press("Control+Enter")
        expect(page.locator("#flag-send")).to_be_disabled()
        page.keyboard.press("Control+Enter")
        page.wait_for_timeout(300)
        assert len(flag_posts) == 1
        flag_posts[0].continue_()
        expect(page).to_have_url(f"{live_url}/photos/{second.pk}/review/?from=queue")

    assert Flag.objects.filter(photo=first).count() == 1
    assert Photo.objects.get(pk=second.pk).review_holder_id == reviewer.pk


def test_leaving_the_queue_flow_gives_its_leases_back_but_that_of_the_photo_it_opens(
    live_url, queue, monkeypatch, chromium, sign_in
):
    """QA: a manager who closed the tab kept the look-ahead lease for up to ten minutes, and other
    reviewers were told they were reviewing it. Leaving gives the page's leases back (a keepalive
    request to /api/queue/release/), never that of the photo J or deciding opens."""
    from playwright.sync_api import expect

    from django.db import connection

    from jewelreview.catalog.models import Photo
    from jewelreview.reviews import queue_views_api

    reviewer, first, second = queue

    def read() -> dict[int, int | None]:
        try:
            return dict(Photo.objects.filter(pk__in=[first.pk, second.pk]).values_list("pk", "review_holder_id"))
        finally:
            connection.close()

    def holders(timeout_s: float = 0.0) -> dict[int, int | None]:
        """The photos' lease holders; with ``timeout_s``, once both are free or the time is up. Read
        in a thread of its own: Django refuses queries in the thread running Playwright's loop."""
        deadline = time.monotonic() + timeout_s
        while True:
            with ThreadPoolExecutor(1) as pool:
                found = pool.submit(read).result()
            if time.monotonic() >= deadline or not any(found.values()):
                return found
            time.sleep(0.1)

    # What each release asked for, seen by the server: Playwright does not report a request the
    # page sends as it unloads.
    releases: list[list[int]] = []
    release = queue_views_api.review_lease_release

    def recorded(*, actor, leases):
        releases.append([photo for photo, _ in leases])
        return release(actor=actor, leases=leases)

    monkeypatch.setattr(queue_views_api, "review_lease_release", recorded)
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        sign_in(page, "rita", PASSWORD)
        page.get_by_role("button", name="Review next photo").click()
        expect(page.locator("#next-info")).to_contain_text("Next: RING2 · front")
        assert holders() == {first.pk: reviewer.pk, second.pk: reviewer.pk}

        page.keyboard.press("j")  # to the look-ahead photo: its lease stays, the one left goes
        expect(page).to_have_url(f"{live_url}/photos/{second.pk}/review/?from=queue")
        expect(page.locator("#next-info")).to_contain_text("Nothing else is waiting")
        assert releases == [[first.pk]]
        assert holders() == {first.pk: None, second.pk: reviewer.pk}

        # Away from the flow by the header's link: the leases are given back before the queue page
        # is asked for, so it does not show them as still yours (second QA pass: "you until 15:24").
        page.get_by_role("link", name="Review queue").click()
        expect(page).to_have_url(f"{live_url}/queue/")
        assert releases[-1] == [second.pk]
        assert holders() == {first.pk: None, second.pk: None}
        expect(page.locator("main")).not_to_contain_text("you until")

        page.get_by_role("button", name="Review next photo").click()
        expect(page).to_have_url(re.compile(r"/photos/\d+/review/\?from=queue$"))
        expect(page.locator("#next-info")).not_to_be_empty()  # its "next" call answered
        assert any(holders().values())
        page.close()  # the QA's case: the tab closed
    assert holders(timeout_s=5) == {first.pk: None, second.pk: None}


@pytest.fixture
def first_photo_for_rita(live_url, queue, chromium, sign_in):
    """``with first_photo_for_rita(height) as page``: rita on the older photo's review screen, the
    opening animation settled on fit."""
    from playwright.sync_api import expect

    _, first, _ = queue

    @contextmanager
    def open_page(height: int = 800):
        with chromium() as browser:
            page = browser.new_page(viewport={"width": 1280, "height": height})
            sign_in(page, "rita", PASSWORD)
            page.goto(f"{live_url}/photos/{first.pk}/review/")
            expect(page.locator("#zoom-readout")).to_have_text(re.compile(r"^\d+ %"))
            page.wait_for_load_state("networkidle")
            page.wait_for_timeout(800)
            yield page

    return open_page


def test_plus_and_minus_zoom_in_steps_of_half_and_minus_stops_at_fit(first_photo_for_rita):
    """+ zooms by 1.5x (OpenSeadragon's own key, 10 %, does not act as well, also with the viewer
    focused); - comes back and stops at fit, never shrinking the photo below it."""
    with first_photo_for_rita() as page:
        fit = zoom_percent(page)
        page.get_by_role("application", name="AI cutout, deep zoom").focus()  # where OpenSeadragon hears keys too
        page.keyboard.press("+")
        page.wait_for_timeout(900)  # OpenSeadragon's spring animation (0.5 s) ends
        assert abs(zoom_percent(page) - fit * 1.5) <= 1.5, (fit, zoom_percent(page))
        page.keyboard.press("=")
        page.wait_for_timeout(900)
        assert abs(zoom_percent(page) - fit * 2.25) <= 1.5, (fit, zoom_percent(page))
        for _ in range(4):
            page.keyboard.press("-")
            page.wait_for_timeout(150)
        page.wait_for_timeout(900)
        assert zoom_percent(page) == fit


def fit_percent(page) -> int:
    """The zoom, in percent, at which the whole photo fits the main viewer as it is now."""
    box = page.locator("#viewer-main").bounding_box()
    assert box is not None
    return round(100 * min(box["width"] / WIDTH, box["height"] / HEIGHT))


def test_side_by_side_fits_the_whole_photo_in_each_half_and_single_fits_it_again(first_photo_for_rita):
    """At fit, going side by side fits the photo in the half-width viewer (it used to keep the
    full-width zoom, cropping the photo's sides); back to single view it fits the full width again,
    and a smaller window fits it again too. Zoomed into a detail, the zoom is kept."""
    with first_photo_for_rita() as page:
        single = zoom_percent(page)
        assert abs(single - fit_percent(page)) <= 1, (single, fit_percent(page))

        page.locator("#compare-modes label", has_text="Side by side").click()
        page.wait_for_timeout(1200)
        assert fit_percent(page) < single * 0.7  # the viewer is half as wide
        assert abs(zoom_percent(page) - fit_percent(page)) <= 1, (zoom_percent(page), fit_percent(page))

        page.locator("#compare-modes label", has_text="Single").click()
        page.wait_for_timeout(1200)
        assert abs(zoom_percent(page) - single) <= 1, (zoom_percent(page), single)

        # A smaller window: still the whole photo; and so after two resizes in quick succession
        # (maximise, restore), the second while the first one's refit is still moving.
        page.set_viewport_size({"width": 900, "height": 640})
        page.wait_for_timeout(1200)
        assert abs(zoom_percent(page) - fit_percent(page)) <= 1, (zoom_percent(page), fit_percent(page))
        page.set_viewport_size({"width": 1280, "height": 800})
        page.wait_for_timeout(150)
        page.set_viewport_size({"width": 1000, "height": 700})
        page.wait_for_timeout(1200)
        assert abs(zoom_percent(page) - fit_percent(page)) <= 1, (zoom_percent(page), fit_percent(page))

        page.keyboard.press("z")  # 100 %: a detail
        page.wait_for_timeout(900)
        assert zoom_percent(page) == 100
        page.locator("#compare-modes label", has_text="Side by side").click()
        page.wait_for_timeout(1200)
        assert zoom_percent(page) == 100


def test_a_flag_sent_without_a_reason_shows_the_problem_and_goes_to_the_reason(first_photo_for_rita):
    from playwright.sync_api import expect

    with first_photo_for_rita(height=640) as page:
        page.keyboard.press("f")
        page.locator("#flag-note").fill("fringe on the left")
        page.get_by_role("application", name="AI cutout, deep zoom").focus()
        page.keyboard.press("Control+Enter")
        error = page.locator("#flag-error")
        expect(error).to_have_text("Choose a reason for the flag.")
        expect(error).to_be_in_viewport()
        expect(page.locator("#flag-reason")).to_be_focused()
        page.locator("#flag-reason").select_option("halo")
        expect(error).to_be_hidden()  # the problem it named is gone
        page.keyboard.press("Escape")
        expect(page.locator("#flag-form")).to_be_hidden()
        expect(page.locator("#flag-open")).to_be_focused()  # back where the form was opened


def test_a_stray_a_or_j_while_a_flag_is_written_neither_approves_nor_leaves(first_photo_for_rita, queue, live_url):
    """The QA pass's case: F, a reason, a note, a pin from the button (focus on it), then A and J."""
    from playwright.sync_api import expect

    _, first, _ = queue
    with first_photo_for_rita(height=640) as page:
        url = page.url
        page.keyboard.press("f")
        page.locator("#flag-reason").select_option("halo")
        page.locator("#flag-note").fill("fringe on the left")
        page.locator("#pin-centre").click()
        expect(page.locator("#pin-list li")).to_have_count(1)
        for key in ("a", "j", "k"):
            page.keyboard.press(key)
            expect(page.locator("#review-status")).to_have_text(
                "A flag is being written: Ctrl+Enter sends it; Esc closes the form first (what you wrote stays for this photo)."
            )
        page.get_by_role("application", name="AI cutout, deep zoom").focus()
        page.keyboard.press("a")
        page.wait_for_timeout(500)
        assert page.url == url
        assert page.request.get(f"{live_url}/api/photos/{first.pk}/").json()["status"] == "needs_review"
        expect(page.locator("#flag-note")).to_have_value("fringe on the left")
        expect(page.locator("#pin-list li")).to_have_count(1)
        page.keyboard.press("Control+Enter")  # what the draft was for: it is sent whole
        expect(page).not_to_have_url(url)
        assert page.request.get(f"{live_url}/api/photos/{first.pk}/").json()["status"] == "flagged"


def relative_luminance(rgb) -> float:
    """WCAG's relative luminance of an sRGB colour (0-255 channels)."""
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in (v / 255 for v in rgb)]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def test_every_region_letter_is_drawn_on_its_badge_and_reads_on_every_backdrop(live_url, queue, chromium, sign_in):
    """Regions touching the image's top edge are lettered too (inside their corner: above them is
    off the image), every letter lies on the photo, and on the checker, white, black and grey
    backdrops each letter reads on its dark badge at 7:1 or more, measured on screen pixels."""
    import cv2
    import numpy as np
    from playwright.sync_api import expect

    from jewelreview.catalog.models import Photo

    _, first, _ = queue
    regions = [
        (300, 0, 420, 80),  # on the top edge
        (600, 0, 640, 5),  # on the top edge, thinner than its letter
        (700, 300, 800, 380),
        (0, 500, 10, 600),  # on the left edge, narrower than its letter
    ]
    detections = [
        {"box": {"x0": x0, "y0": y0, "x1": x1, "y1": y1}, "kind": "halo", "confidence": 0.9}
        for x0, y0, x1, y1 in regions
    ]
    Photo.objects.filter(pk=first.pk).update(detections=detections)
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        sign_in(page, "rita", PASSWORD)
        page.goto(f"{live_url}/photos/{first.pk}/review/")
        expect(page.locator("#zoom-readout")).to_have_text(re.compile(r"^\d+ %"))
        page.wait_for_load_state("networkidle")
        page.wait_for_timeout(1200)  # the fit's animation
        badges = page.locator("#viewer-main .detection-badge")
        expect(badges).to_have_count(len(regions))
        assert page.locator("#viewer-main .detection-label").all_text_contents() == ["A", "B", "C", "D"]

        viewer = page.locator("#viewer-main").bounding_box()
        left, top = screen_point(viewer, (0, 0))
        right, bottom = screen_point(viewer, (WIDTH, HEIGHT))
        shown = [badge.locator(".detection-badge-box").bounding_box() for badge in badges.all()]
        for letter, box in zip("ABCD", shown, strict=True):
            # (the badge's 1 px rim is half outside its box)
            inside = left - 1 <= box["x"] and box["x"] + box["width"] <= right + 1
            inside &= top - 1 <= box["y"] and box["y"] + box["height"] <= bottom + 1
            assert inside, f"{letter}'s badge {box} is not on the photo ({left}, {top}) - ({right}, {bottom})"
        a_box = screen_point(viewer, (300, 0))
        assert shown[0]["y"] >= a_box[1] and shown[0]["x"] >= a_box[0], "A sits inside its box's corner"

        for backdrop in ("checker", "white", "black", "grey"):
            page.locator(f"#backdrops input[value={backdrop}]").check(force=True)
            expect(page.locator("#stage")).to_have_class(re.compile(rf"\bbackdrop-{backdrop}\b"))
            for letter, box in zip("ABCD", shown, strict=True):
                png = page.screenshot(clip=box)
                pixels = cv2.cvtColor(cv2.imdecode(np.frombuffer(png, np.uint8), cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB)
                h, w = pixels.shape[:2]
                inner = pixels[2 : h - 2, 2 : w - 2].reshape(-1, 3)  # within the badge's light rim
                lum = np.array([relative_luminance(p) for p in inner])
                # The badge is what most of its inner pixels show; the letter its brightest.
                badge_lum, letter_lum = float(np.median(lum)), float(lum.max())
                ratio = (letter_lum + 0.05) / (badge_lum + 0.05)
                assert ratio >= 7, f"{letter} on {backdrop}: contrast {ratio:.1f}:1 (badge {badge_lum:.3f})"
