"""In real Chromium: every main page loads under the Content Security Policy without a violation.

A manager (who may open every page) signs in and visits each page, the editor (once routed), the
API docs and the admin; the review page loads its deep-zoom viewer (OpenSeadragon draws tiles on
canvases) and the grid its thumbnails. Any console
message saying the browser refused something, any ``securitypolicyviolation`` event and any page
error fails the test, naming the page.
"""

from __future__ import annotations

import io
from pathlib import Path

import cv2
import numpy as np
import pytest
from django.urls import URLPattern, URLResolver, get_resolver

CHROMIUM = "/usr/bin/chromium"  # for the skip; tests launch it with the `chromium` fixture
PASSWORD = "csp-e2e-password-1"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.usefixtures("isolated_media"),  # tests/conftest.py, with live_url
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"Debian's Chromium is not installed at {CHROMIUM}"),
]

# Recorded in the page before any of its scripts run (init scripts are not subject to the page's CSP).
VIOLATION_RECORDER = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  const where = `${e.sourceFile}:${e.lineNumber}`;
  window.__cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI || 'inline'} (${where})`);
});
"""


def ring(seed: int, width: int = 640, height: int = 480) -> tuple[bytes, bytes]:
    rng = np.random.default_rng(seed)
    bgr = np.full((height, width, 3), 226, np.uint8)
    cv2.circle(bgr, (width // 2, height // 2), 150, (40, 150, 205), thickness=14, lineType=cv2.LINE_AA)
    bgr = np.clip(bgr.astype(np.int16) + rng.integers(-2, 3, bgr.shape), 0, 255).astype(np.uint8)
    mask = np.zeros((height, width), np.uint8)
    cv2.circle(mask, (width // 2, height // 2), 150, 255, thickness=16)
    return cv2.imencode(".jpg", bgr)[1].tobytes(), cv2.imencode(".png", mask)[1].tobytes()


@pytest.fixture
def scene(transactional_db, django_user_model):
    """A manager and three prepared photos: one waiting for review, one flagged (a retouch card)."""
    from jewelreview.accounts.roles import Role
    from jewelreview.accounts.services import user_set_roles
    from jewelreview.catalog.ingest import ingest_files
    from jewelreview.catalog.models import Photo
    from jewelreview.reviews.services import photo_flag

    manager = user_set_roles(
        user=django_user_model.objects.create_user(username="mona", password=PASSWORD), roles=[Role.MANAGER]
    )
    files = []
    for n in (1, 2, 3):
        jpeg, png = ring(n)
        files += [(f"RING{n}_front.jpg", io.BytesIO(jpeg)), (f"RING{n}_front_mask.png", io.BytesIO(png))]
    report = ingest_files(files=files, batch_name="csp")  # previews and tiles are made on commit
    assert len(report.imported) == 3, report
    photos = list(Photo.objects.order_by("pk"))
    assert all(p.status == "needs_review" and p.tiles_cutout for p in photos)
    photo_flag(photo=photos[1], actor=manager, reason="halo", pins=[{"x": 320, "y": 90}])
    return manager, photos


def editor_paths(photo_id: int) -> list[str]:
    """The editor page, once it is routed (a page route under photos/<id>/ other than review)."""
    found = []
    for entry in get_resolver().url_patterns:
        if isinstance(entry, URLResolver) and str(entry.pattern) == "":
            for sub in entry.url_patterns:
                route = str(sub.pattern)
                if isinstance(sub, URLPattern) and route.startswith("photos/<int:photo_id>/") and "review" not in route:
                    if "<" not in route.removeprefix("photos/<int:photo_id>/"):
                        found.append("/" + route.replace("<int:photo_id>", str(photo_id)))
    return found


def test_every_main_page_loads_without_a_csp_violation(live_url, scene, chromium):
    
    _, photos = scene
    pages = [
        "/home/",
        "/uploads/",
        "/queue/",
        f"/photos/{photos[0].pk}/review/",
        "/grid/",
        "/retouch/",
        "/dashboard/",
        "/dashboard/photos/",
        *editor_paths(photos[1].pk),
        "/api/docs/",
        "/admin/",
        "/admin/catalog/photo/",
    ]
    problems: list[str] = []
    with chromium() as browser:
        context = browser.new_context(viewport={"width": 1280, "height": 800})
        context.add_init_script(VIOLATION_RECORDER)
        page = context.new_page()
        current = {"path": "/login/"}
        page.on(
            "console",
            lambda msg: problems.append(f"{current['path']}: console {msg.type}: {msg.text}")
            if "Refused to" in msg.text or "Content Security Policy" in msg.text
            else None,
        )
        page.on("pageerror", lambda exc: problems.append(f"{current['path']}: page error: {exc}"))

        def visit(path: str) -> None:
            current["path"] = path
            response = page.goto(f"{live_url}{path}")
            assert response is not None and response.status == 200, (path, response and response.status)
            assert "default-src 'self'" in response.headers["content-security-policy"]
            page.wait_for_load_state("networkidle")
            page.wait_for_timeout(300)
            problems.extend(f"{path}: {v}" for v in page.evaluate("window.__cspViolations"))

        visit("/login/")
        page.get_by_label("Username").fill("mona")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(f"{live_url}/dashboard/")
        for path in pages:
            visit(path)

        # The review page really drew its deep-zoom canvas (blob: and canvas work under the policy).
        visit(f"/photos/{photos[0].pk}/review/")
        drawn = page.evaluate(
            "() => { const c = document.querySelector('.openseadragon-canvas canvas');"
            " return c ? c.width * c.height : 0; }"
        )
        assert drawn > 0
    assert problems == [], "\n".join(problems)
