"""Faults: a dead worker, Redis down, the database down, a full disk. Nothing lost, nothing half-written.

The worker killed mid-render with a real ``rqworker`` is in test_worker_killed.py (needs Redis and
PostgreSQL); these run anywhere, the subprocess outage test uses a closed port.
"""

from __future__ import annotations

import errno
import json
import os
import socket
import subprocess
import sys
import time
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import OperationalError
from django.test import Client
from django.utils import timezone

from jewelreview import stored_files
from jewelreview.queues import TASK_QUEUE
from jewelreview.repairs.models import Render, Revision
from jewelreview.repairs.selectors import photo_final_render
from jewelreview.repairs.services import render_claim, revision_create
from jewelreview.repairs.tasks import render_revision
from jewelreview.storages import AtomicFileSystemStorage

REPO = Path(__file__).resolve().parents[2]
CLOSED_PORT = 9  # discard: nothing listens on it on the test machines

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("core_render")]


@pytest.fixture
def claimed(users, make_photo):
    return make_photo(status="in_repair", assignee=users.retoucher)


def _save(client, photo, recipe, base):
    return client.post(f"/api/photos/{photo.pk}/revisions/", {"recipe": recipe, "base_revision": base}, format="json")


def _logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- a worker that died: the sweeper -----------------------------------------------------------


def _running_since(render: Render, *, seconds: int) -> Render:
    claimed = render_claim(render_id=render.pk)
    assert claimed is not None and claimed.state == "running"
    Render.objects.filter(pk=render.pk).update(started_at=timezone.now() - timedelta(seconds=seconds))
    return Render.objects.get(pk=render.pk)


def test_a_render_abandoned_by_a_dead_worker_is_queued_again_and_finishes(
    users, claimed, recipe, settings, django_capture_on_commit_callbacks
):
    settings.JEWELREVIEW_RENDER_STALE_AFTER_SECONDS = 60
    revision = revision_create(photo=claimed, author=users.retoucher, recipe=recipe, base_revision=None)
    abandoned = _running_since(Render.objects.get(revision=revision), seconds=120)
    other = revision_create(
        photo=claimed, author=users.retoucher, recipe=recipe, base_revision=revision.pk, note="again"
    )
    busy = _running_since(Render.objects.get(revision=other), seconds=10)  # a live worker's: left alone

    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("renders_requeue_stale", stdout=out)
    assert out.getvalue() == (
        "Queued 1 render again: 1 stale, 0 enqueue failed, 0 never enqueued.\n"
        "Queued 0 photo preparations again: 0 enqueue failed, 0 never prepared.\n"
    )
    done = Render.objects.get(pk=abandoned.pk)
    assert (done.state, done.attempts, done.error) == ("done", 2, "")
    assert stored_files.read_bytes(done.final.name)[:8] == b"\x89PNG\r\n\x1a\n"
    assert Render.objects.get(pk=busy.pk).state == "running"
    # The dead worker's job, delivered again by RQ, finds the render done and does nothing.
    assert render_revision.call(render_id=abandoned.pk) == {"render": abandoned.pk, "skipped": True}


def test_the_claim_takes_over_a_render_running_past_the_configured_threshold(users, claimed, recipe, settings):
    settings.JEWELREVIEW_RENDER_STALE_AFTER_SECONDS = 60
    revision = revision_create(photo=claimed, author=users.retoucher, recipe=recipe, base_revision=None)
    render = Render.objects.get(revision=revision)
    _running_since(render, seconds=30)
    assert render_claim(render_id=render.pk) is None  # another worker is on it
    Render.objects.filter(pk=render.pk).update(started_at=timezone.now() - timedelta(seconds=61))
    taken = render_claim(render_id=render.pk)
    assert taken is not None and taken.attempts == 2


def test_the_stale_after_flag_overrides_the_setting(users, claimed, recipe, django_capture_on_commit_callbacks):
    revision = revision_create(photo=claimed, author=users.retoucher, recipe=recipe, base_revision=None)
    render = _running_since(Render.objects.get(revision=revision), seconds=300)
    out = StringIO()
    call_command("renders_requeue_stale", stdout=out)  # default: an hour
    assert out.getvalue().startswith("Queued 0 renders again")
    with django_capture_on_commit_callbacks(execute=True):
        call_command("renders_requeue_stale", "--stale-after", "120", stdout=out)
    assert Render.objects.get(pk=render.pk).state == "done"


# --- Redis down --------------------------------------------------------------------------------


@pytest.fixture
def redis_down(settings):
    """The RQ backend, pointed at a port where no Redis listens."""
    url = f"redis://127.0.0.1:{CLOSED_PORT}/0"
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": [TASK_QUEUE]}}
    settings.RQ_QUEUES = {queue: {"URL": url, "DEFAULT_TIMEOUT": 600} for queue in (TASK_QUEUE, "default")}
    settings.RQ = {"JOB_CLASS": "django_tasks_rq.Job", "COMMIT_MODE": "auto"}
    return settings


def test_redis_down_pages_and_api_serve_the_render_says_why_and_the_sweeper_finishes_it(
    api, users, claimed, recipe, redis_down, settings, make_photo, django_capture_on_commit_callbacks
):
    make_photo(status="needs_review", sku="WAITING")
    with django_capture_on_commit_callbacks(execute=True):
        saved = _save(api.retoucher, claimed, recipe, None)
    assert saved.status_code == 201, saved.json()  # the edit is kept whatever the queue does
    render_id = saved.json()["render"]["id"]
    render = api.retoucher.get(f"/api/renders/{render_id}/").json()
    assert render["state"] == "failed"
    assert render["error"] == (
        "could not enqueue the render: the task queue did not answer; it is queued again once the queue is back."
    )
    assert str(CLOSED_PORT) not in render["error"]  # the queue's address is for the server's log

    # Reading and deciding go on: the API and the pages do not need Redis.
    assert api.reviewer.get("/api/photos/").status_code == 200
    handed = api.reviewer.post("/api/queue/next/", {}, format="json")
    assert handed.status_code == 200, handed.json()
    waiting = handed.json()["photo"]["id"]
    with django_capture_on_commit_callbacks(execute=True):
        approved = api.reviewer.post(f"/api/photos/{waiting}/approve/", {"note": "fine"}, format="json")
    assert approved.status_code == 200, approved.json()  # its as-is render is refused by the queue too
    for user, page in [(users.reviewer, "/queue/"), (users.manager, "/grid/"), (users.manager, "/dashboard/")]:
        response = _logged_in(user).get(page)
        assert response.status_code == 200, (page, response.status_code)

    # Redis is back (here: the in-process backend); the sweeper enqueues what the outage refused.
    settings.TASKS = {
        "default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend", "QUEUES": [TASK_QUEUE]}
    }
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("renders_requeue_stale", stdout=out)
    assert "2 enqueue failed" in out.getvalue()
    done = api.retoucher.get(f"/api/renders/{render_id}/").json()
    assert (done["state"], done["error"]) == ("done", "")
    assert api.retoucher.get(f"/api/photos/{claimed.pk}/final.png").status_code == 200
    assert api.reviewer.get(f"/api/photos/{waiting}/final.png").status_code == 200


def test_the_queue_connection_has_timeouts_so_a_stuck_redis_cannot_hang_a_request(
    api, claimed, recipe, settings, django_capture_on_commit_callbacks
):
    """A Redis that accepts connections but never answers (stopped, swapping): the save returns in
    about the read timeout, and the render says why. Settings give every queue URL the timeouts."""
    from jewelreview.settings import redis_url_with_timeouts

    assert all(
        "socket_timeout=5" in q["URL"] and "socket_connect_timeout=2" in q["URL"] for q in settings.RQ_QUEUES.values()
    )
    with socket.socket() as stuck:
        stuck.bind(("127.0.0.1", 0))
        stuck.listen(8)  # the kernel completes the handshake; nobody ever reads or answers
        url = redis_url_with_timeouts(f"redis://127.0.0.1:{stuck.getsockname()[1]}/0", connect=0.5, read=0.5)
        settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": [TASK_QUEUE]}}
        settings.RQ_QUEUES = {queue: {"URL": url, "DEFAULT_TIMEOUT": 600} for queue in (TASK_QUEUE, "default")}
        settings.RQ = {"JOB_CLASS": "django_tasks_rq.Job", "COMMIT_MODE": "auto"}
        began = time.monotonic()
        with django_capture_on_commit_callbacks(execute=True):
            saved = _save(api.retoucher, claimed, recipe, None)
        took = time.monotonic() - began
    assert saved.status_code == 201 and took < 10, took
    render = Render.objects.get(pk=saved.json()["render"]["id"])
    assert render.state == "failed" and render.error.startswith("could not enqueue the render: the task queue did")


def test_a_render_whose_enqueue_never_happened_is_enqueued_by_the_sweeper(
    users, claimed, recipe, django_capture_on_commit_callbacks
):
    revision = revision_create(photo=claimed, author=users.retoucher, recipe=recipe, base_revision=None)
    render = Render.objects.get(revision=revision)  # on_commit never ran: the process died
    Render.objects.filter(pk=render.pk).update(created_at=timezone.now() - timedelta(minutes=5))
    with django_capture_on_commit_callbacks(execute=True):
        call_command("renders_requeue_stale", stdout=StringIO())
    render.refresh_from_db()
    assert render.state == "done" and render.task_id


def test_redis_down_during_an_upload_the_photos_wait_and_the_sweeper_prepares_them(
    api, images, redis_down, settings, django_capture_on_commit_callbacks
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from jewelreview.catalog.models import Photo

    files = [
        SimpleUploadedFile("RING-1_front.jpg", images.jpeg(64, 48, seed=1)),
        SimpleUploadedFile("RING-1_front_cutout.png", images.cutout(64, 48)),
    ]
    with django_capture_on_commit_callbacks(execute=True):
        uploaded = api.manager.post("/api/uploads/", {"batch": "outage", "files": files}, format="multipart")
    assert uploaded.status_code == 200, uploaded.json()  # the photos are kept whatever the queue does
    photo = Photo.objects.get(pk=uploaded.json()["imported"][0]["photo_id"])
    assert photo.status == "new" and photo.prepare_error.startswith("could not enqueue: the task queue did not answer;")

    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("renders_requeue_stale", stdout=out)  # Redis still down: tried, still waiting
    photo.refresh_from_db()
    assert photo.status == "new" and photo.prepare_error.startswith("could not enqueue: the task queue did not answer;")

    settings.TASKS = {
        "default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend", "QUEUES": [TASK_QUEUE]}
    }
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("renders_requeue_stale", stdout=out)
    assert "Queued 1 photo preparation again: 1 enqueue failed, 0 never prepared." in out.getvalue()
    photo.refresh_from_db()
    assert (photo.status, photo.prepare_error) == ("needs_review", "") and photo.has_previews


# --- the database down -------------------------------------------------------------------------


def test_a_database_error_is_503_with_a_reason_on_the_api_and_the_pages(api, users, monkeypatch):
    from jewelreview.catalog import views_api
    from jewelreview.pages import grid_views

    def down(**kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(views_api, "photo_list", down)
    response = api.reviewer.get("/api/photos/")
    assert response.status_code == 503 and response["Retry-After"] == "5"
    assert response.json() == {
        "code": "database_unavailable",
        "message": "The database could not answer (restarting, unreachable or overloaded); try again shortly.",
        "details": {"retry_after_seconds": 5},
    }
    monkeypatch.setattr(grid_views, "photo_list", down)
    page = _logged_in(users.manager).get("/grid/")
    assert page.status_code == 503 and page["Retry-After"] == "5"
    assert b"briefly unavailable" in page.content and b"Traceback" not in page.content


OUTAGE_SCRIPT = r"""
import json, os, sys
import django
from django.test.utils import setup_test_environment
django.setup()
setup_test_environment()
from django.db import connections
from django.test import Client

def get(client, path, **headers):
    response = client.get(path, **headers)
    return [response.status_code, response.get("Content-Type", ""), response.content.decode(errors="replace")[:400]]

client = Client()
client.cookies["sessionid"] = "x" * 32
down = {
    "api": get(Client(), "/api/photos/", HTTP_AUTHORIZATION="Token " + "0" * 40),
    "page": get(client, "/grid/"),
    "healthz": get(Client(), "/healthz"),
}
up = None
if len(sys.argv) > 1:  # the server is back: point the same process at it
    for conn in connections.all():
        conn.close()
    connections["default"].settings_dict["PORT"] = sys.argv[1]
    up = {"healthz": get(Client(), "/healthz"), "api": get(Client(), "/api/photos/")}
print(json.dumps({"down": down, "up": up}))
"""


def _postgres_listening() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 5432), timeout=1).close()
    except OSError:
        return False
    return True


def test_while_postgresql_is_unreachable_requests_fail_cleanly_and_work_after(tmp_path):
    """A separate process on a PostgreSQL URL whose server is gone (a closed port), then back."""
    recover = _postgres_listening()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "jewelreview.settings",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:{CLOSED_PORT}/postgres",
        "DEBUG": "0",
        "MEDIA_ROOT": str(tmp_path / "media"),
        "LOG_LEVEL": "CRITICAL",
    }
    done = subprocess.run(
        [sys.executable, "-c", OUTAGE_SCRIPT, *(["5432"] if recover else [])],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    api_status, api_type, api_body = result["down"]["api"]
    assert (api_status, api_type) == (503, "application/json"), api_body
    assert json.loads(api_body)["code"] == "database_unavailable"
    page_status, page_type, page_body = result["down"]["page"]
    assert page_status == 503 and page_type.startswith("text/html") and "briefly unavailable" in page_body
    assert result["down"]["healthz"][0] == 503
    if recover:
        assert result["up"]["healthz"][0] == 200
        assert result["up"]["api"][0] == 401  # served again: it asks for a login instead of failing


# --- a full disk -------------------------------------------------------------------------------


@pytest.fixture
def disk_full(monkeypatch):
    """Writes under renders/ get a few bytes onto the disk, then ENOSPC (as a full disk does)."""
    real_save = AtomicFileSystemStorage._save
    state = {"full": True}

    class Filling:
        def __init__(self, content):
            self.content = content

        def chunks(self):
            for chunk in self.content.chunks():
                yield chunk[:16]
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    def save(self, name, content):
        if state["full"] and name.startswith("renders/"):
            return real_save(self, name, Filling(content))
        return real_save(self, name, content)

    monkeypatch.setattr(AtomicFileSystemStorage, "_save", save)
    return state


def test_a_full_disk_fails_the_render_clearly_and_keeps_the_previous_files(
    api, users, claimed, recipe, media_storage, disk_full, django_capture_on_commit_callbacks
):
    disk_full["full"] = False
    with django_capture_on_commit_callbacks(execute=True):
        first = _save(api.retoucher, claimed, recipe, None).json()
    before = Render.objects.get(pk=first["render"]["id"])
    assert before.state == "done"
    renders_dir = media_storage / "renders" / str(claimed.pk)
    files_before = {p.relative_to(media_storage): p.read_bytes() for p in renders_dir.rglob("*") if p.is_file()}

    disk_full["full"] = True
    edited = {**recipe, "ops": [{"op": "path", "d": "M 20 20 H 30 V 30 H 20 Z", "mode": "add"}]}
    with django_capture_on_commit_callbacks(execute=True):
        second = _save(api.retoucher, claimed, edited, first["id"])
    assert second.status_code == 201  # the edit is kept: only its render failed
    render = api.retoucher.get(f"/api/renders/{second.json()['render']['id']}/").json()
    assert render["state"] == "failed"
    assert render["error"] == "the server's storage is full; tell a manager, and retry it once space is freed."
    files_after = {p.relative_to(media_storage): p.read_bytes() for p in renders_dir.rglob("*") if p.is_file()}
    assert files_after == files_before  # previous files intact, no partial file, no temporary left
    assert not [p for p in media_storage.rglob(".*.part")]
    assert Revision.objects.filter(photo=claimed).count() == 2

    # Space is back: retrying the failed render finishes it.
    disk_full["full"] = False
    failed_task = Render.objects.get(pk=render["id"]).task_id
    with django_capture_on_commit_callbacks(execute=True):
        retried = api.retoucher.post(f"/api/renders/{render['id']}/retry/")
    assert retried.status_code in (200, 202), retried.json()
    again = Render.objects.get(pk=render["id"])
    assert again.state == "done" and again.task_id and again.task_id != failed_task  # the retry's own job
    claimed.refresh_from_db()
    assert photo_final_render(photo=claimed).pk == render["id"]


def test_a_database_error_outside_any_view_is_503_not_500(users, monkeypatch):
    from django.contrib.sessions.backends.db import SessionStore

    def down(self, must_create=False):
        raise OperationalError("server closed the connection unexpectedly")

    client = Client(raise_request_exception=False)
    client.force_login(users.manager)
    monkeypatch.setattr(SessionStore, "save", down)  # SessionMiddleware.process_response saves
    page = _session_touching_get(client, "/grid/")
    assert page.status_code == 503 and page["Retry-After"] == "5"
    assert b"briefly unavailable" in page.content
    api = _session_touching_get(client, "/api/photos/")
    assert api.status_code == 503 and api["Retry-After"] == "5"
    assert api.json()["code"] == "database_unavailable"


def _session_touching_get(client, path):
    from django.test import override_settings

    with override_settings(SESSION_SAVE_EVERY_REQUEST=True):  # every response saves the session
        return client.get(path)
