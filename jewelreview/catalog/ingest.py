"""Ingest: originals and AI results in, photos out, with a report. Shared by ``import_batch``,
web uploads and the API.

Per pair, in order: read the original with a size cap and hash it (a known sha256 is skipped
as a duplicate: re-importing creates nothing); probe both images' headers with ``core`` (pixel
budget checked before any decoding); check the AI result matches the upright size and decodes;
store both files content-addressed; then create SKU, photo and event in one transaction and
queue ``photo_prepare`` after commit. A refused pair writes nothing to the database; a refused
archive writes nothing at all.
"""

from __future__ import annotations

import dataclasses
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction

from jewelreview import stored_files
from jewelreview.accounts.roles import Action, require
from jewelreview.catalog.archives import (
    IngestLimits,
    directory_entries,
    is_zip,
    stream_size,
    upload_entries,
    zip_entries,
)
from jewelreview.catalog.models import Batch, Photo
from jewelreview.catalog.pairing import (
    IGNORED_ARCHIVE,
    MANIFEST_NAME,
    Entry,
    Ignored,
    ManifestRow,
    Pair,
    Refusal,
    entries_pair,
    manifest_parse,
)
from jewelreview.catalog.services import batch_get_or_create, photo_prepare_enqueue, sku_get_or_create
from jewelreview.catalog.view_clashes import view_clashes
from jewelreview.errors import InvalidInput, ServiceError, TooLarge, Unprocessable
from jewelreview.reviews.events import event_record

Progress = Callable[[int, int, str], None]
"""``progress(done, total, name)``, called after each pair."""

STORED_EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "TIFF": "tif", "WEBP": "webp"}

# Why an archive among the files is not read, by where it came from.
ARCHIVE_IN_ZIP = "archives inside a zip are not read"
ARCHIVE_IN_FOLDER = "archives inside a folder are not read"
ARCHIVE_WITH_FILES = "only one zip per upload, sent on its own: this one came with other files"
ARCHIVE_UNREADABLE = "not a zip this server can read: only .zip archives are, and this one is empty, damaged or another kind"
MANIFEST_GIVEN = "not read: the manifest given with the import is used"


@dataclass(frozen=True)
class ImportedPhoto:
    name: str
    photo_id: int
    sku: str
    view: str
    ai_result: str = ""  # the pair's AI result file, imported with it


@dataclass(frozen=True)
class Skipped:
    name: str
    reason: str
    photo_id: int | None = None
    ai_result: str = ""  # the pair's AI result file, skipped with it


@dataclass(frozen=True)
class ManifestRead:
    name: str
    rows: int  # files it names


@dataclass
class IngestReport:
    batch_name: str
    batch_id: int | None = None
    imported: list[ImportedPhoto] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)
    ignored: list[Ignored] = field(default_factory=list)
    manifests: list[ManifestRead] = field(default_factory=list)  # the manifest the upload carried, read

    def as_dict(self) -> dict[str, Any]:
        return {
            "summary": self.summary(),
            # No batch is made until a photo is imported: naming one here sent people looking for it.
            "batch": {"id": self.batch_id, "name": self.batch_name} if self.batch_id is not None else None,
            "imported": [asdict(item) for item in self.imported],
            "skipped": [asdict(item) for item in self.skipped],
            "refused": [asdict(item) for item in self.refused],
            "ignored": [asdict(item) for item in self.ignored],
            "manifests": [asdict(item) for item in self.manifests],
        }

    def summary(self) -> str:
        """The report in one sentence: the batch and its counts, or that none was made."""
        rest = f"{len(self.skipped)} skipped, {len(self.refused)} refused, {len(self.ignored)} ignored"
        if self.batch_id is None:
            return f"Nothing new was imported and no batch was created: {rest}."
        return f"Batch {self.batch_name}: {len(self.imported)} imported, {rest}."

    def lines(self) -> list[str]:
        """The report for a person, one line per finding."""
        out = [
            (
                f"Batch {self.batch_name!r}: imported {len(self.imported)}, skipped {len(self.skipped)}, "
                f"refused {len(self.refused)}, ignored {len(self.ignored)}."
            )
            if self.batch_id is not None
            else self.summary()
        ]
        out += [
            f"  imported {i.name}{_with(i.ai_result)} as {i.sku}/{i.view} (photo {i.photo_id})" for i in self.imported
        ]
        out += [f"  skipped {s.name}{_with(s.ai_result)}: {s.reason}" for s in self.skipped]
        out += [f"  refused {r.name}{_with(r.ai_result)}: {r.reason}" for r in self.refused]
        out += [f"  ignored {i.name}: {i.reason}" for i in self.ignored]
        out += [f"  read {m.name}: {m.rows} row{'' if m.rows == 1 else 's'}" for m in self.manifests]
        return out


class NothingImported(Unprocessable):
    """An upload that imported nothing and was not only duplicates: a 422 whose body is the import
    report as well as the error (``code``, ``message`` naming the first refused file, else the first
    ignored one, and why; ``details``)."""

    default_code = "nothing_imported"

    def __init__(self, report: IngestReport):
        found, verb = (report.refused, "refused") if report.refused else (report.ignored, "ignored")
        if found:
            more = len(found) - 1
            also = f" ({more} more file{'s' if more > 1 else ''} {verb})" if more else ""
            message = f"Nothing was imported: {found[0].name}: {found[0].reason.rstrip('.')}{also}."
        else:  # an empty zip, or only a manifest
            message = "Nothing was imported: the upload holds no photos to import."
        super().__init__(
            message,
            details={
                "file": found[0].name if found else None,
                "refused": len(report.refused),
                "ignored": len(report.ignored),
            },
        )
        self.report = report

    def as_dict(self) -> dict[str, Any]:
        return {**self.report.as_dict(), **super().as_dict()}


def upload_report_or_refusal(report: IngestReport) -> IngestReport:
    """``report``, unless the upload imported nothing: then :class:`NothingImported`.

    A partly refused upload is a success (one bad file must not cost a shoot of hundreds); one
    where every pair was refused, or every file ignored (or that held none), is the caller's
    error. Duplicates alone are not: re-importing is allowed and creates nothing.
    """
    if not report.imported and (report.refused or not report.skipped):
        raise NothingImported(report)
    return report


def ingest_directory(
    *,
    root: Path,
    batch_name: str,
    actor: AbstractBaseUser | None = None,
    manifest: dict[str, ManifestRow] | None = None,
    progress: Progress | None = None,
    limits: IngestLimits | None = None,
) -> IngestReport:
    """Import a folder (recursively). Symbolic links are refused, never followed."""
    if not root.is_dir():
        raise InvalidInput(f"{root} is not a folder.", code="not_a_folder")
    entries, symlinks = directory_entries(root=root)
    report = IngestReport(batch_name=batch_name)
    report.refused += [Refusal(name, "symbolic link; not followed") for name in symlinks]
    return _ingest_entries(
        entries,
        report=report,
        actor=actor,
        manifest=manifest,
        progress=progress,
        limits=limits or IngestLimits.from_settings(),
        archive_reason=ARCHIVE_IN_FOLDER,
    )


def ingest_zip(
    *,
    archive: BinaryIO,
    batch_name: str,
    actor: AbstractBaseUser | None = None,
    manifest: dict[str, ManifestRow] | None = None,
    progress: Progress | None = None,
    limits: IngestLimits | None = None,
    archive_name: str = "archive",
) -> IngestReport:
    """Import one zip (seekable stream). An unsafe archive is refused whole, before any entry is read."""
    limits = limits or IngestLimits.from_settings()
    size = stream_size(archive)
    if size is not None and size > limits.max_upload_bytes:
        limit = stored_files.format_bytes(limits.max_upload_bytes)
        raise TooLarge(
            f"{archive_name} is larger than {limit}. Nothing was imported.",
            code="upload_too_large",
            details={"limit_bytes": limits.max_upload_bytes},
        )
    try:
        with zipfile.ZipFile(archive) as opened:
            entries = zip_entries(archive=opened, limits=limits, archive_name=archive_name)
            return _ingest_entries(
                entries,
                report=IngestReport(batch_name=batch_name),
                actor=actor,
                manifest=manifest,
                progress=progress,
                limits=limits,
                archive_reason=ARCHIVE_IN_ZIP,
            )
    except zipfile.BadZipFile as exc:
        raise InvalidInput(f"{archive_name} is not a readable zip ({exc}).", code="bad_zip") from None


def ingest_files(
    *,
    files: Sequence[tuple[str, BinaryIO]],
    batch_name: str,
    actor: AbstractBaseUser | None = None,
    manifest: dict[str, ManifestRow] | None = None,
    progress: Progress | None = None,
    limits: IngestLimits | None = None,
    archive_reason: str = IGNORED_ARCHIVE,
) -> IngestReport:
    """Import uploaded files given as ``(name, file-like)``."""
    limits = limits or IngestLimits.from_settings()
    entries = upload_entries(files=files, limits=limits)
    return _ingest_entries(
        entries,
        report=IngestReport(batch_name=batch_name),
        actor=actor,
        manifest=manifest,
        progress=progress,
        limits=limits,
        archive_reason=archive_reason,
    )


def ingest_upload(
    *,
    files: Sequence[tuple[str, BinaryIO]],
    batch_name: str,
    actor: AbstractBaseUser,
    progress: Progress | None = None,
) -> IngestReport:
    """A web/API upload: one zip, or originals and AI results (and optionally manifest.csv)."""
    require(actor, Action.BATCH_IMPORT)
    if not files:
        raise InvalidInput("No files were uploaded.", code="no_files")
    if len(files) == 1 and is_zip(files[0][1]):
        name, stream = files[0]
        return ingest_zip(archive=stream, batch_name=batch_name, actor=actor, progress=progress, archive_name=name)
    archive_reason = ARCHIVE_WITH_FILES if len(files) > 1 else ARCHIVE_UNREADABLE
    return ingest_files(
        files=files, batch_name=batch_name, actor=actor, progress=progress, archive_reason=archive_reason
    )


# --- steps -------------------------------------------------------------------------------------


def _ingest_entries(
    entries: list[Entry],
    *,
    report: IngestReport,
    actor: AbstractBaseUser | None,
    manifest: dict[str, ManifestRow] | None,
    progress: Progress | None,
    limits: IngestLimits,
    archive_reason: str,
) -> IngestReport:
    if actor is not None:
        require(actor, Action.BATCH_IMPORT)
    read = None
    given = manifest is not None
    if manifest is None:
        manifest, read = _manifest_among(entries, limits)
    pairing = entries_pair(entries, manifest=manifest, archive_reason=archive_reason)
    report.refused += pairing.refused
    report.ignored += [
        Ignored(item.name, MANIFEST_GIVEN) if given and item.name.lower() == MANIFEST_NAME else item
        for item in pairing.ignored
        if item.name != read
    ]
    if read is not None:
        report.manifests.append(ManifestRead(read, len(manifest)))
    clashes = view_clashes(pairing.pairs, already_imported=lambda pair: _imported_before(pair, limits))
    batch: Batch | None = None
    for done, pair in enumerate(pairing.pairs, start=1):
        try:
            if pair.original.name in clashes:
                outcome = Refusal(pair.original.name, clashes[pair.original.name])
            else:
                outcome = _ingest_pair(pair, batch=batch, batch_name=report.batch_name, actor=actor, limits=limits)
        except ServiceError as exc:
            outcome = Refusal(pair.original.name, _without_name(exc.message, pair.original.name))
        if not isinstance(outcome, tuple):  # the pair's AI result shares its fate: the report says so
            outcome = dataclasses.replace(outcome, ai_result=pair.ai_result.name)
        if isinstance(outcome, tuple):
            imported, batch = outcome
            report.imported.append(imported)
            report.batch_id = batch.pk
        elif isinstance(outcome, Skipped):
            report.skipped.append(outcome)
        else:
            report.refused.append(outcome)
        if progress is not None:
            progress(done, len(pairing.pairs), pair.original.name)
    return report


def _ingest_pair(
    pair: Pair, *, batch: Batch | None, batch_name: str, actor: AbstractBaseUser | None, limits: IngestLimits
) -> tuple[ImportedPhoto, Batch] | Skipped | Refusal:
    original = _read(pair.original, limits)
    sha = stored_files.sha256_hex(original)
    duplicate = _duplicate(pair.original.name, sha)
    if duplicate is not None:
        return duplicate
    checked = _check_images(pair, original, limits)
    if isinstance(checked, Refusal):
        return checked
    original_name = stored_files.save_content_addressed(_stored_name("originals", sha, checked.format), original)
    mask_sha = stored_files.sha256_hex(checked.ai_result)
    mask_name = stored_files.save_content_addressed(
        _stored_name("masks", mask_sha, checked.ai_format), checked.ai_result
    )
    batch = batch or batch_get_or_create(name=batch_name, actor=actor)
    try:
        photo = _create_photo(
            pair,
            batch=batch,
            actor=actor,
            checked=checked,
            original_name=original_name,
            sha=sha,
            original_bytes=len(original),
            mask_name=mask_name,
            mask_sha=mask_sha,
        )
    except IntegrityError:  # the same original was imported concurrently
        return _duplicate(pair.original.name, sha) or Skipped(pair.original.name, "duplicate")
    imported = ImportedPhoto(
        name=pair.original.name, photo_id=photo.pk, sku=pair.sku, view=pair.view, ai_result=pair.ai_result.name
    )
    return imported, batch


def _with(ai_result: str) -> str:
    return f" (with {ai_result})" if ai_result else ""


@dataclass(frozen=True)
class _CheckedImages:
    width: int  # upright
    height: int
    format: str
    ai_result: bytes
    ai_format: str


def _check_images(pair: Pair, original: bytes, limits: IngestLimits) -> _CheckedImages | Refusal:
    """Probe both headers (pixel budget before decoding), check the original's end is there (a cut
    upload would otherwise be imported and fail later, when its previews are made), match sizes,
    and decode the AI result."""
    from core import codecs
    from core.errors import CoreError

    try:
        info = codecs.probe(original)
        codecs.check_complete(original)
    except CoreError as exc:
        return Refusal(pair.original.name, str(exc))
    ai_result = _read(pair.ai_result, limits)
    try:
        ai_info = codecs.probe(ai_result)
        if mismatch := codecs.mask_size_mismatch(ai_info, info):
            return Refusal(pair.original.name, mismatch)
        codecs.decode_ai_result(ai_result, size=(info.width, info.height))
    except CoreError as exc:
        return Refusal(pair.original.name, f"AI result {pair.ai_result.name}: {exc}")
    return _CheckedImages(info.width, info.height, info.format, ai_result, ai_info.format)


def _create_photo(
    pair: Pair,
    *,
    batch: Batch,
    actor: AbstractBaseUser | None,
    checked: _CheckedImages,
    original_name: str,
    sha: str,
    original_bytes: int,
    mask_name: str,
    mask_sha: str,
) -> Photo:
    """SKU, photo and import event in one transaction; previews are queued after it commits."""
    with transaction.atomic():
        sku = sku_get_or_create(code=pair.sku, title=pair.title)
        photo = Photo.objects.create(
            batch=batch,
            sku=sku,
            view=pair.view,
            source_name=pair.original.name[:500],
            original=original_name,
            original_sha256=sha,
            original_bytes=original_bytes,
            ai_mask=mask_name,
            ai_mask_sha256=mask_sha,
            width=checked.width,
            height=checked.height,
        )
        event_record(
            photo=photo,
            actor=actor,
            action="import",
            to_status=photo.status,
            data={"batch": batch.pk, "file": pair.original.name, "ai_result": pair.ai_result.name},
        )
        photo_prepare_enqueue(photo=photo)
    return photo


def _read(entry: Entry, limits: IngestLimits) -> bytes:
    if entry.size is not None and entry.size > limits.max_file_bytes:
        raise TooLarge(
            f"{entry.name}: {stored_files.format_bytes(entry.size)} is over the "
            f"{stored_files.format_bytes(limits.max_file_bytes)} limit for one file",
            code="file_too_large",
        )
    with entry.open() as stream:
        try:
            return stored_files.read_capped(stream, max_bytes=limits.max_file_bytes, name=entry.name)
        except zipfile.BadZipFile as exc:  # CRC or size mismatch inside the archive
            raise InvalidInput(f"{entry.name}: corrupt archive entry ({exc})", code="bad_zip_entry") from None


def _imported_before(pair: Pair, limits: IngestLimits) -> bool:
    """Whether the pair's original is already a photo (the loop then skips it as a duplicate)."""
    try:
        original = _read(pair.original, limits)
    except ServiceError:
        return False  # the loop refuses it with the reason
    return _duplicate(pair.original.name, stored_files.sha256_hex(original)) is not None


def _duplicate(name: str, sha: str) -> Skipped | None:
    existing = Photo.objects.filter(original_sha256=sha).values_list("pk", "sku__code", "view").first()
    if existing is None:
        return None
    photo_id, sku, view = existing
    return Skipped(name, f"duplicate of photo {photo_id} ({sku}/{view})", photo_id=photo_id)


def _manifest_among(entries: list[Entry], limits: IngestLimits) -> tuple[dict[str, ManifestRow], str | None]:
    """The rows of the upload's top-level manifest and its name (``({}, None)`` without one)."""
    found = [e for e in entries if e.name.lower() == MANIFEST_NAME]
    if not found:
        return {}, None
    return manifest_parse(_read(found[0], limits), name=found[0].name), found[0].name


def _stored_name(folder: str, sha: str, image_format: str) -> str:
    return f"{folder}/{sha[:2]}/{sha}.{STORED_EXTENSIONS.get(image_format, 'bin')}"


def _without_name(message: str, name: str) -> str:
    prefix = f"{name}: "
    return message.removeprefix(prefix)
