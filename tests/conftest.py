"""Shared test configuration: a deterministic hypothesis profile; Django settings for tests/jewelreview;
the live server, isolated media and Chromium launcher of the real-browser tests (tests/e2e,
tests/security); the cluttered-photo scene of core's and the service's auto-fix tests."""

import os
import threading
from contextlib import contextmanager

import cv2
import django
import numpy as np
import pytest
from django.core.cache import cache

from hypothesis import settings

# Debian's Chromium (Playwright cannot download browsers here), headless in a container.
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

settings.register_profile("ci", derandomize=True, deadline=None, max_examples=60, print_blob=True)
settings.load_profile("ci")

# Django for tests/jewelreview (its fixtures live in tests/jewelreview/conftest.py). pytest-django
# configures Django before this file is read, so without `DJANGO_SETTINGS_MODULE` in the pytest
# ini options we load the settings here; its pytest_configure then finishes the setup.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jewelreview.settings")
django.setup()


@pytest.fixture(autouse=True)
def no_op_results_kept(monkeypatch):
    """Tests solve their recover and matte ops every time: core keeps their results per process
    (core.result_cache), which a test patching an op's steps halfway must not be served from.
    The cache's own tests put a real one back."""
    from core import result_cache

    monkeypatch.setattr(result_cache, "_op_results", result_cache.ResultCache(max_bytes=0))


@pytest.fixture
def solves_counted(monkeypatch):
    """The band ops' results cache as a process has it (tests run without it, above), and
    ``solves_counted(module, name)``: the list each call of that op's solve appends to."""
    from core import result_cache

    result_cache.keep_op_results(result_cache.OP_RESULT_BYTES)

    def count(module, name: str) -> list:
        solves = []
        real = getattr(module, name)
        monkeypatch.setattr(module, name, lambda *args: solves.append(1) or real(*args))
        return solves

    yield count
    result_cache.keep_op_results(0)


@pytest.fixture
def isolated_media(settings, tmp_path):
    """Uploads and renders go to a temporary media folder (never var/media); fast password
    hashing; no login attempt counts left over from another test."""
    media = tmp_path / "media"
    settings.MEDIA_ROOT = media
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "jewelreview.storages.AtomicFileSystemStorage", "OPTIONS": {"location": str(media)}},
    }
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    cache.clear()
    yield media
    cache.clear()


@pytest.fixture
def live_url(transactional_db):
    """The site on a free port, running one request's view at a time; yields its base URL.

    pytest-django's ``live_server`` answers each request in a thread of its own, and with the
    in-memory SQLite test database all those threads share the test's one connection (so they see
    its data). Pages that fire dozens of tile and image requests next to their writes trip over
    each other on that one connection ("database table is locked", "bad parameter or other API
    misuse"). Here the application runs for one request at a time. In production every thread
    has its own connection.
    """
    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from django.db import connections
    from django.test.testcases import LiveServerThread, ThreadedWSGIServer

    class OneAtATime:
        def __init__(self, app):
            self.app, self.lock = app, threading.Lock()

        def __call__(self, environ, start_response):
            with self.lock:
                return self.app(environ, start_response)

    class SerialServer(ThreadedWSGIServer):
        def set_app(self, application):
            super().set_app(OneAtATime(application))

    class SerialServerThread(LiveServerThread):
        server_class = SerialServer

    shared = [conn for conn in connections.all() if conn.vendor == "sqlite" and conn.is_in_memory_db()]
    for conn in shared:
        conn.inc_thread_sharing()
    thread = SerialServerThread(
        "localhost", StaticFilesHandler, connections_override={conn.alias: conn for conn in shared}
    )
    thread.daemon = True
    thread.start()
    thread.is_ready.wait()
    try:
        if thread.error:
            raise thread.error
        yield f"http://localhost:{thread.port}"
    finally:
        thread.terminate()
        for conn in shared:
            conn.dec_thread_sharing()


@pytest.fixture
def chromium():
    """``with chromium() as browser:``: Debian's Chromium through Playwright, closed afterwards.

    Launched inside the test, after its ORM work: Playwright's event loop makes Django refuse
    database calls in the same thread."""

    @contextmanager
    def launch():
        from playwright.sync_api import sync_playwright

        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                yield browser
            finally:
                browser.close()

    return launch


@pytest.fixture
def cluttered_pendant():
    """``cluttered_pendant(seed=0, size=(200, 160)) -> (rgb, ai, truth)``: a photo that is no
    studio shot, whose AI mask lost prongs and bleeds (see :func:`_cluttered_pendant`)."""
    return _cluttered_pendant


def _cluttered_pendant(seed=0, size=(200, 160)):
    """A dark disc with three 4 px prongs on a wall of coloured blocks (no sweep). The "AI" mask
    lost the prongs and is see-through (0.4) in a band 7-11 px wide along its right side, the
    way the benchmark's damage model makes opacity bleed; edges soft (sigma 0.8)."""
    w, h = size
    rng = np.random.default_rng(seed)
    rgb = np.zeros((h, w, 3), np.uint8)
    for y in range(0, h, 20):
        for x in range(0, w, 20):
            rgb[y : y + 20, x : x + 20] = rng.integers(120, 240, 3)
    truth = np.zeros((h, w), np.uint8)
    cv2.circle(rgb, (90, 85), 40, (30, 25, 20), -1)
    cv2.circle(truth, (90, 85), 40, 255, -1)
    for angle in np.deg2rad((200, 240, 280)):
        start = (int(90 + 38 * np.cos(angle)), int(85 + 38 * np.sin(angle)))
        end = (int(90 + 52 * np.cos(angle)), int(85 + 52 * np.sin(angle)))
        cv2.line(rgb, start, end, (30, 25, 20), 4)
        cv2.line(truth, start, end, 255, 4)
    rgb = np.clip(rgb.astype(np.int16) + rng.normal(0, 2, rgb.shape).astype(np.int16), 0, 255).astype(np.uint8)
    disc = np.zeros((h, w), np.uint8)
    cv2.circle(disc, (90, 85), 40, 255, -1)
    depth = cv2.distanceTransform(disc, cv2.DIST_L2, 5)
    rise = np.clip((depth - 7) / 4.5, 0, 1)
    level = 0.4 + 0.6 * rise * rise * (3 - 2 * rise)
    alpha = disc.astype(np.float32) / 255
    alpha[:, 105:] = np.where(disc[:, 105:] > 0, level[:, 105:], 0)
    ai = np.clip(cv2.GaussianBlur(alpha, (0, 0), 0.8) * 255 + 0.5, 0, 255).astype(np.uint8)
    return rgb, ai, truth
