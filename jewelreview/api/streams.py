"""Streamed CSV and ZIP bodies, written row by row and file by file, never whole in memory.

The ZIP writer gives ``zipfile`` a write-only pipe it cannot seek; ``zipfile`` then writes each
entry's sizes and CRC in a data descriptor after the data (the streaming form every unzip
reads), and we hand the bytes to the response as soon as they are written.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

# Cells that spreadsheet programs would run as formulas (CSV injection); prefixed with a quote.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
COPY_CHUNK = 1024 * 1024


def spreadsheet_safe(value: object) -> object:
    """``value``, with text that a spreadsheet would evaluate made inert (``'=1+1``)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class _Echo:
    """A file-like object whose write returns what was written (for csv.writer)."""

    def write(self, value: str) -> str:
        return value


def csv_stream(header: list[str], rows: Iterable[Iterable[object]]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow(header)
    for row in rows:
        yield writer.writerow([spreadsheet_safe(value) for value in row])


@dataclass(frozen=True)
class ZipMember:
    """One file of a streamed archive: its name inside, how to read it, its size if known."""

    name: str
    open: Callable[[], io.BufferedIOBase]
    size: int | None = None
    modified: dt.datetime | None = None
    compress: bool = False  # PNGs are compressed already: store them


class _Pipe(io.RawIOBase):
    """Write-only, unseekable: collects what zipfile writes until the generator takes it."""

    def __init__(self) -> None:
        self._chunks: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self._chunks.append(bytes(data))
        return len(data)

    def take(self) -> bytes:
        data = b"".join(self._chunks)
        self._chunks.clear()
        return data


def zip_stream(members: Iterable[ZipMember]) -> Iterator[bytes]:
    """The bytes of a ZIP of ``members``, produced as they are read (about 1 MiB at a time)."""
    pipe = _Pipe()
    with zipfile.ZipFile(pipe, mode="w", allowZip64=True) as archive:
        for member in members:
            info = zipfile.ZipInfo(member.name, date_time=_zip_time(member.modified))
            info.compress_type = zipfile.ZIP_DEFLATED if member.compress else zipfile.ZIP_STORED
            info.external_attr = 0o644 << 16
            big = member.size is None or member.size >= zipfile.ZIP64_LIMIT
            with member.open() as source, archive.open(info, mode="w", force_zip64=big) as sink:
                while chunk := source.read(COPY_CHUNK):
                    sink.write(chunk)
                    if data := pipe.take():
                        yield data
            if data := pipe.take():
                yield data
    if data := pipe.take():
        yield data


def _zip_time(moment: dt.datetime | None) -> tuple[int, int, int, int, int, int]:
    moment = moment or dt.datetime.now(dt.UTC)
    moment = max(moment.replace(tzinfo=None), dt.datetime(1980, 1, 1))
    return moment.timetuple()[:6]
