"""Shared test configuration: a deterministic hypothesis profile; Django settings for tests/jewelreview;
the live server and isolated media of the real-browser tests (tests/e2e, tests/security)."""

import os
import threading

import django
import pytest
from django.core.cache import cache

from hypothesis import settings

settings.register_profile("ci", derandomize=True, deadline=None, max_examples=60, print_blob=True)
settings.load_profile("ci")

# Django for tests/jewelreview (its fixtures live in tests/jewelreview/conftest.py). pytest-django
# configures Django before this file is read, so without `DJANGO_SETTINGS_MODULE` in the pytest
# ini options we load the settings here; its pytest_configure then finishes the setup.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jewelreview.settings")
django.setup()


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
