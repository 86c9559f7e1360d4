"""Migration reviews 0004: old preparation, detection and auto-fix errors (exception, server paths,
queue addresses) become the sentences the tasks now write; messages from core are kept."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps

from jewelreview.catalog.models import Photo
from jewelreview.catalog.services import PREPARE_ENQUEUE_FAILED
from jewelreview.reviews.models import Event

pytestmark = pytest.mark.django_db

migration = importlib.import_module("jewelreview.reviews.migrations.0004_failure_reasons_for_people")

OLD_MISSING = "FileNotFoundError: [Errno 2] No such file or directory: '/tmp/qa/var/media/originals/02/02f3.jpg'"
OLD_QUEUE = "could not enqueue: ConnectionError: Error 111 connecting to 10.0.0.5:6379."
MISSING = "a stored file of the photo is missing; ask a manager to re-import it."


@pytest.mark.parametrize(
    ("old", "new"),
    [
        (OLD_MISSING, MISSING),
        ("RuntimeError: boom in /srv/app/x.py", "something unexpected went wrong on the server; tell a manager."),
        ("MemoryError: ", "the server ran out of memory; tell a manager."),
        (OLD_QUEUE, PREPARE_ENQUEUE_FAILED),
        ("ImageDecodeError: truncated JPEG: the file ends early", "truncated JPEG: the file ends early"),
        ("truncated JPEG: the file ends early", "truncated JPEG: the file ends early"),
    ],
)
def test_old_prepare_errors_are_rewritten_and_cores_messages_kept(make_photo, old, new):
    photo = make_photo(status="new")
    Photo.objects.filter(pk=photo.pk).update(prepare_error=old)
    migration.rewrite(apps, None)
    assert Photo.objects.get(pk=photo.pk).prepare_error == new
    migration.rewrite(apps, None)  # a second run changes nothing
    assert Photo.objects.get(pk=photo.pk).prepare_error == new


@pytest.mark.parametrize(
    ("action", "old", "new"),
    [
        ("detect_failed", OLD_MISSING, MISSING),
        ("detect_failed", OLD_QUEUE, "could not enqueue: the task queue did not answer; tell a manager."),
        ("detect_failed", "ValueError: bad /srv/x", "something unexpected went wrong on the server; tell a manager."),
        (
            "autofix_failed",
            "OSError: [Errno 28] No space left on device: '/srv/media/x'",
            "the server's storage is full; tell a manager, and run auto-fix on the batch again once space is freed.",
        ),
        (
            "autofix_failed",
            OLD_QUEUE,
            "could not enqueue: the task queue did not answer; run auto-fix on the batch again once the queue is back.",
        ),
        ("autofix_failed", "Unprocessable: the photo is 16-bit", "the photo is 16-bit"),
        ("approve", OLD_MISSING, OLD_MISSING),  # other events' notes are people's words: untouched
    ],
)
def test_old_failure_notes_are_rewritten(make_photo, action, old, new):
    photo = make_photo(status="needs_review")
    event = Event.objects.create(
        photo=photo, action=action, from_status="needs_review", to_status="needs_review", note=old
    )
    migration.rewrite(apps, None)
    assert Event.objects.get(pk=event.pk).note == new
    migration.rewrite(apps, None)
    assert Event.objects.get(pk=event.pk).note == new
