"""Load: gunicorn + PostgreSQL + real RQ workers on loopback, bounded in time, with figures printed.

    .venv/bin/python benchmarks/load_bench.py [--duration 120] [--reviewers 50]
        [--renders 100] [--render-clients 10] [--workers 2] [--gunicorn-workers 3] [--threads 4]

Two phases against one server, each a pass/fail check with numbers:

1. Reviewers: ``--reviewers`` threads (50), each with its own token and keep-alive connection,
   loop for ``--duration`` seconds (120) over what a reviewer does: the queue
   (``GET /api/photos/?status=needs_review``), ``POST /api/queue/next/``, then approve (70 %)
   or flag (30 %, with a pin) the photo it was handed. Every 5xx, connection error or
   unexpected status is an error; a photo handed to two reviewers is an error. Prints p50, p95
   and p99 latency per call and overall, and requests per second. Each approval queues the
   photo's as-is render, so the workers are busy meanwhile, as in production.
2. Renders: once the queue is idle, ``--render-clients`` retouchers (10) each save
   ``--renders / --render-clients`` revisions of their own claimed ``--render-size`` photo
   (1600x1200) through the API, one after another, as fast as the API answers; then waits for
   ``--workers`` RQ workers (2) to finish them. Every render must end "done" exactly once
   (attempts 1, one render per revision, the PNG in storage matching its checksum): none lost,
   none duplicated. Prints throughput (renders per second) and queue-to-done latency.

Everything is throw-away and loopback only: a PostgreSQL database ``jr_load_<pid>`` on
``--postgres`` (created, dropped), a temporary media folder, Redis database ``--redis-db`` (14,
flushed before and after) on ``--redis``, and the gunicorn and worker processes it starts and
stops. Exit status 1 when a check failed.
"""

from __future__ import annotations

import argparse
import hashlib
import http.client
import json
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
FLAG_SHARE = 0.3  # of decisions; the rest approve
SMALL = (64, 48)  # the reviewers' photos: their as-is renders are cheap, the API is what is measured


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--duration", type=float, default=120, help="seconds of the reviewer phase (default 120)")
    parser.add_argument("--reviewers", type=int, default=50)
    parser.add_argument("--photos", type=int, default=12000, help="photos waiting for review (enough for the run)")
    parser.add_argument("--renders", type=int, default=100)
    parser.add_argument("--render-clients", type=int, default=10)
    parser.add_argument("--render-size", default="1600x1200", help="WxH of the photos rendered in phase 2")
    parser.add_argument("--workers", type=int, default=2, help="RQ worker processes")
    parser.add_argument("--gunicorn-workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker (gthread)")
    parser.add_argument("--render-timeout", type=float, default=900, help="seconds to wait for the renders")
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432", help="server (no database)")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379")
    parser.add_argument("--redis-db", type=int, default=14)
    parser.add_argument("--seed", type=int, default=7)
    return parser.parse_args(argv)


# --- the throw-away environment ------------------------------------------------------------------


class Environment:
    """Database, media folder, Redis database and processes of one run; ``close()`` removes them all."""

    def __init__(self, args: argparse.Namespace):
        self.args = args
        self.db_name = f"jr_load_{os.getpid()}"
        self.tmp = Path(tempfile.mkdtemp(prefix="jr-load-"))
        self.port = _free_port()
        self.processes: list[tuple[str, subprocess.Popen]] = []
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "jewelreview.settings",
            "DATABASE_URL": f"{args.postgres.rstrip('/')}/{self.db_name}",
            "DATABASE_CONN_MAX_AGE": "60",
            "MEDIA_ROOT": str(self.tmp / "media"),
            "JEWELREVIEW_TASK_BACKEND": "rq",
            "REDIS_URL": f"{args.redis.rstrip('/')}/{args.redis_db}",
            "DEBUG": "0",
            "LOG_LEVEL": "ERROR",
            "PYTHONUNBUFFERED": "1",
        }

    def create(self) -> None:
        self._admin(f'CREATE DATABASE "{self.db_name}"')
        self._redis().flushdb()
        subprocess.run([PYTHON, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=REPO, env=self.env, check=True)
        os.environ.update({k: v for k, v in self.env.items() if k != "PYTHONUNBUFFERED"})
        import django

        django.setup()

    def start(self, name: str, command: list[str]) -> subprocess.Popen:
        log = (self.tmp / f"{name}.log").open("w")
        process = subprocess.Popen(command, cwd=REPO, env=self.env, stdout=log, stderr=subprocess.STDOUT)
        self.processes.append((name, process))
        return process

    def start_server(self) -> None:
        a = self.args
        self.start(
            "gunicorn",
            [
                str(Path(PYTHON).with_name("gunicorn")),
                "jewelreview.wsgi:application",
                f"--bind=127.0.0.1:{self.port}",
                f"--workers={a.gunicorn_workers}",
                "--worker-class=gthread",
                f"--threads={a.threads}",
                "--timeout=120",
                "--keep-alive=30",
            ],
        )
        for n in range(a.workers):
            self.start(
                f"worker{n}", [PYTHON, "manage.py", "rqworker", "jewelreview", "--name", f"load-{os.getpid()}-{n}"]
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                connection.request("GET", "/healthz")
                if connection.getresponse().status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.3)
        raise RuntimeError(f"gunicorn did not answer within 60 s:\n{self.log_tail('gunicorn')}")

    def log_tail(self, name: str, chars: int = 3000) -> str:
        path = self.tmp / f"{name}.log"
        return path.read_text(errors="replace")[-chars:] if path.exists() else ""

    def close(self) -> None:
        for name, process in reversed(self.processes):
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for name, process in self.processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        try:
            from django.db import connections

            connections.close_all()
        except Exception:  # noqa: BLE001  (Django may never have been set up)
            pass
        try:
            self._admin(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                f"WHERE datname = '{self.db_name}' AND pid <> pg_backend_pid()"
            )
            self._admin(f'DROP DATABASE IF EXISTS "{self.db_name}"')
        except Exception as exc:  # noqa: BLE001  (report, keep cleaning)
            print(f"could not drop {self.db_name}: {exc}", file=sys.stderr)
        try:
            self._redis().flushdb()
        except Exception as exc:  # noqa: BLE001
            print(f"could not flush Redis db {self.args.redis_db}: {exc}", file=sys.stderr)
        shutil.rmtree(self.tmp, ignore_errors=True)

    def _admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(f"{self.args.postgres.rstrip('/')}/postgres", autocommit=True) as connection:
            connection.execute(sql)

    def _redis(self):
        from redis import Redis

        return Redis.from_url(f"{self.args.redis.rstrip('/')}/{self.args.redis_db}")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- data -------------------------------------------------------------------------------------------


@dataclass
class Seeded:
    reviewer_tokens: list[str]
    retoucher_tokens: list[str]
    render_photos: list[int]


def _image_files(width: int, height: int, seed: int) -> tuple[bytes, bytes]:
    import cv2
    import numpy as np

    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:height, 0:width]
    bgr = np.full((height, width, 3), (200, 200, 205), np.uint8)
    ring = np.abs(np.hypot(xx - width / 2, yy - height / 2) - min(width, height) / 4) < max(3, width // 60)
    bgr[ring] = (40, 160, 210)
    bgr = np.clip(bgr.astype(int) + rng.integers(-3, 4, bgr.shape), 0, 255).astype(np.uint8)
    alpha = np.where(np.hypot(xx - width / 2, yy - height / 2) < min(width, height) / 3, 255, 0).astype(np.uint8)
    return cv2.imencode(".jpg", bgr, [cv2.IMWRITE_JPEG_QUALITY, 92])[1].tobytes(), cv2.imencode(".png", alpha)[
        1
    ].tobytes()


def seed(args: argparse.Namespace) -> Seeded:
    from django.contrib.auth import get_user_model
    from rest_framework.authtoken.models import Token

    from jewelreview import stored_files
    from jewelreview.accounts.services import user_set_roles
    from jewelreview.catalog.models import Batch, Photo, Sku

    User = get_user_model()

    def user(name: str, role: str) -> str:
        made = user_set_roles(user=User.objects.create_user(username=name, password=None), roles=[role])
        return Token.objects.create(user=made).key

    reviewers = [user(f"reviewer{n:02d}", "reviewer") for n in range(args.reviewers)]
    retouchers = [user(f"retoucher{n:02d}", "retoucher") for n in range(args.render_clients)]
    retoucher_users = list(User.objects.filter(username__startswith="retoucher").order_by("username"))

    def files(width: int, height: int, seed_: int) -> tuple[str, str]:
        original, mask = _image_files(width, height, seed_)
        sha = hashlib.sha256(original).hexdigest()
        return (
            stored_files.save_content_addressed(f"originals/{sha[:2]}/{sha}.jpg", original),
            stored_files.save_content_addressed(f"masks/{sha[:2]}/{sha}.png", mask),
        )

    batch = Batch.objects.create(name="load")
    small_original, small_mask = files(*SMALL, args.seed)
    skus = Sku.objects.bulk_create([Sku(code=f"LOAD-{n:05d}") for n in range(args.photos // 4 + 1)])
    Photo.objects.bulk_create(
        [
            Photo(
                batch=batch,
                sku=skus[n // 4],
                view=f"v{n % 4}",
                source_name=f"LOAD-{n // 4:05d}_v{n % 4}.jpg",
                original=small_original,
                original_sha256=f"{n:064x}",
                original_bytes=1,
                ai_mask=small_mask,
                ai_mask_sha256="0" * 64,
                width=SMALL[0],
                height=SMALL[1],
                status="needs_review",
            )
            for n in range(args.photos)
        ],
        batch_size=2000,
    )
    width, height = (int(v) for v in args.render_size.lower().split("x"))
    render_photos = []
    for n, retoucher in enumerate(retoucher_users):
        original, mask = files(width, height, args.seed + 1 + n)
        photo = Photo.objects.create(
            batch=batch,
            sku=Sku.objects.create(code=f"BIG-{n:02d}"),
            view="front",
            source_name=f"BIG-{n:02d}_front.jpg",
            original=original,
            original_sha256=f"{n + 10**9:064x}",
            original_bytes=1,
            ai_mask=mask,
            ai_mask_sha256="0" * 64,
            width=width,
            height=height,
            status="in_repair",
            assignee=retoucher,
        )
        render_photos.append(photo.pk)
    return Seeded(reviewers, retouchers, render_photos)


# --- HTTP -----------------------------------------------------------------------------------------


class Api:
    """One keep-alive connection with a token; ``call`` returns (status, json or None, seconds)."""

    def __init__(self, port: int, token: str):
        self.port, self.token = port, token
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def call(self, method: str, path: str, body: dict | None = None):
        headers = {"Authorization": f"Token {self.token}", "Accept": "application/json"}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        start = time.perf_counter()
        for attempt in (1, 2):
            try:
                self.connection.request(method, path, body=data, headers=headers)
                response = self.connection.getresponse()
                raw = response.read()
                break
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                # gunicorn closed an idle keep-alive connection; reconnect once (not an error).
                self.connection.close()
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
                if attempt == 2:
                    raise
        elapsed = time.perf_counter() - start
        try:
            payload = json.loads(raw) if raw else None
        except ValueError:
            payload = None
        return response.status, payload, elapsed


# --- phase 1: reviewers -----------------------------------------------------------------------------


@dataclass
class ReviewResult:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: list[str] = field(default_factory=list)
    handed: dict[int, int] = field(default_factory=lambda: defaultdict(int))
    decisions: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    empty_queue: int = 0
    seconds: float = 0.0


def reviewers_run(port: int, tokens: list[str], duration: float, seed_: int) -> ReviewResult:
    result = ReviewResult()
    lock = threading.Lock()
    start_together = threading.Barrier(len(tokens))
    stop_at: list[float] = []

    def expect(kind: str, status: int, payload, elapsed: float, ok: set[int]) -> bool:
        with lock:
            result.latencies[kind].append(elapsed)
            if status not in ok:
                message = payload.get("message") if isinstance(payload, dict) else payload
                result.errors.append(f"{kind}: HTTP {status} {str(message)[:200]}")
                return False
        return True

    def reviewer(index: int, token: str) -> None:
        rng = random.Random(seed_ * 1000 + index)
        api = Api(port, token)
        start_together.wait()
        while time.monotonic() < stop_at[0]:
            try:
                status, body, elapsed = api.call("GET", "/api/photos/?status=needs_review")
                expect("queue", status, body, elapsed, {200})
                status, body, elapsed = api.call("POST", "/api/queue/next/", {})
                if not expect("next", status, body, elapsed, {200}):
                    continue
                photo = body.get("photo")
                if photo is None:
                    with lock:
                        result.empty_queue += 1
                    time.sleep(0.5)
                    continue
                with lock:
                    result.handed[photo["id"]] += 1
                if rng.random() < FLAG_SHARE:
                    decision = {
                        "reason": "halo",
                        "note": "load",
                        "pins": [{"x": 3, "y": 4}],
                        "version": photo["version"],
                    }
                    status, body, elapsed = api.call("POST", f"/api/photos/{photo['id']}/flag/", decision)
                    kind = "flag"
                else:
                    status, body, elapsed = api.call(
                        "POST", f"/api/photos/{photo['id']}/approve/", {"note": "load", "version": photo["version"]}
                    )
                    kind = "approve"
                if expect(kind, status, body, elapsed, {200}):
                    with lock:
                        result.decisions[kind] += 1
            except Exception as exc:  # noqa: BLE001  (counted, reported)
                with lock:
                    result.errors.append(f"{type(exc).__name__}: {exc}")
                time.sleep(0.2)

    threads = [threading.Thread(target=reviewer, args=(n, token), daemon=True) for n, token in enumerate(tokens)]
    stop_at.append(time.monotonic() + duration + 1.0)
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=duration + 180)
    result.seconds = time.perf_counter() - began
    twice = [photo for photo, count in result.handed.items() if count > 1]
    if twice:
        result.errors.append(f"{len(twice)} photos handed to more than one reviewer: {twice[:10]}")
    return result


def _ms(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return 1000 * ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def review_report(result: ReviewResult, reviewers: int) -> None:
    every = [v for values in result.latencies.values() for v in values]
    print(
        f"\nReviewers: {reviewers} for {result.seconds:.0f} s, {len(every)} requests, "
        f"{len(every) / result.seconds:.1f} req/s, {sum(result.decisions.values())} decisions "
        f"({result.decisions['approve']} approve, {result.decisions['flag']} flag), "
        f"{len(result.errors)} errors, empty queue {result.empty_queue}x"
    )
    print(f"  {'call':<8} {'n':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>8}")
    for kind in ("queue", "next", "approve", "flag"):
        values = result.latencies.get(kind, [])
        if values:
            print(
                f"  {kind:<8} {len(values):>6} {_ms(values, 0.5):>8.0f} {_ms(values, 0.95):>8.0f} "
                f"{_ms(values, 0.99):>8.0f} {1000 * max(values):>8.0f}"
            )
    if every:
        print(
            f"  {'all':<8} {len(every):>6} {_ms(every, 0.5):>8.0f} {_ms(every, 0.95):>8.0f} "
            f"{_ms(every, 0.99):>8.0f} {1000 * max(every):>8.0f}"
        )
    for error in result.errors[:10]:
        print(f"  error: {error}")


# --- phase 2: renders ---------------------------------------------------------------------------------


def renders_idle(timeout: float) -> float:
    """Wait until no render is queued or running (the approvals' as-is renders); return seconds waited."""
    from jewelreview.repairs.models import Render

    began = time.monotonic()
    while time.monotonic() - began < timeout:
        if not Render.objects.filter(state__in=["queued", "running"]).exists():
            return time.monotonic() - began
        time.sleep(1)
    raise RuntimeError(f"renders still pending after {timeout:.0f} s")


def renders_run(port: int, tokens: list[str], photos: list[int], total: int, timeout: float):
    from jewelreview import stored_files
    from jewelreview.repairs.models import Render

    per_client = total // len(tokens)
    render_ids: list[int] = []
    errors: list[str] = []
    post_latency: list[float] = []
    lock = threading.Lock()

    def client(index: int) -> None:
        api = Api(port, tokens[index])
        base = None
        for n in range(per_client):
            x = 5 + (n * 7) % 200
            recipe = {
                "version": 1,
                "base": "ai",
                "ops": [
                    {"op": "path", "d": f"M {x} {x} h 40 v 40 h -40 Z", "mode": "add"},
                    {"op": "path", "d": f"M {x + 60} {x} h 20 v 20 h -20 Z", "mode": "subtract"},
                ],
            }
            status, body, elapsed = api.call(
                "POST",
                f"/api/photos/{photos[index]}/revisions/",
                {"recipe": recipe, "base_revision": base, "note": f"load {index}.{n}"},
            )
            with lock:
                post_latency.append(elapsed)
                if status != 201:
                    errors.append(f"revision: HTTP {status} {body}")
                    return
                render_ids.append(body["render"]["id"])
            base = body["id"]

    began = time.perf_counter()
    threads = [threading.Thread(target=client, args=(n,)) for n in range(len(tokens))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    posted = time.perf_counter() - began
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not Render.objects.filter(pk__in=render_ids, state__in=["queued", "running"]).exists():
            break
        time.sleep(0.5)
    renders = list(Render.objects.filter(pk__in=render_ids).select_related("revision"))
    finished = [r.finished_at for r in renders if r.finished_at]
    created = [r.created_at for r in renders]
    span = (max(finished) - min(created)).total_seconds() if finished else float("nan")
    done = [r for r in renders if r.state == "done"]
    lost = total - len(render_ids) + sum(1 for r in renders if r.state != "done")
    duplicated = sum(1 for r in renders if r.attempts != 1)
    per_revision = Render.objects.filter(revision__in=[r.revision_id for r in renders]).count()
    if per_revision != len(renders):
        duplicated += per_revision - len(renders)
    for render in done:
        data = stored_files.read_bytes(render.final.name)
        if hashlib.sha256(data).hexdigest() != render.checksum:
            errors.append(f"render {render.pk}: the stored PNG does not match its checksum")
    for render in renders:
        if render.state != "done":
            errors.append(f"render {render.pk} is {render.state}: {render.error[:200]}")
    waits = sorted((r.finished_at - r.created_at).total_seconds() for r in done)
    return {
        "requested": total,
        "accepted": len(render_ids),
        "done": len(done),
        "lost": lost,
        "duplicated": duplicated,
        "seconds": span,
        "posting_seconds": posted,
        "post_latency": post_latency,
        "waits": waits,
        "errors": errors,
        "render_ms": statistics.median([r.timings.get("total_ms", 0) for r in done]) if done else float("nan"),
    }


def render_report(result: dict, workers: int, clients: int, size: str) -> None:
    waits, posts = result["waits"], result["post_latency"]
    print(
        f"\nRenders: {result['requested']} requested by {clients} clients ({size}), {workers} workers: "
        f"{result['done']} done, {result['lost']} lost, {result['duplicated']} duplicated"
    )
    if waits:
        print(
            f"  throughput {result['done'] / result['seconds']:.2f} renders/s "
            f"(first queued to last done {result['seconds']:.1f} s; one render {result['render_ms']:.0f} ms median)"
        )
        print(
            f"  queued->done p50 {waits[len(waits) // 2]:.1f} s, max {waits[-1]:.1f} s; POST revision p50 "
            f"{_ms(posts, 0.5):.0f} ms, p95 {_ms(posts, 0.95):.0f} ms"
        )
    for error in result["errors"][:10]:
        print(f"  error: {error}")


# --- main ---------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.renders % args.render_clients:
        raise SystemExit("--renders must be a multiple of --render-clients")
    env = Environment(args)
    interrupted = []

    def on_signal(signum, frame):
        interrupted.append(signum)
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_signal)
    ok = False
    try:
        began = time.perf_counter()
        env.create()
        seeded = seed(args)
        env.start_server()
        print(
            f"load_bench: gunicorn {args.gunicorn_workers}x{args.threads} threads on 127.0.0.1:{env.port}, "
            f"{args.workers} RQ workers, PostgreSQL {env.db_name}, {args.photos} photos waiting; "
            f"setup {time.perf_counter() - began:.0f} s; {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}"
        )
        review = reviewers_run(env.port, seeded.reviewer_tokens, args.duration, args.seed)
        review_report(review, args.reviewers)
        waited = renders_idle(timeout=args.render_timeout)
        print(f"\n(the approvals' as-is renders drained {waited:.0f} s after the reviewers stopped)")
        renders = renders_run(
            env.port, seeded.retoucher_tokens, seeded.render_photos, args.renders, args.render_timeout
        )
        render_report(renders, args.workers, args.render_clients, args.render_size)
        ok = not review.errors and not renders["errors"] and renders["lost"] == 0 and renders["duplicated"] == 0
        print(f"\n{'PASS' if ok else 'FAIL'} (load {os.getloadavg()[0]:.1f} at the end)")
        if not ok:
            for name, _ in env.processes:
                print(f"--- {name} log tail\n{env.log_tail(name, 1500)}")
    finally:
        env.close()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
