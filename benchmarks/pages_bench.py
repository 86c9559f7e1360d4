"""Server time of the busiest pages with 10,000 photos: /queue/, /dashboard/, /grid/, /api/photos/.

    .venv/bin/python benchmarks/pages_bench.py [--photos 10000] [--repeat 15]
    DATABASE_URL=postgres://user@127.0.0.1:5432/jewelreview .venv/bin/python benchmarks/pages_bench.py

Fills a throw-away SQLite database (a temporary file, migrated from scratch) with a realistic
catalogue: 10 batches, 2,500 SKUs of 4 views, photos in every status with assignees, waiting
since any of the past 30 days (``status_since``, as ``updated_at``), risks, revisions and
finished renders, open and resolved flags with pins, and ~3 workflow events per photo over 30
days. With ``DATABASE_URL`` pointing at PostgreSQL it then does the same in a throw-away
``<name>_pages_bench`` database on that server (created and dropped, as Django's test runner does).

Each page is requested through Django's test client as a signed-in manager (middleware,
session, roles, queries, template rendering: everything but the socket), a few times to warm
up, then ``--repeat`` times; the median is printed with the number of SQL queries of one
request, for the default page size and a large one (the count must not change with it).
Target: median <= 50 ms. Each database runs in its own process because settings read
``DATABASE_URL`` once.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TARGET_MS = 50.0
# (label, URL): the four the issue names first, then the other new pages and the large pages.
PAGES = [
    ("/queue/", "/queue/"),
    ("/dashboard/", "/dashboard/"),
    ("/grid/", "/grid/"),
    ("/api/photos/", "/api/photos/"),
    ("/queue/ (200 per page)", "/queue/?page_size=200"),
    ("/dashboard/ (one batch)", "/dashboard/?batch={batch}"),
    ("/dashboard/ (200 SKUs)", "/dashboard/?page_size=200"),
    ("/grid/ (200 per page)", "/grid/?page_size=200"),
    ("/api/photos/ (500 per page)", "/api/photos/?page_size=500"),
    ("/dashboard/photos/", "/dashboard/photos/"),
    ("/retouch/", "/retouch/"),
]
REQUIRED = {"/queue/", "/dashboard/", "/grid/", "/api/photos/"}


# --- the parent: one child process per database ------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photos", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--child", choices=["sqlite", "postgres"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return run_child(args.child, photos=args.photos, repeat=args.repeat)
    failures = 0
    given = os.environ.get("DATABASE_URL", "")
    with tempfile.TemporaryDirectory(prefix="jewelreview-pages-bench-") as tmp:
        runs = [("sqlite", f"sqlite:///{Path(tmp) / 'bench.sqlite3'}")]
        if given.startswith(("postgres://", "postgresql://")):
            runs.append(("postgres", given))
        for engine, url in runs:
            env = {**os.environ, "DATABASE_URL": url, "MEDIA_ROOT": str(Path(tmp) / "media"), "DEBUG": "0"}
            env.pop("DJANGO_ENV", None)
            command = [sys.executable, str(Path(__file__).resolve()), "--child", engine,
                       "--photos", str(args.photos), "--repeat", str(args.repeat)]
            failures += subprocess.run(command, cwd=REPO, env=env, check=False).returncode != 0
    return 1 if failures else 0


# --- the child: seed, then time ----------------------------------------------------------------


def run_child(engine: str, *, photos: int, repeat: int) -> int:
    sys.path.insert(0, str(REPO))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jewelreview.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    old_name = None
    if engine == "postgres":
        old_name = connection.settings_dict["NAME"]
        # Its own name: never the test suite's test_<name>, which another run may be using.
        connection.settings_dict.setdefault("TEST", {})["NAME"] = f"{old_name}_pages_bench"
        connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    else:
        call_command("migrate", verbosity=0, interactive=False)
    try:
        started = time.perf_counter()
        manager, batch_id = seed(photos)
        with connection.cursor() as cursor:
            # Statistics and (PostgreSQL) the visibility map, as autovacuum keeps them in a database in use.
            cursor.execute("ANALYZE" if connection.vendor == "sqlite" else "VACUUM ANALYZE")
        seconds = time.perf_counter() - started
        server = f"{connection.vendor} {version(connection)}"
        print(f"\n{engine}: {photos:,} photos seeded in {seconds:.1f} s ({server})")
        return report(measure(manager, batch_id, repeat=repeat))
    finally:
        if old_name is not None:
            connection.creation.destroy_test_db(old_name, verbosity=0)


def version(connection) -> str:
    with connection.cursor() as cursor:
        cursor.execute("select sqlite_version()" if connection.vendor == "sqlite" else "show server_version")
        return cursor.fetchone()[0]


def seed(count: int):
    """Users, batches, SKUs, photos in every status, revisions and renders, flags, events."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from jewelreview.accounts.services import user_set_roles
    from jewelreview.catalog.models import Batch, Photo, Sku
    from jewelreview.repairs.models import Render, RenderState, Revision
    from jewelreview.reviews.models import Event, Flag

    User = get_user_model()

    def person(name: str, role: str):
        return user_set_roles(user=User.objects.create_user(name, password="bench-password-1"), roles=[role])

    reviewers = [person(f"reviewer{i}", "reviewer") for i in range(3)]
    retouchers = [person(f"retoucher{i}", "retoucher") for i in range(3)]
    manager = person("manager", "manager")
    batches = Batch.objects.bulk_create(Batch(name=f"launch-{i:02d}") for i in range(10))
    skus = Sku.objects.bulk_create(Sku(code=f"RING-{i:05d}", title=f"Ring {i}") for i in range(max(1, count // 4)))
    # Of 100 photos: 40 waiting for review, 30 approved, 10 flagged, 8 in repair, 5 new, 4 reopened, 3 reshoot.
    plan = ["needs_review"] * 40 + ["approved"] * 30 + ["flagged"] * 10 + ["in_repair"] * 8
    plan += ["new"] * 5 + ["reopened"] * 4 + ["reshoot"] * 3
    views = ["front", "side", "top", "detail"]
    photos = []
    for n in range(count):
        status = plan[(n * 37) % len(plan)]  # interleaved, not in blocks
        assignee = retouchers[n % 3] if status == "in_repair" or (status == "flagged" and n % 3 == 0) else None
        prepared = status != "new"
        photos.append(
            Photo(
                batch=batches[n % len(batches)],
                sku=skus[n // 4 % len(skus)],
                view=views[n % 4],
                source_name=f"RING-{n // 4:05d}_{views[n % 4]}.jpg",
                original=f"originals/{n:06d}.jpg",
                original_sha256=f"{n:064x}",
                original_bytes=2_000_000,
                ai_mask=f"masks/{n:06d}.png",
                ai_mask_sha256=f"{n:064x}",
                width=4000,
                height=3000,
                status=status,
                assignee=assignee,
                risk=(n % 97) / 97 if n % 2 else None,
                damage_extent=(n % 89) / 890 if n % 2 else None,  # orders equal risks in the queue
                preview_original=f"photos/{n}/run/preview_original.webp" if prepared else "",
                preview_cutout=f"photos/{n}/run/preview_cutout.webp" if prepared else "",
                tiles_original=f"photos/{n}/run/original.dzi" if prepared else "",
                tiles_cutout=f"photos/{n}/run/cutout.dzi" if prepared else "",
                prepared_at=timezone.now() if prepared else None,
            )
        )
    photos = Photo.objects.bulk_create(photos, batch_size=1000)
    now = timezone.now()
    for day in range(30):  # photos entered their status (and last changed) over the past month
        since = now - dt.timedelta(days=day)
        # status_since is what "Waiting" counts from (the queue, My work, the dashboard's waiting
        # longest and its index); updated_at is the photo list's "Last change".
        Photo.objects.filter(pk__in=[p.pk for p in photos[day::30]]).update(status_since=since, updated_at=since)

    repaired = [p for p in photos if p.status in ("approved", "in_repair") and p.pk % 2 == 0]
    revisions = Revision.objects.bulk_create(
        [Revision(photo=p, number=1, author=p.assignee or retouchers[0], recipe={"version": 1, "base": "ai", "ops": []},
                  recipe_sha256="0" * 64) for p in repaired],
        batch_size=1000,
    )
    Render.objects.bulk_create(
        [Render(revision=r, state=RenderState.DONE, final=f"renders/{r.photo_id}.png",
                preview=f"renders/{r.photo_id}-preview.png", checksum="0" * 64, final_bytes=9_000_000,
                finished_at=now) for r in revisions],
        batch_size=1000,
    )
    for photo, revision in zip(repaired, revisions, strict=True):
        photo.current_revision = revision
    Photo.objects.bulk_update(repaired, ["current_revision"], batch_size=1000)

    reasons = ["clipped_prong", "missing_chain", "opacity_bleed", "halo", "colour_spill", "other"]
    flags = [
        Flag(photo=p, reason=reasons[p.pk % 6], note="see pin", pins=[{"x": 1200.0, "y": 800.0}],
             created_by=reviewers[p.pk % 3],
             resolved_at=now if p.status in ("approved", "needs_review") else None)
        for p in photos
        if p.status in ("flagged", "in_repair", "reopened") or p.pk % 5 == 0
    ]
    Flag.objects.bulk_create(flags, batch_size=1000)

    actions = [("approve", reviewers), ("flag", reviewers), ("submit", retouchers)]
    events = [
        Event(photo=p, actor=people[(p.pk + k) % 3], action=action, from_status="needs_review", to_status="approved")
        for p in photos
        for k, (action, people) in enumerate(actions)
        if p.status != "new"
    ]
    events = Event.objects.bulk_create(events, batch_size=2000)
    first, last = events[0].pk, events[-1].pk
    span = (last - first) // 30 + 1
    for day in range(30):
        Event.objects.filter(pk__gte=first + day * span, pk__lt=first + (day + 1) * span).update(
            created_at=now - dt.timedelta(days=day, hours=day % 7)
        )
    return manager, batches[0].pk


def measure(manager, batch_id: int, *, repeat: int) -> list[tuple[str, int, int, float, float, float]]:
    """``(label, status, queries, median ms, fastest ms, median CPU ms)`` per page."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(manager)
    results = []
    for label, url in PAGES:
        url = url.format(batch=batch_id)
        for _ in range(3):
            response = client.get(url)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        query_count = len(queries)  # now: the next request clears the connection's query log
        wall, cpu = [], []
        for _ in range(repeat):
            started, started_cpu = time.perf_counter(), time.process_time()
            client.get(url).content  # noqa: B018  (the body is rendered by now)
            wall.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
        results.append(
            (label, response.status_code, query_count, statistics.median(wall), min(wall), statistics.median(cpu))
        )
    return results


def report(results) -> int:
    # cpu ms: this process only; it excludes waiting for a busy CPU, and PostgreSQL's own work.
    print(f"{'page':30} {'status':>6} {'queries':>7} {'median ms':>9} {'fastest ms':>10} {'cpu ms':>7}")
    slow = []
    for label, status, queries, median, fastest, cpu in results:
        mark = ""
        if label in REQUIRED and (status != 200 or median > TARGET_MS):
            mark = "  <- over the target" if status == 200 else "  <- not available"
            slow.append(label)
        print(f"{label:30} {status:>6} {queries:>7} {median:>9.1f} {fastest:>10.1f} {cpu:>7.1f}{mark}")
    verdict = "all within" if not slow else f"{', '.join(slow)} not within"
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"target: median <= {TARGET_MS:.0f} ms for {', '.join(sorted(REQUIRED))}: {verdict} (load average {load})")
    return 0 if not slow else 1


if __name__ == "__main__":
    sys.exit(main())
