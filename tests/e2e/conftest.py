"""What every real-browser test here shares: the browser marker, the Chromium skip, isolated media.

Tests launch Chromium with the ``chromium`` fixture (tests/conftest.py), inside the test after
its ORM work.
"""

from __future__ import annotations

import os
from pathlib import Path

import cv2
import numpy as np
import pytest

CHROMIUM = "/usr/bin/chromium"
# The ring scene of the review and auto-fix tests (their modules use the same numbers).
WIDTH, HEIGHT = 1200, 900
PRONG_FROM, PRONG_TO = (632, 236), (648, 316)


def pytest_collection_modifyitems(config, items):
    """Every test here is a browser test. Where Chromium is not installed they are skipped, with
    the reason, except under ``JEWELREVIEW_REQUIRE_BROWSER=1`` (set by .ci/run, which installs
    Chromium): there a missing browser is an error, never a green run that tested no page."""
    here = Path(__file__).parent
    ours = [item for item in items if here in Path(item.fspath).parents]
    if ours and not Path(CHROMIUM).exists() and os.environ.get("JEWELREVIEW_REQUIRE_BROWSER") == "1":
        raise pytest.UsageError(f"JEWELREVIEW_REQUIRE_BROWSER=1 but Debian's Chromium is not at {CHROMIUM}")
    unavailable = pytest.mark.skip(reason=f"Debian's Chromium is not installed at {CHROMIUM}")
    for item in ours:
        item.add_marker(pytest.mark.browser)
        if not Path(CHROMIUM).exists():
            item.add_marker(unavailable)


@pytest.fixture(autouse=True)
def _browser_media(isolated_media):
    """Every browser test stores into a temporary media folder (``isolated_media``, tests/conftest.py)."""
    return isolated_media


@pytest.fixture
def sign_in(live_url):
    """``sign_in(page, username, password)``: the login form filled in and sent, as a person does."""

    def sign_in(page, username: str, password: str) -> None:
        page.goto(f"{live_url}/login/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign in").click()

    return sign_in


@pytest.fixture
def ring_scene():
    """``ring_scene(seed) -> (jpeg, png)``: a gold ring whose AI mask lost the right prong."""
    return _ring_scene


def _ring_scene(seed: int) -> tuple[bytes, bytes]:
    """A gold ring with a stone held by two prongs on grey (JPEG), and an AI mask that lost the right prong (PNG)."""
    rng = np.random.default_rng(seed)
    bgr = np.full((HEIGHT, WIDTH, 3), 226, np.uint8)
    centre, radius = (600, 560), 230
    cv2.circle(bgr, centre, radius, (40, 150, 205), thickness=18, lineType=cv2.LINE_AA)
    cv2.circle(bgr, (600, 250), 44, (235, 230, 225), thickness=-1, lineType=cv2.LINE_AA)
    left_prong = ((568, 236), (552, 316))
    for start, end in (left_prong, (PRONG_FROM, PRONG_TO)):
        cv2.line(bgr, start, end, (60, 160, 210), thickness=3, lineType=cv2.LINE_AA)
    bgr = np.clip(bgr.astype(np.int16) + rng.integers(-2, 3, bgr.shape), 0, 255).astype(np.uint8)
    mask = np.zeros((HEIGHT, WIDTH), np.uint8)
    cv2.circle(mask, centre, radius, 255, thickness=20)
    cv2.circle(mask, (600, 250), 45, 255, thickness=-1)
    cv2.line(mask, *left_prong, 255, thickness=4)  # the right prong is missing: a clipped prong
    ok_jpeg, jpeg = cv2.imencode(".jpg", bgr, [cv2.IMWRITE_JPEG_QUALITY, 92])
    ok_png, png = cv2.imencode(".png", mask)
    assert ok_jpeg and ok_png
    return jpeg.tobytes(), png.tobytes()
