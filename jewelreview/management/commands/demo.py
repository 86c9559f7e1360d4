"""python manage.py demo: demo users (one per role) and demo photos; safe to run again."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from jewelreview.demo_data import demo_load
from jewelreview.errors import ServiceError


class Command(BaseCommand):
    help = "Load demo data (dev scenes when present, else generated ones) and print one login per role."

    def add_arguments(self, parser):
        parser.add_argument(
            "--scenes", type=Path, help="folder of NAME.jpg + NAME_cutout.png (default: shared dev set)"
        )

    def handle(self, *args, scenes: Path | None, **options):
        try:
            result = demo_load(scenes_dir=scenes)
        except ServiceError as exc:
            raise CommandError(exc.message) from None
        report = result.report
        self.stdout.write(
            f"Demo photos from {result.source}: {len(report.imported)} imported, "
            f"{len(report.skipped)} already there, {len(report.refused)} refused."
        )
        for refusal in report.refused:
            self.stdout.write(f"  refused {refusal.name}: {refusal.reason}")
        self.stdout.write("Demo logins (http://127.0.0.1:8000/):")
        for username, password, role in result.logins:
            self.stdout.write(f"  {role:<10} username {username:<10} password {password}")
