"""python manage.py import_batch DIR [--manifest CSV] [--batch NAME] [--user NAME]"""

from __future__ import annotations

from pathlib import Path
from typing import Self

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from jewelreview.accounts.selectors import user_by_username
from jewelreview.catalog.ingest import ingest_directory
from jewelreview.catalog.pairing import manifest_parse
from jewelreview.errors import ServiceError


class Command(BaseCommand):
    help = (
        "Import originals and AI results from a folder: SKU_view.jpg pairs with SKU_view_cutout.png, "
        "SKU_view_mask.png or SKU_view.png. Re-importing the same files creates nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path)
        parser.add_argument("--manifest", type=Path, help="CSV with columns file, sku, view, title")
        parser.add_argument("--batch", help="batch name (default: the folder's name)")
        parser.add_argument("--user", help="record this user as the importer (must be a manager)")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(
        self,
        *args,
        directory: Path,
        manifest: Path | None,
        batch: str | None,
        user: str | None,
        no_progress: bool,
        **options,
    ):
        directory = directory.expanduser().resolve()
        try:
            rows = manifest_parse(manifest.read_bytes(), name=manifest.name) if manifest else None
            actor = user_by_username(username=user) if user else None
            # tqdm writes carriage returns itself: give it the raw stream behind the command's stderr.
            with _ProgressBar(enabled=not no_progress, stream=self.stderr._out) as progress:
                report = ingest_directory(
                    root=directory, batch_name=batch or directory.name, actor=actor, manifest=rows, progress=progress
                )
        except ServiceError as exc:
            raise CommandError(exc.message) from None
        except OSError as exc:
            raise CommandError(str(exc)) from None
        for line in report.lines():
            self.stdout.write(line)


class _ProgressBar:
    """Adapts the ingest's progress(done, total, name) callback to a tqdm bar."""

    def __init__(self, *, enabled: bool, stream) -> None:
        self.enabled = enabled
        self.stream = stream
        self.bar: tqdm | None = None

    def __call__(self, done: int, total: int, name: str) -> None:
        if not self.enabled:
            return
        if self.bar is None:
            self.bar = tqdm(total=total, unit="photo", desc="import", file=self.stream)
        self.bar.set_postfix_str(name[-40:], refresh=False)
        self.bar.update(done - self.bar.n)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.close()
