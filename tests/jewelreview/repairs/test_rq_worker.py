"""A real worker process: previews and a render through RQ on Redis, with PostgreSQL shared.

Runs only with JEWELREVIEW_TEST_REDIS=1 (set by scripts/test-services.sh) on PostgreSQL: the
worker is a separate process, so it needs a database it can share (not SQLite in memory).
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings as django_settings
from django.db import connection

from jewelreview import stored_files
from jewelreview.catalog.ingest import ingest_files
from jewelreview.catalog.models import Photo
from jewelreview.queues import TASK_QUEUE
from jewelreview.repairs.models import Render
from jewelreview.repairs.services import revision_create
from jewelreview.reviews.services import photo_claim, photo_flag

REPO = Path(__file__).resolve().parents[3]

pytestmark = [
    pytest.mark.services,
    pytest.mark.skipif(os.environ.get("JEWELREVIEW_TEST_REDIS") != "1", reason="set JEWELREVIEW_TEST_REDIS=1"),
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("core_render"),
]


@pytest.fixture
def redis_url() -> str:
    return os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")


@pytest.fixture
def rq_settings(settings, redis_url):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": [TASK_QUEUE]}}
    settings.RQ_QUEUES = {queue: {"URL": redis_url, "DEFAULT_TIMEOUT": 600} for queue in (TASK_QUEUE, "default")}
    settings.RQ = {"JOB_CLASS": "django_tasks_rq.Job", "COMMIT_MODE": "auto"}
    return settings


@pytest.fixture
def worker(rq_settings, media_storage, redis_url, tmp_path):
    """`manage.py rqworker jewelreview` in a subprocess, on the test database and media folder."""
    if connection.vendor != "postgresql":
        pytest.skip("the worker process needs a shared database: run with DATABASE_URL=postgres://...")
    db = connection.settings_dict
    user, password = quote(db["USER"] or "", safe=""), quote(db["PASSWORD"] or "", safe="")
    host, port = db["HOST"] or "127.0.0.1", db["PORT"] or 5432
    database_url = f"postgres://{user}:{password}@{host}:{port}/{db['NAME']}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "jewelreview.settings",
        "DATABASE_URL": database_url,
        "MEDIA_ROOT": str(media_storage),
        "JEWELREVIEW_TASK_BACKEND": "rq",
        "REDIS_URL": redis_url,
        "PYTHONUNBUFFERED": "1",
    }
    log = (tmp_path / "worker.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "manage.py", "rqworker", TASK_QUEUE, "--name", f"pytest-{os.getpid()}-{time.time_ns()}"],
        cwd=REPO,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    yield process
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    log.close()


def _wait_for(condition, *, timeout: float, worker: subprocess.Popen, what: str, log: Path):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        if worker.poll() is not None:
            break
        time.sleep(0.2)
    pytest.fail(f"{what} did not happen within {timeout:.0f} s; worker log:\n{log.read_text()[-4000:]}")


def test_prepare_and_render_run_in_a_real_rq_worker(worker, images, users, recipe, tmp_path):
    log = tmp_path / "worker.log"
    report = ingest_files(
        files=[
            ("RQ-1_front.jpg", io.BytesIO(images.jpeg(320, 240, seed=42))),
            ("RQ-1_front_cutout.png", io.BytesIO(images.cutout(320, 240))),
        ],
        batch_name="rq",
        actor=users.manager,
    )
    photo_id = report.imported[0].photo_id
    _wait_for(
        lambda: Photo.objects.get(pk=photo_id).status == "needs_review",
        timeout=90,
        worker=worker,
        what="photo_prepare in the worker",
        log=log,
    )
    photo = Photo.objects.get(pk=photo_id)
    assert stored_files.read_bytes(photo.tiles_cutout.name).startswith(b"<?xml")

    photo_flag(photo=photo, actor=users.reviewer, reason="clipped_prong", pins=[{"x": 10, "y": 10}])
    photo_claim(photo=photo, actor=users.retoucher)
    revision = revision_create(photo=photo, author=users.retoucher, recipe=recipe, base_revision=None)
    render = Render.objects.get(revision=revision)
    _wait_for(
        lambda: Render.objects.get(pk=render.pk).state in ("done", "failed"),
        timeout=90,
        worker=worker,
        what="render_revision in the worker",
        log=log,
    )
    render.refresh_from_db()
    assert render.state == "done", render.error
    assert render.task_id and render.attempts == 1
    assert "jewelreview worker warmed up" in log.read_text()  # RQ["WORKER_CLASS"]: jewelreview.workers
    data = (Path(django_settings.MEDIA_ROOT) / render.final.name).read_bytes()
    assert stored_files.sha256_hex(data) == render.checksum and data[:8] == b"\x89PNG\r\n\x1a\n"

    from django.tasks import task_backends

    result = task_backends["default"].get_result(render.task_id)
    assert str(result.status) == "SUCCESSFUL"
    assert result.return_value["checksum"] == render.checksum
