"""In a real browser: a retoucher sees the reviewer's pins on /retouch/, claims with the keyboard,
finds the editor link, and submits a repaired photo for re-review."""

from __future__ import annotations

import io

import cv2
import numpy as np
import pytest

PASSWORD = "retouch-e2e-password-1"
WIDTH, HEIGHT = 320, 240
POINT = {"x": 180.0, "y": 60.0}
REGION = {"x0": 40.0, "y0": 150.0, "x1": 120.0, "y1": 210.0}


def ring_files(stem: str, radius: int) -> list[tuple[str, io.BytesIO]]:
    """``<stem>.jpg``, a gold ring on light grey drawn with OpenCV, and its mask ``<stem>_mask.png``."""
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
    """RING1_front flagged by rita with a point and a region; RING2_front claimed by tom with a revision."""
    from jewelreview.accounts.services import user_set_roles
    from jewelreview.catalog.ingest import ingest_files
    from jewelreview.catalog.models import Photo
    from jewelreview.repairs.services import revision_create
    from jewelreview.reviews.services import photo_claim, photo_flag

    rita = user_set_roles(user=django_user_model.objects.create_user("rita", password=PASSWORD), roles=["reviewer"])
    tom = user_set_roles(user=django_user_model.objects.create_user("tom", password=PASSWORD), roles=["retoucher"])
    report = ingest_files(files=ring_files("RING1_front", 60) + ring_files("RING2_front", 70), batch_name="e2e")
    assert len(report.imported) == 2, report
    pinned = Photo.objects.get(sku__code="RING1")
    repaired = Photo.objects.get(sku__code="RING2")
    assert pinned.status == repaired.status == "needs_review"  # previews were built on commit
    photo_flag(photo=pinned, actor=rita, reason="clipped_prong", note="top prong is cut off", pins=[POINT, REGION])
    photo_flag(photo=repaired, actor=rita, reason="halo", note="grey fringe")
    photo_claim(photo=repaired, actor=tom)
    recipe = {"version": 1, "base": "ai", "ops": [{"op": "refine", "contrast": 90, "shift_edge": 100}]}
    revision_create(photo=repaired, author=tom, recipe=recipe, base_revision=None, note="fringe cut")
    return {"pinned": pinned.pk, "repaired": repaired.pk}


def test_retoucher_sees_the_reviewers_pins_claims_and_submits(live_url, scene, chromium, sign_in):
    from playwright.sync_api import expect

    from jewelreview.catalog.models import Photo

    pinned, repaired = scene["pinned"], scene["repaired"]
    problems: list[str] = []
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.on("pageerror", lambda exc: problems.append(str(exc)))
        page.on(
            "response",
            lambda r: r.status >= 400 and not r.url.endswith("/favicon.ico") and problems.append(r.url),
        )
        sign_in(page, "tom", PASSWORD)
        expect(page).to_have_url(f"{live_url}/retouch/")  # a retoucher starts on "My work"

        card = page.locator(f"#photo-{pinned}")
        expect(card).to_contain_text("Clipped prong")
        expect(card).to_contain_text("top prong is cut off")
        expect(card).to_contain_text("flagged by rita")
        expect(card.locator(".flag-pins")).to_have_text("pins 1, 2")
        image = card.locator(".pinned-image img")
        expect(image).to_have_js_property("complete", True)
        assert image.evaluate("img => img.naturalWidth") > 0  # the stored preview loaded

        # The point pin sits where the reviewer put it: (180, 60) of 320 x 240 on the thumbnail.
        layer = card.locator("svg[data-pin-layer]").bounding_box()
        ring = card.locator('[data-pin="1"] circle').bounding_box()
        scale = min(layer["width"] / WIDTH, layer["height"] / HEIGHT)
        left = layer["x"] + (layer["width"] - WIDTH * scale) / 2
        top = layer["y"] + (layer["height"] - HEIGHT * scale) / 2
        assert abs(ring["x"] + ring["width"] / 2 - (left + POINT["x"] * scale)) < 1.5
        assert abs(ring["y"] + ring["height"] / 2 - (top + POINT["y"] * scale)) < 1.5
        region = card.locator('[data-pin="2"] rect').bounding_box()
        assert abs(region["x"] - (left + REGION["x0"] * scale)) < 2.5
        assert abs(region["width"] - (REGION["x1"] - REGION["x0"]) * scale) < 3

        # Claim from the keyboard: focus the button, see the focus ring, press Enter.
        claim = card.get_by_role("button", name="Claim RING1 front")
        claim.focus()
        page.keyboard.press("Shift+Tab")
        page.keyboard.press("Tab")
        assert claim.evaluate("b => getComputedStyle(b).outlineStyle") == "solid"  # visible focus
        page.keyboard.press("Enter")
        expect(page.get_by_role("status")).to_contain_text("RING1 / front is yours: open it in the editor.")
        claimed = page.locator("section[aria-labelledby=claimed-heading]")
        expect(claimed.locator(f"#photo-{pinned}")).to_be_visible()
        expect(claimed.get_by_role("link", name="Open in editor RING1 front")).to_have_attribute(
            "href", f"/photos/{pinned}/edit/"
        )
        expect(claimed.locator(f"#photo-{pinned} [data-pin]")).to_have_count(2)  # pins travel along

        repaired_card = claimed.locator(f"#photo-{repaired}")
        expect(repaired_card).to_contain_text("revision r1")
        repaired_card.get_by_role("button", name="Submit for re-review RING2 front").click()
        expect(page.get_by_role("status")).to_contain_text("RING2 / front went back to review.")
        expect(page.locator(f"#photo-{repaired}")).to_have_count(0)

    assert problems == []
    assert Photo.objects.get(pk=pinned).status == "in_repair"
    assert Photo.objects.get(pk=pinned).assignee.username == "tom"
    assert (Photo.objects.get(pk=repaired).status, Photo.objects.get(pk=repaired).assignee) == ("needs_review", None)


def test_submitting_the_flagged_revision_unchanged_asks_first(live_url, scene, chromium, sign_in, django_user_model):
    """Flagged on r1 and claimed again with nothing saved since: Submit asks; Cancel keeps the photo."""
    from playwright.sync_api import expect

    from jewelreview.catalog.models import Photo
    from jewelreview.reviews.services import photo_claim, photo_flag, photo_submit

    rita, tom = django_user_model.objects.get(username="rita"), django_user_model.objects.get(username="tom")
    repaired = Photo.objects.get(pk=scene["repaired"])
    photo_submit(photo=repaired, actor=tom)
    repaired.refresh_from_db()
    photo_flag(photo=repaired, actor=rita, reason="halo", note="still grey")
    repaired.refresh_from_db()
    photo_claim(photo=repaired, actor=tom)
    questions: list[str] = []
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        sign_in(page, "tom", PASSWORD)
        card = page.locator(f"#photo-{repaired.pk}")
        expect(card).to_contain_text("No new revision since the flag.")
        submit = card.get_by_role("button", name="Submit for re-review RING2 front")

        page.once("dialog", lambda dialog: (questions.append(dialog.message), dialog.dismiss()))
        submit.click()
        assert questions == ["No new revision since the flag. Send it back to review unchanged?"]
        page.wait_for_timeout(300)
        state = page.request.get(f"{live_url}/api/photos/{repaired.pk}/").json()
        assert state["status"] == "in_repair", state  # cancelled: nothing was sent
        expect(card).to_be_visible()

        page.once("dialog", lambda dialog: dialog.accept())
        submit.click()
        expect(page.get_by_role("status")).to_contain_text("RING2 / front went back to review.")
    assert Photo.objects.get(pk=repaired.pk).status == "needs_review"
