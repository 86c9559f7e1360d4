"""Storage backends.

Files are only ever reached through Django's storage API (``default_storage`` or
``storages["default"]``), so any S3-compatible store replaces the filesystem by settings alone.
"""

from __future__ import annotations

import os
import tempfile

from django.core.files.storage import FileSystemStorage


class AtomicFileSystemStorage(FileSystemStorage):
    """FileSystemStorage whose ``save`` never exposes a half-written file.

    Django's FileSystemStorage writes chunks straight into the final path, so a reader (or a
    crash) can see a truncated file under the final name. Here the bytes go to a temporary file
    in the same directory first; only a complete file is then hard-linked to the final name
    (``os.link`` fails if the name exists, keeping Django's never-overwrite behaviour and its
    ``get_available_name`` retry). S3-compatible stores need no such care: an object appears only
    when its upload completes.

    Files of ``fsync_min_bytes`` or more (originals, masks, final renders) are fsynced before
    they get their name, so a power cut cannot leave an empty file under it. Smaller files
    (deep-zoom tiles: hundreds per photo, each regenerable) skip the fsync, which would
    otherwise cost seconds per photo.
    """

    fsync_min_bytes = 1024 * 1024

    def _save(self, name: str, content) -> str:
        full_path = self.path(name)
        directory = os.path.dirname(full_path)
        os.makedirs(directory, exist_ok=True)
        fd, temp_path = tempfile.mkstemp(dir=directory, prefix=".", suffix=".part")
        try:
            with os.fdopen(fd, "wb") as out:
                written = 0
                for chunk in content.chunks():
                    data = chunk.encode() if isinstance(chunk, str) else chunk
                    out.write(data)
                    written += len(data)
                out.flush()
                if written >= self.fsync_min_bytes:
                    os.fsync(out.fileno())
            if self.file_permissions_mode is not None:
                os.chmod(temp_path, self.file_permissions_mode)
            while True:
                try:
                    if self._allow_overwrite:
                        os.replace(temp_path, full_path)
                    else:
                        _link_exclusive(temp_path, full_path)
                    break
                except FileExistsError:
                    name = self.get_available_name(name)
                    full_path = self.path(name)
        finally:
            if os.path.exists(temp_path):
                os.unlink(temp_path)
        self._ensure_location_group_id(full_path)
        return os.path.relpath(full_path, self.location).replace("\\", "/")


def _link_exclusive(source: str, target: str) -> None:
    """Give ``source`` the name ``target`` atomically, failing if ``target`` exists."""
    try:
        os.link(source, target)
    except FileExistsError:
        raise
    except OSError:
        # Filesystems without hard links (some network mounts): rename is still atomic; the
        # existence check leaves a small race, acceptable for our unique (content-addressed) names.
        if os.path.exists(target):
            raise FileExistsError(target) from None
        os.replace(source, target)
