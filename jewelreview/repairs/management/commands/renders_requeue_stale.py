"""python manage.py renders_requeue_stale [--stale-after SECONDS]: enqueue work nobody will finish.

A worker killed mid-render leaves its render "running"; a render whose enqueue met a Redis outage
is "failed" with "could not enqueue"; a process that died between commit and enqueue leaves one
"queued" with no task. Run this every few minutes (cron, a systemd timer): each such render is
queued and enqueued again, and the task's claim keeps a duplicate delivery harmless. Uploaded
photos whose preparation the queue refused, or that were never prepared, are enqueued again too
(``catalog.services.photos_requeue_unprepared``).
"""

from __future__ import annotations

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError

from jewelreview.catalog.services import photos_requeue_unprepared
from jewelreview.repairs.services import renders_requeue_stale


class Command(BaseCommand):
    help = "Queue again the renders and photo preparations a dead worker or a queue outage left behind."

    def add_arguments(self, parser):
        parser.add_argument(
            "--stale-after",
            type=int,
            help="seconds after which a running render counts as abandoned "
            "(default JEWELREVIEW_RENDER_STALE_AFTER_SECONDS)",
        )

    def handle(self, *args, stale_after: int | None, **options):
        if stale_after is not None and stale_after < 1:
            raise CommandError("--stale-after must be at least 1 second.")
        renders = renders_requeue_stale(stale_after=None if stale_after is None else timedelta(seconds=stale_after))
        self.stdout.write(_summary("render", renders))
        self.stdout.write(_summary("photo preparation", photos_requeue_unprepared()))


def _summary(noun: str, found: dict[str, list[int]]) -> str:
    total = sum(len(ids) for ids in found.values())
    reasons = ", ".join(f"{len(ids)} {reason.replace('_', ' ')}" for reason, ids in found.items())
    return f"Queued {total} {noun}{'' if total == 1 else 's'} again: {reasons}."
