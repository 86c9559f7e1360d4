"""Bytes in and out of Django's storage API (local folder, S3-compatible store, in-memory).

Every file the service keeps goes through these functions, never ``open()`` on a path, so that
swapping the storage backend is a settings change.
"""

from __future__ import annotations

import hashlib
from typing import BinaryIO

from django.core.files.base import ContentFile
from django.core.files.storage import Storage, default_storage

from jewelreview.errors import TooLarge

READ_CHUNK = 1024 * 1024


def storage() -> Storage:
    """The default storage (resolved at call time, so settings overrides apply)."""
    return default_storage


def read_capped(stream: BinaryIO, *, max_bytes: int, name: str) -> bytes:
    """Read a whole stream, refusing (TooLarge) as soon as it exceeds ``max_bytes``.

    Reads in chunks, so a lying size header (a zip bomb entry, a chunked upload) can never make
    us hold more than ``max_bytes + READ_CHUNK`` bytes.
    """
    parts: list[bytes] = []
    total = 0
    while True:
        chunk = stream.read(READ_CHUNK)
        if not chunk:
            break
        total += len(chunk)
        if total > max_bytes:
            raise TooLarge(
                f"{name}: larger than the {format_bytes(max_bytes)} limit for one file",
                code="file_too_large",
                details={"file": name, "limit_bytes": max_bytes},
            )
        parts.append(chunk)
    return b"".join(parts)


def read_bytes(name: str) -> bytes:
    with storage().open(name, "rb") as handle:
        return handle.read()


def save_new(name: str, data: bytes) -> str:
    """Save bytes under exactly ``name`` (which must be new); return the name.

    Callers choose unique names (per-run prefixes, checksums in the name), so a renamed save
    would mean a bug: it raises instead of silently using another name.
    """
    saved = storage().save(name, ContentFile(data))
    if saved != name:
        storage().delete(saved)
        raise FileExistsError(f"storage already holds {name!r}")
    return saved


def save_content_addressed(name: str, data: bytes) -> str:
    """Save bytes whose name is derived from their checksum; an existing file is the same file."""
    if storage().exists(name):
        return name
    try:
        return save_new(name, data)
    except FileExistsError:  # a concurrent writer stored the same bytes first
        return name


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def format_bytes(size: int) -> str:
    """Human size: ``format_bytes(3 * 1024**2)`` is ``'3 MiB'``."""
    value = float(size)
    for unit in ("bytes", "KiB", "MiB", "GiB", "TiB"):
        if value < 1024 or unit == "TiB":
            return f"{value:.0f} {unit}" if unit == "bytes" or value == int(value) else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} bytes"
