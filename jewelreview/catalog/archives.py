"""Turning a zip, a folder or a list of uploaded files into import entries, safely.

A zip is checked as a whole before any entry is read: a path that leaves the archive (zip slip:
``../``, an absolute path, a drive letter), a symbolic link, an encrypted entry, too many entries,
too many bytes in all, or an entry that expands too much (a zip bomb) refuses the whole archive,
naming the entry. Entries are then read one at a time with a size cap, so a lying header cannot
make us hold more than the cap. We never write entries to disk under their own names anyway
(files are stored content-addressed), but a hostile archive is refused, not half-imported.
"""

from __future__ import annotations

import stat
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import BinaryIO, Self

from django.conf import settings

from jewelreview.catalog.pairing import Entry
from jewelreview.errors import InvalidInput, TooLarge
from jewelreview.stored_files import format_bytes

ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")


@dataclass(frozen=True)
class IngestLimits:
    max_upload_bytes: int
    max_file_bytes: int
    max_archive_total_bytes: int
    max_archive_ratio: int
    max_archive_entries: int

    @classmethod
    def from_settings(cls) -> IngestLimits:
        return cls(
            max_upload_bytes=settings.JEWELREVIEW_MAX_UPLOAD_BYTES,
            max_file_bytes=settings.JEWELREVIEW_MAX_FILE_BYTES,
            max_archive_total_bytes=settings.JEWELREVIEW_MAX_ARCHIVE_TOTAL_BYTES,
            max_archive_ratio=settings.JEWELREVIEW_MAX_ARCHIVE_RATIO,
            max_archive_entries=settings.JEWELREVIEW_MAX_ARCHIVE_ENTRIES,
        )


def is_zip(stream: BinaryIO) -> bool:
    position = stream.tell()
    head = stream.read(4)
    stream.seek(position)
    return head in ZIP_MAGIC


def zip_entries(*, archive: zipfile.ZipFile, limits: IngestLimits, archive_name: str = "archive") -> list[Entry]:
    """Check every member of an open zip, then return entries reading them with a size cap."""
    infos = archive.infolist()
    if len(infos) > limits.max_archive_entries:
        raise TooLarge(
            f"{archive_name}: {len(infos)} entries; the limit is {limits.max_archive_entries}. Nothing was imported.",
            code="archive_too_many_entries",
            details={"entries": len(infos), "limit": limits.max_archive_entries},
        )
    seen: set[str] = set()
    total = 0
    files: list[zipfile.ZipInfo] = []
    for info in infos:
        name = info.filename
        _check_member_name(name)
        if _is_symlink(info):
            raise _unsafe(name, "symbolic links are not allowed in an archive", "zip_symlink")
        if info.is_dir():
            continue
        if info.flag_bits & 0x1:
            raise _unsafe(name, "encrypted entries cannot be imported", "zip_encrypted")
        normalized = name.replace("\\", "/")
        if normalized in seen:
            raise _unsafe(name, "the archive holds two entries with this name", "zip_duplicate_name")
        seen.add(normalized)
        _check_ratio(info, limits)
        total += info.file_size
        if total > limits.max_archive_total_bytes:
            raise TooLarge(
                f"{archive_name}: expands to more than {format_bytes(limits.max_archive_total_bytes)} "
                f"(zip bomb?). Nothing was imported.",
                code="zip_bomb",
                details={"limit_bytes": limits.max_archive_total_bytes, "entry": name},
            )
        files.append(info)
    return [
        Entry(name=info.filename.replace("\\", "/"), open=_opener(archive, info), size=info.file_size) for info in files
    ]


def directory_entries(*, root: Path) -> tuple[list[Entry], list[str]]:
    """Files under ``root`` (recursively, sorted) and the symlinks we refused to follow."""
    entries: list[Entry] = []
    symlinks: list[str] = []
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root).as_posix()
        if path.is_symlink():
            symlinks.append(relative)
            continue
        if path.is_file():
            entries.append(Entry(name=relative, open=lambda p=path: p.open("rb"), size=path.stat().st_size))
    return entries, symlinks


def upload_entries(*, files: Iterable[tuple[str, BinaryIO]], limits: IngestLimits) -> list[Entry]:
    """Entries for uploaded files; names are reduced to their last path part."""
    entries: list[Entry] = []
    total = 0
    for raw_name, stream in files:
        name = PurePosixPath(raw_name.replace("\\", "/")).name
        if not name or name in {".", ".."}:
            raise InvalidInput(f"{raw_name!r} is not a usable file name.", code="invalid_file_name")
        size = stream_size(stream)
        total += size or 0
        if total > limits.max_upload_bytes:
            raise TooLarge(
                f"The upload is larger than {format_bytes(limits.max_upload_bytes)}. Nothing was imported.",
                code="upload_too_large",
                details={"limit_bytes": limits.max_upload_bytes},
            )
        entries.append(Entry(name=name, open=_rewinding(stream), size=size))
    return entries


def _check_member_name(name: str) -> None:
    normalized = name.replace("\\", "/")
    parts = normalized.split("/")
    if (
        not normalized
        or "\x00" in normalized
        or normalized.startswith("/")
        or (len(normalized) > 1 and normalized[1] == ":")
        or ".." in parts
    ):
        raise _unsafe(name, "the path leaves the archive (zip slip)", "zip_slip")


def _is_symlink(info: zipfile.ZipInfo) -> bool:
    # Unix zips keep st_mode in the high 16 bits of external_attr; others leave them 0.
    return stat.S_ISLNK(info.external_attr >> 16)


def _check_ratio(info: zipfile.ZipInfo, limits: IngestLimits) -> None:
    if info.file_size == 0:
        return
    ratio = info.file_size / max(info.compress_size, 1)
    if ratio > limits.max_archive_ratio:
        raise TooLarge(
            f"{info.filename}: expands {ratio:.0f}-fold (limit {limits.max_archive_ratio}; zip bomb?). "
            "Nothing was imported.",
            code="zip_bomb",
            details={"entry": info.filename, "ratio": round(ratio), "limit": limits.max_archive_ratio},
        )


def _unsafe(name: str, problem: str, code: str) -> InvalidInput:
    return InvalidInput(
        f"{name}: {problem}. The archive was refused; nothing was imported.",
        code=code,
        details={"entry": name},
    )


def _opener(archive: zipfile.ZipFile, info: zipfile.ZipInfo):
    # zipfile stops at the declared size and checks the CRC; read_capped adds our own cap.
    return lambda: archive.open(info, "r")


def _rewinding(stream: BinaryIO):
    def open_stream() -> BinaryIO:
        if hasattr(stream, "seek"):
            stream.seek(0)
        return _Unclosable(stream)

    return open_stream


class _Unclosable:
    """A view of an uploaded file that the reader may 'close' without closing the upload."""

    def __init__(self, stream: BinaryIO) -> None:
        self._stream = stream

    def read(self, size: int = -1) -> bytes:
        return self._stream.read(size)

    def close(self) -> None:
        pass

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        pass


def stream_size(stream: BinaryIO) -> int | None:
    size = getattr(stream, "size", None)
    if isinstance(size, int):
        return size
    try:
        position = stream.tell()
        stream.seek(0, 2)
        end = stream.tell()
        stream.seek(position)
        return end
    except (AttributeError, OSError):
        return None
