"""In a real browser: a manager signs in through the login form and imports a photo on /uploads/."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

PASSWORD = "manager-e2e-password-1"


@pytest.fixture
def manager(transactional_db, django_user_model):
    from jewelreview.accounts.roles import Role
    from jewelreview.accounts.services import user_set_roles

    user = django_user_model.objects.create_user(username="mona", password=PASSWORD)
    return user_set_roles(user=user, roles=[Role.MANAGER])


def ring_pair(width: int = 320, height: int = 240) -> list[dict]:
    """RING9_front.jpg (a gold ring on light grey, drawn with OpenCV) and its mask RING9_front_mask.png."""
    center, radius, band = (width // 2, height // 2), min(width, height) // 4, 8
    bgr = np.full((height, width, 3), 232, np.uint8)
    cv2.circle(bgr, center, radius, (40, 150, 205), thickness=band, lineType=cv2.LINE_AA)
    mask = np.zeros((height, width), np.uint8)
    cv2.circle(mask, center, radius, 255, thickness=band + 2)
    ok_jpeg, jpeg = cv2.imencode(".jpg", bgr, [cv2.IMWRITE_JPEG_QUALITY, 92])
    ok_png, png = cv2.imencode(".png", mask)
    assert ok_jpeg and ok_png
    return [
        {"name": "RING9_front.jpg", "mimeType": "image/jpeg", "buffer": jpeg.tobytes()},
        {"name": "RING9_front_mask.png", "mimeType": "image/png", "buffer": png.tobytes()},
    ]


def test_manager_signs_in_and_imports_a_pair(live_url, manager, chromium, sign_in):
    from playwright.sync_api import expect

    from jewelreview.catalog.models import Photo

    # The ORM stays outside the Playwright block: its sync API runs an event loop in this thread,
    # where Django refuses database calls (SynchronousOnlyOperation).
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        sign_in(page, "mona", PASSWORD)
        expect(page).to_have_url(f"{live_url}/dashboard/")  # a manager starts on the dashboard
        expect(page.locator(".site-user")).to_contain_text("Signed in as mona")
        page.get_by_role("link", name="Uploads", exact=True).click()
        expect(page).to_have_url(f"{live_url}/uploads/")

        page.get_by_label("Photos and AI results, or one zip").set_input_files(ring_pair())
        page.get_by_label("Batch name (optional)").fill("e2e")
        page.get_by_role("button", name="Import").click()

        row = page.locator(".report-table tbody tr", has_text="RING9_front.jpg")
        expect(row).to_have_count(1)
        expect(row.locator("td").first).to_have_text("Imported")
        expect(row).to_contain_text("SKU RING9, view front")
        expect(page.get_by_role("status")).to_contain_text("1 imported, 0 skipped, 0 refused, 0 ignored")

        # While an import runs the button is off and a line says what is happening (a synthetic
        # submit event runs the page's handler without sending anything).
        page.locator("form[data-busy]").evaluate("form => form.dispatchEvent(new Event('submit', {cancelable: true}))")
        expect(page.get_by_role("button", name="Import")).to_be_disabled()
        expect(page.locator("#upload-status")).to_contain_text("Importing: the files are checked, stored and paired")

    photo = Photo.objects.get()
    assert (photo.sku.code, photo.view, photo.batch.name) == ("RING9", "front", "e2e")
    assert (photo.width, photo.height, photo.source_name) == (320, 240, "RING9_front.jpg")
