"""photos_requeue_unprepared: new photos the queue refused or never prepared are enqueued again."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from jewelreview.catalog.models import Photo
from jewelreview.catalog.services import PHOTO_PREPARE_GRACE, photos_requeue_unprepared

pytestmark = pytest.mark.django_db


def _aged(photo: Photo, *, by: timedelta, error: str = "") -> Photo:
    Photo.objects.filter(pk=photo.pk).update(prepare_error=error, updated_at=timezone.now() - by)
    return photo


@pytest.fixture
def enqueued(monkeypatch):
    """The photo ids handed to the queue (the task itself is tested in test_prepare.py)."""
    from jewelreview.catalog import tasks

    ids: list[int] = []

    class RecordingTask:
        def enqueue(self, *, photo_id):
            ids.append(photo_id)

    monkeypatch.setattr(tasks, "photo_prepare", RecordingTask())
    return ids


def test_refused_and_never_prepared_photos_are_enqueued_again_and_nothing_else(
    make_photo, enqueued, django_capture_on_commit_callbacks
):
    refused = _aged(make_photo(status="new"), by=timedelta(0), error="could not enqueue: ConnectionError: down")
    lost = _aged(make_photo(status="new"), by=PHOTO_PREPARE_GRACE + timedelta(minutes=1))
    waiting = _aged(make_photo(status="new"), by=PHOTO_PREPARE_GRACE - timedelta(minutes=1))
    broken = _aged(make_photo(status="new"), by=timedelta(days=1), error="ImageDecodeError: truncated")
    reviewed = _aged(make_photo(status="needs_review"), by=timedelta(days=1))

    with django_capture_on_commit_callbacks(execute=True):
        found = photos_requeue_unprepared()

    assert found == {"enqueue_failed": [refused.pk], "never_prepared": [lost.pk]}
    assert sorted(enqueued) == sorted([refused.pk, lost.pk])
    assert Photo.objects.get(pk=refused.pk).prepare_error == ""
    assert Photo.objects.get(pk=broken.pk).prepare_error == "ImageDecodeError: truncated"  # left to a manager
    assert [Photo.objects.get(pk=p.pk).status for p in (waiting, broken, reviewed)] == ["new", "new", "needs_review"]


def test_a_second_run_finds_nothing_until_another_grace_has_passed(
    make_photo, enqueued, django_capture_on_commit_callbacks
):
    lost = _aged(make_photo(status="new"), by=PHOTO_PREPARE_GRACE * 2)
    with django_capture_on_commit_callbacks(execute=True):
        assert photos_requeue_unprepared()["never_prepared"] == [lost.pk]
    with django_capture_on_commit_callbacks(execute=True):
        assert photos_requeue_unprepared() == {"enqueue_failed": [], "never_prepared": []}
    assert enqueued == [lost.pk]


def test_the_queue_still_down_records_the_error_again_for_the_next_run(
    make_photo, monkeypatch, django_capture_on_commit_callbacks
):
    from jewelreview.catalog import tasks

    class DownTask:
        def enqueue(self, **kwargs):
            raise ConnectionError("Redis is down")

    monkeypatch.setattr(tasks, "photo_prepare", DownTask())
    refused = _aged(make_photo(status="new"), by=timedelta(0), error="could not enqueue: ConnectionError: earlier")
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            assert photos_requeue_unprepared()["enqueue_failed"] == [refused.pk]
        assert Photo.objects.get(pk=refused.pk).prepare_error == (
            "could not enqueue: the task queue did not answer; it is queued again once the queue is back."
        )


def test_a_photo_whose_job_is_still_on_the_queue_is_not_enqueued_again(
    make_photo, enqueued, monkeypatch, django_capture_on_commit_callbacks
):
    from jewelreview.catalog import prepare_queue

    waiting = _aged(make_photo(status="new"), by=PHOTO_PREPARE_GRACE * 3)  # behind a long backlog
    lost = _aged(make_photo(status="new"), by=PHOTO_PREPARE_GRACE * 3)
    monkeypatch.setattr(prepare_queue, "photo_prepare_pending_ids", lambda: {waiting.pk})
    before = Photo.objects.get(pk=waiting.pk).updated_at

    with django_capture_on_commit_callbacks(execute=True):
        found = photos_requeue_unprepared()

    assert found == {"enqueue_failed": [], "never_prepared": [lost.pk]}
    assert enqueued == [lost.pk]
    assert Photo.objects.get(pk=waiting.pk).updated_at == before  # its clock is left alone


def test_with_the_immediate_backend_nothing_is_ever_pending():
    from jewelreview.catalog.prepare_queue import photo_prepare_pending_ids

    assert photo_prepare_pending_ids() == set()
