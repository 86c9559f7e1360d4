"""Which photos have a ``photo_prepare`` job still waiting or running on the task queue.

The sweeper (``catalog.services.photos_requeue_unprepared``) asks before it enqueues again, so a
backlog longer than its grace is not doubled on every run. The queue itself is the record: a
photo has no field for its job id, and a job found on the queue is by definition not lost.
"""

from __future__ import annotations

import logging

from jewelreview.queues import TASK_QUEUE

logger = logging.getLogger(__name__)

# The task's import path, as RQ records it on the job (``Task.module_path``).
PHOTO_PREPARE_PATH = "jewelreview.catalog.tasks.photo_prepare"


def photo_prepare_pending_ids() -> set[int]:
    """Photo ids whose ``photo_prepare`` job is queued, scheduled, deferred or running.

    Empty for a backend that runs tasks at once (the immediate backend: nothing is ever
    pending) and when the queue cannot be read (then the enqueue fails too, and records it).
    """
    from django.tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends

    # photo_prepare is declared with the default backend (``@task(queue_name=TASK_QUEUE)``).
    if type(task_backends[DEFAULT_TASK_BACKEND_ALIAS]).__module__.split(".")[0] != "django_tasks_rq":
        return set()
    try:
        return _rq_pending_photo_ids(queue_name=TASK_QUEUE, func_name=PHOTO_PREPARE_PATH)
    except Exception as exc:  # noqa: BLE001  (Redis down: the sweep's enqueue records the error per photo)
        logger.warning("could not read the %s queue: %s", TASK_QUEUE, exc)
        return set()


def _rq_pending_photo_ids(*, queue_name: str, func_name: str) -> set[int]:
    import django_rq
    from django_tasks_rq import Job
    from rq.job import JobStatus
    from rq.registry import DeferredJobRegistry, ScheduledJobRegistry, StartedJobRegistry

    queue = django_rq.get_queue(queue_name, job_class=Job)
    job_ids = list(queue.get_job_ids())
    for registry in (StartedJobRegistry, ScheduledJobRegistry, DeferredJobRegistry):
        job_ids.extend(registry(queue=queue).get_job_ids())
    live = {JobStatus.QUEUED, JobStatus.STARTED, JobStatus.SCHEDULED, JobStatus.DEFERRED}
    pending: set[int] = set()
    for job in Job.fetch_many(job_ids, connection=queue.connection):
        if job is None or job.func_name != func_name or job.get_status(refresh=False) not in live:
            continue
        photo_id = job.kwargs.get("photo_id")
        if isinstance(photo_id, int):
            pending.add(photo_id)
    return pending
