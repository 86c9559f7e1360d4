"""Background work for repairs (``django.tasks``; in-process or RQ workers by settings)."""

from __future__ import annotations

import logging

from django.tasks import task

from jewelreview import failure_reasons
from jewelreview.queues import TASK_QUEUE
from jewelreview.repairs import rendering
from jewelreview.repairs.services import render_claim, render_complete, render_fail

logger = logging.getLogger(__name__)


@task(queue_name=TASK_QUEUE)
def render_revision(render_id: int) -> dict:
    """Render one revision to its final PNG and preview; record timings, checksum and state.

    Idempotent: a render that is done (or running elsewhere) is left alone. A failure is
    recorded on the Render (state failed, error) and re-raised so the queue shows it too;
    ``render_retry`` queues it again.
    """
    render = render_claim(render_id=render_id)
    if render is None:
        return {"render": render_id, "skipped": True}
    attempt = render.attempts  # the fencing token: a newer claim makes this worker's outcome void
    watch = rendering.Stopwatch()
    try:
        output = rendering.render_to_storage(render=render, watch=watch)
    except Exception as exc:
        render_fail(render_id=render_id, error=_describe(exc), timings=watch.total(), attempt=attempt)
        # The exception, its paths and its traceback are for the server's log; the Render keeps a
        # sentence for people (shown on the API and in the editor to every signed-in user).
        logger.warning("render %s failed", render_id, exc_info=exc)
        raise
    render_complete(
        render_id=render_id,
        final=output.final,
        preview=output.preview,
        checksum=output.checksum,
        final_bytes=output.final_bytes,
        timings=output.timings,
        tiles=output.tiles,
        attempt=attempt,
    )
    return {"render": render_id, "final": output.final, "checksum": output.checksum}


# How a person tries a failed render again (POST /api/renders/{id}/retry/, the editor's Retry).
RENDER_RETRY = "retry it"
RENDER_OUT_OF_MEMORY = failure_reasons.out_of_memory(retry=RENDER_RETRY)
RENDER_DISK_FULL = failure_reasons.disk_full(retry=RENDER_RETRY)
RENDER_UNEXPECTED = failure_reasons.unexpected(retry=RENDER_RETRY)


def _describe(exc: Exception) -> str:
    """A sentence for a person (``failure_reasons``); the exception itself goes to the log."""
    return failure_reasons.failure_reason(exc, retry=RENDER_RETRY)
