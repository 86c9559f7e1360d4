"""Failed renders recorded before render errors were sentences for people kept the exception, its
server paths and its source location ("FileNotFoundError: [Errno 2] ... '/srv/media/originals/...'
(at .../filesystem.py:66)"), shown to every signed-in user: rewrite them as the task now writes them.
Messages from core (bad input) carry no origin and are kept."""

import re

from django.db import migrations

ENQUEUE_FAILED_PREFIX = "could not enqueue the render: "
ENQUEUE_FAILED = f"{ENQUEUE_FAILED_PREFIX}the task queue did not answer; it is queued again once the queue is back."
MISSING = "a stored file of the photo is missing; ask a manager to re-import it."
OUT_OF_MEMORY = "the server ran out of memory; retry it, and tell a manager if it fails again."
DISK_FULL = "the server's storage is full; tell a manager, and retry it once space is freed."
UNEXPECTED = "something unexpected went wrong on the server; retry it, and tell a manager if it fails again."
ORIGIN = re.compile(r" \(at .+:\d+\)$")


def sentence(error: str) -> str | None:
    """The sentence for an old error, or None to keep it."""
    if error.startswith(ENQUEUE_FAILED_PREFIX):
        return ENQUEUE_FAILED if error != ENQUEUE_FAILED else None
    if not ORIGIN.search(error):
        return None
    if error.startswith("FileNotFoundError:"):
        return MISSING
    if error.startswith("MemoryError:"):
        return OUT_OF_MEMORY
    if "[Errno 28]" in error:
        return DISK_FULL
    return UNEXPECTED


def rewrite(apps, schema_editor):
    Render = apps.get_model("repairs", "Render")
    for render in Render.objects.exclude(error="").only("pk", "error").iterator():
        new = sentence(render.error)
        if new is not None:
            Render.objects.filter(pk=render.pk).update(error=new)


class Migration(migrations.Migration):
    dependencies = [("repairs", "0002_render_tiles")]

    operations = [migrations.RunPython(rewrite, migrations.RunPython.noop)]
