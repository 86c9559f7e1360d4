"""Photo preparation, detection and auto-fix failures recorded before they were sentences for people
(``jewelreview.failure_reasons``) kept the exception: "FileNotFoundError: [Errno 2] No such file or
directory: '/srv/media/originals/...'" in ``Photo.prepare_error`` (the review screen, the API) and
in the notes of ``detect_failed`` and ``autofix_failed`` events (every photo's history), and
"could not enqueue: ConnectionError: Error 111 connecting to 10.0.0.5:6379." Rewrite them as the
tasks now write them, as repairs 0003 did for renders. Messages from core and the service layer
(bad input: "ImageDecodeError: truncated JPEG ...") carry no origin: only their class name goes.
"""

import re

from django.db import migrations

QUEUE = "could not enqueue: the task queue did not answer"
ENQUEUE_FAILED = {
    "prepare": f"{QUEUE}; it is queued again once the queue is back.",
    "detect_failed": f"{QUEUE}; tell a manager.",
    "autofix_failed": f"{QUEUE}; run auto-fix on the batch again once the queue is back.",
}
RETRY = {"prepare": None, "detect_failed": None, "autofix_failed": "run auto-fix on the batch again"}
MISSING = "a stored file of the photo is missing; ask a manager to re-import it."
# core.errors and jewelreview.errors: their messages are written for people.
FOR_PEOPLE = {
    "CoreError", "InvalidRecipeError", "InvalidPathError", "ImageDecodeError", "ImageTooLargeError",
    "SizeMismatchError", "RenderTooSlowError", "ServiceError", "InvalidInput", "NotAllowed", "NotFound",
    "Conflict", "Unprocessable", "TooLarge", "Busy",
}  # fmt: skip
EXCEPTION = re.compile(r"^([A-Z][A-Za-z0-9_]*): (.*)$", re.DOTALL)


def sentence(error: str, *, kind: str) -> str | None:
    """The sentence for an old error of ``kind`` (prepare, detect_failed, autofix_failed), or None to keep it."""
    if error.startswith("could not enqueue: "):
        return ENQUEUE_FAILED[kind] if error != ENQUEUE_FAILED[kind] else None
    found = EXCEPTION.match(error)
    if found is None:
        return None
    name, message = found.groups()
    if name in FOR_PEOPLE:
        return message
    if not name.endswith(("Error", "Exception")):
        return None
    retry = RETRY[kind]
    if name == "FileNotFoundError":
        return MISSING
    if "[Errno 28]" in message:
        then = f", and {retry} once space is freed." if retry else "."
        return f"the server's storage is full; tell a manager{then}"
    then = f"{retry}, and tell a manager if it fails again." if retry else "tell a manager."
    if name == "MemoryError":
        return f"the server ran out of memory; {then}"
    return f"something unexpected went wrong on the server; {then}"


def rewrite(apps, schema_editor):
    Photo = apps.get_model("catalog", "Photo")
    Event = apps.get_model("reviews", "Event")
    for photo in Photo.objects.exclude(prepare_error="").only("pk", "prepare_error").iterator():
        new = sentence(photo.prepare_error, kind="prepare")
        if new is not None:
            Photo.objects.filter(pk=photo.pk).update(prepare_error=new)
    failed = Event.objects.filter(action__in=["detect_failed", "autofix_failed"]).exclude(note="")
    for event in failed.only("pk", "action", "note").iterator():
        new = sentence(event.note, kind=event.action)
        if new is not None:
            Event.objects.filter(pk=event.pk).update(note=new)


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0008_photo_damage_extent"),
        ("reviews", "0003_release_unheld_claims"),
    ]

    operations = [migrations.RunPython(rewrite, migrations.RunPython.noop)]
