"""A real ``rqworker`` SIGKILLed while it writes a render's PNG: nothing half-written is visible,
the render stays honest ("running", no final), and after the sweeper it runs again and finishes.

Runs only with JEWELREVIEW_TEST_REDIS=1 on PostgreSQL (`make test-services`): the worker is a
separate process sharing the test database. It uses its own Redis database number so workers of
other test runs on the same Redis never take its jobs.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from io import StringIO
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

import pytest
from django.core.management import call_command
from django.db import connection

from jewelreview import stored_files
from jewelreview.queues import TASK_QUEUE
from jewelreview.repairs.models import Render
from jewelreview.repairs.services import revision_create

REPO = Path(__file__).resolve().parents[2]
REDIS_DB = 13  # not the default 0 that `make test-services` workers listen on

pytestmark = [
    pytest.mark.services,
    pytest.mark.skipif(os.environ.get("JEWELREVIEW_TEST_REDIS") != "1", reason="set JEWELREVIEW_TEST_REDIS=1"),
    pytest.mark.usefixtures("postgres", "core_render"),
]

# The worker, with the storage slowed down (test-only): the first render PNG it writes gets half
# its bytes into the temporary file, then the write stalls until the test kills the process.
STALLING_WORKER = r"""
import pathlib, sys, time
import django
django.setup()
from django.core.management import call_command
from jewelreview.storages import AtomicFileSystemStorage

marker = pathlib.Path(sys.argv[1])
real_save = AtomicFileSystemStorage._save

class Stalling:
    def __init__(self, content):
        self.content = content

    def chunks(self):
        for chunk in self.content.chunks():
            yield chunk[: len(chunk) // 2]
            marker.write_text("half written")
            time.sleep(600)

def save(self, name, content):
    if name.startswith("renders/") and name.endswith(".png") and not marker.exists():
        return real_save(self, name, Stalling(content))
    return real_save(self, name, content)

AtomicFileSystemStorage._save = save
call_command("rqworker", sys.argv[2], "--name", sys.argv[3])
"""


@pytest.fixture
def redis_url() -> str:
    parts = urlsplit(os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"))
    return urlunsplit(parts._replace(path=f"/{REDIS_DB}"))


@pytest.fixture
def rq_settings(settings, redis_url):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": [TASK_QUEUE]}}
    settings.RQ_QUEUES = {queue: {"URL": redis_url, "DEFAULT_TIMEOUT": 600} for queue in (TASK_QUEUE, "default")}
    settings.RQ = {"JOB_CLASS": "django_tasks_rq.Job", "COMMIT_MODE": "auto"}
    from redis import Redis

    redis = Redis.from_url(redis_url)
    redis.flushdb()
    yield settings
    redis.flushdb()


@pytest.fixture
def start_worker(rq_settings, media_storage, redis_url, tmp_path):
    db = connection.settings_dict
    user, password = quote(db["USER"] or "", safe=""), quote(db["PASSWORD"] or "", safe="")
    database_url = f"postgres://{user}:{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "jewelreview.settings",
        "DATABASE_URL": database_url,
        "MEDIA_ROOT": str(media_storage),
        "JEWELREVIEW_TASK_BACKEND": "rq",
        "REDIS_URL": redis_url,
        "PYTHONUNBUFFERED": "1",
    }
    started: list[subprocess.Popen] = []
    marker = tmp_path / "stalled"

    def start(name: str) -> subprocess.Popen:
        log = (tmp_path / f"{name}.log").open("w")
        process = subprocess.Popen(
            [sys.executable, "-c", STALLING_WORKER, str(marker), TASK_QUEUE, f"{name}-{os.getpid()}-{time.time_ns()}"],
            cwd=REPO,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        started.append(process)
        return process

    start.marker = marker
    start.logs = tmp_path
    yield start
    for process in started:
        if process.poll() is None:
            process.terminate()  # a warm shutdown: RQ waits for its horse
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                _kill_with_children(process)
    _wait_for_other_sessions_to_end()


def _wait_for_other_sessions_to_end(timeout: float = 10) -> None:
    """PostgreSQL ends a dead client's backend a moment later; the test database is dropped next."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            if cursor.fetchone()[0] == 0:
                return
        time.sleep(0.2)


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(child) for child in (task / "children").read_text().split()]
    return found


def _kill_with_children(process: subprocess.Popen) -> None:
    """SIGKILL the worker and its work horse (RQ puts the horse in a process group of its own)."""
    for pid in [*_children(process.pid), process.pid]:
        os.kill(pid, signal.SIGKILL)
    process.wait(timeout=20)


def _wait_for(condition, *, timeout: float, what: str, logs: Path):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    text = "\n".join(f"--- {p.name}\n{p.read_text()[-3000:]}" for p in sorted(logs.glob("*.log")))
    pytest.fail(f"{what} did not happen within {timeout:.0f} s; worker logs:\n{text}")


def test_a_worker_killed_mid_write_leaves_nothing_visible_and_the_render_runs_again(
    start_worker, users, make_photo, recipe, media_storage, django_capture_on_commit_callbacks
):
    photo = make_photo(status="in_repair", assignee=users.retoucher)
    first = start_worker("doomed")
    with django_capture_on_commit_callbacks(execute=True):
        revision = revision_create(photo=photo, author=users.retoucher, recipe=recipe, base_revision=None)
    render = Render.objects.get(revision=revision)
    assert render.task_id, "the render was not enqueued"
    _wait_for(start_worker.marker.exists, timeout=90, what="the worker writing the PNG", logs=start_worker.logs)

    _kill_with_children(first)  # the worker and its work horse, mid-write, as a lost machine would

    killed = Render.objects.get(pk=render.pk)
    assert (killed.state, killed.attempts, killed.final.name) == ("running", 1, "")
    folder = media_storage / "renders" / str(photo.pk)
    visible = [p.name for p in folder.iterdir() if not p.name.startswith(".")] if folder.exists() else []
    assert visible == []  # only a hidden temporary (".<random>.part"), never a half PNG under its name

    # The sweeper (cron, every few minutes) finds it abandoned and queues it again; a worker finishes it.
    time.sleep(1.1)
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("renders_requeue_stale", "--stale-after", "1", stdout=out)
    assert "1 stale" in out.getvalue()
    start_worker("rescuer")
    _wait_for(
        lambda: Render.objects.get(pk=render.pk).state in ("done", "failed"),
        timeout=90,
        what="the render running again",
        logs=start_worker.logs,
    )
    done = Render.objects.get(pk=render.pk)
    assert (done.state, done.attempts, done.error) == ("done", 2, ""), done.error
    data = stored_files.read_bytes(done.final.name)
    assert stored_files.sha256_hex(data) == done.checksum and len(data) == done.final_bytes
    assert sorted(p.name for p in folder.iterdir() if p.suffix == ".png" and not p.name.startswith(".")) == sorted(
        [Path(done.final.name).name, Path(done.preview.name).name]
    )
