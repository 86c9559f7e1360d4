"""In a real browser: detection ran at ingest, the reviewer sees the dropped prong outlined on the
review screen, presses "Apply auto-fix", and the photo comes back with the repair as a new revision."""

from __future__ import annotations

import io
import json
import re

import pytest

PASSWORD = "reviewer-e2e-password-1"
WIDTH, HEIGHT = 1200, 900
# The right prong of the stone's setting: a 3 px line the AI mask dropped.
PRONG_FROM, PRONG_TO = (632, 236), (648, 316)


@pytest.fixture
def detected(transactional_db, django_user_model, ring_scene):
    """A reviewer and one photo ingested (prepared and detected on commit, in-process)."""
    from jewelreview.accounts.roles import Role
    from jewelreview.accounts.services import user_set_roles
    from jewelreview.catalog.ingest import ingest_files
    from jewelreview.catalog.models import Photo

    user = django_user_model.objects.create_user(username="rita", password=PASSWORD)
    user_set_roles(user=user, roles=[Role.REVIEWER])
    jpeg, png = ring_scene(seed=1)
    files = [("RING1_front.jpg", io.BytesIO(jpeg)), ("RING1_front_mask.png", io.BytesIO(png))]
    report = ingest_files(files=files, batch_name="e2e")  # prepared, then detected, on commit
    photo = Photo.objects.get(pk=report.imported[0].photo_id)
    assert photo.status == "needs_review" and photo.risk is not None and photo.risk > 0.5
    thin = [d for d in photo.detections if d["kind"] == "thin_loss"]
    assert thin and thin[0]["box"]["x0"] <= PRONG_TO[0] and thin[0]["box"]["x1"] >= PRONG_FROM[0]
    return photo


def test_reviewer_sees_the_region_and_applies_autofix(live_url, detected, chromium, sign_in):
    from playwright.sync_api import expect

    from jewelreview.repairs.models import Render, Revision

    photo = detected
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        sign_in(page, "rita", PASSWORD)
        page.goto(f"{live_url}/photos/{photo.pk}/review/")

        # Detection's regions: outlined on the viewer and listed in the panel.
        outlined = page.locator("#viewer-main [data-detection] .detection-box")
        expect(outlined.first).to_be_attached(timeout=15_000)
        assert outlined.count() == len(photo.detections)
        expect(page.locator("#detection-list")).to_contain_text("Lost prong, chain or wire")
        # Lettered on the photo as in the list (pins are the numbered marks).
        # Read in one step: the layer is redrawn while the viewer settles on its fit, and a badge
        # read apart from its letters may have been replaced in between (bounding_box() None).
        expect(page.locator("#viewer-main .detection-badges .detection-label")).to_have_count(len(photo.detections))
        letters, badges = page.locator("#viewer-main").evaluate(
            """viewer => [
                [...viewer.querySelectorAll(".detection-badges .detection-label")].map((t) => t.textContent),
                [...viewer.querySelectorAll(".detection-badge-box")].map((r) => {
                    const b = r.getBoundingClientRect();
                    return { x: b.x, y: b.y, width: b.width, height: b.height };
                }),
            ]"""
        )
        assert letters == [chr(ord("A") + i) for i in range(len(photo.detections))], letters
        assert all(
            a["x"] + a["width"] <= b["x"] or b["x"] + b["width"] <= a["x"]
            or a["y"] + a["height"] <= b["y"] or b["y"] + b["height"] <= a["y"]
            for i, a in enumerate(badges) for b in badges[i + 1:]
        ), badges  # no letter covers another
        style = page.locator("#detection-list").evaluate("list => getComputedStyle(list).listStyleType")
        assert style == "upper-alpha", style

        # Detection stored its proposal: the panel says what the click will repair.
        plan = re.compile(r"Auto-fix repairs \d+ regions? in \d+ steps? \(.*channel mask")
        expect(page.locator("#autofix-help")).to_contain_text(plan)
        button = page.get_by_role("button", name="Apply auto-fix")
        expect(button).to_be_enabled()
        with page.expect_navigation(timeout=60_000):  # the page reloads once the render is done
            button.click()
        config = json.loads(page.locator("#review-config").text_content() or "{}")
        assert config["current"] != "cutout", config["layers"]  # the repaired revision is shown now
        assert config["can"]["approve"] is True  # ...and reviewed as usual
        # Applied: the panel says so, and the button only repeats it.
        expect(page.locator("#autofix-help")).to_have_text("Auto-fix is applied: revision 1 is its result.")
        expect(page.locator("#autofix")).to_have_attribute("aria-disabled", "true")
        assert errors == []

    revision = Revision.objects.get(photo=photo)
    assert revision.note.startswith("auto-fix: ") and revision.author.username == "rita"
    ops = {op["op"] for op in revision.recipe["ops"]}
    assert ops and ops <= {"channel", "refine"}
    assert Render.objects.get(revision=revision).state == "done"
