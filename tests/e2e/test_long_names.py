"""In a real browser: a batch, SKU and view with long unbroken names (a supplier's file-name
convention, a pasted order number) wrap inside the pages instead of pushing tables, filters and
cards past the window's right edge."""

from __future__ import annotations

import io
import re

import cv2
import numpy as np
import pytest

PASSWORD = "long-names-e2e-password-1"
BATCH = "SS27-lookbook-" + "retouch_" * 14 + "final"
SKU = "RING" + "0123456789" * 6
VIEW = "front" + "X" * 40


def ring_files(stem: str, radius: int) -> list[tuple[str, io.BytesIO]]:
    bgr = np.full((240, 320, 3), 232, np.uint8)
    cv2.circle(bgr, (160, 120), radius, (40, 150, 205), thickness=10, lineType=cv2.LINE_AA)
    mask = np.zeros((240, 320), np.uint8)
    cv2.circle(mask, (160, 120), radius, 255, thickness=12)
    return [
        (f"{stem}.jpg", io.BytesIO(cv2.imencode(".jpg", bgr)[1].tobytes())),
        (f"{stem}_mask.png", io.BytesIO(cv2.imencode(".png", mask)[1].tobytes())),
    ]


@pytest.fixture
def long_named(transactional_db, django_user_model):
    """One photo of a long-named SKU and view, in a long-named batch, flagged and claimed by tom."""
    from jewelreview.accounts.services import user_set_roles
    from jewelreview.catalog.ingest import ingest_files
    from jewelreview.catalog.models import Photo
    from jewelreview.reviews.services import photo_claim, photo_flag

    def person(name: str, role: str):
        return user_set_roles(user=django_user_model.objects.create_user(name, password=PASSWORD), roles=[role])

    mona, rita, tom = person("mona", "manager"), person("rita", "reviewer"), person("tom", "retoucher")
    files = [*ring_files(f"{SKU}_{VIEW}", 60), *ring_files("RING2_front", 50)]
    report = ingest_files(files=files, batch_name=BATCH, actor=mona)
    assert len(report.imported) == 2, report
    photo = Photo.objects.get(sku__code=SKU)
    assert photo.view == VIEW and photo.batch.name == BATCH
    photo_flag(photo=photo, actor=rita, reason="halo", note="fringe on the left")
    photo_claim(photo=photo, actor=tom)
    return {"photo": photo.pk, "batch": photo.batch_id}


# The innermost elements reaching past the window's right edge, to say what to fix.
WIDEST_LEAVES = """() => [...document.querySelectorAll('body *')]
  .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1)
  .filter((e) => ![...e.children].some((c) => c.getBoundingClientRect().right > window.innerWidth + 1))
  .slice(0, 4).map((e) => e.tagName.toLowerCase() + (e.className ? '.' + String(e.className).split(' ')[0] : '')
    + ' "' + (e.textContent || '').trim().slice(0, 30) + '" ' + Math.round(e.getBoundingClientRect().width) + 'px')
  .join(', ')"""

# Table captions whose text runs past the right edge of the table's scroll box (a caption is as
# wide as its table, so a long one is cut off with the last columns): their beginnings.
CAPTIONS_CUT = """() => [...document.querySelectorAll('.table-scroll')].flatMap((box) => {
  const right = box.getBoundingClientRect().right;
  return [...box.querySelectorAll('caption:not(.visually-hidden)')].filter((caption) => {
    const text = document.createRange();
    text.selectNodeContents(caption);
    return text.getBoundingClientRect().right > right + 1;
  }).map((caption) => caption.textContent.trim().slice(0, 40));
})"""

PAGES = {
    "mona": ["/dashboard/", "/dashboard/photos/", "/dashboard/?batch={batch}", "/grid/", "/queue/"],
    "rita": ["/queue/", "/grid/", "/photos/{photo}/review/"],
    "tom": ["/retouch/"],
}


@pytest.mark.parametrize("width", [1280, 800])
def test_long_names_stay_inside_the_window(live_url, long_named, chromium, sign_in, width):
    too_wide: list[str] = []
    with chromium() as browser:
        for username, paths in PAGES.items():
            context = browser.new_context(viewport={"width": width, "height": 900})
            page = context.new_page()
            sign_in(page, username, PASSWORD)
            for path in paths:
                page.goto(live_url + path.format(**long_named))
                page.wait_for_load_state("networkidle")
                shown = page.get_by_text(SKU[:20], exact=False).count() + page.get_by_text(BATCH[:20]).count()
                assert shown, f"{path} shows neither the SKU nor the batch: the check would prove nothing"
                overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
                if overflow > 0:
                    culprits = page.evaluate(WIDEST_LEAVES)
                    too_wide.append(f"{path} as {username}: {overflow} px past the right edge ({culprits})")
                for caption in page.evaluate(CAPTIONS_CUT):
                    too_wide.append(f"{path} as {username}: caption cut off in its table's scroll box: {caption!r}")
            context.close()
    assert not too_wide, "\n".join(too_wide)


def test_the_queue_explains_its_order_outside_the_tables_scroll_box(live_url, long_named, chromium, sign_in):
    """At 800 px the queue's table scrolls sideways; the sentence saying its order wraps in the
    page, whole, rather than running off with the table's last columns."""
    from playwright.sync_api import expect

    with chromium() as browser:
        page = browser.new_context(viewport={"width": 800, "height": 900}).new_page()
        sign_in(page, "rita", PASSWORD)
        page.goto(f"{live_url}/queue/?status=")
        scroll = page.locator(".table-scroll")
        assert scroll.evaluate("box => box.scrollWidth > box.clientWidth")  # the case in question
        summary = page.get_by_text("highest risk first")
        expect(summary).to_have_text(re.compile(r"^\s*\d+ photos?, highest risk first .*\), then oldest\.\s*$"))
        assert summary.evaluate("e => !e.closest('.table-scroll')")
        text_right = summary.evaluate("e => { const r = document.createRange(); r.selectNodeContents(e); return r.getBoundingClientRect().right; }")
        assert text_right <= scroll.bounding_box()["x"] + scroll.bounding_box()["width"]
        assert page.locator(".queue-table").get_attribute("aria-describedby") == summary.get_attribute("id")
