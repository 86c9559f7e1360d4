"""In a real browser: a reviewer approves from the grid (keyboard and Shift-click selection) and the
manager's dashboard counts change; the manager downloads the CSV and the ZIPs and reassigns work."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import cv2
import numpy as np
import pytest

PASSWORD = "dashboard-e2e-password-1"
WIDTH, HEIGHT = 320, 240


def ring_files(stem: str, radius: int) -> list[tuple[str, io.BytesIO]]:
    """``<stem>.jpg`` (a gold ring on light grey, drawn with OpenCV) and its mask ``<stem>_mask.png``."""
    bgr = np.full((HEIGHT, WIDTH, 3), 232, np.uint8)
    cv2.circle(bgr, (WIDTH // 2, HEIGHT // 2), radius, (40, 150, 205), thickness=10, lineType=cv2.LINE_AA)
    mask = np.zeros((HEIGHT, WIDTH), np.uint8)
    cv2.circle(mask, (WIDTH // 2, HEIGHT // 2), radius, 255, thickness=12)
    return [
        (f"{stem}.jpg", io.BytesIO(cv2.imencode(".jpg", bgr)[1].tobytes())),
        (f"{stem}_mask.png", io.BytesIO(cv2.imencode(".png", mask)[1].tobytes())),
    ]


@pytest.fixture
def scene(transactional_db, django_user_model):
    """Batch e2e: RING1 front + side waiting for review, RING2 front flagged, RING3 front approved
    with a rendered final PNG (flag, claim, revision, render, submit, approve through the services)."""
    from jewelreview.accounts.services import user_set_roles
    from jewelreview.catalog.ingest import ingest_files
    from jewelreview.catalog.models import Photo
    from jewelreview.repairs.services import revision_create
    from jewelreview.reviews.services import photo_approve, photo_claim, photo_flag, photo_submit

    def person(name: str, role: str):
        return user_set_roles(user=django_user_model.objects.create_user(name, password=PASSWORD), roles=[role])

    rita, tom, mona = person("rita", "reviewer"), person("tom", "retoucher"), person("mona", "manager")
    person("tess", "retoucher")
    files = [
        *ring_files("RING1_front", 50),
        *ring_files("RING1_side", 55),
        *ring_files("RING2_front", 60),
        *ring_files("RING3_front", 65),
    ]
    report = ingest_files(files=files, batch_name="e2e", actor=mona)
    assert len(report.imported) == 4, report
    photos = {f"{p.sku.code}_{p.view}": p for p in Photo.objects.select_related("sku")}
    assert {p.status for p in photos.values()} == {"needs_review"}  # previews were built on commit
    photo_flag(photo=photos["RING2_front"], actor=rita, reason="halo", note="fringe", pins=[{"x": 10, "y": 10}])
    done = photos["RING3_front"]
    photo_flag(photo=done, actor=rita, reason="opacity_bleed")
    photo_claim(photo=done, actor=tom)
    recipe = {"version": 1, "base": "ai", "ops": [{"op": "refine", "contrast": 90, "shift_edge": 100}]}
    revision_create(photo=done, author=tom, recipe=recipe, base_revision=None)
    photo_submit(photo=done, actor=tom)
    photo_approve(photo=done, actor=rita)
    assert Photo.objects.get(pk=done.pk).current_revision.renders.get().state == "done"
    return {name: photo.pk for name, photo in photos.items()}


def counts(page) -> dict[str, str]:
    return {
        key: page.locator(f'dd[data-count="{key}"]').inner_text().split()[0]
        for key in ("photos", "needs_review", "approved", "flagged", "skus_done")
    }


def test_dashboard_counts_change_after_a_grid_approval(live_url, scene, chromium, sign_in):
    from playwright.sync_api import expect

    from jewelreview.catalog.models import Photo

    problems: list[str] = []
    with chromium() as browser:
        manager = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
        reviewer = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
        for page in (manager, reviewer):
            page.on("pageerror", lambda exc: problems.append(str(exc)))
            page.on(
                "response",
                lambda r: r.status >= 400 and not r.url.endswith("/favicon.ico") and problems.append(r.url),
            )
        sign_in(manager, "mona", PASSWORD)
        expect(manager).to_have_url(f"{live_url}/dashboard/")  # managers start on the dashboard
        assert counts(manager) == {
            "photos": "4",
            "needs_review": "2",
            "approved": "1",
            "flagged": "1",
            "skus_done": "1",
        }

        sign_in(reviewer, "rita", PASSWORD)
        reviewer.goto(f"{live_url}/grid/")
        boxes = reviewer.locator("input[data-photo-id]")
        expect(boxes).to_have_count(2)
        images = reviewer.locator(".tile-image img")
        expect(images.first).to_have_js_property("complete", True)
        assert images.first.evaluate("img => img.naturalWidth") > 0

        # Backdrop: black at once, kept in the URL.
        reviewer.get_by_label("Black").check()
        expect(reviewer.locator(".photo-grid")).to_have_class("photo-grid backdrop-black")
        assert "backdrop=black" in reviewer.url
        background = reviewer.locator(".tile-image").first.evaluate("e => getComputedStyle(e).backgroundColor")
        assert background == "rgb(0, 0, 0)"
        reviewer.keyboard.press("b")  # B cycles to the next backdrop
        expect(reviewer.locator(".photo-grid")).to_have_class("photo-grid backdrop-grey")

        # Keyboard: Space selects, Escape clears, Shift+Arrow extends, Ctrl+A selects all.
        count = reviewer.locator("[data-selection-count]")
        boxes.nth(0).focus()
        reviewer.keyboard.press("Space")
        expect(count).to_have_text("1 of 2 selected")
        assert boxes.nth(0).evaluate("b => getComputedStyle(b).outlineStyle") == "solid"  # visible focus
        reviewer.keyboard.press("Escape")
        expect(count).to_have_text("0 of 2 selected")
        reviewer.keyboard.press("Shift+ArrowRight")
        expect(count).to_have_text("2 of 2 selected")
        assert boxes.nth(1).evaluate("b => b === document.activeElement")
        reviewer.get_by_role("button", name="Select none").click()
        boxes.nth(1).focus()
        reviewer.keyboard.press("Control+a")
        expect(count).to_have_text("2 of 2 selected")
        reviewer.keyboard.press("Escape")

        # Mouse: a click on the first picture, a Shift-click on the second selects the range.
        reviewer.locator(".tile-image").nth(0).click()
        reviewer.locator(".tile-image").nth(1).click(modifiers=["Shift"])
        expect(count).to_have_text("2 of 2 selected")
        approve = reviewer.get_by_role("button", name="Approve selected (2)")
        approve.click()
        expect(reviewer.locator("#grid-results [role=status]")).to_have_text("2 photos approved.")
        expect(boxes).to_have_count(0)
        expect(reviewer.locator(".grid-count")).to_have_text("No photos match these filters.")

        manager.reload()
        assert counts(manager) == {
            "photos": "4",
            "needs_review": "0",
            "approved": "3",
            "flagged": "1",
            "skus_done": "2",
        }
        expect(manager.locator('tr[data-sku="RING1"] .status')).to_have_text("Done")
        expect(manager.locator('[data-chart="throughput"] [data-person="rita"]')).to_have_count(1)

    assert problems == []
    assert set(Photo.objects.filter(status="approved").values_list("sku__code", "view")) == {
        ("RING1", "front"),
        ("RING1", "side"),
        ("RING3", "front"),
    }


def test_manager_downloads_csv_and_zips_and_reassigns(live_url, scene, chromium, sign_in):
    from playwright.sync_api import expect

    from jewelreview.catalog.models import Photo

    with chromium() as browser:
        page = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True).new_page()
        sign_in(page, "mona", PASSWORD)
        expect(page).to_have_url(f"{live_url}/dashboard/")

        with page.expect_download() as csv_download:
            page.get_by_role("link", name="Download SKU status (CSV)").click()
        assert csv_download.value.suggested_filename == "all-status.csv"
        rows = list(csv.reader(io.StringIO(Path(csv_download.value.path()).read_text())))
        assert rows[0][:4] == ["sku", "title", "status", "photos"]
        assert [row[:4] for row in rows[1:]] == [
            ["RING1", "", "in_review", "2"],
            ["RING2", "", "needs_repair", "1"],
            ["RING3", "", "done", "1"],
        ]

        with page.expect_download() as zip_download:
            page.get_by_role("link", name="Download approved PNGs (ZIP)").click()
        assert zip_download.value.suggested_filename == "all-approved.zip"
        with zipfile.ZipFile(zip_download.value.path()) as archive:
            assert archive.namelist() == ["RING3/RING3_front.png", "manifest.csv"]
            png = archive.read("RING3/RING3_front.png")
        assert png.startswith(b"\x89PNG\r\n\x1a\n")
        decoded = cv2.imdecode(np.frombuffer(png, np.uint8), cv2.IMREAD_UNCHANGED)
        assert decoded.shape == (HEIGHT, WIDTH, 4)  # full resolution, with alpha

        page.get_by_role("link", name="Reassign, reopen, reshoot photos").click()
        expect(page).to_have_url(f"{live_url}/dashboard/photos/")
        page.get_by_label("Select RING3 front").check()
        with page.expect_download() as selection_download:
            page.get_by_role("button", name="Download approved PNGs (ZIP) (1)").click()
        assert selection_download.value.suggested_filename == "selection-approved.zip"
        with zipfile.ZipFile(selection_download.value.path()) as archive:
            assert archive.namelist() == ["RING3/RING3_front.png", "manifest.csv"]
            assert archive.read("RING3/RING3_front.png").startswith(b"\x89PNG")

        page.get_by_role("button", name="Select none").click()
        page.get_by_label("Select RING2 front").check()
        page.get_by_label("Assign to").select_option("tess")
        page.get_by_role("button", name="Reassign (1)").click()
        expect(page.get_by_role("status")).to_have_text("1 photo reassigned.")
        expect(page.locator(f'tr[data-photo-row="{scene["RING2_front"]}"]')).to_contain_text("tess")

    assert Photo.objects.get(pk=scene["RING2_front"]).assignee.username == "tess"


def test_reassign_needs_a_choice_and_asks_before_releasing_claims(
    live_url, scene, chromium, sign_in, django_user_model
):
    """The select starts on "Choose…", which Reassign refuses in place; "No one" over a photo in
    repair asks first (dismissed: nothing is sent; accepted: the claim is released)."""
    from playwright.sync_api import expect

    from jewelreview.catalog.models import Photo
    from jewelreview.reviews.services import photo_claim

    tom = django_user_model.objects.get(username="tom")
    assert photo_claim(photo=Photo.objects.get(pk=scene["RING2_front"]), actor=tom).status == "in_repair"
    questions: list[str] = []
    answers: list[bool] = [False, True]
    with chromium() as browser:
        page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
        page.on(
            "dialog",
            lambda dialog: (questions.append(dialog.message), dialog.accept() if answers.pop(0) else dialog.dismiss()),
        )
        sign_in(page, "mona", PASSWORD)
        page.goto(f"{live_url}/dashboard/photos/")
        select = page.get_by_label("Assign to")
        expect(select).to_have_value("")
        page.get_by_label("Select RING2 front").check()
        page.get_by_label("Select RING1 front").check()
        page.get_by_role("button", name="Reassign (2)").click()
        expect(page.get_by_role("alert")).to_have_text(
            'Choose whom to assign the selected photos to: a person, or "No one" to unassign them.'
        )
        expect(select).to_be_focused()
        assert questions == [] and page.url == f"{live_url}/dashboard/photos/"

        select.select_option(label="No one (unassign; releases claims)")
        expect(page.locator("[data-assignee-error]")).to_be_hidden()
        question = (
            "Unassign the 2 selected photos? 1 of them is in repair: unassigning releases its claim, "
            "and the retoucher holding it loses it."
        )
        page.get_by_role("button", name="Reassign (2)").click()  # dismissed
        assert questions == [question]
        expect(page.get_by_label("Select RING2 front")).to_be_checked()  # still on the page, nothing sent
        expect(page.locator(f'tr[data-photo-row="{scene["RING2_front"]}"]')).to_contain_text("In repair")

        page.get_by_role("button", name="Reassign (2)").click()  # accepted
        expect(page.get_by_role("status").first).to_contain_text("2 photos unassigned.")
        assert questions == [question, question]
        expect(page.locator(f'tr[data-photo-row="{scene["RING2_front"]}"]')).to_contain_text("Flagged")

    released = Photo.objects.get(pk=scene["RING2_front"])
    assert (released.status, released.assignee) == ("flagged", None)
