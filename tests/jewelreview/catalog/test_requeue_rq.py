"""photos_requeue_unprepared against RQ on a real Redis (no worker): a queued job is not doubled.

Runs only with JEWELREVIEW_TEST_REDIS=1 (set by scripts/test-services.sh).
"""

from __future__ import annotations

import os

import pytest
from django.utils import timezone

from jewelreview.catalog.models import Photo
from jewelreview.catalog.services import PHOTO_PREPARE_GRACE, photos_requeue_unprepared
from jewelreview.queues import TASK_QUEUE

pytestmark = [
    pytest.mark.services,
    pytest.mark.skipif(os.environ.get("JEWELREVIEW_TEST_REDIS") != "1", reason="set JEWELREVIEW_TEST_REDIS=1"),
    pytest.mark.django_db,
]


@pytest.fixture
def rq_queue(settings):
    import django_rq

    redis_url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": [TASK_QUEUE]}}
    settings.RQ_QUEUES = {queue: {"URL": redis_url, "DEFAULT_TIMEOUT": 600} for queue in (TASK_QUEUE, "default")}
    settings.RQ = {"JOB_CLASS": "django_tasks_rq.Job", "COMMIT_MODE": "auto"}
    queue = django_rq.get_queue(TASK_QUEUE)
    queue.empty()
    yield queue
    queue.empty()


def test_a_queued_prepare_job_is_not_enqueued_again_and_a_lost_one_is(
    rq_queue, make_photo, django_capture_on_commit_callbacks
):
    from jewelreview.catalog.tasks import photo_prepare

    photo = make_photo(status="new")
    with django_capture_on_commit_callbacks(execute=True):
        result = photo_prepare.enqueue(photo_id=photo.pk)
    Photo.objects.filter(pk=photo.pk).update(updated_at=timezone.now() - PHOTO_PREPARE_GRACE * 2)

    for _ in range(2):  # a backlog longer than the grace: every sweep leaves the job alone
        with django_capture_on_commit_callbacks(execute=True):
            assert photos_requeue_unprepared() == {"enqueue_failed": [], "never_prepared": []}
    assert rq_queue.get_job_ids() == [result.id]

    rq_queue.remove(result.id)  # the job was lost (Redis' data went away)
    with django_capture_on_commit_callbacks(execute=True):
        assert photos_requeue_unprepared() == {"enqueue_failed": [], "never_prepared": [photo.pk]}
    assert len(rq_queue.get_job_ids()) == 1 and rq_queue.get_job_ids() != [result.id]
