"""Whole-file reads and atomic writes: the only file I/O in ``core``.

Use it through ``core.codecs`` (``read_bytes``, ``write_bytes_atomic``).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


def read_bytes(path: str | os.PathLike) -> bytes:
    """Read a whole file.

    Parameters
    ----------
    path : str or path-like

    Returns
    -------
    bytes

    Raises
    ------
    OSError
        The file cannot be read (missing, a directory, no permission).

    Examples
    --------
    >>> import tempfile, os
    >>> path = os.path.join(tempfile.mkdtemp(), "a.bin"); write_bytes_atomic(path, b"xyz")
    >>> read_bytes(path)
    b'xyz'
    """
    return Path(path).read_bytes()


def write_bytes_atomic(path: str | os.PathLike, data: bytes) -> None:
    """Write a file so that readers see either the old content or all of the new, never a part.

    Writes a temporary file in the same directory, flushes it to disk, then renames it over
    ``path``. On any error the temporary file is removed and an existing ``path`` is untouched.
    A new file gets mode 0o644; a replaced file keeps its mode.

    Parameters
    ----------
    path : str or path-like
        Destination; its directory must exist.
    data : bytes

    Raises
    ------
    OSError
        The directory is missing or not writable, the disk is full, ...

    Examples
    --------
    >>> import tempfile, os
    >>> path = os.path.join(tempfile.mkdtemp(), "out.png")
    >>> write_bytes_atomic(path, b"new"); open(path, "rb").read()
    b'new'
    """
    path = Path(path)
    try:
        mode = path.stat().st_mode & 0o7777
    except FileNotFoundError:
        mode = 0o644
    fd, temp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as temp:
            temp.write(data)
            temp.flush()
            os.fchmod(temp.fileno(), mode)
            os.fsync(temp.fileno())
        os.replace(temp_name, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp_name)
        raise
    _fsync_directory(path.parent)


def _fsync_directory(directory: Path) -> None:
    """Make the rename itself durable (best effort: not every platform can open a directory)."""
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)

