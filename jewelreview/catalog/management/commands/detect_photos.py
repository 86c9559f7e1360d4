"""python manage.py detect_photos [--batch NAME] [--all]: queue damage detection for prepared photos.

Ingest queues detection by itself (after the previews); this fills in photos imported before
detection existed, or whose detection failed, and with ``--all`` re-runs it (a tuned detector).
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from jewelreview.catalog.detection_services import photo_detect_enqueue
from jewelreview.catalog.models import Batch, Photo


class Command(BaseCommand):
    help = "Queue damage detection for prepared photos that have no risk yet (--all: every prepared photo)."

    def add_arguments(self, parser):
        parser.add_argument("--batch", help="only this batch (its name)")
        parser.add_argument("--all", action="store_true", help="re-run on photos already detected")

    def handle(self, *args, batch: str | None, all: bool, **options):
        photos = Photo.objects.exclude(tiles_cutout="")
        if batch is not None:
            found = Batch.objects.filter(name=batch).first()
            if found is None:
                raise CommandError(f"There is no batch named {batch!r}.")
            photos = photos.filter(batch=found)
        if not all:
            photos = photos.filter(risk__isnull=True)
        ids = list(photos.order_by("pk").values_list("pk", flat=True))
        for photo_id in ids:
            photo_detect_enqueue(photo_id=photo_id, force=all)
        self.stdout.write(f"Queued detection for {len(ids)} photo{'' if len(ids) == 1 else 's'}.")
